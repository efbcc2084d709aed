/*
 * deadline.h: the legal clock of an appeal (Federal Law 59-FZ), and all of
 * its arithmetic.
 *
 *  - registration: within 3 working days after receipt (art. 8 part 2);
 *  - forwarding to the competent body: within 7 working days after
 *    registration (art. 8 part 3);
 *  - answer: 30 days after registration (art. 12 part 1), counted as
 *    calendar days by default (a day that is not a working day ends the
 *    period on the working day before it) or, by the deployment's setting,
 *    as working days;
 *  - one extension of up to 30 days, counted as the answer is (art. 12
 *    part 2).
 *
 * Periods start the day after the event (the day of receipt or of
 * registration is not counted) and end at the end of the local day
 * (datetime_end_of_day).  Working days follow the deployment's calendar
 * (calendar.h).  docs/deadlines.md gives the reasons and examples.
 *
 * The calendar and the settings are process-wide configuration: set them
 * once at start-up, before threads start (deadline_configure does it from
 * the store).  Until then every year counts Monday to Friday, the answer
 * counts calendar days and "near" is VECHE_DEADLINE_NEAR_DAYS.
 */
#ifndef VECHE_DEADLINE_H
#define VECHE_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct calendar;
struct store;

/* How the answer period and its extension count days. */
enum deadline_count {
	DEADLINE_COUNT_CALENDAR,        /* calendar days (59-FZ as written) */
	DEADLINE_COUNT_WORKING,         /* working days of the calendar */
	DEADLINE_COUNT__MAX
};

/* The deadlines the escalation scanner watches. */
enum deadline_kind {
	DEADLINE_REGISTER,              /* register the appeal */
	DEADLINE_ANSWER,                /* answer it */
	DEADLINE_EXTENDED,              /* answer it, after an extension */
	DEADLINE__MAX
};

/* Where a deadline stands at a moment. */
enum deadline_state {
	DEADLINE_OK,                    /* more than the near threshold left */
	DEADLINE_NEAR,                  /* within it, not yet passed */
	DEADLINE_PASSED,                /* past the deadline */
	DEADLINE_STATE__MAX
};

/* "calendar", "working"; NULL for an unknown value. */
const char *deadline_count_name(enum deadline_count c);
/* The count named so, or DEADLINE_COUNT__MAX. */
enum deadline_count deadline_count_parse(const char *name);

/* "register", "answer", "extended"; NULL for an unknown kind. */
const char *deadline_kind_name(enum deadline_kind k);

/* "ok", "near", "passed"; NULL for an unknown state. */
const char *deadline_state_name(enum deadline_state st);

/*
 * Use calendar c (which must outlive its use; NULL: Monday to Friday) for
 * every deadline from now on.  Start-up only.
 */
void deadline_set_calendar(const struct calendar *c);
/* The calendar in use (NULL: Monday to Friday). */
const struct calendar *deadline_calendar(void);

/* Count answer and extension days so.  Start-up only; -1 if unknown. */
int deadline_set_answer_count(enum deadline_count c);
enum deadline_count deadline_answer_count(void);

/* Call a deadline near n working days ahead (0..VECHE_MAX_NEAR_DAYS); -1 if out of range. */
int deadline_set_near_days(int n);
int deadline_near_days(void);

/*
 * Read the deployment's settings from the store and install them:
 * "calendar" (a name such as "ru": files datadir/calendar/NAME-YYYY.txt;
 * default "ru"; "none": Monday to Friday), "answer_days" ("calendar" or
 * "working"; default "calendar") and "deadline_near_days" (default
 * VECHE_DEADLINE_NEAR_DAYS).  Start-up only.  Returns the loaded calendar,
 * owned by the caller, who frees it (calendar_free) after the last deadline
 * is computed; NULL with *ok = 1 for "none"; NULL with *ok = 0 and err set
 * on error.
 */
struct calendar *deadline_configure(struct store *s, const char *datadir,
    int *ok, char *err, size_t errlen);

/* When an appeal received at `received` must be registered. */
int64_t deadline_register_due(int64_t received);

/* When an appeal registered at `registered` must be forwarded, if at all. */
int64_t deadline_forward_due(int64_t registered);

/* When an appeal registered at `registered` must be answered. */
int64_t deadline_answer_due(int64_t registered);

/*
 * The answer date to promise a reporter before registration: the answer due
 * date counted from the registration due date (the latest it may be).
 */
int64_t deadline_expected(int64_t received);

/*
 * The last instant at which the reporter may reopen an answer given at
 * `answered`: VECHE_DAYS_REOPEN whole days (of 24 hours) later.  The period
 * is the citizen's, online at any hour, so days off do not move it.
 */
int64_t deadline_reopen_until(int64_t answered);

/*
 * A year the working-day calendar lacks: the current year at now, or the
 * next one when it starts within lead_days; 0 when both are covered or the
 * deployment counts with no calendar ("none").  Deadlines in a missing
 * year count Monday to Friday, so the admin is warned ahead.
 */
int deadline_calendar_gap(int64_t now, int lead_days);

/*
 * Extend the answer deadline answer_due by days (1..VECHE_DAYS_EXTENSION),
 * counted as the answer is, into *out.  extensions is how many times this
 * appeal was extended already: 59-FZ allows one.  Returns 0, or -1 with e
 * set (VERR_INVALID on field "days", VERR_CONFLICT for a second extension).
 */
int deadline_extend(int64_t answer_due, int days, int extensions,
    int64_t *out, struct verr *e);

/*
 * Where deadline `due` stands at `now`: passed after it; near when at most
 * near_days working days are left between the local day of now and that of
 * due (the due day itself is always near); else ok.
 */
enum deadline_state deadline_state(int64_t due, int64_t now, int near_days);

/*
 * The latest instant whose deadlines may already be near at `now` with
 * near_days: a deadline after it is ok.  For prefiltering queries.
 */
int64_t deadline_near_horizon(int64_t now, int near_days);

#endif
