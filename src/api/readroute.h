/*
 * readroute.h: reads on a streaming replica (veche serve --db-read URL;
 * docs/scaling.md, "Read replicas").
 *
 * A GET or HEAD that only reads runs on the request thread's connection
 * to the replica; everything that writes runs on the primary (--db), and
 * so does every read of a client whose last write the replica may not
 * have replayed yet.  After a write commits, the primary's WAL position
 * is recorded for the client twice: in a cookie (veche_lsn, for
 * browsers, which carry it to any process; signed with the deployment's
 * key and carrying its end, so a forged or stale one is not believed and
 * its client reads the primary) and in this process's table
 * under the client's address and its API key (Open311 clients send no
 * cookies).  A later read goes to the replica only when the replica's
 * replayed position is at or past it.  A background thread asks both
 * servers where they stand every READROUTE_CHECK_MS: a replica that is
 * down, not a standby, or further behind than the bound (--db-read-lag)
 * is skipped (reads go to the primary; each change logged once).
 *
 * Change notices (store_changed: the response cache, the map index) come
 * only from the primary's connection: a standby refuses LISTEN.
 */
#ifndef VECHE_READROUTE_H
#define VECHE_READROUTE_H

#include <stdint.h>

struct http_request;
struct http_response;
struct readroute;
struct store;

#define READROUTE_CHECK_MS      100     /* the checker's period */
#define READROUTE_LAG_MS        5000    /* --db-read-lag's default */
#define READROUTE_SLOTS         4096    /* clients remembered per process */
#define READROUTE_COOKIE        "veche_lsn"
#define READROUTE_KEY           "readroute.key" /* the cookie's, a setting */

/*
 * Start routing reads to the replica at replica_url (the primary at
 * primary_url, open as primary: the cookie's key is read there, or made
 * on first use), skipping it when more than max_lag_ms behind; starts
 * the checker thread.  NULL with err when either is not a PostgreSQL
 * URL, the key cannot be had, or out of memory (an unreachable replica
 * is not an error: it is skipped until it answers).  Free with
 * readroute_free (accepts NULL).
 */
struct readroute *readroute_new(struct store *primary,
    const char *primary_url, const char *replica_url, int64_t max_lag_ms,
    char *err, size_t errlen);
void readroute_free(struct readroute *r);

/*
 * Before the handler (routes_before): choose where this request reads,
 * for the calling thread.  Requests of other kinds than GET and HEAD,
 * and the GET routes that write (links followed from e-mail), always go
 * to the primary.
 */
void readroute_choose(struct readroute *r, struct http_request *req);

/*
 * The calling thread's replica store when its current request was routed
 * there (opened on first use), else NULL: use the primary.  NULL too when
 * the replica cannot be opened or its connection broke (the request then
 * reads from the primary).
 */
struct store *readroute_store(struct readroute *r);

/*
 * 1 when the current request's client has written within the window in
 * which the replica, or a response cached from it, may lack that write:
 * it must not be answered from the response cache.
 */
int readroute_own(struct readroute *r);

/*
 * After the handler (routes_after): when the request wrote, record the
 * primary's position for its client (the cookie and this process's
 * table); for every request, say in X-Veche-Read where it read
 * ("replica" or "primary").
 */
void readroute_answered(struct readroute *r, struct http_request *req,
    struct http_response *res);

#endif
