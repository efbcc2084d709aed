/*
 * proposals.h: proposals (petitions) and agencies' "what we changed" notes
 * (docs/participation.md).
 *
 * A signed-in citizen proposes, on its own or from a report ("from
 * complaints to proposals": the proposal links the report and its agency
 * becomes the responsible one).  Signed-in accounts support it, once each;
 * its author may edit it only before the first support.  The deployment's
 * rule (proposals_set_rule: a threshold of supports within a period) turns
 * a proposal that reaches the threshold in time to "under review", with an
 * official answer due by the 59-FZ answer deadline (core/deadline.h)
 * counted from that moment.  Moderators, administrators and the staff of
 * the responsible agency accept or reject it with a public reason, and
 * mark an accepted one implemented.  Every change is one transaction with
 * its audit entry (core/audit.h).
 *
 * An agency's staff (or an administrator) publish notes linking the reports
 * that led to a change; the agency's page and each linked report show them.
 */
#ifndef VECHE_CORE_PROPOSALS_H
#define VECHE_CORE_PROPOSALS_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/model.h"
#include "base/proposal.h"
#include "core/error.h"

struct store;

/*
 * The deployment's rule, from serve --proposals: "rf" (the Russian Public
 * Initiative's 100,000 supports in 365 days), "city" (1,000 in 90 days,
 * the default) or "N/DAYS".  Start-up only (process-wide configuration,
 * as deadline.h's).  Returns 0, or -1 with err set.
 */
int proposals_set_rule(const char *spec, char *err, size_t errlen);
/* The rule in force: supports needed, and days of the period. */
int64_t proposals_threshold(void);
int proposals_days(void);

/* "collecting", "review", ...; "" for an unknown state. */
const char *proposal_state_name(enum proposal_state st);
/* The state named so, or -1. */
int proposal_state_parse(const char *s);

/* Whether p still collects and its period ended at now. */
int proposal_lapsed(const struct proposal *p, int64_t now);

/* Whether act may decide p (moderators, admins, the agency's staff). */
int proposal_may_decide(const struct actor *act, const struct proposal *p);

/* A proposal as typed; NULL or "": absent. */
struct proposal_input {
	const char *title;
	const char *text;
	const char *report;             /* the report it comes from, a number */
};

/*
 * act (signed in) proposes in: 0 with *id, or -1 with e naming the field
 * (nothing written).
 */
int proposal_submit(struct store *s, const struct actor *act,
    const struct proposal_input *in, int64_t now, int64_t *id,
    struct verr *e);

/* Proposal id to fn: 0, 1 when none, -1. */
int proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct proposal *, void *), void *arg);

/* Proposals matching f (limit at most VECHE_PROPOSAL_LIST) to fn. */
int proposal_each(struct store *s, const struct proposal_filter *f,
    int (*fn)(const struct proposal *, void *), void *arg);

/* 1 when act supports id, 0 when not (or nobody is signed in), -1. */
int proposal_supported(struct store *s, const struct actor *act, int64_t id);

/*
 * The author edits id's title and text, before its first support: 0, or
 * -1 with e (VERR_CONFLICT naming "supports" once supported).
 */
int proposal_edit(struct store *s, const struct actor *act, int64_t id,
    const struct proposal_input *in, int64_t now, struct verr *e);

/*
 * act supports id: 0 (with *review 1 when this support reached the
 * threshold and opened the review), or -1 with e: VERR_CONFLICT naming
 * "support" for a second support of the same account, "period" when the
 * collection period ended, "state" when it no longer collects.
 */
int proposal_support(struct store *s, const struct actor *act, int64_t id,
    int64_t now, int *review, struct verr *e);

/*
 * act decides id: to accepted or rejected (from review) or implemented
 * (from accepted), with a public reason: 0, or -1 with e.
 */
int proposal_decide(struct store *s, const struct actor *act, int64_t id,
    const char *to, const char *reason, int64_t now, struct verr *e);

/* A note as typed. */
struct note_input {
	const char *title;
	const char *text;
	const char *date;               /* YYYY-MM-DD, absent: today */
	const char *reports;            /* ids separated by commas or spaces */
};

/*
 * Staff of agency (or an admin) publish a note: 0 with *id, or -1 with e
 * naming the field.  agency must be a code of the catalogue (the caller
 * checks).
 */
int note_publish(struct store *s, const struct actor *act, const char *agency,
    const struct note_input *in, int64_t now, int64_t *id, struct verr *e);

/* Whether act may publish notes of agency. */
int note_may_publish(const struct actor *act, const char *agency);

/* The notes of agency, or (agency NULL) those linking report, to fn. */
int note_each(struct store *s, const char *agency, int64_t report,
    int (*fn)(const struct agency_note *, void *), void *arg);

#endif
