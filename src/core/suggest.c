/*
 * suggest.c: the service classifier of the report form (suggest.h).
 *
 * One model at a time, behind a mutex with the one analysis context the
 * suggestions share (a suggestion takes tens of microseconds).  Training
 * reads the public columns of every report (opendata_reports_each: no
 * personal data), trains with the text engine's trainer and compares the
 * new model with the file's on the held-out reports.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "veche.h"
#include "core/db.h"
#include "core/listen.h"
#include "core/opendata.h"
#include "core/suggest.h"
#include "text/csv.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

#define SUGGEST_HASH_BITS	18

struct suggest {
	pthread_mutex_t lock;
	char path[TEXT_MAX_PATH];
	struct text_model *model;	/* or NULL: none yet */
	struct text_ctx *ctx;		/* created on first use */
	struct stat seen;		/* the file the model came from */
	int have_seen;
};

int
suggest_model_path(const char *db_path, char *buf, size_t size)
{
	const char *slash;
	int n;

	/* A PostgreSQL URL has no folder to keep the model in. */
	if (db_path == NULL || strcmp(db_path, ":memory:") == 0 ||
	    db_is_url(db_path))
		return -1;
	slash = strrchr(db_path, '/');
	n = snprintf(buf, size, "%.*sservices.model",
	    slash != NULL ? (int)(slash - db_path + 1) : 0, db_path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

struct suggest *
suggest_new(const char *path)
{
	struct suggest *sg;

	if ((sg = calloc(1, sizeof(*sg))) == NULL)
		return NULL;
	if (snprintf(sg->path, sizeof(sg->path), "%s", path) >=
	    (int)sizeof(sg->path) || pthread_mutex_init(&sg->lock, NULL) != 0) {
		free(sg);
		return NULL;
	}
	return sg;
}

void
suggest_free(struct suggest *sg)
{
	if (sg == NULL)
		return;
	text_model_free(sg->model);
	text_ctx_free(sg->ctx);
	pthread_mutex_destroy(&sg->lock);
	free(sg);
}

/* Under the lock: load the file again if it is not the one in use. */
static void
reload_if_changed(struct suggest *sg)
{
	struct text_model *m;
	struct text_error err;
	struct stat st;

	if (stat(sg->path, &st) == -1)
		return;		/* no model yet, or keep the one in use */
	if (sg->have_seen && st.st_ino == sg->seen.st_ino &&
	    st.st_dev == sg->seen.st_dev && st.st_size == sg->seen.st_size &&
	    st.st_mtim.tv_sec == sg->seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == sg->seen.st_mtim.tv_nsec)
		return;
	sg->seen = st;
	sg->have_seen = 1;
	if ((m = text_model_load(sg->path, &err)) == NULL) {
		fprintf(stderr, "veche: service suggestions: %s\n", err.msg);
		return;
	}
	text_model_free(sg->model);
	sg->model = m;
}

int
suggest_services(struct suggest *sg, const char *text, size_t len,
    struct suggest_item *out, size_t n, size_t *found, struct verr *e)
{
	struct text_error err;
	struct text_doc doc;
	double prob[TEXT_MAX_LABELS];
	unsigned k, nl;
	size_t i, j, bad;
	int rc = 0;

	*found = 0;
	if (text_utf8_check(text, len, &bad) == -1)
		return verr_set(e, VERR_INVALID, "text", "text: invalid UTF-8 "
		    "at byte %zu", bad);
	for (i = j = 0; i < len; i++)
		j += ((unsigned char)text[i] & 0xC0) != 0x80;
	if (j > VECHE_MAX_DESCRIPTION)
		return verr_set(e, VERR_INVALID, "text", "text: at most %d "
		    "characters", VECHE_MAX_DESCRIPTION);
	if (sg == NULL)         /* no model file (a PostgreSQL --db) */
		return 0;
	pthread_mutex_lock(&sg->lock);
	reload_if_changed(sg);
	if (sg->model == NULL)
		goto out;
	if (sg->ctx == NULL && (sg->ctx = text_ctx_new(NULL, &err)) == NULL) {
		rc = verr_set(e, VERR_INTERNAL, NULL, "%s", err.msg);
		goto out;
	}
	if (text_analyze(sg->ctx, text, len, &doc, &err) == -1) {
		rc = verr_set(e, VERR_INVALID, "text", "text: %s", err.msg);
		goto out;
	}
	(void)text_model_predict(sg->model, sg->ctx, &doc, prob);
	nl = text_model_nlabels(sg->model);
	/* Insertion into the n best: n is small (3). */
	for (k = 0; k < nl; k++) {
		for (i = *found; i > 0 && out[i - 1].probability < prob[k]; i--)
			if (i < n)
				out[i] = out[i - 1];
		if (i >= n)
			continue;
		(void)snprintf(out[i].code, sizeof(out[i].code), "%s",
		    text_model_label(sg->model, k));
		out[i].probability = prob[k];
		if (*found < n)
			(*found)++;
	}
	for (j = 0; j < *found; j++)
		out[j].probability = (double)(int64_t)(out[j].probability *
		    1000 + 0.5) / 1000;
out:
	pthread_mutex_unlock(&sg->lock);
	return rc;
}

/* Reports as read for training. */
struct corpus {
	char **text, **code;
	size_t n, cap;
	size_t corrected;               /* of n, corrected posts */
};

static void
corpus_free(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->text[i]);
		free(c->code[i]);
	}
	free(c->text);
	free(c->code);
}

