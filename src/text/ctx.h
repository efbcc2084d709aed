/*
 * ctx.h: private to src/text.  The per-thread analysis context and the
 * small UTF-8 and hashing helpers its files share.  Nothing outside
 * src/text includes this header.
 */
#ifndef VECHE_TEXT_CTX_H
#define VECHE_TEXT_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "text/tokenize.h"

struct sb_stemmer;
struct stopset;
struct stem_cache;

/* What features.c extracts: the sentiment model stores it. */
struct feat_conf {
	unsigned bits;		/* 2^bits hashed dimensions */
	unsigned word_max;	/* word n-grams 1..word_max (of stems) */
	unsigned char_min;	/* character n-grams char_min..char_max */
	unsigned char_max;	/* (0: none) of the normalised words */
};

/* Feature scratch for text_features (sentiment.c). */
struct feat_buf {
	uint32_t *idx;		/* feature indices, merged (unique) */
	float *val;		/* their values */
	size_t n, cap;
	uint32_t *slot;		/* open-addressing table: position in idx + 1 */
	uint32_t *stamp;	/* generation of each slot (no clearing) */
	size_t slots;		/* power of two */
	uint32_t gen;
	char *chars;		/* dedupe.c: the text's tokens joined */
	size_t chars_cap;
	uint32_t *cps;		/* one word's code points with padding */
	size_t cps_cap;
};

struct text_ctx {
	struct sb_stemmer *stem_ru;
	struct sb_stemmer *stem_en;
	struct stopset *stop;
	struct stem_cache *cache;

	/* Normalised text and, for each of its bytes, the source offset. */
	char *norm;
	uint32_t *map;
	size_t norm_len, norm_cap;
	int32_t *ucs;		/* utf8proc scratch, code points */
	size_t ucs_cap;

	struct text_token *tok;
	size_t ntok, tok_cap;

	/* Repaired word forms and stems; reserved before tokens point in. */
	char *arena;
	size_t arena_len, arena_cap;

	struct feat_buf feat;
};

/* normalize.c: fill ctx->norm and ctx->map from s.  0 or -1 with err. */
int text_normalize(struct text_ctx *ctx, const char *s, size_t len,
    struct text_error *err);

/*
 * normalize.c: the end of the source segment (a starter and the marks that
 * join it) that begins at byte at of s.
 */
size_t norm_segment_end(const char *s, size_t len, size_t at);

/* stem.c: stop words and stemming for the tokenizer. */
struct stopset *stopset_load(struct text_ctx *ctx, const char *path,
    struct stopset *into, struct text_error *err);
void stopset_free(struct stopset *set);
int stopset_has(const struct stopset *set, const char *w, size_t len);
struct stem_cache *stem_cache_new(void);
void stem_cache_free(struct stem_cache *c);
/* Stem w (script LATIN or CYRILLIC) into out and outlen (owned by ctx). */
int stem_apply(struct text_ctx *ctx, enum text_script script,
    const char *w, size_t len, const char **out, size_t *outlen);

/*
 * features.c: hash doc's features into ctx->feat (unique indices below
 * 2^bits, values scaled to unit length).  Returns 0, or -1 out of memory.
 */
int text_features(struct text_ctx *ctx, const struct text_doc *doc,
    const struct feat_conf *conf);

/*
 * Decode one code point at s (n > 0 bytes available).  Returns the number of
 * bytes (1-4) and stores the code point, or 0 if the sequence is malformed:
 * truncated, overlong, a surrogate or past U+10FFFF.
 */
static inline size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;	/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;	/* surrogate */
		*cp = ((c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		    (s[2] & 0x3F);
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 ||
		    (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;	/* past U+10FFFF */
		*cp = ((c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
		    ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	return 0;
}

/* Encode cp (valid) at d, which has room for 4 bytes.  Returns the length. */
static inline size_t
utf8_encode(uint32_t cp, char *d)
{
	unsigned char *u = (unsigned char *)d;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | (cp >> 18));
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

/* FNV-1a over len bytes, continuing from h (start with FNV_OFFSET). */
static inline uint64_t
fnv1a(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* A bijective 64-bit mixer (splitmix64's finaliser). */
static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* Grow *buf (element size esize) to hold need elements, at most max. */
int text_grow(void **buf, size_t *cap, size_t need, size_t esize,
    size_t max);

#endif
