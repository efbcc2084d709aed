/*
 * drafts.c: the rules of drafts of regulations (core/drafts.h): the split
 * of a pasted text into articles and paragraphs, the word diff between
 * versions, who may publish and answer, the discussion period by the
 * clock, and the audit entry of every change, written in its transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/drafts.h"
#include "core/export.h"
#include "core/social.h"
#include "core/text_check.h"
#include "store/store.h"
#include "store/store_drafts.h"

static const char *const decision_names[DRAFT_DECISION__MAX] = {
	"", "accepted", "partly", "rejected",
};

const char *
draft_decision_name(enum draft_decision d)
{
	return (unsigned)d < DRAFT_DECISION__MAX ? decision_names[d] : "";
}

int
draft_decision_parse(const char *s)
{
	int i;

	for (i = 1; s != NULL && i < DRAFT_DECISION__MAX; i++)
		if (strcmp(decision_names[i], s) == 0)
			return i;
	return -1;
}

int
draft_is_open(const struct draft *d, int64_t now)
{
	return d->opens <= now && now <= d->closes;
}

int
draft_may_edit(const struct actor *act, const char *agency)
{
	size_t i;

	if (act == NULL)
		return 0;
	if (act->role == ROLE_ADMIN)
		return 1;
	if (act->role != ROLE_OPERATOR && act->role != ROLE_HEAD)
		return 0;
	for (i = 0; agency != NULL && i < act->nagencies; i++)
		if (strcmp(act->agencies[i], agency) == 0)
			return 1;
	return 0;
}

/* The split */

void
draft_text_free(struct draft_text *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nparas; i++) {
		free((char *)t->paras[i].text);
		/* The article's title is shared: freed with its first paragraph. */
		if (t->paras[i].number == 1)
			free((char *)t->paras[i].article_title);
	}
	free(t->paras);
	memset(t, 0, sizeof(*t));
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

static size_t
skip_blanks(const char *p, size_t i, size_t n)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/*
 * Whether line p (n bytes) heads an article: 1 with its number and title
 * (offset and length), 0 when it is not one, -1 when it starts with the
 * word but is malformed.
 */
static int
article_head(const char *p, size_t n, long *num, size_t *title, size_t *tlen)
{
	static const char *const heads[] = { "Статья", "Article", "article",
		"СТАТЬЯ", "ARTICLE" };
	size_t i = skip_blanks(p, 0, n), h, k, j;
	long v = 0;

	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		k = strlen(heads[h]);
		if (n - i >= k && memcmp(p + i, heads[h], k) == 0)
			break;
	}
	if (h == sizeof(heads) / sizeof(heads[0]))
		return 0;
	j = i + strlen(heads[h]);
	if (j < n && p[j] != ' ' && p[j] != '\t')
		return 0;               /* "Articles ...": a word, not a head */
	j = skip_blanks(p, j, n);
	if (j >= n || p[j] < '0' || p[j] > '9')
		return -1;
	for (k = 0; j < n && p[j] >= '0' && p[j] <= '9' && k < 4; j++, k++)
		v = v * 10 + (p[j] - '0');
	if (k == 4 || v == 0 || j >= n || p[j] != '.')
		return -1;
	j = skip_blanks(p, j + 1, n);
	*num = v;
	*title = j;
	while (n > j && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*tlen = n - j;
	return 1;
}

/* Whether line p (n bytes) starts with a paragraph marker. */
static int
para_marker(const char *p, size_t n)
{
	size_t i = skip_blanks(p, 0, n), k = 0;

	while (i + k < n && p[i + k] >= '0' && p[i + k] <= '9' && k < 4)
		k++;
	if (k > 0 && k < 4 && i + k < n && (p[i + k] == '.' ||
	    p[i + k] == ')'))
		return i + k + 1 == n || p[i + k + 1] == ' ' ||
		    p[i + k + 1] == '\t';
	/* A letter: a-z, or a Cyrillic small letter (UTF-8 D0 B0..D1 8F). */
	if (i < n && p[i] >= 'a' && p[i] <= 'z')
		k = 1;
	else if (i + 1 < n && (((unsigned char)p[i] == 0xd0 &&
	    (unsigned char)p[i + 1] >= 0xb0) || ((unsigned char)p[i] == 0xd1 &&
	    (unsigned char)p[i + 1] <= 0x8f)))
		k = 2;
	else
		return 0;
	return i + k < n && p[i + k] == ')' && (i + k + 1 == n ||
	    p[i + k + 1] == ' ' || p[i + k + 1] == '\t');
}

