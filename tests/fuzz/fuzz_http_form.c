/*
 * fuzz_http_form.c: the urlencoded, Content-Type and multipart parsers.
 *
 * The whole input is a query string.  Then its first byte n splits the rest:
 * the next n bytes are a Content-Type value, the remainder a body for the
 * multipart parser (with a fixed multipart Content-Type when the given one
 * does not parse, so that the body parser is reached either way).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/form.h"

/* What every successful parse must give: bounded, NUL-terminated fields. */
static void
check(const struct form_params *p, const struct form_error *err)
{
	size_t i;

	if (p->n > VECHE_MAX_PARAMS || p->n > p->cap)
		abort();
	for (i = 0; i < p->n; i++) {
		const struct http_param *q = &p->v[i];

		if (q->name == NULL || q->value == NULL ||
		    strlen(q->name) > VECHE_MAX_PARAM_NAME ||
		    q->value[q->value_len] != '\0')
			abort();
		if ((q->filename == NULL) != (q->content_type == NULL))
			abort();
		/* Only a file may hold a NUL byte. */
		if (q->filename == NULL && strlen(q->value) != q->value_len)
			abort();
	}
	if (memchr(err->message, '\0', sizeof(err->message)) == NULL ||
	    memchr(err->field, '\0', sizeof(err->field)) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct form_params p;
	struct form_error err;
	struct form_ctype ct;
	char *ctype = NULL;
	size_t n;

	if ((a = arena_new(0)) == NULL)
		return 0;
	memset(&p, 0, sizeof(p));
	memset(&err, 0, sizeof(err));
	if (form_parse_urlencoded(a, &p, HTTP_PARAM_QUERY, (const char *)data,
	    size, &err) == 0)
		check(&p, &err);

	if (size == 0)
		goto out;
	n = data[0];
	if (n > size - 1)
		n = size - 1;
	if ((ctype = malloc(n + 1)) == NULL)
		goto out;
	memcpy(ctype, data + 1, n);
	ctype[n] = '\0';
	if (form_parse_content_type(a, ctype, &ct, &err) == -1 &&
	    form_parse_content_type(a, "multipart/form-data; boundary=b", &ct,
	    &err) == -1)
		abort();
	memset(&p, 0, sizeof(p));
	if (form_parse_multipart(a, &p, &ct, data + 1 + n, size - 1 - n,
	    &err) == 0)
		check(&p, &err);
out:
	free(ctype);
	arena_free(a);
	return 0;
}
