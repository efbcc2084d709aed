/*
 * outbox.h: the transactional outbox.  A change to a report that agency
 * systems or people must hear of is recorded as an event in the same
 * transaction as the change itself; a worker then delivers each event
 * (signed webhooks, e-mail) at least once, with retries (see delivery.h).
 */
#ifndef VECHE_OUTBOX_H
#define VECHE_OUTBOX_H

#include <stdint.h>

#include "core/error.h"

struct report;
struct store;

enum event_type {
	EVENT_REPORT_CREATED,
	EVENT_REPORT_REGISTERED,
	EVENT_REPORT_FORWARDED,
	EVENT_REPORT_IN_PROGRESS,
	EVENT_REPORT_ANSWERED,
	EVENT_REPORT_CLOSED,
	EVENT_REPORT_REJECTED,
	EVENT_REPORT_EXTENDED,
	EVENT_REPORT_REOPENED,
	EVENT_DEADLINE_NEAR,
	EVENT_DEADLINE_PASSED,
	EVENT_LISTEN_SPIKE,             /* about no report: core/trends.h */
	EVENT_INCIDENT_ANSWERED,        /* an incident's answer, to post back */
	EVENT__MAX
};

/* "report.created", ...; NULL for an unknown type. */
const char *outbox_event_name(enum event_type ev);

/*
 * Record event ev about report_id at time now, with an optional detail
 * (reason, note; may be NULL).  Must be called inside the caller's open
 * transaction (store_begin), so that the event exists if and only if the
 * change it reports was committed.  Returns 0, or -1 with e set.
 */
int outbox_emit(struct store *s, enum event_type ev, int64_t report_id,
    const char *detail, int64_t now, struct verr *e);

/*
 * The same about r, the report as the caller has just written it in this
 * transaction (its id set, its fields as the store returns them: a NULL
 * description is ""), without reading it back: for report_submit, so that
 * a bulk load (veche seed) or a busy API does not read every new report
 * twice.  Returns 0, or -1 with e set.
 */
int outbox_emit_written(struct store *s, enum event_type ev,
    const struct report *r, int64_t now, struct verr *e);

/*
 * Record event ev that is about no report (report 0): the payload is
 * {"id": key, "event": name, "created": now, <members>} where members is
 * the JSON text of further members the caller wrote.  Webhooks whose
 * agency filter is empty or agency get it; no e-mail channel.  Inside the
 * caller's transaction, as outbox_emit.  0 with the event's id in *event
 * (may be NULL), or -1 with e set.
 */
int outbox_emit_json(struct store *s, enum event_type ev,
    const char *agency, const char *members, int64_t now, int64_t *event,
    struct verr *e);
/* What incident.answered carries besides the report (core/incident.h). */
struct outbox_incident {
	const char *source_url;         /* where the citizen wrote, or NULL */
	const char *external_id;        /* the post's id in its source */
	const char *author;             /* the public handle, or NULL */
	const char *network;
	const char *answer;             /* the answer's text */
	const char *report_url;
};

/*
 * outbox_emit of EVENT_INCIDENT_ANSWERED about report_id, its payload with
 * an "incident" object made of inc, so that a connector can post the
 * answer back where the citizen wrote.  As outbox_emit.
 */
int outbox_emit_incident(struct store *s, int64_t report_id,
    const struct outbox_incident *inc, int64_t now, struct verr *e);

#endif
