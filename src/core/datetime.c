/* datetime.c: strict W3C date-time parsing and local formatting. */
#include <ctype.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/datetime.h"

/* Read exactly n digits at *p into *v; advance.  -1 if not digits. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

static int
expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int
datetime_parse(const char *s, int64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	struct tm tm;
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
	    expect(&p, '-') || digits(&p, 2, &d))
		goto bad;
	if (y < 1900 || y > 9998)
		goto range;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
		snprintf(err, errlen, "'%.40s' is not a calendar date", s);
		return -1;
	}
	if (*p != 'T' && *p != 't')
		goto bad;
	p++;
	if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi))
		goto bad;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			goto bad;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60) {
		snprintf(err, errlen, "'%.40s' has an impossible time of day", s);
		return -1;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
	} else {
		snprintf(err, errlen, "'%.40s' has no time zone: end it with Z "
		    "or an offset such as +03:00", s);
		return -1;
	}
	if (*p != '\0')
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec;
	t = timegm(&tm);
	*out = (int64_t)t - sign * (oh * 3600 + om * 60);
	/* A day inside either end: the instant keeps a four-digit year in
	 * any zone, so every time veche writes parses back. */
	if (*out < DATETIME_MIN || *out > DATETIME_MAX)
		goto range;
	return 0;
range:
	snprintf(err, errlen, "'%.40s': the year must be 1900 to 9998", s);
	return -1;
bad:
	snprintf(err, errlen, "'%.40s' is not a W3C date-time: expected "
	    "YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2026-11-27T10:00:00Z "
	    "or 2026-11-27T13:00:00+03:00", s);
	return -1;
}

char *
datetime_format(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;
	char sign = '+';

	if (localtime_r(&tt, &tm) == NULL) {
		snprintf(buf, len, "1970-01-01T00:00:00Z");
		return buf;
	}
	off = tm.tm_gmtoff;
	/* An offset of odd seconds (local mean time of old dates) has no
	 * W3C form: write the instant in UTC instead. */
	if (off % 60 != 0 && gmtime_r(&tt, &tm) != NULL) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		return buf;
	}
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
	return buf;
}

/* The zone's offset at t, or LONG_MIN when the zone cannot say. */
static long
offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return LONG_MIN;
	return tm.tm_gmtoff;
}

/*
 * A memo slot: the day, counted from one before the first day a memo
 * keeps (so a slot in use is never 0), above the offset in minutes plus
 * MEMO_OFF0 in MEMO_OFF_BITS bits.
 */
#define MEMO_DAY0       (DATETIME_MIN / 86400 - 2)
#define MEMO_OFF_BITS   16
#define MEMO_OFF0       4096

/* d digits of v (zero-padded) at p; returns the end. */
static char *
put_digits(char *p, unsigned v, int d)
{
	int i;

	for (i = d - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + d;
}

void
datetime_memo_clear(struct datetime_memo *m)
{
	size_t i;

	for (i = 0; i < DATETIME_MEMO_DAYS; i++)
		atomic_store_explicit(&m->slot[i], 0, memory_order_relaxed);
}

char *
datetime_format_memo(struct datetime_memo *m, int64_t t, char *buf,
    size_t len)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t local, z, secs;
	int y, mo, dd;
	unsigned slot = (unsigned)(day & (DATETIME_MEMO_DAYS - 1));
	uint64_t key;
	long off, a;
	char *p = buf;

	if (len < DATETIME_LEN || t < DATETIME_MIN || t > DATETIME_MAX)
		return datetime_format(t, buf, len);
	key = atomic_load_explicit(&m->slot[slot], memory_order_relaxed);
	if (key >> MEMO_OFF_BITS != (uint64_t)(day - MEMO_DAY0)) {
		off = offset_at(day * 86400);
		/* Kept only when the whole day has one offset of whole
		 * minutes (one change a day at most, as in every zone). */
		if (off == LONG_MIN || off % 60 != 0 || off / 60 <= -MEMO_OFF0 ||
		    off / 60 >= MEMO_OFF0 || offset_at(day * 86400 + 86399) != off)
			return datetime_format(t, buf, len);
		atomic_store_explicit(&m->slot[slot], (uint64_t)(day -
		    MEMO_DAY0) << MEMO_OFF_BITS | (uint64_t)(off / 60 +
		    MEMO_OFF0), memory_order_relaxed);
	} else
		off = ((long)(key & ((1u << MEMO_OFF_BITS) - 1)) - MEMO_OFF0) *
		    60;
	local = t + off;
	z = (local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
	secs = local - z * 86400;
	calendar_date((int32_t)z, &y, &mo, &dd);
	if (y < 0 || y > 9999)
		return datetime_format(t, buf, len);
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)mo, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)dd, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned)(secs / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(secs / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(secs % 60), 2);
	*p++ = off < 0 ? '-' : '+';
	a = off < 0 ? -off : off;
	p = put_digits(p, (unsigned)(a / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(a % 3600 / 60), 2);
	*p = '\0';
	return buf;
}

int
datetime_set_zone(const char *zone)
{
	char path[512];

	/* tzset() silently falls back to UTC on unknown names: check first. */
	if (strcmp(zone, "UTC") != 0) {
		if (strstr(zone, "..") != NULL || zone[0] == '/' ||
		    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
		    zone) >= (int)sizeof(path) || access(path, R_OK) != 0)
			return -1;
	}
	if (setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	return 0;
}

int64_t
datetime_end_of_day(int64_t t, int days)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}
