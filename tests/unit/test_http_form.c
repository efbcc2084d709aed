/*
 * test_http_form.c: the query string, urlencoded, multipart and
 * Content-Type parsers of src/http/form.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "http/form.h"

struct fixture {
	struct arena *a;
	struct form_params p;
	struct form_error err;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.a = arena_new(0);
	if (f.a == NULL)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_free(f->a);
	return 0;
}

static int
urlenc(struct fixture *f, const char *s)
{
	return form_parse_urlencoded(f->a, &f->p, HTTP_PARAM_BODY, s,
	    strlen(s), &f->err);
}

static int
multipart(struct fixture *f, const char *ctype, const char *body,
    size_t len)
{
	struct form_ctype ct;

	if (form_parse_content_type(f->a, ctype, &ct, &f->err) == -1)
		return -1;
	return form_parse_multipart(f->a, &f->p, &ct, body, len, &f->err);
}

#define PARAM(fx, idx, nm, val) do {					\
	assert_true((idx) < (fx)->p.n);					\
	assert_string_equal((fx)->p.v[idx].name, (nm));			\
	assert_int_equal((fx)->p.v[idx].value_len, strlen(val));	\
	assert_memory_equal((fx)->p.v[idx].value, (val),		\
	    strlen(val) + 1);						\
} while (0)

static void
test_urlencoded_basic(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(urlenc(f, "a=1&b=two+words&c=%2B&a=2&d=x=y"), 0);
	assert_int_equal(f->p.n, 5);
	PARAM(f, 0, "a", "1");
	PARAM(f, 1, "b", "two words");
	PARAM(f, 2, "c", "+");
	PARAM(f, 3, "a", "2");
	PARAM(f, 4, "d", "x=y");
	assert_null(f->p.v[0].filename);
	assert_null(f->p.v[0].content_type);
	assert_int_equal(f->p.v[0].source, HTTP_PARAM_BODY);
}

static void
test_urlencoded_empty_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(urlenc(f, "a=&b&=x&&c=3&"), 0);
	assert_int_equal(f->p.n, 3);
	PARAM(f, 0, "a", "");
	PARAM(f, 1, "b", "");
	PARAM(f, 2, "c", "3");

	assert_int_equal(urlenc(f, ""), 0);
	assert_int_equal(f->p.n, 3);
}

static void
test_urlencoded_bracket_names(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(urlenc(f, "attribute%5Bx%5D%5B%5D=1&attribute[x][]=2"
	    "&attribute[y]=%D0%B4%D0%B0"), 0);
	assert_int_equal(f->p.n, 3);
	PARAM(f, 0, "attribute[x][]", "1");
	PARAM(f, 1, "attribute[x][]", "2");
	PARAM(f, 2, "attribute[y]", "\xd0\xb4\xd0\xb0");
}

static void
test_urlencoded_bad_escape(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(urlenc(f, "name=ok&description=abc%zz"), -1);
	assert_string_equal(f->err.field, "description");
	assert_string_equal(f->err.message,
	    "body: invalid percent-escape in field 'description' at byte 23");

	assert_int_equal(urlenc(f, "a=%4"), -1);
	assert_string_equal(f->err.field, "a");
	assert_int_equal(urlenc(f, "a=%"), -1);

	assert_int_equal(form_parse_urlencoded(f->a, &f->p, HTTP_PARAM_QUERY,
	    "a%G1=1", 6, &f->err), -1);
	assert_string_equal(f->err.message,
	    "query: invalid percent-escape in a field name at byte 1");
}

static void
test_urlencoded_nul(void **state)
{
	struct fixture *f = *state;
	const char raw[] = "a\0b=1";

	assert_int_equal(urlenc(f, "a%00b=1"), -1);
	assert_non_null(strstr(f->err.message, "NUL byte in a field name"));
	assert_int_equal(form_parse_urlencoded(f->a, &f->p, HTTP_PARAM_BODY,
	    raw, sizeof(raw) - 1, &f->err), -1);

	/* A value is text: a NUL would be read as its end ("ab%00cd" as
	 * "ab"), so it is refused, naming the field and where. */
	assert_int_equal(urlenc(f, "ok=1&description=ab%00cd"), -1);
	assert_string_equal(f->err.field, "description");
	assert_string_equal(f->err.message,
	    "body: NUL byte in field 'description' at byte 19");
	assert_int_equal(form_parse_urlencoded(f->a, &f->p, HTTP_PARAM_QUERY,
	    "login=nuluser%00x", 17, &f->err), -1);
	assert_string_equal(f->err.message,
	    "query: NUL byte in field 'login' at byte 13");
	{
		const char lit[] = "password=12345678\0tail";

		assert_int_equal(form_parse_urlencoded(f->a, &f->p,
		    HTTP_PARAM_BODY, lit, sizeof(lit) - 1, &f->err), -1);
		assert_string_equal(f->err.field, "password");
		assert_string_equal(f->err.message,
		    "body: NUL byte in field 'password' at byte 17");
	}
	/* "%000" is NUL then '0'; "%100" is not NUL. */
	assert_int_equal(urlenc(f, "v=%000"), -1);
	f->p.n = 0;
	assert_int_equal(urlenc(f, "v=%100"), 0);
	assert_int_equal(f->p.n, 1);
	assert_memory_equal(f->p.v[0].value, "\x10" "0", 3);
}

