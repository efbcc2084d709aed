/*
 * store_proposals.h: the tables of proposals, their supports and agencies'
 * "what we changed" notes (sqlite_proposals.c).  Same conventions as
 * store.h: 0 or -1 (store_error says why), 1 for "not found" or "nothing
 * changed", 2 for "already there".  Records are base/proposal.h's.  The
 * writes join the caller's transaction (core opens one per change, with
 * its audit entry) or run in one of their own.
 */
#ifndef VECHE_STORE_PROPOSALS_H
#define VECHE_STORE_PROPOSALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/proposal.h"

struct store;

/* Add p (id, supports, reached, answer_due, decided ignored): 0 with *id. */
int store_proposal_add(struct store *s, const struct proposal *p,
    int64_t *id);

/* Proposal id to fn: 1 when there is none. */
int store_proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct proposal *, void *), void *arg);

/* Proposals matching f, in f's order, at most f->limit, to fn. */
int store_proposal_each(struct store *s, const struct proposal_filter *f,
    int (*fn)(const struct proposal *, void *), void *arg);

/*
 * Replace id's title and text, only while it is collecting and has no
 * support: 0, or 1 when it is not so (or there is no such proposal).
 */
int store_proposal_edit(struct store *s, int64_t id, const char *title,
    const char *text, int64_t now);

/*
 * Record user's support of id at now and count it: 0, or 2 when user
 * supports it already (nothing changed).
 */
int store_proposal_support(struct store *s, int64_t id, int64_t user,
    int64_t now);

/* 1 when user supports id, 0 when not, -1. */
int store_proposal_supported(struct store *s, int64_t id, int64_t user);

/*
 * Move id from state from to state to, with reached, answer_due (0: keep),
 * decided (0: keep) and reason (NULL: keep): 0, or 1 when id is not in
 * state from.
 */
int store_proposal_move(struct store *s, int64_t id, enum proposal_state from,
    enum proposal_state to, int64_t reached, int64_t answer_due,
    int64_t decided, const char *reason, int64_t now);

/* Add note n with its linked reports: 0 with *id. */
int store_note_add(struct store *s, const struct agency_note *n,
    int64_t *id);

/*
 * The notes of agency (report 0), or those linking report (agency NULL),
 * newest first, at most limit, each with its reports, to fn.
 */
int store_note_each(struct store *s, const char *agency, int64_t report,
    size_t limit, int (*fn)(const struct agency_note *, void *), void *arg);

#endif
