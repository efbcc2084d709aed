/*
 * test_drafts.c: the split of a draft's pasted text into articles and
 * paragraphs (markers, blank-line blocks, continuation lines, errors naming
 * the line) and the word diff between versions (core/drafts.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/drafts.h"

static void
split_numbers_paragraphs(void **state)
{
	struct draft_text t;
	struct verr e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(draft_split("Статья 1. Общие\r\n1. Первый\n"
	    "продолжение\n2) Второй\n\nArticle 4. Other\nа) буква\nb) letter"
	    "\n\nБлок без номера\nи его строка\n", &t, &e), 0);
	assert_int_equal(t.narticles, 2);
	assert_int_equal(t.nparas, 5);
	assert_string_equal(t.paras[0].text, "1. Первый продолжение");
	assert_string_equal(t.paras[0].article_title, "Общие");
	assert_int_equal(t.paras[1].number, 2);
	assert_int_equal(t.paras[2].article, 4);
	assert_int_equal(t.paras[2].number, 1);
	assert_string_equal(t.paras[3].text, "b) letter");
	assert_string_equal(t.paras[4].text, "Блок без номера и его строка");
	assert_int_equal(t.paras[4].number, 3);
	draft_text_free(&t);
	/* "1.5 million" is not a marker; "Articles" is not a head. */
	assert_int_equal(draft_split("Статья 1. A\n1. a\n1.5 million\n"
	    "Articles of faith\n", &t, &e), 0);
	assert_int_equal(t.nparas, 1);
	draft_text_free(&t);
}

static void
split_errors_name_the_line(void **state)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "Вступление\nСтатья 1. A\n1. a\n", "line 1: text before" },
		{ "Статья 1. A\n1. a\nСтатья ноль. B\n", "line 3: an article" },
		{ "Статья 2. A\n1. a\nСтатья 2. B\n1. b\n", "line 3: article 2 "
		    "after article 2" },
		{ "Статья 1. A\n\nСтатья 2. B\n1. b\n", "line 1: article 1 has "
		    "no paragraphs" },
		{ "Статья 1. A\n1. a\nСтатья 2. B\n", "line 3: article 2 has no "
		    "paragraphs" },
		{ "\n\n", "line 1: no article" },
	};
	struct draft_text t;
	struct verr e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(draft_split(bad[i].text, &t, &e), -1);
		assert_string_equal(e.field, "text");
		if (strstr(e.message, bad[i].says) == NULL)
			fail_msg("%s: said '%s'", bad[i].says, e.message);
		assert_int_equal(t.nparas, 0);
	}
}

struct out {
	char buf[512];
	size_t len;
};

static int
on_word(enum draft_diff_op op, const char *w, size_t len, void *arg)
{
	struct out *o = arg;
	int n;

	n = snprintf(o->buf + o->len, sizeof(o->buf) - o->len, "%s%.*s ",
	    op == DRAFT_INS ? "+" : op == DRAFT_DEL ? "-" : "", (int)len, w);
	o->len += (size_t)n;
	return 0;
}

static void
diff_marks_words(void **state)
{
	struct out o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(draft_diff("до 8 часов утра", "до 7 часов утра", on_word,
	    &o), 0);
	assert_string_equal(o.buf, "до -8 +7 часов утра ");
	memset(&o, 0, sizeof(o));
	assert_int_equal(draft_diff("", "новый пункт", on_word, &o), 0);
	assert_string_equal(o.buf, "+новый +пункт ");
	memset(&o, 0, sizeof(o));
	assert_int_equal(draft_diff("a b c", "a c d", on_word, &o), 0);
	assert_string_equal(o.buf, "a -b c +d ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_numbers_paragraphs),
		cmocka_unit_test(split_errors_name_the_line),
		cmocka_unit_test(diff_marks_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
