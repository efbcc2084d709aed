/*
 * test_escalation.c: the deadline scanner on an in-memory store, in
 * Europe/Moscow on the Russian calendar: a near and a passed notice are
 * each sent once per report and deadline, closed reports are ignored, a
 * deadline first seen passed gets only the passed notice, and the overdue
 * lists per agency and for the administrator.  Notices are observed in the
 * deadlines module's own record of what it sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "veche.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/escalation.h"
#include "core/workflow.h"
#include "store/store_workflow.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_deadlines.h"

struct env {
	struct store *s;
	struct catalog *c;
	struct calendar *cal;
};

static const char *
data_dir(void)
{
	const char *d = getenv("VECHE_DATADIR");

	return d != NULL && *d != '\0' ? d : VECHE_DATADIR;
}

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	char dir[1024], err[600];
	struct verr e;

	assert_non_null(env);
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	snprintf(dir, sizeof(dir), "%s/calendar", data_dir());
	if ((env->cal = calendar_load(dir, "ru", err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	deadline_set_calendar(env->cal);
	deadline_set_answer_count(DEADLINE_COUNT_CALENDAR);
	deadline_set_near_days(3);
	env->s = store_open(":memory:", err, sizeof(err));
	if (env->s == NULL)
		fail_msg("%s", err);
	assert_int_equal(city_import_json(env->s, fixture_city,
	    strlen(fixture_city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	catalog_free(env->c);
	store_close(env->s);
	deadline_set_calendar(NULL);
	calendar_free(env->cal);
	free(env);
	return 0;
}

static int64_t
at(const char *w3c)
{
	char err[200];
	int64_t t;

	if (datetime_parse(w3c, &t, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	return t;
}

/* Submit a pothole report received at `when`; returns its id. */
static int64_t
submit(struct env *env, const char *when)
{
	static const struct attr_value size = { "size", "large" };
	struct report_input in;
	struct report_receipt rc;
	struct verr e;

	memset(&in, 0, sizeof(in));
	in.service_code = "pothole";
	in.has_point = 1;
	in.lat = 60.1;
	in.lon = 30.1;
	in.description = "Яма";
	in.attrs = &size;
	in.nattrs = 1;
	in.now = at(when);
	if (report_submit(env->s, env->c, &in, &rc, &e) == -1)
		fail_msg("%s", e.message);
	return rc.id;
}

static void
set_status(struct env *env, int64_t id, enum report_status st)
{
	struct verr e;

	if (report_set_status(env->s, id, st, NULL, at("2026-04-10T17:00:00"
	    "+03:00"), &e) == -1)
		fail_msg("%s", e.message);
}

/* Notices recorded, as "ID KIND EVENT DUE" lines. */
struct seen {
	char text[2048];
	size_t n;
};

static int
on_notice(const struct deadline_notice *n, void *arg)
{
	struct seen *s = arg;
	char due[DATETIME_LEN];
	size_t used = strlen(s->text);

	snprintf(s->text + used, sizeof(s->text) - used, "%lld %s %s %s\n",
	    (long long)n->report_id, n->kind, n->event,
	    datetime_format(n->due, due, sizeof(due)));
	s->n++;
	return 0;
}

static const char *
notices(struct env *env, int64_t report, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(store_deadline_notice_each(env->s, report, on_notice,
	    s), 0);
	return s->text;
}

static int
count_item(const struct escalation_item *it, void *arg)
{
	(void)it;
	(*(size_t *)arg)++;
	return 0;
}

/*
 * Scan at when, as escalation_scan (period 0) or as the server's rounds
 * of that period do; returns how many notices it sent (checked against
 * fn).
 */
static size_t
scan_every(struct env *env, const char *when, int64_t period)
{
	size_t n = 99, called = 0;
	struct verr e;
	int rc = period > 0 ? escalation_scan_leased(env->s, at(when), period,
	    count_item, &called, &n, &e) : escalation_scan(env->s, at(when),
	    count_item, &called, &n, &e);

	if (rc == -1)
		fail_msg("%s", e.message);
	assert_int_equal(n, called);
	return n;
}

