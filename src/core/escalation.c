/*
 * escalation.c: the deadline scanner and the overdue lists.
 *
 * The scan reads open reports in pages of VECHE_ESCALATION_BATCH (so memory
 * stays bounded and no report starves another), then for each deadline
 * due to be notified records the notice and emits its event in one
 * transaction.  The notice table's key makes a notice unique even when two
 * scanners race: the loser's insert changes nothing and it emits nothing.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/escalation.h"
#include "core/outbox.h"
#include "core/worker.h"
#include "store/store.h"
#include "store/store_deadlines.h"

/* A report copied out of the store callback. */
struct candidate {
	int64_t id;
	enum report_status status;
	char agency[VECHE_MAX_CODE + 1];
	int has_agency;
	int64_t register_due;
	int64_t answer_due;
	int64_t extended_due;
};

struct page {
	struct candidate *v;
	size_t n;
	int64_t last_id;
};

static int
on_row(const struct deadline_row *r, void *arg)
{
	struct page *p = arg;
	struct candidate *c = &p->v[p->n++];

	memset(c, 0, sizeof(*c));
	c->id = r->report_id;
	c->status = r->status;
	if (r->agency != NULL) {
		snprintf(c->agency, sizeof(c->agency), "%s", r->agency);
		c->has_agency = 1;
	}
	c->register_due = r->register_due;
	c->answer_due = r->answer_due;
	c->extended_due = r->extended_due;
	p->last_id = r->report_id;
	return 0;
}

/*
 * The running deadline of a report, as the workflow module sees it too:
 * registration while it is submitted, then the answer (the extended one
 * once extended).  0 when it has none.
 */
static int
running(const struct candidate *c, enum deadline_kind *kind, int64_t *due)
{
	if (c->status == STATUS_SUBMITTED) {
		*kind = DEADLINE_REGISTER;
		*due = c->register_due;
	} else if (c->extended_due > 0) {
		*kind = DEADLINE_EXTENDED;
		*due = c->extended_due;
	} else {
		*kind = DEADLINE_ANSWER;
		*due = c->answer_due;
	}
	return *due > 0;
}

/* Record and emit one notice: 1 if emitted, 0 if sent already, -1. */
static int
notify(struct store *s, const struct escalation_item *it, int64_t now,
    struct verr *e)
{
	enum event_type ev = it->state == DEADLINE_PASSED ?
	    EVENT_DEADLINE_PASSED : EVENT_DEADLINE_NEAR;
	const char *kind = deadline_kind_name(it->kind);
	const char *evname = outbox_event_name(ev);
	char detail[64], when[DATETIME_LEN];
	int own, rc;

	rc = store_deadline_notice_sent(s, it->report_id, kind, it->due,
	    evname);
	if (rc != 0)
		return rc == 1 ? 0 : verr_set(e, VERR_INTERNAL, NULL, "deadline "
		    "scan: %s", store_error(s));
	snprintf(detail, sizeof(detail), "%s %s", kind,
	    datetime_format(it->due, when, sizeof(when)));
	own = !store_in_transaction(s);
	if (own && store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
		    store_error(s));
	rc = store_deadline_notice_put(s, it->report_id, kind, it->due, evname,
	    now);
	if (rc == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
		    store_error(s));
		goto fail;
	}
	if (rc == 1) {
		/* Another scanner recorded it first. */
		if (own)
			store_rollback(s);
		return 0;
	}
	if (outbox_emit(s, ev, it->report_id, detail, now, e) == -1)
		goto fail;
	if (own && store_commit(s) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
		    store_error(s));
		goto fail;
	}
	return 1;
fail:
	if (own)
		store_rollback(s);
	return -1;
}

/* The near days of a deadline of this kind (registration: one). */
static int
near_days(enum deadline_kind kind, int near)
{
	/*
	 * Registration is a three-day window: warning N days ahead would
	 * warn at receipt, so it is warned of on its last working day only.
	 */
	return kind == DEADLINE_REGISTER && near > 1 ? 1 : near;
}

