/*
 * test_deadline.c: 59-FZ deadlines on the Russian calendar in
 * Europe/Moscow: registration, forwarding, answer (calendar and working
 * days), extension and the "near" threshold, across weekends, holidays,
 * transfers and the year end; and the settings that choose them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "veche.h"
#include "core/calendar.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "store/store.h"

static const char *
data_dir(void)
{
	const char *d = getenv("VECHE_DATADIR");

	return d != NULL && *d != '\0' ? d : VECHE_DATADIR;
}

static int
setup(void **state)
{
	struct calendar *c;
	char dir[1024], err[600];

	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	snprintf(dir, sizeof(dir), "%s/calendar", data_dir());
	if ((c = calendar_load(dir, "ru", err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	deadline_set_calendar(c);
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_CALENDAR), 0);
	assert_int_equal(deadline_set_near_days(VECHE_DEADLINE_NEAR_DAYS), 0);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	deadline_set_calendar(NULL);
	deadline_set_answer_count(DEADLINE_COUNT_CALENDAR);
	calendar_free(*state);
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

/* t as W3C text, in one of a few rotating buffers. */
static const char *
w3c(int64_t t)
{
	static char buf[4][DATETIME_LEN];
	static int i;

	i = (i + 1) % 4;
	return datetime_format(t, buf[i], sizeof(buf[i]));
}

static void
test_register(void **state)
{
	(void)state;
	/* Received on a Friday afternoon: the Wednesday after. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-04-10T15:00:00+03:00"))), "2026-04-15T23:59:59+03:00");
	/* Received 22:30 UTC on Thursday is Friday 01:30 in Moscow. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-04-09T22:30:00Z"))), "2026-04-15T23:59:59+03:00");
	/* Over Defender of the Fatherland Day, Monday 23 February. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-02-20T09:00:00+03:00"))), "2026-02-26T23:59:59+03:00");
	/* Received on a Saturday: Monday is the first day counted. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-07-04T12:00:00+03:00"))), "2026-07-08T23:59:59+03:00");
	/* Over the year end: 31 December 2026 and 1-10 January are off. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-12-29T23:30:00+03:00"))), "2027-01-12T23:59:59+03:00");
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-12-30T10:00:00+03:00"))), "2027-01-13T23:59:59+03:00");
	/* Into the May holidays of 2026: 1 May and 11 May are off. */
	assert_string_equal(w3c(deadline_register_due(
	    at("2026-05-07T10:00:00+03:00"))), "2026-05-13T23:59:59+03:00");
}

static void
test_forward(void **state)
{
	(void)state;
	/* Seven working days from Monday 27 April, over 1 May. */
	assert_string_equal(w3c(deadline_forward_due(
	    at("2026-04-27T11:00:00+03:00"))), "2026-05-07T23:59:59+03:00");
	/* From Friday 30 October 2026, over 4 November. */
	assert_string_equal(w3c(deadline_forward_due(
	    at("2026-10-30T11:00:00+03:00"))), "2026-11-11T23:59:59+03:00");
}

static void
test_answer_calendar_days(void **state)
{
	(void)state;
	assert_int_equal(deadline_answer_count(), DEADLINE_COUNT_CALENDAR);
	/* 30 days from 15 April: Friday 15 May, a working day. */
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-04-15T10:00:00+03:00"))), "2026-05-15T23:59:59+03:00");
	/* 30 days from 11 April end on 11 May, a transfer day off: the
	 * working day before it, Friday 8 May. */
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-04-11T10:00:00+03:00"))), "2026-05-08T23:59:59+03:00");
	/* 30 days from 2 December end on 1 January 2027: 31 December is
	 * off too, so Wednesday 30 December. */
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-12-02T10:00:00+03:00"))), "2026-12-30T23:59:59+03:00");
	/* 30 days from 11 December end on Sunday 10 January 2027, at the
	 * end of the New Year holidays: back to Wednesday 30 December. */
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-12-11T10:00:00+03:00"))), "2026-12-30T23:59:59+03:00");
	/* The promise before registration: from the registration due date,
	 * 12 January 2027, 30 days: Thursday 11 February. */
	assert_string_equal(w3c(deadline_expected(
	    at("2026-12-29T23:30:00+03:00"))), "2027-02-11T23:59:59+03:00");
}

