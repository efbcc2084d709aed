/*
 * store_ratelimit.h: rate-limit counts kept in a database that several
 * processes share (sql_ratelimit.c), so that every process of one
 * deployment counts toward the same limit (docs/scaling.md, "Sessions and
 * rate limits shared").  PostgreSQL only: on SQLite one process serves
 * the database and keeps its counts in memory (src/api/ratelimit.c), so a
 * request adds no write there; these calls then fail with s->err saying
 * so.  Keys are opaque bytes (core/limits.c passes digests, never names
 * or addresses).  Conventions as in store.h: 0 or -1.
 */
#ifndef VECHE_STORE_RATELIMIT_H
#define VECHE_STORE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * 1 when the database behind s may be shared by several processes
 * (PostgreSQL), so rate limits must be counted in it; 0 on SQLite.
 */
int store_ratelimit_shared(const struct store *s);

/*
 * Count one hit of key in the window that starts at window_start, in one
 * statement (an upsert: hits of every process at once all count).
 * *count receives the window's count with this hit.
 */
int store_ratelimit_hit(struct store *s, const void *key, size_t keylen,
    int64_t window_start, int64_t *count);

/*
 * Block key from now: for delay << (blocks of its streak), at most
 * max_delay, where the streak goes on when key's last block ended after
 * streak_since and starts over otherwise.  *until receives the block's
 * end.  One statement, so two processes blocking at once both count.
 */
int store_ratelimit_block(struct store *s, const void *key, size_t keylen,
    int64_t now, int64_t streak_since, int64_t delay, int64_t max_delay,
    int64_t *until);

/* 1 when key is blocked at now (*until: the block's end), 0 if not, -1. */
int store_ratelimit_blocked(struct store *s, const void *key, size_t keylen,
    int64_t now, int64_t *until);

/* Forget key's counts and blocks, in one transaction. */
int store_ratelimit_clear(struct store *s, const void *key, size_t keylen);

/*
 * Drop the counts of windows before window_start and the blocks that
 * ended before ended_before, in one transaction.
 */
int store_ratelimit_prune(struct store *s, int64_t window_start,
    int64_t ended_before);

/*
 * *n receives how many keys have a count in a window from window_start
 * on or a block ending after ended_after (for tests).
 */
int store_ratelimit_live(struct store *s, int64_t window_start,
    int64_t ended_after, int64_t *n);

#endif
