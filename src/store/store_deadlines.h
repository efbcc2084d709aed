/*
 * store_deadlines.h: the store functions of the deadlines module (the
 * escalation scanner, src/core/escalation.c): open deadlines of reports,
 * and the notices sent about them, so that each is sent once.
 *
 * Conventions as in store.h: 0 on success, -1 with store_error() on
 * failure; records given to callbacks live only during the call.
 */
#ifndef VECHE_STORE_DEADLINES_H
#define VECHE_STORE_DEADLINES_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

/* A report that still owes a registration or an answer. */
struct deadline_row {
	int64_t report_id;
	enum report_status status;
	const char *agency;             /* NULL when unrouted */
	int64_t register_due;           /* 0 when none */
	int64_t answer_due;             /* reports.expected; 0 when none */
	int64_t extended_due;           /* 0 when not extended (see the .c) */
};

/*
 * Reports that are submitted, registered or in progress, of agency (NULL:
 * every agency), whose running deadline (registration while submitted, the
 * answer after) falls at or before `before` (0: any), with id > after_id,
 * in id order, at most limit (0: no limit): page with after_id = the last
 * id seen.
 */
int store_deadline_open_each(struct store *s, const char *agency,
    int64_t before, int64_t after_id, size_t limit,
    int (*fn)(const struct deadline_row *, void *), void *arg);

/*
 * Which reports a scan after another needs: those whose running deadline
 * falls in one of the ranges (from[i], to[i]] (an empty range: from >=
 * to), and those changed (reports.updated) at or after `changed`.
 */
#define DEADLINE_SINCE_RANGES 3
struct deadline_since {
	int64_t from[DEADLINE_SINCE_RANGES], to[DEADLINE_SINCE_RANGES];
	int64_t changed;
};

/*
 * store_deadline_open_each of only the reports `since` names (NULL: every
 * report): what can have come due, or changed its deadline, since a scan
 * that saw every report.  Ranges of two indexes, not a walk of every
 * report.
 */
int store_deadline_open_since(struct store *s, const char *agency,
    const struct deadline_since *since, int64_t before, int64_t after_id,
    size_t limit, int (*fn)(const struct deadline_row *, void *), void *arg);

/*
 * Record that the notice `event` ("deadline.near" ...) about deadline
 * `kind` ("register" ...) of report, due at `due`, was sent at now.
 * Returns 0 when recorded now, 1 when it had been recorded already.
 */
int store_deadline_notice_put(struct store *s, int64_t report,
    const char *kind, int64_t due, const char *event, int64_t now);

/* 1 if that notice was recorded, 0 if not, -1 on error. */
int store_deadline_notice_sent(struct store *s, int64_t report,
    const char *kind, int64_t due, const char *event);

/* A notice recorded by store_deadline_notice_put. */
struct deadline_notice {
	int64_t report_id;
	const char *kind;
	int64_t due;
	const char *event;
	int64_t sent;
};

/* The notices about report (0: every report), in the order they were sent. */
int store_deadline_notice_each(struct store *s, int64_t report,
    int (*fn)(const struct deadline_notice *, void *), void *arg);

/*
 * When the deadline scanner last completed a scan (veche's clock, Unix
 * seconds; 0 if never), kept in the database so that several processes
 * on it scan once a period between them (docs/deadlines.md); read and
 * written under the scanner's lease.  Both 0, or -1 with the error.
 */
int store_deadline_scan_last(struct store *s, int64_t *at);
int store_deadline_scan_mark(struct store *s, int64_t at);

/* The same for the last scan of every report (not only what changed). */
int store_deadline_full_last(struct store *s, int64_t *at);
int store_deadline_full_mark(struct store *s, int64_t at);

#endif
