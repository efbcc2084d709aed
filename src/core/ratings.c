/*
 * ratings.c: agencies' figures from the public history (ratings.h,
 * docs/ratings.md).  A period is cut at the local calendar months: a past
 * whole month comes from its kept figures (store_ratings_month_get) or is
 * computed by itself and kept; the rest is read in as few passes as it
 * takes.  A pass goes in report order over the histories of the reports
 * with a stay in its stretch (store_ratings_stays_each): a report's
 * entries split into stays, one per agency it was with; each stay that
 * began in the stretch adds to its agency's counts.  The same rules, line
 * for line, are in scripts/ratings_from_dump.py.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/catalog.h"
#include "core/export.h"
#include "core/ratings.h"
#include "core/workflow.h"
#include "store/store.h"
#include "store/store_ratings.h"

_Static_assert(STORE_RATINGS_FORWARD == WF_FORWARD,
    "the store's forward action is the workflow's");

static int month_bound(int y, int m, int end, const char *field, int64_t *t,
    char date[11], struct verr *e);

/* A growable list of durations in seconds, for a median. */
struct durations {
	int64_t *v;
	size_t n, cap;
};

/* Per agency while computing: the figures and the durations. */
struct acc {
	char code[VECHE_MAX_CODE + 1];
	struct ratings_agency a;
	int64_t reg_due, reg_ok, ans_due, ans_ok, fixed_yes, fixed_no;
	struct durations answer, close;
};

/*
 * The stays that began in a stretch of time (a month or a part of one),
 * per agency, in the order first met.
 */
struct part {
	struct acc *accs;
	size_t n, cap;
	/*
	 * The first deadline at or after the computation's clock that judges
	 * an open stay of the part; INT64_MAX for none.  Up to it the figures
	 * hold as long as no stay changes.
	 */
	int64_t valid_until;
	int failed;                     /* out of memory */
};

/* The stay being read. */
struct stay {
	int64_t start;
	const char *to_agency;          /* set when a forward began it */
	char to_buf[VECHE_MAX_CODE + 1];
	int registered, reg_ok;
	int answered, ans_ok, extended;
	int64_t answer_at;
	int closed;
	int64_t close_at;
	int rejected;
	int extensions, reopened, fixed_yes, fixed_no;
};

/* One pass: the stays that began in [from, to] add to part. */
struct pass {
	int64_t from, to;
	int64_t now;
	struct part *part;
	int64_t report;                 /* the report being read; 0: none yet */
	int64_t register_due;           /* its current deadlines */
	int64_t expected;
	char agency[VECHE_MAX_CODE + 1];  /* its current agency ("": none) */
	struct stay st;
};

