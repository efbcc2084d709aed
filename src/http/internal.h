/*
 * internal.h: the request, response and server as the files of src/http/
 * share them.  Nothing outside src/http/ includes this header.
 */
#ifndef VECHE_HTTP_INTERNAL_H
#define VECHE_HTTP_INTERNAL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http/form.h"
#include "http/http.h"
#include "veche.h"

struct deadline_watch;

/* Responses waiting for their handler's write to reach the disk. */
struct http_holds {
	pthread_mutex_t lock;
	pthread_cond_t cond;              /* held went to 0 */
	unsigned held;                    /* durable's done not yet called */
	int stopping;                     /* no more holds: wait instead */
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_holds *holds;
	struct http_config cfg;
	unsigned port;
	struct in6_addr *proxies;         /* trusted proxies, IPv4 mapped */
	size_t nproxies;
	struct deadline_watch *watch;     /* header and body deadlines */
};

struct response_header {
	struct response_header *next;
	const char *name;
	const char *value;
};

/* Lives inside its request; strings are in the request's arena. */
struct http_response {
	struct arena *arena;
	int status;
	const char *type;
	struct response_header *headers;  /* newest first */
	char *body;                       /* malloc'd, capped at VECHE_MAX_RESPONSE */
	size_t len;
	size_t cap;
	int fd;                           /* a static file to send, or -1 */
	uint64_t fd_size;
	int oom;                          /* a setter ran out of memory */
	struct http_stream *stream;       /* the rest of the body, or NULL */
};

struct path_var {
	const char *name;
	const char *value;
};

enum req_state {
	REQ_NEW,        /* made by the URI callback, headers not seen yet */
	REQ_BODY,       /* routed, reading the body */
	REQ_HELD,       /* answered, the connection suspended until the
	                 * handler's write is on disk */
	REQ_DONE        /* a response has been queued */
};

/* A held request's race between its thread and durable's call-back. */
enum hold_state {
	HOLD_WAITING,   /* durable returned 1, not suspended yet */
	HOLD_SUSPENDED, /* suspended: the call-back resumes it */
	HOLD_RESOLVED   /* the call-back ran first: no suspension */
};

struct http_request {
	const struct http_server *srv;
	struct MHD_Connection *con;
	struct arena *arena;
	enum req_state state;
	enum http_method method;          /* HTTP_METHOD__MAX: not one we know */
	char *uri;                        /* raw, NULL when over VECHE_MAX_URI */
	char *path;                       /* decoded */
	const char *query;                /* raw, or "" */
	char remote[INET6_ADDRSTRLEN];
	const struct http_route *route;   /* NULL for static files */
	struct path_var vars[VECHE_MAX_PATH_VARS];
	size_t nvars;
	struct form_params params;        /* query then body; declared only */
	char *body;                       /* malloc'd */
	size_t body_len;
	size_t body_cap;
	size_t body_max;
	size_t discarded;                 /* bytes dropped past body_max */
	int too_large;
	void *user;
	/* The site the request was routed in (cfg's own when no site hook
	 * chose one) and the app that answers it (http_request_set_app). */
	const struct http_route *routes;
	size_t nroutes;
	void *site_app;
	void *app;
	struct http_response res;
	char id[VECHE_MAX_REQUEST_ID + 1];  /* "" until begin() */
	struct timespec arrived;          /* CLOCK_MONOTONIC, at the URI */
	_Atomic int hold;                 /* enum hold_state, REQ_HELD only */
	int held_ok;                      /* the write reached the disk */
	int sent_status;                  /* status queued, 0: none yet */
	uint64_t sent_bytes;              /* body bytes queued */
};

/* request.c */
struct http_request *http_request_new(const struct http_server *srv,
    const char *uri);
void http_request_free(struct http_request *req);

/* exchange.c */
/*
 * Take the request id from a well-formed X-Request-Id header or make one.
 * Returns 0, or -1 (the header is malformed: a fresh id is set anyway, and
 * the caller answers 400).
 */
int http_request_take_id(struct http_request *req);
/* Tell the configured observer (if any) how req went. */
void http_request_observe(struct http_request *req);

/* response.c */
void http_response_init(struct http_response *res, struct arena *arena);
void http_response_clear(struct http_response *res);
void http_response_release(struct http_response *res);
/* Queue req->res on req->con with the security headers.  0 or -1. */
int http_response_send(struct http_request *req);
/* Answer status through the error callback and queue it.  0 or -1. */
int http_response_send_error(struct http_request *req, int status,
    const char *field, const char *message);

/* route.c */
/*
 * Find the route for method and path (HEAD falls back to GET).  Returns it
 * with its variables in vars and *nvars (strings in arena), or NULL with
 * *allowed set to the bitmask (1u << method) of the methods that routes take
 * on path: 0 for no route at all (404), else 405.  NULL with *allowed 0 also
 * when arena runs out.
 */
const struct http_route *http_route_find(const struct http_route *routes,
    size_t nroutes, enum http_method method, const char *path,
    struct arena *arena, struct path_var *vars, size_t *nvars,
    unsigned *allowed);
/*
 * Keep in params only what route declares, in order.  A declared parameter
 * that is not a list may come once: given twice (in the query, the body or
 * one in each) it makes this return -1 with *repeated its name (in the
 * params' arena), the list cut short.  Returns 0 otherwise.
 */
int http_route_filter(const struct http_route *route,
    struct form_params *params, const char **repeated);
/* "GET, HEAD, POST" for an allowed bitmask, in buf.  0 or -1. */
int http_route_allow(unsigned allowed, char *buf, size_t size);

/* deadline.c */
enum deadline_phase {
	DEADLINE_BODY,                    /* headers in: the body's turn */
	DEADLINE_NONE,                    /* the handler runs or answers */
	DEADLINE_NEXT                     /* done: idle, then the next headers */
};
/*
 * A watcher thread that shuts down connections whose deadline passed:
 * header_s seconds from the connection's start (or idle_s + header_s from
 * the end of its last request) to the end of the headers, body_s from
 * there to the end of the body.  NULL when out of memory or threads.
 * Stop it after MHD has stopped.
 */
struct deadline_watch *deadline_watch_start(unsigned header_s,
    unsigned body_s, unsigned idle_s);
void deadline_watch_stop(struct deadline_watch *w);   /* accepts NULL */
/* Connections shut down by a deadline so far. */
unsigned long deadline_watch_expired(const struct deadline_watch *w);
/* MHD_OPTION_NOTIFY_CONNECTION callback, cls the watch. */
void deadline_notify(void *cls, struct MHD_Connection *con,
    void **socket_context, enum MHD_ConnectionNotificationCode code);
/* Move con's deadline to phase, counted from now. */
void deadline_set(const struct deadline_watch *w, struct MHD_Connection *con,
    enum deadline_phase phase);

/* remote.c (and remote.h) */
/*
 * Set req->remote to the client's address: the peer's, or, when the peer
 * is a trusted proxy, the right-most X-Forwarded-For address that is not.
 */
void remote_set(struct http_request *req);

/* static.c */
/*
 * Fill req->res with the file rel under dir.  Returns 0, or an HTTP status
 * (400, 404, 500) with *message set.
 */
int http_static_serve(struct http_request *req, const char *dir,
    const char *rel, const char **message);

#endif
