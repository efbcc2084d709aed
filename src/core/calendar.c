/*
 * calendar.c: working-day calendars and their strict text parser.
 *
 * Each covered year keeps one byte per day saying whether a file line made
 * it a holiday, a transfer day off or a working weekend day; other days
 * follow the year's weekend.  The file format is in docs/deadlines.md.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/calendar.h"
#include "core/parse.h"

enum day_kind {
	DAY_DEFAULT,            /* as the weekend says */
	DAY_HOLIDAY,            /* a public holiday: not worked */
	DAY_DAYOFF,             /* a weekday made a day off by a transfer */
	DAY_WORKDAY,            /* a weekend day made a working day */
	DAY__MAX
};

static const char *const kind_names[DAY__MAX] = {
	[DAY_DEFAULT] = NULL,
	[DAY_HOLIDAY] = "holiday",
	[DAY_DAYOFF] = "dayoff",
	[DAY_WORKDAY] = "workday",
};

static const char *const weekday_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

#define WEEKEND_DEFAULT ((1u << 5) | (1u << 6))

struct cal_year {
	int year;
	unsigned weekend;               /* bit i: weekday i is a day off */
	unsigned char kind[366];        /* enum day_kind by day of year */
	char *name[366];                /* owned; NULL for ordinary days */
	char *source;                   /* owned: the file it came from */
};

struct calendar {
	struct cal_year *years[VECHE_MAX_CALENDAR_YEARS]; /* sorted by year */
	size_t nyears;
};

/* Howard Hinnant's days_from_civil: proleptic Gregorian, 1970-01-01 is 0. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t
calendar_day(int year, int month, int mday)
{
	int64_t y = year, m = month - 1;

	/* Normalise the month first, then let the day run on. */
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12;
	return (int32_t)(days_from_civil(y, m + 1, 1) + mday - 1);
}

void
calendar_date(int32_t day, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)day + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*mday = (int)d;
}

int
calendar_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)((((int64_t)day % 7) + 7 + 3) % 7);
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static void
year_free(struct cal_year *y)
{
	size_t i;

	if (y == NULL)
		return;
	for (i = 0; i < 366; i++)
		free(y->name[i]);
	free(y->source);
	free(y);
}

struct calendar *
calendar_new(void)
{
	return calloc(1, sizeof(struct calendar));
}

void
calendar_free(struct calendar *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nyears; i++)
		year_free(c->years[i]);
	free(c);
}

static const struct cal_year *
find_year(const struct calendar *c, int year)
{
	size_t i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < c->nyears; i++)
		if (c->years[i]->year == year)
			return c->years[i];
	return NULL;
}

int
calendar_covers(const struct calendar *c, int year)
{
	return find_year(c, year) != NULL;
}

/* The year of day and its entry, or NULL outside the covered years. */
static const struct cal_year *
year_of(const struct calendar *c, int32_t day, int *yday)
{
	const struct cal_year *y;
	int year, month, mday;

	if (c == NULL || c->nyears == 0)
		return NULL;
	calendar_date(day, &year, &month, &mday);
	if ((y = find_year(c, year)) != NULL)
		*yday = (int)(day - calendar_day(year, 1, 1));
	return y;
}

int
calendar_is_working_day(const struct calendar *c, int32_t day)
{
	const struct cal_year *y;
	int yday = 0;

	if ((y = year_of(c, day, &yday)) == NULL)
		return calendar_weekday(day) < 5;
	switch (y->kind[yday]) {
	case DAY_HOLIDAY:
	case DAY_DAYOFF:
		return 0;
	case DAY_WORKDAY:
		return 1;
	default:
		return !(y->weekend & (1u << calendar_weekday(day)));
	}
}

const char *
calendar_day_name(const struct calendar *c, int32_t day)
{
	const struct cal_year *y;
	int yday = 0;

	if ((y = year_of(c, day, &yday)) == NULL || y->kind[yday] == DAY_DEFAULT)
		return NULL;
	return y->name[yday] != NULL ? y->name[yday] : "";
}

int32_t
calendar_add_working_days(const struct calendar *c, int32_t day, int n)
{
	int step = n < 0 ? -1 : 1;

	/*
	 * Terminates: a covered year may lack working days, but only
	 * VECHE_MAX_CALENDAR_YEARS are covered, and beyond them every week has
	 * five.
	 */
	while (n != 0) {
		day += step;
		if (calendar_is_working_day(c, day))
			n -= step;
	}
	return day;
}