static size_t
scan(struct env *env, const char *when)
{
	return scan_every(env, when, 0);
}

static void
test_near_then_passed_once(void **state)
{
	struct env *env = *state;
	struct seen s;
	int64_t a, b, c;
	char want[512];

	/* Received Friday 10 April 2026: register by Wednesday 15 April,
	 * answer by Friday 15 May. */
	a = submit(env, "2026-04-10T15:00:00+03:00");
	b = submit(env, "2026-04-10T15:00:00+03:00");
	c = submit(env, "2026-04-10T15:00:00+03:00");
	set_status(env, b, STATUS_REGISTERED);
	set_status(env, c, STATUS_CLOSED);

	/* Registration is near only on its last working day before the due
	 * day: not at receipt, not on Monday 13 April... */
	assert_int_equal(scan(env, "2026-04-09T12:00:00+03:00"), 0);
	assert_int_equal(scan(env, "2026-04-10T18:00:00+03:00"), 0);
	assert_int_equal(scan(env, "2026-04-13T09:00:00+03:00"), 0);
	/* ...but on Tuesday 14 April, for a (b is registered; c closed). */
	assert_int_equal(scan(env, "2026-04-14T09:00:00+03:00"), 1);
	assert_int_equal(scan(env, "2026-04-14T18:00:00+03:00"), 0);
	snprintf(want, sizeof(want), "%lld register deadline.near "
	    "2026-04-15T23:59:59+03:00\n", (long long)a);
	assert_string_equal(notices(env, 0, &s), want);
	/* On the due day it is still only near; a second after, passed. */
	assert_int_equal(scan(env, "2026-04-15T23:59:59+03:00"), 0);
	assert_int_equal(scan(env, "2026-04-16T00:00:00+03:00"), 1);
	assert_int_equal(scan(env, "2026-04-17T00:00:00+03:00"), 0);
	/* b's answer: Tuesday 12 May is 3 working days before 15 May
	 * (11 May is a day off, so Monday is not yet near). */
	assert_int_equal(scan(env, "2026-05-11T12:00:00+03:00"), 0);
	assert_int_equal(scan(env, "2026-05-12T09:00:00+03:00"), 1);
	assert_int_equal(scan(env, "2026-05-16T09:00:00+03:00"), 1);
	assert_int_equal(scan(env, "2026-06-01T09:00:00+03:00"), 0);
	snprintf(want, sizeof(want),
	    "%lld answer deadline.near 2026-05-15T23:59:59+03:00\n"
	    "%lld answer deadline.passed 2026-05-15T23:59:59+03:00\n",
	    (long long)b, (long long)b);
	assert_string_equal(notices(env, b, &s), want);
	assert_int_equal(s.n, 2);
	assert_string_equal(notices(env, c, &s), "");
	assert_int_equal(notices(env, a, &s) != NULL && s.n == 2, 1);
	/* Answering b stops it being watched at all. */
	set_status(env, b, STATUS_ANSWERED);
	assert_int_equal(scan(env, "2026-07-01T09:00:00+03:00"), 0);
	/* Registering a moves it to its answer deadline, long passed. */
	set_status(env, a, STATUS_IN_PROGRESS);
	assert_int_equal(scan(env, "2026-07-01T09:00:00+03:00"), 1);
	assert_int_equal(notices(env, a, &s) != NULL && s.n == 3, 1);
	assert_non_null(strstr(s.text, "answer deadline.passed "
	    "2026-05-15T23:59:59+03:00"));
}

/* The server's round at when, a period of a minute. */
static size_t
scan_leased(struct env *env, const char *when)
{
	return scan_every(env, when, 60);
}

/*
 * The server's scans after the first read only what changed or came due
 * since the last one, and every report once a day: no notice is missed
 * either way.  A deadline that passes between two scans; a report whose
 * status change makes a long-passed deadline its running one (found by
 * its change, its deadline being far behind); a change written with a
 * time before the last scan (which only the day's full scan reads).
 */
