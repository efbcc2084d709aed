/*
 * cache.h: rendered GET responses kept in memory.
 *
 * A public GET (the map, Open311 clients polling) is answered from memory
 * when the same URL was rendered less than VECHE_CACHE_TTL_MS ago and no
 * write has happened since.  Every write through the API calls
 * cache_bump, so a client always reads its own writes.  Writes by other
 * processes on the same database (the command line, another server on
 * PostgreSQL) bump it too: before a lookup, at most once per
 * VECHE_CACHE_CHECK_MS (cache_due), the caller asks its store whether
 * anything was committed (app_cache_follow, db_changed), so they show
 * within that, not the TTL.  An entry past its TTL is served for one more
 * TTL while the first thread to miss renders it again.  Only 200
 * responses are kept, at most VECHE_CACHE_MAX_ENTRY bytes each, in
 * VECHE_CACHE_SLOTS direct-mapped slots.
 */
#ifndef VECHE_CACHE_H
#define VECHE_CACHE_H

#include <stdint.h>

struct cache;
struct http_response;

/* A new empty cache, or NULL when out of memory.  Free with cache_free. */
struct cache *cache_new(void);
void cache_free(struct cache *c);

/* Every function below accepts a NULL cache and then keeps nothing. */

/* Invalidate everything: call after each successful write. */
void cache_bump(struct cache *c);

/*
 * 1 when it is time to ask the store for other processes' commits: for
 * one caller at a time, at most once per VECHE_CACHE_CHECK_MS; else 0.
 * No syscall (the monotonic clock is read through the vDSO).
 */
int cache_due(struct cache *c);

/* The current write generation, to pass to cache_put. */
uint64_t cache_generation(const struct cache *c);

/*
 * If key is cached, fresh and of generation gen, write it to res and return
 * 1; else 0.
 */
int cache_get(struct cache *c, const char *key, uint64_t gen,
    struct http_response *res);

/* Keep res under key if it is a 200 of acceptable size, tagged gen. */
void cache_put(struct cache *c, const char *key, uint64_t gen,
    const struct http_response *res);

#endif
