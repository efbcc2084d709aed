/*
 * text.c: `veche text VERB`, the text engine (src/text/) from the command
 * line, for analysts and for tests.
 *
 * Line verbs read one text per line on stdin and print one line per input,
 * tab-separated: a label, a score and details.  A line that cannot be
 * analysed (malformed UTF-8, too long) prints "error<TAB>0<TAB>why", is
 * reported on stderr with its line number and byte offset, and makes the
 * exit status 1; the other lines are still processed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/db.h"
#include "core/listen.h"
#include "core/suggest.h"
#include "text/complaint.h"
#include "text/csv.h"
#include "text/dedupe.h"
#include "text/query.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define READ_CHUNK	(64u * 1024)

enum opt {
	OPT_DATADIR, OPT_MODEL, OPT_QUERIES, OPT_DATA, OPT_OUT, OPT_C,
	OPT_BITS, OPT_TEST, OPT_METRICS, OPT_PART, OPT_THRESHOLD, OPT_LEXICON,
	OPT_VERBOSE, OPT_LABEL, OPT_TEXT, OPT_DB, OPT_CORRECTIONS, OPT__MAX
};

static const char *const opt_names[OPT__MAX] = {
	"datadir", "model", "queries", "data", "out", "c", "bits", "test",
	"metrics", "part", "threshold", "lexicon", "verbose", "label", "text", "db",
	"corrections"
};

#define O(x) (1u << (x))

struct args {
	const char *v[OPT__MAX];
	int verbose;
};

struct verb {
	const char *name;
	int (*run)(const struct args *);
	unsigned opts;		/* O(OPT_...) it takes */
	unsigned required;
	const char *usage;
	const char *help;
};

