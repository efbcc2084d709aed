/*
 * test_jsonw.c: the direct JSON writer (src/format/jsonw.h) against
 * jansson, which it replaces on hot paths: the same values must come out
 * as the same bytes (or, for coordinates, the same JSON value), and
 * datetime_format_memo must write what datetime_format writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/datetime.h"
#include "format/jsonw.h"
#include "sink.h"

static char *
jansson_dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10) |
	    JSON_ENCODE_ANY);

	json_decref(v);
	assert_non_null(s);
	return s;
}

/* The strings a report may hold: quotes, controls, Unicode, HTML. */
static const char *const samples[] = {
	"",
	"plain",
	"Яма на \"Ленина\", 5 \\ угол",
	"tab\there\nnew line\r\x01\x1f\x7f end",
	"</script><b>&amp;</b>",
	"emoji \xf0\x9f\x98\x80 and \xe2\x80\xa8 separator",
	"ё Ё 中文 ü",
};

static void
test_strings_as_jansson(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct sbuf b = { NULL, 0, -1 };
		struct jsonw w;
		char *want = jansson_dump(json_string(samples[i]));

		jsonw_init(&w, 0, sink, &b);
		jsonw_string(&w, samples[i]);
		assert_int_equal(jsonw_finish(&w), 0);
		assert_string_equal(b.s, want);
		free(want);
		free(b.s);
	}
}

static void
test_long_string(void **state)
{
	struct sbuf b = { NULL, 0, -1 };
	struct jsonw w;
	size_t n = 3 * OUTBUF_SIZE + 17, i;
	char *s = malloc(n + 1), *want;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = "ab\"\n"[i % 4];
	s[n] = '\0';
	want = jansson_dump(json_string(s));
	jsonw_init(&w, 0, sink, &b);
	jsonw_string(&w, s);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(b.s, want);
	free(want);
	free(b.s);
	free(s);
}

/* Bytes that are not UTF-8 come out as U+FFFD, and the result parses. */
static void
test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"a\xff\x62", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"cut \xe2\x82", "\x80",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbuf b = { NULL, 0, -1 };
		struct jsonw w;
		json_error_t err;
		json_t *v;

		jsonw_init(&w, 0, sink, &b);
		jsonw_string(&w, bad[i]);
		assert_int_equal(jsonw_finish(&w), 0);
		v = json_loads(b.s, JSON_DECODE_ANY, &err);
		assert_non_null(v);
		assert_non_null(strstr(json_string_value(v), "\xef\xbf\xbd"));
		json_decref(v);
		free(b.s);
	}
}

static void
test_html_safe(void **state)
{
	struct sbuf b = { NULL, 0, -1 };
	struct jsonw w;

	(void)state;
	jsonw_init(&w, JSONW_HTML_SAFE, sink, &b);
	jsonw_string(&w, "a</script>/x");
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(b.s, "\"a<\\/script>/x\"");
	free(b.s);
}

/* A document of every kind of value, byte for byte as jansson's. */
static void
test_document_as_jansson(void **state)
{
	struct sbuf b = { NULL, 0, -1 };
	struct jsonw w;
	json_t *doc, *o;
	char *want;

	(void)state;
	doc = json_array();
	o = json_pack("{s:I, s:I, s:I, s:s, s:n, s:b, s:b, s:[], s:{}}",
	    "id", (json_int_t)42, "min", (json_int_t)INT64_MIN,
	    "max", (json_int_t)INT64_MAX, "text", "Привет \"мир\"",
	    "none", "yes", 1, "no", 0, "empty", "obj");
	json_object_set_new(o, "lat", json_real(57.618998));
	json_object_set_new(o, "lon", json_real(-39.85));
	json_object_set_new(o, "whole", json_real(40.0));
	json_object_set_new(o, "real", json_real(1234.5678901234));
	json_array_append_new(doc, o);
	json_array_append_new(doc, json_integer(0));
	json_array_append_new(doc, json_integer(-7));
	want = jansson_dump(doc);

	jsonw_init(&w, 0, sink, &b);
	jsonw_array_begin(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "id");
	jsonw_int(&w, 42);
	jsonw_key(&w, "min");
	jsonw_int(&w, INT64_MIN);
	jsonw_key(&w, "max");
	jsonw_int(&w, INT64_MAX);
	jsonw_key_string(&w, "text", "Привет \"мир\"");
	jsonw_key_string(&w, "none", NULL);
	jsonw_key(&w, "yes");
	jsonw_bool(&w, 1);
	jsonw_key(&w, "no");
	jsonw_bool(&w, 0);
	jsonw_key(&w, "empty");
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_key(&w, "obj");
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_key(&w, "lat");
	jsonw_coord(&w, 57.618998);
	jsonw_key(&w, "lon");
	jsonw_coord(&w, -39.85);
	jsonw_key(&w, "whole");
	jsonw_coord(&w, 40.0);
	jsonw_key(&w, "real");
	jsonw_real(&w, 1234.5678901234, 10);
	jsonw_object_end(&w);
	jsonw_int(&w, 0);
	jsonw_int(&w, -7);
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(b.s, want);
	free(want);
	free(b.s);
}

