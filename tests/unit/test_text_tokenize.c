/*
 * test_text_tokenize.c: normalisation, tokens, offsets and stems on real
 * Russian and English text, and malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/tokenize.h"

static struct text_ctx *ctx;

static int
setup(void **state)
{
	struct text_error err;

	(void)state;
	ctx = text_ctx_new(NULL, &err);
	if (ctx == NULL)
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

static void
analyze(const char *s, struct text_doc *doc)
{
	struct text_error err;

	if (text_analyze(ctx, s, strlen(s), doc, &err) == -1)
		fail_msg("text_analyze(%s): %s", s, err.msg);
}

/* Token i's normalised form, NUL-terminated in a static buffer. */
static const char *
norm(const struct text_doc *doc, size_t i)
{
	static char buf[512];

	assert_true(i < doc->ntokens);
	assert_true(doc->tokens[i].norm_len < sizeof(buf));
	memcpy(buf, doc->tokens[i].norm, doc->tokens[i].norm_len);
	buf[doc->tokens[i].norm_len] = '\0';
	return buf;
}

static const char *
stem(const struct text_doc *doc, size_t i)
{
	static char buf[512];

	assert_true(i < doc->ntokens);
	memcpy(buf, doc->tokens[i].stem, doc->tokens[i].stem_len);
	buf[doc->tokens[i].stem_len] = '\0';
	return buf;
}

/* The source bytes a token covers. */
static const char *
source(const struct text_doc *doc, size_t i)
{
	static char buf[512];
	size_t n = doc->tokens[i].end - doc->tokens[i].start;

	memcpy(buf, doc->src + doc->tokens[i].start, n);
	buf[n] = '\0';
	return buf;
}

static void
test_declensions_share_a_stem(void **state)
{
	struct text_doc doc;
	const char *forms = "отопление отопления отоплению отоплением "
	    "отоплении";
	size_t i;

	(void)state;
	analyze(forms, &doc);
	assert_int_equal(doc.ntokens, 5);
	for (i = 0; i < doc.ntokens; i++) {
		assert_int_equal(doc.tokens[i].kind, TEXT_TOKEN_WORD);
		assert_int_equal(doc.tokens[i].script, TEXT_SCRIPT_CYRILLIC);
		assert_string_equal(stem(&doc, i), "отоплен");
	}
	analyze("Жители Ленинского района жалуются", &doc);
	assert_string_equal(stem(&doc, 1), "ленинск");
	assert_string_equal(stem(&doc, 2), "район");
	assert_string_equal(stem(&doc, 3), "жал");
}

static void
test_yo_and_case_fold(void **state)
{
	struct text_doc doc;

	(void)state;
	analyze("ЁЛКА ёлка Елка", &doc);
	assert_int_equal(doc.ntokens, 3);
	assert_string_equal(norm(&doc, 0), "елка");
	assert_string_equal(norm(&doc, 1), "елка");
	assert_string_equal(norm(&doc, 2), "елка");
	/* ё written as е + combining diaeresis (U+0308) */
	analyze("\xD0\xB5\xCC\x88\xD0\xB6", &doc);
	assert_int_equal(doc.ntokens, 1);
	assert_string_equal(norm(&doc, 0), "еж");
	assert_int_equal(doc.tokens[0].start, 0);
	assert_int_equal(doc.tokens[0].end, 6);
}

static void
test_nfkc_and_ignorables(void **state)
{
	struct text_doc doc;

	(void)state;
	/* fullwidth letters, the fi ligature, a soft hyphen inside a word */
	analyze("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xEF\xAC\x81le "
	    "сло\xC2\xADво", &doc);
	assert_int_equal(doc.ntokens, 3);
	assert_string_equal(norm(&doc, 0), "abc");
	assert_string_equal(norm(&doc, 1), "file");
	assert_string_equal(norm(&doc, 2), "слово");
	assert_string_equal(source(&doc, 2), "сло\xC2\xADво");
}

static void
test_offsets_point_into_source(void **state)
{
	struct text_doc doc;
	const char *s = "  Привет, МИР!  ";

	(void)state;
	analyze(s, &doc);
	assert_int_equal(doc.ntokens, 2);
	assert_string_equal(source(&doc, 0), "Привет");
	assert_string_equal(source(&doc, 1), "МИР");
	assert_int_equal(doc.tokens[0].start, 2);
	assert_int_equal(doc.tokens[1].end, strlen(s) - 3);
}

