/*
 * ratelimit.h: failed sign-ins counted per key ("login:NAME", "addr:IP"),
 * shared by the server's threads: in memory when one process serves the
 * database (SQLite), in the database when several may (PostgreSQL:
 * core/limits.h, whose fixed windows differ as it says).
 *
 * A key that fails `max` times within VECHE_LOGIN_WINDOW seconds is blocked
 * for VECHE_LOGIN_DELAY seconds; each further block of the same key lasts
 * twice as long as the one before, up to VECHE_LOGIN_MAX_DELAY.  A key is
 * forgotten once it has had no failure for VECHE_LOGIN_WINDOW and its last
 * block ended VECHE_LOGIN_WINDOW ago.
 *
 * Keys are found by SipHash under a random key drawn at ratelimit_new, so a
 * caller cannot choose names that share a slot, and a live counter is never
 * evicted to make room for another: the table grows up to its maximum of
 * live keys.  When it is full, a key it does not hold
 * counts as blocked (it fails closed rather than forget).
 */
#ifndef VECHE_RATELIMIT_H
#define VECHE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/*
 * A new empty table with a fresh random hash key that holds at most
 * max_keys live keys (0: VECHE_LOGIN_MAX_KEYS), or NULL when out of memory.
 * Free with ratelimit_free.
 */
struct ratelimit *ratelimit_new(size_t max_keys);
void ratelimit_free(struct ratelimit *rl);   /* accepts NULL */

/*
 * The table for the database at db_path, chosen by its engine: counted
 * in the database through a connection of the table's own when several
 * processes may share it (core/limits.h), else in memory as
 * ratelimit_new(max_keys).  NULL with a message in err.
 */
struct ratelimit *ratelimit_open(const char *db_path, size_t max_keys,
    char *err, size_t errlen);

/*
 * 1 if key is blocked at now (or the table is full and does not hold key),
 * else 0.  *retry receives the seconds until it may try again (0 when not
 * blocked).  A NULL table never refuses.
 */
int ratelimit_blocked(struct ratelimit *rl, const char *key, int64_t now,
    int64_t *retry);

/*
 * Count one failure of key at now.  Returns 1 when this failure was the
 * max-th of the window and starts a block (*retry: its length in seconds),
 * 0 when it was only counted, -1 when the table is full of live keys and
 * could not count it (the key then stays blocked, see ratelimit_blocked).
 */
int ratelimit_fail(struct ratelimit *rl, const char *key, int max,
    int64_t now, int64_t *retry);

/* Forget key's failures and blocks (after a successful sign-in). */
void ratelimit_clear(struct ratelimit *rl, const char *key);

/* How many keys the table holds at now, failing or blocked (for tests). */
size_t ratelimit_live(struct ratelimit *rl, int64_t now);

#endif
