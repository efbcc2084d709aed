/* deadline.c: 59-FZ deadlines in the deployment's time zone and calendar. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/calendar.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/parse.h"
#include "store/store.h"

/* Configuration, set once at start-up (deadline.h). */
static const struct calendar *config_calendar;
static enum deadline_count config_answer = DEADLINE_COUNT_CALENDAR;
static int config_near = VECHE_DEADLINE_NEAR_DAYS;

static const char *const count_names[DEADLINE_COUNT__MAX] = {
	[DEADLINE_COUNT_CALENDAR] = "calendar",
	[DEADLINE_COUNT_WORKING] = "working",
};

static const char *const kind_names[DEADLINE__MAX] = {
	[DEADLINE_REGISTER] = "register",
	[DEADLINE_ANSWER] = "answer",
	[DEADLINE_EXTENDED] = "extended",
};

static const char *const state_names[DEADLINE_STATE__MAX] = {
	[DEADLINE_OK] = "ok",
	[DEADLINE_NEAR] = "near",
	[DEADLINE_PASSED] = "passed",
};

const char *
deadline_count_name(enum deadline_count c)
{
	return (unsigned)c < DEADLINE_COUNT__MAX ? count_names[c] : NULL;
}

enum deadline_count
deadline_count_parse(const char *name)
{
	int i;

	for (i = 0; i < DEADLINE_COUNT__MAX; i++)
		if (strcmp(count_names[i], name) == 0)
			return (enum deadline_count)i;
	return DEADLINE_COUNT__MAX;
}

const char *
deadline_kind_name(enum deadline_kind k)
{
	return (unsigned)k < DEADLINE__MAX ? kind_names[k] : NULL;
}

const char *
deadline_state_name(enum deadline_state st)
{
	return (unsigned)st < DEADLINE_STATE__MAX ? state_names[st] : NULL;
}

void
deadline_set_calendar(const struct calendar *c)
{
	config_calendar = c;
}

const struct calendar *
deadline_calendar(void)
{
	return config_calendar;
}

int
deadline_set_answer_count(enum deadline_count c)
{
	if ((unsigned)c >= DEADLINE_COUNT__MAX)
		return -1;
	config_answer = c;
	return 0;
}

enum deadline_count
deadline_answer_count(void)
{
	return config_answer;
}

int
deadline_set_near_days(int n)
{
	if (n < 0 || n > VECHE_MAX_NEAR_DAYS)
		return -1;
	config_near = n;
	return 0;
}

int
deadline_near_days(void)
{
	return config_near;
}

/* One setting, or def when unset: 0, or -1 with err set. */
static int
setting(struct store *s, const char *key, const char *def, char *buf,
    size_t len, char *err, size_t errlen)
{
	int rc = store_setting_get(s, key, buf, len);

	if (rc == -1) {
		snprintf(err, errlen, "reading setting %s: %s", key,
		    store_error(s));
		return -1;
	}
	if (rc == 1)
		snprintf(buf, len, "%s", def);
	return 0;
}

struct calendar *
deadline_configure(struct store *s, const char *datadir, int *ok, char *err,
    size_t errlen)
{
	char name[VECHE_MAX_CALENDAR_NAME + 8], count[32], near[32], dir[1024];
	struct calendar *c = NULL;
	enum deadline_count dc;
	int64_t n;

	*ok = 0;
	if (setting(s, "calendar", "ru", name, sizeof(name), err, errlen) ||
	    setting(s, "answer_days", "calendar", count, sizeof(count), err,
	    errlen) || setting(s, "deadline_near_days", "3", near,
	    sizeof(near), err, errlen))
		return NULL;
	if ((dc = deadline_count_parse(count)) == DEADLINE_COUNT__MAX) {
		snprintf(err, errlen, "setting answer_days: '%s' is neither "
		    "'calendar' nor 'working'", count);
		return NULL;
	}
	if (parse_int64(near, 0, VECHE_MAX_NEAR_DAYS, &n) == -1) {
		snprintf(err, errlen, "setting deadline_near_days: '%s' is not "
		    "a number of working days from 0 to %d", near,
		    VECHE_MAX_NEAR_DAYS);
		return NULL;
	}
	if (strcmp(name, "none") != 0) {
		if (snprintf(dir, sizeof(dir), "%s/calendar", datadir) >=
		    (int)sizeof(dir)) {
			snprintf(err, errlen, "data folder path too long");
			return NULL;
		}
		if ((c = calendar_load(dir, name, err, errlen)) == NULL)
			return NULL;
	}
	deadline_set_calendar(c);
	deadline_set_answer_count(dc);
	deadline_set_near_days((int)n);
	*ok = 1;
	return c;
}

