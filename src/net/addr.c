/* addr.c: the address classifier of outbound fetches (addr.h). */
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include "net/addr.h"

static const char *const class_words[NET_ADDR__MAX] = {
	[NET_ADDR_PUBLIC] = "a public address",
	[NET_ADDR_LOOPBACK] = "a loopback address",
	[NET_ADDR_PRIVATE] = "a private address",
	[NET_ADDR_LINK_LOCAL] = "a link-local address",
	[NET_ADDR_SHARED] = "a carrier-grade NAT address",
	[NET_ADDR_UNIQUE_LOCAL] = "a unique local address",
	[NET_ADDR_UNSPECIFIED] = "an unspecified address",
	[NET_ADDR_MULTICAST] = "a multicast address",
	[NET_ADDR_BROADCAST] = "a broadcast or reserved address",
	[NET_ADDR_UNKNOWN] = "not an IPv4 or IPv6 address",
};

/* a is the IPv4 address in host order. */
static enum net_addr_class
classify4(uint32_t a)
{
	if ((a >> 24) == 127)
		return NET_ADDR_LOOPBACK;
	if ((a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8)
		return NET_ADDR_PRIVATE;
	if ((a >> 16) == 0xa9fe)
		return NET_ADDR_LINK_LOCAL;
	if ((a >> 22) == (100u << 2 | 1))       /* 100.64.0.0/10 */
		return NET_ADDR_SHARED;
	if ((a >> 24) == 0)
		return NET_ADDR_UNSPECIFIED;
	if ((a >> 28) == 0xe)
		return NET_ADDR_MULTICAST;
	if ((a >> 28) == 0xf)
		return NET_ADDR_BROADCAST;
	return NET_ADDR_PUBLIC;
}

static enum net_addr_class
classify6(const uint8_t b[16])
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		return classify4((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15]);
	if (memcmp(b, zero, 15) == 0)
		return b[15] == 1 ? NET_ADDR_LOOPBACK : b[15] == 0 ?
		    NET_ADDR_UNSPECIFIED : NET_ADDR_PUBLIC;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return NET_ADDR_LINK_LOCAL;
	if ((b[0] & 0xfe) == 0xfc)
		return NET_ADDR_UNIQUE_LOCAL;
	if (b[0] == 0xff)
		return NET_ADDR_MULTICAST;
	return NET_ADDR_PUBLIC;
}

enum net_addr_class
net_addr_classify(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;

	if (sa == NULL || len < (socklen_t)sizeof(sa_family_t))
		return NET_ADDR_UNKNOWN;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(in4)) {
		memcpy(&in4, sa, sizeof(in4));
		return classify4(ntohl(in4.sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(in6)) {
		memcpy(&in6, sa, sizeof(in6));
		return classify6(in6.sin6_addr.s6_addr);
	}
	return NET_ADDR_UNKNOWN;
}

const char *
net_addr_class_words(enum net_addr_class c)
{
	return (unsigned)c < NET_ADDR__MAX ? class_words[c] : "unknown";
}
