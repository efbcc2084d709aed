/*
 * audit.h: the tamper-evident audit log.  Every change of a report's state,
 * assignment, answer and moderation action, and every change to an
 * account, appends one entry: when, who (role, user id, name), what
 * (action and object), and the state before and after.  Each entry carries
 * the BLAKE2b-256 hash of a canonical serialisation of its fields and of
 * the previous entry's hash, so that editing, removing or reordering an
 * entry breaks the chain from there on (docs/workflow.md gives the format).
 */
#ifndef VECHE_AUDIT_H
#define VECHE_AUDIT_H

#include <stdint.h>

#include "core/error.h"
#include "base/model.h"

struct store;

#define AUDIT_HASH_HEX 65       /* 64 hex digits and NUL */

/*
 * Append an entry: actor (NULL: the command line), action ("report.answer"),
 * object ("report:12"), before and after (NULL: "").  Joins the caller's
 * transaction (the change and its entry commit together) or runs in one of
 * its own.  On a store with several writers (store_audit_defers) the
 * entry is queued in that transaction and chained right after it commits
 * (audit_chain), so no writer holds the chain across its commit.
 * Returns 0, or -1 with e set (VERR_INTERNAL).
 */
int audit_append(struct store *s, const struct actor *actor,
    const char *action, const char *object, const char *before,
    const char *after, int64_t now, struct verr *e);

/*
 * Chain the queued entries (every writer's) in queue order, in
 * transactions of their own, one chainer at a time.  *chained: how many.
 * 0, or -1 with e set (VERR_INTERNAL).
 */
int audit_chain(struct store *s, int64_t *chained, struct verr *e);

/* What audit_verify found. */
struct audit_check {
	int64_t entries;                /* entries read */
	int64_t pending;                /* queued, not yet chained */
	int64_t bad_id;                 /* first broken entry, 0: intact */
	char why[256];                  /* what is wrong with it */
	char head[AUDIT_HASH_HEX];      /* hash of the last entry */
};

/*
 * Walk the chain from the first entry.  Returns 0 when intact, 1 when broken
 * (out->bad_id and out->why name the first bad entry), -1 with e set when
 * the log cannot be read.
 */
int audit_verify(struct store *s, struct audit_check *out, struct verr *e);

/*
 * The HTTP request connection s serves (copied; NULL for none): the audit
 * entries written for it carry the id.
 */
void audit_set_request_id(struct store *s, const char *id);

#endif
