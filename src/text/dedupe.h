/*
 * dedupe.h: near-duplicate detection for reposts and copy-pasted complaints.
 *
 * A text's signature is a MinHash of its shingles: every run of
 * TEXT_SHINGLE_CHARS code points of the normalised tokens joined by single
 * spaces, so case, punctuation, emoji placement and ё/е do not matter while
 * word changes do.  Two signatures estimate the Jaccard similarity of their
 * shingle sets.  An index remembers signatures and finds an earlier one at
 * least as similar as its threshold, probing only the texts that share a
 * band (locality-sensitive hashing: TEXT_MINHASH_BANDS bands of
 * TEXT_MINHASH / TEXT_MINHASH_BANDS values each).
 *
 * Threads: signatures need a per-thread struct text_ctx; an index may be
 * searched by many threads at once but changed by one at a time.
 */
#ifndef VECHE_TEXT_DEDUPE_H
#define VECHE_TEXT_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#include "text/tokenize.h"

#define TEXT_MINHASH		64	/* values in a signature */
#define TEXT_MINHASH_BANDS	16	/* LSH bands; TEXT_MINHASH divisible by it */
#define TEXT_SHINGLE_CHARS	5	/* code points per shingle */
#define TEXT_DEDUPE_THRESHOLD	0.6	/* default similarity for a duplicate */

/* A text's signature.  empty: the text had no tokens (never a duplicate). */
struct text_signature {
	uint32_t min[TEXT_MINHASH];
	int empty;
};

struct text_dedupe;

/*
 * Compute the signature of an analysed text.  Returns 0, or -1 when out of
 * memory.
 */
int text_dedupe_signature(struct text_ctx *ctx, const struct text_doc *doc,
    struct text_signature *sig);

/* Estimated Jaccard similarity of two signatures, 0 to 1 (0 if either is empty). */
double text_signature_similarity(const struct text_signature *a,
    const struct text_signature *b);

/*
 * An empty index that calls texts with similarity >= threshold (0 < t <= 1)
 * duplicates.  NULL when out of memory or threshold is out of range.  Free
 * with text_dedupe_free.
 */
struct text_dedupe *text_dedupe_new(double threshold);

/* Free an index.  Accepts NULL. */
void text_dedupe_free(struct text_dedupe *d);

/*
 * Find the earlier text sig duplicates: returns 1 and sets *id and *sim for
 * the most similar one (the earliest added among equals), or 0 if there is
 * none at or above the threshold.
 */
int text_dedupe_find(const struct text_dedupe *d,
    const struct text_signature *sig, uint64_t *id, double *sim);

/*
 * Remember sig under the caller's id.  Returns 0, or -1 when the index holds
 * TEXT_MAX_DEDUPE_ITEMS texts or memory runs out.  Empty signatures are
 * accepted and never found.
 */
int text_dedupe_add(struct text_dedupe *d, const struct text_signature *sig,
    uint64_t id);

#endif
