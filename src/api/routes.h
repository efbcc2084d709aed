/*
 * routes.h: veche's one routing table and the callbacks the HTTP layer asks
 * of the application: who may call a route, and how errors look.
 */
#ifndef VECHE_ROUTES_H
#define VECHE_ROUTES_H

#include <stddef.h>

#include "http/http.h"

/*
 * Who may call a route (http_route.access bits; 0 is everyone).  A route
 * names every kind of caller it admits; api/auth.c decides who the caller
 * is (an API key, or a session's user and role).
 */
enum access {
	ACCESS_APIKEY = 1u << 0,        /* a valid API key */
	ACCESS_CITIZEN = 1u << 1,       /* a signed-in resident */
	ACCESS_MODERATOR = 1u << 2,
	ACCESS_OPERATOR = 1u << 3,
	ACCESS_HEAD = 1u << 4,
	ACCESS_ADMIN = 1u << 5,
	ACCESS_ANON = 1u << 6,          /* anyone; a signed-in caller is still
	                                   identified and CSRF-checked */
};

#define ACCESS_STAFF (ACCESS_OPERATOR | ACCESS_HEAD | ACCESS_ADMIN)
#define ACCESS_USER (ACCESS_CITIZEN | ACCESS_MODERATOR | ACCESS_STAFF)

/*
 * Build the routing table from every module's routes (open311.c and the
 * others listed in routes.c).  Returns a malloc'd array and its length, or
 * NULL when out of memory.  Free with free().
 */
struct http_route *routes_build(size_t *n);

/* http_access_fn for the table. */
int routes_access(struct http_request *req, const struct http_route *route,
    void *app, const char **field, const char **message);

/*
 * http_config.before: where the request reads (a replica, readroute.h);
 * the request's id goes to this thread's connection to the primary.
 */
void routes_before(struct http_request *req, void *app);
/*
 * http_config.after: with a replica, where the request read
 * (X-Veche-Read) and, after a write, the client's position (readroute.h).
 */
struct http_response;
void routes_after(struct http_request *req, struct http_response *res,
    void *app);
/*
 * http_config's durable hook: the request's atomic writes were committed
 * without waiting for their fsync (routes_before); answer once they are
 * on disk.
 */
int routes_durable(void *app, int hold, void (*done)(void *, int),
    void *done_arg);

/* http_config.observe: metrics, and the JSON log line when asked for. */
void routes_observe(const struct http_exchange *ex, void *app);

/* http_config.connection: open connections, for metrics. */
void routes_connection(int delta, void *app);

/* http_error_fn: Open311 errors ({code, description} list) in JSON or XML. */
void routes_error(struct http_request *req, struct http_response *res,
    int status, const char *field, const char *message, void *app);

#endif
