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
