/*
 * fuzz_calendar.c: the working-day calendar parser (calendar_parse).
 *
 * The whole input is one calendar file.  A refusal must say where
 * ("fuzz:LINE:COLUMN: ...") and leave the calendar empty; an accepted file
 * must give a calendar whose arithmetic agrees with itself over the years
 * it covers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct calendar *c)
{
	char buf[2048];
	int year, n;
	int32_t day, first, last;

	if (memchr(calendar_describe(c, buf, sizeof(buf)), '\0',
	    sizeof(buf)) == NULL)
		abort();
	for (year = VECHE_CALENDAR_MIN_YEAR; year <= VECHE_CALENDAR_MAX_YEAR;
	    year++) {
		if (!calendar_covers(c, year))
			continue;
		first = calendar_day(year, 1, 1);
		last = calendar_day(year, 12, 31);
		n = calendar_working_days_between(c, first - 1, last);
		if (n < 0 || n > 366)
			abort();
		for (day = first; day <= last; day++) {
			const char *name = calendar_day_name(c, day);

			if (name != NULL && strlen(name) > 4 * VECHE_MAX_NAME)
				abort();
		}
		/* The n-th working day of the year is within it. */
		if (n > 0) {
			day = calendar_add_working_days(c, first - 1, n);
			if (day > last || !calendar_is_working_day(c, day))
				abort();
			if (calendar_add_working_days(c, day, -n) >= first)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calendar *c;
	char err[600];

	if (size > VECHE_MAX_CALENDAR_FILE)
		return 0;
	if ((c = calendar_new()) == NULL)
		return 0;
	memset(err, 'x', sizeof(err));
	if (calendar_parse(c, "fuzz", (const char *)data, size, err,
	    sizeof(err)) == 0)
		check(c);
	else if (memchr(err, '\0', sizeof(err)) == NULL ||
	    strncmp(err, "fuzz:", 5) != 0)
		abort();
	else {
		int year;

		for (year = VECHE_CALENDAR_MIN_YEAR;
		    year <= VECHE_CALENDAR_MAX_YEAR; year++)
			if (calendar_covers(c, year))
				abort();
	}
	calendar_free(c);
	return 0;
}
