/*
 * remote.h: client addresses and X-Forwarded-For, as remote.c parses them
 * (apart from MHD, so that tests and the fuzz target can reach them).
 * Addresses are IPv6, an IPv4 address mapped (::ffff:a.b.c.d), so that one
 * comparison serves both families.
 */
#ifndef VECHE_HTTP_REMOTE_H
#define VECHE_HTTP_REMOTE_H

#include <netinet/in.h>
#include <stddef.h>

/*
 * One address of n bytes at s: "1.2.3.4", "1.2.3.4:80", "::1", "[::1]" or
 * "[::1]:80", spaces and tabs around it ignored.  0, or -1 if it is none.
 */
int remote_parse_addr(const char *s, size_t n, struct in6_addr *a);

/*
 * Parse "ADDR[,ADDR]" into *out (malloc'd, the caller frees) and *n.  NULL
 * or "" gives none.  0, or -1 with a message in err.
 */
int remote_parse_proxies(const char *list, struct in6_addr **out, size_t *n,
    char *err, size_t errlen);

/*
 * The client that nvalues X-Forwarded-For header values (in the order
 * they came) name when the peer is a trusted proxy: the right-most address
 * that is not one of the nproxies proxies, into *client.  0, or -1 when
 * there is none, or the entry where it should be is not an address.
 */
int remote_forwarded(const char *const *values, size_t nvalues,
    const struct in6_addr *proxies, size_t nproxies,
    struct in6_addr *client);

#endif
