/*
 * sentiment.c: train, store, load and apply the text models: sentiment and
 * any other label set (service codes, a deployment's categories).
 *
 * Training hands hashed features (features.c) to liblinear's L2-regularised
 * logistic regression, one-vs-rest, with class weights that lean towards
 * the rare classes (macro-F1 counts them equally) and C chosen by k-fold
 * cross-validation on the training data alone.  Features are extracted once
 * and renumbered densely (only the hashed dimensions the texts use) and the
 * folds share them; large sets choose C on a sample (cross_validate).
 *
 * The model file is a text header followed by the non-zero weight rows:
 *
 *	veche-text-model 2		(or veche-sentiment-model 1: labels
 *	labels a b c ...		 negative neutral positive, read only)
 *	hash_bits 20
 *	word_ngrams 2
 *	char_ngrams 2 5
 *	c 4
 *	bias -0.12 0.3 -0.9 ...		(one per label)
 *	scale 1.2e-05
 *	rows 412345
 *	(empty line)
 *	rows x { varint index delta, nlabels x int16 little-endian weight/scale }
 *	"end\n"
 *
 * Prediction keeps the weights in a dense table and sums the rows of the
 * text's features: no allocation, no search.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linear.h>

#include "text/ctx.h"
#include "text/sentiment.h"

#define NSENT		TEXT_SENTIMENT__MAX
#define MODEL_MAGIC_V1	"veche-sentiment-model 1"
#define MODEL_MAGIC	"veche-text-model 2"
#define DEFAULT_BITS	20
#define DEFAULT_FOLDS	5
#define WORD_NGRAMS	2
#define CHAR_MIN	2
#define CHAR_MAX	5
/* Class weight (n / (k n_c))^CLASS_WEIGHT_POWER: 0 none, 1 fully balanced. */
#define CLASS_WEIGHT_POWER 1.0
/*
 * The dual coordinate-descent solver to eps 0.1 reaches the primal
 * solver's eps 0.01 scores (docs/text.md) in a third of the time.
 */
#define LINEAR_EPS	0.1
/*
 * Choosing C looks at a stratified sample of at most CV_SAMPLE texts, all
 * k folds up to CV_ALL_FOLDS texts, beyond that the first fold only (a
 * held-out fifth of thousands of texts ranks the C values as well).
 */
#define CV_SAMPLE	10000
#define CV_ALL_FOLDS	5000
/* A larger C must beat a smaller one by this much macro-F1 to be chosen. */
#define CV_MARGIN	0.002

static int16_t quantise(double w, double scale);

static const char *const sentiment_names[NSENT] = {
	"negative", "neutral", "positive"
};

/*
 * C values cross-validation chooses from.  Factors of 4: the committed
 * sentiment model's 16 is on it and the macro-F1 curve is flat within a
 * factor of two around its top (C = 64 scored the same, 0.5658, in 5-fold
 * cross-validation and takes the dual solver more than twice as long).
 */
static const double c_grid[] = { 1, 4, 16 };

/*
 * Weights are kept as the file stores them, int16 times scale, in rows of
 * stride = nclass rounded up to a multiple of 4: the sentiment model's row
 * is 8 bytes and never straddles a cache line.
 */
#define ROW_ALIGN	4

struct text_model {
	struct feat_conf conf;
	double c;
	unsigned nclass, stride;
	char names[TEXT_MAX_LABELS][TEXT_MAX_LABEL + 1];
	float bias[TEXT_MAX_LABELS];
	double scale;
	int16_t *w;		/* [2^bits][stride] */
};

const char *
text_sentiment_name(enum text_sentiment s)
{
	if ((unsigned)s >= NSENT)
		return "?";
	return sentiment_names[s];
}

int
text_sentiment_parse(const char *s, size_t len, enum text_sentiment *out,
    int *mixed)
{
	size_t k;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	for (k = 0; k < NSENT; k++)
		if (strlen(sentiment_names[k]) == len &&
		    strncasecmp(sentiment_names[k], s, len) == 0) {
			*out = (enum text_sentiment)k;
			*mixed = 0;
			return 0;
		}
	if (len == 5 && strncasecmp(s, "mixed", 5) == 0) {
		*out = TEXT_SENTIMENT_NEUTRAL;
		*mixed = 1;
		return 0;
	}
	return -1;
}

