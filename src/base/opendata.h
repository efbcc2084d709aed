/*
 * opendata.h: the public records the ratings and the open data dump read
 * (the store fills them, core and the command line read them): a report's
 * public columns and one entry of its public history.  Private data
 * (contact, token, device, account) has no field here by design.
 */
#ifndef VECHE_BASE_OPENDATA_H
#define VECHE_BASE_OPENDATA_H

#include <stdint.h>

#include "base/model.h"

/* One public history entry of a report, with its report's columns. */
struct opendata_event {
	int64_t report_id;
	int64_t requested;              /* the report's receipt */
	const char *agency;             /* the report's agency now, or NULL */
	int64_t report_register_due;    /* the report's deadlines now (0: none) */
	int64_t report_expected;
	int64_t update_id;              /* 0: the report has no history */
	int64_t created;
	enum report_status status;      /* after the entry */
	int action;                     /* enum wf_action; -1: submission */
	const char *to_agency;          /* forward: the receiving agency */
	const char *from_agency;        /* forward: the forwarding agency */
	int64_t register_due;           /* after the action; 0: unknown/none */
	int64_t expected;               /* answer deadline after; 0: none */
	int fixed;                      /* after the action: -1, 0, 1 */
	const char *note;               /* the public note, or NULL */
};

/* The public columns of one report (no contact data, no token). */
struct opendata_report {
	int64_t id;
	const char *service;
	const char *agency;             /* or NULL */
	enum report_status status;
	int has_point;
	double lat, lon;
	const char *address;            /* or NULL */
	const char *description;
	int64_t requested;
	int64_t updated;
	int64_t register_due;           /* 0: none */
	int64_t registered;
	int64_t expected;
	int extended;
	int64_t answered;
	const char *answer;             /* or NULL */
	int fixed;                      /* -1 unknown, 0 no, 1 yes */
	int reopened;
	const char *forwarded_from;     /* or NULL */
	int reject_reason;              /* -1: none */
};

/*
 * An agency's place in the city's hierarchy and its head (the city file's
 * optional "parent" and "head"): all but agency may be NULL.
 */
struct agency_head {
	const char *agency;
	const char *parent;             /* the agency above it */
	const char *name[LANG__MAX];    /* who heads it */
	const char *title[LANG__MAX];   /* their position */
};

#endif