static void
test_kinds(void **state)
{
	struct text_doc doc;
	static const struct {
		enum text_token_kind kind;
		const char *norm;
		const char *src;
	} want[] = {
		{ TEXT_TOKEN_HASHTAG, "#жкх", "#ЖКХ" },
		{ TEXT_TOKEN_MENTION, "@mayor_kzn", "@Mayor_Kzn" },
		{ TEXT_TOKEN_URL, "https://gosuslugi.ru/help?x=1",
		    "https://gosuslugi.ru/help?x=1" },
		{ TEXT_TOKEN_EMAIL, "ivan.petrov@mail.ru", "ivan.petrov@mail.ru" },
		{ TEXT_TOKEN_URL, "мэрия.рф", "мэрия.рф" },
		{ TEXT_TOKEN_NUMBER, "3,5", "3,5" },
		{ TEXT_TOKEN_WORD, "градуса", "градуса" },
		{ TEXT_TOKEN_EMOJI, "\xF0\x9F\x98\xA1", "\xF0\x9F\x98\xA1" },
		{ TEXT_TOKEN_URL, "www.example.com/a_(b)", "www.example.com/a_(b)" },
	};
	size_t i;

	(void)state;
	analyze("#ЖКХ @Mayor_Kzn https://gosuslugi.ru/help?x=1. Пишите: "
	    "ivan.petrov@mail.ru, мэрия.рф; 3,5 градуса\xF0\x9F\x98\xA1 "
	    "(www.example.com/a_(b))", &doc);
	/* "Пишите" sits between the URL and the address. */
	assert_int_equal(doc.ntokens, 10);
	assert_string_equal(norm(&doc, 3), "пишите");
	for (i = 0; i < sizeof(want) / sizeof(*want); i++) {
		size_t k = i < 3 ? i : i + 1;

		assert_int_equal(doc.tokens[k].kind, want[i].kind);
		assert_string_equal(norm(&doc, k), want[i].norm);
		assert_string_equal(source(&doc, k), want[i].src);
	}
	/* a hashtag's stem is its body's */
	analyze("#Отопление", &doc);
	assert_string_equal(stem(&doc, 0), "отоплен");
}

static void
test_emoji_sequences(void **state)
{
	struct text_doc doc;

	(void)state;
	/* family (ZWJ sequence), flag (two regional indicators), thumbs up
	 * with a skin tone, a heart with a variation selector */
	analyze("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
	    "\xF0\x9F\x91\xA7 \xF0\x9F\x87\xB7\xF0\x9F\x87\xBA"
	    "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xE2\x9D\xA4\xEF\xB8\x8F", &doc);
	assert_int_equal(doc.ntokens, 4);
	assert_int_equal(doc.tokens[0].kind, TEXT_TOKEN_EMOJI);
	assert_int_equal(doc.tokens[0].end - doc.tokens[0].start, 18);
	assert_int_equal(doc.tokens[1].end - doc.tokens[1].start, 8);
	assert_int_equal(doc.tokens[2].end - doc.tokens[2].start, 8);
	assert_int_equal(doc.tokens[3].end - doc.tokens[3].start, 6);
}

static void
test_mixed_scripts(void **state)
{
	struct text_doc doc;

	(void)state;
	/* Latin p and o inside a Russian word, Cyrillic а in an English one */
	analyze("пpивeт hаppy IT-компания iPhone", &doc);
	assert_int_equal(doc.ntokens, 5);
	assert_string_equal(norm(&doc, 0), "привет");
	assert_int_equal(doc.tokens[0].script, TEXT_SCRIPT_CYRILLIC);
	assert_string_equal(norm(&doc, 1), "happy");
	assert_int_equal(doc.tokens[1].script, TEXT_SCRIPT_LATIN);
	assert_string_equal(stem(&doc, 1), "happi");
	assert_string_equal(norm(&doc, 2), "it");
	assert_string_equal(norm(&doc, 3), "компания");
	assert_string_equal(stem(&doc, 3), "компан");
	assert_string_equal(norm(&doc, 4), "iphone");
	/* no look-alike twin for ж: left mixed and unstemmed */
	analyze("жvрнал", &doc);
	assert_int_equal(doc.tokens[0].script, TEXT_SCRIPT_MIXED);
	assert_string_equal(stem(&doc, 0), "жvрнал");
}

static void
test_english_and_stop_words(void **state)
{
	struct text_doc doc;

	(void)state;
	analyze("The heating doesn\xE2\x80\x99t work and it is cold", &doc);
	assert_int_equal(doc.ntokens, 8);
	assert_true(doc.tokens[0].stop);
	assert_string_equal(stem(&doc, 1), "heat");
	assert_string_equal(norm(&doc, 2), "doesn't");
	assert_string_equal(stem(&doc, 3), "work");
	assert_true(doc.tokens[4].stop);
	analyze("и в не отопление", &doc);
	assert_true(doc.tokens[0].stop);
	assert_true(doc.tokens[1].stop);
	assert_true(doc.tokens[2].stop);
	assert_false(doc.tokens[3].stop);
}