int
calendar_working_days_between(const struct calendar *c, int32_t from,
    int32_t to)
{
	int32_t d;
	int n = 0;

	if (to < from)
		return -calendar_working_days_between(c, to, from);
	for (d = from + 1; d <= to; d++)
		n += calendar_is_working_day(c, d);
	return n;
}

char *
calendar_describe(const struct calendar *c, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (c == NULL || c->nyears == 0) {
		snprintf(buf, len, "no working-day calendar: every year counts "
		    "Monday to Friday as working days");
		return buf;
	}
	for (i = 0; i < c->nyears && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%d (%s)",
		    i == 0 ? "working-day calendar for " : ", ",
		    c->years[i]->year, c->years[i]->source);
		if (n < 0)
			return buf;
		used += (size_t)n;
	}
	if (used < len)
		snprintf(buf + used, len - used, "; other years count Monday to "
		    "Friday as working days");
	return buf;
}

/* The parser's state: one file, one line at a time. */
struct parser {
	const char *source;
	size_t line;
	char *err;
	size_t errlen;
	struct cal_year *years[VECHE_MAX_CALENDAR_YEARS];
	size_t nyears;
	struct cal_year *cur;           /* the year being read, or NULL */
	int weekend_set;                /* cur had a weekend line */
	int dates_seen;                 /* cur had a date line */
	const struct calendar *into;    /* to refuse years loaded already */
};

static int
fail(struct parser *p, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser *p, size_t col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%zu:%zu: %s", p->source, p->line, col,
	    msg);
	return -1;
}

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The token at *pos of line (length n): start and length; advances *pos. */
static size_t
token(const char *line, size_t n, size_t *pos, size_t *start)
{
	while (*pos < n && blank(line[*pos]))
		(*pos)++;
	*start = *pos;
	while (*pos < n && !blank(line[*pos]))
		(*pos)++;
	return *pos - *start;
}

static int
token_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(tok, word, len) == 0;
}

