/*
 * store_workflow.h: the appeal's life in the store (sqlite_workflow.c):
 * the workflow columns of a report, its public history, deadlines and the
 * audit log.
 *
 * Conventions as in store.h: 0 or -1 (store_error says why), 1 for "not
 * found"; records handed to callbacks live only during the call.
 */
#ifndef VECHE_STORE_WORKFLOW_H
#define VECHE_STORE_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

/*
 * struct wf_record, wf_history and wf_queue are plain records of
 * base/model.h, shared with core.
 */

/* Read a report's workflow record; 1 if no such report. */
int store_wf_get(struct store *s, int64_t id,
    int (*fn)(const struct wf_record *, void *), void *arg);

/* The public update that goes with a change. */
struct wf_update {
	int action;                     /* enum wf_action of core/workflow.h */
	const char *note;               /* public text, or NULL */
	const char *agency;             /* forward: the receiving agency */
	int64_t due;                    /* extend: the new answer deadline */
	const char *external_id;        /* the agency system's id, or NULL */
	const char *own;                /* the actor's own words ("" none) */
	int detail;                     /* reject: reason; fixed: 1 yes */
};

/*
 * Write a report's workflow state from r (every field but id, token,
 * requested and reporter_user) and append the public update u (status
 * r->status) to its history; the update's id goes to *update_id.  Joins
 * the caller's transaction.
 */
int store_wf_apply(struct store *s, const struct wf_record *r,
    const struct wf_update *u, int64_t now, int64_t *update_id);

/* The update an agency system already sent as external_id; 1 if none. */
int store_wf_external(struct store *s, int64_t report,
    const char *external_id, int64_t *update_id);

/* Mark report as the follow-up of the earlier report related. */
int store_wf_set_related(struct store *s, int64_t report, int64_t related);

/* The reports that follow up report (related = report), oldest first. */
int store_wf_followups(struct store *s, int64_t report, size_t limit,
    int (*fn)(int64_t, void *), void *arg);

/* A report's history, oldest first, at most limit entries. */
int store_wf_history(struct store *s, int64_t report, size_t limit,
    int (*fn)(const struct wf_history *, void *), void *arg);

/*
 * Open reports (submitted, registered, in progress) of agency (NULL: all)
 * whose running deadline falls before `before`, earliest first: the
 * registration deadline while submitted, the answer deadline after.
 */
int store_wf_due(struct store *s, const char *agency, int64_t before,
    size_t limit, int (*fn)(const struct wf_record *, void *), void *arg);

/*
 * Open reports (submitted, registered, in progress): n[0] all of them,
 * n[1] those whose running deadline is before now, n[2] those whose
 * running deadline is in [now, soon).  0, or -1 (db_error).
 */
int store_wf_counts(struct store *s, int64_t now, int64_t soon,
    int64_t n[3]);

/*
 * Open reports (submitted, registered, in progress) matching q: those
 * the reporter reopened first, then by their running deadline, earliest
 * (most overdue) first; records carry service_code.
 */
int store_wf_queue(struct store *s, const struct wf_queue *q,
    int (*fn)(const struct wf_record *, void *), void *arg);

/* One audit log entry.  hash and prev are hex digests. */
struct store_audit {
	int64_t id;
	int64_t created;
	const char *actor_role;
	int64_t actor_id;
	const char *actor_name;
	const char *action;
	const char *object;
	const char *before;
	const char *after;
	const char *prev;
	const char *hash;
	const char *request_id;         /* the HTTP request behind it, or "" */
};

/* The last entry's id and hash (0 and "" when the log is empty). */
int store_audit_last(struct store *s, int64_t *id, char *hash,
    size_t hashlen);

/* Append an entry whose id is e->id.  Joins the caller's transaction. */
int store_audit_insert(struct store *s, const struct store_audit *e);

/* Every entry in id order. */
int store_audit_each(struct store *s,
    int (*fn)(const struct store_audit *, void *), void *arg);

/*
 * Whether s's appends are queued unchained (store_audit_pend) instead of
 * chained in the writer's transaction: 1 on PostgreSQL, where writers are
 * many and a chain lock held across each commit made them queue
 * (docs/scaling.md, "The audit chain with several writers"); 0 on SQLite.
 */
int store_audit_defers(struct store *s);

/*
 * Queue entry e (its id, prev and hash unused) in the caller's
 * transaction.  Once that transaction commits, the store calls chain(s)
 * on s, outside any transaction (not if it rolls back).  0 or -1.
 */
int store_audit_pend(struct store *s, const struct store_audit *e,
    void (*chain)(struct store *));

/*
 * In a transaction of its own under the audit log's lock, take up to max
 * queued entries in queue order and append each as the chain's next: its
 * id the last one's + 1, prev the last one's hash ("" for the first),
 * then seal(e, arg) sets e->hash (0, or -1 to give up).  *chained: how
 * many.  0 or -1 (nothing chained).
 */
int store_audit_chain(struct store *s, size_t max,
    int (*seal)(struct store_audit *, void *), void *arg, size_t *chained);

/* How many entries are queued, not yet chained (*n; 0 on SQLite). */
int store_audit_pending(struct store *s, int64_t *n);

/*
 * Whether the last entry s queued (store_audit_pend) is still queued: 1,
 * 0 (chained, or none), or -1.
 */
int store_audit_queued(struct store *s);

/*
 * The chainer's turn across transactions (PostgreSQL: a session lock on
 * the chain's key; SQLite: always granted).  _try: 1 taken, 0 another
 * chainer has it, -1.  _release: 0 or -1.  _wait: returns once no
 * chainer holds it (without taking it): 0 or -1.
 */
int store_audit_chainer_try(struct store *s);
int store_audit_chainer_release(struct store *s);
int store_audit_chainer_wait(struct store *s);

#endif
