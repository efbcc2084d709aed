/*
 * incident.h: incidents (docs/listening.md, "Incidents"): a post of the
 * listening loop, or its whole group of near-copies, turned by staff into
 * a report routed like any other (report_submit), with a reaction clock:
 * a first public answer due a set number of calendar hours after the
 * post's time.  The agency's first answer (or public note) on the report
 * is recorded as the incident's first answer and queued as the outbox
 * event incident.answered, for a connector to post back where the citizen
 * wrote.  The online activity of agencies (issue 14) is computed here from
 * the incidents alone, as the open data dump's incidents.csv holds them.
 */
#ifndef VECHE_INCIDENT_H
#define VECHE_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/incident.h"
#include "base/model.h"
#include "core/error.h"
#include "core/ratings.h"

struct catalog;
struct service;
struct store;
struct suggest;

/* What staff ask for. */
struct incident_input {
	int64_t post;
	int group;                      /* 1: every post of its near-copy group */
	const char *service_code;       /* NULL: incident_suggest's */
	struct suggest *suggest;        /* the trained classifier, or NULL */
	int has_point;                  /* chosen on the map; else the post's */
	double lat, lon;
	const char *report_url;         /* the site's "/reports/" as an absolute
	                                 * URL prefix; the id is appended */
	int hours;                      /* reaction hours; 0: VECHE_INCIDENT_HOURS */
	const struct actor *actor;      /* who makes it (audited, not linked) */
	enum lang lang;
	int64_t now;
};

struct incident_receipt {
	int64_t report;                 /* the new report, or the existing one
	                                 * on VERR_CONFLICT */
	size_t nposts;
	int64_t due;
};

/*
 * Make the report and the incident of in->post (and its group) in one
 * transaction: the report's text is the post's, its place the analysis'
 * point or district (or in's point), no contact and no reporter account.
 * Returns 0 with *out, or -1 with e: VERR_NOT_FOUND (no post),
 * VERR_CONFLICT (a post of it is an incident already: out->report names
 * its report), VERR_INVALID (naming the field, as report_submit's).
 */
int incident_create(struct store *s, const struct catalog *c,
    const struct incident_input *in, struct incident_receipt *out,
    struct verr *e);

/*
 * The service most likely meant by text: the trained service classifier's
 * best (core/suggest.h) when sg is not NULL and has a model whose best is
 * an enabled catalogue service; else the catalogue service (of agency's
 * first, when agency is not NULL) whose keywords and name words occur most
 * in text; agency's first service, or the first service, when none occurs.
 * NULL only for an empty catalogue.
 */
const struct service *incident_suggest(const struct catalog *c,
    struct suggest *sg, const char *text, const char *agency);

/* The report of post's incident: 0 and *report, 1 when none, -1. */
int incident_of_post(struct store *s, int64_t post, int64_t *report);

/* The incident of report to fn: 0, 1 when report is none's, -1. */
int incident_by_report(struct store *s, int64_t report,
    int (*fn)(const struct incident *, void *), void *arg);

/*
 * Inside the caller's transaction (workflow.c, after an answer or a public
 * note from staff): record the first answer of report's incident, if it
 * is one, and queue incident.answered with text.  0 (also when report is
 * no incident's), or -1 with e.
 */
int incident_answered(struct store *s, int64_t report, const char *text,
    int64_t now, struct verr *e);

/* The reaction clock of one incident at now. */
enum incident_clock {
	INCIDENT_RUNNING,               /* *hours: hours left, rounded up */
	INCIDENT_OVERDUE,               /* *hours: whole hours late, >= 1 */
	INCIDENT_ANSWERED_IN_TIME,      /* *hours: whole hours to the answer */
	INCIDENT_ANSWERED_LATE,
};
enum incident_clock incident_clock(const struct incident *in, int64_t now,
    int64_t *hours);

/*
 * Incidents still waiting for a first answer that actor serves (admins and
 * moderators: all; others: their agencies'), reports not closed, earliest
 * due (so the overdue) first, at most VECHE_INCIDENT_DESK.
 */
int incident_open_each(struct store *s, const struct actor *actor,
    int (*fn)(const struct incident *, void *), void *arg);

/* Every incident (for the open data dump), in id order. */
int incident_each(struct store *s,
    int (*fn)(const struct incident *, void *), void *arg);

/* One agency's online activity in a period (docs/ratings.md). */
struct incident_figures {
	const char *code;
	int64_t received;               /* incidents created in the period */
	struct ratings_share in_time;   /* first answer by due, of those due
	                                 * by now or answered */
	int64_t answered;
	double median_answer_hours;     /* post's time to first answer; -1 */
};

struct incident_ratings {
	size_t n;
	struct incident_figures *agencies;      /* in the catalogue's order */
};

/*
 * The online activity of every agency of c for incidents created in
 * [from, to], judged at now.  NULL with e set; free with
 * incident_ratings_free.
 */
struct incident_ratings *incident_ratings_compute(struct store *s,
    const struct catalog *c, int64_t from, int64_t to, int64_t now,
    struct verr *e);
void incident_ratings_free(struct incident_ratings *r);
const struct incident_figures *incident_ratings_find(
    const struct incident_ratings *r, const char *code);

#endif