/*
 * What a scan at now needs after one at last that saw every report
 * (store_deadline_open_since), as deadline_state decides: deadlines
 * passed since (not passed at last: due >= last; passed now: due < now),
 * deadlines come near since (due beyond either kind's horizon at last,
 * within it now: usually none, the horizon being a day's end), and the
 * reports changed since ESCALATION_MARGIN before last, whatever their
 * deadline.
 */
static void
since_last(struct deadline_since *w, int64_t last, int64_t now, int near)
{
	int reg = near_days(DEADLINE_REGISTER, near);

	w->from[0] = last - 1;
	w->to[0] = now;
	w->from[1] = deadline_near_horizon(last, reg);
	w->to[1] = deadline_near_horizon(now, reg);
	w->from[2] = deadline_near_horizon(last, near);
	w->to[2] = deadline_near_horizon(now, near);
	w->changed = last - ESCALATION_MARGIN;
}

/*
 * escalation_scan of every report (last 0) or of what can have changed
 * since a scan at last (since_last); *stopped (may be NULL) is set when
 * fn stopped it before the end.
 */
static int
scan(struct store *s, int64_t now, int64_t last,
    int (*fn)(const struct escalation_item *, void *), void *arg,
    size_t *emitted, int *stopped, struct verr *e)
{
	struct deadline_since since = { { 0 }, { 0 }, 0 };
	struct escalation_item it, *sent = NULL;
	struct page p;
	int64_t horizon;
	size_t i, count = 0, nsent, j;
	int near = deadline_near_days(), rc = -1, stop = 0;

	if (emitted != NULL)
		*emitted = 0;
	memset(&p, 0, sizeof(p));
	if ((p.v = calloc(VECHE_ESCALATION_BATCH, sizeof(*p.v))) == NULL ||
	    (sent = calloc(VECHE_ESCALATION_BATCH, sizeof(*sent))) == NULL) {
		free(p.v);
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	}
	horizon = deadline_near_horizon(now, near);
	if (last > 0)
		since_last(&since, last, now, near);
	do {
		p.n = 0;
		nsent = 0;
		if (store_deadline_open_since(s, NULL, last > 0 ? &since :
		    NULL, horizon, p.last_id, VECHE_ESCALATION_BATCH, on_row,
		    &p) != 0) {
			verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
			    store_error(s));
			goto out;
		}
		/* One transaction (one fsync) for the notices of a batch. */
		if (store_begin(s) == -1) {
			verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
			    store_error(s));
			goto out;
		}
		for (i = 0; i < p.n; i++) {
			if (!running(&p.v[i], &it.kind, &it.due))
				continue;
			it.report_id = p.v[i].id;
			it.agency = p.v[i].has_agency ? p.v[i].agency : NULL;
			it.state = deadline_state(it.due, now,
			    near_days(it.kind, near));
			if (it.state == DEADLINE_OK)
				continue;
			switch (notify(s, &it, now, e)) {
			case -1:
				store_rollback(s);
				goto out;
			case 1:
				sent[nsent++] = it;
				break;
			default:
				break;
			}
		}
		if (store_commit(s) == -1) {
			verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
			    store_error(s));
			store_rollback(s);
			goto out;
		}
		count += nsent;
		for (j = 0; j < nsent && !stop; j++)
			if (fn != NULL && fn(&sent[j], arg) != 0)
				stop = 1;
	} while (p.n == VECHE_ESCALATION_BATCH && !stop);
	rc = 0;
out:
	if (emitted != NULL)
		*emitted = count;
	if (stopped != NULL)
		*stopped = stop;
	free(sent);
	free(p.v);
	return rc;
}

int
escalation_scan(struct store *s, int64_t now,
    int (*fn)(const struct escalation_item *, void *), void *arg,
    size_t *emitted, struct verr *e)
{
	return scan(s, now, 0, fn, arg, emitted, NULL, e);
}

