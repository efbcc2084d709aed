/*
 * store_calls.h: the tables of open calls for a public post, their
 * candidates and the candidates' supports (sqlite_calls.c).  Same
 * conventions as store.h: 0 or -1 (store_error says why), 1 for "not
 * found" or "nothing changed", 2 for "already there".  Records are
 * base/call.h's.  The writes join the caller's transaction (core opens one
 * per change, with its audit entry) or run in one of their own.
 */
#ifndef VECHE_STORE_CALLS_H
#define VECHE_STORE_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "base/call.h"

struct store;

/* Add c (id, decided, chosen, reasons, vote, candidates ignored): *id. */
int store_call_add(struct store *s, const struct call *c, int64_t *id);

/* Call id to fn: 1 when there is none. */
int store_call_get(struct store *s, int64_t id,
    int (*fn)(const struct call *, void *), void *arg);

/*
 * Calls, newest first (oldest first with oldest), at most limit ((size_t)-1:
 * all), to fn.
 */
int store_call_each(struct store *s, size_t limit, int oldest,
    int (*fn)(const struct call *, void *), void *arg);

/*
 * Record id's decision (chosen 0: nobody): 0, or 1 when it is decided
 * already (nothing changed).
 */
int store_call_decide(struct store *s, int64_t id, int64_t decided,
    int64_t chosen, const char *reasons, const char *vote);

/* Add k (id, state, reason, supports ignored): 0 with *id, 2 when k's
 * account has applied to the call already. */
int store_candidate_add(struct store *s, const struct candidate *k,
    int64_t *id);

/* Candidate id to fn: 1 when there is none. */
int store_candidate_get(struct store *s, int64_t id,
    int (*fn)(const struct candidate *, void *), void *arg);

/*
 * The candidates of call (0: of every call, by call), in the order they
 * applied, to fn.
 */
int store_candidate_each(struct store *s, int64_t call, size_t limit,
    int (*fn)(const struct candidate *, void *), void *arg);

/* Replace active candidate id's profile: 0, or 1 when it is not active. */
int store_candidate_edit(struct store *s, int64_t id,
    const struct candidate *k, int64_t now);

/*
 * Move candidate id from state from to state to with reason (NULL: none):
 * 0, or 1 when it is not in state from.
 */
int store_candidate_move(struct store *s, int64_t id,
    enum candidate_state from, enum candidate_state to, const char *reason,
    int64_t now);

/* Record user's support of id and count it: 0, or 2 when given already. */
int store_candidate_support(struct store *s, int64_t id, int64_t user,
    int64_t now);

/* 1 when user supports id, 0 when not, -1. */
int store_candidate_supported(struct store *s, int64_t id, int64_t user);

/* user's application to call to fn: 0, 1 when none, -1. */
int store_candidate_mine(struct store *s, int64_t call, int64_t user,
    int (*fn)(const struct candidate *, void *), void *arg);

/*
 * Re-activate withdrawn candidate id with k's profile: 0, or 1 when it is
 * not withdrawn.
 */
int store_candidate_reapply(struct store *s, int64_t id,
    const struct candidate *k, int64_t now);

/*
 * Every account that applied to call or supports one of its candidates,
 * once, at most limit, to fn with 1 for a candidate, 0 for a supporter.
 */
int store_call_audience(struct store *s, int64_t call, size_t limit,
    int (*fn)(int64_t user, int candidate, void *), void *arg);

#endif
