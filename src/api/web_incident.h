/*
 * web_incident.h: incidents on the web (web_incident.c; core/incident.h;
 * docs/listening.md, "Incidents"): the route that turns a post into a
 * report, and the blocks other pages call: the post page's form, the
 * report pages' source and reaction clock, and the desk's incidents
 * awaiting a first answer.
 */
#ifndef VECHE_API_WEB_INCIDENT_H
#define VECHE_API_WEB_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

struct html;
struct http_route;
struct post;
struct staff;
struct web_ctx;

/* This module's rows of the routing table. */
const struct http_route *incident_routes(size_t *n);

/*
 * On post p's page: the link to its incident's report, or the form that
 * makes one.  0, or -1 when the store failed.
 */
int web_incident_post(struct staff *st, const struct post *p);

/*
 * On report's pages (public and desk): where it was written, by whom, and
 * the reaction clock, when report is an incident's.  0, or -1.
 */
int web_incident_report(struct html *h, const struct web_ctx *c,
    int64_t report);

/* On the desk: the incidents awaiting a first answer, overdue first. */
int web_incident_desk(struct staff *st);

#endif
