/*
 * proposal.h: the records of proposals (petitions) and of agencies' "what
 * we changed" notes (docs/participation.md), shared by core
 * (core/proposals.c decides), the store (store/sqlite_proposals.c keeps)
 * and api (api/web_proposals.c shows).  Strings in a record handed to a
 * callback live until the callback returns; the caller copies what it keeps.
 */
#ifndef VECHE_BASE_PROPOSAL_H
#define VECHE_BASE_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

/* Where a proposal stands; stored as these numbers. */
enum proposal_state {
	PROPOSAL_COLLECTING,            /* gathering supports */
	PROPOSAL_REVIEW,                /* reached the threshold: an answer is due */
	PROPOSAL_ACCEPTED,
	PROPOSAL_REJECTED,              /* with the reasons */
	PROPOSAL_IMPLEMENTED,
	PROPOSAL_STATE__MAX
};

/* A proposal as stored. */
struct proposal {
	int64_t id;
	int64_t author;                 /* the account that proposed it */
	const char *title;
	const char *text;
	int64_t report;                 /* the report it came from, 0: none */
	const char *agency;             /* responsible agency, NULL: none */
	enum proposal_state state;
	int64_t supports;
	int64_t threshold;              /* the rule when it was made */
	int64_t created, updated;
	int64_t closes;                 /* the collection period ends here */
	int64_t reached;                /* threshold reached at, 0: not yet */
	int64_t answer_due;             /* the official answer's deadline, 0 */
	int64_t decided;                /* last decision, 0: none */
	const char *reason;             /* the last decision's public reason */
};

/* Orders of a list. */
enum proposal_sort {
	PROPOSAL_SORT_NEW,              /* newest first */
	PROPOSAL_SORT_SUPPORTS,         /* most supported first */
	PROPOSAL_SORT__MAX
};

/* Which proposals a list reads. */
struct proposal_filter {
	int state;                      /* enum proposal_state + 1, 0: all */
	enum proposal_sort sort;
	size_t limit;
};

/* A "what we changed" note of an agency, with the reports that led to it. */
struct agency_note {
	int64_t id;
	const char *agency;
	const char *title;
	const char *text;
	int64_t date;                   /* the day it names (local midnight) */
	int64_t created;
	const int64_t *reports;         /* the linked report ids */
	size_t nreports;
};

#endif