static void
test_answer_working_days(void **state)
{
	(void)state;
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_WORKING), 0);
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-04-15T10:00:00+03:00"))), "2026-05-29T23:59:59+03:00");
	/* Over the New Year holidays. */
	assert_string_equal(w3c(deadline_answer_due(
	    at("2026-12-02T10:00:00+03:00"))), "2027-01-22T23:59:59+03:00");
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_CALENDAR), 0);
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT__MAX), -1);
	assert_int_equal(deadline_answer_count(), DEADLINE_COUNT_CALENDAR);
}

static void
test_extension(void **state)
{
	struct verr e;
	int64_t due = at("2026-05-15T23:59:59+03:00"), out = 0;

	(void)state;
	/* 30 days from 15 May end on Sunday 14 June; 12 June (Friday) is
	 * a holiday: Thursday 11 June. */
	assert_int_equal(deadline_extend(due, 30, 0, &out, &e), 0);
	assert_string_equal(w3c(out), "2026-06-11T23:59:59+03:00");
	assert_int_equal(deadline_extend(due, 5, 0, &out, &e), 0);
	assert_string_equal(w3c(out), "2026-05-20T23:59:59+03:00");
	/* A one-day extension from Friday 8 May lands on Saturday; stepping
	 * back would give the same Friday, so it ends on the next working
	 * day (Civil Code art. 193): Monday 11 May is off, Tuesday 12 May. */
	assert_int_equal(deadline_extend(at("2026-05-08T23:59:59+03:00"), 1, 0,
	    &out, &e), 0);
	assert_string_equal(w3c(out), "2026-05-12T23:59:59+03:00");
	/* The bug CI found on 2026-11-30: due 30 December, 10 days more
	 * stepped back over the New Year holidays onto 30 December. */
	assert_int_equal(deadline_extend(at("2026-12-30T23:59:59+03:00"), 10,
	    0, &out, &e), 0);
	assert_string_equal(w3c(out), "2027-01-11T23:59:59+03:00");
	/* Once only, 1 to 30 days. */
	assert_int_equal(deadline_extend(due, 10, 1, &out, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	assert_string_equal(e.field, "days");
	assert_int_equal(deadline_extend(due, 31, 0, &out, &e), -1);
	assert_int_equal(e.kind, VERR_INVALID);
	assert_string_equal(e.field, "days");
	assert_int_equal(deadline_extend(due, 0, 0, &out, &e), -1);
	/* Counted in working days when the answer is. */
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_WORKING), 0);
	assert_int_equal(deadline_extend(due, 10, 0, &out, &e), 0);
	assert_string_equal(w3c(out), "2026-05-29T23:59:59+03:00");
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_CALENDAR), 0);
}

/* ---- The matrix: every start day over the year end and the May
 * holidays, every period, checked against the calendar itself. ---- */

static const struct calendar *
cal(void **state)
{
	return *state;
}

/* The local day of an instant, as a calendar day number. */
static int32_t
local_day(int64_t t)
{
	char buf[DATETIME_LEN];
	int y, m, d;

	datetime_format(t, buf, sizeof(buf));
	if (sscanf(buf, "%4d-%2d-%2d", &y, &m, &d) != 3)
		fail_msg("cannot read the date of %s", buf);
	return calendar_day(y, m, d);
}

/* A due instant is the last second of a working day. */
static void
assert_due(void **state, int64_t due, const char *what, int32_t from)
{
	char buf[DATETIME_LEN];

	datetime_format(due, buf, sizeof(buf));
	if (strstr(buf, "T23:59:59") == NULL ||
	    !calendar_is_working_day(cal(state), local_day(due)))
		fail_msg("%s from day %d: %s is not the end of a working day",
		    what, (int)from, buf);
}

