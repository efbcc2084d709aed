/*
 * addr.h: which addresses veche's outbound fetches may connect to.  A pure
 * classifier of a resolved socket address (no I/O), used by net/fetch.c at
 * connect time so that neither a redirect nor a DNS answer that changes
 * between checks (rebinding) reaches the machine's own or its network's
 * services (SSRF).
 */
#ifndef VECHE_NET_ADDR_H
#define VECHE_NET_ADDR_H

#include <sys/socket.h>

enum net_addr_class {
	NET_ADDR_PUBLIC,        /* anything below does not apply */
	NET_ADDR_LOOPBACK,      /* 127/8, ::1 */
	NET_ADDR_PRIVATE,       /* 10/8, 172.16/12, 192.168/16 (RFC 1918) */
	NET_ADDR_LINK_LOCAL,    /* 169.254/16, fe80::/10 */
	NET_ADDR_SHARED,        /* 100.64/10, carrier-grade NAT (RFC 6598) */
	NET_ADDR_UNIQUE_LOCAL,  /* fc00::/7 */
	NET_ADDR_UNSPECIFIED,   /* 0/8, :: */
	NET_ADDR_MULTICAST,     /* 224/4, ff00::/8 */
	NET_ADDR_BROADCAST,     /* 240/4 reserved, 255.255.255.255 */
	NET_ADDR_UNKNOWN,       /* not IPv4 or IPv6, or too short */
	NET_ADDR__MAX
};

/*
 * The class of sa (len bytes); an IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * is the class of its IPv4 address.
 */
enum net_addr_class net_addr_classify(const struct sockaddr *sa,
    socklen_t len);

/* In words, for an error: "a loopback address", "a private address" ... */
const char *net_addr_class_words(enum net_addr_class c);

#endif
