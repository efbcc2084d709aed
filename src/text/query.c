/*
 * query.c: parse topic queries, index them by required terms, match texts.
 *
 * Each query compiles to nodes in one array shared by the set (children
 * before parents).  Every node gets a cost: how often its cheapest required
 * term is expected in a text (stop words and short terms are common).  The
 * root's required terms go into an inverted index: an AND contributes the
 * cheaper side, an OR both sides, a phrase its cheapest word, a NOT nothing.
 * A query whose root has no required term is tried on every text.
 *
 * Matching a text first builds a table of its keys (exact forms and stems,
 * with positions), collects the queries its keys point to, then evaluates
 * only those.  NEAR and phrases use the positions; nothing else does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/ctx.h"
#include "text/query.h"

#define INF_COST	1e30
#define NONE		UINT32_MAX

enum qop { Q_TERM, Q_PREFIX, Q_PHRASE, Q_AND, Q_OR, Q_NOT, Q_NEAR, Q__MAX };
enum qkey { KEY_EXACT, KEY_STEM, KEY_PREFIX, KEY_ID, KEY__MAX };

static const char *const op_names[Q__MAX] = {
	"TERM", "PREFIX", "PHRASE", "AND", "OR", "NOT", "NEAR"
};
static const char *const key_names[KEY__MAX] = {
	"exact", "stem", "prefix", "id"
};

struct qnode {
	uint8_t op;
	uint8_t key;		/* TERM, PREFIX, PHRASE: how words compare */
	uint32_t near;		/* NEAR: words allowed between */
	uint32_t a, b;		/* children; PHRASE: first word and count */
	uint32_t str, len;	/* TERM, PREFIX: the string in strs */
	double cost;
};

struct qword {
	uint32_t str, len;
	double cost;
};

struct query {
	uint32_t root;
	uint32_t id, id_len;	/* in strs */
};

/* An index entry: a key and the list of queries it points to. */
struct ikey {
	uint64_t hash;
	uint32_t str, len;
	uint32_t list;		/* KEY_ID: the query index */
	uint8_t type;
	uint8_t used;
};

struct plist {
	uint32_t *ids;
	uint32_t n, cap;
};

struct text_query_set {
	struct qnode *nodes;
	size_t nnodes, nodes_cap;
	struct qword *words;
	size_t nwords, words_cap;
	char *strs;
	size_t strs_len, strs_cap;
	struct query *q;
	size_t nq, q_cap;
	struct ikey *tab;
	size_t slots, nkeys;
	struct plist *lists;
	size_t nlists, lists_cap;
	uint32_t *always;
	size_t nalways, always_cap;
	size_t pmin, pmax;	/* byte lengths of indexed prefixes */
};

enum lex {
	L_END, L_LPAREN, L_RPAREN, L_PHRASE, L_WORD, L_AND, L_OR, L_NOT,
	L_NEAR
};

struct parser {
	struct text_query_set *set;
	struct text_ctx *ctx;
	const char *q;
	size_t len, pos;
	size_t nodes0;
	unsigned depth;
	struct text_error *err;
	enum lex tok;
	size_t tpos;		/* where the lexeme starts */
	size_t tstart, tlen;	/* its text (inside the quotes for phrases) */
	unsigned near;
};

/* Keys of the text being matched. */
struct pkey {
	uint64_t hash;
	const char *s;
	uint32_t len;
	uint8_t type;
	int32_t head;		/* first occurrence */
};

struct span {
	uint32_t s, e;		/* token positions, inclusive */
};

struct text_matcher {
	const struct text_query_set *set;
	const struct text_doc *doc;
	uint32_t *seen, gen;
	uint32_t *cand;
	size_t ncand, cand_cap;
	size_t *hits;
	size_t nhits, hits_cap;
	struct pkey *tab;
	uint32_t *stamp, tgen;
	size_t slots;
	uint32_t *used;		/* slots filled for this text */
	size_t nused, used_cap;
	int32_t *occ_next;
	uint32_t *occ_pos;
	size_t nocc, occ_cap;
	struct span *spans;
	size_t nspans, spans_cap;
};

static uint64_t
key_hash(unsigned type, const char *s, size_t len)
{
	return fnv1a(FNV_OFFSET ^ (0x100u * (type + 1)), s, len);
}

/* The set's side */

struct text_query_set *
text_query_set_new(void)
{
	return calloc(1, sizeof(struct text_query_set));
}

void
text_query_set_free(struct text_query_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nlists; i++)
		free(set->lists[i].ids);
	free(set->lists);
	free(set->nodes);
	free(set->words);
	free(set->strs);
	free(set->q);
	free(set->tab);
	free(set->always);
	free(set);
}

size_t
text_query_set_count(const struct text_query_set *set)
{
	return set->nq;
}

const char *
text_query_set_id(const struct text_query_set *set, size_t i)
{
	return i < set->nq ? set->strs + set->q[i].id : NULL;
}

size_t
text_query_set_unindexed(const struct text_query_set *set)
{
	return set->nalways;
}

/* Copy s into strs, NUL-terminated; *off receives its offset. */
static int
str_add(struct text_query_set *set, const char *s, size_t len, uint32_t *off)
{
	void *p = set->strs;
	/* s may point into strs itself, which growing moves. */
	int inside = set->strs != NULL && s >= set->strs &&
	    s < set->strs + set->strs_len;
	size_t at = inside ? (size_t)(s - set->strs) : 0;

	if (text_grow(&p, &set->strs_cap, set->strs_len + len + 1, 1,
	    UINT32_MAX) == -1)
		return -1;
	set->strs = p;
	if (inside)
		s = set->strs + at;
	memcpy(set->strs + set->strs_len, s, len);
	set->strs[set->strs_len + len] = '\0';
	*off = (uint32_t)set->strs_len;
	set->strs_len += len + 1;
	return 0;
}

