/*
 * fuzz_text_query.c: the query parser and matcher.  The input's first line
 * is a query; if it compiles, the rest is matched against it (and against a
 * few fixed queries, so that the index and NEAR paths run on odd text).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/query.h"
#include "text/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct text_ctx *ctx;

static const char *const fixed[] = {
	"отоплен* AND (\"ленинский район\" OR #жкх)",
	"a NEAR/2 (b OR \"c d\") NEAR/0 ee*",
	"NOT (x OR y)",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	struct text_query_set *set;
	struct text_matcher *m;
	struct text_doc doc;
	struct text_error err;
	const size_t *hits;
	size_t qlen, i, n;
	char buf[8192];

	if (ctx == NULL && (ctx = text_ctx_new(NULL, &err)) == NULL)
		abort();
	nl = memchr(s, '\n', size);
	qlen = nl ? (size_t)(nl - s) : size;
	if ((set = text_query_set_new()) == NULL)
		abort();
	for (i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
		char id[8] = { 'f', (char)('0' + i), '\0' };

		if (text_query_set_add(set, ctx, id, fixed[i],
		    strlen(fixed[i]), &err) != 0)
			abort();
	}
	if (text_query_set_add(set, ctx, "q", s, qlen, &err) == 0) {
		if (text_query_format(set, text_query_set_count(set) - 1, buf,
		    sizeof(buf)) != 0 && qlen < 100)
			abort();
	} else if (err.offset != (size_t)-1 && err.offset > qlen)
		abort();
	if (nl != NULL && (m = text_matcher_new(set)) != NULL) {
		if (text_analyze(ctx, nl + 1, size - qlen - 1, &doc, &err) == 0) {
			if (text_matcher_run(m, &doc, &hits, &n) != 0)
				abort();
			for (i = 1; i < n; i++)
				if (hits[i - 1] >= hits[i])
					abort();
		}
		text_matcher_free(m);
	}
	text_query_set_free(set);
	return 0;
}
