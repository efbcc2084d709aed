/*
 * remote.c: the client's address: the socket's peer, or, when the peer is
 * a configured trusted proxy, the right-most X-Forwarded-For address that
 * is not one of the trusted proxies.
 *
 * Only a trusted proxy's X-Forwarded-For is read: anyone else could write
 * any address there.  A trusted proxy appends the address it got the
 * connection from, so the right-most entry that is not a trusted proxy is
 * the first hop nobody trustworthy vouches for beyond; entries left of it
 * are the client's own words.  Addresses are kept as IPv6 (IPv4 mapped), so
 * that "127.0.0.1" and "::ffff:127.0.0.1" are one.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "http/internal.h"
#include "http/remote.h"

#define MAX_XFF_HEADERS 16
#define MAX_ADDR_TEXT   64      /* "[v6]:port" and then some */

int
remote_parse_addr(const char *s, size_t n, struct in6_addr *a)
{
	char buf[MAX_ADDR_TEXT];
	struct in_addr a4;
	const char *colon, *close;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	if (s[0] == '[') {
		close = memchr(s, ']', n);
		if (close == NULL)
			return -1;
		s++;
		n = (size_t)(close - s);
	} else if ((colon = memchr(s, ':', n)) != NULL &&
	    memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)) == NULL) {
		n = (size_t)(colon - s);        /* one colon: v4 with a port */
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		memset(a, 0, sizeof(*a));
		a->s6_addr[10] = 0xff;
		a->s6_addr[11] = 0xff;
		memcpy(&a->s6_addr[12], &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

int
remote_parse_proxies(const char *list, struct in6_addr **out, size_t *n,
    char *err, size_t errlen)
{
	struct in6_addr *v = NULL;
	const char *p, *end;
	size_t count = 1, i = 0;

	*out = NULL;
	*n = 0;
	if (list == NULL || *list == '\0')
		return 0;
	for (p = list; *p != '\0'; p++)
		count += *p == ',';
	if ((v = calloc(count, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (p = list; ; p = end + 1) {
		end = p + strcspn(p, ",");
		if (remote_parse_addr(p, (size_t)(end - p), &v[i]) == -1) {
			snprintf(err, errlen, "trusted proxy '%.*s' is not an "
			    "IPv4 or IPv6 address: give addresses separated by "
			    "commas, e.g. 127.0.0.1,::1", (int)(end - p > 64 ?
			    64 : end - p), p);
			free(v);
			return -1;
		}
		i++;
		if (*end == '\0')
			break;
	}
	*out = v;
	*n = i;
	return 0;
}

static int
trusted(const struct in6_addr *proxies, size_t n, const struct in6_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(&proxies[i], a, sizeof(*a)) == 0)
			return 1;
	return 0;
}

int
remote_forwarded(const char *const *values, size_t nvalues,
    const struct in6_addr *proxies, size_t nproxies,
    struct in6_addr *client)
{
	const char *s, *start, *end;
	size_t h;

	for (h = nvalues; h-- > 0; ) {
		s = values[h];
		end = s + strlen(s);
		while (end > s) {
			for (start = end; start > s && start[-1] != ','; )
				start--;
			if (remote_parse_addr(start, (size_t)(end - start),
			    client) == -1)
				return -1;
			if (!trusted(proxies, nproxies, client))
				return 0;
			end = start > s ? start - 1 : s;
		}
	}
	return -1;
}

static void
addr_text(const struct in6_addr *a, char *buf, size_t size)
{
	if (IN6_IS_ADDR_V4MAPPED(a))
		inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, a, buf, (socklen_t)size);
}

struct xff {
	const char *v[MAX_XFF_HEADERS];
	size_t n;
	int overflow;
};

static enum MHD_Result
collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct xff *x = cls;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || value == NULL)
		return MHD_YES;
	if (x->n == MAX_XFF_HEADERS) {
		x->overflow = 1;
		return MHD_NO;
	}
	x->v[x->n++] = value;
	return MHD_YES;
}

/* The client X-Forwarded-For names (remote_forwarded).  0 or -1. */
static int
forwarded_for(const struct http_request *req, struct in6_addr *a)
{
	struct xff x;

	memset(&x, 0, sizeof(x));
	MHD_get_connection_values(req->con, MHD_HEADER_KIND, collect_xff, &x);
	if (x.overflow)
		return -1;
	return remote_forwarded(x.v, x.n, req->srv->proxies,
	    req->srv->nproxies, a);
}

void
remote_set(struct http_request *req)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	struct in6_addr peer, client;

	req->remote[0] = '\0';
	ci = MHD_get_connection_info(req->con,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		memset(&peer, 0, sizeof(peer));
		peer.s6_addr[10] = 0xff;
		peer.s6_addr[11] = 0xff;
		memcpy(&peer.s6_addr[12], &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		peer = sin6->sin6_addr;
	} else {
		return;
	}
	if (req->srv->nproxies > 0 &&
	    trusted(req->srv->proxies, req->srv->nproxies, &peer) &&
	    forwarded_for(req, &client) == 0)
		peer = client;
	addr_text(&peer, req->remote, sizeof(req->remote));
}
