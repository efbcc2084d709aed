/*
 * search.c: the stemmer of the reports' text index (search.h), from the
 * text module's Snowball stemmers: one stemming context per connection's
 * index, created and freed by the store.
 */
#include <stddef.h>

#include "core/search.h"
#include "store/store.h"
#include "text/tokenize.h"

static void *
stem_open(void)
{
	return text_stem_ctx_new();
}

static void
stem_close(void *state)
{
	text_ctx_free(state);
}

static int
stem_word(void *state, const char *w, size_t len, const char **out,
    size_t *outlen)
{
	return text_stem_word(state, w, len, out, outlen);
}

static const struct store_stemmer snowball = {
	stem_open, stem_close, stem_word,
};

void
search_configure(void)
{
	store_set_stemmer(&snowball);
}