static void
test_urlencoded_limits(void **state)
{
	struct fixture *f = *state;
	char name[VECHE_MAX_PARAM_NAME + 4];
	char many[VECHE_MAX_PARAMS * 4 + 8];
	size_t i;

	memset(name, 'n', VECHE_MAX_PARAM_NAME);
	memcpy(name + VECHE_MAX_PARAM_NAME, "=1", 3);
	assert_int_equal(urlenc(f, name), 0);
	assert_int_equal(strlen(f->p.v[0].name), VECHE_MAX_PARAM_NAME);

	memset(name, 'n', VECHE_MAX_PARAM_NAME + 1);
	memcpy(name + VECHE_MAX_PARAM_NAME + 1, "=1", 3);
	assert_int_equal(urlenc(f, name), -1);
	assert_non_null(strstr(f->err.message, "field name longer than"));
	assert_string_equal(f->err.field + 64, "...");

	/* VECHE_MAX_PARAMS in all, across calls on one list. */
	memset(&f->p, 0, sizeof(f->p));
	for (i = 0; i < VECHE_MAX_PARAMS - 1; i++)
		memcpy(many + i * 4, "a=1&", 4);
	many[i * 4] = '\0';
	assert_int_equal(urlenc(f, many), 0);
	assert_int_equal(f->p.n, VECHE_MAX_PARAMS - 1);
	assert_int_equal(form_parse_urlencoded(f->a, &f->p, HTTP_PARAM_QUERY,
	    "b=2", 3, &f->err), 0);
	assert_int_equal(f->p.n, VECHE_MAX_PARAMS);
	assert_int_equal(urlenc(f, "c=3"), -1);
	assert_non_null(strstr(f->err.message, "body: more than 256 fields"));
	assert_int_equal(f->p.n, VECHE_MAX_PARAMS);
}

static void
test_decode(void **state)
{
	char out[16];
	size_t n, bad;

	assert_int_equal(form_decode("a+b%2f", 6, 0, out, &n, &bad), 0);
	assert_string_equal(out, "a+b/");
	assert_int_equal(n, 4);
	assert_int_equal(form_decode("ab%2", 4, 1, out, &n, &bad), -1);
	assert_int_equal(bad, 2);
}

static void
test_content_type(void **state)
{
	struct fixture *f = *state;
	struct form_ctype ct;

	assert_int_equal(form_parse_content_type(f->a,
	    "Multipart/Form-Data ; Boundary=\"abc def\";charset=UTF-8;",
	    &ct, &f->err), 0);
	assert_string_equal(ct.type, "multipart/form-data");
	assert_int_equal(ct.nparams, 2);
	assert_string_equal(form_ctype_param(&ct, "boundary"), "abc def");
	assert_string_equal(form_ctype_param(&ct, "CHARSET"), "UTF-8");
	assert_null(form_ctype_param(&ct, "name"));

	assert_int_equal(form_parse_content_type(f->a, "application/json",
	    &ct, &f->err), 0);
	assert_int_equal(ct.nparams, 0);

	assert_int_equal(form_parse_content_type(f->a, "a/b; x=\"q\\\"q\"",
	    &ct, &f->err), 0);
	assert_string_equal(form_ctype_param(&ct, "x"), "q\"q");

	assert_int_equal(form_parse_content_type(f->a, "text", &ct, &f->err),
	    -1);
	assert_int_equal(form_parse_content_type(f->a, "", &ct, &f->err), -1);
	assert_int_equal(form_parse_content_type(f->a, "text/plain; charset",
	    &ct, &f->err), -1);
	assert_int_equal(form_parse_content_type(f->a, "a/b; x=\"open", &ct,
	    &f->err), -1);
	assert_int_equal(form_parse_content_type(f->a,
	    "multipart/form-data; boundary=a; boundary=b", &ct, &f->err), -1);
	assert_non_null(strstr(f->err.message, "given twice"));
	assert_int_equal(form_parse_content_type(f->a, "a/b x", &ct, &f->err),
	    -1);
}