/* Every day in (from, to] is a day off. */
static int
all_off(void **state, int32_t from, int32_t to)
{
	int32_t d;

	for (d = from + 1; d <= to; d++)
		if (calendar_is_working_day(cal(state), d))
			return 0;
	return 1;
}

static void
check_day(void **state, int32_t day, int working)
{
	int y, m, d, days;
	char start[DATETIME_LEN + 8];
	struct verr e;
	int64_t t, due, ans, ext;
	int32_t dd, ad, xd, plain;

	calendar_date(day, &y, &m, &d);
	snprintf(start, sizeof(start), "%04d-%02d-%02dT10:00:00+03:00", y, m,
	    d);
	t = at(start);
	/* Registration: the 3rd working day after the day received. */
	due = deadline_register_due(t);
	assert_due(state, due, "register", day);
	dd = local_day(due);
	if (calendar_working_days_between(cal(state), day, dd) !=
	    VECHE_DAYS_REGISTER || !calendar_is_working_day(cal(state), dd))
		fail_msg("register from %s: %s", start, w3c(due));
	/* Forwarding: the 7th working day after registration. */
	due = deadline_forward_due(t);
	assert_due(state, due, "forward", day);
	if (calendar_working_days_between(cal(state), day, local_day(due)) !=
	    VECHE_DAYS_FORWARD)
		fail_msg("forward from %s: %s", start, w3c(due));
	/* Answer: 30 days on, stepped back only over days off; or 30
	 * working days where the deployment counts so. */
	ans = deadline_answer_due(t);
	assert_due(state, ans, "answer", day);
	ad = local_day(ans);
	if (working ? calendar_working_days_between(cal(state), day, ad) !=
	    VECHE_DAYS_ANSWER : ad <= day || ad > day + VECHE_DAYS_ANSWER ||
	    !all_off(state, ad, day + VECHE_DAYS_ANSWER))
		fail_msg("answer from %s: %s", start, w3c(ans));
	/* Extension: always later; counted as the answer is, or, where that
	 * would step back onto the old date, the next working day after. */
	for (days = 1; days <= VECHE_DAYS_EXTENSION; days++) {
		if (deadline_extend(ans, days, 0, &ext, &e) == -1)
			fail_msg("extend %s by %d: %s", w3c(ans), days,
			    e.message);
		assert_due(state, ext, "extension", ad);
		xd = local_day(ext);
		plain = ad + days;
		if (xd <= ad)
			fail_msg("extend %s by %d gave %s: not later", w3c(ans),
			    days, w3c(ext));
		if (working ? calendar_working_days_between(cal(state), ad,
		    xd) != days : xd <= plain ? !all_off(state, xd, plain) :
		    !all_off(state, plain - 1, xd - 1))
			fail_msg("extend %s by %d gave %s", w3c(ans), days,
			    w3c(ext));
		/* Once only. */
		if (deadline_extend(ans, days, 1, &ext, &e) != -1 ||
		    e.kind != VERR_CONFLICT)
			fail_msg("a second extension of %s was allowed",
			    w3c(ans));
	}
	/* Reopening: 30 whole days after the answer, whatever the day. */
	if (deadline_reopen_until(t) != t + VECHE_DAYS_REOPEN * 86400)
		fail_msg("reopen from %s: %s", start,
		    w3c(deadline_reopen_until(t)));
}

