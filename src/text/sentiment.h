/*
 * sentiment.h: a linear sentiment classifier for Russian and English text.
 *
 * Features are hashed word uni- and bigrams of stems and character n-grams
 * of the normalised words (docs/text.md); the model is L2-regularised
 * logistic regression trained with liblinear (one-vs-rest), stored in
 * veche's own compact model file.  A loaded model is read-only and may be
 * shared by threads; prediction needs a per-thread struct text_ctx.
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
 * A labelled text.  text is not owned.  mixed: the corpus said "mixed"
 * (label is then neutral); training leaves such texts out, evaluation
 * counts them as neutral (docs/text.md explains why).
 */
struct text_sample {
	const char *text;
	size_t len;
	enum text_sentiment label;
	int mixed;
	size_t line;		/* where it came from, for messages */
};

/* Accuracy, per-class and macro-averaged F1 and the confusion matrix. */
struct text_metrics {
	size_t n;
	size_t confusion[TEXT_SENTIMENT__MAX][TEXT_SENTIMENT__MAX]; /* [true][predicted] */
	double accuracy;
	double f1[TEXT_SENTIMENT__MAX];
	double macro_f1;
};

/* How to train.  Zeroed fields take the defaults noted. */
struct text_train_opts {
	double c;		/* > 0: use it; 0: choose by cross-validation */
	unsigned folds;		/* cross-validation folds, 0: 5 */
	unsigned hash_bits;	/* feature space 2^bits, 0: 20 */
	int verbose;		/* 1: report each C tried on stderr */
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
 * Classify an analysed text.  Fills prob (sums to 1) and returns the most
 * probable label.  Uses ctx's scratch; never fails.
 */
enum text_sentiment text_sentiment_predict(const struct text_model *m,
    struct text_ctx *ctx, const struct text_doc *doc,
    double prob[TEXT_SENTIMENT__MAX]);

/*
 * Train on the samples that are not mixed.  Returns a new model (free with
 * text_model_free), or NULL with err set: a text that fails analysis
 * (err->line names its line), a class with no samples, out of memory.
 * Deterministic for the same input.
 */
struct text_model *text_model_train(struct text_ctx *ctx,
    const struct text_sample *samples, size_t n,
    const struct text_train_opts *opts, struct text_error *err);

/*
 * Evaluate m on n samples into *out.  Returns 0, or -1 with err set when a
 * text fails analysis.
 */
int text_model_evaluate(const struct text_model *m, struct text_ctx *ctx,
    const struct text_sample *samples, size_t n, struct text_metrics *out,
    struct text_error *err);

/* Fill accuracy and F1 scores of m from its n and confusion matrix. */
void text_metrics_finish(struct text_metrics *m);

#endif