static void
test_scans_since_the_last(void **state)
{
	struct env *env = *state;
	struct verr e;
	struct seen s;
	int64_t a, b, c, full = -1;

	/* Received Friday 10 April: register by Wednesday 15 April. */
	a = submit(env, "2026-04-10T15:00:00+03:00");
	/* Received in February: both deadlines long passed by April. */
	b = submit(env, "2026-02-02T10:00:00+03:00");
	c = submit(env, "2026-02-02T10:00:00+03:00");
	/* The first scan reads every report: b's and c's registration. */
	assert_int_equal(scan_leased(env, "2026-04-15T20:00:00+03:00"), 3);
	assert_int_equal(store_deadline_full_last(env->s, &full), 0);
	assert_int_equal(full, at("2026-04-15T20:00:00+03:00"));
	/* a's registration passes at midnight: the next scan sees it. */
	assert_int_equal(scan_leased(env, "2026-04-16T00:05:00+03:00"), 1);
	assert_non_null(strstr(notices(env, a, &s), "register "
	    "deadline.passed 2026-04-15T23:59:59+03:00"));
	/* b registered now: its answer deadline (3 March) is the running one. */
	if (report_set_status(env->s, b, STATUS_REGISTERED, NULL,
	    at("2026-04-16T00:10:00+03:00"), &e) == -1)
		fail_msg("%s", e.message);
	assert_int_equal(scan_leased(env, "2026-04-16T00:15:00+03:00"), 1);
	assert_non_null(strstr(notices(env, b, &s), "answer deadline.passed"));
	/* c's change dated before the last scan: the day's full scan. */
	if (report_set_status(env->s, c, STATUS_REGISTERED, NULL,
	    at("2026-04-15T12:00:00+03:00"), &e) == -1)
		fail_msg("%s", e.message);
	assert_int_equal(scan_leased(env, "2026-04-16T00:30:00+03:00"), 0);
	assert_int_equal(store_deadline_full_last(env->s, &full), 0);
	assert_int_equal(full, at("2026-04-15T20:00:00+03:00"));
	assert_int_equal(scan_leased(env, "2026-04-16T20:00:00+03:00"), 1);
	assert_non_null(strstr(notices(env, c, &s), "answer deadline.passed"));
	assert_int_equal(store_deadline_full_last(env->s, &full), 0);
	assert_int_equal(full, at("2026-04-16T20:00:00+03:00"));
}

/*
 * Deadlines that come near between two of the server's scans, each kind
 * by its own window: registration on its last working day, the answer
 * three working days ahead.
 */
static void
test_scans_since_the_last_near(void **state)
{
	struct env *env = *state;
	struct seen s;
	int64_t a, d;
	char want[256];

	a = submit(env, "2026-04-10T15:00:00+03:00");
	d = submit(env, "2026-04-10T15:00:00+03:00");
	set_status(env, d, STATUS_REGISTERED);
	/* Monday 13 April: a full scan, nothing near. */
	assert_int_equal(scan_leased(env, "2026-04-13T12:00:00+03:00"), 0);
	/* Tuesday, within the day: what came near since, a's registration. */
	assert_int_equal(scan_leased(env, "2026-04-14T09:00:00+03:00"), 1);
	snprintf(want, sizeof(want), "%lld register deadline.near "
	    "2026-04-15T23:59:59+03:00\n", (long long)a);
	assert_string_equal(notices(env, 0, &s), want);
	/* A month on, a full scan: a's passed; d's answer (15 May) is not
	 * near on Monday 11 May, a day off... */
	assert_int_equal(scan_leased(env, "2026-05-11T12:00:00+03:00"), 1);
	assert_string_equal(notices(env, d, &s), "");
	/* ...and is on Tuesday, within the day. */
	assert_int_equal(scan_leased(env, "2026-05-12T09:00:00+03:00"), 1);
	snprintf(want, sizeof(want), "%lld answer deadline.near "
	    "2026-05-15T23:59:59+03:00\n", (long long)d);
	assert_string_equal(notices(env, d, &s), want);
}

