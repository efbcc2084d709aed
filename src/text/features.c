/*
 * features.c: hashed word and character n-gram features of an analysed text.
 *
 * Word units are stems (placeholders for numbers, links, addresses and
 * mentions; emoji as themselves); their 1..word_max-grams are hashed.
 * Character n-grams come from each word's normalised form padded with a
 * space on both sides, so they never cross words.  Every feature is hashed
 * into 2^bits dimensions; repeats are merged, counts damped (1 + ln n) and
 * the vector scaled to unit length.  No allocation once the scratch buffers
 * have grown to the largest text seen.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/ctx.h"

#define SEED_WORD	0x9e3779b97f4a7c15ULL
#define SEED_CHAR	0xc2b2ae3d27d4eb4fULL
#define MAX_FEATURES	(64u * 1024 * 1024)

static int
reserve(struct feat_buf *f, size_t maxn)
{
	size_t want = 64, ncap;
	void *p;

	if (maxn > MAX_FEATURES)
		return -1;
	if (maxn > f->cap) {
		for (ncap = f->cap ? f->cap : 256; ncap < maxn; ncap *= 2)
			continue;
		if ((p = realloc(f->idx, ncap * sizeof(*f->idx))) == NULL)
			return -1;
		f->idx = p;
		if ((p = realloc(f->val, ncap * sizeof(*f->val))) == NULL)
			return -1;
		f->val = p;
		f->cap = ncap;
	}
	while (want < 2 * maxn)
		want *= 2;
	if (want > f->slots) {
		free(f->slot);
		free(f->stamp);
		f->slot = malloc(want * sizeof(*f->slot));
		f->stamp = calloc(want, sizeof(*f->stamp));
		if (f->slot == NULL || f->stamp == NULL) {
			free(f->slot);
			free(f->stamp);
			f->slot = f->stamp = NULL;
			f->slots = 0;
			return -1;
		}
		f->slots = want;
		f->gen = 0;
	}
	if (++f->gen == 0) {
		memset(f->stamp, 0, f->slots * sizeof(*f->stamp));
		f->gen = 1;
	}
	f->n = 0;
	return 0;
}

static void
add(struct feat_buf *f, uint64_t h, uint32_t mask)
{
	uint32_t idx = (uint32_t)(mix64(h) & mask);
	size_t s = (idx * 0x9E3779B1u) & (f->slots - 1);

	for (;;) {
		if (f->stamp[s] != f->gen) {
			f->stamp[s] = f->gen;
			f->slot[s] = (uint32_t)f->n;
			f->idx[f->n] = idx;
			f->val[f->n++] = 1.0f;
			return;
		}
		if (f->idx[f->slot[s]] == idx) {
			f->val[f->slot[s]] += 1.0f;
			return;
		}
		s = (s + 1) & (f->slots - 1);
	}
}

/* The word unit of a token, as hashed for word n-grams. */
static uint64_t
unit_hash(const struct text_token *t)
{
	static const char *const placeholder[TEXT_TOKEN__MAX] = {
		NULL, "<num>", NULL, "<user>", "<url>", "<email>", NULL
	};
	const char *p = placeholder[t->kind];

	if (p != NULL)
		return fnv1a(FNV_OFFSET, p, strlen(p));
	if (t->kind == TEXT_TOKEN_EMOJI)
		return fnv1a(FNV_OFFSET, t->norm, t->norm_len);
	return fnv1a(FNV_OFFSET, t->stem, t->stem_len);
}

/*
 * Character n-grams of one word padded with spaces, hashed code point by
 * code point (FNV-1a over code points rather than bytes: half the work for
 * Cyrillic).
 */
static int
char_grams(struct feat_buf *f, const struct text_token *t,
    const struct feat_conf *conf, uint32_t mask)
{
	const unsigned char *c = (const unsigned char *)t->norm;
	size_t n = 0, i, p, k;
	uint64_t h;
	void *buf = f->cps;

	if (text_grow(&buf, &f->cps_cap, t->norm_len + 2, sizeof(uint32_t),
	    TEXT_MAX_INPUT * 4) == -1)
		return -1;
	f->cps = buf;
	f->cps[n++] = ' ';
	for (i = 0; i < t->norm_len; n++)
		i += utf8_decode(c + i, t->norm_len - i, &f->cps[n]);
	f->cps[n++] = ' ';
	for (p = 0; p < n; p++) {
		h = FNV_OFFSET ^ SEED_CHAR;
		for (k = 1; k <= conf->char_max && p + k <= n; k++) {
			h = (h ^ f->cps[p + k - 1]) * FNV_PRIME;
			if (k >= conf->char_min && !(k == 1 && f->cps[p] == ' '))
				add(f, h + k, mask);
		}
	}
	return 0;
}

int
text_features(struct text_ctx *ctx, const struct text_doc *doc,
    const struct feat_conf *conf)
{
	struct feat_buf *f = &ctx->feat;
	uint32_t mask = (uint32_t)((1ULL << conf->bits) - 1);
	uint64_t hist[4] = { 0 }, h;
	size_t i, k, maxn, grams = 0;
	double norm = 0;
	unsigned span = conf->char_max >= conf->char_min && conf->char_max > 0 ?
	    conf->char_max - conf->char_min + 1 : 0;

	for (i = 0; i < doc->ntokens; i++)
		if (doc->tokens[i].kind == TEXT_TOKEN_WORD)
			grams += doc->tokens[i].norm_len + 2;
	maxn = doc->ntokens * conf->word_max + grams * span + 1;
	if (reserve(f, maxn) == -1)
		return -1;
	for (i = 0; i < doc->ntokens; i++) {
		const struct text_token *t = &doc->tokens[i];

		for (k = sizeof(hist) / sizeof(*hist) - 1; k > 0; k--)
			hist[k] = hist[k - 1];
		hist[0] = unit_hash(t);
		/* n-gram k+1 hashes the last k+1 units, newest first. */
		h = SEED_WORD;
		for (k = 0; k < conf->word_max && k <= i && k < 4; k++) {
			h = mix64(h ^ hist[k]) + k;
			add(f, h, mask);
		}
		if (span > 0 && t->kind == TEXT_TOKEN_WORD &&
		    char_grams(f, t, conf, mask) == -1)
			return -1;
	}
	for (i = 0; i < f->n; i++) {
		if (f->val[i] > 1.0f)
			f->val[i] = 1.0f + logf(f->val[i]);
		norm += (double)f->val[i] * f->val[i];
	}
	if (norm > 0) {
		float inv = (float)(1.0 / sqrt(norm));

		for (i = 0; i < f->n; i++)
			f->val[i] *= inv;
	}
	return 0;
}
