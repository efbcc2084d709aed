/*
 * calendar.h: a deployment's working-day calendar (производственный
 * календарь): which days are working days, year by year, as a Government
 * decree sets them.
 *
 * A calendar is read from text files, one or more years each (the format is
 * in docs/deadlines.md; data/calendar/ru-2026.txt is an example):
 *
 *     # comment
 *     year 2026
 *     weekend sat sun
 *     holiday 2026-01-01 Новогодние каникулы
 *     dayoff  2026-01-09 перенос с субботы 3 января
 *     workday 2027-11-13 перенос на пятницу 5 ноября
 *
 * Days are civil dates counted as day numbers (days since 1970-01-01), free
 * of time zones: src/core/deadline.c maps instants to local days.  Years the
 * files do not cover fall back to Monday to Friday; calendar_describe says
 * which years are covered so the server can log it at start-up.  A NULL
 * calendar is that fallback for every year.
 *
 * A loaded calendar is read-only and may be shared by threads.
 */
#ifndef VECHE_CALENDAR_H
#define VECHE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

struct calendar;

/* An empty calendar (Monday to Friday everywhere), or NULL if out of memory. */
struct calendar *calendar_new(void);

/* Free c.  Accepts NULL. */
void calendar_free(struct calendar *c);

/*
 * Parse len bytes of calendar text (not NUL-terminated) and add its years to
 * c.  source names the text in messages (a path).  The whole text is
 * checked before anything is added: on error c is unchanged, and err says
 * "source:line:column: what was expected".  Returns 0 or -1.
 */
int calendar_parse(struct calendar *c, const char *source, const char *text,
    size_t len, char *err, size_t errlen);

/*
 * Read the file at path (at most VECHE_MAX_CALENDAR_FILE bytes) and parse it
 * into c as calendar_parse does.  Returns 0 or -1 with err set.
 */
int calendar_load_file(struct calendar *c, const char *path, char *err,
    size_t errlen);

/*
 * A new calendar from every file dir/NAME-YYYY.txt (NAME is [a-z0-9_], at
 * most VECHE_MAX_CALENDAR_NAME bytes, e.g. "ru").  Returns it (free with
 * calendar_free), or NULL with err set when the name is malformed, no such
 * file exists or one does not parse.
 */
struct calendar *calendar_load(const char *dir, const char *name, char *err,
    size_t errlen);

/* 1 if c has the year from a file, 0 if that year falls back to Mon-Fri. */
int calendar_covers(const struct calendar *c, int year);

/*
 * One line for the log: the years covered and their files, and that other
 * years are counted Monday to Friday.  Returns buf (truncated to len).
 */
char *calendar_describe(const struct calendar *c, char *buf, size_t len);

/* The day number of a civil date (normalised: 2026-13-01 is 2027-01-01). */
int32_t calendar_day(int year, int month, int mday);

/* The civil date of a day number. */
void calendar_date(int32_t day, int *year, int *month, int *mday);

/* Day of the week: 0 Monday ... 6 Sunday. */
int calendar_weekday(int32_t day);

/* 1 if day is a working day in c, else 0. */
int calendar_is_working_day(const struct calendar *c, int32_t day);

/*
 * The holiday's or transfer's name from the file ("" when the line had
 * none), or NULL for an ordinary day.  Points into c.
 */
const char *calendar_day_name(const struct calendar *c, int32_t day);

/*
 * The n-th working day after day (n > 0), or before it (n < 0); day itself
 * when n is 0.  Cost is linear in the span.
 */
int32_t calendar_add_working_days(const struct calendar *c, int32_t day,
    int n);

/*
 * The number of working days d with from < d <= to; negative (the count in
 * to < d <= from) when to is before from.  Cost is linear in the span.
 */
int calendar_working_days_between(const struct calendar *c, int32_t from,
    int32_t to);

#endif