int
escalation_scan_leased(struct store *s, int64_t now, int64_t period,
    int (*fn)(const struct escalation_item *, void *), void *arg,
    size_t *emitted, struct verr *e)
{
	int64_t last = 0, full = 0, since = 0;
	int held, rc, stopped = 0;

	if (emitted != NULL)
		*emitted = 0;
	if ((held = store_lease_try(s, ESCALATION_LEASE)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "taking the lease %s: "
		    "%s", ESCALATION_LEASE, store_error(s));
	if (!held)
		return 1;
	/* Under the lease: no other scan starts or records meanwhile. */
	if (period > 0 && (store_deadline_scan_last(s, &last) == -1 ||
	    store_deadline_full_last(s, &full) == -1))
		rc = verr_set(e, VERR_INTERNAL, NULL, "deadline scan: %s",
		    store_error(s));
	else if (period > 0 && last > 0 && now >= last &&
	    now - last < ESCALATION_DUE(period))
		rc = 1;
	else {
		/*
		 * What changed since the last scan, when there was one and a
		 * full one within the day (neither in the future: a clock set
		 * back scans everything); otherwise every report.
		 */
		if (period > 0 && last > ESCALATION_MARGIN && full > 0 &&
		    now >= last && now >= full &&
		    now - full < ESCALATION_FULL_EVERY)
			since = last;
		rc = scan(s, now, since, fn, arg, emitted, &stopped, e);
		/* Only a scan that went to the end stands for the next. */
		if (rc == 0 && !stopped && (store_deadline_scan_mark(s, now) ==
		    -1 || (since == 0 && store_deadline_full_mark(s, now) ==
		    -1)))
			rc = verr_set(e, VERR_INTERNAL, NULL, "deadline scan: "
			    "%s", store_error(s));
	}
	if (store_lease_release(s, ESCALATION_LEASE) == -1 && rc != -1)
		rc = verr_set(e, VERR_INTERNAL, NULL, "giving the lease %s "
		    "back: %s", ESCALATION_LEASE, store_error(s));
	return rc;
}

struct escalation_worker {
	struct worker *thread;
	int64_t period_ms;
	_Atomic int64_t last_scan_ms;   /* monotonic: last completed scan */
};

int64_t
escalation_worker_lag_ms(struct escalation_worker *w)
{
	return clock_monotonic_ms() - atomic_load(&w->last_scan_ms);
}

static int
stopping(const struct escalation_item *it, void *arg)
{
	(void)it;
	return worker_stopping(arg);
}

/*
 * One scan of every open deadline, then a period's wait.  The scan runs
 * only under the scanner's lease, so of several processes on one database
 * one scans at a time (SQLite: always this one), and only when none of
 * them scanned within the period, so the fleet scans once a period.
 * Another's scan counts as done for the lag: the notices are the
 * database's, whoever sends them.
 */
static int64_t
scan_round(struct worker *t, void *arg)
{
	struct escalation_worker *w = arg;
	struct store *s = worker_store(t);
	struct verr e;
	size_t n = 0;
	int rc;

	rc = escalation_scan_leased(s, clock_now(), w->period_ms / 1000,
	    stopping, t, &n, &e);
	if (rc == -1) {
		if (!db_outage())
			fprintf(stderr, "veche: deadline scan: %s\n",
			    e.message);
		return w->period_ms;
	}
	atomic_store(&w->last_scan_ms, clock_monotonic_ms());
	if (rc == 0 && n > 0)
		fprintf(stderr, "veche: %zu deadline notice%s sent to the "
		    "outbox\n", n, n == 1 ? "" : "s");
	return w->period_ms;
}

struct escalation_worker *
escalation_worker_start(const char *db_path, struct store_writer *writer,
    int period, char *err, size_t errlen)
{
	struct escalation_worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->period_ms = (int64_t)(period > 0 ? period : 1) * 1000;
	/* Until a first scan completes, the lag counts from the start. */
	atomic_init(&w->last_scan_ms, clock_monotonic_ms());
	if ((w->thread = worker_start_db("deadline scanner", db_path, writer,
	    scan_round, w, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void
escalation_worker_stop(struct escalation_worker *w)
{
	if (w == NULL)
		return;
	worker_stop(w->thread);
	free(w);
}
