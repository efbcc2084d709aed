/*
 * test_text_complaint.c: the rule-based complaint score on real requests
 * and ordinary posts, and lexicon file errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "text/complaint.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

static struct text_ctx *ctx;
static struct text_model *model;
static struct text_complaint *rules;

static int
setup(void **state)
{
	struct text_error err;

	(void)state;
	if ((ctx = text_ctx_new(NULL, &err)) == NULL ||
	    (model = text_model_load_default(NULL, &err)) == NULL ||
	    (rules = text_complaint_load_default(ctx, NULL, &err)) == NULL)
		fail_msg("setup: %s", err.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	text_complaint_free(rules);
	text_model_free(model);
	text_ctx_free(ctx);
	return 0;
}

static struct text_complaint_result
score(const char *s, int with_sentiment)
{
	struct text_complaint_result r;
	struct text_doc doc;
	struct text_error err;
	double p[TEXT_SENTIMENT__MAX];

	if (text_analyze(ctx, s, strlen(s), &doc, &err) == -1)
		fail_msg("%s", err.msg);
	(void)text_sentiment_predict(model, ctx, &doc, p);
	text_complaint_score(rules, &doc, with_sentiment ? p : NULL, &r);
	return r;
}

static void
test_complaints_and_others(void **state)
{
	static const char *complaints[] = {
		"Прошу принять меры: во дворе дома 5 по улице Ленина третью "
		"неделю не вывозят мусор!",
		"Управляющая компания не отвечает, в подъезде не горит свет, "
		"жильцы возмущены.",
		"Просим отремонтировать дорогу на Садовой, ямы по колено.",
		"Жалоба: в доме нет горячей воды уже неделю, срочно разберитесь!",
		"Please fix the pothole on Main street, it is dangerous.",
	};
	static const char *others[] = {
		"Сегодня прекрасная погода, гуляли с детьми в новом парке.",
		"Дорогие друзья, поздравляю с праздником!",
		"Заседание думы назначено на вторник.",
		"Great concert in the city park last night.",
	};
	struct text_complaint_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(complaints) / sizeof(*complaints); i++) {
		r = score(complaints[i], 1);
		if (!r.complaint)
			fail_msg("not a complaint (%.2f): %s", r.score,
			    complaints[i]);
		assert_true(r.ncues > 0);
	}
	for (i = 0; i < sizeof(others) / sizeof(*others); i++) {
		r = score(others[i], 1);
		if (r.complaint)
			fail_msg("a complaint (%.2f): %s", r.score, others[i]);
	}
	r = score("Прошу принять меры", 0);
	assert_int_equal(r.ncues, 2);
	assert_string_equal(r.cues[0], "прошу");
	assert_string_equal(r.cues[1], "принять меры");
	/* an entry counts once however often it occurs */
	assert_true(score("мусор мусор мусор", 0).score ==
	    score("мусор", 0).score);
	/* declensions match through stems */
	assert_true(score("в управляющей компании", 0).ncues == 1);
}

static void
test_lexicon_errors(void **state)
{
	static const struct {
		const char *text;
		size_t line;
	} cases[] = {
		{ "not a lexicon\n", 1 },
		{ "veche-complaint-rules 1\nrequest\t2\n", 2 },
		{ "veche-complaint-rules 1\n# ok\nrequest\tlots\tпрошу\n", 3 },
		{ "veche-complaint-rules 1\n@bogus 1\n", 2 },
		{ "veche-complaint-rules 1\n", 1 },
	};
	struct text_error err;
	char path[] = "/tmp/veche-test-lexXXXXXX";
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(cases[i].text, f);
		fclose(f);
		assert_null(text_complaint_load(ctx, path, &err));
		assert_int_equal(err.line, cases[i].line);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complaints_and_others),
		cmocka_unit_test(test_lexicon_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