/* The split's state. */
struct splitter {
	struct draft_text *t;
	size_t cap;
	char *title;                    /* the open article's, owned */
	long article;                   /* its number, 0: none yet */
	size_t article_line;
	int number;                     /* paragraphs in it so far */
	char *buf;                      /* the open paragraph, or NULL */
	size_t len, first_line;
	struct verr *e;
};

/* Close the open paragraph: 0, or -1 with e set. */
static int
para_end(struct splitter *sp)
{
	struct draft_para *p, *np;

	if (sp->buf == NULL)
		return 0;
	if (sp->t->nparas == VECHE_DRAFT_MAX_PARAS)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "more than %d paragraphs", sp->first_line,
		    VECHE_DRAFT_MAX_PARAS);
	if (sp->t->nparas == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 32;
		if ((np = realloc(sp->t->paras, sp->cap * sizeof(*np))) ==
		    NULL)
			return verr_set(sp->e, VERR_INTERNAL, NULL, "out of "
			    "memory");
		sp->t->paras = np;
	}
	p = &sp->t->paras[sp->t->nparas++];
	memset(p, 0, sizeof(*p));
	p->article = (int)sp->article;
	p->number = ++sp->number;
	p->text = sp->buf;
	/* The first paragraph owns the article's title (draft_text_free). */
	p->article_title = sp->title;
	sp->buf = NULL;
	sp->len = 0;
	return 0;
}

/* Append line p (n bytes, trimmed) to the open paragraph, or open one. */
static int
para_add(struct splitter *sp, const char *p, size_t n, size_t line)
{
	char *nb;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (sp->buf == NULL)
		sp->first_line = line;
	if (sp->len + n + 2 > VECHE_DRAFT_MAX_PARA)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "the paragraph is longer than %d bytes", sp->first_line,
		    VECHE_DRAFT_MAX_PARA);
	if ((nb = realloc(sp->buf, sp->len + n + 2)) == NULL)
		return verr_set(sp->e, VERR_INTERNAL, NULL, "out of memory");
	sp->buf = nb;
	if (sp->len > 0)
		sp->buf[sp->len++] = ' ';
	memcpy(sp->buf + sp->len, p, n);
	sp->len += n;
	sp->buf[sp->len] = '\0';
	return 0;
}

/* Close the open article: -1 when it has no paragraph. */
static int
article_end(struct splitter *sp)
{
	if (para_end(sp) == -1)
		return -1;
	if (sp->article != 0 && sp->number == 0)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "article %ld has no paragraphs", sp->article_line,
		    sp->article);
	if (sp->number == 0)
		free(sp->title);        /* no paragraph took it */
	sp->title = NULL;
	return 0;
}

/* One line of the text: 0, or -1 with e set. */
static int
split_line(struct splitter *sp, const char *p, size_t n, size_t line)
{
	size_t title, tlen;
	long num;
	int rc;

	if (n > VECHE_DRAFT_MAX_LINE)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "longer than %d bytes", line, VECHE_DRAFT_MAX_LINE);
	if (blank(p, n))
		return para_end(sp);
	if ((rc = article_head(p, n, &num, &title, &tlen)) == -1)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "an article starts \"Статья N. Title\" (\"Article N. "
		    "Title\"), N a number from 1", line);
	if (rc == 1) {
		if (article_end(sp) == -1)
			return -1;
		if (num <= sp->article)
			return verr_set(sp->e, VERR_INVALID, "text", "text: line "
			    "%zu: article %ld after article %ld; the numbers "
			    "rise", line, num, sp->article);
		if (sp->t->narticles == VECHE_DRAFT_MAX_ARTICLES)
			return verr_set(sp->e, VERR_INVALID, "text", "text: line "
			    "%zu: more than %d articles", line,
			    VECHE_DRAFT_MAX_ARTICLES);
		if ((sp->title = malloc(tlen + 1)) == NULL)
			return verr_set(sp->e, VERR_INTERNAL, NULL, "out of "
			    "memory");
		memcpy(sp->title, p + title, tlen);
		sp->title[tlen] = '\0';
		sp->article = num;
		sp->article_line = line;
		sp->number = 0;
		sp->t->narticles++;
		return 0;
	}
	if (sp->article == 0)
		return verr_set(sp->e, VERR_INVALID, "text", "text: line %zu: "
		    "text before the first article (a line \"Статья 1. Title\" "
		    "starts one)", line);
	if (para_marker(p, n) && para_end(sp) == -1)
		return -1;
	return para_add(sp, p + skip_blanks(p, 0, n), n - skip_blanks(p, 0,
	    n), line);
}

