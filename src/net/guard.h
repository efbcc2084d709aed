/*
 * guard.h: the connect-time address guard shared by veche's outbound HTTP
 * (net/fetch.c for listening sources, net/client.c for webhooks).  Inside
 * net/ only: it names libcurl's types.
 *
 * libcurl opens every connection's socket through net_guard_apply's
 * callback with the resolved address, including after a redirect, so
 * neither a redirect nor a DNS answer that changes between checks
 * (rebinding) reaches a loopback, private or link-local service unless
 * allowed.  Proxies from the environment (http_proxy, https_proxy,
 * all_proxy) are switched off: through a proxy the socket is the proxy's,
 * and the guard could not see where the request goes.
 */
#ifndef VECHE_NET_GUARD_H
#define VECHE_NET_GUARD_H

#include <curl/curl.h>

struct net_guard {
	int allow_private;      /* loopback, private ... allowed too */
	char refused[160];      /* the first refusal in words, or "" */
};

/* Set g (allow_private as given, nothing refused) and install it on c. */
void net_guard_apply(CURL *c, struct net_guard *g, int allow_private);

#endif