/* Reads lines of at most TEXT_MAX_INPUT bytes from a stream. */
struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end;
	size_t lineno;
	int eof, skipping;
};

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
warn(const char *fmt, ...)
{
	va_list ap;

	fputs("veche text: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
lines_init(struct lines *lr, FILE *f)
{
	memset(lr, 0, sizeof(*lr));
	lr->f = f;
	lr->cap = TEXT_MAX_INPUT + READ_CHUNK;
	if ((lr->buf = malloc(lr->cap)) == NULL)
		return -1;
	return 0;
}

/*
 * The next line without its newline (and CR).  Returns 1, 0 at the end, -1
 * when the line is longer than TEXT_MAX_INPUT (it is skipped), -2 on a read
 * error.
 */
static int
lines_next(struct lines *lr, const char **line, size_t *len)
{
	char *nl;
	size_t got;

	for (;;) {
		nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl != NULL || (lr->eof && lr->start < lr->end)) {
			size_t e = nl ? (size_t)(nl - lr->buf) : lr->end;
			int skipped = lr->skipping;

			*line = lr->buf + lr->start;
			*len = e - lr->start;
			lr->start = nl ? e + 1 : e;
			lr->skipping = 0;
			if (skipped)
				continue;	/* the tail of a long line */
			lr->lineno++;
			if (*len > 0 && (*line)[*len - 1] == '\r')
				(*len)--;
			if (*len > TEXT_MAX_INPUT)
				return -1;
			return 1;
		}
		if (lr->eof)
			return 0;
		if (lr->start > 0) {
			memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		if (lr->end == lr->cap) {
			/* No newline in a full buffer: drop it, skip the rest. */
			lr->lineno++;
			lr->end = 0;
			if (!lr->skipping) {
				lr->skipping = 1;
				return -1;
			}
			continue;
		}
		got = fread(lr->buf + lr->end, 1, lr->cap - lr->end, lr->f);
		lr->end += got;
		if (got == 0) {
			if (ferror(lr->f))
				return -2;
			lr->eof = 1;
		}
	}
}

/* Things every line verb needs, created from the options. */
struct env {
	struct text_ctx *ctx;
	struct text_model *model;
	struct text_complaint *complaint;
	struct text_query_set *queries;
	struct text_matcher *matcher;
	struct text_dedupe *dedupe;
};

static void
env_free(struct env *e)
{
	text_matcher_free(e->matcher);
	text_query_set_free(e->queries);
	text_dedupe_free(e->dedupe);
	text_complaint_free(e->complaint);
	text_model_free(e->model);
	text_ctx_free(e->ctx);
}

static int
env_model(struct env *e, const struct args *a)
{
	struct text_error err;

	e->model = a->v[OPT_MODEL] ? text_model_load(a->v[OPT_MODEL], &err) :
	    text_model_load_default(a->v[OPT_DATADIR], &err);
	if (e->model == NULL) {
		warn("%s", err.msg);
		return -1;
	}
	return 0;
}

enum line_verb {
	LV_TOKENS, LV_STEMS, LV_SENTIMENT, LV_COMPLAINT, LV_DEDUPE, LV_MATCH
};

static void
put_text(FILE *out, const char *s, size_t len)
{
	size_t i;

	/* Keep the output one line per input and tab-separated. */
	for (i = 0; i < len; i++)
		putc(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i],
		    out);
}

static void
print_line(enum line_verb v, struct env *e, const struct text_doc *doc,
    FILE *out)
{
	double prob[TEXT_SENTIMENT__MAX];
	enum text_sentiment s;
	struct text_complaint_result cr;
	const size_t *hits;
	size_t i, n, k;

	switch (v) {
	case LV_TOKENS:
		fprintf(out, "ok\t%zu\t", doc->ntokens);
		for (i = 0; i < doc->ntokens; i++) {
			const struct text_token *t = &doc->tokens[i];

			fprintf(out, "%s%s:%zu-%zu:", i ? " " : "",
			    text_token_kind_name(t->kind), t->start, t->end);
			put_text(out, t->norm, t->norm_len);
		}
		break;
	case LV_STEMS:
		for (i = n = 0; i < doc->ntokens; i++)
			n += !doc->tokens[i].stop;
		fprintf(out, "ok\t%zu\t", n);
		for (i = k = 0; i < doc->ntokens; i++) {
			if (doc->tokens[i].stop)
				continue;
			if (k++)
				putc(' ', out);
			put_text(out, doc->tokens[i].stem, doc->tokens[i].stem_len);
		}
		break;
	case LV_SENTIMENT:
		s = text_sentiment_predict(e->model, e->ctx, doc, prob);
		fprintf(out, "%s\t%.3f\tnegative=%.3f neutral=%.3f "
		    "positive=%.3f", text_sentiment_name(s), prob[s],
		    prob[0], prob[1], prob[2]);
		break;
	case LV_COMPLAINT:
		(void)text_sentiment_predict(e->model, e->ctx, doc, prob);
		text_complaint_score(e->complaint, doc, prob, &cr);
		fprintf(out, "%s\t%.3f\tnegative=%.3f cues=",
		    cr.complaint ? "complaint" : "other", cr.score, prob[0]);
		for (i = 0; i < cr.ncues; i++) {
			if (i)
				putc(',', out);
			put_text(out, cr.cues[i], strlen(cr.cues[i]));
		}
		break;
	case LV_DEDUPE:
		break;		/* dedupe_line prints it */
	case LV_MATCH:
		if (text_matcher_run(e->matcher, doc, &hits, &n) == -1) {
			fprintf(out, "error\t0\tout of memory");
			break;
		}
		fprintf(out, "%s\t%zu\t", n ? "match" : "none", n);
		for (i = 0; i < n; i++)
			fprintf(out, "%s%s", i ? " " : "",
			    text_query_set_id(e->queries, hits[i]));
		break;
	}
	putc('\n', out);
}

static int
dedupe_line(struct env *e, const struct text_doc *doc, size_t lineno,
    FILE *out)
{
	struct text_signature sig;
	uint64_t id;
	double sim;

	if (text_dedupe_signature(e->ctx, doc, &sig) == -1) {
		fprintf(out, "error\t0\tout of memory\n");
		return -1;
	}
	if (text_dedupe_find(e->dedupe, &sig, &id, &sim))
		fprintf(out, "dup\t%.3f\tline=%llu\n", sim,
		    (unsigned long long)id);
	else
		fprintf(out, "new\t%.3f\t-\n", sim);
	if (text_dedupe_add(e->dedupe, &sig, lineno) == -1) {
		warn("line %zu: the duplicate index is full or out of memory",
		    lineno);
		return -1;
	}
	return 0;
}

static int
run_lines(enum line_verb v, const struct args *a)
{
	struct env e;
	struct lines lr;
	struct text_doc doc;
	struct text_error err;
	const char *line;
	size_t len;
	double th = TEXT_DEDUPE_THRESHOLD;
	int r, rc = 0;

	memset(&e, 0, sizeof(e));
	memset(&lr, 0, sizeof(lr));
	if ((e.ctx = text_ctx_new(a->v[OPT_DATADIR], &err)) == NULL) {
		warn("%s (set --datadir or VECHE_DATADIR to veche's data folder)",
		    err.msg);
		return EXIT_RUNTIME;
	}
	if ((v == LV_SENTIMENT || v == LV_COMPLAINT) && env_model(&e, a) == -1) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (v == LV_COMPLAINT) {
		e.complaint = a->v[OPT_LEXICON] ?
		    text_complaint_load(e.ctx, a->v[OPT_LEXICON], &err) :
		    text_complaint_load_default(e.ctx, a->v[OPT_DATADIR], &err);
		if (e.complaint == NULL) {
			warn("%s", err.msg);
			rc = EXIT_RUNTIME;
			goto out;
		}
	}
	if (v == LV_DEDUPE) {
		if (a->v[OPT_THRESHOLD] != NULL &&
		    text_parse_double(a->v[OPT_THRESHOLD],
		    strlen(a->v[OPT_THRESHOLD]), 0.01, 1, &th) == -1) {
			warn("--threshold takes a number from 0.01 to 1, not %s",
			    a->v[OPT_THRESHOLD]);
			rc = EXIT_USAGE;
			goto out;
		}
		if ((e.dedupe = text_dedupe_new(th)) == NULL) {
			warn("out of memory");
			rc = EXIT_RUNTIME;
			goto out;
		}
	}
	if (v == LV_MATCH) {
		if ((e.queries = text_query_set_new()) == NULL ||
		    (e.matcher = text_matcher_new(e.queries)) == NULL) {
			warn("out of memory");
			rc = EXIT_RUNTIME;
			goto out;
		}
		if (text_query_set_load(e.queries, e.ctx, a->v[OPT_QUERIES],
		    &err) == -1) {
			warn("%s", err.msg);
			rc = EXIT_RUNTIME;
			goto out;
		}
	}
	if (lines_init(&lr, stdin) == -1) {
		warn("out of memory");
		rc = EXIT_RUNTIME;
		goto out;
	}
	while ((r = lines_next(&lr, &line, &len)) != 0) {
		if (r == -2) {
			warn("cannot read standard input: %s", strerror(errno));
			rc = EXIT_RUNTIME;
			break;
		}
		if (r == -1) {
			printf("error\t0\tline longer than %u bytes\n",
			    (unsigned)TEXT_MAX_INPUT);
			warn("line %zu: longer than %u bytes; split it", lr.lineno,
			    (unsigned)TEXT_MAX_INPUT);
			rc = EXIT_RUNTIME;
			continue;
		}
		if (text_analyze(e.ctx, line, len, &doc, &err) == -1) {
			printf("error\t0\t%s\n", err.msg);
			warn("line %zu: %s", lr.lineno, err.msg);
			rc = EXIT_RUNTIME;
			continue;
		}
		if (v == LV_DEDUPE) {
			if (dedupe_line(&e, &doc, lr.lineno, stdout) == -1) {
				rc = EXIT_RUNTIME;
				break;
			}
			continue;
		}
		print_line(v, &e, &doc, stdout);
	}
	if (fflush(stdout) == EOF) {
		warn("cannot write the output: %s", strerror(errno));
		rc = EXIT_RUNTIME;
	}
out:
	free(lr.buf);
	env_free(&e);
	return rc;
}

static int
run_tokens(const struct args *a)
{
	return run_lines(LV_TOKENS, a);
}

static int
run_stems(const struct args *a)
{
	return run_lines(LV_STEMS, a);
}

static int
run_sentiment(const struct args *a)
{
	return run_lines(LV_SENTIMENT, a);
}

static int
run_complaint(const struct args *a)
{
	return run_lines(LV_COMPLAINT, a);
}

static int
run_dedupe(const struct args *a)
{
	return run_lines(LV_DEDUPE, a);
}

static int
run_match(const struct args *a)
{
	return run_lines(LV_MATCH, a);
}

/* The scores of m (labels named by model). */
static void
print_metrics(FILE *f, const struct text_metrics *m,
    const struct text_model *model)
{
	size_t i, j;

	fprintf(f, "samples %zu\naccuracy %.4f\nmacro_f1 %.4f\n", m->n,
	    m->accuracy, m->macro_f1);
	for (i = 0; i < m->nclass; i++)
		fprintf(f, "f1_%s %.4f\n", text_model_label(model,
		    (unsigned)i), m->f1[i]);
	fprintf(f, "confusion (rows: true, columns: predicted)\n%-9s", "");
	for (j = 0; j < m->nclass; j++)
		fprintf(f, " %9s", text_model_label(model, (unsigned)j));
	fputc('\n', f);
	for (i = 0; i < m->nclass; i++) {
		fprintf(f, "%-9s", text_model_label(model, (unsigned)i));
		for (j = 0; j < m->nclass; j++)
			fprintf(f, " %9zu", m->confusion[i][j]);
		fputc('\n', f);
	}
}

/*
 * A labelled CSV: sentiment labels, or with --label (and --text, default
 * "text") any labels named by that column.
 */
static struct text_dataset *
load_data(const char *path, const struct args *a)
{
	struct text_dataset *ds;
	struct text_error err;

	if (a->v[OPT_LABEL] != NULL)
		ds = text_dataset_load_labels(path, a->v[OPT_TEXT] ?
		    a->v[OPT_TEXT] : "text", a->v[OPT_LABEL], &err);
	else
		ds = text_dataset_load(path, &err);
	if (ds == NULL)
		warn("%s", err.msg);
	return ds;
}

/*
 * Renumber ds's labels as m's.  Returns 0, or -1 naming a label m does not
 * know.
 */
static int
labels_to_model(struct text_dataset *ds, const struct text_model *m,
    const char *path)
{
	int map[TEXT_MAX_LABELS];
	unsigned k;
	size_t i;

	if (ds->nlabels == 0) {
		if (text_model_nlabels(m) < TEXT_SENTIMENT__MAX)
			goto unknown_sentiment;
		for (k = 0; k < TEXT_SENTIMENT__MAX; k++)
			if (strcmp(text_model_label(m, k),
			    text_sentiment_name(k)) != 0)
				goto unknown_sentiment;
		return 0;
	}
	for (k = 0; k < ds->nlabels; k++)
		map[k] = text_model_label_index(m, ds->labels[k],
		    strlen(ds->labels[k]));
	for (i = 0; i < ds->n; i++) {
		if (map[ds->samples[i].label] < 0) {
			warn("%s: line %zu: label %s is not one of the model's",
			    path, ds->samples[i].line,
			    ds->labels[ds->samples[i].label]);
			return -1;
		}
		ds->samples[i].label = (unsigned)map[ds->samples[i].label];
	}
	return 0;
unknown_sentiment:
	warn("%s has sentiment labels but the model's are %s ...: give "
	    "--label COLUMN", path, text_model_label(m, 0));
	return -1;
}

static int
run_eval(const struct args *a)
{
	struct env e;
	struct text_dataset *ds = NULL;
	struct text_metrics m;
	struct text_error err;
	int rc = EXIT_RUNTIME;

	memset(&e, 0, sizeof(e));
	if ((ds = load_data(a->v[OPT_DATA], a)) == NULL)
		goto out;
	if ((e.ctx = text_ctx_new(a->v[OPT_DATADIR], &err)) == NULL) {
		warn("%s", err.msg);
		goto out;
	}
	if (env_model(&e, a) == -1 ||
	    labels_to_model(ds, e.model, a->v[OPT_DATA]) == -1)
		goto out;
	if (text_model_evaluate(e.model, e.ctx, ds->samples, ds->n, &m,
	    &err) == -1) {
		warn("%s: line %zu: %s", a->v[OPT_DATA], err.line, err.msg);
		goto out;
	}
	print_metrics(stdout, &m, e.model);
	rc = 0;
out:
	text_dataset_free(ds);
	env_free(&e);
	return rc;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int
write_metrics(const char *path, const char *data, const char *test,
    const struct text_model *model, const struct text_metrics *m)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		warn("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# Scores of the model trained on %s and\n"
	    "# measured on %s, written by `veche text train`;\n"
	    "# docs/text.md says how to retrain.\n"
	    "c %g\n", data, test, text_model_c(model));
	print_metrics(f, m, model);
	if (fclose(f) == EOF) {
		warn("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The training texts: a data set's samples and corrected posts after. */
struct training {
	struct text_sample *samples;
	size_t n, cap;
	char **bodies;                  /* the posts' texts, owned */
	size_t nbodies;
};

static void
training_free(struct training *t)
{
	size_t i;

	for (i = 0; i < t->nbodies; i++)
		free(t->bodies[i]);
	free(t->bodies);
	free(t->samples);
}

/* A corrected post as a sample of its analyst's sentiment. */
static int
on_corrected(const struct post_correction *c, void *arg)
{
	struct training *t = arg;
	struct text_sample *smp;
	char **b;

	if (c->body == NULL || c->body[0] == '\0')
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap * 2 + 64;
		if ((smp = realloc(t->samples, t->cap * sizeof(*smp))) == NULL)
			return -1;
		t->samples = smp;
		if ((b = realloc(t->bodies, t->cap * sizeof(*b))) == NULL)
			return -1;
		t->bodies = b;
	}
	if ((t->bodies[t->nbodies] = strdup(c->body)) == NULL)
		return -1;
	smp = &t->samples[t->n++];
	memset(smp, 0, sizeof(*smp));
	smp->text = t->bodies[t->nbodies++];
	smp->len = strlen(smp->text);
	/* post.h keeps text/sentiment.h's order of the three labels. */
	smp->label = (unsigned)c->new_sentiment;
	smp->line = (size_t)c->post;
	return 0;
}

/*
 * ds's samples, then every post corrected in database db (its latest
 * correction's sentiment; --corrections), into t.  0 or -1 (said).
 */
static int
training_with_corrections(struct training *t, const struct text_dataset *ds,
    const char *db)
{
	struct store *s;
	char err[600];
	int rc;

	memset(t, 0, sizeof(*t));
	t->cap = ds->n + 64;
	if ((t->samples = malloc(t->cap * sizeof(*t->samples))) == NULL ||
	    (t->bodies = malloc(t->cap * sizeof(*t->bodies))) == NULL) {
		warn("out of memory");
		return -1;
	}
	memcpy(t->samples, ds->samples, ds->n * sizeof(*t->samples));
	t->n = ds->n;
	if ((s = db_open(db, err, sizeof(err))) == NULL) {
		warn("--corrections: %s", err);
		return -1;
	}
	if ((rc = listen_correction_each(s, 0, on_corrected, t)) != 0)
		warn("--corrections: reading the corrected posts: %s",
		    rc == -1 ? db_error(s) : "out of memory");
	db_close(s);
	return rc != 0 ? -1 : 0;
}

static int
run_train(const struct args *a)
{
	struct training tr;
	struct text_dataset *ds = NULL, *test = NULL;
	struct text_ctx *ctx = NULL;
	struct text_model *m = NULL;
	struct text_train_opts o;
	struct text_metrics met;
	struct text_error err;
	char dname[TEXT_MAX_PATH], tname[TEXT_MAX_PATH];
	unsigned long bits;
	size_t i, mixed;
	int rc = EXIT_USAGE;

	memset(&tr, 0, sizeof(tr));
	memset(&o, 0, sizeof(o));
	o.verbose = a->verbose;
	if (a->v[OPT_C] != NULL && text_parse_double(a->v[OPT_C],
	    strlen(a->v[OPT_C]), 1e-6, 1e6, &o.c) == -1) {
		warn("--c takes a number from 1e-6 to 1e6, not %s", a->v[OPT_C]);
		goto out;
	}
	if (a->v[OPT_BITS] != NULL) {
		if (text_parse_ulong(a->v[OPT_BITS], strlen(a->v[OPT_BITS]),
		    TEXT_MIN_HASH_BITS, TEXT_MAX_HASH_BITS, &bits) == -1) {
			warn("--bits takes a number from %d to %d",
			    TEXT_MIN_HASH_BITS, TEXT_MAX_HASH_BITS);
			goto out;
		}
		o.hash_bits = (unsigned)bits;
	}
	if (a->v[OPT_PART] != NULL && (strcmp(a->v[OPT_PART], "train") != 0 ||
	    a->v[OPT_TEST] != NULL)) {
		warn("--part takes only train (the test part is then the other "
		    "part of the same file), without --test");
		goto out;
	}
	if (a->v[OPT_METRICS] != NULL && a->v[OPT_TEST] == NULL &&
	    a->v[OPT_PART] == NULL) {
		warn("--metrics needs --test FILE.csv or --part train to measure on");
		goto out;
	}
	if (a->v[OPT_TEXT] != NULL && a->v[OPT_LABEL] == NULL) {
		warn("--text needs --label COLUMN");
		goto out;
	}
	if (a->v[OPT_CORRECTIONS] != NULL && a->v[OPT_LABEL] != NULL) {
		warn("--corrections adds sentiment labels: not with --label");
		goto out;
	}
	rc = EXIT_RUNTIME;
	if ((ds = load_data(a->v[OPT_DATA], a)) == NULL)
		goto out;
	if (a->v[OPT_PART] != NULL) {
		if ((test = load_data(a->v[OPT_DATA], a)) == NULL)
			goto out;
		text_dataset_keep(ds, TEXT_SPLIT_TRAIN);
		text_dataset_keep(test, TEXT_SPLIT_TEST);
		(void)snprintf(dname, sizeof(dname), "the train part of %s",
		    base_name(a->v[OPT_DATA]));
		(void)snprintf(tname, sizeof(tname), "the test part of %s",
		    base_name(a->v[OPT_DATA]));
	} else {
		if (a->v[OPT_TEST] != NULL &&
		    (test = load_data(a->v[OPT_TEST], a)) == NULL)
			goto out;
		(void)snprintf(dname, sizeof(dname), "%s",
		    base_name(a->v[OPT_DATA]));
		(void)snprintf(tname, sizeof(tname), "%s",
		    a->v[OPT_TEST] ? base_name(a->v[OPT_TEST]) : "-");
	}
	if ((ctx = text_ctx_new(a->v[OPT_DATADIR], &err)) == NULL) {
		warn("%s", err.msg);
		goto out;
	}
	if (ds->nlabels > 0) {
		o.labels = ds->labels;
		o.nlabels = ds->nlabels;
	}
	if (a->v[OPT_CORRECTIONS] != NULL) {
		if (training_with_corrections(&tr, ds, a->v[OPT_CORRECTIONS]) ==
		    -1)
			goto out;
		fprintf(stderr, "veche text: %zu corrected posts from %s\n",
		    tr.n - ds->n, a->v[OPT_CORRECTIONS]);
	}
	if ((m = text_model_train(ctx, tr.samples != NULL ? tr.samples :
	    ds->samples, tr.samples != NULL ? tr.n : ds->n, &o, &err)) ==
	    NULL) {
		if (err.line)
			warn("%s: line %zu: %s", a->v[OPT_DATA], err.line, err.msg);
		else
			warn("%s", err.msg);
		goto out;
	}
	if (text_model_save(m, a->v[OPT_OUT], &err) == -1) {
		warn("%s", err.msg);
		goto out;
	}
	for (i = mixed = 0; i < ds->n; i++)
		mixed += ds->samples[i].mixed != 0;
	fprintf(stderr, "veche text: trained on %zu texts (%zu mixed left out) "
	    "with C=%g, wrote %s\n", ds->n - mixed, mixed, text_model_c(m),
	    a->v[OPT_OUT]);
	if (test != NULL) {
		if (labels_to_model(test, m, tname) == -1)
			goto out;
		if (text_model_evaluate(m, ctx, test->samples, test->n, &met,
		    &err) == -1) {
			warn("%s: line %zu: %s", tname, err.line, err.msg);
			goto out;
		}
		print_metrics(stdout, &met, m);
		if (a->v[OPT_METRICS] != NULL && write_metrics(a->v[OPT_METRICS],
		    dname, tname, m, &met) == -1)
			goto out;
	}
	rc = 0;
out:
	training_free(&tr);
	text_model_free(m);
	text_ctx_free(ctx);
	text_dataset_free(test);
	text_dataset_free(ds);
	return rc;
}

/*
 * `veche text train-services --db FILE`: train the report form's service
 * suggestions on the database's reports now (core/suggest.h) and print
 * both scores; a running server picks the new model up by itself.
 */
static int
run_train_services(const struct args *a)
{
	struct suggest *sg = NULL;
	struct suggest_result r;
	struct store *s = NULL;
	struct verr e;
	char path[TEXT_MAX_PATH], err[600];
	int rc = EXIT_RUNTIME;

	memset(&e, 0, sizeof(e));
	if (a->v[OPT_MODEL] != NULL) {
		if (snprintf(path, sizeof(path), "%s", a->v[OPT_MODEL]) >=
		    (int)sizeof(path)) {
			warn("--model: path too long");
			return EXIT_USAGE;
		}
	} else if (suggest_model_path(a->v[OPT_DB], path, sizeof(path)) ==
	    -1) {
		if (db_is_url(a->v[OPT_DB]))
			warn("--model: with a PostgreSQL --db, name the model "
			    "file (serve's --suggest-model reads it)");
		else
			warn("--db: a database file, not %s", a->v[OPT_DB]);
		return EXIT_USAGE;
	}
	if ((s = db_open(a->v[OPT_DB], err, sizeof(err))) == NULL) {
		warn("%s", err);
		goto out;
	}
	if ((sg = suggest_new(path)) == NULL) {
		warn("out of memory");
		goto out;
	}
	if (suggest_train(sg, s, &r, &e) == -1) {
		warn("%s", e.message);
		goto out;
	}
	printf("reports %zu\ncorrected_posts %zu\nused %zu\nheld_out %zu\n"
	    "services %u\nc %g\nnew_macro_f1 %.4f\n", r.reports, r.corrected,
	    r.used, r.held_out, r.services, r.c, r.new_f1);
	if (r.old_f1 >= 0)
		printf("old_macro_f1 %.4f\n", r.old_f1);
	else
		printf("old_macro_f1 none\n");
	printf("model %s\npath %s\n", r.replaced ? "new" : "kept", path);
	rc = 0;
out:
	suggest_free(sg);
	db_close(s);
	return rc;
}

/* Quote a CSV field when it needs it. */
static void
put_csv(FILE *f, const char *s, size_t len)
{
	size_t i;

	if (memchr(s, ',', len) == NULL && memchr(s, '"', len) == NULL &&
	    memchr(s, '\n', len) == NULL && memchr(s, '\r', len) == NULL) {
		fwrite(s, 1, len, f);
		return;
	}
	putc('"', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}

static int
run_split(const struct args *a)
{
	struct text_dataset *ds;
	enum text_split part;
	size_t i;

	if (strcmp(a->v[OPT_PART], "train") == 0)
		part = TEXT_SPLIT_TRAIN;
	else if (strcmp(a->v[OPT_PART], "test") == 0)
		part = TEXT_SPLIT_TEST;
	else {
		warn("--part takes train or test, not %s", a->v[OPT_PART]);
		return EXIT_USAGE;
	}
	if ((ds = load_data(a->v[OPT_DATA], a)) == NULL)
		return EXIT_RUNTIME;
	text_dataset_keep(ds, part);
	printf("Sentence,Sentiment\n");
	for (i = 0; i < ds->n; i++) {
		put_csv(stdout, ds->samples[i].text, ds->samples[i].len);
		printf(",%s\n", ds->samples[i].mixed ? "mixed" :
		    text_sentiment_name(ds->samples[i].label));
	}
	text_dataset_free(ds);
	if (fflush(stdout) == EOF) {
		warn("cannot write the output: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

static const struct verb verbs[] = {
	{ "tokens", run_tokens, O(OPT_DATADIR), 0,
	  "veche text tokens [--datadir DIR] < lines",
	  "Print each line's tokens as kind:start-end:form (byte offsets into\n"
	  "the line; kinds: word number hashtag mention url email emoji)." },
	{ "stems", run_stems, O(OPT_DATADIR), 0,
	  "veche text stems [--datadir DIR] < lines",
	  "Print each line's Snowball stems, stop words left out." },
	{ "sentiment", run_sentiment, O(OPT_DATADIR) | O(OPT_MODEL), 0,
	  "veche text sentiment [--model FILE] [--datadir DIR] < lines",
	  "Print negative, neutral or positive, its probability and all three." },
	{ "complaint", run_complaint, O(OPT_DATADIR) | O(OPT_MODEL) |
	  O(OPT_LEXICON), 0,
	  "veche text complaint [--lexicon FILE] [--model FILE] [--datadir DIR] < lines",
	  "Print complaint or other, the score (0-1), P(negative) and the\n"
	  "lexicon cues that fired." },
	{ "dedupe", run_dedupe, O(OPT_DATADIR) | O(OPT_THRESHOLD), 0,
	  "veche text dedupe [--threshold 0.6] [--datadir DIR] < lines",
	  "Print dup and the line number of the most similar earlier line, or\n"
	  "new; the score is the estimated Jaccard similarity of 5-character\n"
	  "shingles." },
	{ "match", run_match, O(OPT_DATADIR) | O(OPT_QUERIES), O(OPT_QUERIES),
	  "veche text match --queries FILE [--datadir DIR] < lines",
	  "Print the ids of the queries each line matches.  FILE has one\n"
	  "id<TAB>query per line; docs/text.md describes the query language." },
	{ "eval", run_eval, O(OPT_DATADIR) | O(OPT_MODEL) | O(OPT_DATA) |
	  O(OPT_LABEL) | O(OPT_TEXT), O(OPT_DATA),
	  "veche text eval --data FILE.csv [--model FILE] [--label COLUMN [--text COLUMN]]",
	  "Print accuracy, macro-F1 and the confusion matrix of the model\n"
	  "(the sentiment model by default) on a CSV with Sentence and\n"
	  "Sentiment columns, or with the labels of column --label." },
	{ "train", run_train, O(OPT_DATADIR) | O(OPT_DATA) | O(OPT_OUT) |
	  O(OPT_C) | O(OPT_BITS) | O(OPT_TEST) | O(OPT_METRICS) | O(OPT_PART) |
	  O(OPT_VERBOSE) | O(OPT_LABEL) | O(OPT_TEXT) | O(OPT_CORRECTIONS),
	  O(OPT_DATA) | O(OPT_OUT),
	  "veche text train --data FILE.csv --out MODEL [--part train | --test TEST.csv]\n"
	  "                 [--label COLUMN [--text COLUMN]] [--metrics FILE]\n"
	  "                 [--corrections DB] [--c C] [--bits 20] [--verbose]",
	  "Train a model on FILE.csv, or with --part train on the train part\n"
	  "of its fixed split, and write it.  Without --label: the sentiment\n"
	  "model (columns Sentence and Sentiment; texts labelled mixed are left\n"
	  "out).  With --label COLUMN: any labels in that column (service codes,\n"
	  "categories; at most 64), the text in --text COLUMN (default text).\n"
	  "C is chosen by 5-fold cross-validation on the training texts unless\n"
	  "--c gives it.  With --part train or --test, print the scores on the\n"
	  "test texts; --metrics stores them.  --corrections DB adds every post\n"
	  "an analyst corrected in the database DB, labelled with its latest\n"
	  "correction's sentiment, to the training texts (not to the test)." },
	{ "train-services", run_train_services, O(OPT_DB) | O(OPT_MODEL),
	  O(OPT_DB),
	  "veche text train-services --db FILE [--model MODEL]",
	  "Train the report form's service suggestions on the reports in FILE\n"
	  "(description -> service code; services with at least 10 reports),\n"
	  "holding out one in five.  The new model replaces MODEL (default\n"
	  "services.model beside FILE; required with a PostgreSQL URL) only if\n"
	  "its macro-F1 on the held-out reports is at least the old one's.\n"
	  "Prints both scores and which model is in use." },
	{ "split", run_split, O(OPT_DATA) | O(OPT_PART), O(OPT_DATA) | O(OPT_PART),
	  "veche text split --data FILE.csv --part train|test",
	  "Print the train or test part of the fixed split of a labelled CSV." },
};

#define NVERBS (sizeof(verbs) / sizeof(*verbs))

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: veche text VERB [options]\n\n"
	    "Russian and English text: tokens, stems, sentiment, complaints,\n"
	    "near-duplicates and topic queries.  Line verbs read one text per\n"
	    "line on stdin and print label<TAB>score<TAB>details per line.\n\n",
	    f);
	for (i = 0; i < NVERBS; i++)
		fprintf(f, "  %s\n", verbs[i].usage);
	fputs("\nveche text VERB --help tells more.  Data files come from\n"
	    "--datadir, else $VECHE_DATADIR, else the built-in data folder.\n", f);
}

static int
parse_args(const struct verb *vb, int argc, char **argv, struct args *a)
{
	int i;
	size_t k;

	memset(a, 0, sizeof(*a));
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		size_t nlen;

		if (strncmp(arg, "--", 2) != 0) {
			warn("%s: unexpected argument %s; see veche text %s --help",
			    vb->name, arg, vb->name);
			return -1;
		}
		arg += 2;
		eq = strchr(arg, '=');
		nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		for (k = 0; k < OPT__MAX; k++)
			if (strlen(opt_names[k]) == nlen &&
			    strncmp(opt_names[k], arg, nlen) == 0)
				break;
		if (k == OPT__MAX || !(vb->opts & O(k))) {
			warn("%s does not take --%.*s; see veche text %s --help",
			    vb->name, (int)nlen, arg, vb->name);
			return -1;
		}
		if (k == OPT_VERBOSE) {
			a->verbose = 1;
			a->v[k] = "1";
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (val == NULL || *val == '\0') {
			warn("--%s needs a value; see veche text %s --help",
			    opt_names[k], vb->name);
			return -1;
		}
		a->v[k] = val;
	}
	for (k = 0; k < OPT__MAX; k++)
		if ((vb->required & O(k)) && a->v[k] == NULL) {
			warn("%s needs --%s; usage: %s", vb->name, opt_names[k],
			    vb->usage);
			return -1;
		}
	return 0;
}

/*
 * `veche text VERB [options]`: argv[0] is "text", argv[1] the verb.  Reads
 * stdin and writes stdout; errors go to stderr saying what to do next.
 * Returns the exit status: 0 success, 1 runtime error (unreadable file,
 * malformed input line, bad model), 2 usage error.  It answers --help
 * itself: the verbs have their own.
 */
static int
run(int argc, char **argv)
{
	struct args a;
	size_t i;
	int k;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NVERBS; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == NVERBS) {
		warn("unknown verb %s", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	for (k = 2; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: %s\n\n%s\n", verbs[i].usage, verbs[i].help);
			return 0;
		}
	if (parse_args(&verbs[i], argc, argv, &a) == -1)
		return EXIT_USAGE;
	return verbs[i].run(&a);
}

const struct cli_command cli_text = {
	"text", NULL, "Russian/English text tools (tokens, sentiment, ...)",
	NULL, run,
};