static struct ikey *
ikey_find(const struct text_query_set *set, unsigned type, const char *s,
    size_t len, uint64_t h)
{
	size_t i;

	if (set->slots == 0)
		return NULL;
	for (i = (size_t)h & (set->slots - 1);; i = (i + 1) & (set->slots - 1)) {
		struct ikey *k = &set->tab[i];

		if (!k->used)
			return k;
		if (k->hash == h && k->type == type && k->len == len &&
		    memcmp(set->strs + k->str, s, len) == 0)
			return k;
	}
}

/* The entry for a key, created if absent; NULL when out of memory. */
static struct ikey *
ikey_get(struct text_query_set *set, unsigned type, const char *s,
    size_t len)
{
	uint64_t h = key_hash(type, s, len);
	struct ikey *k;

	if ((set->nkeys + 1) * 2 > set->slots) {
		struct ikey *old = set->tab;
		size_t oslots = set->slots, i;

		set->slots = oslots ? oslots * 2 : 1024;
		if ((set->tab = calloc(set->slots, sizeof(*set->tab))) == NULL) {
			set->tab = old;
			set->slots = oslots;
			return NULL;
		}
		for (i = 0; i < oslots; i++) {
			if (!old[i].used)
				continue;
			k = ikey_find(set, old[i].type, set->strs + old[i].str,
			    old[i].len, old[i].hash);
			*k = old[i];
		}
		free(old);
	}
	k = ikey_find(set, type, s, len, h);
	if (k->used)
		return k;
	if (str_add(set, s, len, &k->str) == -1)
		return NULL;
	k->hash = h;
	k->type = (uint8_t)type;
	k->len = (uint32_t)len;
	k->list = NONE;
	k->used = 1;
	set->nkeys++;
	return k;
}

static int
post(struct text_query_set *set, unsigned type, const char *s, size_t len,
    uint32_t qid)
{
	struct ikey *k;
	struct plist *l;
	void *p;

	if ((k = ikey_get(set, type, s, len)) == NULL)
		return -1;
	if (k->list == NONE) {
		p = set->lists;
		if (text_grow(&p, &set->lists_cap, set->nlists + 1,
		    sizeof(*set->lists), UINT32_MAX) == -1)
			return -1;
		set->lists = p;
		memset(&set->lists[set->nlists], 0, sizeof(*set->lists));
		k->list = (uint32_t)set->nlists++;
	}
	l = &set->lists[k->list];
	if (l->n > 0 && l->ids[l->n - 1] == qid)
		return 0;
	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : 4;

		if ((p = realloc(l->ids, ncap * sizeof(*l->ids))) == NULL)
			return -1;
		l->ids = p;
		l->cap = ncap;
	}
	l->ids[l->n++] = qid;
	if (type == KEY_PREFIX) {
		if (set->pmin == 0 || len < set->pmin)
			set->pmin = len;
		if (len > set->pmax)
			set->pmax = len;
	}
	return 0;
}

/* Parsing */

