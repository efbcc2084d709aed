/*
 * complaint.c: the rule-based complaint scorer.
 *
 * File format ("veche-complaint-rules 1" on the first line):
 *
 *	@bias -3            the score's starting point (log-odds)
 *	@negative 2         weight of P(negative) from the sentiment model
 *	@threshold 0.5      score at and above which a text is a complaint
 *	@cap request 4      most that one category may add
 *	request<TAB>2.5<TAB>прошу
 *	problem<TAB>1.5<TAB>не работает
 *
 * An entry is a category, a weight and one or more words; it fires when
 * the words' stems occur in a row.  Each entry counts once per text.  The
 * score is the logistic function of bias + capped category sums +
 * negative * P(negative).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/complaint.h"
#include "text/ctx.h"

#define RULES_MAGIC	"veche-complaint-rules 1"
#define MAX_CATEGORIES	16
#define MAX_WORDS	8	/* words in one entry */
#define MAX_NAME	32	/* bytes of a category name */

struct entry {
	uint32_t cat;
	double weight;
	uint32_t word0, nwords;	/* stems in words[] */
	uint32_t text;		/* the entry as written, in strs */
	uint32_t next;		/* next entry with the same first stem, + 1 */
};

struct stem_ref {
	uint32_t str, len;
};

struct first_slot {
	uint64_t hash;
	uint32_t entry;		/* first entry, + 1; 0: empty */
};

struct text_complaint {
	double bias, negative, threshold;
	char cat[MAX_CATEGORIES][MAX_NAME];
	double cap[MAX_CATEGORIES];
	size_t ncat;
	struct entry *e;
	size_t ne, ecap;
	struct stem_ref *words;
	size_t nwords, wcap;
	char *strs;
	size_t strs_len, strs_cap;
	struct first_slot *tab;	/* first stem -> entries */
	size_t slots;
};

void
text_complaint_free(struct text_complaint *c)
{
	if (c == NULL)
		return;
	free(c->e);
	free(c->words);
	free(c->strs);
	free(c->tab);
	free(c);
}

static int
str_put(struct text_complaint *c, const char *s, size_t len, uint32_t *off)
{
	void *p = c->strs;

	if (text_grow(&p, &c->strs_cap, c->strs_len + len + 1, 1,
	    TEXT_MAX_DATA_FILE) == -1)
		return -1;
	c->strs = p;
	memcpy(c->strs + c->strs_len, s, len);
	c->strs[c->strs_len + len] = '\0';
	*off = (uint32_t)c->strs_len;
	c->strs_len += len + 1;
	return 0;
}

static struct first_slot *
first_find(const struct text_complaint *c, uint64_t h)
{
	size_t i;

	for (i = (size_t)h & (c->slots - 1);; i = (i + 1) & (c->slots - 1))
		if (c->tab[i].entry == 0 || c->tab[i].hash == h)
			return &c->tab[i];
}

/* Index entries by the hash of their first stem. */
static int
build_index(struct text_complaint *c)
{
	size_t i;

	for (c->slots = 64; c->slots < 2 * c->ne + 2; c->slots *= 2)
		continue;
	if ((c->tab = calloc(c->slots, sizeof(*c->tab))) == NULL)
		return -1;
	for (i = c->ne; i-- > 0;) {
		const struct stem_ref *w = &c->words[c->e[i].word0];
		uint64_t h = fnv1a(FNV_OFFSET, c->strs + w->str, w->len);
		struct first_slot *sl = first_find(c, h);

		sl->hash = h;
		c->e[i].next = sl->entry;
		sl->entry = (uint32_t)i + 1;
	}
	return 0;
}

static int
category(struct text_complaint *c, const char *s, size_t len)
{
	size_t k;

	if (len == 0 || len >= MAX_NAME)
		return -1;
	for (k = 0; k < c->ncat; k++)
		if (strlen(c->cat[k]) == len && memcmp(c->cat[k], s, len) == 0)
			return (int)k;
	if (c->ncat == MAX_CATEGORIES)
		return -1;
	memcpy(c->cat[c->ncat], s, len);
	c->cat[c->ncat][len] = '\0';
	c->cap[c->ncat] = INFINITY;
	return (int)c->ncat++;
}