/* Exactly n ASCII digits. */
static int
number(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/* Nothing may follow at pos but blanks. */
static int
line_end(struct parser *p, const char *line, size_t n, size_t pos,
    const char *what)
{
	size_t start;

	if (token(line, n, &pos, &start) != 0)
		return fail(p, start + 1, "unexpected '%.*s' after %s",
		    (int)(pos - start > 40 ? 40 : pos - start), line + start,
		    what);
	return 0;
}

static int
parse_year(struct parser *p, const char *line, size_t n, size_t pos)
{
	size_t start, len, i;
	int year;

	len = token(line, n, &pos, &start);
	if (len != 4 || number(line + start, 4, &year) == -1)
		return fail(p, start + 1, "'year' takes a four-digit year, e.g. "
		    "'year 2026'");
	if (year < VECHE_CALENDAR_MIN_YEAR || year > VECHE_CALENDAR_MAX_YEAR)
		return fail(p, start + 1, "year %d is outside %d..%d", year,
		    VECHE_CALENDAR_MIN_YEAR, VECHE_CALENDAR_MAX_YEAR);
	if (line_end(p, line, n, pos, "the year") == -1)
		return -1;
	for (i = 0; i < p->nyears; i++)
		if (p->years[i]->year == year)
			return fail(p, start + 1, "year %d appears twice", year);
	if (find_year(p->into, year) != NULL)
		return fail(p, start + 1, "year %d is already loaded from %s",
		    year, find_year(p->into, year)->source);
	if (p->nyears + (p->into ? p->into->nyears : 0) >=
	    VECHE_MAX_CALENDAR_YEARS)
		return fail(p, start + 1, "more than %d years in one calendar",
		    VECHE_MAX_CALENDAR_YEARS);
	if ((p->cur = calloc(1, sizeof(*p->cur))) == NULL)
		return fail(p, start + 1, "out of memory");
	p->cur->year = year;
	p->cur->weekend = WEEKEND_DEFAULT;
	p->years[p->nyears++] = p->cur;
	p->weekend_set = p->dates_seen = 0;
	return 0;
}

static int
parse_weekend(struct parser *p, const char *line, size_t n, size_t pos,
    size_t col)
{
	unsigned set = 0;
	size_t start, len;
	int i, count = 0;

	if (p->cur == NULL)
		return fail(p, col, "'weekend' before any 'year' line");
	if (p->weekend_set)
		return fail(p, col, "a second 'weekend' line for year %d",
		    p->cur->year);
	if (p->dates_seen)
		return fail(p, col, "'weekend' must come before the dates of "
		    "year %d", p->cur->year);
	while ((len = token(line, n, &pos, &start)) != 0) {
		for (i = 0; i < 7; i++)
			if (token_is(line + start, len, weekday_names[i]))
				break;
		if (i == 7)
			return fail(p, start + 1, "'%.*s' is not a day of the "
			    "week: use mon tue wed thu fri sat sun",
			    (int)(len > 40 ? 40 : len), line + start);
		if (set & (1u << i))
			return fail(p, start + 1, "'%s' appears twice",
			    weekday_names[i]);
		set |= 1u << i;
		count++;
	}
	if (count == 0 || count == 7)
		return fail(p, pos + 1, "'weekend' takes one to six days of the "
		    "week, e.g. 'weekend sat sun'");
	p->cur->weekend = set;
	p->weekend_set = 1;
	return 0;
}

static int
parse_date_line(struct parser *p, enum day_kind kind, const char *line,
    size_t n, size_t pos, size_t col)
{
	char name[VECHE_MAX_CALENDAR_LINE + 1];
	size_t start, len, end, chars, bad;
	int y, m, d, yday, wd;
	int32_t day;

	if (p->cur == NULL)
		return fail(p, col, "'%s' before any 'year' line",
		    kind_names[kind]);
	len = token(line, n, &pos, &start);
	if (len != 10 || number(line + start, 4, &y) == -1 ||
	    line[start + 4] != '-' || number(line + start + 5, 2, &m) == -1 ||
	    line[start + 7] != '-' || number(line + start + 8, 2, &d) == -1)
		return fail(p, start + 1, "'%s' takes a date YYYY-MM-DD, e.g. "
		    "'%s %d-01-01'", kind_names[kind], kind_names[kind],
		    p->cur->year);
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return fail(p, start + 1, "%.10s is not a calendar date",
		    line + start);
	if (y != p->cur->year)
		return fail(p, start + 1, "%.10s is not in year %d (the last "
		    "'year' line)", line + start, p->cur->year);
	day = calendar_day(y, m, d);
	yday = (int)(day - calendar_day(y, 1, 1));
	wd = calendar_weekday(day);
	if (p->cur->kind[yday] != DAY_DEFAULT)
		return fail(p, start + 1, "%.10s is listed twice", line + start);
	if (kind == DAY_DAYOFF && (p->cur->weekend & (1u << wd)))
		return fail(p, start + 1, "%.10s is a %s, a weekend day already: "
		    "'dayoff' makes a weekday a day off", line + start,
		    weekday_names[wd]);
	if (kind == DAY_WORKDAY && !(p->cur->weekend & (1u << wd)))
		return fail(p, start + 1, "%.10s is a %s, a working day already:"
		    " 'workday' makes a weekend day a working day",
		    line + start, weekday_names[wd]);
	/* The rest of the line, trimmed, is the day's name. */
	while (pos < n && blank(line[pos]))
		pos++;
	end = n;
	while (end > pos && blank(line[end - 1]))
		end--;
	memcpy(name, line + pos, end - pos);
	name[end - pos] = '\0';
	if (parse_utf8(name, 0, &chars, &bad) == -1)
		return fail(p, pos + bad + 1, "the name is not UTF-8 text "
		    "without control characters");
	if (chars > VECHE_MAX_NAME)
		return fail(p, pos + 1, "the name has %zu characters, at most "
		    "%d allowed", chars, VECHE_MAX_NAME);
	if (end > pos && (p->cur->name[yday] = strdup(name)) == NULL)
		return fail(p, pos + 1, "out of memory");
	p->cur->kind[yday] = (unsigned char)kind;
	p->dates_seen = 1;
	return 0;
}

static int
parse_line(struct parser *p, const char *line, size_t n)
{
	size_t pos = 0, start, len;
	int k;

	len = token(line, n, &pos, &start);
	if (len == 0 || line[start] == '#')
		return 0;
	if (token_is(line + start, len, "year"))
		return parse_year(p, line, n, pos);
	if (token_is(line + start, len, "weekend"))
		return parse_weekend(p, line, n, pos, start + 1);
	for (k = DAY_HOLIDAY; k < DAY__MAX; k++)
		if (token_is(line + start, len, kind_names[k]))
			return parse_date_line(p, (enum day_kind)k, line, n, pos,
			    start + 1);
	return fail(p, start + 1, "unknown keyword '%.*s': expected year, "
	    "weekend, holiday, dayoff, workday or a # comment",
	    (int)(len > 40 ? 40 : len), line + start);
}

static int
year_cmp(const void *a, const void *b)
{
	const struct cal_year *x = *(struct cal_year *const *)a;
	const struct cal_year *y = *(struct cal_year *const *)b;

	return (x->year > y->year) - (x->year < y->year);
}

int
calendar_parse(struct calendar *c, const char *source, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct parser p;
	const char *line, *nl, *nul;
	size_t off = 0, n, i;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.source = source;
	p.err = err;
	p.errlen = errlen;
	p.into = c;
	while (off < len) {
		p.line++;
		line = text + off;
		nl = memchr(line, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - line) : len - off;
		off += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n > VECHE_MAX_CALENDAR_LINE) {
			fail(&p, VECHE_MAX_CALENDAR_LINE + 1, "line longer than "
			    "%d bytes", VECHE_MAX_CALENDAR_LINE);
			goto out;
		}
		if ((nul = memchr(line, '\0', n)) != NULL) {
			fail(&p, (size_t)(nul - line) + 1, "a NUL byte");
			goto out;
		}
		if (parse_line(&p, line, n) == -1)
			goto out;
	}
	if (p.nyears == 0) {
		p.line = 1;
		fail(&p, 1, "no 'year' line: a calendar file starts with "
		    "'year YYYY'");
		goto out;
	}
	for (i = 0; i < p.nyears; i++)
		if ((p.years[i]->source = strdup(source)) == NULL) {
			fail(&p, 1, "out of memory");
			goto out;
		}
	for (i = 0; i < p.nyears; i++) {
		c->years[c->nyears++] = p.years[i];
		p.years[i] = NULL;
	}
	qsort(c->years, c->nyears, sizeof(c->years[0]), year_cmp);
	rc = 0;
out:
	for (i = 0; i < p.nyears; i++)
		year_free(p.years[i]);
	return rc;
}

