/*
 * sentiment.c: train, store, load and apply the sentiment model.
 *
 * Training hands hashed features (features.c) to liblinear's L2-regularised
 * logistic regression, one-vs-rest over three classes, with class weights
 * that lean towards the rare classes (macro-F1 counts them equally) and C
 * chosen by k-fold cross-validation on the training data alone.
 *
 * The model file is a text header followed by the non-zero weight rows:
 *
 *	veche-sentiment-model 1
 *	labels negative neutral positive
 *	hash_bits 20
 *	word_ngrams 2
 *	char_ngrams 2 5
 *	c 4
 *	bias -0.12 0.3 -0.9
 *	scale 1.2e-05
 *	rows 412345
 *	(empty line)
 *	rows x { varint index delta, 3 x int16 little-endian weight/scale }
 *	"end\n"
 *
 * Prediction reads the weights into a dense float table and sums the rows
 * of the text's features: no allocation, no search.
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

#define NCLASS		TEXT_SENTIMENT__MAX
#define MODEL_MAGIC	"veche-sentiment-model 1"
#define DEFAULT_BITS	20
#define DEFAULT_FOLDS	5
#define WORD_NGRAMS	2
#define CHAR_MIN	2
#define CHAR_MAX	5
/* Class weight (n / (3 n_c))^CLASS_WEIGHT_POWER: 0 none, 1 fully balanced. */
#define CLASS_WEIGHT_POWER 1.0
#define LINEAR_EPS	0.01

static int16_t quantise(double w, double scale);

static const char *const sentiment_names[NCLASS] = {
	"negative", "neutral", "positive"
};

/* C values cross-validation chooses from. */
static const double c_grid[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };

/*
 * Weights are kept as the file stores them, int16 times scale, in rows of
 * ROW (NCLASS padded to a power of two): 8 bytes a row, so a row never
 * straddles a cache line and the table is a third of floats'.
 */
#define ROW		4

struct text_model {
	struct feat_conf conf;
	double c;
	float bias[NCLASS];
	double scale;
	int16_t *w;		/* [2^bits][ROW] */
};

const char *
text_sentiment_name(enum text_sentiment s)
{
	if ((unsigned)s >= NCLASS)
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
	for (k = 0; k < NCLASS; k++)
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

void
text_model_free(struct text_model *m)
{
	if (m == NULL)
		return;
	free(m->w);
	free(m);
}

static struct text_model *
model_new(const struct feat_conf *conf, struct text_error *err)
{
	struct text_model *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto nomem;
	m->conf = *conf;
	if ((m->w = calloc((size_t)1 << conf->bits,
	    ROW * sizeof(int16_t))) == NULL)
		goto nomem;
	return m;
nomem:
	text_model_free(m);
	text_error_set(err, (size_t)-1, 0, "out of memory for the model");
	return NULL;
}

/* How many features ahead prediction prefetches weight rows. */
#define PREFETCH	8

enum text_sentiment
text_sentiment_predict(const struct text_model *m, struct text_ctx *ctx,
    const struct text_doc *doc, double prob[TEXT_SENTIMENT__MAX])
{
	const struct feat_buf *f = &ctx->feat;
	float dec[NCLASS] = { 0 };
	double sum = 0;
	size_t i, k, best = 0;

	if (text_features(ctx, doc, &m->conf) == 0) {
		for (i = 0; i < f->n; i++) {
			const int16_t *row = m->w + (size_t)f->idx[i] * ROW;

			/* The rows are scattered over megabytes: ask early. */
			if (i + PREFETCH < f->n)
				__builtin_prefetch(m->w +
				    (size_t)f->idx[i + PREFETCH] * ROW);
			for (k = 0; k < NCLASS; k++)
				dec[k] += f->val[i] * (float)row[k];
		}
	}
	/* liblinear's one-vs-rest probabilities: logistic, then normalised. */
	for (k = 0; k < NCLASS; k++) {
		prob[k] = 1.0 / (1.0 + exp(-(m->bias[k] + m->scale * dec[k])));
		sum += prob[k];
	}
	for (k = 0; k < NCLASS; k++) {
		prob[k] /= sum;
		if (prob[k] > prob[best])
			best = k;
	}
	return (enum text_sentiment)best;
}

void
text_metrics_finish(struct text_metrics *m)
{
	size_t k, j, right = 0, col, row;
	double p, r;

	m->macro_f1 = 0;
	for (k = 0; k < NCLASS; k++) {
		right += m->confusion[k][k];
		for (col = row = 0, j = 0; j < NCLASS; j++) {
			col += m->confusion[j][k];
			row += m->confusion[k][j];
		}
		p = col ? (double)m->confusion[k][k] / (double)col : 0;
		r = row ? (double)m->confusion[k][k] / (double)row : 0;
		m->f1[k] = p + r > 0 ? 2 * p * r / (p + r) : 0;
		m->macro_f1 += m->f1[k] / NCLASS;
	}
	m->accuracy = m->n ? (double)right / (double)m->n : 0;
}

int
text_model_evaluate(const struct text_model *m, struct text_ctx *ctx,
    const struct text_sample *samples, size_t n, struct text_metrics *out,
    struct text_error *err)
{
	struct text_doc doc;
	double prob[NCLASS];
	enum text_sentiment got;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (text_analyze(ctx, samples[i].text, samples[i].len, &doc,
		    err) == -1) {
			if (err != NULL)
				err->line = samples[i].line;
			return -1;
		}
		got = text_sentiment_predict(m, ctx, &doc, prob);
		out->confusion[samples[i].label][got]++;
		out->n++;
	}
	text_metrics_finish(out);
	return 0;
}

