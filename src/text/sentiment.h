/*
 * sentiment.h: a linear text classifier for Russian and English text, for
 * any label set (sentiment, service codes, a deployment's own categories).
 *
 * Features are hashed word uni- and bigrams of stems and character n-grams
 * of the normalised words (docs/text.md); the model is L2-regularised
 * logistic regression trained with liblinear (one-vs-rest), stored in
 * veche's own compact model file, which names its labels.  A loaded model
 * is read-only and may be shared by threads; prediction needs a per-thread
 * struct text_ctx.  The sentiment model is the model whose labels are
 * negative, neutral, positive (in that order, enum text_sentiment).
 */
#ifndef VECHE_TEXT_SENTIMENT_H
#define VECHE_TEXT_SENTIMENT_H

#include <stddef.h>

#include "text/tokenize.h"

enum text_sentiment {
	TEXT_SENTIMENT_NEGATIVE,
	TEXT_SENTIMENT_NEUTRAL,
	TEXT_SENTIMENT_POSITIVE,
	TEXT_SENTIMENT__MAX
};

/*
 * A labelled text.  text is not owned.  label is an index into the label set
 * being trained or evaluated (for sentiment, an enum text_sentiment).
 * mixed: the corpus said "mixed" (label is then neutral); training leaves
 * such texts out, evaluation counts them as neutral (docs/text.md explains
 * why).
 */
struct text_sample {
	const char *text;
	size_t len;
	unsigned label;
	int mixed;
	size_t line;		/* where it came from, for messages */
};

/*
 * Accuracy, per-class and macro-averaged F1 and the confusion matrix of
 * nclass classes (0 means the three sentiment classes).
 */
struct text_metrics {
	size_t n;
	unsigned nclass;
	size_t confusion[TEXT_MAX_LABELS][TEXT_MAX_LABELS]; /* [true][predicted] */
	double accuracy;
	double f1[TEXT_MAX_LABELS];
	double macro_f1;
};

/* How to train.  Zeroed fields take the defaults noted. */
struct text_train_opts {
	double c;		/* > 0: use it; 0: choose by cross-validation */
	unsigned folds;		/* cross-validation folds, 0: 5 */
	unsigned hash_bits;	/* feature space 2^bits, 0: 20 */
	int verbose;		/* 1: report each C tried on stderr */
	/*
	 * The label set: nlabels names (2 to TEXT_MAX_LABELS, each 1 to
	 * TEXT_MAX_LABEL printable bytes without spaces); samples' labels
	 * index it.  NULL: negative, neutral, positive.
	 */
	const char *const *labels;
	unsigned nlabels;
};

struct text_model;

/* "negative", "neutral", "positive"; "?" outside the enum. */
const char *text_sentiment_name(enum text_sentiment s);

/*
 * Parse a corpus label: "negative", "neutral", "positive", and "mixed",
 * which maps to neutral with *mixed set to 1 (a sentence with both
 * polarities asks for no action of its own; docs/text.md).
 * Case-insensitive, surrounding spaces ignored.  Returns 0, or -1 if unknown.
 */
int text_sentiment_parse(const char *s, size_t len, enum text_sentiment *out,
    int *mixed);

/*
 * Load a model file.  Returns the model (free with text_model_free), or NULL
 * with err set when the file is missing, truncated or not a model.
 */
struct text_model *text_model_load(const char *path, struct text_error *err);

/*
 * Load text/sentiment.model from datadir (NULL: $VECHE_DATADIR, then the
 * built-in path).  As text_model_load.
 */
struct text_model *text_model_load_default(const char *datadir,
    struct text_error *err);

/* Write a model file.  Returns 0, or -1 with err set. */
int text_model_save(const struct text_model *m, const char *path,
    struct text_error *err);

/* Free a model.  Accepts NULL. */
void text_model_free(struct text_model *m);

/* The regularisation constant the model was trained with. */
double text_model_c(const struct text_model *m);

/*
 * Whether s[0..len) can name a label: 1 to TEXT_MAX_LABEL bytes, printable,
 * no spaces (the model file's header lists them).  1 or 0.
 */
int text_label_ok(const char *s, size_t len);

/* The number of labels of m, and label k's name (owned by m). */
unsigned text_model_nlabels(const struct text_model *m);
const char *text_model_label(const struct text_model *m, unsigned k);

/* The index of the label named s[0..len) in m, or -1. */
int text_model_label_index(const struct text_model *m, const char *s,
    size_t len);

/*
 * Classify an analysed text with any model.  Fills prob[0..nlabels) (sums
 * to 1; room for TEXT_MAX_LABELS is always enough) and returns the index of
 * the most probable label.  Uses ctx's scratch; never fails.
 */
unsigned text_model_predict(const struct text_model *m, struct text_ctx *ctx,
    const struct text_doc *doc, double *prob);

/*
 * Classify an analysed text with the sentiment model (labels negative,
 * neutral, positive: text_model_load_default's).  Fills prob (sums to 1)
 * and returns the most probable label.  Uses ctx's scratch; never fails.
 */
enum text_sentiment text_sentiment_predict(const struct text_model *m,
    struct text_ctx *ctx, const struct text_doc *doc,
    double prob[TEXT_SENTIMENT__MAX]);

/*
 * Train on the samples that are not mixed.  C, unless opts gives it, is
 * chosen by k-fold cross-validated macro-F1 (docs/text.md: features are
 * extracted once, each fold warm-starts each C from the one before).
 * Returns a new model (free with text_model_free), or NULL with err set: a
 * text that fails analysis (err->line names its line), a class with no
 * samples, a bad label set, out of memory.  Deterministic for the same input.
 */
struct text_model *text_model_train(struct text_ctx *ctx,
    const struct text_sample *samples, size_t n,
    const struct text_train_opts *opts, struct text_error *err);

/*
 * Evaluate m on n samples (labels index m's labels) into *out.  Returns 0,
 * or -1 with err set when a text fails analysis or a label is out of range.
 */
int text_model_evaluate(const struct text_model *m, struct text_ctx *ctx,
    const struct text_sample *samples, size_t n, struct text_metrics *out,
    struct text_error *err);

/* Fill accuracy and F1 scores of m from its n and confusion matrix. */
void text_metrics_finish(struct text_metrics *m);

#endif
