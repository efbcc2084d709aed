/*
 * complaint.h: how likely a text is a complaint or a request to the
 * authorities.
 *
 * The scorer is loaded from a file whose first line names its kind.  Today
 * there is one kind, "veche-complaint-rules 1": a lexicon of weighted words
 * and phrases, matched by stem, plus the sentiment model's probability of
 * "negative" (docs/text.md).  A trained model can become a second kind of
 * file read by text_complaint_load without callers changing: they only see
 * text_complaint_score.
 *
 * Threads: a loaded scorer is read-only and may be shared.
 */
#ifndef VECHE_TEXT_COMPLAINT_H
#define VECHE_TEXT_COMPLAINT_H

#include <stddef.h>

#include "text/sentiment.h"
#include "text/tokenize.h"

#define TEXT_COMPLAINT_CUES	8	/* cues reported per text */

struct text_complaint;

/* The verdict on one text. */
struct text_complaint_result {
	double score;		/* 0 to 1 */
	int complaint;		/* score >= the scorer's threshold */
	size_t ncues;
	/* Lexicon entries that fired, NUL-terminated, owned by the scorer. */
	const char *cues[TEXT_COMPLAINT_CUES];
};

/*
 * Load a scorer from path, normalising and stemming its entries with ctx.
 * Returns NULL with err set (err->line names the bad line) when the file is
 * unreadable, of an unknown kind or malformed.  Free with
 * text_complaint_free.
 */
struct text_complaint *text_complaint_load(struct text_ctx *ctx,
    const char *path, struct text_error *err);

/* Load text/complaint.lex from datadir (NULL: $VECHE_DATADIR, then built-in). */
struct text_complaint *text_complaint_load_default(struct text_ctx *ctx,
    const char *datadir, struct text_error *err);

/* Free a scorer.  Accepts NULL. */
void text_complaint_free(struct text_complaint *c);

/*
 * Score an analysed text.  sentiment is text_sentiment_predict's output for
 * the same text, or NULL to leave sentiment out.  Fills *out; never fails.
 */
void text_complaint_score(const struct text_complaint *c,
    const struct text_doc *doc, const double *sentiment,
    struct text_complaint_result *out);

#endif
