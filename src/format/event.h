/*
 * event.h: the JSON of an outbox event (the webhook body, docs/delivery.md).
 *
 * src/format/ holds veche's wire formats that the domain needs written or
 * read back but must not know the shape of, as src/net/ holds transports:
 * core passes plain structs in and gets bytes out, and no header here names
 * a jansson type, so core does not depend on jansson.  Code here decides
 * nothing about who may see what: it prints what it is given.
 */
#ifndef VECHE_FORMAT_EVENT_H
#define VECHE_FORMAT_EVENT_H

#include <stdint.h>

#include "base/model.h"

/*
 * One event as it is recorded.  Times are already formatted (ISO 8601,
 * NULL: null) so this module needs no clock or calendar.
 */
struct event_doc {
	const char *key;                /* idempotency key, hex */
	const char *event;              /* "report.created" ... */
	const char *created;
	const char *agency;             /* NULL: null */
	const char *detail;             /* NULL: null */
	const struct report *report;    /* its public fields, as seen */
	const char *report_status;      /* the status's API name */
	const char *requested, *updated, *register_due, *expected;
	/* incident.answered: the post to answer where it was written. */
	const char *incident_source_url, *incident_external_id;
	const char *incident_author, *incident_network, *incident_answer;
	const char *incident_report_url;
	int incident;                   /* 1: an "incident" object */
};

/*
 * The payload of d: compact JSON, malloc'd (the caller frees it), or NULL
 * when out of memory.
 */
char *event_json(const struct event_doc *d);

/*
 * payload with "contact" added: c's name, e-mail and phone, or null when c
 * is NULL.  malloc'd, or NULL when payload is not JSON or out of memory.
 */
char *event_json_with_contact(const char *payload, const struct contact *c);

/* A payload read back, for the e-mail text about it. */
struct event_payload;

/* Parse payload; NULL when it is not JSON.  Free with event_payload_free. */
struct event_payload *event_payload_parse(const char *payload);
void event_payload_free(struct event_payload *p);

/*
 * The string at key of the event ("detail") or of its report
 * ("description"); "" when absent or not a string.  Lives as long as p.
 */
const char *event_payload_get(const struct event_payload *p,
    const char *key);
const char *event_payload_report(const struct event_payload *p,
    const char *key);

#endif
