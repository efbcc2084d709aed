/*
 * limits.h: failed sign-ins and mail sends counted in a database that
 * several processes share (PostgreSQL), with the rules of api/ratelimit.h,
 * so that a limit holds for the whole deployment and not per process:
 * the database half of ratelimit.h (its memory half serves SQLite, whose
 * one process counts in memory and adds no write per request).
 *
 * Failures count by fixed windows of VECHE_LOGIN_WINDOW seconds (the
 * memory half's window starts at a key's first failure): every max-th
 * failure of a window blocks the key for VECHE_LOGIN_DELAY seconds,
 * doubling with each block of a streak, up to VECHE_LOGIN_MAX_DELAY; a
 * streak ends when a block ended VECHE_LOGIN_WINDOW ago.  Keys are stored
 * as BLAKE2b digests, not as the names and addresses they are made of.
 * Calls on one table are serialised on its one connection.
 */
#ifndef VECHE_LIMITS_H
#define VECHE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct limits;

/*
 * 1 when the database behind s is shared by several processes, so limits
 * must be counted in it (limits_new), 0 when one process serves it.
 */
int limits_shared(const struct store *s);

/*
 * A table on s, which it owns from now on (closed by limits_free), or
 * NULL when out of memory (s is then closed).
 */
struct limits *limits_new(struct store *s);
void limits_free(struct limits *l);          /* accepts NULL */

/*
 * As ratelimit_blocked, ratelimit_fail, ratelimit_clear and
 * ratelimit_live.  When the database fails (logged), a key counts as
 * blocked for VECHE_LOGIN_DELAY and a failure as not counted (-1): it
 * fails closed, as a full memory table does.
 */
int limits_blocked(struct limits *l, const char *key, int64_t now,
    int64_t *retry);
int limits_fail(struct limits *l, const char *key, int max, int64_t now,
    int64_t *retry);
void limits_clear(struct limits *l, const char *key);
size_t limits_live(struct limits *l, int64_t now);

#endif
