/*
 * datetime.h: W3C (ISO 8601) date-times as Open311 writes them.
 *
 * veche keeps times as Unix seconds (UTC) and shows them in the deployment's
 * time zone, which is the process's TZ (set once at start-up from the
 * database's "timezone" setting).
 */
#ifndef VECHE_DATETIME_H
#define VECHE_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#define DATETIME_LEN 32   /* enough for "2026-11-27T14:13:04+03:00" */

/* The instants datetime_parse accepts: 1900-01-02 to 9998-12-31, UTC. */
#define DATETIME_MIN INT64_C(-2208902400)
#define DATETIME_MAX INT64_C(253370678400)

/*
 * Parse "YYYY-MM-DDThh:mm[:ss[.fff]](Z|+hh:mm|-hh:mm|+hhmm)" into *out.  The
 * time zone is required.  Returns 0, or -1 with a message in err that says
 * what was expected.
 */
int datetime_parse(const char *s, int64_t *out, char *err, size_t errlen);

/* Format t in the local time zone with its offset; returns buf. */
char *datetime_format(int64_t t, char *buf, size_t len);

/*
 * A memo of the zone's UTC offset by UTC day, for formatting many times
 * in a row (a list of reports): one lookup of the zone per day seen
 * instead of one per time (the last DATETIME_MEMO_DAYS days seen, by day
 * number modulo).  Zero it before use (= {0}); it holds no
 * memory.  Only days whose offset is the same at both ends are kept, so a
 * day with a change of offset is formatted by datetime_format each time.
 * Each slot is one atomic word (the day and its offset), so one memo may
 * serve every thread (the map's list: localtime_r takes a lock all
 * threads share); the zone must not change while it is in use.
 */
#define DATETIME_MEMO_DAYS 64       /* a power of two */

struct datetime_memo {
	_Atomic uint64_t slot[DATETIME_MEMO_DAYS];     /* 0: empty */
};

/* Empty m (after the zone changed). */
void datetime_memo_clear(struct datetime_memo *m);

/*
 * What datetime_format(t, buf, len) writes, through the memo m.  len must
 * be at least DATETIME_LEN.  Returns buf.
 */
char *datetime_format_memo(struct datetime_memo *m, int64_t t, char *buf,
    size_t len);

/* Set the process time zone (an IANA name); start-up only.  -1 if unknown. */
int datetime_set_zone(const char *zone);

/*
 * The last second (23:59:59 local) of the local calendar day `days` days
 * after the day of t.
 */
int64_t datetime_end_of_day(int64_t t, int days);

#endif