int
draft_split(const char *text, struct draft_text *out, struct verr *e)
{
	struct splitter sp;
	const char *p, *nl;
	size_t n, line = 0;

	memset(out, 0, sizeof(*out));
	if (text_check("text", text, TEXT_CHECK_REQUIRED | TEXT_CHECK_MULTILINE,
	    VECHE_DRAFT_MAX_TEXT, e) == -1)
		return -1;
	if (strlen(text) > VECHE_DRAFT_MAX_TEXT)
		return verr_set(e, VERR_INVALID, "text", "text: at most %d "
		    "bytes", VECHE_DRAFT_MAX_TEXT);
	memset(&sp, 0, sizeof(sp));
	sp.t = out;
	sp.e = e;
	for (p = text; *p != '\0'; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (split_line(&sp, p, n, ++line) == -1)
			goto fail;
		if (nl == NULL)
			break;
	}
	if (article_end(&sp) == -1)
		goto fail;
	if (out->narticles == 0) {
		verr_set(e, VERR_INVALID, "text", "text: line 1: no article (a "
		    "line \"Статья 1. Title\" starts one)");
		goto fail;
	}
	return 0;
fail:
	free(sp.buf);
	if (sp.number == 0)
		free(sp.title);
	draft_text_free(out);
	return -1;
}

/* The diff */

struct words {
	const char **w;
	size_t *len;
	size_t n;
};

/* Split s into words: 0, 1 when past the limit, -1 out of memory. */
static int
words_of(const char *s, struct words *w)
{
	const char *p;
	size_t n = 0, i = 0;

	memset(w, 0, sizeof(*w));
	for (p = s; *p != '\0'; ) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		n++;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
	}
	if (n > VECHE_DRAFT_DIFF_WORDS)
		return 1;
	if (n == 0)
		return 0;
	if ((w->w = calloc(n, sizeof(*w->w))) == NULL ||
	    (w->len = calloc(n, sizeof(*w->len))) == NULL) {
		free(w->w);
		return -1;
	}
	for (p = s; *p != '\0' && i < n; i++) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		w->w[i] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
		w->len[i] = (size_t)(p - w->w[i]);
	}
	w->n = n;
	return 0;
}

static void
words_free(struct words *w)
{
	free(w->w);
	free(w->len);
}

static int
same(const struct words *a, size_t i, const struct words *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->w[i], b->w[j],
	    a->len[i]) == 0;
}

/* Everything of a deleted, then everything of b inserted. */
static int
replace_all(const struct words *a, const struct words *b,
    int (*fn)(enum draft_diff_op, const char *, size_t, void *), void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < a->n; i++)
		if ((rc = fn(DRAFT_DEL, a->w[i], a->len[i], arg)) != 0)
			return rc;
	for (i = 0; i < b->n; i++)
		if ((rc = fn(DRAFT_INS, b->w[i], b->len[i], arg)) != 0)
			return rc;
	return 0;
}