/*
 * Split line into at most max fields: at tabs only (tabs = 1, entries may
 * hold spaces) or at runs of spaces and tabs.  Returns the count.
 */
static size_t
fields(char *line, char **f, size_t max, int tabs)
{
	size_t n = 0;
	char *p = line;

	while (*p != '\0' && n < max) {
		while (!tabs && (*p == ' ' || *p == '\t'))
			p++;
		if (*p == '\0')
			break;
		f[n++] = p;
		while (*p != '\0' && *p != '\t' && (tabs || *p != ' '))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

static int
directive(struct text_complaint *c, char *line)
{
	char *f[4];
	size_t n = fields(line, f, 4, 0);
	double v;
	int k;

	if (n == 2 && text_parse_double(f[1], strlen(f[1]), -100, 100, &v) == 0) {
		if (strcmp(f[0], "@bias") == 0)
			c->bias = v;
		else if (strcmp(f[0], "@negative") == 0)
			c->negative = v;
		else if (strcmp(f[0], "@threshold") == 0 && v > 0 && v < 1)
			c->threshold = v;
		else
			return -1;
		return 0;
	}
	if (n == 3 && strcmp(f[0], "@cap") == 0 &&
	    text_parse_double(f[2], strlen(f[2]), 0, 100, &v) == 0 &&
	    (k = category(c, f[1], strlen(f[1]))) >= 0) {
		c->cap[k] = v;
		return 0;
	}
	return -1;
}

static int
entry_add(struct text_complaint *c, struct text_ctx *ctx, char *line)
{
	char *f[3];
	struct text_doc doc;
	struct text_error e;
	struct entry *en;
	double w;
	size_t k;
	int cat;
	void *p;

	if (fields(line, f, 3, 1) != 3 ||
	    (cat = category(c, f[0], strlen(f[0]))) < 0 ||
	    text_parse_double(f[1], strlen(f[1]), -100, 100, &w) == -1 ||
	    text_analyze(ctx, f[2], strlen(f[2]), &doc, &e) == -1 ||
	    doc.ntokens == 0 || doc.ntokens > MAX_WORDS)
		return -1;
	p = c->e;
	if (c->ne >= TEXT_MAX_WORD_LIST || text_grow(&p, &c->ecap, c->ne + 1,
	    sizeof(*c->e), TEXT_MAX_WORD_LIST) == -1)
		return -1;
	c->e = p;
	p = c->words;
	if (text_grow(&p, &c->wcap, c->nwords + doc.ntokens, sizeof(*c->words),
	    TEXT_MAX_WORD_LIST * MAX_WORDS) == -1)
		return -1;
	c->words = p;
	en = &c->e[c->ne];
	en->cat = (uint32_t)cat;
	en->weight = w;
	en->word0 = (uint32_t)c->nwords;
	en->nwords = (uint32_t)doc.ntokens;
	for (k = 0; k < doc.ntokens; k++) {
		struct stem_ref *r = &c->words[c->nwords + k];

		if (str_put(c, doc.tokens[k].stem, doc.tokens[k].stem_len,
		    &r->str) == -1)
			return -1;
		r->len = (uint32_t)doc.tokens[k].stem_len;
	}
	if (str_put(c, f[2], strlen(f[2]), &en->text) == -1)
		return -1;
	c->nwords += doc.ntokens;
	c->ne++;
	return 0;
}

struct text_complaint *
text_complaint_load(struct text_ctx *ctx, const char *path,
    struct text_error *err)
{
	struct text_complaint *c = NULL;
	char *buf = NULL, *line, *nl, *end;
	size_t len, lineno = 0;

	if ((buf = text_file_read(path, TEXT_MAX_DATA_FILE, &len, err)) == NULL)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		text_error_set(err, (size_t)-1, 0, "out of memory");
		goto fail;
	}
	c->threshold = 0.5;
	for (line = buf; line < buf + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		end = nl;
		if (end > line && end[-1] == '\r')
			end--;
		*end = '\0';
		if (lineno == 1) {
			if (strcmp(line, RULES_MAGIC) != 0) {
				text_error_set(err, 0, 1, "%s: unknown scorer "
				    "kind; the first line must be \"%s\"", path,
				    RULES_MAGIC);
				goto fail;
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((line[0] == '@' ? directive(c, line) :
		    entry_add(c, ctx, line)) == -1) {
			text_error_set(err, (size_t)-1, lineno, "%s: line %zu: "
			    "expected \"category<TAB>weight<TAB>words\" (at most "
			    "%d words, %d categories) or a known @directive",
			    path, lineno, MAX_WORDS, MAX_CATEGORIES);
			goto fail;
		}
	}
	if (c->ne == 0) {
		text_error_set(err, (size_t)-1, lineno, "%s has no entries", path);
		goto fail;
	}
	if (build_index(c) == -1) {
		text_error_set(err, (size_t)-1, 0, "out of memory");
		goto fail;
	}
	free(buf);
	return c;
fail:
	text_complaint_free(c);
	free(buf);
	return NULL;
}

struct text_complaint *
text_complaint_load_default(struct text_ctx *ctx, const char *datadir,
    struct text_error *err)
{
	char path[TEXT_MAX_PATH];

	if (text_data_path(datadir, "text/complaint.lex", path,
	    sizeof(path)) == -1) {
		text_error_set(err, (size_t)-1, 0, "data directory path too long");
		return NULL;
	}
	return text_complaint_load(ctx, path, err);
}

/* Whether entry en's stems occur at token position pos. */
static int
entry_at(const struct text_complaint *c, const struct entry *en,
    const struct text_doc *doc, size_t pos)
{
	uint32_t k;

	if (pos + en->nwords > doc->ntokens)
		return 0;
	for (k = 0; k < en->nwords; k++) {
		const struct stem_ref *w = &c->words[en->word0 + k];
		const struct text_token *t = &doc->tokens[pos + k];

		if (t->stem_len != w->len ||
		    memcmp(t->stem, c->strs + w->str, w->len) != 0)
			return 0;
	}
	return 1;
}

void
text_complaint_score(const struct text_complaint *c,
    const struct text_doc *doc, const double *sentiment,
    struct text_complaint_result *out)
{
	double sum[MAX_CATEGORIES] = { 0 }, z = c->bias;
	uint32_t fired[64];
	size_t nfired = 0, i, k;
	uint32_t it;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < doc->ntokens; i++) {
		const struct text_token *t = &doc->tokens[i];
		const struct first_slot *sl = first_find(c,
		    fnv1a(FNV_OFFSET, t->stem, t->stem_len));

		for (it = sl->entry; it != 0; it = c->e[it - 1].next) {
			const struct entry *en = &c->e[it - 1];

			if (!entry_at(c, en, doc, i))
				continue;
			for (k = 0; k < nfired && fired[k] != it - 1; k++)
				continue;
			if (k < nfired || nfired == sizeof(fired) / sizeof(*fired))
				continue;	/* counted already, or enough */
			fired[nfired++] = it - 1;
			sum[en->cat] += en->weight;
			if (out->ncues < TEXT_COMPLAINT_CUES)
				out->cues[out->ncues++] = c->strs + en->text;
		}
	}
	for (k = 0; k < c->ncat; k++)
		z += sum[k] < c->cap[k] ? sum[k] : c->cap[k];
	if (sentiment != NULL)
		z += c->negative * sentiment[TEXT_SENTIMENT_NEGATIVE];
	out->score = 1.0 / (1.0 + exp(-z));
	out->complaint = out->score >= c->threshold;
}
