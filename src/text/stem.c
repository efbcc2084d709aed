/*
 * stem.c: Snowball stemming with a per-context cache, and stop-word sets.
 *
 * Stemming a word costs far more than looking it up, and word frequencies
 * are skewed, so each context keeps a direct-mapped cache of recent stems.
 * Stop words are read from data files (one word per line, '#' comments),
 * normalised like text and kept in an open-addressing set.
 */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "text/ctx.h"

#define CACHE_SLOTS	8192	/* power of two */
#define CACHE_WORD	40	/* bytes; longer words bypass the cache */

struct cache_slot {
	uint64_t hash;
	uint8_t script;
	uint8_t wlen, slen;
	char word[CACHE_WORD];
	char stem[CACHE_WORD];
};

struct stem_cache {
	struct cache_slot slot[CACHE_SLOTS];
};

struct stop_entry {
	uint64_t hash;
	uint32_t off, len;	/* in words; len 0: empty slot */
};

struct stopset {
	struct stop_entry *tab;
	size_t slots, n;	/* slots: power of two */
	char *words;
	size_t words_len, words_cap;
};

struct stem_cache *
stem_cache_new(void)
{
	return calloc(1, sizeof(struct stem_cache));
}

void
stem_cache_free(struct stem_cache *c)
{
	free(c);
}

int
stem_apply(struct text_ctx *ctx, enum text_script script, const char *w,
    size_t len, const char **out, size_t *outlen)
{
	struct sb_stemmer *st;
	struct cache_slot *sl = NULL;
	const sb_symbol *r;
	uint64_t h;
	int rlen;

	*out = w;
	*outlen = len;
	if (script == TEXT_SCRIPT_CYRILLIC)
		st = ctx->stem_ru;
	else if (script == TEXT_SCRIPT_LATIN)
		st = ctx->stem_en;
	else
		return 0;
	if (len > TEXT_MAX_STEM_WORD)
		return 0;
	if (len <= CACHE_WORD) {
		h = fnv1a(FNV_OFFSET ^ (uint64_t)script, w, len);
		sl = &ctx->cache->slot[h & (CACHE_SLOTS - 1)];
		if (sl->hash == h && sl->script == (uint8_t)script &&
		    sl->wlen == len && memcmp(sl->word, w, len) == 0) {
			*out = sl->stem;
			*outlen = sl->slen;
			return 0;
		}
	}
	r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)len);
	if (r == NULL)
		return -1;
	rlen = sb_stemmer_length(st);
	*out = (const char *)r;
	*outlen = (size_t)rlen;
	if (sl != NULL && rlen >= 0 && (size_t)rlen <= CACHE_WORD) {
		sl->hash = h;
		sl->script = (uint8_t)script;
		sl->wlen = (uint8_t)len;
		sl->slen = (uint8_t)rlen;
		memcpy(sl->word, w, len);
		memcpy(sl->stem, r, (size_t)rlen);
	}
	return 0;
}

static struct stop_entry *
stop_find(const struct stopset *set, uint64_t h, const char *w, size_t len)
{
	size_t i = (size_t)h & (set->slots - 1);

	for (;;) {
		struct stop_entry *e = &set->tab[i];

		if (e->len == 0)
			return e;
		if (e->hash == h && e->len == len &&
		    memcmp(set->words + e->off, w, len) == 0)
			return e;
		i = (i + 1) & (set->slots - 1);
	}
}

int
stopset_has(const struct stopset *set, const char *w, size_t len)
{
	if (set == NULL || set->slots == 0 || len == 0)
		return 0;
	return stop_find(set, fnv1a(FNV_OFFSET, w, len), w, len)->len != 0;
}

static int
stop_add(struct stopset *set, const char *w, size_t len)
{
	struct stop_entry *e;
	uint64_t h = fnv1a(FNV_OFFSET, w, len);
	void *p;

	if (len == 0 || len > UINT32_MAX)
		return 0;
	if ((set->n + 1) * 2 > set->slots) {
		struct stop_entry *old = set->tab;
		size_t oslots = set->slots, i;

		if (set->n + 1 > TEXT_MAX_WORD_LIST)
			return -1;
		set->slots = oslots == 0 ? 256 : oslots * 2;
		if ((set->tab = calloc(set->slots, sizeof(*set->tab))) == NULL) {
			set->tab = old;
			set->slots = oslots;
			return -1;
		}
		for (i = 0; i < oslots; i++)
			if (old[i].len != 0)
				*stop_find(set, old[i].hash, "", 0) = old[i];
		free(old);
	}
	e = stop_find(set, h, w, len);
	if (e->len != 0)
		return 0;
	p = set->words;
	if (text_grow(&p, &set->words_cap, set->words_len + len, 1,
	    TEXT_MAX_DATA_FILE) == -1)
		return -1;
	set->words = p;
	memcpy(set->words + set->words_len, w, len);
	e->hash = h;
	e->off = (uint32_t)set->words_len;
	e->len = (uint32_t)len;
	set->words_len += len;
	set->n++;
	return 0;
}

struct stopset *
stopset_load(struct text_ctx *ctx, const char *path, struct stopset *into,
    struct text_error *err)
{
	struct stopset *set = into;
	char *buf = NULL, *line, *end, *nl;
	size_t len, lineno = 0;

	if ((buf = text_file_read(path, TEXT_MAX_DATA_FILE, &len, err)) == NULL)
		goto fail;
	if (set == NULL && (set = calloc(1, sizeof(*set))) == NULL) {
		text_error_set(err, (size_t)-1, 0, "out of memory");
		goto fail;
	}
	for (line = buf; line < buf + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		end = nl;
		if (memchr(line, '#', (size_t)(end - line)) != NULL)
			end = memchr(line, '#', (size_t)(end - line));
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			end--;
		while (line < end && (*line == ' ' || *line == '\t'))
			line++;
		if (line == end)
			continue;
		if (text_normalize(ctx, line, (size_t)(end - line), err) == -1) {
			if (err != NULL)
				err->line = lineno;
			goto fail;
		}
		if (stop_add(set, ctx->norm, ctx->norm_len) == -1) {
			text_error_set(err, (size_t)-1, lineno,
			    "%s: more than %u words or out of memory", path,
			    (unsigned)TEXT_MAX_WORD_LIST);
			goto fail;
		}
	}
	free(buf);
	return set;
fail:
	if (set != into)
		stopset_free(set);
	free(buf);
	return NULL;
}

void
stopset_free(struct stopset *set)
{
	if (set == NULL)
		return;
	free(set->tab);
	free(set->words);
	free(set);
}
