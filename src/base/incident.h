/*
 * incident.h: the plain record of an incident (docs/listening.md,
 * "Incidents"): a post, or a group of near-copies, turned into a report,
 * with its reaction clock.  core, store and api share it; strings handed
 * to callbacks live only during the call.
 */
#ifndef VECHE_BASE_INCIDENT_H
#define VECHE_BASE_INCIDENT_H

#include <stdint.h>

struct incident {
	int64_t id;
	int64_t report;                 /* the report it became */
	int64_t post;                   /* the post it was made from */
	const char *source_url;         /* the post's URL, or NULL */
	const char *external_id;        /* the post's guid in its source */
	const char *author;             /* public handle, or NULL */
	const char *network;            /* "VK", "Telegram" or the source's name */
	const char *agency;             /* the report's agency when made */
	const char *report_url;         /* the report's page, absolute */
	int64_t posted;                 /* the post's time: the clock starts */
	int64_t created;
	int64_t due;                    /* first public answer due */
	int64_t first_answer;           /* 0: not yet */
	int64_t nposts;                 /* posts linked (read only) */
	int report_status;              /* enum report_status (read only) */
};

#endif