int
draft_diff(const char *old, const char *new,
    int (*fn)(enum draft_diff_op, const char *, size_t, void *), void *arg)
{
	struct words a, b;
	uint16_t *l = NULL;
	size_t i, j, w;
	int rc = -1, ra, rb;

	ra = words_of(old != NULL ? old : "", &a);
	rb = words_of(new != NULL ? new : "", &b);
	if (ra == -1 || rb == -1)
		goto out;
	if (ra == 1 || rb == 1) {
		/* Too long to compare word by word: old out, new in. */
		words_free(&a);
		words_free(&b);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		old = old != NULL ? old : "";
		new = new != NULL ? new : "";
		if (old[0] != '\0' && (rc = fn(DRAFT_DEL, old, strlen(old),
		    arg)) != 0)
			return rc;
		return new[0] != '\0' ? fn(DRAFT_INS, new, strlen(new), arg) : 0;
	}
	w = b.n + 1;
	if ((l = calloc((a.n + 1) * w, sizeof(*l))) == NULL)
		goto out;
	/* l[i][j]: the longest common subsequence of a[i..] and b[j..]. */
	for (i = a.n; i-- > 0; )
		for (j = b.n; j-- > 0; )
			l[i * w + j] = same(&a, i, &b, j) ?
			    (uint16_t)(l[(i + 1) * w + j + 1] + 1) :
			    l[(i + 1) * w + j] > l[i * w + j + 1] ?
			    l[(i + 1) * w + j] : l[i * w + j + 1];
	if (a.n == 0 || b.n == 0) {
		rc = replace_all(&a, &b, fn, arg);
		goto out;
	}
	for (i = j = 0, rc = 0; rc == 0 && (i < a.n || j < b.n); ) {
		if (i < a.n && j < b.n && same(&a, i, &b, j)) {
			rc = fn(DRAFT_SAME, b.w[j], b.len[j], arg);
			i++;
			j++;
		} else if (j == b.n || (i < a.n && l[(i + 1) * w + j] >=
		    l[i * w + j + 1])) {
			rc = fn(DRAFT_DEL, a.w[i], a.len[i], arg);
			i++;
		} else {
			rc = fn(DRAFT_INS, b.w[j], b.len[j], arg);
			j++;
		}
	}
out:
	free(l);
	words_free(&a);
	words_free(&b);
	return rc;
}

/* Writes */

static int
finish(struct store *s, int rc, struct verr *e)
{
	if (rc == 0 && store_commit(s) == 0)
		return 0;
	if (rc == 0 || e->kind == VERR_NONE)
		verr_set(e, VERR_INTERNAL, NULL, "drafts: %s", store_error(s));
	store_rollback(s);
	return -1;
}

static int
begin(struct store *s, struct verr *e)
{
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "drafts: %s",
		    store_error(s));
	return 0;
}

int
draft_publish(struct store *s, const struct actor *act,
    const struct draft_input *in, int64_t now, int64_t *id, struct verr *e)
{
	struct draft_text t;
	struct draft d;
	char obj[48], after[96];
	int rc;

	memset(&d, 0, sizeof(d));
	if (in->agency == NULL || in->agency[0] == '\0')
		return verr_set(e, VERR_INVALID, "agency", "agency: required");
	if (!draft_may_edit(act, in->agency))
		return verr_set(e, VERR_FORBIDDEN, "agency", "agency: only its "
		    "staff or an administrator publishes its drafts");
	if (text_check("title", in->title, TEXT_CHECK_REQUIRED,
	    VECHE_DRAFT_MAX_TITLE, e) == -1)
		return -1;
	if (in->opens == NULL || in->opens[0] == '\0')
		d.opens = now;
	else if (export_parse_date(in->opens, 0, "opens", &d.opens, e) == -1)
		return -1;
	if (in->closes == NULL || in->closes[0] == '\0')
		return verr_set(e, VERR_INVALID, "closes", "closes: required "
		    "(YYYY-MM-DD, the last day of the discussion)");
	if (export_parse_date(in->closes, 1, "closes", &d.closes, e) == -1)
		return -1;
	if (d.closes <= d.opens)
		return verr_set(e, VERR_INVALID, "closes", "closes: after "
		    "opens");
	if (draft_split(in->text, &t, e) == -1)
		return -1;
	d.agency = in->agency;
	d.title = in->title;
	d.created = now;
	if (begin(s, e) == -1) {
		draft_text_free(&t);
		return -1;
	}
	rc = store_draft_add(s, &d, id);
	if (rc == 0)
		rc = store_draft_version_add(s, *id, 1, &t, now);
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "draft:%lld", (long long)*id);
		snprintf(after, sizeof(after), "agency=%.40s version=1 "
		    "paragraphs=%zu", in->agency, t.nparas);
		rc = audit_append(s, act, "draft.publish", obj, NULL, after,
		    now, e);
	}
	draft_text_free(&t);
	return finish(s, rc, e);
}

/* What a change needs of a draft. */
struct loaded {
	struct draft d;
	char agency[65];
};