static int perr(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report an error at byte at of the query; returns -1. */
static int
perr(struct parser *p, size_t at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at >= p->len)
		text_error_set(p->err, p->len, 0, "at the end of the query: %s",
		    msg);
	else
		text_error_set(p->err, at, 0, "at byte %zu: %s", at, msg);
	return -1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* « and » as UTF-8. */
static int
at_guillemet(const char *s, size_t n, int open)
{
	return n >= 2 && (unsigned char)s[0] == 0xC2 &&
	    (unsigned char)s[1] == (open ? 0xAB : 0xBB);
}

static int
chunk_is(const struct parser *p, const char *w)
{
	size_t n = strlen(w);

	return p->tlen == n && memcmp(p->q + p->tstart, w, n) == 0;
}

static int
lex(struct parser *p)
{
	const char *q = p->q;
	size_t n = p->len, i, close;
	unsigned long v;

	while (p->pos < n && is_ws(q[p->pos]))
		p->pos++;
	p->tpos = p->pos;
	if (p->pos >= n) {
		p->tok = L_END;
		return 0;
	}
	if (q[p->pos] == '(' || q[p->pos] == ')') {
		p->tok = q[p->pos] == '(' ? L_LPAREN : L_RPAREN;
		p->pos++;
		return 0;
	}
	if (q[p->pos] == '"' || at_guillemet(q + p->pos, n - p->pos, 1)) {
		int guil = q[p->pos] != '"';

		p->tstart = p->pos + (guil ? 2 : 1);
		for (i = p->tstart; i < n; i++)
			if (guil ? at_guillemet(q + i, n - i, 0) : q[i] == '"')
				break;
		if (i >= n)
			return perr(p, p->tpos, "%s", guil ?
			    "this \xC2\xAB is never closed: expected \xC2\xBB" :
			    "this quote is never closed: expected '\"'");
		close = guil ? 2 : 1;
		p->tlen = i - p->tstart;
		p->pos = i + close;
		p->tok = L_PHRASE;
		return 0;
	}
	p->tstart = p->pos;
	while (p->pos < n && !is_ws(q[p->pos]) && q[p->pos] != '(' &&
	    q[p->pos] != ')' && q[p->pos] != '"' &&
	    !at_guillemet(q + p->pos, n - p->pos, 1))
		p->pos++;
	p->tlen = p->pos - p->tstart;
	p->tok = L_WORD;
	if (chunk_is(p, "AND"))
		p->tok = L_AND;
	else if (chunk_is(p, "OR"))
		p->tok = L_OR;
	else if (chunk_is(p, "NOT"))
		p->tok = L_NOT;
	else if (p->tlen >= 4 && memcmp(q + p->tstart, "NEAR", 4) == 0) {
		if (p->tlen < 6 || q[p->tstart + 4] != '/' ||
		    text_parse_ulong(q + p->tstart + 5, p->tlen - 5, 0,
		    TEXT_MAX_NEAR, &v) == -1)
			return perr(p, p->tpos, "NEAR needs a distance from 0 "
			    "to %u, as in NEAR/5", (unsigned)TEXT_MAX_NEAR);
		p->tok = L_NEAR;
		p->near = (unsigned)v;
	}
	return 0;
}

static int
new_node(struct parser *p, enum qop op, uint32_t *out)
{
	struct text_query_set *set = p->set;
	void *mem = set->nodes;

	if (set->nnodes - p->nodes0 >= TEXT_MAX_QUERY_NODES)
		return perr(p, p->tpos, "the query has more than %u terms and "
		    "operators", (unsigned)TEXT_MAX_QUERY_NODES);
	if (text_grow(&mem, &set->nodes_cap, set->nnodes + 1,
	    sizeof(*set->nodes), UINT32_MAX) == -1)
		return perr(p, p->tpos, "out of memory");
	set->nodes = mem;
	memset(&set->nodes[set->nnodes], 0, sizeof(*set->nodes));
	set->nodes[set->nnodes].op = (uint8_t)op;
	*out = (uint32_t)set->nnodes++;
	return 0;
}

static double
word_cost(const struct text_token *t, size_t len)
{
	return t->stop ? 100 : 1 + 16.0 / (double)(len ? len : 1);
}

/*
 * Analyse s (a word or the inside of quotes, at byte at of the query) with
 * the text engine.  Returns the doc or -1 with the error placed in the query.
 */
static int
analyse(struct parser *p, size_t at, const char *s, size_t len,
    struct text_doc *doc)
{
	struct text_error e;

	if (text_analyze(p->ctx, s, len, doc, &e) == -1) {
		if (e.offset != (size_t)-1 && e.offset <= len)
			return perr(p, at + e.offset, "%s", e.msg);
		return perr(p, at, "%s", e.msg);
	}
	return 0;
}

/* A phrase of doc's tokens: exact forms or stems. */
static int
phrase_node(struct parser *p, const struct text_doc *doc, enum qkey key,
    uint32_t *out)
{
	struct text_query_set *set = p->set;
	struct qnode *nd;
	size_t k;
	void *mem;

	if (new_node(p, Q_PHRASE, out) == -1)
		return -1;
	mem = set->words;
	if (text_grow(&mem, &set->words_cap, set->nwords + doc->ntokens,
	    sizeof(*set->words), UINT32_MAX) == -1)
		return perr(p, p->tpos, "out of memory");
	set->words = mem;
	nd = &set->nodes[*out];
	nd->key = (uint8_t)key;
	nd->a = (uint32_t)set->nwords;
	nd->b = (uint32_t)doc->ntokens;
	nd->cost = INF_COST;
	for (k = 0; k < doc->ntokens; k++) {
		const struct text_token *t = &doc->tokens[k];
		const char *s = key == KEY_STEM ? t->stem : t->norm;
		size_t len = key == KEY_STEM ? t->stem_len : t->norm_len;
		struct qword *w = &set->words[set->nwords];

		if (str_add(set, s, len, &w->str) == -1)
			return perr(p, p->tpos, "out of memory");
		w->len = (uint32_t)len;
		w->cost = word_cost(t, len);
		if (w->cost < set->nodes[*out].cost)
			set->nodes[*out].cost = w->cost;
		set->nwords++;
	}
	return 0;
}

static int
term_node(struct parser *p, enum qop op, enum qkey key, const char *s,
    size_t len, double cost, uint32_t *out)
{
	struct qnode *nd;
	uint32_t off;

	if (new_node(p, op, out) == -1)
		return -1;
	if (str_add(p->set, s, len, &off) == -1)
		return perr(p, p->tpos, "out of memory");
	nd = &p->set->nodes[*out];
	nd->key = (uint8_t)key;
	nd->str = off;
	nd->len = (uint32_t)len;
	nd->cost = cost;
	return 0;
}

static int
compile_word(struct parser *p, uint32_t *out)
{
	const char *s = p->q + p->tstart;
	size_t len = p->tlen, k, cps = 0;
	int prefix = len > 0 && s[len - 1] == '*';
	struct text_doc doc;
	const struct text_token *t;

	if (prefix)
		len--;
	if (memchr(s, '*', len) != NULL)
		return perr(p, p->tstart + (size_t)((const char *)memchr(s, '*',
		    len) - s), "'*' may only end a word, as in отоплен*");
	if (analyse(p, p->tstart, s, len, &doc) == -1)
		return -1;
	if (doc.ntokens == 0)
		return perr(p, p->tpos, "%s", "expected a word, a number, a "
		    "hashtag or an emoji; this has nothing to search for");
	t = &doc.tokens[0];
	if (prefix) {
		if (doc.ntokens != 1)
			return perr(p, p->tpos, "%s",
			    "a prefix before '*' must be a single word");
		for (k = 0; k < t->norm_len; k++)
			cps += ((unsigned char)t->norm[k] & 0xC0) != 0x80;
		if (cps < TEXT_MIN_PREFIX)
			return perr(p, p->tpos, "a prefix needs at least %u "
			    "letters before '*'", (unsigned)TEXT_MIN_PREFIX);
		return term_node(p, Q_PREFIX, KEY_PREFIX, t->norm, t->norm_len,
		    t->stop ? 100 : 2 + 32.0 / (double)t->norm_len, out);
	}
	if (doc.ntokens > 1)
		return phrase_node(p, &doc, KEY_STEM, out);
	if (t->kind == TEXT_TOKEN_WORD)
		return term_node(p, Q_TERM, KEY_STEM, t->stem, t->stem_len,
		    word_cost(t, t->stem_len), out);
	return term_node(p, Q_TERM, KEY_EXACT, t->norm, t->norm_len,
	    word_cost(t, t->norm_len), out);
}

static int
compile_phrase(struct parser *p, uint32_t *out)
{
	struct text_doc doc;
	const struct text_token *t;

	if (analyse(p, p->tstart, p->q + p->tstart, p->tlen, &doc) == -1)
		return -1;
	if (doc.ntokens == 0)
		return perr(p, p->tpos, "expected words inside the quotes");
	if (doc.ntokens > 1)
		return phrase_node(p, &doc, KEY_EXACT, out);
	t = &doc.tokens[0];
	return term_node(p, Q_TERM, KEY_EXACT, t->norm, t->norm_len,
	    word_cost(t, t->norm_len), out);
}

static int
binary(struct parser *p, enum qop op, uint32_t a, uint32_t b, uint32_t *out)
{
	struct qnode *nd;
	double ca, cb;

	if (new_node(p, op, out) == -1)
		return -1;
	nd = &p->set->nodes[*out];
	nd->a = a;
	nd->b = b;
	nd->near = p->near;
	ca = p->set->nodes[a].cost;
	cb = b == NONE ? INF_COST : p->set->nodes[b].cost;
	if (op == Q_OR)
		nd->cost = ca >= INF_COST || cb >= INF_COST ? INF_COST : ca + cb;
	else if (op == Q_NOT)
		nd->cost = INF_COST;
	else
		nd->cost = ca < cb ? ca : cb;
	return 0;
}

static int
starts_operand(enum lex t)
{
	return t == L_WORD || t == L_PHRASE || t == L_LPAREN || t == L_NOT;
}

static const char *
lex_name(const struct parser *p)
{
	switch (p->tok) {
	case L_END:
		return "the end";
	case L_LPAREN:
		return "'('";
	case L_RPAREN:
		return "')'";
	case L_AND:
		return "AND";
	case L_OR:
		return "OR";
	case L_NOT:
		return "NOT";
	case L_NEAR:
		return "NEAR";
	default:
		return "a word";
	}
}

static int parse_or(struct parser *p, uint32_t *out);

/* Whether node n yields positions (terms, phrases, OR and NEAR of them). */
static int
positional(const struct text_query_set *set, uint32_t n)
{
	const struct qnode *nd = &set->nodes[n];

	switch (nd->op) {
	case Q_TERM:
	case Q_PREFIX:
	case Q_PHRASE:
		return 1;
	case Q_OR:
	case Q_NEAR:
		return positional(set, nd->a) && positional(set, nd->b);
	default:
		return 0;
	}
}

static int
parse_primary(struct parser *p, uint32_t *out)
{
	size_t open;

	switch (p->tok) {
	case L_LPAREN:
		open = p->tpos;
		if (++p->depth > TEXT_MAX_QUERY_DEPTH)
			return perr(p, p->tpos, "parentheses and NOT nest more "
			    "than %u deep", (unsigned)TEXT_MAX_QUERY_DEPTH);
		if (lex(p) == -1)
			return -1;
		if (p->tok == L_RPAREN)
			return perr(p, p->tpos, "expected a query inside "
			    "the parentheses");
		if (parse_or(p, out) == -1)
			return -1;
		if (p->tok != L_RPAREN)
			return perr(p, p->tpos, "expected ')' to close the '(' "
			    "at byte %zu", open);
		p->depth--;
		return lex(p);
	case L_PHRASE:
		if (compile_phrase(p, out) == -1)
			return -1;
		return lex(p);
	case L_WORD:
		if (compile_word(p, out) == -1)
			return -1;
		return lex(p);
	default:
		return perr(p, p->tpos, "expected a word, a \"phrase\" or '(' "
		    "but found %s", lex_name(p));
	}
}

static int
parse_near(struct parser *p, uint32_t *out)
{
	uint32_t l, r;
	size_t lpos = p->tpos, rpos;
	unsigned near;

	if (parse_primary(p, &l) == -1)
		return -1;
	while (p->tok == L_NEAR) {
		near = p->near;
		if (!positional(p->set, l))
			return perr(p, lpos, "NEAR needs words or phrases "
			    "(or OR-groups of them) on both sides");
		if (lex(p) == -1)
			return -1;
		rpos = p->tpos;
		if (p->tok != L_WORD && p->tok != L_PHRASE &&
		    p->tok != L_LPAREN)
			return perr(p, p->tpos, "expected a word, a \"phrase\" or "
			    "'(' after NEAR but found %s", lex_name(p));
		if (parse_primary(p, &r) == -1)
			return -1;
		if (!positional(p->set, r))
			return perr(p, rpos, "NEAR needs words or phrases "
			    "(or OR-groups of them) on both sides");
		p->near = near;
		if (binary(p, Q_NEAR, l, r, &l) == -1)
			return -1;
	}
	*out = l;
	return 0;
}

static int
parse_not(struct parser *p, uint32_t *out)
{
	uint32_t c;

	if (p->tok != L_NOT)
		return parse_near(p, out);
	if (++p->depth > TEXT_MAX_QUERY_DEPTH)
		return perr(p, p->tpos, "parentheses and NOT nest more than %u "
		    "deep", (unsigned)TEXT_MAX_QUERY_DEPTH);
	if (lex(p) == -1)
		return -1;
	if (!starts_operand(p->tok))
		return perr(p, p->tpos, "expected a word, a \"phrase\" or '(' "
		    "after NOT but found %s", lex_name(p));
	if (parse_not(p, &c) == -1)
		return -1;
	p->depth--;
	return binary(p, Q_NOT, c, NONE, out);
}

static int
parse_and(struct parser *p, uint32_t *out)
{
	uint32_t l, r;

	if (parse_not(p, &l) == -1)
		return -1;
	for (;;) {
		if (p->tok == L_AND) {
			if (lex(p) == -1)
				return -1;
			if (!starts_operand(p->tok))
				return perr(p, p->tpos, "expected a word, a "
				    "\"phrase\" or '(' after AND but found %s",
				    lex_name(p));
		} else if (!starts_operand(p->tok))
			break;
		if (parse_not(p, &r) == -1 || binary(p, Q_AND, l, r, &l) == -1)
			return -1;
	}
	*out = l;
	return 0;
}

static int
parse_or(struct parser *p, uint32_t *out)
{
	uint32_t l, r;

	if (parse_and(p, &l) == -1)
		return -1;
	while (p->tok == L_OR) {
		if (lex(p) == -1)
			return -1;
		if (!starts_operand(p->tok))
			return perr(p, p->tpos, "expected a word, a \"phrase\" or "
			    "'(' after OR but found %s", lex_name(p));
		if (parse_and(p, &r) == -1 || binary(p, Q_OR, l, r, &l) == -1)
			return -1;
	}
	*out = l;
	return 0;
}

/* Post the required terms of node n under query qid. */
static int
index_node(struct text_query_set *set, uint32_t n, uint32_t qid)
{
	const struct qnode *nd = &set->nodes[n];
	const struct qword *w, *best;
	uint32_t k;

	switch (nd->op) {
	case Q_TERM:
	case Q_PREFIX:
		return post(set, nd->key, set->strs + nd->str, nd->len, qid);
	case Q_PHRASE:
		best = &set->words[nd->a];
		for (k = 1; k < nd->b; k++) {
			w = &set->words[nd->a + k];
			if (w->cost < best->cost)
				best = w;
		}
		return post(set, nd->key, set->strs + best->str, best->len, qid);
	case Q_AND:
	case Q_NEAR:
		return index_node(set, set->nodes[nd->a].cost <=
		    set->nodes[nd->b].cost ? nd->a : nd->b, qid);
	case Q_OR:
		if (index_node(set, nd->a, qid) == -1)
			return -1;
		return index_node(set, nd->b, qid);
	default:
		return 0;
	}
}

static int
id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if ((unsigned char)id[i] <= 0x20 || (unsigned char)id[i] >= 0x7F)
			return 0;
	return i > 0 && i <= TEXT_MAX_QUERY_ID;
}