static void
test_malformed_utf8_gives_offset(void **state)
{
	static const struct {
		const char *s;
		size_t len, bad;
	} cases[] = {
		{ "ok \xFF", 4, 3 },			/* never valid */
		{ "абв\xD0", 7, 6 },			/* truncated */
		{ "x\xC0\xAF", 3, 1 },			/* overlong '/' */
		{ "\xED\xA0\x80", 3, 0 },		/* surrogate */
		{ "ab\xF4\x90\x80\x80", 6, 2 },		/* past U+10FFFF */
		{ "\xE2\x82", 2, 0 },			/* cut short */
		{ "a\x80", 2, 1 },			/* stray continuation */
	};
	struct text_doc doc;
	struct text_error err;
	size_t i, bad;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(text_analyze(ctx, cases[i].s, cases[i].len,
		    &doc, &err), -1);
		assert_int_equal(err.offset, cases[i].bad);
		assert_non_null(strstr(err.msg, "invalid UTF-8"));
		assert_int_equal(text_utf8_check(cases[i].s, cases[i].len,
		    &bad), -1);
		assert_int_equal(bad, cases[i].bad);
	}
	/* the context still works after an error */
	analyze("снова работает", &doc);
	assert_int_equal(doc.ntokens, 2);
}

static void
test_edge_inputs(void **state)
{
	struct text_doc doc;
	struct text_error err;
	char *big;
	const char nul[] = "a\0b";

	(void)state;
	assert_int_equal(text_analyze(ctx, "", 0, &doc, &err), 0);
	assert_int_equal(doc.ntokens, 0);
	analyze(" \t\n,.;!?", &doc);
	assert_int_equal(doc.ntokens, 0);
	assert_int_equal(text_analyze(ctx, nul, 3, &doc, &err), 0);
	assert_int_equal(doc.ntokens, 2);
	/* '#' and '@' alone, after a word, or with nothing after them */
	analyze("# @ C# a@ #_ #123", &doc);
	assert_int_equal(doc.ntokens, 3);
	assert_string_equal(norm(&doc, 0), "c");
	big = malloc(TEXT_MAX_INPUT + 1);
	assert_non_null(big);
	memset(big, 'a', TEXT_MAX_INPUT + 1);
	assert_int_equal(text_analyze(ctx, big, TEXT_MAX_INPUT + 1, &doc,
	    &err), -1);
	assert_non_null(strstr(err.msg, "longer than"));
	free(big);
}

static void
test_missing_datadir(void **state)
{
	struct text_error err;

	(void)state;
	assert_null(text_ctx_new("/nonexistent/veche", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/veche/text/stop-ru.txt"));
}

/* The stem of w by text_stem_word, as a string in buf. */
static const char *
stem_of(struct text_ctx *sc, const char *w, char *buf, size_t len)
{
	const char *out;
	size_t n;

	assert_int_equal(text_stem_word(sc, w, strlen(w), &out, &n), 0);
	assert_true(n < len);
	memcpy(buf, out, n);
	buf[n] = '\0';
	return buf;
}

/* One word at a time, as the reports' search index stems (core/search.c). */
static void
test_stem_word(void **state)
{
	struct text_ctx *sc = text_stem_ctx_new();
	char a[64], b[64];

	(void)state;
	assert_non_null(sc);
	assert_string_equal(stem_of(sc, "ямы", a, sizeof(a)),
	    stem_of(sc, "яма", b, sizeof(b)));
	assert_string_equal(stem_of(sc, "ямой", a, sizeof(a)), b);
	assert_string_equal(stem_of(sc, "лёд", a, sizeof(a)),
	    stem_of(sc, "лед", b, sizeof(b)));
	assert_string_equal(stem_of(sc, "potholes", a, sizeof(a)),
	    stem_of(sc, "pothole", b, sizeof(b)));
	/* Digits or two scripts: the word is its own stem. */
	assert_string_equal(stem_of(sc, "дом5", a, sizeof(a)), "дом5");
	assert_string_equal(stem_of(sc, "домa", a, sizeof(a)), "домa");
	assert_string_equal(stem_of(sc, "", a, sizeof(a)), "");
	text_ctx_free(sc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declensions_share_a_stem),
		cmocka_unit_test(test_yo_and_case_fold),
		cmocka_unit_test(test_nfkc_and_ignorables),
		cmocka_unit_test(test_offsets_point_into_source),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_emoji_sequences),
		cmocka_unit_test(test_mixed_scripts),
		cmocka_unit_test(test_english_and_stop_words),
		cmocka_unit_test(test_malformed_utf8_gives_offset),
		cmocka_unit_test(test_edge_inputs),
		cmocka_unit_test(test_missing_datadir),
		cmocka_unit_test(test_stem_word),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
