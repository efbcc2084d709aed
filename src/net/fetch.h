/*
 * fetch.h: a conditional, bounded HTTP(S) GET for listening sources
 * (core/listen_fetch.c).  Nothing here names a libcurl type.
 */
#ifndef VECHE_NET_FETCH_H
#define VECHE_NET_FETCH_H

#include <stddef.h>

/* What to fetch and the validators of the last copy (each may be NULL). */
struct net_get {
	const char *url;                /* http:// or https:// */
	const char *etag;               /* sent as If-None-Match */
	const char *last_modified;      /* sent as If-Modified-Since */
	long timeout_ms;                /* the whole transfer */
	size_t max_bytes;               /* the body after decompression */
	int allow_private;              /* connect to loopback, private ... */
};

/*
 * The answer.  status 304: not modified (no body).  body is NUL-terminated
 * and malloc'd (free with net_got_free); validators and charset are "" when
 * the server sent none.
 */
struct net_got {
	long status;
	char *body;
	size_t len;
	char etag[256];
	char last_modified[128];
	char charset[64];
};

/*
 * GET rq->url (at most 3 redirects, http and https only; gzip and deflate
 * accepted).  Every connection, a redirect's too, goes only to a public
 * address (net/addr.h) unless rq->allow_private.  Returns 0 for a 200 or
 * 304 answer; -1 with err in words for anything else: the transport's error
 * ("timed out after 1000 ms"), "HTTP 500", "longer than N bytes", "address
 * not allowed: 127.0.0.1 is a loopback address".  *got is then freed.
 */
int net_get(const struct net_get *rq, struct net_got *got, char *err,
    size_t errlen);

/* Free got's body.  Accepts a zeroed struct. */
void net_got_free(struct net_got *got);

#endif
