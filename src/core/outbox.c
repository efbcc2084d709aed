/*
 * outbox.c: event names.  outbox_emit is defined with the rest of the
 * delivery module in src/core/delivery.c.
 */
#include <stddef.h>

#include "core/outbox.h"

static const char *const event_names[EVENT__MAX] = {
	[EVENT_REPORT_CREATED] = "report.created",
	[EVENT_REPORT_REGISTERED] = "report.registered",
	[EVENT_REPORT_FORWARDED] = "report.forwarded",
	[EVENT_REPORT_IN_PROGRESS] = "report.in_progress",
	[EVENT_REPORT_ANSWERED] = "report.answered",
	[EVENT_REPORT_CLOSED] = "report.closed",
	[EVENT_REPORT_REJECTED] = "report.rejected",
	[EVENT_REPORT_EXTENDED] = "report.extended",
	[EVENT_REPORT_REOPENED] = "report.reopened",
	[EVENT_DEADLINE_NEAR] = "deadline.near",
	[EVENT_DEADLINE_PASSED] = "deadline.passed",
	[EVENT_LISTEN_SPIKE] = "listen.spike",
	[EVENT_INCIDENT_ANSWERED] = "incident.answered",
};

const char *
outbox_event_name(enum event_type ev)
{
	return (unsigned)ev < EVENT__MAX ? event_names[ev] : NULL;
}