static void
test_first_seen_passed(void **state)
{
	struct env *env = *state;
	struct seen s;
	int64_t a;
	char want[256];

	/* Over the New Year: register by 12 January 2027. */
	a = submit(env, "2026-12-29T23:30:00+03:00");
	assert_int_equal(scan(env, "2026-12-28T10:00:00+03:00"), 0);
	/* The scanner was down over the holidays: only "passed" is sent. */
	assert_int_equal(scan(env, "2027-01-20T10:00:00+03:00"), 1);
	snprintf(want, sizeof(want), "%lld register deadline.passed "
	    "2027-01-12T23:59:59+03:00\n", (long long)a);
	assert_string_equal(notices(env, 0, &s), want);
}

static void
test_near_over_holidays(void **state)
{
	struct env *env = *state;
	struct seen s;

	submit(env, "2026-12-29T23:30:00+03:00");
	/* Due 12 January: 30 December and 11 January are the working days
	 * before it, so registration is near only from 11 January, across
	 * the holidays. */
	assert_int_equal(scan(env, "2026-12-30T10:00:00+03:00"), 0);
	assert_int_equal(scan(env, "2027-01-10T10:00:00+03:00"), 0);
	assert_int_equal(scan(env, "2027-01-11T09:00:00+03:00"), 1);
	assert_non_null(strstr(notices(env, 0, &s), "register deadline.near"));
}

struct list {
	size_t n;
	int64_t ids[8];
};

static int
on_overdue(const struct wf_record *r, void *arg)
{
	struct list *l = arg;

	if (l->n < 8)
		l->ids[l->n] = r->id;
	l->n++;
	return 0;
}

static void
test_overdue_lists(void **state)
{
	struct env *env = *state;
	struct list l;
	int64_t a, b, c;

	a = submit(env, "2026-03-02T10:00:00+03:00");  /* register by 5 Mar */
	b = submit(env, "2026-04-10T10:00:00+03:00");  /* register by 15 Apr */
	c = submit(env, "2026-03-02T10:00:00+03:00");
	set_status(env, c, STATUS_REJECTED);
	memset(&l, 0, sizeof(l));
	assert_int_equal(workflow_overdue(env->s, NULL,
	    at("2026-04-10T12:00:00+03:00"), on_overdue, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ids[0], a);
	memset(&l, 0, sizeof(l));
	assert_int_equal(workflow_overdue(env->s, "roads",
	    at("2026-04-16T12:00:00+03:00"), on_overdue, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], a);
	assert_int_equal(l.ids[1], b);
	memset(&l, 0, sizeof(l));
	assert_int_equal(workflow_overdue(env->s, "west",
	    at("2026-04-16T12:00:00+03:00"), on_overdue, &l), 0);
	assert_int_equal(l.n, 0);
	/* The list does not send anything. */
	{
		struct seen s;

		assert_string_equal(notices(env, 0, &s), "");
	}
}

static void
test_notice_put_once(void **state)
{
	struct env *env = *state;
	int64_t a = submit(env, "2026-04-10T10:00:00+03:00");

	assert_int_equal(store_deadline_notice_sent(env->s, a, "answer", 5,
	    "deadline.near"), 0);
	assert_int_equal(store_deadline_notice_put(env->s, a, "answer", 5,
	    "deadline.near", 1), 0);
	assert_int_equal(store_deadline_notice_put(env->s, a, "answer", 5,
	    "deadline.near", 2), 1);
	assert_int_equal(store_deadline_notice_sent(env->s, a, "answer", 5,
	    "deadline.near"), 1);
	/* A new due date (an extension) is a new deadline. */
	assert_int_equal(store_deadline_notice_put(env->s, a, "answer", 6,
	    "deadline.near", 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_near_then_passed_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_scans_since_the_last,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_scans_since_the_last_near,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_seen_passed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_near_over_holidays, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overdue_lists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_notice_put_once, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