/* Training */

struct problem_buf {
	struct problem prob;
	struct feature_node *pool;
	size_t pool_len, pool_cap;
	size_t *start;		/* offset of each row in pool */
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
	pb->prob.n = (int)dims + 1;	/* the last index is the bias */
	pb->prob.bias = 1;
	pb->prob.y = calloc(n + 1, sizeof(double));
	pb->prob.x = calloc(n + 1, sizeof(struct feature_node *));
	pb->start = calloc(n + 1, sizeof(size_t));
	if (pb->prob.y == NULL || pb->prob.x == NULL || pb->start == NULL)
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
			pb->pool[pb->pool_len + k].index = (int)f->idx[k] + 1;
			pb->pool[pb->pool_len + k].value = f->val[k];
		}
		qsort(pb->pool + pb->pool_len, f->n, sizeof(*pb->pool),
		    node_cmp);
		pb->pool_len += f->n;
		pb->pool[pb->pool_len].index = (int)dims + 1;
		pb->pool[pb->pool_len++].value = 1;
		pb->pool[pb->pool_len++].index = -1;
		pb->prob.y[r++] = samples[i].label;
	}
	pb->prob.l = (int)r;
	for (i = 0; i < r; i++)
		pb->prob.x[i] = pb->pool + pb->start[i];
	return 0;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory while training");
	return -1;
}

static double
macro_f1_of(const struct problem *prob, const double *pred)
{
	struct text_metrics m;
	int i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < prob->l; i++) {
		m.confusion[(int)prob->y[i]][(int)pred[i]]++;
		m.n++;
	}
	text_metrics_finish(&m);
	return m.macro_f1;
}

