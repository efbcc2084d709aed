/* export.c: CSV export of an agency's reports (export.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/datetime.h"
#include "core/export.h"
#include "core/report.h"
#include "store/store.h"

static const char *const columns[] = {
	"id", "requested", "updated", "status", "service_code", "agency",
	"address", "zipcode", "lat", "long", "description", "status_notes",
	"register_due", "expected", "first_name", "last_name", "email", "phone",
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

int
export_csv_field(const char *v, int text, export_write_fn write, void *arg)
{
	size_t len;
	const char *p, *q;
	int quote;

	if (v == NULL || *v == '\0')
		return 0;
	len = strlen(v);
	quote = strpbrk(v, ",\"\r\n") != NULL || v[0] == ' ' ||
	    v[len - 1] == ' ';
	if (quote && write("\"", 1, arg) == -1)
		return -1;
	if (text && strchr("=+-@\t\r", v[0]) != NULL && write("'", 1, arg) == -1)
		return -1;
	if (!quote)
		return write(v, len, arg);
	for (p = v; (q = strchr(p, '"')) != NULL; p = q + 1)
		if (write(p, (size_t)(q - p) + 1, arg) == -1 ||
		    write("\"", 1, arg) == -1)
			return -1;
	if (write(p, strlen(p), arg) == -1 || write("\"", 1, arg) == -1)
		return -1;
	return 0;
}

struct row_ctx {
	struct store *s;
	export_write_fn write;
	void *arg;
	char contact[4][VECHE_MAX_NAME * 4 + 1];
	int failed;
};

static int
copy_contact(const struct contact *c, void *arg)
{
	struct row_ctx *x = arg;
	const char *v[4] = { c->first_name, c->last_name, c->email, c->phone };
	int i;

	for (i = 0; i < 4; i++)
		snprintf(x->contact[i], sizeof(x->contact[i]), "%s",
		    v[i] ? v[i] : "");
	return 0;
}

static int
write_row(const struct report *r, void *arg)
{
	struct row_ctx *x = arg;
	char id[24], t[4][DATETIME_LEN], lat[32], lon[32];
	const char *f[NCOLUMNS];
	/* Free text that could look like a formula to a spreadsheet. */
	static const int text[NCOLUMNS] = { [6] = 1, [7] = 1, [10] = 1,
	    [11] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1 };
	size_t i;
	int rc;

	memset(x->contact, 0, sizeof(x->contact));
	if ((rc = store_report_contact(x->s, r->id, copy_contact, x)) == -1)
		return -1;
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	lat[0] = lon[0] = '\0';
	if (r->has_point) {
		snprintf(lat, sizeof(lat), "%.6f", r->lat);
		snprintf(lon, sizeof(lon), "%.6f", r->lon);
	}
	f[0] = id;
	f[1] = r->requested ? datetime_format(r->requested, t[0], DATETIME_LEN) :
	    NULL;
	f[2] = r->updated ? datetime_format(r->updated, t[1], DATETIME_LEN) :
	    NULL;
	f[3] = report_status_name(r->status);
	f[4] = r->service_code;
	f[5] = r->agency;
	f[6] = r->address;
	f[7] = r->zipcode;
	f[8] = lat;
	f[9] = lon;
	f[10] = r->description;
	f[11] = r->status_notes;
	f[12] = r->register_due ? datetime_format(r->register_due, t[2],
	    DATETIME_LEN) : NULL;
	f[13] = r->expected ? datetime_format(r->expected, t[3],
	    DATETIME_LEN) : NULL;
	for (i = 0; i < 4; i++)
		f[14 + i] = x->contact[i];
	for (i = 0; i < NCOLUMNS; i++)
		if ((i > 0 && x->write(",", 1, x->arg) == -1) ||
		    export_csv_field(f[i], text[i], x->write, x->arg) == -1) {
			x->failed = 1;
			return -1;
		}
	if (x->write("\r\n", 2, x->arg) == -1) {
		x->failed = 1;
		return -1;
	}
	return 0;
}

int
export_csv(struct store *s, const char *agency, int64_t from, int64_t to,
    int bom, export_write_fn write, void *arg, struct verr *e)
{
	struct report_query q;
	struct row_ctx x;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.write = write;
	x.arg = arg;
	if (bom && write("\xef\xbb\xbf", 3, arg) == -1)
		goto wfail;
	for (i = 0; i < NCOLUMNS; i++)
		if ((i > 0 && write(",", 1, arg) == -1) ||
		    write(columns[i], strlen(columns[i]), arg) == -1)
			goto wfail;
	if (write("\r\n", 2, arg) == -1)
		goto wfail;
	memset(&q, 0, sizeof(q));
	q.agency = agency;
	q.start = from;
	q.end = to;
	q.order = ORDER_ID_ASC;
	if (report_list(s, NULL, &q, write_row, &x) != 0) {
		if (x.failed)
			goto wfail;
		return verr_set(e, VERR_INTERNAL, NULL, "export: %s",
		    store_error(s));
	}
	return 0;
wfail:
	return verr_set(e, VERR_INTERNAL, NULL, "export: the output is too "
	    "large or could not be written");
}

/* n digits at p as a number, or -1. */
static int
digits(const char *p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int
export_parse_date(const char *v, int end, const char *field, int64_t *out,
    struct verr *e)
{
	char why[160];
	struct tm tm;
	int y, m, d;
	time_t t;

	if (v == NULL)
		return verr_set(e, VERR_INVALID, field, "%s: required "
		    "(YYYY-MM-DD)", field);
	if (strlen(v) == 10 && v[4] == '-' && v[7] == '-') {
		y = digits(v, 4);
		m = digits(v + 5, 2);
		d = digits(v + 8, 2);
		if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
			goto bad;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_hour = 12;        /* clear of DST jumps */
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_mday != d)
			goto bad;
		*out = datetime_end_of_day((int64_t)t, end ? 0 : -1) +
		    (end ? 0 : 1);
		return 0;
	}
	if (datetime_parse(v, out, why, sizeof(why)) == 0)
		return 0;
bad:
	return verr_set(e, VERR_INVALID, field, "%s: '%.40s' is not a date "
	    "(YYYY-MM-DD or a W3C date-time)", field, v);
}
