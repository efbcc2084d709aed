/*
 * fuzz_text_tokenize.c: the normaliser and tokeniser (and the features,
 * signatures and CSV reader that run on the same kinds of outside text).
 * Checks the token invariants: in order, inside the input, non-empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "text/csv.h"
#include "text/dedupe.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct text_ctx *ctx;
static struct text_model *model;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct text_doc doc;
	struct text_error err;
	struct text_signature sig;
	struct text_csv *csv;
	const struct text_csv_field *f;
	double prob[TEXT_SENTIMENT__MAX];
	size_t i, n, prev = 0, bad;

	if (ctx == NULL && (ctx = text_ctx_new(NULL, &err)) == NULL)
		abort();
	if (model == NULL && (model = text_model_load_default(NULL, &err)) == NULL)
		abort();
	if (text_analyze(ctx, s, size, &doc, &err) == 0) {
		if (text_utf8_check(s, size, &bad) != 0)
			abort();
		for (i = 0; i < doc.ntokens; i++) {
			const struct text_token *t = &doc.tokens[i];

			if (t->start < prev || t->start >= t->end ||
			    t->end > size || t->norm_len == 0 ||
			    t->kind >= TEXT_TOKEN__MAX)
				abort();
			prev = t->start;
		}
		(void)text_sentiment_predict(model, ctx, &doc, prob);
		if (text_dedupe_signature(ctx, &doc, &sig) != 0)
			abort();
	} else if (err.offset != (size_t)-1 && err.offset > size)
		abort();
	if ((csv = text_csv_new(s, size)) != NULL) {
		while (text_csv_next(csv, &f, &n, &err) == 1)
			for (i = 0; i < n; i++)
				if (f[i].len > TEXT_MAX_CSV_FIELD)
					abort();
		text_csv_free(csv);
	}
	return 0;
}