struct text_model *
text_model_train(struct text_ctx *ctx, const struct text_sample *samples,
    size_t n, const struct text_train_opts *opts, struct text_error *err)
{
	struct problem_buf pb;
	struct parameter param;
	struct model *lm = NULL;
	struct text_model *m = NULL;
	struct feat_conf conf;
	int labels[NCLASS] = { 0, 1, 2 };
	double weight[NCLASS], *pred = NULL, score, best = -1, maxabs = 0;
	size_t count[NCLASS] = { 0 }, used = 0, i, k, g, dims;
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
	dims = (size_t)1 << conf.bits;
	if (n > TEXT_MAX_SAMPLES || n > INT32_MAX) {
		text_error_set(err, (size_t)-1, 0, "more than %u samples",
		    (unsigned)TEXT_MAX_SAMPLES);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!samples[i].mixed)
			count[samples[i].label]++;
	for (k = 0; k < NCLASS; k++)
		used += count[k];
	for (k = 0; k < NCLASS; k++) {
		if (count[k] == 0) {
			text_error_set(err, (size_t)-1, 0,
			    "no %s samples to learn from",
			    sentiment_names[k]);
			goto out;
		}
		weight[k] = pow((double)used / (NCLASS * (double)count[k]),
		    CLASS_WEIGHT_POWER);
	}
	if (problem_build(&pb, ctx, samples, n, &conf, err) == -1)
		goto out;

	set_print_string_function(quiet);
	memset(&param, 0, sizeof(param));
	param.solver_type = L2R_LR;
	param.eps = LINEAR_EPS;
	param.nr_weight = NCLASS;
	param.weight_label = labels;
	param.weight = weight;
	param.C = opts->c;
	if (param.C <= 0) {
		double best_c = c_grid[0];

		if ((pred = calloc(n, sizeof(double))) == NULL)
			goto nomem;
		for (g = 0; g < sizeof(c_grid) / sizeof(*c_grid); g++) {
			param.C = c_grid[g];
			/* The same folds for every C: liblinear draws them with rand(). */
			srand(1);
			cross_validation(&pb.prob, &param, (int)folds, pred);
			score = macro_f1_of(&pb.prob, pred);
			if (opts->verbose)
				fprintf(stderr, "C=%g: %u-fold macro-F1 %.4f\n",
				    c_grid[g], folds, score);
			if (score > best) {
				best = score;
				best_c = c_grid[g];
			}
		}
		param.C = best_c;
	}
	if ((why = check_parameter(&pb.prob, &param)) != NULL) {
		text_error_set(err, (size_t)-1, 0, "liblinear: %s", why);
		goto out;
	}
	if ((m = model_new(&conf, err)) == NULL)
		goto out;
	if ((lm = train(&pb.prob, &param)) == NULL)
		goto nomem;
	m->c = param.C;
	if (lm->nr_class != NCLASS) {
		text_error_set(err, (size_t)-1, 0, "liblinear found %d classes",
		    lm->nr_class);
		goto fail;
	}
	for (i = 0; i < dims * NCLASS; i++)
		if (fabs(lm->w[i]) > maxabs)
			maxabs = fabs(lm->w[i]);
	m->scale = maxabs > 0 ? maxabs / 32767 : 1;
	for (k = 0; k < NCLASS; k++) {
		size_t cls = (size_t)lm->label[k];

		for (i = 0; i < dims; i++)
			m->w[i * ROW + cls] = quantise(lm->w[i * NCLASS + k],
			    m->scale);
		m->bias[cls] = (float)lm->w[dims * NCLASS + k];
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
	free(pred);
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

int
text_model_save(const struct text_model *m, const char *path,
    struct text_error *err)
{
	char tmp[TEXT_MAX_PATH];
	FILE *f = NULL;
	size_t dims = (size_t)1 << m->conf.bits, i, k, rows = 0, prev = 0;
	int any;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		text_error_set(err, (size_t)-1, 0, "path too long: %s", path);
		return -1;
	}
	for (i = 0; i < dims; i++)
		for (k = 0; k < NCLASS; k++)
			if (m->w[i * ROW + k] != 0) {
				rows++;
				break;
			}
	if ((f = fopen(tmp, "wb")) == NULL)
		goto ioerr;
	fprintf(f, "%s\nlabels %s %s %s\nhash_bits %u\nword_ngrams %u\n"
	    "char_ngrams %u %u\nc %.9g\nbias %.9g %.9g %.9g\nscale %.9g\n"
	    "rows %zu\n\n", MODEL_MAGIC, sentiment_names[0],
	    sentiment_names[1], sentiment_names[2], m->conf.bits,
	    m->conf.word_max, m->conf.char_min, m->conf.char_max, m->c,
	    (double)m->bias[0], (double)m->bias[1], (double)m->bias[2],
	    m->scale, rows);
	for (i = 0; i < dims; i++) {
		for (any = 0, k = 0; k < NCLASS; k++)
			any |= m->w[i * ROW + k] != 0;
		if (!any)
			continue;
		if (put_varint(f, i - prev) == -1)
			goto ioerr;
		prev = i;
		for (k = 0; k < NCLASS; k++) {
			uint16_t u = (uint16_t)m->w[i * ROW + k];

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
	const char *p, *end, *nl, *key;
	const unsigned char *u, *uend;
	size_t len, klen, lineno = 0, rows = 0, r, idx = 0, dims, k;
	double v[NCLASS], c = 0, scale = 0, bias[NCLASS] = { 0 };
	unsigned seen = 0;

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
			if ((size_t)(nl - p) != strlen(MODEL_MAGIC) ||
			    memcmp(p, MODEL_MAGIC, (size_t)(nl - p)) != 0)
				goto bad;
			p = nl + 1;
			continue;
		}
		if (next_word(&p, nl, &key, &klen) == -1)
			goto bad;
#define KEY(s) (klen == strlen(s) && memcmp(key, s, klen) == 0)
		if (KEY("labels")) {
			const char *w;
			size_t wl;

			for (k = 0; k < NCLASS; k++)
				if (next_word(&p, nl, &w, &wl) == -1 ||
				    wl != strlen(sentiment_names[k]) ||
				    memcmp(w, sentiment_names[k], wl) != 0)
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
			if (header_nums(p, nl, bias, NCLASS, -1e9, 1e9) == -1)
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
	if ((m = model_new(&conf, err)) == NULL)
		goto fail;
	m->c = c;
	m->scale = scale;
	for (k = 0; k < NCLASS; k++)
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
		    (size_t)(uend - u) < 2 * NCLASS)
			goto bad;
		for (k = 0; k < NCLASS; k++, u += 2)
			m->w[idx * ROW + k] = (int16_t)(uint16_t)(u[0] | u[1] << 8);
	}
	if ((size_t)(uend - u) != 4 || memcmp(u, "end\n", 4) != 0)
		goto bad;
	free(buf);
	return m;
bad:
	text_error_set(err, (size_t)-1, lineno,
	    "%s is not a veche sentiment model or is damaged "
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
