/*
 * calls.h: open calls for a public post (docs/participation.md, "Open
 * calls"): a region looks for a minister in the open.
 *
 * An administrator announces a call: the post, the body that decides (a
 * commission, its members named), the requirements and four dates.  The
 * clock decides the phase (call_phase): applications are taken from the
 * day they open to the day they close, the public discussion runs until
 * its day closes, then the decision is pending until the administrator
 * publishes the commission's decision with its reasons and vote.
 *
 * Signed-in accounts apply with a public profile and a programme, edit it
 * while applications are open and may withdraw until the decision; an
 * administrator rejects an application that misses formal requirements,
 * with a public reason.  Signed-in accounts support candidates, one
 * support per account and candidate, until the discussion closes;
 * reputation does not weigh.  Comments go through the one comment system
 * (core/social.c, kind "call_candidate").  Every change is one transaction
 * with its audit entry (core/audit.h).  No function here hands out a
 * candidate's login or e-mail: the records have none.
 */
#ifndef VECHE_CORE_CALLS_H
#define VECHE_CORE_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/call.h"
#include "base/model.h"
#include "core/error.h"

struct store;

/* c's phase at now. */
enum call_phase call_phase(const struct call *c, int64_t now);

/* "announced", "applications", ...; "" for an unknown phase. */
const char *call_phase_name(enum call_phase p);

/* "active", "withdrawn", "rejected"; "" for an unknown state. */
const char *candidate_state_name(enum candidate_state st);

/* Whether act may announce and decide calls and reject applications. */
int call_may_manage(const struct actor *act);

/* A call as typed; dates "YYYY-MM-DD" (local days) or W3C date-times. */
struct call_input {
	const char *post;
	const char *body;
	const char *members;
	const char *requirements;
	const char *opens;              /* applications open (the day's start) */
	const char *apps_close;         /* applications close (the day's end) */
	const char *discussion_close;   /* discussion closes (the day's end) */
	const char *decision;           /* the planned decision's day */
};

/*
 * An administrator announces a call: 0 with *id, or -1 with e naming the
 * field (403 "role" for anyone else; dates out of order name the later).
 */
int call_announce(struct store *s, const struct actor *act,
    const struct call_input *in, int64_t now, int64_t *id, struct verr *e);

/* Call id to fn: 0, 1 when none, -1. */
int call_get(struct store *s, int64_t id,
    int (*fn)(const struct call *, void *), void *arg);

/*
 * The newest VECHE_CALL_LIST calls to fn; with oldest, every call, oldest
 * first (the open data dump).
 */
int call_each(struct store *s, int oldest,
    int (*fn)(const struct call *, void *), void *arg);

/* The candidates of call (0: every call's) in the order they applied. */
int candidate_each(struct store *s, int64_t call,
    int (*fn)(const struct candidate *, void *), void *arg);

/* Candidate id to fn: 0, 1 when none, -1. */
int candidate_get(struct store *s, int64_t id,
    int (*fn)(const struct candidate *, void *), void *arg);

/*
 * For the comment system's kinds (core/social.c): 0 when candidate id
 * exists, 1 when not, -1 on a store error.
 */
int candidate_present(struct store *s, int64_t id);

/* An application as typed. */
struct candidate_input {
	const char *name;               /* the public name for this call */
	const char *experience;
	const char *education;
	const char *programme;          /* at most VECHE_CALL_MAX_PROGRAMME */
};

/*
 * act (signed in) applies to call: 0 with *id, or -1 with e: VERR_CONFLICT
 * naming "phase" outside the applications' dates (the message says when
 * they open or closed), "call" for a second application of one account.
 * One application per account and call: an account whose application is
 * withdrawn applies again by re-activating it (same id, the new profile,
 * audited as call.reapply; the withdrawal stays in the audit chain).
 */
int call_apply(struct store *s, const struct actor *act, int64_t call,
    const struct candidate_input *in, int64_t now, int64_t *id,
    struct verr *e);

/* act's application to call to fn: 0, 1 when none (or not signed in), -1. */
int candidate_mine(struct store *s, const struct actor *act, int64_t call,
    int (*fn)(const struct candidate *, void *), void *arg);

/*
 * Whom to tell of call's decision: each account that applied or supports
 * a candidate, once, to fn (candidate 1, or 0 for a supporter only), at
 * most VECHE_CALL_AUDIENCE.  0, or -1 on a store error.
 */
int call_audience(struct store *s, int64_t call,
    int (*fn)(int64_t user, int candidate, void *), void *arg);

/* The candidate edits their application while applications are open. */
int candidate_edit(struct store *s, const struct actor *act, int64_t id,
    const struct candidate_input *in, int64_t now, struct verr *e);

/* The candidate withdraws, until the decision: 0, or -1 with e. */
int candidate_withdraw(struct store *s, const struct actor *act, int64_t id,
    int64_t now, struct verr *e);

/* An administrator rejects an application with a public reason. */
int candidate_reject(struct store *s, const struct actor *act, int64_t id,
    const char *reason, int64_t now, struct verr *e);

/*
 * act supports candidate id, until the discussion closes: 0, or -1 with e
 * (VERR_CONFLICT naming "support" for a second support of one account).
 */
int candidate_support(struct store *s, const struct actor *act, int64_t id,
    int64_t now, struct verr *e);

/* 1 when act supports id, 0 when not (or nobody is signed in), -1. */
int candidate_supported(struct store *s, const struct actor *act,
    int64_t id);

/*
 * An administrator publishes the commission's decision on call, once the
 * discussion has closed: chosen is an active candidate's id or "none";
 * reasons and vote are required.  0, or -1 with e naming the field.
 */
int call_decide(struct store *s, const struct actor *act, int64_t call,
    const char *chosen, const char *reasons, const char *vote, int64_t now,
    struct verr *e);

#endif
