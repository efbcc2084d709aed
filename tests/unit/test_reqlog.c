/*
 * test_reqlog.c: JSON request log lines are one valid JSON object per line
 * whatever bytes the path holds, keep at most VECHE_LOG_MAX_PATH bytes of
 * it, and are refused rather than cut when the buffer is too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "veche.h"
#include "api/reqlog.h"
#include "http/http.h"

static struct http_exchange
exchange(const char *path)
{
	struct http_exchange ex;

	memset(&ex, 0, sizeof(ex));
	ex.request_id = "0123456789abcdef0123456789abcdef";
	ex.method = "POST";
	ex.route = 3;
	ex.pattern = "/open311/v2/requests.{format}";
	ex.path = path;
	ex.status = 201;
	ex.bytes = 244;
	ex.duration_us = 29868;
	ex.remote = "127.0.0.1";
	return ex;
}

/* The line for ex, parsed; fails the test unless it is one JSON object. */
static json_t *
line_of(const struct http_exchange *ex)
{
	char buf[VECHE_MAX_LOG_LINE];
	size_t n = reqlog_format(ex, 1778565600, buf, sizeof(buf));
	json_error_t err;
	json_t *doc;

	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\n');
	assert_null(memchr(buf, '\n', n - 1));
	doc = json_loadb(buf, n, 0, &err);
	assert_non_null(doc);
	assert_true(json_is_object(doc));
	return doc;
}

static void
test_fields(void **state)
{
	struct http_exchange ex = exchange("/open311/v2/requests.json");
	json_t *doc = line_of(&ex);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "time")),
	    "2026-05-12T06:00:00Z");
	assert_string_equal(json_string_value(json_object_get(doc,
	    "request_id")), ex.request_id);
	assert_string_equal(json_string_value(json_object_get(doc, "route")),
	    ex.pattern);
	assert_string_equal(json_string_value(json_object_get(doc, "path")),
	    ex.path);
	assert_int_equal(json_integer_value(json_object_get(doc, "status")),
	    201);
	assert_int_equal(json_integer_value(json_object_get(doc, "bytes")),
	    244);
	assert_int_equal(json_integer_value(json_object_get(doc,
	    "duration_us")), 29868);
	assert_int_equal(json_object_size(doc), 9);
	json_decref(doc);
	ex.pattern = NULL;
	doc = line_of(&ex);
	assert_true(json_is_null(json_object_get(doc, "route")));
	json_decref(doc);
}

static void
test_hostile_path(void **state)
{
	struct http_exchange ex = exchange("/a\"b\\c\nd\x01\x7f\xd0\xaf");
	json_t *doc = line_of(&ex);

	(void)state;
	/* Quotes and backslashes survive; control and non-ASCII are escaped. */
	assert_string_equal(json_string_value(json_object_get(doc, "path")),
	    "/a\"b\\c\nd\x01\x7f\xc3\x90\xc2\xaf");
	json_decref(doc);
}

static void
test_long_path_and_small_buffer(void **state)
{
	char path[VECHE_MAX_URI + 1], buf[64];
	struct http_exchange ex;
	json_t *doc;

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	ex = exchange(path);
	doc = line_of(&ex);
	assert_int_equal(strlen(json_string_value(json_object_get(doc,
	    "path"))), VECHE_LOG_MAX_PATH);
	json_decref(doc);
	ex = exchange("/x");
	assert_int_equal(reqlog_format(&ex, 0, buf, sizeof(buf)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_hostile_path),
		cmocka_unit_test(test_long_path_and_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