static int
on_draft(const struct draft *d, void *arg)
{
	struct loaded *o = arg;

	o->d = *d;
	o->d.title = NULL;
	snprintf(o->agency, sizeof(o->agency), "%s", d->agency);
	o->d.agency = o->agency;
	return 0;
}

static int
load(struct store *s, int64_t id, struct loaded *o, struct verr *e)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = store_draft_get(s, id, on_draft, o)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || o->d.id == 0)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no draft %lld",
		    (long long)id);
	return 0;
}

int
draft_version_add(struct store *s, const struct actor *act, int64_t id,
    const char *text, int64_t now, int *n, struct verr *e)
{
	struct draft_text t;
	struct loaded o;
	char obj[48], after[64];
	int rc;

	if (load(s, id, &o, e) == -1)
		return -1;
	if (!draft_may_edit(act, o.d.agency))
		return verr_set(e, VERR_FORBIDDEN, "agency", "agency: only its "
		    "staff or an administrator publishes its versions");
	if (o.d.version >= VECHE_DRAFT_MAX_VERSIONS)
		return verr_set(e, VERR_CONFLICT, "version", "version: at most "
		    "%d versions", VECHE_DRAFT_MAX_VERSIONS);
	if (draft_split(text, &t, e) == -1)
		return -1;
	*n = o.d.version + 1;
	if (begin(s, e) == -1) {
		draft_text_free(&t);
		return -1;
	}
	rc = store_draft_version_add(s, id, *n, &t, now);
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "draft:%lld", (long long)id);
		snprintf(after, sizeof(after), "version=%d paragraphs=%zu", *n,
		    t.nparas);
		rc = audit_append(s, act, "draft.version", obj, NULL, after,
		    now, e);
	}
	draft_text_free(&t);
	return finish(s, rc, e);
}

/* Reads */

int
draft_get(struct store *s, int64_t id,
    int (*fn)(const struct draft *, void *), void *arg)
{
	return store_draft_get(s, id, fn, arg);
}

int
draft_each(struct store *s, const struct draft_filter *f,
    int (*fn)(const struct draft *, void *), void *arg)
{
	struct draft_filter g = *f;

	if (g.limit == 0 || g.limit > VECHE_DRAFT_LIST)
		g.limit = VECHE_DRAFT_LIST;
	return store_draft_each(s, &g, fn, arg);
}

int
draft_paras(struct store *s, int64_t draft, int version,
    int (*fn)(const struct draft_para *, void *), void *arg)
{
	return store_draft_paras(s, draft, version, fn, arg);
}

int
draft_para_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_para *, void *), void *arg)
{
	return store_draft_para_get(s, id, fn, arg);
}

static int
on_para(const struct draft_para *p, void *arg)
{
	struct draft_para *out = arg;

	*out = *p;
	out->text = out->article_title = NULL;
	return 0;
}

/* Paragraph id and its draft: 0, or -1 with e (VERR_NOT_FOUND field). */
static int
load_para(struct store *s, int64_t id, struct draft_para *p,
    struct loaded *o, struct verr *e)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = store_draft_para_get(s, id, on_para, p)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || p->id == 0)
		return verr_set(e, VERR_NOT_FOUND, "paragraph", "paragraph: no "
		    "paragraph %lld", (long long)id);
	return load(s, p->draft, o, e);
}

/* Whether paragraph p of draft o takes comments at now: 0, or -1 with e. */
static int
takes_comments(const struct draft_para *p, const struct loaded *o,
    int64_t now, struct verr *e)
{
	if (p->version != o->d.version)
		return verr_set(e, VERR_CONFLICT, "version", "version: version "
		    "%d is current; comment on its paragraphs", o->d.version);
	if (!draft_is_open(&o->d, now))
		return verr_set(e, VERR_CONFLICT, "period", "period: the "
		    "discussion is %s", now < o->d.opens ? "not open yet" :
		    "closed");
	return 0;
}

int
draft_para_present(struct store *s, int64_t id)
{
	struct draft_para p;
	struct loaded o;
	struct verr e;

	memset(&e, 0, sizeof(e));
	if (load_para(s, id, &p, &o, &e) == -1)
		return e.kind == VERR_INTERNAL ? -1 : 1;
	return takes_comments(&p, &o, clock_now(), &e) == 0 ? 0 : 1;
}