double
text_model_c(const struct text_model *m)
{
	return m->c;
}

unsigned
text_model_nlabels(const struct text_model *m)
{
	return m->nclass;
}

const char *
text_model_label(const struct text_model *m, unsigned k)
{
	return k < m->nclass ? m->names[k] : "?";
}

int
text_model_label_index(const struct text_model *m, const char *s, size_t len)
{
	unsigned k;

	for (k = 0; k < m->nclass; k++)
		if (strlen(m->names[k]) == len && memcmp(m->names[k], s, len) == 0)
			return (int)k;
	return -1;
}

void
text_model_free(struct text_model *m)
{
	if (m == NULL)
		return;
	free(m->w);
	free(m);
}

int
text_label_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > TEXT_MAX_LABEL)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7F)
			return 0;
	return 1;
}

static struct text_model *
model_new(const struct feat_conf *conf, const char *const *labels,
    unsigned nclass, struct text_error *err)
{
	struct text_model *m;
	unsigned k;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto nomem;
	m->conf = *conf;
	m->nclass = nclass;
	m->stride = (nclass + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
	for (k = 0; k < nclass; k++)
		(void)snprintf(m->names[k], sizeof(m->names[k]), "%s",
		    labels[k]);
	if ((m->w = calloc((size_t)1 << conf->bits,
	    m->stride * sizeof(int16_t))) == NULL)
		goto nomem;
	return m;
nomem:
	text_model_free(m);
	text_error_set(err, (size_t)-1, 0, "out of memory for the model");
	return NULL;
}

/* How many features ahead prediction prefetches weight rows. */
#define PREFETCH	8

unsigned
text_model_predict(const struct text_model *m, struct text_ctx *ctx,
    const struct text_doc *doc, double *prob)
{
	const struct feat_buf *f = &ctx->feat;
	float dec[TEXT_MAX_LABELS + ROW_ALIGN] = { 0 };
	double sum = 0;
	size_t i, k, best = 0, stride = m->stride;

	if (text_features(ctx, doc, &m->conf) == 0) {
		for (i = 0; i < f->n; i++) {
			const int16_t *row = m->w + (size_t)f->idx[i] * stride;

			/* The rows are scattered over megabytes: ask early. */
			if (i + PREFETCH < f->n)
				__builtin_prefetch(m->w +
				    (size_t)f->idx[i + PREFETCH] * stride);
			/* Padding weights are 0: sum whole rows. */
			for (k = 0; k < stride; k++)
				dec[k] += f->val[i] * (float)row[k];
		}
	}
	/* liblinear's one-vs-rest probabilities: logistic, then normalised. */
	for (k = 0; k < m->nclass; k++) {
		prob[k] = 1.0 / (1.0 + exp(-(m->bias[k] + m->scale * dec[k])));
		sum += prob[k];
	}
	for (k = 0; k < m->nclass; k++) {
		prob[k] /= sum;
		if (prob[k] > prob[best])
			best = k;
	}
	return (unsigned)best;
}

enum text_sentiment
text_sentiment_predict(const struct text_model *m, struct text_ctx *ctx,
    const struct text_doc *doc, double prob[TEXT_SENTIMENT__MAX])
{
	double p[TEXT_MAX_LABELS];
	unsigned best = text_model_predict(m, ctx, doc, p), k;

	for (k = 0; k < NSENT; k++)
		prob[k] = k < m->nclass ? p[k] : 0;
	return best < NSENT ? (enum text_sentiment)best : TEXT_SENTIMENT_NEUTRAL;
}

void
text_metrics_finish(struct text_metrics *m)
{
	size_t k, j, right = 0, col, row, nc;
	double p, r;

	if (m->nclass == 0 || m->nclass > TEXT_MAX_LABELS)
		m->nclass = NSENT;
	nc = m->nclass;
	m->macro_f1 = 0;
	for (k = 0; k < nc; k++) {
		right += m->confusion[k][k];
		for (col = row = 0, j = 0; j < nc; j++) {
			col += m->confusion[j][k];
			row += m->confusion[k][j];
		}
		p = col ? (double)m->confusion[k][k] / (double)col : 0;
		r = row ? (double)m->confusion[k][k] / (double)row : 0;
		m->f1[k] = p + r > 0 ? 2 * p * r / (p + r) : 0;
		m->macro_f1 += m->f1[k] / (double)nc;
	}
	m->accuracy = m->n ? (double)right / (double)m->n : 0;
}

int
text_model_evaluate(const struct text_model *m, struct text_ctx *ctx,
    const struct text_sample *samples, size_t n, struct text_metrics *out,
    struct text_error *err)
{
	struct text_doc doc;
	double prob[TEXT_MAX_LABELS];
	unsigned got;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->nclass = m->nclass;
	for (i = 0; i < n; i++) {
		if (samples[i].label >= m->nclass) {
			text_error_set(err, (size_t)-1, samples[i].line,
			    "label %u is not one of the model's %u",
			    samples[i].label, m->nclass);
			return -1;
		}
		if (text_analyze(ctx, samples[i].text, samples[i].len, &doc,
		    err) == -1) {
			if (err != NULL)
				err->line = samples[i].line;
			return -1;
		}
		got = text_model_predict(m, ctx, &doc, prob);
		out->confusion[samples[i].label][got]++;
		out->n++;
	}
	text_metrics_finish(out);
	return 0;
}

/* Training */

/*
 * The training texts as liblinear sees them: one pool of feature nodes
 * (compact indices 1..nfeat, then the bias at nfeat + 1, then -1), and the
 * hashed dimension of each compact index to map the weights back.
 */
struct problem_buf {
	struct problem prob;
	struct feature_node *pool;
	size_t pool_len, pool_cap;
	size_t *start;		/* offset of each row in pool */
	uint32_t *compact;	/* [2^bits]: compact index, 0 unused */
	uint32_t *hashed;	/* [nfeat + 1]: hashed dimension of each */
	size_t nfeat;
};

static void
quiet(const char *s)
{
	(void)s;
}

static int
node_cmp(const void *a, const void *b)
{
	const struct feature_node *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static void
problem_free(struct problem_buf *pb)
{
	free(pb->pool);
	free(pb->start);
	free(pb->compact);
	free(pb->hashed);
	free(pb->prob.x);
	free(pb->prob.y);
}

/* The liblinear problem of the samples that are not mixed. */
static int
problem_build(struct problem_buf *pb, struct text_ctx *ctx,
    const struct text_sample *samples, size_t n, const struct feat_conf *conf,
    struct text_error *err)
{
	struct text_doc doc;
	const struct feat_buf *f = &ctx->feat;
	size_t i, k, r, dims = (size_t)1 << conf->bits;
	void *p;

	memset(pb, 0, sizeof(*pb));
	pb->prob.bias = 1;
	pb->prob.y = calloc(n + 1, sizeof(double));
	pb->prob.x = calloc(n + 1, sizeof(struct feature_node *));
	pb->start = calloc(n + 1, sizeof(size_t));
	pb->compact = calloc(dims, sizeof(uint32_t));
	pb->hashed = calloc(dims + 1, sizeof(uint32_t));
	if (pb->prob.y == NULL || pb->prob.x == NULL || pb->start == NULL ||
	    pb->compact == NULL || pb->hashed == NULL)
		goto nomem;
	for (i = r = 0; i < n; i++) {
		if (samples[i].mixed)
			continue;
		if (text_analyze(ctx, samples[i].text, samples[i].len, &doc,
		    err) == -1) {
			if (err != NULL)
				err->line = samples[i].line;
			return -1;
		}
		if (text_features(ctx, &doc, conf) == -1)
			goto nomem;
		p = pb->pool;
		if (text_grow(&p, &pb->pool_cap, pb->pool_len + f->n + 2,
		    sizeof(struct feature_node), SIZE_MAX / 64) == -1)
			goto nomem;
		pb->pool = p;
		pb->start[r] = pb->pool_len;
		for (k = 0; k < f->n; k++) {
			uint32_t *c = &pb->compact[f->idx[k]];

			if (*c == 0) {
				*c = (uint32_t)++pb->nfeat;
				pb->hashed[*c] = f->idx[k];
			}
			pb->pool[pb->pool_len + k].index = (int)*c;
			pb->pool[pb->pool_len + k].value = f->val[k];
		}
		qsort(pb->pool + pb->pool_len, f->n, sizeof(*pb->pool),
		    node_cmp);
		pb->pool_len += f->n;
		pb->pool_len += 2;	/* the bias and the end, set below */
		pb->prob.y[r++] = samples[i].label;
	}
	/* The bias index is known only now: after the last feature. */
	for (i = 0; i < r; i++) {
		struct feature_node *end = pb->pool + (i + 1 < r ?
		    pb->start[i + 1] : pb->pool_len) - 2;

		end[0].index = (int)pb->nfeat + 1;
		end[0].value = 1;
		end[1].index = -1;
		end[1].value = 0;
	}
	pb->prob.n = (int)pb->nfeat + 1;
	pb->prob.l = (int)r;
	for (i = 0; i < r; i++)
		pb->prob.x[i] = pb->pool + pb->start[i];
	return 0;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory while training");
	return -1;
}

/*
 * The fold of each row, or folds (no fold: outside the sample): rows of
 * each class dealt round-robin after a fixed shuffle, so every fold has its
 * share of the rare classes; at most CV_SAMPLE rows get a fold, each class
 * keeping its share.  Nothing depends on the C library's rand().
 */
static int
folds_assign(const struct problem *prob, unsigned nclass, unsigned folds,
    unsigned *fold)
{
	size_t next[TEXT_MAX_LABELS] = { 0 }, total[TEXT_MAX_LABELS] = { 0 };
	size_t i, *order, l = (size_t)prob->l;
	uint64_t state = 1;
	double keep = l > CV_SAMPLE ? (double)CV_SAMPLE / (double)l : 1;

	if ((order = malloc(l * sizeof(*order))) == NULL)
		return -1;
	for (i = 0; i < l; i++) {
		order[i] = i;
		total[(size_t)prob->y[i]]++;
	}
	for (i = l; i > 1; i--) {
		size_t j, t;

		state = mix64(state + 0x9e3779b97f4a7c15ULL);
		j = (size_t)(state % i);
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	for (i = 0; i < l; i++) {
		size_t c = (size_t)prob->y[order[i]];

		/* Every class keeps at least folds rows when it has them. */
		if ((double)next[c] < keep * (double)total[c] || next[c] < folds)
			fold[order[i]] = (unsigned)(next[c]++ % folds);
		else
			fold[order[i]] = folds;
	}
	(void)nclass;
	free(order);
	return 0;
}

/*
 * Cross-validated macro-F1 of every C in c_grid into score[]: k folds of
 * the sample, or only the first when the sample is larger than
 * CV_ALL_FOLDS texts.
 */
static int
cross_validate(const struct problem *prob, const struct parameter *base,
    unsigned nclass, unsigned folds, double *score, int verbose)
{
	enum { NGRID = sizeof(c_grid) / sizeof(*c_grid) };
	struct text_metrics *met = NULL;
	struct problem sub;
	struct parameter param = *base;
	struct model *lm = NULL;
	unsigned *fold = NULL, k, used_folds;
	size_t i, g, l = (size_t)prob->l, sampled = 0;
	int rc = -1;

	met = calloc(NGRID, sizeof(*met));
	fold = calloc(l, sizeof(*fold));
	sub.x = calloc(l, sizeof(*sub.x));
	sub.y = calloc(l, sizeof(*sub.y));
	if (met == NULL || fold == NULL || sub.x == NULL || sub.y == NULL ||
	    folds_assign(prob, nclass, folds, fold) == -1)
		goto out;
	sub.n = prob->n;
	sub.bias = prob->bias;
	for (i = 0; i < l; i++)
		sampled += fold[i] < folds;
	used_folds = sampled > CV_ALL_FOLDS ? 1 : folds;
	for (k = 0; k < used_folds; k++) {
		sub.l = 0;
		for (i = 0; i < l; i++)
			if (fold[i] < folds && fold[i] != k) {
				sub.x[sub.l] = prob->x[i];
				sub.y[sub.l++] = prob->y[i];
			}
		for (g = 0; g < NGRID; g++) {
			param.C = c_grid[g];
			if ((lm = train(&sub, &param)) == NULL)
				goto out;
			for (i = 0; i < l; i++)
				if (fold[i] == k) {
					size_t got = (size_t)predict(lm, prob->x[i]);

					met[g].confusion[(size_t)prob->y[i]][got]++;
					met[g].n++;
				}
			free_and_destroy_model(&lm);
		}
	}
	for (g = 0; g < NGRID; g++) {
		met[g].nclass = nclass;
		text_metrics_finish(&met[g]);
		score[g] = met[g].macro_f1;
		if (verbose)
			fprintf(stderr, "C=%g: macro-F1 %.4f (%u of %u folds of "
			    "%zu texts)\n", c_grid[g], score[g], used_folds,
			    folds, sampled);
	}
	rc = 0;
out:
	free(sub.x);
	free(sub.y);
	free(fold);
	free(met);
	return rc;
}

/* Check the label set and count each label's samples. */
static int
labels_check(const struct text_train_opts *opts,
    const struct text_sample *samples, size_t n, const char *const **labels,
    unsigned *nclass, size_t *count, struct text_error *err)
{
	unsigned k, j;
	size_t i;

	*labels = opts->labels ? opts->labels : sentiment_names;
	*nclass = opts->labels ? opts->nlabels : NSENT;
	if (*nclass < 2 || *nclass > TEXT_MAX_LABELS) {
		text_error_set(err, (size_t)-1, 0,
		    "a model needs 2 to %d labels, not %u", TEXT_MAX_LABELS,
		    *nclass);
		return -1;
	}
	for (k = 0; k < *nclass; k++) {
		if (!text_label_ok((*labels)[k], strlen((*labels)[k]))) {
			text_error_set(err, (size_t)-1, 0, "label \"%.64s\" "
			    "must be 1 to %d bytes without spaces",
			    (*labels)[k], TEXT_MAX_LABEL);
			return -1;
		}
		for (j = 0; j < k; j++)
			if (strcmp((*labels)[j], (*labels)[k]) == 0) {
				text_error_set(err, (size_t)-1, 0,
				    "label %s is named twice", (*labels)[k]);
				return -1;
			}
		count[k] = 0;
	}
	for (i = 0; i < n; i++) {
		if (samples[i].label >= *nclass) {
			text_error_set(err, (size_t)-1, samples[i].line,
			    "label %u of line %zu is past the %u labels",
			    samples[i].label, samples[i].line, *nclass);
			return -1;
		}
		if (!samples[i].mixed)
			count[samples[i].label]++;
	}
	for (k = 0; k < *nclass; k++)
		if (count[k] == 0) {
			text_error_set(err, (size_t)-1, 0,
			    "no %s samples to learn from", (*labels)[k]);
			return -1;
		}
	return 0;
}

struct text_model *
text_model_train(struct text_ctx *ctx, const struct text_sample *samples,
    size_t n, const struct text_train_opts *opts, struct text_error *err)
{
	enum { NGRID = sizeof(c_grid) / sizeof(*c_grid) };
	struct problem_buf pb;
	struct parameter param;
	struct model *lm = NULL;
	struct text_model *m = NULL;
	struct feat_conf conf;
	const char *const *labels;
	int wlabel[TEXT_MAX_LABELS];
	double weight[TEXT_MAX_LABELS], score[NGRID], best = -1, maxabs = 0;
	size_t count[TEXT_MAX_LABELS], used = 0, i, k, g, nf, cols;
	unsigned nclass;
	unsigned folds = opts->folds ? opts->folds : DEFAULT_FOLDS;
	const char *why;

	memset(&pb, 0, sizeof(pb));
	conf.bits = opts->hash_bits ? opts->hash_bits : DEFAULT_BITS;
	conf.word_max = WORD_NGRAMS;
	conf.char_min = CHAR_MIN;
	conf.char_max = CHAR_MAX;
	if (conf.bits < TEXT_MIN_HASH_BITS || conf.bits > TEXT_MAX_HASH_BITS) {
		text_error_set(err, (size_t)-1, 0,
		    "hash bits must be %d to %d", TEXT_MIN_HASH_BITS,
		    TEXT_MAX_HASH_BITS);
		goto out;
	}
	if (n > TEXT_MAX_SAMPLES || n > INT32_MAX) {
		text_error_set(err, (size_t)-1, 0, "more than %u samples",
		    (unsigned)TEXT_MAX_SAMPLES);
		goto out;
	}
	if (labels_check(opts, samples, n, &labels, &nclass, count, err) == -1)
		goto out;
	for (k = 0; k < nclass; k++)
		used += count[k];
	for (k = 0; k < nclass; k++) {
		wlabel[k] = (int)k;
		weight[k] = pow((double)used / (nclass * (double)count[k]),
		    CLASS_WEIGHT_POWER);
	}
	if (problem_build(&pb, ctx, samples, n, &conf, err) == -1)
		goto out;

	set_print_string_function(quiet);
	memset(&param, 0, sizeof(param));
	param.solver_type = L2R_LR_DUAL;
	param.eps = LINEAR_EPS;
	param.nr_weight = (int)nclass;
	param.weight_label = wlabel;
	param.weight = weight;
	param.C = opts->c;
	if (param.C <= 0) {
		if (cross_validate(&pb.prob, &param, nclass, folds, score,
		    opts->verbose) == -1)
			goto nomem;
		param.C = c_grid[0];
		for (g = 0; g < NGRID; g++)
			if (score[g] > best + (g ? CV_MARGIN : 0)) {
				best = score[g];
				param.C = c_grid[g];
			}
	}
	if ((why = check_parameter(&pb.prob, &param)) != NULL) {
		text_error_set(err, (size_t)-1, 0, "liblinear: %s", why);
		goto out;
	}
	if ((m = model_new(&conf, labels, nclass, err)) == NULL)
		goto out;
	if ((lm = train(&pb.prob, &param)) == NULL)
		goto nomem;
	m->c = param.C;
	if ((unsigned)lm->nr_class != nclass) {
		text_error_set(err, (size_t)-1, 0, "liblinear found %d classes",
		    lm->nr_class);
		goto fail;
	}
	/* Two classes: liblinear keeps one vector, for label[0]. */
	cols = nclass == 2 ? 1 : nclass;
	nf = pb.nfeat;
	for (i = 0; i < (nf + 1) * cols; i++)
		if (fabs(lm->w[i]) > maxabs)
			maxabs = fabs(lm->w[i]);
	m->scale = maxabs > 0 ? maxabs / 32767 : 1;
	for (k = 0; k < nclass; k++) {
		size_t cls = (size_t)lm->label[k], col = cols == 1 ? 0 : k;
		double sign = cols == 1 && k == 1 ? -1 : 1;

		for (i = 0; i < nf; i++)
			m->w[(size_t)pb.hashed[i + 1] * m->stride + cls] =
			    quantise(sign * lm->w[i * cols + col], m->scale);
		m->bias[cls] = (float)(sign * lm->w[nf * cols + col]);
	}
	goto out;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory while training");
fail:
	text_model_free(m);
	m = NULL;
out:
	if (lm != NULL)
		free_and_destroy_model(&lm);
	problem_free(&pb);
	return m;
}

/* Model files */

static int
put_varint(FILE *f, size_t v)
{
	do {
		int b = (int)(v & 0x7F);

		v >>= 7;
		if (putc(v ? b | 0x80 : b, f) == EOF)
			return -1;
	} while (v);
	return 0;
}

static int16_t
quantise(double w, double scale)
{
	double q = nearbyint(w / scale);

	if (q > 32767)
		q = 32767;
	if (q < -32767)
		q = -32767;
	return (int16_t)q;
}

/* Does row i of m have a non-zero weight? */
static int
row_used(const struct text_model *m, size_t i)
{
	unsigned k;

	for (k = 0; k < m->nclass; k++)
		if (m->w[i * m->stride + k] != 0)
			return 1;
	return 0;
}

int
text_model_save(const struct text_model *m, const char *path,
    struct text_error *err)
{
	char tmp[TEXT_MAX_PATH];
	FILE *f = NULL;
	size_t dims = (size_t)1 << m->conf.bits, i, k, rows = 0, prev = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		text_error_set(err, (size_t)-1, 0, "path too long: %s", path);
		return -1;
	}
	for (i = 0; i < dims; i++)
		rows += (size_t)row_used(m, i);
	if ((f = fopen(tmp, "wb")) == NULL)
		goto ioerr;
	fprintf(f, "%s\nlabels", MODEL_MAGIC);
	for (k = 0; k < m->nclass; k++)
		fprintf(f, " %s", m->names[k]);
	fprintf(f, "\nhash_bits %u\nword_ngrams %u\nchar_ngrams %u %u\n"
	    "c %.9g\nbias", m->conf.bits, m->conf.word_max, m->conf.char_min,
	    m->conf.char_max, m->c);
	for (k = 0; k < m->nclass; k++)
		fprintf(f, " %.9g", (double)m->bias[k]);
	fprintf(f, "\nscale %.9g\nrows %zu\n\n", m->scale, rows);
	for (i = 0; i < dims; i++) {
		if (!row_used(m, i))
			continue;
		if (put_varint(f, i - prev) == -1)
			goto ioerr;
		prev = i;
		for (k = 0; k < m->nclass; k++) {
			uint16_t u = (uint16_t)m->w[i * m->stride + k];

			if (putc(u & 0xFF, f) == EOF || putc(u >> 8, f) == EOF)
				goto ioerr;
		}
	}
	if (fputs("end\n", f) == EOF || fclose(f) == EOF) {
		f = NULL;
		goto ioerr;
	}
	f = NULL;
	if (rename(tmp, path) == -1)
		goto ioerr;
	return 0;
ioerr:
	text_error_set(err, (size_t)-1, 0, "cannot write %s: %s", path,
	    strerror(errno));
	if (f != NULL)
		fclose(f);
	(void)remove(tmp);
	return -1;
}

/* The next space-separated word of a header line. */
static int
next_word(const char **p, const char *end, const char **w, size_t *len)
{
	while (*p < end && **p == ' ')
		(*p)++;
	*w = *p;
	while (*p < end && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - *w);
	return *len > 0 ? 0 : -1;
}

static int
header_nums(const char *p, const char *end, double *v, size_t n,
    double lo, double hi)
{
	const char *w;
	size_t len, k;

	for (k = 0; k < n; k++)
		if (next_word(&p, end, &w, &len) == -1 ||
		    text_parse_double(w, len, lo, hi, &v[k]) == -1)
			return -1;
	return next_word(&p, end, &w, &len) == -1 ? 0 : -1;
}

struct text_model *
text_model_load(const char *path, struct text_error *err)
{
	struct text_model *m = NULL;
	struct feat_conf conf = { 0, 0, 0, 0 };
	char *buf = NULL;
	char names[TEXT_MAX_LABELS][TEXT_MAX_LABEL + 1];
	const char *lp[TEXT_MAX_LABELS] = { 0 };
	const char *p, *end, *nl, *key;
	const unsigned char *u, *uend;
	size_t len, klen, lineno = 0, rows = 0, r, idx = 0, dims, k;
	double v[2], c = 0, scale = 0, bias[TEXT_MAX_LABELS] = { 0 };
	unsigned seen = 0, nclass = 0, v1 = 0;

	if ((buf = text_file_read(path, TEXT_MAX_DATA_FILE, &len, err)) == NULL)
		return NULL;
	p = buf;
	end = buf + len;
	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			goto bad;
		lineno++;
		if (nl == p)
			break;
		if (lineno == 1) {
			if ((size_t)(nl - p) == strlen(MODEL_MAGIC_V1) &&
			    memcmp(p, MODEL_MAGIC_V1, (size_t)(nl - p)) == 0)
				v1 = 1;
			else if ((size_t)(nl - p) != strlen(MODEL_MAGIC) ||
			    memcmp(p, MODEL_MAGIC, (size_t)(nl - p)) != 0)
				goto bad;
			p = nl + 1;
			continue;
		}
		if (next_word(&p, nl, &key, &klen) == -1)
			goto bad;
#define KEY(s) (klen == strlen(s) && memcmp(key, s, klen) == 0)
		if (KEY("labels") && !(seen & 1)) {
			const char *w;
			size_t wl, j;

			while (next_word(&p, nl, &w, &wl) == 0) {
				if (nclass == TEXT_MAX_LABELS ||
				    !text_label_ok(w, wl))
					goto bad;
				memcpy(names[nclass], w, wl);
				names[nclass][wl] = '\0';
				for (j = 0; j < nclass; j++)
					if (strcmp(names[j], names[nclass]) == 0)
						goto bad;
				nclass++;
			}
			/* Version 1 is the sentiment model: exactly these. */
			if (nclass < 2 || (v1 && (nclass != NSENT ||
			    strcmp(names[0], sentiment_names[0]) != 0 ||
			    strcmp(names[1], sentiment_names[1]) != 0 ||
			    strcmp(names[2], sentiment_names[2]) != 0)))
				goto bad;
			seen |= 1;
		} else if (KEY("hash_bits")) {
			if (header_nums(p, nl, v, 1, TEXT_MIN_HASH_BITS,
			    TEXT_MAX_HASH_BITS) == -1)
				goto bad;
			conf.bits = (unsigned)v[0];
			seen |= 2;
		} else if (KEY("word_ngrams")) {
			if (header_nums(p, nl, v, 1, 1, 4) == -1)
				goto bad;
			conf.word_max = (unsigned)v[0];
			seen |= 4;
		} else if (KEY("char_ngrams")) {
			if (header_nums(p, nl, v, 2, 0, 8) == -1 || v[0] > v[1])
				goto bad;
			conf.char_min = (unsigned)v[0];
			conf.char_max = (unsigned)v[1];
			seen |= 8;
		} else if (KEY("c")) {
			if (header_nums(p, nl, &c, 1, 0, 1e9) == -1)
				goto bad;
			seen |= 16;
		} else if (KEY("bias")) {
			/* The labels come first: they say how many. */
			if (!(seen & 1) || header_nums(p, nl, bias, nclass,
			    -1e9, 1e9) == -1)
				goto bad;
			seen |= 32;
		} else if (KEY("scale")) {
			if (header_nums(p, nl, &scale, 1, 0, 1e9) == -1)
				goto bad;
			seen |= 64;
		} else if (KEY("rows")) {
			if (header_nums(p, nl, v, 1, 0, 1 << TEXT_MAX_HASH_BITS) == -1)
				goto bad;
			rows = (size_t)v[0];
			seen |= 128;
		} else
			goto bad;
#undef KEY
		p = nl + 1;
	}
	if (seen != 255)
		goto bad;
	for (k = 0; k < nclass; k++)
		lp[k] = names[k];
	if ((m = model_new(&conf, lp, nclass, err)) == NULL)
		goto fail;
	m->c = c;
	m->scale = scale;
	for (k = 0; k < nclass; k++)
		m->bias[k] = (float)bias[k];
	dims = (size_t)1 << conf.bits;
	u = (const unsigned char *)nl + 1;
	uend = (const unsigned char *)end;
	for (r = 0; r < rows; r++) {
		size_t delta = 0;
		unsigned shift = 0;

		do {
			if (u >= uend || shift > 28)
				goto bad;
			delta |= (size_t)(*u & 0x7F) << shift;
			shift += 7;
		} while (*u++ & 0x80);
		idx += delta;
		if (idx >= dims || (r > 0 && delta == 0) ||
		    (size_t)(uend - u) < 2 * (size_t)nclass)
			goto bad;
		for (k = 0; k < nclass; k++, u += 2)
			m->w[idx * m->stride + k] =
			    (int16_t)(uint16_t)(u[0] | u[1] << 8);
	}
	if ((size_t)(uend - u) != 4 || memcmp(u, "end\n", 4) != 0)
		goto bad;
	free(buf);
	return m;
bad:
	text_error_set(err, (size_t)-1, lineno,
	    "%s is not a veche text model or is damaged "
	    "(line %zu of its header); retrain with `veche text train`",
	    path, lineno);
fail:
	text_model_free(m);
	free(buf);
	return NULL;
}

struct text_model *
text_model_load_default(const char *datadir, struct text_error *err)
{
	char path[TEXT_MAX_PATH];

	if (text_data_path(datadir, "text/sentiment.model", path,
	    sizeof(path)) == -1) {
		text_error_set(err, (size_t)-1, 0, "data directory path too long");
		return NULL;
	}
	return text_model_load(path, err);
}
