/*
 * test_text_dedupe.c: near-copies are found, different texts are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/dedupe.h"
#include "text/tokenize.h"

static struct text_ctx *ctx;

static int
setup(void **state)
{
	struct text_error err;

	(void)state;
	if ((ctx = text_ctx_new(NULL, &err)) == NULL)
		fail_msg("text_ctx_new: %s", err.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	text_ctx_free(ctx);
	return 0;
}

static struct text_signature
sig_of(const char *s)
{
	struct text_signature sig;
	struct text_doc doc;
	struct text_error err;

	if (text_analyze(ctx, s, strlen(s), &doc, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(text_dedupe_signature(ctx, &doc, &sig), 0);
	return sig;
}

static const char *original =
    "Прошу принять меры: во дворе дома 5 по улице Ленина третью неделю не "
    "вывозят мусор, контейнеры переполнены, вокруг бегают крысы.";

static const char *near_copies[] = {
	/* another house, another street */
	"Прошу принять меры: во дворе дома 17 по улице Гагарина третью неделю "
	"не вывозят мусор, контейнеры переполнены, вокруг бегают крысы.",
	/* a repost: case, punctuation, hashtags and emoji */
	"ПРОШУ ПРИНЯТЬ МЕРЫ!!! Во дворе дома 5 по улице Ленина третью неделю "
	"не вывозят мусор... контейнеры переполнены, вокруг бегают крысы "
	"\xF0\x9F\x98\xA1 #мусор",
	/* ё, a word dropped */
	"Прошу принять меры: во дворе дома 5 по улице Ленина третью неделю не "
	"вывозят мусор, контейнеры переполнены, бегают крысы.",
};

static const char *different[] = {
	/* same topic, own words */
	"Мусор у дома 5 на Ленина не убирают уже давно, пахнет ужасно, "
	"сделайте что-нибудь.",
	"Прошу принять меры: во дворе дома 5 по улице Ленина нет освещения, "
	"фонари не горят с октября.",
	"В парке Победы открыли новую детскую площадку, дети в восторге.",
	"",
};

static void
test_near_copies_are_duplicates(void **state)
{
	struct text_dedupe *d = text_dedupe_new(TEXT_DEDUPE_THRESHOLD);
	struct text_signature s0 = sig_of(original), s;
	uint64_t id;
	double sim;
	size_t i;

	(void)state;
	assert_non_null(d);
	assert_int_equal(text_dedupe_add(d, &s0, 42), 0);
	for (i = 0; i < sizeof(near_copies) / sizeof(*near_copies); i++) {
		s = sig_of(near_copies[i]);
		if (text_dedupe_find(d, &s, &id, &sim) != 1)
			fail_msg("near copy %zu not found (similarity %.2f)", i,
			    text_signature_similarity(&s0, &s));
		assert_int_equal(id, 42);
		assert_true(sim >= TEXT_DEDUPE_THRESHOLD);
	}
	for (i = 0; i < sizeof(different) / sizeof(*different); i++) {
		s = sig_of(different[i]);
		if (text_dedupe_find(d, &s, &id, &sim) != 0)
			fail_msg("different text %zu called a duplicate "
			    "(similarity %.2f)", i, sim);
		assert_true(sim < TEXT_DEDUPE_THRESHOLD);
	}
	text_dedupe_free(d);
}

static void
test_similarity(void **state)
{
	struct text_signature a = sig_of(original), b = sig_of(original),
	    e = sig_of("  ,,, "), c = sig_of(different[2]);

	(void)state;
	assert_true(text_signature_similarity(&a, &b) == 1.0);
	assert_true(e.empty);
	assert_true(text_signature_similarity(&a, &e) == 0.0);
	assert_true(text_signature_similarity(&a, &c) < 0.2);
	/* very short texts are one shingle */
	a = sig_of("да");
	b = sig_of("ДА!");
	assert_true(text_signature_similarity(&a, &b) == 1.0);
}

static void
test_earliest_and_many(void **state)
{
	struct text_dedupe *d = text_dedupe_new(0.8);
	struct text_signature s;
	char buf[256];
	uint64_t id;
	double sim;
	size_t i, false_dups = 0;

	(void)state;
	assert_non_null(d);
	assert_null(text_dedupe_new(0));
	assert_null(text_dedupe_new(1.5));
	/* 3000 texts that share words but not sentences */
	srand(7);
	for (i = 0; i < 3000; i++) {
		(void)snprintf(buf, sizeof(buf), "Обращение номер %d: в доме %d "
		    "на улице %d %s, подъезд %d", rand(), rand() % 100,
		    rand() % 50, i % 2 ? "не работает лифт" : "течет крыша",
		    rand() % 9);
		s = sig_of(buf);
		false_dups += text_dedupe_find(d, &s, &id, &sim);
		assert_int_equal(text_dedupe_add(d, &s, 1000 + i), 0);
	}
	assert_true(false_dups < 30);
	s = sig_of(original);
	assert_int_equal(text_dedupe_add(d, &s, 1), 0);
	assert_int_equal(text_dedupe_add(d, &s, 2), 0);
	assert_int_equal(text_dedupe_find(d, &s, &id, &sim), 1);
	assert_int_equal(id, 1);
	assert_true(sim == 1.0);
	text_dedupe_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_near_copies_are_duplicates),
		cmocka_unit_test(test_similarity),
		cmocka_unit_test(test_earliest_and_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
