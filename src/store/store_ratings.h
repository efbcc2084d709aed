/*
 * store_ratings.h: the store functions of the ratings and open data module
 * (src/core/ratings.c, src/core/opendata.c): every report's public history
 * with the deadlines in force after each action, and the public columns of
 * reports, read as streams (one row at a time, never the whole set).
 *
 * The ratings module's migration adds table ratings_facts, filled by a
 * trigger on workflow_updates: after each workflow action, the agency that
 * forwarded (for a forward), the registration and answer deadlines and the
 * reporter's "is it fixed?" as they stood once the action was done.  The
 * history alone does not keep them: a forward resets the deadlines.
 *
 * Conventions as in store.h: 0 on success, -1 with store_error() on
 * failure, a callback's nonzero value stops the stream and is returned;
 * records given to callbacks live only during the call.
 */
#ifndef VECHE_STORE_RATINGS_H
#define VECHE_STORE_RATINGS_H

#include <stddef.h>
#include <stdint.h>

#include "base/opendata.h"

struct store;

/* The workflow action number of a forward (enum wf_action's WF_FORWARD). */
#define STORE_RATINGS_FORWARD 5

/*
 * Every report's history entries, in report id order and, within a report,
 * in the order they were written.  A report without entries comes once
 * with update_id 0.
 */
int store_ratings_history_each(struct store *s,
    int (*fn)(const struct opendata_event *, void *), void *arg);

/*
 * The workflow entries (no plain updates, no notes) of every report with
 * a stay that began in [from, to] (received, or forwarded to an agency,
 * then), ordered as store_ratings_history_each's.  A report without
 * workflow entries comes once with update_id 0.  Stays of these reports
 * that began outside [from, to] come too: the caller tells them apart.
 */
int store_ratings_stays_each(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct opendata_event *, void *), void *arg);

/*
 * Kept months (docs/ratings.md, "Kept months"): the figures of the stays
 * that began in a past month, per agency, computed once and kept until a
 * write touches one of those stays or the clock passes a deadline that
 * would judge one of them differently.  The store keeps the numbers; what
 * they mean is the ratings module's.
 */

/* The counts of an agency's stays in a kept month, in this order. */
enum store_ratings_count {
	SRC_RECEIVED, SRC_REG_DUE, SRC_REG_OK, SRC_ANS_DUE, SRC_ANS_OK,
	SRC_IN_TIME_EXTENDED, SRC_ANSWERED, SRC_CLOSED, SRC_EXTENSIONS,
	SRC_FORWARDED, SRC_REJECTED, SRC_REOPENED, SRC_FIXED_YES,
	SRC_FIXED_NO, SRC__MAX
};

/* One agency's row of a kept month; the caller owns the arrays. */
struct ratings_kept_row {
	const char *agency;
	int64_t count[SRC__MAX];
	const int64_t *answer;          /* seconds to the first answer */
	size_t nanswer;
	const int64_t *close;           /* seconds to the first closing */
	size_t nclose;
};

/* A month to keep: its bounds, and the state its figures stand for. */
struct ratings_kept_month {
	int64_t from, to;               /* first and last second, inclusive */
	int64_t gen;                    /* set by store_ratings_month_read */
	int64_t computed;               /* the clock of the computation */
	int64_t valid_until;            /* the figures hold up to this time */
};

/*
 * The kept month [from, to] if its figures hold at now: fn for each of its
 * agencies' rows (none for a month without stays).  Returns 0, 1 when no
 * valid figures are kept, fn's nonzero value, or -1 with store_error().
 */
int store_ratings_month_get(struct store *s, int64_t from, int64_t to,
    int64_t now, int (*fn)(const struct ratings_kept_row *, void *),
    void *arg);

/*
 * store_ratings_stays_each for the month [k->from, k->to], read in one
 * snapshot with the month's generation (k->gen) for
 * store_ratings_month_keep; k->gen is -1 when the month cannot be kept
 * (a connection inside a transaction, a database it cannot write).
 */
int store_ratings_month_read(struct store *s, struct ratings_kept_month *k,
    int (*fn)(const struct opendata_event *, void *), void *arg);

/*
 * Keep rows[0..n-1] as month k's figures, computed at k->computed and
 * holding until k->valid_until, unless a write changed one of its stays
 * since store_ratings_month_read (or k->gen is -1).  Returns 0 when kept,
 * 1 when not, or -1 with store_error().
 */
int store_ratings_month_keep(struct store *s,
    const struct ratings_kept_month *k, const struct ratings_kept_row *rows,
    size_t n);

/*
 * Make s a reader that keeps little in memory, for a dump of a large
 * database: no memory-mapped file (its pages would count as the process's)
 * and a small page cache.  0, or -1 with store_error().
 */
int store_ratings_low_memory(struct store *s);

/* Every report's public columns, in id order. */
int store_opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg);

/*
 * An agency's place in the city's hierarchy and its head, from the city
 * file (docs/city.md): written by city import, replacing the agency's row.
 */
int store_agency_head_put(struct store *s, const struct agency_head *h);

/*
 * The row of agency: fn's value, 1 when it has none, -1 with
 * store_error().
 */
int store_agency_head_get(struct store *s, const char *agency,
    int (*fn)(const struct agency_head *, void *), void *arg);

/* The rows of the agencies whose parent is parent, by code. */
int store_agency_children_each(struct store *s, const char *parent,
    int (*fn)(const struct agency_head *, void *), void *arg);

#endif