int
text_query_set_add(struct text_query_set *set, struct text_ctx *ctx,
    const char *id, const char *query, size_t len, struct text_error *err)
{
	struct parser p;
	struct query *qr;
	struct ikey *k;
	uint32_t root, qid = (uint32_t)set->nq;
	void *mem;
	size_t nodes0 = set->nnodes, words0 = set->nwords;

	if (!id_ok(id)) {
		text_error_set(err, (size_t)-1, 0, "a query id must be 1 to %u "
		    "printable ASCII characters without spaces",
		    (unsigned)TEXT_MAX_QUERY_ID);
		return -1;
	}
	if (set->nq >= TEXT_MAX_QUERIES) {
		text_error_set(err, (size_t)-1, 0, "more than %u queries",
		    (unsigned)TEXT_MAX_QUERIES);
		return -1;
	}
	if (len > TEXT_MAX_QUERY) {
		text_error_set(err, TEXT_MAX_QUERY, 0, "query %s is longer than "
		    "%u bytes", id, (unsigned)TEXT_MAX_QUERY);
		return -1;
	}
	if ((k = ikey_find(set, KEY_ID, id, strlen(id),
	    key_hash(KEY_ID, id, strlen(id)))) != NULL && k->used) {
		text_error_set(err, (size_t)-1, 0, "query id %s is used twice",
		    id);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.set = set;
	p.ctx = ctx;
	p.q = query;
	p.len = len;
	p.nodes0 = nodes0;
	p.err = err;
	if (lex(&p) == -1)
		goto fail;
	if (p.tok == L_END) {
		text_error_set(err, 0, 0, "the query is empty: write words, "
		    "\"phrases\", AND, OR, NOT, NEAR/n and parentheses");
		goto fail;
	}
	if (parse_or(&p, &root) == -1)
		goto fail;
	if (p.tok != L_END) {
		perr(&p, p.tpos, "%s", p.tok == L_RPAREN ?
		    "this ')' closes no '('" : "expected AND, OR or the end");
		goto fail;
	}
	mem = set->q;
	if (text_grow(&mem, &set->q_cap, set->nq + 1, sizeof(*set->q),
	    TEXT_MAX_QUERIES) == -1)
		goto nomem;
	set->q = mem;
	qr = &set->q[set->nq];
	qr->root = root;
	if (str_add(set, id, strlen(id), &qr->id) == -1)
		goto nomem;
	qr->id_len = (uint32_t)strlen(id);
	if ((k = ikey_get(set, KEY_ID, id, strlen(id))) == NULL)
		goto nomem;
	k->list = qid;
	set->nq++;
	if (set->nodes[root].cost >= INF_COST) {
		mem = set->always;
		if (text_grow(&mem, &set->always_cap, set->nalways + 1,
		    sizeof(*set->always), TEXT_MAX_QUERIES) == -1)
			goto nomem;
		set->always = mem;
		set->always[set->nalways++] = qid;
	} else if (index_node(set, root, qid) == -1)
		goto nomem;
	return 0;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory adding query %s", id);
	/* The query may be half indexed: the set stays usable but keeps it. */
	return -1;
fail:
	set->nnodes = nodes0;
	set->nwords = words0;
	return -1;
}

int
text_query_set_load(struct text_query_set *set, struct text_ctx *ctx,
    const char *path, struct text_error *err)
{
	char *buf = NULL, *line, *nl, *tab, *end;
	size_t len, lineno = 0;
	int rc = -1;

	if ((buf = text_file_read(path, TEXT_MAX_DATA_FILE, &len, err)) == NULL)
		return -1;
	for (line = buf; line < buf + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		end = nl;
		if (end > line && end[-1] == '\r')
			end--;
		if (end == line || line[0] == '#')
			continue;
		*end = '\0';
		if ((tab = memchr(line, '\t', (size_t)(end - line))) == NULL) {
			text_error_set(err, (size_t)-1, lineno, "%s: line %zu: "
			    "expected an id, a tab and a query", path, lineno);
			goto out;
		}
		*tab = '\0';
		if (text_query_set_add(set, ctx, line, tab + 1,
		    (size_t)(end - tab - 1), err) == -1) {
			if (err != NULL) {
				char msg[sizeof(err->msg) + 4200];
				int w = snprintf(msg, sizeof(msg), "%s: line %zu "
				    "(query %s): %s", path, lineno, line, err->msg);
				size_t n = w < 0 ? 0 : (size_t)w;

				/* Cut to err->msg; a long path may not fit. */
				if (n >= sizeof(err->msg))
					n = sizeof(err->msg) - 1;
				memcpy(err->msg, msg, n);
				err->msg[n] = '\0';
				err->line = lineno;
			}
			goto out;
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int fmt_add(char *buf, size_t size, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append to buf at *at; -1 if it does not fit. */
static int
fmt_add(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *at, size - *at, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - *at)
		return -1;
	*at += (size_t)w;
	return 0;
}

static int
format_node(const struct text_query_set *set, uint32_t n, char *buf,
    size_t size, size_t *at)
{
	const struct qnode *nd = &set->nodes[n];
	uint32_t k;

	switch (nd->op) {
	case Q_TERM:
	case Q_PREFIX:
		return fmt_add(buf, size, at, "%s:%s", key_names[nd->key],
		    set->strs + nd->str);
	case Q_PHRASE:
		if (fmt_add(buf, size, at, "(PHRASE %s", key_names[nd->key]) == -1)
			return -1;
		for (k = 0; k < nd->b; k++)
			if (fmt_add(buf, size, at, " %s",
			    set->strs + set->words[nd->a + k].str) == -1)
				return -1;
		return fmt_add(buf, size, at, ")");
	case Q_NOT:
		if (fmt_add(buf, size, at, "(NOT ") == -1 ||
		    format_node(set, nd->a, buf, size, at) == -1)
			return -1;
		return fmt_add(buf, size, at, ")");
	default:
		if ((nd->op == Q_NEAR ?
		    fmt_add(buf, size, at, "(NEAR/%u ", nd->near) :
		    fmt_add(buf, size, at, "(%s ", op_names[nd->op])) == -1 ||
		    format_node(set, nd->a, buf, size, at) == -1 ||
		    fmt_add(buf, size, at, " ") == -1 ||
		    format_node(set, nd->b, buf, size, at) == -1)
			return -1;
		return fmt_add(buf, size, at, ")");
	}
}

int
text_query_format(const struct text_query_set *set, size_t i, char *buf,
    size_t size)
{
	size_t at = 0;

	if (i >= set->nq || size == 0)
		return -1;
	buf[0] = '\0';
	return format_node(set, set->q[i].root, buf, size, &at);
}

/* The matcher's side */

struct text_matcher *
text_matcher_new(const struct text_query_set *set)
{
	struct text_matcher *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->set = set;
	return m;
}

void
text_matcher_free(struct text_matcher *m)
{
	if (m == NULL)
		return;
	free(m->seen);
	free(m->cand);
	free(m->hits);
	free(m->tab);
	free(m->stamp);
	free(m->used);
	free(m->occ_next);
	free(m->occ_pos);
	free(m->spans);
	free(m);
}

static struct pkey *
pkey_find(const struct text_matcher *m, unsigned type, const char *s,
    size_t len, uint64_t h)
{
	size_t i;

	for (i = (size_t)h & (m->slots - 1);; i = (i + 1) & (m->slots - 1)) {
		struct pkey *k = &m->tab[i];

		if (m->stamp[i] != m->tgen)
			return k;
		if (k->hash == h && k->type == type && k->len == len &&
		    memcmp(k->s, s, len) == 0)
			return k;
	}
}

/* The text's entry for a key, or NULL if the text lacks it. */
static const struct pkey *
pkey_get(const struct text_matcher *m, unsigned type, const char *s,
    size_t len)
{
	const struct pkey *k = pkey_find(m, type, s, len,
	    key_hash(type, s, len));

	return m->stamp[k - m->tab] == m->tgen ? k : NULL;
}

static void
pkey_add(struct text_matcher *m, unsigned type, const char *s, size_t len,
    uint32_t pos)
{
	uint64_t h = key_hash(type, s, len);
	struct pkey *k = pkey_find(m, type, s, len, h);
	size_t slot = (size_t)(k - m->tab);

	if (m->stamp[slot] != m->tgen) {
		m->stamp[slot] = m->tgen;
		k->hash = h;
		k->s = s;
		k->len = (uint32_t)len;
		k->type = (uint8_t)type;
		k->head = -1;
		m->used[m->nused++] = (uint32_t)slot;
	}
	m->occ_pos[m->nocc] = pos;
	m->occ_next[m->nocc] = k->head;
	k->head = (int32_t)m->nocc++;
}

/* Size the per-text tables for doc; 0 or -1 out of memory. */
static int
prepare(struct text_matcher *m, const struct text_doc *doc)
{
	size_t need = 2 * doc->ntokens + 1, want = 64, nq = m->set->nq;
	void *p;

	if (m->seen == NULL || nq > m->cand_cap) {
		free(m->seen);
		free(m->cand);
		m->cand_cap = nq + 1;
		m->seen = calloc(m->cand_cap, sizeof(*m->seen));
		m->cand = malloc(m->cand_cap * sizeof(*m->cand));
		if (m->seen == NULL || m->cand == NULL)
			return -1;
		m->gen = 0;
	}
	if (++m->gen == 0) {
		memset(m->seen, 0, m->cand_cap * sizeof(*m->seen));
		m->gen = 1;
	}
	while (want < 2 * need)
		want *= 2;
	if (want > m->slots) {
		free(m->tab);
		free(m->stamp);
		m->tab = malloc(want * sizeof(*m->tab));
		m->stamp = calloc(want, sizeof(*m->stamp));
		if (m->tab == NULL || m->stamp == NULL) {
			m->slots = 0;
			return -1;
		}
		m->slots = want;
		m->tgen = 0;
	}
	if (++m->tgen == 0) {
		memset(m->stamp, 0, m->slots * sizeof(*m->stamp));
		m->tgen = 1;
	}
	if (need > m->occ_cap) {
		if ((p = realloc(m->occ_next, need * sizeof(int32_t))) == NULL)
			return -1;
		m->occ_next = p;
		if ((p = realloc(m->occ_pos, need * sizeof(uint32_t))) == NULL)
			return -1;
		m->occ_pos = p;
		if ((p = realloc(m->used, need * sizeof(uint32_t))) == NULL)
			return -1;
		m->used = p;
		m->occ_cap = m->used_cap = need;
	}
	m->nused = m->nocc = m->ncand = m->nhits = m->nspans = 0;
	return 0;
}

static void
candidate(struct text_matcher *m, uint32_t qid)
{
	if (m->seen[qid] != m->gen) {
		m->seen[qid] = m->gen;
		m->cand[m->ncand++] = qid;
	}
}

static void
candidates_of(struct text_matcher *m, unsigned type, const char *s,
    size_t len)
{
	const struct text_query_set *set = m->set;
	const struct ikey *k;
	const struct plist *l;
	uint32_t i;

	k = ikey_find(set, type, s, len, key_hash(type, s, len));
	if (k == NULL || !k->used || k->list == NONE)
		return;
	l = &set->lists[k->list];
	for (i = 0; i < l->n; i++)
		candidate(m, l->ids[i]);
}

static int
token_is(const struct text_token *t, unsigned key, const char *s, size_t len)
{
	if (key == KEY_STEM)
		return t->stem_len == len && memcmp(t->stem, s, len) == 0;
	return t->norm_len == len && memcmp(t->norm, s, len) == 0;
}

/* Whether the phrase node nd starts at token position pos. */
static int
phrase_at(const struct text_matcher *m, const struct qnode *nd, size_t pos)
{
	const struct text_query_set *set = m->set;
	uint32_t k;

	if (pos + nd->b > m->doc->ntokens)
		return 0;
	for (k = 0; k < nd->b; k++) {
		const struct qword *w = &set->words[nd->a + k];

		if (!token_is(&m->doc->tokens[pos + k], nd->key,
		    set->strs + w->str, w->len))
			return 0;
	}
	return 1;
}

static int
span_push(struct text_matcher *m, uint32_t s, uint32_t e)
{
	void *p = m->spans;

	if (text_grow(&p, &m->spans_cap, m->nspans + 1, sizeof(*m->spans),
	    (size_t)TEXT_MAX_SPANS * TEXT_MAX_QUERY_NODES) == -1)
		return -1;
	m->spans = p;
	m->spans[m->nspans].s = s;
	m->spans[m->nspans++].e = e;
	return 0;
}

/*
 * Append the spans node n matches to m->spans, at most TEXT_MAX_SPANS of
 * them; returns their number (they start where m->nspans stood).
 */
static size_t
spans(struct text_matcher *m, uint32_t n)
{
	const struct text_query_set *set = m->set;
	const struct qnode *nd = &set->nodes[n];
	const struct pkey *k;
	const struct qword *w;
	size_t start = m->nspans, na, nb, i, j, out = 0;
	int32_t o;

	switch (nd->op) {
	case Q_TERM:
	case Q_PHRASE:
		if (nd->op == Q_TERM)
			k = pkey_get(m, nd->key, set->strs + nd->str, nd->len);
		else {
			w = &set->words[nd->a];
			k = pkey_get(m, nd->key, set->strs + w->str, w->len);
		}
		for (o = k ? k->head : -1; o >= 0 && out < TEXT_MAX_SPANS;
		    o = m->occ_next[o]) {
			uint32_t pos = m->occ_pos[o];

			if (nd->op == Q_PHRASE && !phrase_at(m, nd, pos))
				continue;
			if (span_push(m, pos, nd->op == Q_PHRASE ?
			    pos + nd->b - 1 : pos) == -1)
				break;
			out++;
		}
		return out;
	case Q_PREFIX:
		for (i = 0; i < m->doc->ntokens && out < TEXT_MAX_SPANS; i++) {
			const struct text_token *t = &m->doc->tokens[i];

			if (t->norm_len >= nd->len && memcmp(t->norm,
			    set->strs + nd->str, nd->len) == 0) {
				if (span_push(m, (uint32_t)i, (uint32_t)i) == -1)
					break;
				out++;
			}
		}
		return out;
	case Q_OR:
		na = spans(m, nd->a);
		nb = spans(m, nd->b);
		return na + nb;
	case Q_NEAR:
		na = spans(m, nd->a);
		nb = spans(m, nd->b);
		for (i = 0; i < na && out < TEXT_MAX_SPANS; i++) {
			for (j = 0; j < nb && out < TEXT_MAX_SPANS; j++) {
				struct span x = m->spans[start + i];
				struct span y = m->spans[start + na + j];
				uint32_t gap;

				if (x.e < y.s)
					gap = y.s - x.e - 1;
				else if (y.e < x.s)
					gap = x.s - y.e - 1;
				else
					continue;	/* overlap: same words */
				if (gap > nd->near)
					continue;
				if (span_push(m, x.s < y.s ? x.s : y.s,
				    x.e > y.e ? x.e : y.e) == -1)
					break;
				out++;
			}
		}
		if (out > 0)
			memmove(m->spans + start, m->spans + start + na + nb,
			    out * sizeof(*m->spans));
		m->nspans = start + out;
		return out;
	default:
		return 0;
	}
}

static int
eval(struct text_matcher *m, uint32_t n)
{
	const struct text_query_set *set = m->set;
	const struct qnode *nd = &set->nodes[n];
	size_t i, start, got;

	switch (nd->op) {
	case Q_TERM:
		return pkey_get(m, nd->key, set->strs + nd->str, nd->len) != NULL;
	case Q_AND:
		return eval(m, nd->a) && eval(m, nd->b);
	case Q_OR:
		return eval(m, nd->a) || eval(m, nd->b);
	case Q_NOT:
		return !eval(m, nd->a);
	case Q_PREFIX:
		for (i = 0; i < m->doc->ntokens; i++)
			if (m->doc->tokens[i].norm_len >= nd->len &&
			    memcmp(m->doc->tokens[i].norm, set->strs + nd->str,
			    nd->len) == 0)
				return 1;
		return 0;
	default:
		start = m->nspans;
		got = spans(m, n);
		m->nspans = start;
		return got > 0;
	}
}

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

int
text_matcher_run(struct text_matcher *m, const struct text_doc *doc,
    const size_t **hits, size_t *n)
{
	const struct text_query_set *set = m->set;
	size_t i, k, len;
	void *p;

	*hits = NULL;
	*n = 0;
	if (prepare(m, doc) == -1)
		return -1;
	m->doc = doc;
	for (i = 0; i < doc->ntokens; i++) {
		const struct text_token *t = &doc->tokens[i];

		pkey_add(m, KEY_EXACT, t->norm, t->norm_len, (uint32_t)i);
		pkey_add(m, KEY_STEM, t->stem, t->stem_len, (uint32_t)i);
	}
	for (i = 0; i < m->nused; i++) {
		const struct pkey *k2 = &m->tab[m->used[i]];

		candidates_of(m, k2->type, k2->s, k2->len);
		if (k2->type != KEY_EXACT || set->pmax == 0)
			continue;
		/* Every prefix of the form, at code point boundaries. */
		for (len = set->pmin; len <= set->pmax && len <= k2->len; len++)
			if (len == k2->len ||
			    ((unsigned char)k2->s[len] & 0xC0) != 0x80)
				candidates_of(m, KEY_PREFIX, k2->s, len);
	}
	for (i = 0; i < set->nalways; i++)
		candidate(m, set->always[i]);
	for (k = 0; k < m->ncand; k++) {
		uint32_t qid = m->cand[k];

		if (!eval(m, set->q[qid].root))
			continue;
		p = m->hits;
		if (text_grow(&p, &m->hits_cap, m->nhits + 1, sizeof(*m->hits),
		    TEXT_MAX_QUERIES) == -1)
			return -1;
		m->hits = p;
		m->hits[m->nhits++] = qid;
	}
	if (m->nhits > 1)
		qsort(m->hits, m->nhits, sizeof(*m->hits), size_cmp);
	*hits = m->hits;
	*n = m->nhits;
	return 0;
}
