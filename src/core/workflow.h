/*
 * workflow.h: the life of an appeal under 59-FZ.
 *
 *   submitted -> registered -> in_progress -> answered -> closed
 *   submitted | registered | in_progress -> rejected (with a fixed reason)
 *   submitted | registered -> forwarded: submitted again at the receiving
 *     agency, whose clock starts on its own registration
 *   answered | closed -> in_progress: reopened by the reporter within 30
 *     days of the answer
 *
 * Each action is allowed to the roles of one table (docs/workflow.md), on
 * reports of the actor's own agencies.  An action is one transaction: the
 * new state, the public update (Open311 status_notes, updated_datetime,
 * servicerequestupdates), the audit entry and the outbox event commit
 * together or not at all.
 */
#ifndef VECHE_WORKFLOW_H
#define VECHE_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "base/model.h"

struct catalog;
struct report_input;
struct report_receipt;
struct store;

enum wf_action {
	WF_REGISTER,
	WF_START,
	WF_ANSWER,
	WF_CLOSE,
	WF_REJECT,
	WF_FORWARD,
	WF_EXTEND,
	WF_REOPEN,                      /* the reporter: "not fixed" */
	WF_FIXED,                       /* the reporter: "is it fixed?" */
	WF_NOTE,                        /* staff: a public note, no change */
	WF__MAX
};

/* "register", ...; NULL for an unknown action. */
const char *workflow_action_name(enum wf_action a);
enum wf_action workflow_action_parse(const char *name);  /* __MAX if unknown */

/* "duplicate", "no_contact", "obscene", "not_government", "unreadable". */
const char *workflow_reject_name(enum reject_reason r);
enum reject_reason workflow_reject_parse(const char *name); /* __MAX */

/* One action on one report. */
struct wf_input {
	enum wf_action action;
	int64_t report_id;
	const struct actor *actor;      /* NULL: anonymous (needs token) */
	const char *token;              /* the reporter's report token, or NULL */
	const char *text;               /* note; answer; forward/extend reason */
	enum reject_reason reason;      /* WF_REJECT */
	const char *agency;             /* WF_FORWARD: the receiving agency */
	int days;                       /* WF_EXTEND: 1..VECHE_DAYS_EXTENSION */
	int fixed;                      /* WF_FIXED: 1 yes, 0 no */
	const char *external_id;        /* an agency system's update id */
	int64_t now;
};

struct wf_outcome {
	int64_t update_id;              /* the public update written */
	enum report_status status;      /* the report's status after */
	int replayed;                   /* external_id seen before: no change */
};

/*
 * Apply one action.  Returns 0 and fills *out, or -1 with e set:
 * VERR_NOT_FOUND (no report), VERR_FORBIDDEN (role, agency or reporter
 * proof), VERR_CONFLICT (not in this state, a deadline passed, already
 * extended), VERR_INVALID (naming the field), VERR_INTERNAL.  Nothing is
 * written when it refuses.
 */
int workflow_apply(struct store *s, const struct catalog *c,
    const struct wf_input *in, struct wf_outcome *out, struct verr *e);

/*
 * Bring a report to status `target` as an agency system reports it: the
 * actions on the way (register, answer, close ...) are applied in order in
 * one transaction, with in->text on the last; a report already in target
 * gets in->text as a note.  in->action is ignored; in->reason is used for
 * STATUS_REJECTED.  Returns and refuses as workflow_apply.
 */
int workflow_to_status(struct store *s, const struct catalog *c,
    const struct wf_input *in, enum report_status target,
    struct wf_outcome *out, struct verr *e);

/*
 * Submit a report: report_submit (which links it to the account of
 * in->actor, if signed in) and the link to the earlier report in->related
 * follows up, in one transaction.  Returns as report_submit; VERR_INVALID
 * "related" when there is no such earlier report.
 */
int workflow_submit(struct store *s, const struct catalog *c,
    const struct report_input *in, struct report_receipt *out,
    struct verr *e);

/*
 * Link report id's follow-ups (reports submitted with related = id),
 * oldest first, at most limit: fn gets each id.  Returns as the store.
 */
int workflow_followups(struct store *s, int64_t id, size_t limit,
    int (*fn)(int64_t, void *), void *arg);

/*
 * 1 if the reporter may still reopen r at now: answered or closed, within
 * VECHE_DAYS_REOPEN days of the answer.  After that a "not fixed" is a
 * new report that follows this one up (report_input.related).
 */
int workflow_reopenable(const struct wf_record *r, int64_t now);

/*
 * 1 if actor may act for agency: an admin, or an operator, head or API key
 * bound to it (an API key bound to none acts for all).
 */
int workflow_actor_serves(const struct actor *a, const char *agency);

/*
 * 1 if staff actor a may take action on report r as it stands (role,
 * agency and the report's status; not deadlines or input): what a desk
 * offers.  Reporter's actions (reopen, fixed) are never offered here.
 */
int workflow_may(const struct actor *a, const struct wf_record *r,
    enum wf_action action);

/*
 * The parts of a public note: what the system says about an action and
 * the actor's own words after it.  The store keeps the parts with each
 * update so that a page can say it again in its own language.
 */
struct wf_note {
	int action;                     /* enum wf_action; -1: none */
	int64_t due;                    /* register, extend: the answer date */
	const char *agency;             /* forward: the receiving agency */
	int detail;                     /* reject: the reason; fixed: 1 yes */
	const char *own;                /* the actor's own text, or NULL */
};

/*
 * The note of n in lang ("Обращение зарегистрировано, ответ — до
 * 2026-07-15. own text"); c names a forward's agency (may be NULL).
 * Returns a malloc'd string the caller frees, NULL when out of memory.
 */
char *workflow_note(const struct catalog *c, const struct wf_note *n,
    enum lang lang);

/*
 * The public note of history entry u in lang: said again from its parts,
 * or its stored text for an entry written before the parts were kept.
 * Returns a malloc'd string, or NULL when there is none (or no memory).
 */
char *workflow_history_note(const struct catalog *c,
    const struct wf_history *u, enum lang lang);

/* The running deadline of r: "register", "answer" or NULL; *due its time. */
const char *workflow_deadline(const struct wf_record *r, int64_t *due);

/*
 * The reports of agency (NULL: all) past their running deadline at now,
 * most overdue first, at most VECHE_MAX_OVERDUE.  Returns as the store.
 */
int workflow_overdue(struct store *s, const char *agency, int64_t now,
    int (*fn)(const struct wf_record *, void *), void *arg);

/* How many reports await an answer, of them overdue and due soon. */
struct wf_counts {
	int64_t open;                   /* submitted, registered, in progress */
	int64_t overdue;                /* running deadline before now */
	int64_t due_soon;               /* due within the near horizon */
};

/*
 * The counts of s at now, due soon meaning within deadline_near_days()
 * working days (deadline_near_horizon).  0, or -1 (db_error).
 */
int workflow_counts(struct store *s, int64_t now, struct wf_counts *out);

/*
 * Reads of the workflow: report id's record (1 if there is none), its
 * public history oldest first (at most limit entries), and a desk's queue
 * (q: which agencies, statuses, services; by running deadline).  Records
 * live only during fn.  Return 0, fn's non-zero result, or -1 (db_error).
 */
int workflow_get(struct store *s, int64_t id,
    int (*fn)(const struct wf_record *, void *), void *arg);
int workflow_history(struct store *s, int64_t id, size_t limit,
    int (*fn)(const struct wf_history *, void *), void *arg);
int workflow_queue(struct store *s, const struct wf_queue *q,
    int (*fn)(const struct wf_record *, void *), void *arg);

#endif
