/*
 * fuzz_jsonw.c: the direct JSON writer's string escaping (jsonw_string_n),
 * which writes every text of the Open311 lists.
 *
 * The first byte picks the flags, the rest is the string.  What jsonw
 * writes must parse with jansson; when the input is valid UTF-8 it must
 * parse back to exactly the input (NULs included), else to a valid string
 * of the same or more bytes (U+FFFD for each stray byte).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "format/jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sbuf {
	char *s;
	size_t len;
};

static int
sink(const char *d, size_t n, void *arg)
{
	struct sbuf *b = arg;
	char *p = realloc(b->s, b->len + n + 1);

	if (p == NULL)
		return -1;
	memcpy(p + b->len, d, n);
	b->s = p;
	b->len += n;
	p[b->len] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf b = { NULL, 0 };
	struct jsonw w;
	json_error_t err;
	json_t *in, *out;
	unsigned flags;

	if (size == 0)
		return 0;
	flags = data[0] & 1 ? JSONW_HTML_SAFE : 0;
	data++;
	size--;
	jsonw_init(&w, flags, sink, &b);
	jsonw_array_begin(&w);
	jsonw_string_n(&w, (const char *)data, size);
	jsonw_array_end(&w);
	if (jsonw_finish(&w) == -1)
		abort();
	out = json_loadb(b.s, b.len, JSON_ALLOW_NUL, &err);
	if (out == NULL || !json_is_string(json_array_get(out, 0)))
		abort();
	if (flags & JSONW_HTML_SAFE && memmem(b.s, b.len, "</", 2) != NULL)
		abort();
	in = json_stringn((const char *)data, size);
	if (in != NULL && !json_equal(in, json_array_get(out, 0)))
		abort();
	if (in == NULL &&
	    json_string_length(json_array_get(out, 0)) < size)
		abort();
	json_decref(in);
	json_decref(out);
	free(b.s);
	return 0;
}
