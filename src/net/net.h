/*
 * net.h: veche's outbound network transports over libcurl: an HTTP POST
 * for webhooks and SMTP for e-mail.  Nothing here names a libcurl type, so
 * core (the delivery worker) uses them as it uses the store.
 */
#ifndef VECHE_NET_H
#define VECHE_NET_H

#include <stddef.h>

/* Start libcurl once per process, before threads use it.  0 or -1. */
int net_init(void);

/*
 * POST body (len bytes) to url (http or https only, no redirects, no proxy)
 * with the headers given ("Name: value", NULL-terminated) and a timeout.
 * Loopback, private and link-local addresses are refused at connect time
 * unless allow_private (net/guard.h).  Returns 0 on a 2xx answer; -1 with
 * err saying what failed ("address not allowed: 127.0.0.1 is a loopback
 * address", the transport's error or "HTTP 500").
 */
int net_post(const char *url, const char *const *headers, const char *body,
    size_t len, long timeout_ms, int allow_private, char *err, size_t errlen);

/* Where and how to submit mail (the "mail.*" settings, docs/delivery.md). */
struct mail_server {
	const char *url;        /* smtp://host:port or smtps://host:port */
	const char *from;       /* envelope and From: address */
	const char *user;       /* or NULL: no AUTH */
	const char *password;
	int starttls;           /* require STARTTLS on smtp:// */
	long timeout_ms;
};


/*
 * Submit message to `to` through srv.  Returns 0 once the server accepted
 * it, or -1 with a reason in err.
 */
int mail_send(const struct mail_server *srv, const char *to,
    const char *message, char *err, size_t errlen);

#endif