int
draft_comment(struct store *s, const struct draft_comment_input *in,
    int64_t *id, const char **held, struct verr *e)
{
	struct comment_input ci;
	struct draft_para p;
	struct loaded o;
	const char *wording = in->wording;
	int rc;

	if (in->by == NULL || in->by->user_id <= 0)
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign in "
		    "with an account first");
	if (load_para(s, in->paragraph, &p, &o, e) == -1 ||
	    takes_comments(&p, &o, in->now, e) == -1)
		return -1;
	if (wording != NULL && blank(wording, strlen(wording)))
		wording = NULL;
	if (text_check("wording", wording, TEXT_CHECK_MULTILINE,
	    VECHE_DRAFT_MAX_WORDING, e) == -1)
		return -1;
	memset(&ci, 0, sizeof(ci));
	ci.subject_kind = "draft_paragraph";
	ci.subject_id = in->paragraph;
	ci.by = in->by;
	ci.author = in->author;
	ci.body = in->body;
	ci.device = in->device;
	ci.now = in->now;
	if (begin(s, e) == -1)
		return -1;
	/* The comment joins this transaction: it and its wording or none. */
	rc = social_comment_add(s, &ci, id, NULL, held, e);
	if (rc == 0 && wording != NULL && store_draft_wording_add(s, *id,
	    in->paragraph, wording) == -1)
		rc = -1;
	if (rc == 0 && store_draft_lang_add(s, *id, in->lang) == -1)
		rc = -1;
	return finish(s, rc, e);
}

static int
on_proposal(const struct draft_proposal *p, void *arg)
{
	struct draft_proposal *out = arg;

	*out = *p;
	out->paragraph_text = out->author = out->body = out->wording =
	    out->reason = NULL;
	return 0;
}

int
draft_decide(struct store *s, const struct actor *act, int64_t comment,
    const char *decision, const char *reason, int64_t now, int64_t *author,
    enum lang *lang, int64_t *paragraph, struct verr *e)
{
	struct draft_proposal p;
	struct draft_para para;
	struct loaded o;
	char obj[48], after[48];
	int k, rc;

	*author = *paragraph = 0;
	*lang = LANG_RU;
	if ((k = draft_decision_parse(decision)) < 0)
		return verr_set(e, VERR_INVALID, "decision", "decision: "
		    "accepted, partly or rejected");
	if (text_check("reason", reason, k == DRAFT_ACCEPTED ? 0 :
	    TEXT_CHECK_REQUIRED, VECHE_DRAFT_MAX_REASON, e) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	if ((rc = store_draft_proposal_get(s, comment, on_proposal, &p)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || p.comment == 0)
		return verr_set(e, VERR_NOT_FOUND, "comment", "comment: no "
		    "published comment %lld on a draft", (long long)comment);
	if (load_para(s, p.paragraph, &para, &o, e) == -1)
		return -1;
	if (!draft_may_edit(act, o.d.agency))
		return verr_set(e, VERR_FORBIDDEN, "agency", "agency: only the "
		    "draft's agency or an administrator answers");
	if (begin(s, e) == -1)
		return -1;
	if ((rc = store_draft_decide(s, comment, (enum draft_decision)k,
	    reason != NULL && reason[0] != '\0' ? reason : NULL,
	    act->user_id, now)) == 2)
		return finish(s, verr_set(e, VERR_CONFLICT, "decision",
		    "decision: the proposal is answered already"), e);
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "draft_comment:%lld",
		    (long long)comment);
		snprintf(after, sizeof(after), "decision=%s",
		    draft_decision_name((enum draft_decision)k));
		rc = audit_append(s, act, "draft.decide", obj, NULL, after, now,
		    e);
	}
	if (finish(s, rc, e) == -1)
		return -1;
	*author = p.user;
	*lang = p.lang;
	*paragraph = p.paragraph;
	return 0;
}

int
draft_proposals(struct store *s, int64_t draft, int64_t paragraph,
    int (*fn)(const struct draft_proposal *, void *), void *arg)
{
	return store_draft_proposals(s, draft, paragraph, VECHE_DRAFT_SUMMARY,
	    fn, arg);
}

int
draft_participants(struct store *s, int64_t draft,
    int (*fn)(int64_t user, enum lang lang, void *), void *arg)
{
	return store_draft_participants(s, draft, VECHE_DRAFT_SUMMARY, fn, arg);
}
