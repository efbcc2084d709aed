/*
 * test_text_abuse.c: the 59-FZ art. 11 pre-marks: obscene words with and
 * without prefixes, threats by their exact forms, and harsh criticism or
 * ordinary words that look alike staying unmarked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/abuse.h"
#include "text/tokenize.h"

static struct text_ctx *ctx;
static struct text_abuse_set *set;

static int
setup(void **state)
{
	struct text_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	if ((ctx = text_ctx_new(NULL, &err)) == NULL)
		fail_msg("text_ctx_new: %s", err.msg);
	if ((set = text_abuse_new(ctx, &err)) == NULL)
		fail_msg("text_abuse_new: %s", err.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	text_abuse_free(set);
	text_ctx_free(ctx);
	return 0;
}

static enum text_abuse
check(const char *s)
{
	struct text_error err;
	enum text_abuse k;

	memset(&err, 0, sizeof(err));
	if (text_abuse_check(set, ctx, s, strlen(s), &k, &err) == -1)
		fail_msg("text_abuse_check: %s", err.msg);
	return k;
}

static void
test_threats(void **state)
{
	(void)state;
	assert_int_equal(check("Я тебя убью, начальник"), TEXT_ABUSE_THREAT);
	assert_int_equal(check("Взорву вашу управу"), TEXT_ABUSE_THREAT);
	assert_int_equal(check("сожгу твой дом"), TEXT_ABUSE_THREAT);
	assert_int_equal(check("Убьём всех чиновников"), TEXT_ABUSE_THREAT);
	assert_int_equal(check("I will kill the mayor"), TEXT_ABUSE_THREAT);
	assert_int_equal(check("we'll burn your house"), TEXT_ABUSE_THREAT);
	assert_string_equal(text_abuse_name(TEXT_ABUSE_THREAT), "threat");
}

static void
test_obscene(void **state)
{
	(void)state;
	assert_int_equal(check("Да вы охуели там"), TEXT_ABUSE_OBSCENE);
	assert_int_equal(check("ЗАЕБАЛИ уже с этой ямой"), TEXT_ABUSE_OBSCENE);
	assert_int_equal(check("пиздец, а не дорога"), TEXT_ABUSE_OBSCENE);
	assert_int_equal(check("глава района — сука"), TEXT_ABUSE_OBSCENE);
	assert_int_equal(check("this is fucking ridiculous"),
	    TEXT_ABUSE_OBSCENE);
	assert_string_equal(text_abuse_name(TEXT_ABUSE_OBSCENE), "obscene");
	assert_null(text_abuse_name(TEXT_ABUSE_NONE));
}

/* Harsh criticism and words that merely look alike are not marked. */
static void
test_not_marked(void **state)
{
	(void)state;
	assert_int_equal(check("чиновники бездельники, позор"),
	    TEXT_ABUSE_NONE);
	assert_int_equal(check("Управа бездействует, это позор и "
	    "безобразие, требую наказать виновных"), TEXT_ABUSE_NONE);
	assert_int_equal(check("Компания страхует дом, небо ясное, "
	    "потребуется сукно и суккуленты"), TEXT_ABUSE_NONE);
	assert_int_equal(check("Трубу взорвали вчера, дом сгорел"),
	    TEXT_ABUSE_NONE);
	assert_int_equal(check("The pipe burst, kill the water supply "
	    "please"), TEXT_ABUSE_NONE);
	assert_int_equal(check(""), TEXT_ABUSE_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threats),
		cmocka_unit_test(test_obscene),
		cmocka_unit_test(test_not_marked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