int
calendar_load_file(struct calendar *c, const char *path, char *err,
    size_t errlen)
{
	char *buf = NULL;
	size_t n;
	FILE *f;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if ((buf = malloc(VECHE_MAX_CALENDAR_FILE + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, VECHE_MAX_CALENDAR_FILE + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (n > VECHE_MAX_CALENDAR_FILE) {
		snprintf(err, errlen, "%s: larger than %u bytes", path,
		    VECHE_MAX_CALENDAR_FILE);
		goto out;
	}
	rc = calendar_parse(c, path, buf, n, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

/* 1 if file is NAME-YYYY.txt for this name. */
static int
calendar_file(const char *file, const char *name)
{
	size_t n = strlen(name);
	int year;

	return strncmp(file, name, n) == 0 && file[n] == '-' &&
	    number(file + n + 1, 4, &year) == 0 &&
	    strcmp(file + n + 5, ".txt") == 0;
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct calendar *
calendar_load(const char *dir, const char *name, char *err, size_t errlen)
{
	char *files[VECHE_MAX_CALENDAR_YEARS];
	char path[1024];
	struct calendar *c = NULL;
	struct dirent *de;
	size_t i, nfiles = 0, n = strlen(name);
	DIR *d = NULL;
	int ok = 0;

	if (n == 0 || n > VECHE_MAX_CALENDAR_NAME ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n) {
		snprintf(err, errlen, "calendar '%.40s': a name is 1 to %d "
		    "characters a-z, 0-9 and _, e.g. 'ru'", name,
		    VECHE_MAX_CALENDAR_NAME);
		return NULL;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "calendar '%s': cannot open folder %s",
		    name, dir);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (!calendar_file(de->d_name, name))
			continue;
		if (nfiles == VECHE_MAX_CALENDAR_YEARS) {
			snprintf(err, errlen, "calendar '%s': more than %d files "
			    "in %s", name, VECHE_MAX_CALENDAR_YEARS, dir);
			goto out;
		}
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || (files[nfiles] = strdup(path)) ==
		    NULL) {
			snprintf(err, errlen, "calendar '%s': path too long or "
			    "out of memory", name);
			goto out;
		}
		nfiles++;
	}
	if (nfiles == 0) {
		snprintf(err, errlen, "calendar '%s': no files %s/%s-YYYY.txt",
		    name, dir, name);
		goto out;
	}
	qsort(files, nfiles, sizeof(files[0]), path_cmp);
	if ((c = calendar_new()) == NULL) {
		snprintf(err, errlen, "calendar '%s': out of memory", name);
		goto out;
	}
	for (i = 0; i < nfiles; i++)
		if (calendar_load_file(c, files[i], err, errlen) == -1)
			goto out;
	ok = 1;
out:
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	closedir(d);
	if (!ok) {
		calendar_free(c);
		return NULL;
	}
	return c;
}