/* The local calendar day of instant t. */
static int32_t
day_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return calendar_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The end of local day `day`; ref is an instant near it (for the zone). */
static int64_t
end_of(int32_t day, int64_t ref)
{
	return datetime_end_of_day(ref, (int)(day - day_of(ref)));
}

/* The day `days` after day, counted as the answer is (see deadline.h). */
static int32_t
answer_day(int32_t day, int days)
{
	const struct calendar *c = config_calendar;
	int32_t end;

	if (config_answer == DEADLINE_COUNT_WORKING)
		return calendar_add_working_days(c, day, days);
	end = day + days;
	/* A period ending on a day off ends on the working day before it. */
	if (!calendar_is_working_day(c, end))
		end = calendar_add_working_days(c, end, -1);
	return end;
}

/*
 * The answer day moved on by an extension of `days`.  It is counted as the
 * answer is; but when stepping back off days off would land on or before the
 * old answer day (an extension of a few days over the New Year holidays),
 * the period ends on the first working day after its last day instead
 * (Civil Code art. 193), so an extension always gives more time.
 */
static int32_t
extended_day(int32_t due, int days)
{
	int32_t day = answer_day(due, days);

	if (day > due)
		return day;
	return calendar_add_working_days(config_calendar, due + days, 1);
}

int64_t
deadline_register_due(int64_t received)
{
	return end_of(calendar_add_working_days(config_calendar,
	    day_of(received), VECHE_DAYS_REGISTER), received);
}

int64_t
deadline_forward_due(int64_t registered)
{
	return end_of(calendar_add_working_days(config_calendar,
	    day_of(registered), VECHE_DAYS_FORWARD), registered);
}

int64_t
deadline_answer_due(int64_t registered)
{
	return end_of(answer_day(day_of(registered), VECHE_DAYS_ANSWER),
	    registered);
}

int64_t
deadline_expected(int64_t received)
{
	return deadline_answer_due(deadline_register_due(received));
}

/* The local year of instant t. */
static int
year_of(int64_t t)
{
	int y, m, d;

	calendar_date(day_of(t), &y, &m, &d);
	return y;
}

int
deadline_calendar_gap(int64_t now, int lead_days)
{
	int year = year_of(now), ahead = year_of(now + (int64_t)lead_days *
	    86400);

	if (config_calendar == NULL)
		return 0;
	if (!calendar_covers(config_calendar, year))
		return year;
	if (ahead != year && !calendar_covers(config_calendar, ahead))
		return ahead;
	return 0;
}

int64_t
deadline_reopen_until(int64_t answered)
{
	return answered + (int64_t)VECHE_DAYS_REOPEN * 86400;
}

int
deadline_extend(int64_t answer_due, int days, int extensions, int64_t *out,
    struct verr *e)
{
	if (extensions > 0)
		return verr_set(e, VERR_CONFLICT, "days", "days: the answer "
		    "period was extended already; 59-FZ allows one extension");
	if (days < 1 || days > VECHE_DAYS_EXTENSION)
		return verr_set(e, VERR_INVALID, "days", "days: an extension is "
		    "1 to %d days", VECHE_DAYS_EXTENSION);
	*out = end_of(extended_day(day_of(answer_due), days), answer_due);
	return 0;
}

enum deadline_state
deadline_state(int64_t due, int64_t now, int near_days)
{
	if (now > due)
		return DEADLINE_PASSED;
	/* Same as: at most near_days working days in (today, due day]. */
	if (due <= deadline_near_horizon(now, near_days))
		return DEADLINE_NEAR;
	return DEADLINE_OK;
}

int64_t
deadline_near_horizon(int64_t now, int near_days)
{
	int32_t day;

	if (near_days < 0)
		near_days = 0;
	/* The last day before the (near_days + 1)-th working day ahead. */
	day = calendar_add_working_days(config_calendar, day_of(now),
	    near_days + 1) - 1;
	return end_of(day, now);
}
