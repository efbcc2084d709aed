/*
 * test_text_query.c: the query language's parser (precedence, errors with
 * positions) and matching (stems, prefixes, phrases, NEAR, NOT, the index).
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

#include "text/query.h"
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

/* The canonical form of one compiled query. */
static const char *
compile(const char *q)
{
	static char buf[1024];
	struct text_query_set *set = text_query_set_new();
	struct text_error err;

	assert_non_null(set);
	if (text_query_set_add(set, ctx, "q", q, strlen(q), &err) == -1)
		fail_msg("query %s: %s", q, err.msg);
	assert_int_equal(text_query_format(set, 0, buf, sizeof(buf)), 0);
	text_query_set_free(set);
	return buf;
}

/* The error a query gives; fails the test if it compiles. */
static struct text_error
bad(const char *q)
{
	struct text_query_set *set = text_query_set_new();
	struct text_error err;

	assert_non_null(set);
	if (text_query_set_add(set, ctx, "q", q, strlen(q), &err) == 0)
		fail_msg("query %s compiled", q);
	assert_int_equal(text_query_set_count(set), 0);
	text_query_set_free(set);
	return err;
}

static void
test_precedence(void **state)
{
	(void)state;
	assert_string_equal(compile("отопление"), "stem:отоплен");
	assert_string_equal(compile("a b OR c"),
	    "(OR (AND stem:a stem:b) stem:c)");
	assert_string_equal(compile("a AND (b OR c)"),
	    "(AND stem:a (OR stem:b stem:c))");
	assert_string_equal(compile("NOT a b"), "(AND (NOT stem:a) stem:b)");
	assert_string_equal(compile("NOT a NEAR/2 b"),
	    "(NOT (NEAR/2 stem:a stem:b))");
	assert_string_equal(compile("\"Ленинский район\" батаре*"),
	    "(AND (PHRASE exact ленинский район) prefix:батаре)");
	assert_string_equal(compile("«горячей воды»"),
	    "(PHRASE exact горячей воды)");
	assert_string_equal(compile("#ЖКХ OR @Mayor"),
	    "(OR exact:#жкх exact:@mayor)");
	/* a word the tokenizer splits is a phrase of stems */
	assert_string_equal(compile("Ростов-на-Дону"),
	    "(PHRASE stem рост на дон)");
	/* lowercase and/or are words, not operators */
	assert_string_equal(compile("tom and jerry"),
	    "(AND (AND stem:tom stem:and) stem:jerri)");
	assert_string_equal(compile("(a OR b) NEAR/3 \"c d\""),
	    "(NEAR/3 (OR stem:a stem:b) (PHRASE exact c d))");
}

static void
test_syntax_errors(void **state)
{
	struct text_error e;

	(void)state;
	e = bad("");
	assert_non_null(strstr(e.msg, "empty"));
	e = bad("отопление AND");
	assert_non_null(strstr(e.msg, "at the end of the query"));
	assert_non_null(strstr(e.msg, "after AND"));
	e = bad("(a OR b");
	assert_int_equal(e.offset, 7);
	assert_non_null(strstr(e.msg, "expected ')' to close the '(' at byte 0"));
	e = bad("a OR b)");
	assert_int_equal(e.offset, 6);
	assert_non_null(strstr(e.msg, "closes no '('"));
	e = bad("a \"b c");
	assert_int_equal(e.offset, 2);
	assert_non_null(strstr(e.msg, "never closed"));
	e = bad("a NEAR b");
	assert_int_equal(e.offset, 2);
	assert_non_null(strstr(e.msg, "NEAR/5"));
	e = bad("a NEAR/5000 b");
	assert_non_null(strstr(e.msg, "distance"));
	e = bad("(a AND b) NEAR/2 c");
	assert_int_equal(e.offset, 0);
	assert_non_null(strstr(e.msg, "NEAR needs words or phrases"));
	e = bad("OR a");
	assert_int_equal(e.offset, 0);
	assert_non_null(strstr(e.msg, "but found OR"));
	e = bad("a ()");
	assert_int_equal(e.offset, 3);
	e = bad("о*");
	assert_non_null(strstr(e.msg, "at least 2"));
	e = bad("от*пление");
	assert_int_equal(e.offset, 4);
	e = bad("a , b");
	assert_int_equal(e.offset, 2);
	assert_non_null(strstr(e.msg, "nothing to search for"));
	e = bad("a \xFF");
	assert_int_equal(e.offset, 2);
	assert_non_null(strstr(e.msg, "invalid UTF-8"));
	e = bad("((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))");
	assert_non_null(strstr(e.msg, "nest"));
}