static void
test_matrix(void **state)
{
	static const struct {
		int y0, m0, d0, y1, m1, d1;
	} spans[] = {
		{ 2026, 12, 15, 2027, 1, 20 },   /* the year end */
		{ 2026, 4, 25, 2026, 5, 20 },    /* the May holidays */
		{ 2027, 4, 25, 2027, 5, 20 },
		{ 2026, 2, 15, 2026, 3, 15 },    /* 23 February, 8 March */
		{ 2026, 6, 5, 2026, 6, 20 },     /* 12 June */
		{ 2026, 10, 28, 2026, 11, 10 },  /* 4 November */
	};
	enum deadline_count mode;
	size_t i;
	int32_t day;

	for (mode = 0; mode < DEADLINE_COUNT__MAX; mode++) {
		assert_int_equal(deadline_set_answer_count(mode), 0);
		for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
			for (day = calendar_day(spans[i].y0, spans[i].m0,
			    spans[i].d0); day <= calendar_day(spans[i].y1,
			    spans[i].m1, spans[i].d1); day++)
				check_day(state, day,
				    mode == DEADLINE_COUNT_WORKING);
	}
	assert_int_equal(deadline_set_answer_count(DEADLINE_COUNT_CALENDAR), 0);
}

static void
test_state(void **state)
{
	int64_t due = at("2026-05-15T23:59:59+03:00");
	int64_t reg = at("2027-01-12T23:59:59+03:00");

	(void)state;
	/* Monday 11 May is a day off: 4 working days left, not near. */
	assert_int_equal(deadline_state(due, at("2026-05-11T10:00:00+03:00"),
	    3), DEADLINE_OK);
	assert_int_equal(deadline_state(due, at("2026-05-12T00:00:00+03:00"),
	    3), DEADLINE_NEAR);
	assert_int_equal(deadline_state(due, due, 3), DEADLINE_NEAR);
	assert_int_equal(deadline_state(due, due + 1, 3), DEADLINE_PASSED);
	/* With 0, near only on the day itself. */
	assert_int_equal(deadline_state(due, at("2026-05-14T18:00:00+03:00"),
	    0), DEADLINE_OK);
	assert_int_equal(deadline_state(due, at("2026-05-15T08:00:00+03:00"),
	    0), DEADLINE_NEAR);
	/* Over the New Year: 30 December, 11 and 12 January are left. */
	assert_int_equal(deadline_state(reg, at("2026-12-29T10:00:00+03:00"),
	    3), DEADLINE_NEAR);
	assert_int_equal(deadline_state(reg, at("2026-12-28T10:00:00+03:00"),
	    3), DEADLINE_OK);
	/* The horizon: the last day before the 4th working day ahead. */
	assert_string_equal(w3c(deadline_near_horizon(
	    at("2026-12-28T10:00:00+03:00"), 3)), "2027-01-11T23:59:59+03:00");
	assert_string_equal(deadline_state_name(DEADLINE_PASSED), "passed");
	assert_null(deadline_state_name(DEADLINE_STATE__MAX));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(deadline_kind_name(DEADLINE_REGISTER), "register");
	assert_string_equal(deadline_kind_name(DEADLINE_EXTENDED), "extended");
	assert_null(deadline_kind_name(DEADLINE__MAX));
	assert_int_equal(deadline_count_parse("working"),
	    DEADLINE_COUNT_WORKING);
	assert_int_equal(deadline_count_parse("Working"), DEADLINE_COUNT__MAX);
	assert_string_equal(deadline_count_name(DEADLINE_COUNT_CALENDAR),
	    "calendar");
	assert_int_equal(deadline_set_near_days(-1), -1);
	assert_int_equal(deadline_set_near_days(VECHE_MAX_NEAR_DAYS + 1), -1);
	assert_int_equal(deadline_near_days(), VECHE_DEADLINE_NEAR_DAYS);
}

