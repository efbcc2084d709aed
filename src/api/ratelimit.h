/*
 * ratelimit.h: failed sign-ins counted per key ("login:NAME", "addr:IP")
 * in a small in-memory table shared by the server's threads.  A key that
 * failed `max` times within VECHE_LOGIN_WINDOW seconds is refused until the
 * window has passed.  Entries are direct-mapped by hash: under pressure a
 * key may forget its failures early, never refuse a key that did not fail.
 */
#ifndef VECHE_RATELIMIT_H
#define VECHE_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* A new empty table, or NULL when out of memory.  Free with ratelimit_free. */
struct ratelimit *ratelimit_new(void);
void ratelimit_free(struct ratelimit *rl);   /* accepts NULL */

/*
 * 1 if key has failed at least max times in the window ending at now, else
 * 0.  *retry receives the seconds until it may try again.  A NULL table
 * never refuses.
 */
int ratelimit_blocked(struct ratelimit *rl, const char *key, int max,
    int64_t now, int64_t *retry);

/* Count one failure of key at now. */
void ratelimit_fail(struct ratelimit *rl, const char *key, int64_t now);

/* Forget key's failures (after a successful sign-in). */
void ratelimit_clear(struct ratelimit *rl, const char *key);

#endif