static void
test_limits_and_ids(void **state)
{
	struct text_query_set *set = text_query_set_new();
	struct text_error err;
	char q[TEXT_MAX_QUERY_NODES * 3 + 8];
	size_t i;

	(void)state;
	for (i = 0; i < TEXT_MAX_QUERY_NODES; i++)
		memcpy(q + 2 * i, "a ", 2);
	q[2 * i] = '\0';
	assert_int_equal(text_query_set_add(set, ctx, "many", q, strlen(q),
	    &err), -1);
	assert_non_null(strstr(err.msg, "more than"));
	assert_int_equal(text_query_set_add(set, ctx, "x", "a", 1, &err), 0);
	assert_int_equal(text_query_set_add(set, ctx, "x", "b", 1, &err), -1);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(text_query_set_add(set, ctx, "with space", "b", 1,
	    &err), -1);
	assert_int_equal(text_query_set_add(set, ctx, "", "b", 1, &err), -1);
	assert_int_equal(text_query_set_count(set), 1);
	text_query_set_free(set);
}

struct fixture {
	struct text_query_set *set;
	struct text_matcher *m;
};

static void
fixture_add(struct fixture *f, const char *id, const char *q)
{
	struct text_error err;

	if (text_query_set_add(f->set, ctx, id, q, strlen(q), &err) == -1)
		fail_msg("query %s: %s", q, err.msg);
}

/* The ids matching text, space-separated. */
static const char *
match(struct fixture *f, const char *text)
{
	static char buf[1024];
	struct text_doc doc;
	struct text_error err;
	const size_t *hits;
	size_t n, i, at = 0;

	if (text_analyze(ctx, text, strlen(text), &doc, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(text_matcher_run(f->m, &doc, &hits, &n), 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s",
		    i ? " " : "", text_query_set_id(f->set, hits[i]));
	return buf;
}

static void
test_matching(void **state)
{
	struct fixture f;

	(void)state;
	f.set = text_query_set_new();
	assert_non_null(f.set);
	fixture_add(&f, "heat", "отопление");
	fixture_add(&f, "heat-lenin", "(отоплен* OR батаре*) AND "
	    "(\"ленинский район\" OR #ленинский)");
	fixture_add(&f, "no-heat-near", "нет NEAR/2 отопления");
	fixture_add(&f, "not-spam", "NOT реклама");
	fixture_add(&f, "water", "\"горячей воды\" test");
	fixture_add(&f, "tag", "#ЖКХ");
	fixture_add(&f, "en", "heating NEAR/0 broken");
	assert_int_equal(text_query_set_unindexed(f.set), 1);
	f.m = text_matcher_new(f.set);
	assert_non_null(f.m);

	assert_string_equal(match(&f, "В Ленинском районе нет отопления"),
	    "heat no-heat-near not-spam");
	/* "ленинский район" is an exact phrase: other forms do not match */
	assert_string_equal(match(&f, "Ленинский район: холодные батареи"),
	    "heat-lenin not-spam");
	assert_string_equal(match(&f, "Отоплению конец #Ленинский"),
	    "heat heat-lenin not-spam");
	assert_string_equal(match(&f, "Нет, в нашей квартире сегодня "
	    "отопления много"), "heat not-spam");
	assert_string_equal(match(&f, "Реклама: отопление недорого"),
	    "heat");
	assert_string_equal(match(&f, "нет горячей воды test #жкх"),
	    "not-spam water tag");
	assert_string_equal(match(&f, "the heating is broken; broken heating"),
	    "not-spam en");
	assert_string_equal(match(&f, ""), "not-spam");
	text_matcher_free(f.m);
	text_query_set_free(f.set);
}

static void
test_index_only_evaluates_candidates(void **state)
{
	struct fixture f;
	char id[32], q[64];
	size_t i;

	(void)state;
	f.set = text_query_set_new();
	assert_non_null(f.set);
	for (i = 0; i < 2000; i++) {
		(void)snprintf(id, sizeof(id), "q%zu", i);
		(void)snprintf(q, sizeof(q), "word%zu AND (x OR y%zu)", i, i);
		fixture_add(&f, id, q);
	}
	assert_int_equal(text_query_set_unindexed(f.set), 0);
	f.m = text_matcher_new(f.set);
	/* q4 needs word4; y4 alone only points at it */
	assert_string_equal(match(&f, "word7 x word1999 y1999 word3 y4"),
	    "q3 q7 q1999");
	assert_string_equal(match(&f, "y4 word5"), "");
	text_matcher_free(f.m);
	text_query_set_free(f.set);
}

static void
test_load_file(void **state)
{
	struct text_query_set *set = text_query_set_new();
	struct text_error err;
	char path[] = "/tmp/veche-test-queriesXXXXXX";
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("# comment\n\nq1\tотопление\nq2\t(a OR b\n", fp);
	fclose(fp);
	assert_int_equal(text_query_set_load(set, ctx, path, &err), -1);
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.msg, "line 4 (query q2)"));
	assert_int_equal(text_query_set_count(set), 1);
	assert_int_equal(text_query_set_load(set, ctx, "/nonexistent", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent"));
	unlink(path);
	text_query_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_limits_and_ids),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_index_only_evaluates_candidates),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