static void
test_configure(void **state)
{
	const struct calendar *before = deadline_calendar();
	struct calendar *c;
	struct store *s;
	char err[600];
	int ok;

	(void)state;
	s = store_open(":memory:", err, sizeof(err));
	assert_non_null(s);
	/* Unset: the Russian calendar, calendar days, 3 days. */
	c = deadline_configure(s, data_dir(), &ok, err, sizeof(err));
	assert_true(ok);
	assert_non_null(c);
	assert_ptr_equal(deadline_calendar(), c);
	assert_true(calendar_covers(c, 2026));
	assert_int_equal(deadline_near_days(), 3);
	calendar_free(c);
	/* Chosen settings. */
	assert_int_equal(store_setting_put(s, "calendar", "none"), 0);
	assert_int_equal(store_setting_put(s, "answer_days", "working"), 0);
	assert_int_equal(store_setting_put(s, "deadline_near_days", "5"), 0);
	c = deadline_configure(s, data_dir(), &ok, err, sizeof(err));
	assert_true(ok);
	assert_null(c);
	assert_null(deadline_calendar());
	assert_int_equal(deadline_answer_count(), DEADLINE_COUNT_WORKING);
	assert_int_equal(deadline_near_days(), 5);
	/* Refusals name the setting and change nothing. */
	assert_int_equal(store_setting_put(s, "deadline_near_days", "x"), 0);
	assert_null(deadline_configure(s, data_dir(), &ok, err, sizeof(err)));
	assert_false(ok);
	assert_non_null(strstr(err, "deadline_near_days"));
	assert_int_equal(store_setting_put(s, "deadline_near_days", "3"), 0);
	assert_int_equal(store_setting_put(s, "answer_days", "weeks"), 0);
	assert_null(deadline_configure(s, data_dir(), &ok, err, sizeof(err)));
	assert_false(ok);
	assert_non_null(strstr(err, "answer_days"));
	assert_int_equal(store_setting_put(s, "answer_days", "calendar"), 0);
	assert_int_equal(store_setting_put(s, "calendar", "mars"), 0);
	assert_null(deadline_configure(s, data_dir(), &ok, err, sizeof(err)));
	assert_false(ok);
	assert_non_null(strstr(err, "calendar 'mars': no files"));
	assert_int_equal(deadline_answer_count(), DEADLINE_COUNT_WORKING);
	store_close(s);
	deadline_set_calendar(before);
	deadline_set_answer_count(DEADLINE_COUNT_CALENDAR);
	deadline_set_near_days(VECHE_DEADLINE_NEAR_DAYS);
}

/* Import a city file of just json; expect refusal naming field. */
static void
city_refused(struct store *s, const char *json, const char *field)
{
	struct verr e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(city_import_json(s, json, strlen(json), &e), -1);
	assert_int_equal(e.kind, VERR_INVALID);
	assert_string_equal(e.field, field);
}

static void
test_city_settings(void **state)
{
	static const char good[] = "{\"calendar\": \"ru\", \"answer_days\":"
	    " \"working\", \"deadline_near_days\": 5}";
	struct store *s;
	struct verr e;
	char err[600], buf[64];

	(void)state;
	s = store_open(":memory:", err, sizeof(err));
	assert_non_null(s);
	city_refused(s, "{\"calendar\": \"../ru\"}", "calendar");
	city_refused(s, "{\"calendar\": \"\"}", "calendar");
	city_refused(s, "{\"calendar\": 7}", "city");  /* city.calendar */
	city_refused(s, "{\"answer_days\": \"weeks\"}", "answer_days");
	city_refused(s, "{\"deadline_near_days\": 31}", "deadline_near_days");
	city_refused(s, "{\"deadline_near_days\": \"3\"}",
	    "deadline_near_days");
	assert_int_equal(store_setting_get(s, "calendar", buf, sizeof(buf)), 1);
	assert_int_equal(city_import_json(s, good, strlen(good), &e), 0);
	assert_int_equal(store_setting_get(s, "calendar", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ru");
	assert_int_equal(store_setting_get(s, "answer_days", buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "working");
	assert_int_equal(store_setting_get(s, "deadline_near_days", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "5");
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_answer_calendar_days),
		cmocka_unit_test(test_answer_working_days),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_city_settings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