/* Add text labelled code (copies): 0, or 1 when out of memory. */
static int
corpus_add(struct corpus *c, const char *text, const char *code)
{
	if (text == NULL || code == NULL || text[0] == '\0')
		return 0;
	if (c->n == TEXT_MAX_SAMPLES)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		char **t = realloc(c->text, cap * sizeof(*t)), **k;

		if (t == NULL)
			return 1;
		c->text = t;
		if ((k = realloc(c->code, cap * sizeof(*k))) == NULL)
			return 1;
		c->code = k;
		c->cap = cap;
	}
	if ((c->text[c->n] = strdup(text)) == NULL)
		return 1;
	if ((c->code[c->n] = strdup(code)) == NULL) {
		free(c->text[c->n]);
		return 1;
	}
	c->n++;
	return 0;
}

static int
on_report(const struct opendata_report *r, void *arg)
{
	return corpus_add(arg, r->description, r->service);
}

/* A corrected post counts as a report of its analyst's service. */
static int
on_corrected(const struct post_correction *pc, void *arg)
{
	struct corpus *c = arg;
	size_t n = c->n;

	if (corpus_add(c, pc->body, pc->new_service) != 0)
		return -1;
	c->corrected += c->n - n;
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Macro-F1 of m over the nl labels on the held-out samples (labels index
 * names); a prediction outside names counts as a miss.  Returns -1 when a
 * text fails analysis.
 */
static double
held_out_f1(const struct text_model *m, struct text_ctx *ctx,
    const struct text_sample *held, size_t nh, const char *const *names,
    unsigned nl)
{
	size_t conf[TEXT_MAX_LABELS][TEXT_MAX_LABELS + 1];
	size_t tp, col, row, i, j;
	double prob[TEXT_MAX_LABELS], f1 = 0, p, r;
	struct text_error err;
	struct text_doc doc;
	unsigned k, got;
	int idx;

	memset(conf, 0, sizeof(conf));
	for (i = 0; i < nh; i++) {
		if (text_analyze(ctx, held[i].text, held[i].len, &doc, &err) == -1)
			return -1;
		got = text_model_predict(m, ctx, &doc, prob);
		idx = -1;
		for (k = 0; k < nl; k++)
			if (strcmp(names[k], text_model_label(m, got)) == 0)
				idx = (int)k;
		conf[held[i].label][idx < 0 ? nl : (unsigned)idx]++;
	}
	for (k = 0; k < nl; k++) {
		tp = conf[k][k];
		for (col = row = 0, j = 0; j <= nl; j++) {
			row += conf[k][j];
			if (j < nl)
				col += conf[j][k];
		}
		p = col ? (double)tp / (double)col : 0;
		r = row ? (double)tp / (double)row : 0;
		f1 += p + r > 0 ? 2 * p * r / (p + r) / nl : 0;
	}
	return f1;
}

/* Write the scores beside the model (path.scores), by rename. */
static int
scores_write(const char *path, const struct suggest_result *r)
{
	char name[TEXT_MAX_PATH + 16], tmp[TEXT_MAX_PATH + 32];
	FILE *f;

	if (snprintf(name, sizeof(name), "%s.scores", path) >=
	    (int)sizeof(name) || snprintf(tmp, sizeof(tmp), "%s.tmp", name) >=
	    (int)sizeof(tmp) || (f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "reports %zu\ncorrected_posts %zu\nused %zu\nheld_out "
	    "%zu\nservices %u\nc %g\nnew_macro_f1 %.4f\n", r->reports,
	    r->corrected, r->used, r->held_out, r->services, r->c, r->new_f1);
	if (r->old_f1 >= 0)
		fprintf(f, "old_macro_f1 %.4f\n", r->old_f1);
	else
		fprintf(f, "old_macro_f1 none\n");
	fprintf(f, "model %s\n", r->replaced ? "new" : "kept");
	if (fclose(f) == EOF || rename(tmp, name) == -1) {
		(void)remove(tmp);
		return -1;
	}
	return 0;
}

int
suggest_last_scores(const struct suggest *sg, char *buf, size_t size)
{
	char name[TEXT_MAX_PATH + 16];
	FILE *f;
	size_t n;

	if (size == 0 || snprintf(name, sizeof(name), "%s.scores", sg->path) >=
	    (int)sizeof(name) || (f = fopen(name, "r")) == NULL)
		return -1;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

int
suggest_train(struct suggest *sg, struct store *s, struct suggest_result *r,
    struct verr *e)
{
	struct corpus c;
	struct text_sample *train = NULL, *held = NULL;
	struct text_model *m = NULL, *old = NULL;
	struct text_ctx *ctx = NULL;
	struct text_train_opts o;
	struct text_error err;
	const char **codes = NULL, *names[TEXT_MAX_LABELS];
	size_t i, j, ntrain = 0, nheld = 0, count, nl = 0;
	int rc = -1, lab;

	memset(&c, 0, sizeof(c));
	memset(r, 0, sizeof(*r));
	r->old_f1 = -1;
	if (opendata_reports_each(s, on_report, &c, e) != 0) {
		if (e->kind == VERR_NONE)
			verr_set(e, VERR_INTERNAL, NULL, "out of memory "
			    "reading the reports");
		goto out;
	}
	if (listen_correction_each(s, 0, on_corrected, &c) != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "reading the corrected "
		    "posts: %s", db_error(s));
		goto out;
	}
	r->reports = c.n - c.corrected;
	r->corrected = c.corrected;
	/* The services with enough reports, by code (at most 64). */
	if ((codes = malloc((c.n + 1) * sizeof(*codes))) == NULL)
		goto nomem;
	for (i = 0; i < c.n; i++)
		codes[i] = c.code[i];
	qsort(codes, c.n, sizeof(*codes), str_cmp);
	for (i = 0; i < c.n; i = j) {
		for (j = i; j < c.n && strcmp(codes[j], codes[i]) == 0; j++)
			;
		count = j - i;
		if (count >= VECHE_SUGGEST_MIN_REPORTS &&
		    text_label_ok(codes[i], strlen(codes[i])) &&
		    nl < TEXT_MAX_LABELS)
			names[nl++] = codes[i];
	}
	if (nl < 2) {
		verr_set(e, VERR_CONFLICT, NULL, "too few reports to learn "
		    "from: %zu services have %d reports or more, 2 are needed",
		    nl, VECHE_SUGGEST_MIN_REPORTS);
		goto out;
	}
	train = calloc(c.n, sizeof(*train));
	held = calloc(c.n, sizeof(*held));
	if (train == NULL || held == NULL)
		goto nomem;
	for (i = 0; i < c.n; i++) {
		struct text_sample *smp;
		size_t len = strlen(c.text[i]);

		for (lab = -1, j = 0; j < nl; j++)
			if (strcmp(names[j], c.code[i]) == 0)
				lab = (int)j;
		if (lab < 0)
			continue;
		smp = text_split_of(c.text[i], len) == TEXT_SPLIT_TEST ?
		    &held[nheld++] : &train[ntrain++];
		smp->text = c.text[i];
		smp->len = len;
		smp->label = (unsigned)lab;
		smp->line = i + 1;
	}
	r->used = ntrain + nheld;
	r->held_out = nheld;
	r->services = (unsigned)nl;
	if ((ctx = text_ctx_new(NULL, &err)) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "%s", err.msg);
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.hash_bits = SUGGEST_HASH_BITS;
	o.labels = names;
	o.nlabels = (unsigned)nl;
	if ((m = text_model_train(ctx, train, ntrain, &o, &err)) == NULL) {
		verr_set(e, VERR_CONFLICT, NULL, "cannot train: %s", err.msg);
		goto out;
	}
	r->c = text_model_c(m);
	r->new_f1 = held_out_f1(m, ctx, held, nheld, names, (unsigned)nl);
	if ((old = text_model_load(sg->path, &err)) != NULL)
		r->old_f1 = held_out_f1(old, ctx, held, nheld, names,
		    (unsigned)nl);
	if (old == NULL || r->new_f1 >= r->old_f1) {
		if (text_model_save(m, sg->path, &err) == -1) {
			verr_set(e, VERR_INTERNAL, NULL, "%s", err.msg);
			goto out;
		}
		r->replaced = 1;
	}
	if (scores_write(sg->path, r) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "cannot write %s.scores: %s",
		    sg->path, strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	verr_set(e, VERR_INTERNAL, NULL, "out of memory training the "
	    "service suggestions");
out:
	text_model_free(old);
	text_model_free(m);
	text_ctx_free(ctx);
	free(held);
	free(train);
	free(codes);
	corpus_free(&c);
	return rc;
}
