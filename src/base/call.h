/*
 * call.h: the records of open calls for a public post and their
 * candidates (docs/participation.md, "Open calls"), shared by core
 * (core/calls.c decides), the store (store/sqlite_calls.c keeps) and api
 * (api/web_calls.c shows).  Strings in a record handed to a callback live
 * until the callback returns; the caller copies what it keeps.  A
 * candidate's account is kept (to let them edit) but no record here has
 * its login or e-mail.
 */
#ifndef VECHE_BASE_CALL_H
#define VECHE_BASE_CALL_H

#include <stdint.h>

/* Where a call stands: decided by the clock and its dates, then decided. */
enum call_phase {
	CALL_ANNOUNCED,                 /* before applications open */
	CALL_APPLICATIONS,              /* collecting applications */
	CALL_DISCUSSION,                /* public discussion of candidates */
	CALL_PENDING,                   /* discussion closed, no decision yet */
	CALL_DECIDED,                   /* the commission's decision published */
	CALL_PHASE__MAX
};

/* A call as stored. */
struct call {
	int64_t id;
	const char *post;               /* "Министр транспорта области" */
	const char *body;               /* the deciding body (commission) */
	const char *members;            /* its members' names, public */
	const char *requirements;
	int64_t opens;                  /* applications open (first second) */
	int64_t apps_close;             /* applications close (last second) */
	int64_t discussion_close;       /* discussion closes (last second) */
	int64_t decision_due;           /* the planned decision's day */
	int64_t created;
	int64_t decided;                /* 0: no decision yet */
	int64_t chosen;                 /* the chosen candidate, 0: nobody */
	const char *reasons;            /* the decision's reasons */
	const char *vote;               /* the commission's vote, as text */
	int64_t candidates;             /* applications not withdrawn */
};

/* Where an application stands; stored as these numbers. */
enum candidate_state {
	CANDIDATE_ACTIVE,
	CANDIDATE_WITHDRAWN,            /* by the candidate */
	CANDIDATE_REJECTED,             /* formal requirements not met */
	CANDIDATE_STATE__MAX
};

/* A candidate (an application to a call) as stored. */
struct candidate {
	int64_t id;
	int64_t call;
	int64_t user;                   /* the account that applied: never shown */
	const char *name;               /* public name for this call */
	const char *experience;
	const char *education;
	const char *programme;
	enum candidate_state state;
	const char *reason;             /* why rejected, public; NULL */
	int64_t supports;
	int64_t created, updated;
};

#endif
