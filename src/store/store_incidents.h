/*
 * store_incidents.h: incidents' tables (sqlite_incidents.c): incidents and
 * the posts linked to each (a post to one incident at most).  Same
 * conventions as store.h: 0 or -1 (store_error says why), 1 for "not
 * found"; records given to callbacks live only during the call.
 */
#ifndef VECHE_STORE_INCIDENTS_H
#define VECHE_STORE_INCIDENTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/incident.h"

struct store;

/* Insert in (in->id ignored) and link posts[0..n-1] to it; *id its id. */
int store_incident_insert(struct store *s, const struct incident *in,
    const int64_t *posts, size_t n, int64_t *id);

/* The report of the incident post is linked to: 0 and *report, or 1. */
int store_incident_of_post(struct store *s, int64_t post, int64_t *report);

/* The incident of report to fn; 1 when none. */
int store_incident_by_report(struct store *s, int64_t report,
    int (*fn)(const struct incident *, void *), void *arg);

/* Set report's incident's first answer to at unless set; 1 when none was open. */
int store_incident_answered(struct store *s, int64_t report, int64_t at);

/* Incidents without a first answer, earliest due first, at most limit. */
int store_incident_open_each(struct store *s, size_t limit,
    int (*fn)(const struct incident *, void *), void *arg);

/* Incidents created in [from, to] (0, 0: all), in id order. */
int store_incident_each(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct incident *, void *), void *arg);

/* The ids of the posts of near-copy group grp, at most max into ids. */
int store_incident_group_posts(struct store *s, int64_t grp, int64_t *ids,
    size_t max, size_t *n);

#endif