static int
durations_add(struct durations *d, const int64_t *v, size_t n)
{
	int64_t *nv;
	size_t cap;

	if (d->n + n > d->cap) {
		for (cap = d->cap ? d->cap : 16; cap < d->n + n; cap *= 2)
			;
		if ((nv = realloc(d->v, cap * sizeof(*nv))) == NULL)
			return -1;
		d->v = nv;
		d->cap = cap;
	}
	if (n > 0)
		memcpy(d->v + d->n, v, n * sizeof(*v));
	d->n += n;
	return 0;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The median in days, -1 for none; the middle two's mean when even. */
static double
median_days(struct durations *d)
{
	double m;

	if (d->n == 0)
		return -1;
	qsort(d->v, d->n, sizeof(*d->v), cmp_int64);
	if (d->n % 2)
		m = (double)d->v[d->n / 2];
	else
		m = ((double)d->v[d->n / 2 - 1] + (double)d->v[d->n / 2]) / 2;
	return m / 86400.0;
}

void
ratings_wilson(int64_t k, int64_t n, struct ratings_share *out)
{
	ratings_wilson_weighed((double)k, (double)n, out);
	out->k = k;
	out->n = n;
}

void
ratings_wilson_weighed(double k, double n, struct ratings_share *out)
{
	const double z = RATINGS_Z, z2 = z * z;
	double p, denom, centre, half;

	memset(out, 0, sizeof(*out));
	out->k = (int64_t)llround(k);
	out->n = (int64_t)llround(n);
	if (!(n > 0))
		return;
	p = k / n;
	denom = 1 + z2 / n;
	centre = (p + z2 / (2 * n)) / denom;
	half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
	out->p = p;
	out->lo = fmax(0, centre - half);
	out->hi = fmin(1, centre + half);
}

static void
part_init(struct part *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->valid_until = INT64_MAX;
}

static void
part_free(struct part *pt)
{
	size_t i;

	for (i = 0; i < pt->n; i++) {
		free(pt->accs[i].answer.v);
		free(pt->accs[i].close.v);
	}
	free(pt->accs);
	part_init(pt);
}

/* Agency code's accumulator in pt, added if new; NULL: out of memory. */
static struct acc *
part_acc(struct part *pt, const char *code)
{
	struct acc *nv;
	size_t i, cap;

	for (i = pt->n; i > 0; i--)
		if (strcmp(pt->accs[i - 1].code, code) == 0)
			return &pt->accs[i - 1];
	if (pt->n == pt->cap) {
		cap = pt->cap ? pt->cap * 2 : 16;
		if ((nv = realloc(pt->accs, cap * sizeof(*nv))) == NULL) {
			pt->failed = 1;
			return NULL;
		}
		pt->accs = nv;
		pt->cap = cap;
	}
	memset(&pt->accs[pt->n], 0, sizeof(pt->accs[pt->n]));
	snprintf(pt->accs[pt->n].code, sizeof(pt->accs[pt->n].code), "%s",
	    code);
	return &pt->accs[pt->n++];
}

/* Add b's counts and durations to a; 0, or -1 when out of memory. */
static int
acc_add(struct acc *a, const struct acc *b)
{
	a->a.received += b->a.received;
	a->reg_due += b->reg_due;
	a->reg_ok += b->reg_ok;
	a->ans_due += b->ans_due;
	a->ans_ok += b->ans_ok;
	a->a.in_time_extended += b->a.in_time_extended;
	a->a.answered += b->a.answered;
	a->a.closed += b->a.closed;
	a->a.extensions += b->a.extensions;
	a->a.forwarded += b->a.forwarded;
	a->a.rejected += b->a.rejected;
	a->a.reopened += b->a.reopened;
	a->fixed_yes += b->fixed_yes;
	a->fixed_no += b->fixed_no;
	return durations_add(&a->answer, b->answer.v, b->answer.n) == -1 ||
	    durations_add(&a->close, b->close.v, b->close.n) == -1 ? -1 : 0;
}

/* Deadline d judges an open stay at now: note it for the part's validity. */
static void
judged(struct pass *ps, int64_t d)
{
	if (d != 0 && d >= ps->now && d < ps->part->valid_until)
		ps->part->valid_until = d;
}

/*
 * The stay ends: at a forward by agency `code` (ended = 1), or at the end
 * of its report's history (ended = 0, judged at now by the report's
 * current deadlines).
 */
static void
stay_end(struct pass *ps, const char *code, int forwarded)
{
	struct stay *st = &ps->st;
	struct acc *a;
	int open = !forwarded && !st->rejected;
	int64_t d;

	if (code == NULL || *code == '\0' || st->start < ps->from ||
	    st->start > ps->to || (a = part_acc(ps->part, code)) == NULL)
		return;
	a->a.received++;
	if (open && !st->registered)
		judged(ps, ps->register_due);
	if (open && st->registered && !st->answered)
		judged(ps, ps->expected);
	if (st->registered || (open && ps->register_due != 0 &&
	    ps->register_due < ps->now))
		a->reg_due++;
	a->reg_ok += st->reg_ok;
	if (st->registered && (st->answered || (open && ps->expected != 0 &&
	    ps->expected < ps->now)))
		a->ans_due++;
	if (st->ans_ok) {
		a->ans_ok++;
		a->a.in_time_extended += st->extended;
	}
	if (st->answered) {
		a->a.answered++;
		d = st->answer_at - st->start;
		if (durations_add(&a->answer, &d, 1) == -1)
			ps->part->failed = 1;
	}
	if (st->closed) {
		a->a.closed++;
		d = st->close_at - st->start;
		if (durations_add(&a->close, &d, 1) == -1)
			ps->part->failed = 1;
	}
	a->a.extensions += st->extensions;
	a->a.forwarded += forwarded;
	a->a.rejected += st->rejected;
	a->a.reopened += st->reopened;
	a->fixed_yes += st->fixed_yes;
	a->fixed_no += st->fixed_no;
}

static void
stay_begin(struct stay *st, int64_t start, const char *to_agency)
{
	memset(st, 0, sizeof(*st));
	st->start = start;
	if (to_agency != NULL) {
		snprintf(st->to_buf, sizeof(st->to_buf), "%s", to_agency);
		st->to_agency = st->to_buf;
	}
}

/* The agency of the last stay of the report being read. */
static const char *
last_agency(const struct pass *ps)
{
	return ps->st.to_agency != NULL ? ps->st.to_agency : ps->agency;
}

static int
on_row(const struct opendata_event *r, void *arg)
{
	struct pass *ps = arg;
	struct stay *st = &ps->st;

	if (r->report_id != ps->report) {
		if (ps->report != 0)
			stay_end(ps, last_agency(ps), 0);
		ps->report = r->report_id;
		snprintf(ps->agency, sizeof(ps->agency), "%s",
		    r->agency != NULL ? r->agency : "");
		ps->register_due = r->report_register_due;
		ps->expected = r->report_expected;
		stay_begin(st, r->requested, NULL);
	}
	switch (r->action) {
	case WF_REGISTER:
		if (!st->registered) {
			st->registered = 1;
			st->reg_ok = r->register_due != 0 &&
			    r->created <= r->register_due;
		}
		break;
	case WF_ANSWER:
		if (!st->answered) {
			st->answered = 1;
			st->answer_at = r->created;
			st->ans_ok = r->expected != 0 &&
			    r->created <= r->expected;
		}
		break;
	case WF_CLOSE:
		if (!st->closed) {
			st->closed = 1;
			st->close_at = r->created;
		}
		break;
	case WF_REJECT:
		st->rejected = 1;
		break;
	case WF_EXTEND:
		st->extensions++;
		if (!st->answered)
			st->extended = 1;
		break;
	case WF_REOPEN:
		st->reopened++;
		break;
	case WF_FIXED:
		if (r->fixed == 1)
			st->fixed_yes++;
		else if (r->fixed == 0)
			st->fixed_no++;
		break;
	case WF_FORWARD:
		/* The forwarding agency, else the one the last forward named. */
		stay_end(ps, r->from_agency != NULL ? r->from_agency :
		    st->to_agency, 1);
		stay_begin(st, r->created, r->to_agency);
		break;
	default:
		break;
	}
	return 0;
}

/* Ranked first by the lower bound of in_time, then by received, code. */
static int
cmp_rank(const void *x, const void *y)
{
	const struct ratings_agency *a = x, *b = y;

	if (a->few != b->few)
		return a->few - b->few;
	if (!a->few && a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (!a->few && a->received != b->received)
		return a->received < b->received ? 1 : -1;
	return strcmp(a->code, b->code);
}

/* A kept row into pt; 0, or -1 when out of memory. */
static int
kept_row(const struct ratings_kept_row *r, void *arg)
{
	struct part *pt = arg;
	struct acc *a;

	if ((a = part_acc(pt, r->agency)) == NULL)
		return -1;
	a->a.received = r->count[SRC_RECEIVED];
	a->reg_due = r->count[SRC_REG_DUE];
	a->reg_ok = r->count[SRC_REG_OK];
	a->ans_due = r->count[SRC_ANS_DUE];
	a->ans_ok = r->count[SRC_ANS_OK];
	a->a.in_time_extended = r->count[SRC_IN_TIME_EXTENDED];
	a->a.answered = r->count[SRC_ANSWERED];
	a->a.closed = r->count[SRC_CLOSED];
	a->a.extensions = r->count[SRC_EXTENSIONS];
	a->a.forwarded = r->count[SRC_FORWARDED];
	a->a.rejected = r->count[SRC_REJECTED];
	a->a.reopened = r->count[SRC_REOPENED];
	a->fixed_yes = r->count[SRC_FIXED_YES];
	a->fixed_no = r->count[SRC_FIXED_NO];
	if (durations_add(&a->answer, r->answer, r->nanswer) == -1 ||
	    durations_add(&a->close, r->close, r->nclose) == -1) {
		pt->failed = 1;
		return -1;
	}
	return 0;
}

/* Keep pt as month k's figures; a failure only costs time later. */
static void
part_keep(struct store *s, struct ratings_kept_month *k,
    const struct part *pt)
{
	struct ratings_kept_row *rows;
	const struct acc *a;
	size_t i;

	if (k->gen < 0 || (rows = calloc(pt->n ? pt->n : 1,
	    sizeof(*rows))) == NULL)
		return;
	for (i = 0; i < pt->n; i++) {
		a = &pt->accs[i];
		rows[i].agency = a->code;
		rows[i].count[SRC_RECEIVED] = a->a.received;
		rows[i].count[SRC_REG_DUE] = a->reg_due;
		rows[i].count[SRC_REG_OK] = a->reg_ok;
		rows[i].count[SRC_ANS_DUE] = a->ans_due;
		rows[i].count[SRC_ANS_OK] = a->ans_ok;
		rows[i].count[SRC_IN_TIME_EXTENDED] = a->a.in_time_extended;
		rows[i].count[SRC_ANSWERED] = a->a.answered;
		rows[i].count[SRC_CLOSED] = a->a.closed;
		rows[i].count[SRC_EXTENSIONS] = a->a.extensions;
		rows[i].count[SRC_FORWARDED] = a->a.forwarded;
		rows[i].count[SRC_REJECTED] = a->a.rejected;
		rows[i].count[SRC_REOPENED] = a->a.reopened;
		rows[i].count[SRC_FIXED_YES] = a->fixed_yes;
		rows[i].count[SRC_FIXED_NO] = a->fixed_no;
		rows[i].answer = a->answer.v;
		rows[i].nanswer = a->answer.n;
		rows[i].close = a->close.v;
		rows[i].nclose = a->close.n;
	}
	(void)store_ratings_month_keep(s, k, rows, pt->n);
	free(rows);
}

/*
 * The stays that began in [from, to] into pt (empty), judged at now.  A
 * past whole month (keep) comes from the kept figures when they hold, and
 * is kept when it was computed.  Returns 0, or -1 with e set.
 */
static int
part_fill(struct store *s, int64_t from, int64_t to, int64_t now, int keep,
    struct part *pt, struct verr *e)
{
	struct ratings_kept_month k;
	struct pass ps;
	int rc, failed;

	memset(&ps, 0, sizeof(ps));
	ps.from = from;
	ps.to = to;
	ps.now = now;
	ps.part = pt;
	memset(&k, 0, sizeof(k));
	k.from = from;
	k.to = to;
	k.gen = -1;
	if (keep) {
		if ((rc = store_ratings_month_get(s, from, to, now, kept_row,
		    pt)) == 0)
			return 0;
		failed = pt->failed;
		part_free(pt);
		if (rc != 1)
			return verr_set(e, VERR_INTERNAL, NULL, "%s", failed ?
			    "out of memory" : store_error(s));
		rc = store_ratings_month_read(s, &k, on_row, &ps);
	} else
		rc = store_ratings_stays_each(s, from, to, on_row, &ps);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (ps.report != 0)
		stay_end(&ps, last_agency(&ps), 0);
	if (pt->failed)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	if (keep) {
		k.computed = now;
		k.valid_until = pt->valid_until;
		part_keep(s, &k, pt);
	}
	return 0;
}

/* The figures of a, its durations freed. */
static void
acc_finish(struct acc *a)
{
	ratings_wilson(a->reg_ok, a->reg_due, &a->a.registered);
	ratings_wilson(a->ans_ok, a->ans_due, &a->a.in_time);
	ratings_wilson(a->fixed_yes, a->fixed_yes + a->fixed_no, &a->a.fixed);
	a->a.median_answer_days = median_days(&a->answer);
	a->a.median_close_days = median_days(&a->close);
	a->a.few = a->a.received < VECHE_RATINGS_MIN_REPORTS;
	a->a.score = a->a.in_time.lo;
	free(a->answer.v);
	free(a->close.v);
	a->answer.v = a->close.v = NULL;
}

static void
accs_free(struct acc *accs, size_t n)
{
	size_t i;

	for (i = 0; accs != NULL && i < n; i++) {
		free(accs[i].answer.v);
		free(accs[i].close.v);
	}
	free(accs);
}

/*
 * Add the part's agencies that are among codes[0..ncodes-1] to accs: to
 * accs[i] for codes[i] (merge 0), or all to accs[0] (merge 1).  0, or -1
 * when out of memory.
 */
static int
part_add(const struct part *pt, const char *const *codes, size_t ncodes,
    int merge, struct acc *accs)
{
	size_t i, j;

	for (i = 0; i < pt->n; i++)
		for (j = 0; j < ncodes; j++)
			if (strcmp(pt->accs[i].code, codes[j]) == 0) {
				if (acc_add(&accs[merge ? 0 : j],
				    &pt->accs[i]) == -1)
					return -1;
				break;
			}
	return 0;
}

/* Fill [from, to] and add it as part_add does; 0, or -1 with e set. */
static int
add_stretch(struct store *s, int64_t from, int64_t to, int64_t now,
    int keep, const char *const *codes, size_t ncodes, int merge,
    struct acc *accs, struct verr *e)
{
	struct part pt;
	int rc;

	part_init(&pt);
	if ((rc = part_fill(s, from, to, now, keep, &pt, e)) == 0 &&
	    (rc = part_add(&pt, codes, ncodes, merge, accs)) == -1)
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	part_free(&pt);
	return rc;
}

/* The local calendar month that holds t: its first and last second. */
static int
month_of(int64_t t, int64_t *from, int64_t *to, struct verr *e)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char date[11];

	localtime_r(&tt, &tm);
	if (month_bound(tm.tm_year + 1900, tm.tm_mon + 1, 0, "period", from,
	    date, e) == -1 || month_bound(tm.tm_year + 1900, tm.tm_mon + 1, 1,
	    "period", to, date, e) == -1)
		return -1;
	return 0;
}

/*
 * Add the stays of [p->from, p->to] at codes to accs as part_add does: the
 * past whole months kept, the rest read in as few passes as it takes.
 */
static int
add_period(struct store *s, const struct ratings_period *p, int64_t now,
    const char *const *codes, size_t ncodes, struct acc *accs,
    struct verr *e)
{
	int64_t cur, mfrom, mto, end, live = -1;

	for (cur = p->from; cur <= p->to; cur = end + 1) {
		if (month_of(cur, &mfrom, &mto, e) == -1)
			return -1;
		end = mto < p->to ? mto : p->to;
		if (cur != mfrom || end != mto || mto >= now) {
			if (live == -1)
				live = cur;
			continue;
		}
		if ((live != -1 && add_stretch(s, live, cur - 1, now, 0, codes,
		    ncodes, 0, accs, e) == -1) || add_stretch(s, mfrom, mto,
		    now, 1, codes, ncodes, 0, accs, e) == -1)
			return -1;
		live = -1;
	}
	if (live != -1 && add_stretch(s, live, p->to, now, 0, codes, ncodes,
	    0, accs, e) == -1)
		return -1;
	return 0;
}

struct ratings *
ratings_compute(struct store *s, const struct catalog *c,
    const struct ratings_period *p, int64_t now, struct verr *e)
{
	struct ratings *out = NULL;
	struct acc *accs = NULL;
	const char **codes = NULL;
	size_t i, n = catalog_nagencies(c);

	if ((out = calloc(1, sizeof(*out))) == NULL ||
	    (accs = calloc(n ? n : 1, sizeof(*accs))) == NULL ||
	    (codes = calloc(n ? n : 1, sizeof(*codes))) == NULL ||
	    (out->agencies = calloc(n ? n : 1,
	    sizeof(*out->agencies))) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++)
		codes[i] = catalog_agency_at(c, i)->code;
	if (add_period(s, p, now, codes, n, accs, e) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		acc_finish(&accs[i]);
		out->agencies[i] = accs[i].a;
		out->agencies[i].code = codes[i];
	}
	qsort(out->agencies, n, sizeof(*out->agencies), cmp_rank);
	for (i = 0; i < n; i++)
		out->agencies[i].rank = out->agencies[i].few ? 0 : (int)i + 1;
	out->n = n;
	out->period = *p;
	out->now = now;
	accs_free(accs, n);
	free(codes);
	return out;
fail:
	accs_free(accs, n);
	free(codes);
	ratings_free(out);
	return NULL;
}

int
ratings_months(struct store *s, const char *const *codes, size_t ncodes,
    int64_t now, size_t nmonths, struct ratings_month *out, struct verr *e)
{
	int64_t bounds[RATINGS_MAX_MONTHS + 1];
	struct acc *accs = NULL;
	char date[11];
	time_t tt = (time_t)now;
	struct tm tm;
	size_t i;
	int y, m, rc = -1;

	if (nmonths == 0 || nmonths > RATINGS_MAX_MONTHS)
		return verr_set(e, VERR_INTERNAL, NULL, "months: 1 to %d",
		    RATINGS_MAX_MONTHS);
	localtime_r(&tt, &tm);
	/* The first of the months: nmonths - 1 before now's. */
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1 - (int)(nmonths - 1);
	while (m < 1) {
		m += 12;
		y--;
	}
	for (i = 0; i <= nmonths; i++) {
		if (month_bound(y, m, 0, "month", &bounds[i], date, e) == -1)
			return -1;
		if (i < nmonths) {
			out[i].year = y;
			out[i].month = m;
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	if ((accs = calloc(nmonths, sizeof(*accs))) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	/* Each month apart: the past ones kept, now's read. */
	for (i = 0; i < nmonths; i++)
		if (add_stretch(s, bounds[i], bounds[i + 1] - 1, now,
		    bounds[i + 1] - 1 < now, codes, ncodes, 1, &accs[i], e) ==
		    -1)
			goto out;
	for (i = 0; i < nmonths; i++) {
		acc_finish(&accs[i]);
		out[i].figures = accs[i].a;
		out[i].figures.code = NULL;
	}
	rc = 0;
out:
	accs_free(accs, nmonths);
	return rc;
}

void
ratings_free(struct ratings *r)
{
	if (r == NULL)
		return;
	free(r->agencies);
	free(r);
}

const struct ratings_agency *
ratings_find(const struct ratings *r, const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < r->n; i++)
		if (strcmp(r->agencies[i].code, code) == 0)
			return &r->agencies[i];
	return NULL;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * Month (y, m) as a bound: its first second (end 0) or its last (end 1),
 * and that day's date.  Returns 0, or -1 with e naming field.
 */
static int
month_bound(int y, int m, int end, const char *field, int64_t *t,
    char date[11], struct verr *e)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m,
	    end ? days_in_month(y, m) : 1);
	if (export_parse_date(buf, end, field, t, e) == -1)
		return -1;
	memcpy(date, buf, 11);
	return 0;
}

/* "YYYY-MM" into *y, *m; -1 if it is not one. */
static int
parse_month(const char *s, size_t len, int *y, int *m)
{
	size_t i;

	if (len != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < len; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	return *y >= 1970 && *y <= 2199 && *m >= 1 && *m <= 12 ? 0 : -1;
}

/* A date bound "YYYY-MM-DD" of field into *t and date; -1 with e. */
static int
date_bound(const char *v, int end, const char *field, int64_t *t,
    char date[11], struct verr *e)
{
	if (strlen(v) != 10)
		return verr_set(e, VERR_INVALID, field, "%s: '%.40s' is not a "
		    "date (YYYY-MM-DD)", field, v);
	if (export_parse_date(v, end, field, t, e) == -1)
		return -1;
	memcpy(date, v, 11);
	return 0;
}

int
ratings_period_parse(const char *period, const char *from, const char *to,
    int64_t now, struct ratings_period *p, struct verr *e)
{
	time_t tt = (time_t)now;
	const char *dots;
	struct tm tm;
	int y0, m0, y1, m1;

	memset(p, 0, sizeof(*p));
	if (period != NULL) {
		if (from != NULL || to != NULL)
			return verr_set(e, VERR_INVALID, "period", "period: "
			    "give either period or from/to, not both");
		dots = strstr(period, "..");
		if (parse_month(period, dots ? (size_t)(dots - period) :
		    strlen(period), &y0, &m0) == -1 ||
		    (dots != NULL && parse_month(dots + 2, strlen(dots + 2),
		    &y1, &m1) == -1))
			return verr_set(e, VERR_INVALID, "period", "period: "
			    "'%.40s' is not YYYY-MM..YYYY-MM", period);
		if (dots == NULL) {
			y1 = y0;
			m1 = m0;
		}
	} else {
		/* The twelve months up to and including now's. */
		localtime_r(&tt, &tm);
		y1 = tm.tm_year + 1900;
		m1 = tm.tm_mon + 1;
		y0 = m1 == 12 ? y1 : y1 - 1;
		m0 = m1 == 12 ? 1 : m1 + 1;
	}
	if (month_bound(y0, m0, 0, "period", &p->from, p->from_date, e) ==
	    -1 || month_bound(y1, m1, 1, "period", &p->to, p->to_date, e) ==
	    -1)
		return -1;
	if (from != NULL && date_bound(from, 0, "from", &p->from,
	    p->from_date, e) == -1)
		return -1;
	if (to != NULL && date_bound(to, 1, "to", &p->to, p->to_date, e) ==
	    -1)
		return -1;
	if (p->from > p->to)
		return verr_set(e, VERR_INVALID, period ? "period" : "to",
		    "%s: the end comes before the start", period ? "period" :
		    "to");
	if (p->to - p->from > (int64_t)VECHE_RATINGS_MAX_MONTHS * 31 * 86400)
		return verr_set(e, VERR_INVALID, period ? "period" : "from",
		    "%s: longer than %d months", period ? "period" : "from",
		    VECHE_RATINGS_MAX_MONTHS);
	return 0;
}
