/*
 * metrics.h: GET /metrics in Prometheus' text format (docs/operations.md).
 *
 * Requests are counted by route (the routing table's pattern, never the
 * raw path), method and status class, with a latency histogram per route,
 * on relaxed atomics: a request costs three atomic additions.  Open
 * connections are counted from the server's connection hook.  The outbox,
 * the deadline scanner and SQLite's lock waits are read at scrape time.
 *
 * The page is off unless a token is configured; then it answers only a
 * request with "Authorization: Bearer TOKEN" (401 otherwise), and 404 when
 * off, like a path that does not exist.
 */
#ifndef VECHE_METRICS_H
#define VECHE_METRICS_H

#include <stddef.h>

struct escalation_worker;
struct http_exchange;
struct http_route;
struct metrics;

/*
 * Counters for the routing table routes (nroutes rows, which must outlive
 * them) and the bearer token (copied; NULL: the page is off).  Returns NULL
 * when out of memory.  Free with metrics_free.
 */
struct metrics *metrics_new(const struct http_route *routes, size_t nroutes,
    const char *token);
void metrics_free(struct metrics *m);

/* Count one finished request (http_config.observe).  Any thread. */
void metrics_observe(struct metrics *m, const struct http_exchange *ex);

/* A connection opened (+1) or closed (-1).  Any thread. */
void metrics_connection(struct metrics *m, int delta);

/*
 * Report w's lag (NULL: none).  w must stay alive while the server can
 * still answer /metrics: stop the server before the worker.
 */
void metrics_watch_scanner(struct metrics *m, struct escalation_worker *w);

/* The route of GET /metrics. */
const struct http_route *metrics_routes(size_t *n);

#endif