/* Coordinates: the value jansson writes, without exponents. */
static void
test_coords(void **state)
{
	static const struct {
		double v;
		const char *want;
	} c[] = {
		{ 0.0, "0.0" }, { 0.00001, "0.00001" }, { -0.0000004, "0.0" },
		{ 179.9999996, "180.0" }, { -12.3400001, "-12.34" },
		{ 57.6189984, "57.618998" }, { 1.5e300, "1.5e+300" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sbuf b = { NULL, 0, -1 };
		struct jsonw w;

		jsonw_init(&w, 0, sink, &b);
		jsonw_coord(&w, c[i].v);
		assert_int_equal(jsonw_finish(&w), 0);
		assert_string_equal(b.s, c[i].want);
		free(b.s);
	}
}

/* A value formed by the caller takes its place among the others: commas
 * before it and after it, as after a key. */
static void
test_raw(void **state)
{
	struct sbuf b = { NULL, 0, -1 };
	struct jsonw w;

	(void)state;
	jsonw_init(&w, 0, sink, &b);
	jsonw_array_begin(&w);
	jsonw_raw(&w, "{\"a\":1}", 7);
	jsonw_raw(&w, "[2]", 3);
	jsonw_int(&w, 3);
	jsonw_object_begin(&w);
	jsonw_key(&w, "k");
	jsonw_raw(&w, "4", 1);
	jsonw_key(&w, "l");
	jsonw_int(&w, 5);
	jsonw_object_end(&w);
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(b.s, "[{\"a\":1},[2],3,{\"k\":4,\"l\":5}]");
	free(b.s);

	b.s = NULL;
	b.len = 0;
	jsonw_init(&w, 0, sink, &b);
	jsonw_object_begin(&w);
	jsonw_raw(&w, "1", 1);          /* no key */
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	free(b.s);
}

/* Misuse and a failing sink are reported by jsonw_finish. */
static void
test_errors(void **state)
{
	struct sbuf b = { NULL, 0, -1 };
	struct jsonw w;
	int i;

	(void)state;
	jsonw_init(&w, 0, sink, &b);
	jsonw_object_begin(&w);
	jsonw_int(&w, 1);               /* no key */
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	jsonw_init(&w, 0, sink, &b);
	jsonw_array_begin(&w);
	assert_int_equal(jsonw_finish(&w), -1);     /* not closed */
	jsonw_init(&w, 0, sink, &b);
	for (i = 0; i <= JSONW_MAX_DEPTH; i++)
		jsonw_array_begin(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	free(b.s);

	b.s = NULL;
	b.len = 0;
	b.fail_after = 100;
	jsonw_init(&w, 0, sink, &b);
	jsonw_array_begin(&w);
	for (i = 0; i < 10000; i++)
		jsonw_string(&w, "0123456789");
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	free(b.s);
}

/* The memo writes what datetime_format writes, across changes of offset
 * (Berlin's summer time) and in Moscow. */
static void
test_datetime_memo(void **state)
{
	static const char *const zones[] = { "Europe/Berlin",
	    "Europe/Moscow", "America/St_Johns", "UTC" };
	char a[DATETIME_LEN], b[DATETIME_LEN];
	size_t z;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		struct datetime_memo m;
		int64_t t;

		memset(&m, 0, sizeof(m));
		assert_int_equal(datetime_set_zone(zones[z]), 0);
		/* 2024-03-30 to 2024-04-02 and 2024-10-26 to 10-29, every
		 * 7 minutes 13 s, and far dates. */
		for (t = 1711756800; t < 1712016000; t += 433) {
			assert_string_equal(datetime_format_memo(&m, t, a,
			    sizeof(a)), datetime_format(t, b, sizeof(b)));
		}
		for (t = 1729900800; t < 1730160000; t += 433) {
			assert_string_equal(datetime_format_memo(&m, t, a,
			    sizeof(a)), datetime_format(t, b, sizeof(b)));
		}
		for (t = DATETIME_MIN; t < DATETIME_MAX; t += 86400 * 997 + 3601)
			assert_string_equal(datetime_format_memo(&m, t, a,
			    sizeof(a)), datetime_format(t, b, sizeof(b)));
		assert_string_equal(datetime_format_memo(&m, -1, a, sizeof(a)),
		    datetime_format(-1, b, sizeof(b)));
	}
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_as_jansson),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_html_safe),
		cmocka_unit_test(test_document_as_jansson),
		cmocka_unit_test(test_coords),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_datetime_memo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
