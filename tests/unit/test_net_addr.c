/*
 * test_net_addr.c: the classifier of outbound fetches' addresses
 * (src/net/addr.c): every refused range at its edges, the public addresses
 * just outside them, and IPv4-mapped IPv6 addresses classed as their IPv4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "net/addr.h"

static enum net_addr_class
classify(const char *s)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;

	memset(&in4, 0, sizeof(in4));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, s, &in4.sin_addr) == 1) {
		in4.sin_family = AF_INET;
		return net_addr_classify((struct sockaddr *)&in4, sizeof(in4));
	}
	assert_int_equal(inet_pton(AF_INET6, s, &in6.sin6_addr), 1);
	in6.sin6_family = AF_INET6;
	return net_addr_classify((struct sockaddr *)&in6, sizeof(in6));
}

static const struct {
	const char *addr;
	enum net_addr_class want;
} cases[] = {
	{ "127.0.0.1", NET_ADDR_LOOPBACK },
	{ "127.255.255.254", NET_ADDR_LOOPBACK },
	{ "::1", NET_ADDR_LOOPBACK },
	{ "10.0.0.1", NET_ADDR_PRIVATE },
	{ "10.255.255.255", NET_ADDR_PRIVATE },
	{ "172.16.0.1", NET_ADDR_PRIVATE },
	{ "172.31.255.255", NET_ADDR_PRIVATE },
	{ "172.15.255.255", NET_ADDR_PUBLIC },
	{ "172.32.0.0", NET_ADDR_PUBLIC },
	{ "192.168.1.1", NET_ADDR_PRIVATE },
	{ "192.169.0.1", NET_ADDR_PUBLIC },
	{ "169.254.169.254", NET_ADDR_LINK_LOCAL },
	{ "fe80::1", NET_ADDR_LINK_LOCAL },
	{ "febf:ffff::1", NET_ADDR_LINK_LOCAL },
	{ "fec0::1", NET_ADDR_PUBLIC },
	{ "100.64.0.1", NET_ADDR_SHARED },
	{ "100.127.255.255", NET_ADDR_SHARED },
	{ "100.63.255.255", NET_ADDR_PUBLIC },
	{ "100.128.0.0", NET_ADDR_PUBLIC },
	{ "fc00::1", NET_ADDR_UNIQUE_LOCAL },
	{ "fd12:3456::1", NET_ADDR_UNIQUE_LOCAL },
	{ "0.0.0.0", NET_ADDR_UNSPECIFIED },
	{ "0.1.2.3", NET_ADDR_UNSPECIFIED },
	{ "::", NET_ADDR_UNSPECIFIED },
	{ "224.0.0.1", NET_ADDR_MULTICAST },
	{ "239.255.255.255", NET_ADDR_MULTICAST },
	{ "ff02::1", NET_ADDR_MULTICAST },
	{ "255.255.255.255", NET_ADDR_BROADCAST },
	{ "240.0.0.1", NET_ADDR_BROADCAST },
	{ "::ffff:127.0.0.1", NET_ADDR_LOOPBACK },
	{ "::ffff:10.1.2.3", NET_ADDR_PRIVATE },
	{ "::ffff:169.254.169.254", NET_ADDR_LINK_LOCAL },
	{ "::ffff:100.64.0.1", NET_ADDR_SHARED },
	{ "::ffff:0.0.0.0", NET_ADDR_UNSPECIFIED },
	{ "::ffff:93.184.216.34", NET_ADDR_PUBLIC },
	{ "93.184.216.34", NET_ADDR_PUBLIC },
	{ "1.1.1.1", NET_ADDR_PUBLIC },
	{ "2a00:1450:4010::64", NET_ADDR_PUBLIC },
};

static void
test_ranges(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (classify(cases[i].addr) != cases[i].want)
			fail_msg("%s: %s, expected %s", cases[i].addr,
			    net_addr_class_words(classify(cases[i].addr)),
			    net_addr_class_words(cases[i].want));
	}
}

static void
test_not_ip(void **state)
{
	struct sockaddr sa;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_int_equal(net_addr_classify(&sa, sizeof(sa)), NET_ADDR_UNKNOWN);
	sa.sa_family = AF_INET6;        /* too short for an IPv6 address */
	assert_int_equal(net_addr_classify(&sa, sizeof(sa)), NET_ADDR_UNKNOWN);
	assert_int_equal(net_addr_classify(NULL, 0), NET_ADDR_UNKNOWN);
	assert_string_equal(net_addr_class_words(NET_ADDR_LOOPBACK),
	    "a loopback address");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_not_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
