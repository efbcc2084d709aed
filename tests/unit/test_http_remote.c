/*
 * test_http_remote.c: addresses and X-Forwarded-For (src/http/remote.c):
 * the accepted address forms, the trusted-proxy list, and the right-most
 * untrusted address as the client, whatever the client wrote to its left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "http/remote.h"

static struct in6_addr
addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(remote_parse_addr(s, strlen(s), &a), 0);
	return a;
}

static void
assert_addr(const struct in6_addr *a, const char *want)
{
	struct in6_addr w = addr(want);

	assert_memory_equal(a, &w, sizeof(w));
}

static void
test_address_forms(void **state)
{
	static const char *const bad[] = { "", " ", "unknown", "1.2.3.4.5",
	    "[::1", "1.2.3", "::1]", "1.2.3.4:80:90x", "[]", "300.1.1.1" };
	struct in6_addr a;
	size_t i;

	(void)state;
	a = addr("1.2.3.4");
	assert_addr(&a, " 1.2.3.4\t");
	assert_addr(&a, "1.2.3.4:8080");
	assert_addr(&a, "::ffff:1.2.3.4");
	a = addr("::1");
	assert_addr(&a, "[::1]");
	assert_addr(&a, "[::1]:443");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(remote_parse_addr(bad[i], strlen(bad[i]), &a),
		    -1);
}

static void
test_proxy_list(void **state)
{
	struct in6_addr *v = NULL;
	char err[200];
	size_t n = 9;

	(void)state;
	assert_int_equal(remote_parse_proxies(NULL, &v, &n, err, sizeof(err)),
	    0);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(remote_parse_proxies("127.0.0.1, ::1", &v, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_addr(&v[0], "127.0.0.1");
	assert_addr(&v[1], "::1");
	free(v);
	assert_int_equal(remote_parse_proxies("127.0.0.1,proxy.local", &v, &n,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "proxy.local"));
	assert_null(v);
	assert_int_equal(remote_parse_proxies("127.0.0.1,", &v, &n, err,
	    sizeof(err)), -1);
}

/* The client remote_forwarded finds in values, or NULL for none. */
static const char *
client_of(const char *const *values, size_t n, char *buf, size_t size)
{
	struct in6_addr proxies[2], c;

	proxies[0] = addr("10.0.0.1");
	proxies[1] = addr("2001:db8::1");
	if (remote_forwarded(values, n, proxies, 2, &c) == -1)
		return NULL;
	if (IN6_IS_ADDR_V4MAPPED(&c))
		inet_ntop(AF_INET, &c.s6_addr[12], buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, &c, buf, (socklen_t)size);
	return buf;
}

static void
test_right_most_untrusted(void **state)
{
	static const struct {
		const char *values[2];
		size_t n;
		const char *want;               /* NULL: no client named */
	} cases[] = {
		{ { "203.0.113.7" }, 1, "203.0.113.7" },
		{ { "1.1.1.1, 203.0.113.7" }, 1, "203.0.113.7" },   /* spoofed */
		{ { "203.0.113.7, 10.0.0.1" }, 1, "203.0.113.7" },  /* chain */
		{ { "2001:db8::9,2001:db8::1" }, 1, "2001:db8::9" },
		{ { "6.6.6.6", "203.0.113.7, 10.0.0.1" }, 2, "203.0.113.7" },
		{ { "203.0.113.7", "10.0.0.1" }, 2, "203.0.113.7" },
		{ { "<script>, 203.0.113.7" }, 1, "203.0.113.7" },
		{ { "203.0.113.7, unknown" }, 1, NULL },
		{ { "10.0.0.1, 2001:db8::1" }, 1, NULL },
		{ { "" }, 1, NULL },
		{ { "203.0.113.7,,10.0.0.1" }, 1, NULL },
		{ { NULL }, 0, NULL },
	};
	char buf[INET6_ADDRSTRLEN];
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = client_of(cases[i].values, cases[i].n, buf, sizeof(buf));
		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_forms),
		cmocka_unit_test(test_proxy_list),
		cmocka_unit_test(test_right_most_untrusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
