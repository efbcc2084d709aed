/*
 * fuzz_http_form.c: the urlencoded, Content-Type and multipart parsers.
 *
 * The whole input is a query string.  Then its first byte n splits the rest:
 * the next n bytes are a Content-Type value, the remainder a body for the
 * multipart parser (with a fixed multipart Content-Type when the given one
 * does not parse, so that the body parser is reached either way).  The
 * fields of each successful parse go through the route table's filter
 * (declared parameters, lists, repeats) as the server sends them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "http/form.h"
#include "http/internal.h"

static const char *const declared[] = { "title", "tag*", "attribute[",
	NULL };
static const struct http_route route = { HTTP_POST, "/x", NULL, 0,
	declared, 0 };

/*
 * Filter p as the server does: what is kept is declared, in order, and no
 * single-value name twice; a refusal names a field of the input.
 */
static void
filter(struct form_params *p)
{
	const char *repeated;
	size_t i, j, n = p->n;

	if (http_route_filter(&route, p, &repeated) == -1) {
		if (repeated == NULL)
			abort();
		return;
	}
	if (p->n > n)
		abort();
	for (i = 0; i < p->n; i++) {
		const char *name = p->v[i].name;
		size_t len = strlen(name);
		int list = strcmp(name, "tag") == 0 || (len >= 2 &&
		    strcmp(name + len - 2, "[]") == 0);

		if (strcmp(name, "title") != 0 && strcmp(name, "tag") != 0 &&
		    strncmp(name, "attribute[", 10) != 0)
			abort();
		for (j = 0; j < i && !list; j++)
			if (strcmp(p->v[j].name, name) == 0)
				abort();
	}
}

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
	    size, &err) == 0) {
		check(&p, &err);
		filter(&p);
	}

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
	    &err) == 0) {
		check(&p, &err);
		filter(&p);
	}
out:
	free(ctype);
	arena_free(a);
	return 0;
}