#define CRLF "\r\n"

static void
test_multipart_basic(void **state)
{
	struct fixture *f = *state;
	static const char body[] =
	    "preamble to ignore" CRLF
	    "--XyZ" CRLF
	    "Content-Disposition: form-data; name=\"title\"" CRLF
	    CRLF
	    "Pothole --XyZ on line" CRLF
	    "--XyZ" CRLF
	    "content-disposition: form-data; name=\"empty\"" CRLF
	    "Content-Type: text/plain; charset=utf-8" CRLF
	    CRLF
	    CRLF
	    "--XyZ  " CRLF
	    "Content-Disposition: form-data; name=\"media\"; "
	    "filename=\"C:\\photo.png\"" CRLF
	    "Content-Type: IMAGE/PNG; x=y" CRLF
	    "X-Ignored: yes" CRLF
	    CRLF
	    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR" CRLF
	    "--XyZ--" CRLF
	    "epilogue --XyZ junk";
	const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

	assert_int_equal(multipart(f, "multipart/form-data; boundary=XyZ",
	    body, sizeof(body) - 1), 0);
	assert_int_equal(f->p.n, 3);
	PARAM(f, 0, "title", "Pothole --XyZ on line");
	assert_null(f->p.v[0].filename);
	assert_null(f->p.v[0].content_type);
	PARAM(f, 1, "empty", "");
	assert_null(f->p.v[1].content_type);
	assert_string_equal(f->p.v[2].name, "media");
	assert_int_equal(f->p.v[2].value_len, sizeof(png) - 1);
	assert_memory_equal(f->p.v[2].value, png, sizeof(png) - 1);
	assert_string_equal(f->p.v[2].filename, "C:\\photo.png");
	assert_string_equal(f->p.v[2].content_type, "image/png");
	assert_int_equal(f->p.v[2].source, HTTP_PARAM_BODY);
}

static void
test_multipart_quoted_boundary(void **state)
{
	struct fixture *f = *state;
	static const char body[] =
	    "--a b:c" CRLF
	    "Content-Disposition: form-data; name=\"x\"; filename=\"\"" CRLF
	    CRLF
	    "1" CRLF
	    "--a b:c--";

	assert_int_equal(multipart(f,
	    "multipart/form-data; boundary=\"a b:c\"", body, sizeof(body) - 1),
	    0);
	assert_int_equal(f->p.n, 1);
	PARAM(f, 0, "x", "1");
	assert_string_equal(f->p.v[0].filename, "");
	assert_string_equal(f->p.v[0].content_type,
	    "application/octet-stream");
}

static void
test_multipart_filename_star(void **state)
{
	struct fixture *f = *state;
	static const char body[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"f\"; filename=\"x.txt\"; "
	    "filename*=UTF-8''%D1%84%20a.txt" CRLF
	    CRLF
	    "data" CRLF
	    "--b--" CRLF;
	static const char latin[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"f\"; "
	    "filename*=ISO-8859-1''%E4.txt" CRLF
	    CRLF
	    "data" CRLF
	    "--b--" CRLF;

	assert_int_equal(multipart(f, "multipart/form-data; boundary=b", body,
	    sizeof(body) - 1), 0);
	assert_string_equal(f->p.v[0].filename, "\xd1\x84 a.txt");
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    latin, sizeof(latin) - 1), -1);
	assert_string_equal(f->err.field, "f");
}

