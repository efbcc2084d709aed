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

/* Every report's public columns, in id order. */
int store_opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg);

#endif
