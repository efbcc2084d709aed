/*
 * dedupe.c: MinHash signatures and a banded index over them.
 */
#include <stdlib.h>
#include <string.h>

#include "text/ctx.h"
#include "text/dedupe.h"

#define ROWS		(TEXT_MINHASH / TEXT_MINHASH_BANDS)

struct band_slot {
	uint64_t key;		/* band number and values, hashed */
	uint32_t head;		/* last item with this key, + 1; 0: empty */
};

struct text_dedupe {
	double threshold;
	struct text_signature *sig;
	uint64_t *id;
	uint32_t *next;		/* [item][band]: previous item with the key, + 1 */
	size_t n, cap;
	struct band_slot *tab;
	size_t slots, used;
};

int
text_dedupe_signature(struct text_ctx *ctx, const struct text_doc *doc,
    struct text_signature *sig)
{
	size_t i, len = 0, k, p, q, cps, pos;
	uint32_t cp;
	uint64_t h;
	char *s;
	void *mem;

	for (k = 0; k < TEXT_MINHASH; k++)
		sig->min[k] = UINT32_MAX;
	sig->empty = 1;
	for (i = 0; i < doc->ntokens; i++)
		len += doc->tokens[i].norm_len + 1;
	if (len == 0)
		return 0;
	mem = ctx->feat.chars;
	if (text_grow(&mem, &ctx->feat.chars_cap, len, 1, TEXT_MAX_INPUT * 8) == -1)
		return -1;
	ctx->feat.chars = mem;
	s = ctx->feat.chars;
	for (i = 0, pos = 0; i < doc->ntokens; i++) {
		if (i > 0)
			s[pos++] = ' ';
		memcpy(s + pos, doc->tokens[i].norm, doc->tokens[i].norm_len);
		pos += doc->tokens[i].norm_len;
	}
	sig->empty = 0;
	for (p = 0; p < pos; p += utf8_decode((const unsigned char *)s + p,
	    pos - p, &cp)) {
		/* The shingle starting here: TEXT_SHINGLE_CHARS code points. */
		for (q = p, cps = 0; q < pos && cps < TEXT_SHINGLE_CHARS; cps++)
			q += utf8_decode((const unsigned char *)s + q, pos - q, &cp);
		if (cps < TEXT_SHINGLE_CHARS && p > 0)
			break;	/* the tail is inside earlier shingles */
		h = fnv1a(FNV_OFFSET, s + p, q - p);
		for (k = 0; k < TEXT_MINHASH; k++) {
			uint32_t v = (uint32_t)mix64(h + 0x9e3779b97f4a7c15ULL *
			    (k + 1));

			if (v < sig->min[k])
				sig->min[k] = v;
		}
		if (q == pos)
			break;
	}
	return 0;
}

double
text_signature_similarity(const struct text_signature *a,
    const struct text_signature *b)
{
	size_t k, same = 0;

	if (a->empty || b->empty)
		return 0;
	for (k = 0; k < TEXT_MINHASH; k++)
		same += a->min[k] == b->min[k];
	return (double)same / TEXT_MINHASH;
}

struct text_dedupe *
text_dedupe_new(double threshold)
{
	struct text_dedupe *d;

	if (!(threshold > 0 && threshold <= 1))
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->threshold = threshold;
	return d;
}

void
text_dedupe_free(struct text_dedupe *d)
{
	if (d == NULL)
		return;
	free(d->sig);
	free(d->id);
	free(d->next);
	free(d->tab);
	free(d);
}

static uint64_t
band_key(const struct text_signature *sig, size_t b)
{
	return mix64(fnv1a(FNV_OFFSET ^ b, &sig->min[b * ROWS],
	    ROWS * sizeof(uint32_t)));
}

static struct band_slot *
band_find(const struct text_dedupe *d, uint64_t key)
{
	size_t i;

	for (i = (size_t)key & (d->slots - 1);; i = (i + 1) & (d->slots - 1))
		if (d->tab[i].head == 0 || d->tab[i].key == key)
			return &d->tab[i];
}

int
text_dedupe_find(const struct text_dedupe *d,
    const struct text_signature *sig, uint64_t *id, double *sim)
{
	size_t b;
	uint32_t it, best = UINT32_MAX;
	double s, bs = -1;
	struct band_slot *sl;

	*sim = 0;
	if (sig->empty || d->slots == 0)
		return 0;
	for (b = 0; b < TEXT_MINHASH_BANDS; b++) {
		sl = band_find(d, band_key(sig, b));
		for (it = sl->head; it != 0; it = d->next[(it - 1) *
		    TEXT_MINHASH_BANDS + b]) {
			s = text_signature_similarity(sig, &d->sig[it - 1]);
			if (s > bs || (s == bs && it - 1 < best)) {
				bs = s;
				best = it - 1;
			}
		}
	}
	if (best == UINT32_MAX || bs < d->threshold) {
		*sim = bs > 0 ? bs : 0;
		return 0;
	}
	*id = d->id[best];
	*sim = bs;
	return 1;
}

static int
grow_table(struct text_dedupe *d)
{
	struct band_slot *old = d->tab, *sl;
	size_t oslots = d->slots, i;

	d->slots = oslots ? oslots * 2 : 4096;
	if ((d->tab = calloc(d->slots, sizeof(*d->tab))) == NULL) {
		d->tab = old;
		d->slots = oslots;
		return -1;
	}
	for (i = 0; i < oslots; i++) {
		if (old[i].head == 0)
			continue;
		sl = band_find(d, old[i].key);
		*sl = old[i];
	}
	free(old);
	return 0;
}

int
text_dedupe_add(struct text_dedupe *d, const struct text_signature *sig,
    uint64_t id)
{
	size_t b, ncap;
	struct band_slot *sl;
	void *p;

	if (d->n >= TEXT_MAX_DEDUPE_ITEMS)
		return -1;
	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 1024;
		if ((p = realloc(d->sig, ncap * sizeof(*d->sig))) == NULL)
			return -1;
		d->sig = p;
		if ((p = realloc(d->id, ncap * sizeof(*d->id))) == NULL)
			return -1;
		d->id = p;
		if ((p = realloc(d->next, ncap * TEXT_MINHASH_BANDS *
		    sizeof(*d->next))) == NULL)
			return -1;
		d->next = p;
		d->cap = ncap;
	}
	d->sig[d->n] = *sig;
	d->id[d->n] = id;
	for (b = 0; b < TEXT_MINHASH_BANDS; b++)
		d->next[d->n * TEXT_MINHASH_BANDS + b] = 0;
	if (!sig->empty) {
		/* Room for every band first, so a failure leaves no half link. */
		while ((d->used + TEXT_MINHASH_BANDS) * 2 > d->slots)
			if (grow_table(d) == -1)
				return -1;
		for (b = 0; b < TEXT_MINHASH_BANDS; b++) {
			sl = band_find(d, band_key(sig, b));
			if (sl->head == 0) {
				sl->key = band_key(sig, b);
				d->used++;
			}
			d->next[d->n * TEXT_MINHASH_BANDS + b] = sl->head;
			sl->head = (uint32_t)d->n + 1;
		}
	}
	d->n++;
	return 0;
}