static void
test_multipart_errors(void **state)
{
	struct fixture *f = *state;
	static const char ok[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"a\"" CRLF
	    CRLF
	    "1" CRLF
	    "--b--";
	static const char truncated[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"a\"" CRLF
	    CRLF
	    "1" CRLF;
	static const char nodisp[] =
	    "--b" CRLF
	    "Content-Type: text/plain" CRLF
	    CRLF
	    "1" CRLF
	    "--b--";
	static const char noname[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; filename=\"x\"" CRLF
	    CRLF
	    "1" CRLF
	    "--b--";
	static const char lf[] =
	    "--b\n"
	    "Content-Disposition: form-data; name=\"a\"\n"
	    "\n"
	    "1\n"
	    "--b--";
	static const char folded[] =
	    "--b" CRLF
	    "Content-Disposition: form-data;" CRLF
	    " name=\"a\"" CRLF
	    CRLF
	    "1" CRLF
	    "--b--";
	static const char nulname[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"a\0b\"" CRLF
	    CRLF
	    "1" CRLF
	    "--b--";
	struct form_ctype ct;

	/* No boundary parameter, or not multipart at all. */
	assert_int_equal(multipart(f, "multipart/form-data", ok,
	    sizeof(ok) - 1), -1);
	assert_string_equal(f->err.field, "Content-Type");
	assert_non_null(strstr(f->err.message, "without a boundary"));
	assert_int_equal(multipart(f, "text/plain; boundary=b", ok,
	    sizeof(ok) - 1), -1);
	assert_int_equal(multipart(f, "multipart/form-data; boundary=\"\"", ok,
	    sizeof(ok) - 1), -1);
	assert_int_equal(multipart(f, "multipart/form-data; boundary=\"b \"",
	    ok, sizeof(ok) - 1), -1);
	assert_int_equal(form_parse_content_type(f->a, "multipart/form-data; "
	    "boundary=\"0123456789012345678901234567890123456789012345678901"
	    "234567890123456789X\"", &ct, &f->err), 0);
	assert_int_equal(form_parse_multipart(f->a, &f->p, &ct, ok,
	    sizeof(ok) - 1, &f->err), -1);

	/* The boundary of the header is not in the body. */
	assert_int_equal(multipart(f, "multipart/form-data; boundary=c", ok,
	    sizeof(ok) - 1), -1);
	assert_non_null(strstr(f->err.message, "boundary not found"));

	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    truncated, sizeof(truncated) - 1), -1);
	assert_string_equal(f->err.message,
	    "body: missing final boundary after field 'a'");
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    ok, 10), -1);
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    "--b", 3), -1);
	assert_non_null(strstr(f->err.message, "missing final boundary"));
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    "", 0), -1);

	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    nodisp, sizeof(nodisp) - 1), -1);
	assert_non_null(strstr(f->err.message, "Content-Disposition"));
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    noname, sizeof(noname) - 1), -1);
	assert_non_null(strstr(f->err.message, "has no name"));
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    lf, sizeof(lf) - 1), -1);
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    folded, sizeof(folded) - 1), -1);
	assert_non_null(strstr(f->err.message, "folded"));
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    nulname, sizeof(nulname) - 1), -1);

	/* And the good one parses. */
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    ok, sizeof(ok) - 1), 0);
}

static void
test_multipart_nul(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"description\"" CRLF
	    CRLF
	    "ab\0cd" CRLF
	    "--b--";
	static const char file[] =
	    "--b" CRLF
	    "Content-Disposition: form-data; name=\"photo\"; "
	    "filename=\"p.jpg\"" CRLF
	    CRLF
	    "\xff\xd8\0\0" CRLF
	    "--b--";

	/* A text part with a NUL is refused, naming it. */
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    text, sizeof(text) - 1), -1);
	assert_string_equal(f->err.field, "description");
	assert_string_equal(f->err.message,
	    "body: NUL byte in field 'description' at byte 61");
	assert_int_equal(f->p.n, 0);

	/* A file is binary. */
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    file, sizeof(file) - 1), 0);
	assert_int_equal(f->p.n, 1);
	assert_int_equal(f->p.v[0].value_len, 4);
	assert_memory_equal(f->p.v[0].value, "\xff\xd8\0\0", 4);
}

static void
test_multipart_empty_and_header_limit(void **state)
{
	struct fixture *f = *state;
	static char big[VECHE_MAX_PART_HEADER + 256];
	size_t n;

	assert_int_equal(multipart(f, "multipart/form-data; boundary=b",
	    "--b--\r\n", 7), 0);
	assert_int_equal(f->p.n, 0);

	n = (size_t)snprintf(big, sizeof(big), "--b\r\nX-Pad: ");
	memset(big + n, 'p', VECHE_MAX_PART_HEADER);
	n += VECHE_MAX_PART_HEADER;
	memcpy(big + n, "\r\n\r\n1\r\n--b--", 12);
	n += 12;
	assert_int_equal(multipart(f, "multipart/form-data; boundary=b", big,
	    n), -1);
	assert_non_null(strstr(f->err.message, "longer than"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_urlencoded_basic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_empty_values,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_bracket_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_bad_escape,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_nul, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_urlencoded_limits, setup,
		    teardown),
		cmocka_unit_test(test_decode),
		cmocka_unit_test_setup_teardown(test_content_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multipart_basic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multipart_quoted_boundary,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_filename_star,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_multipart_empty_and_header_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_nul, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
