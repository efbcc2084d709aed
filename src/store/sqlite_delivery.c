/*
 * sqlite_delivery.c: the outbox of the SQLite backend (store_delivery.h).
 *
 * events hold what happened, with the JSON payload built by core and an
 * idempotency key; deliveries hold one row per event and recipient with
 * its state machine (pending -> sending -> delivered, or back to pending
 * with a later next_attempt, or dead).  Times of deliveries are Unix
 * milliseconds, so that tests can shorten the backoff below a second.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store.h"
#include "store/store_delivery.h"

static const char *const migrations[] = {
	/* 1: events, subscriptions, deliveries. */
	"CREATE TABLE events(id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
	" report INTEGER NOT NULL, agency TEXT, detail TEXT,"
	" payload TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
	" created INTEGER NOT NULL);"
	"CREATE INDEX events_report ON events(report);"
	"CREATE TABLE subscriptions(id INTEGER PRIMARY KEY, url TEXT NOT NULL,"
	" secret TEXT NOT NULL, agency TEXT, events TEXT,"
	" include_contact INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE deliveries(id INTEGER PRIMARY KEY,"
	" event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" channel INTEGER NOT NULL, subscription INTEGER REFERENCES"
	" subscriptions(id) ON DELETE CASCADE, state INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL,"
	" last_error TEXT, updated INTEGER NOT NULL);"
	"CREATE INDEX deliveries_due ON deliveries(state, next_attempt, id);"
	"CREATE INDEX deliveries_event ON deliveries(event);"
	"CREATE INDEX deliveries_subscription ON deliveries(subscription);",
};

const struct migration_set store_delivery_schema = {
	"delivery", migrations, sizeof(migrations) / sizeof(migrations[0]),
};

enum dstmt {
	DS_EVENT_INSERT,
	DS_FANOUT_WEBHOOK,
	DS_FANOUT_AGENCY,
	DS_FANOUT_REPORTER,
	DS_EVENT_EACH,
	DS_SUB_INSERT,
	DS_SUB_DELETE,
	DS_SUB_EACH,
	DS_CLAIM,
	DS_GET,
	DS_EACH,
	DS_DONE,
	DS_FAIL,
	DS_RECOVER,
	DS_REPLAY,
	DS_STATS,
	DS__MAX
};

_Static_assert(DS__MAX <= STORE_MOD_STMTS, "too many delivery statements");

/* The columns of a delivery read, as read_delivery expects them. */
#define DELIVERY_SELECT \
	"SELECT d.id, d.channel, d.state, d.attempts, d.next_attempt," \
	" d.updated, d.last_error, e.id, e.type, e.key, e.payload, e.report," \
	" e.agency, e.created, coalesce(d.subscription, 0), sub.url," \
	" sub.secret, coalesce(sub.include_contact, 0)," \
	" CASE d.channel" \
	"  WHEN 1 THEN (SELECT email FROM agencies WHERE code = e.agency)" \
	"  WHEN 2 THEN (SELECT email FROM report_contacts" \
	"   WHERE report = e.report)" \
	"  WHEN 3 THEN (SELECT s.email FROM alert_items i JOIN alert_subs s" \
	"   ON s.id = i.sub WHERE i.delivery = d.id LIMIT 1)" \
	"  WHEN 4 THEN (SELECT s.email FROM spike_mail m JOIN spike_subs s" \
	"   ON s.id = m.sub WHERE m.delivery = d.id) END" \
	" FROM deliveries d JOIN events e ON e.id = d.event" \
	" LEFT JOIN subscriptions sub ON sub.id = d.subscription"

static const char *const dsql[DS__MAX] = {
	[DS_EVENT_INSERT] = "INSERT INTO events(type, report, agency, detail,"
	    " payload, key, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[DS_FANOUT_WEBHOOK] = "INSERT INTO deliveries(event, channel,"
	    " subscription, state, next_attempt, updated)"
	    " SELECT ?1, 0, id, 0, ?2, ?2 FROM subscriptions"
	    " WHERE (agency IS NULL OR agency = ?3) AND (events IS NULL OR"
	    " instr(',' || events || ',', ',' || ?4 || ',') > 0)",
	[DS_FANOUT_AGENCY] = "INSERT INTO deliveries(event, channel, state,"
	    " next_attempt, updated) SELECT ?1, 1, 0, ?2, ?2"
	    " WHERE EXISTS (SELECT 1 FROM agencies WHERE code = ?3"
	    " AND email LIKE '%_@_%')",
	[DS_FANOUT_REPORTER] = "INSERT INTO deliveries(event, channel, state,"
	    " next_attempt, updated) SELECT ?1, 2, 0, ?2, ?2"
	    " WHERE EXISTS (SELECT 1 FROM report_contacts WHERE report = ?3"
	    " AND email LIKE '%_@_%')",
	[DS_EVENT_EACH] = "SELECT id, type, report, agency, detail, payload,"
	    " key, created FROM events ORDER BY id",
	[DS_SUB_INSERT] = "INSERT INTO subscriptions(url, secret, agency,"
	    " events, include_contact, created) VALUES (?, ?, ?, ?, ?, ?)",
	[DS_SUB_DELETE] = "DELETE FROM subscriptions WHERE id = ?",
	[DS_SUB_EACH] = "SELECT id, url, secret, agency, events,"
	    " include_contact, created FROM subscriptions ORDER BY id",
	[DS_CLAIM] = "UPDATE deliveries SET state = 1, attempts = attempts + 1,"
	    " updated = ?1 WHERE id IN (SELECT id FROM deliveries"
	    " WHERE state = 0 AND next_attempt <= ?1"
	    " ORDER BY next_attempt, id LIMIT ?2) RETURNING id",
	[DS_GET] = DELIVERY_SELECT " WHERE d.id = ?",
	[DS_EACH] = DELIVERY_SELECT " WHERE d.state = ? ORDER BY d.id LIMIT ?",
	[DS_DONE] = "UPDATE deliveries SET state = 2, last_error = NULL,"
	    " updated = ? WHERE id = ? AND state = 1",
	[DS_FAIL] = "UPDATE deliveries SET state = CASE ? WHEN 0 THEN 0"
	    " ELSE 3 END, next_attempt = ?, last_error = ?, updated = ?"
	    " WHERE id = ? AND state = 1",
	[DS_RECOVER] = "UPDATE deliveries SET state = 0,"
	    " next_attempt = min(next_attempt, ?1), updated = ?1"
	    " WHERE state = 1",
	[DS_REPLAY] = "UPDATE deliveries SET state = 0, attempts = 0,"
	    " next_attempt = ?1, updated = ?1 WHERE state = 3"
	    " AND (?2 = 0 OR id = ?2)",
	[DS_STATS] = "SELECT (SELECT count(*) FROM events),"
	    " (SELECT count(*) FROM subscriptions),"
	    " (SELECT count(*) FROM deliveries WHERE state = 0),"
	    " (SELECT count(*) FROM deliveries WHERE state = 1),"
	    " (SELECT count(*) FROM deliveries WHERE state = 2),"
	    " (SELECT count(*) FROM deliveries WHERE state = 3),"
	    " (SELECT coalesce(min(next_attempt), 0) FROM deliveries"
	    "  WHERE state = 0)",
};

const struct stmt_table store_delivery_stmts = { dsql, DS__MAX };

int
store_event_insert(struct store *s, const struct store_event *ev,
    unsigned mail_mask, int64_t now_ms, int64_t *id, size_t *ndeliveries)
{
	static const enum dstmt mail[DELIVERY_CHANNEL__MAX] = {
		[DELIVERY_MAIL_AGENCY] = DS_FANOUT_AGENCY,
		[DELIVERY_MAIL_REPORTER] = DS_FANOUT_REPORTER,
	};
	sqlite3_stmt *st;
	int c;

	*ndeliveries = 0;
	if (sqlite3_get_autocommit(s->db)) {
		snprintf(s->err, sizeof(s->err), "an event must be recorded "
		    "inside the transaction of its change");
		return -1;
	}
	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_EVENT_INSERT)) == NULL)
		return -1;
	sq_bind_text(st, 1, ev->type);
	sqlite3_bind_int64(st, 2, ev->report_id);
	sq_bind_text(st, 3, ev->agency);
	sq_bind_text(st, 4, ev->detail);
	sq_bind_text(st, 5, ev->payload);
	sq_bind_text(st, 6, ev->key);
	sqlite3_bind_int64(st, 7, ev->created);
	if (sq_step_done(s, st, "recording event") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_FANOUT_WEBHOOK)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, now_ms);
	sq_bind_text(st, 3, ev->agency);
	sq_bind_text(st, 4, ev->type);
	if (sq_step_done(s, st, "queueing webhooks") == -1)
		return -1;
	*ndeliveries += (size_t)sqlite3_changes(s->db);
	for (c = DELIVERY_MAIL_AGENCY; c < DELIVERY_CHANNEL__MAX; c++) {
		if (!(mail_mask & (1u << c)))
			continue;
		if ((st = sq_stmt(s, STORE_MOD_DELIVERY, mail[c])) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, now_ms);
		if (c == DELIVERY_MAIL_AGENCY)
			sq_bind_text(st, 3, ev->agency);
		else
			sqlite3_bind_int64(st, 3, ev->report_id);
		if (sq_step_done(s, st, "queueing e-mail") == -1)
			return -1;
		*ndeliveries += (size_t)sqlite3_changes(s->db);
	}
	return 0;
}

/* What event_row hands an event to. */
struct event_rows {
	int (*fn)(int64_t, const struct store_event *, void *);
	void *arg;
};

static int
event_row(sqlite3_stmt *st, void *arg)
{
	const struct event_rows *e = arg;
	struct store_event ev;

	ev.type = sq_col_text(st, 1);
	ev.report_id = sqlite3_column_int64(st, 2);
	ev.agency = sq_col_text(st, 3);
	ev.detail = sq_col_text(st, 4);
	ev.payload = sq_col_text(st, 5);
	ev.key = sq_col_text(st, 6);
	ev.created = sqlite3_column_int64(st, 7);
	return e->fn(sqlite3_column_int64(st, 0), &ev, e->arg);
}

int
store_event_each(struct store *s,
    int (*fn)(int64_t, const struct store_event *, void *), void *arg)
{
	struct event_rows e = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_DELIVERY, DS_EVENT_EACH),
	    "reading events", event_row, &e);
}

int
store_subscription_insert(struct store *s,
    const struct store_subscription *sub, int64_t *id)
{
	sqlite3_stmt *st;
	int own, ok;

	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_SUB_INSERT)) == NULL ||
	    sq_tx_begin(s, &own) == -1)
		return -1;
	sq_bind_text(st, 1, sub->url);
	sq_bind_text(st, 2, sub->secret);
	sq_bind_text(st, 3, sub->agency);
	sq_bind_text(st, 4, sub->events);
	sqlite3_bind_int(st, 5, sub->include_contact != 0);
	sqlite3_bind_int64(st, 6, sub->created);
	ok = sq_step_done(s, st, "adding subscription") == 0;
	if (ok)
		*id = sqlite3_last_insert_rowid(s->db);
	return sq_tx_end(s, own, ok);
}

int
store_subscription_delete(struct store *s, int64_t id)
{
	sqlite3_stmt *st;
	int own, ok, changed = 0;

	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_SUB_DELETE)) == NULL ||
	    sq_tx_begin(s, &own) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	ok = sq_step_done(s, st, "removing subscription") == 0;
	if (ok)
		changed = sqlite3_changes(s->db);
	if (sq_tx_end(s, own, ok) == -1)
		return -1;
	return changed ? 0 : 1;
}

/* What subscription_row hands a subscription to. */
struct subscription_rows {
	int (*fn)(const struct store_subscription *, void *);
	void *arg;
};

static int
subscription_row(sqlite3_stmt *st, void *arg)
{
	const struct subscription_rows *e = arg;
	struct store_subscription sub;

	sub.id = sqlite3_column_int64(st, 0);
	sub.url = sq_col_text(st, 1);
	sub.secret = sq_col_text(st, 2);
	sub.agency = sq_col_text(st, 3);
	sub.events = sq_col_text(st, 4);
	sub.include_contact = sqlite3_column_int(st, 5);
	sub.created = sqlite3_column_int64(st, 6);
	return e->fn(&sub, e->arg);
}

int
store_subscription_each(struct store *s,
    int (*fn)(const struct store_subscription *, void *), void *arg)
{
	struct subscription_rows e = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_DELIVERY, DS_SUB_EACH),
	    "reading subscriptions", subscription_row, &e);
}

int
store_delivery_claim(struct store *s, int64_t now_ms, int64_t *ids,
    size_t max, size_t *n)
{
	struct sq_ids c = { ids, max, n };
	sqlite3_stmt *st;
	int own;

	*n = 0;
	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_CLAIM)) == NULL ||
	    sq_tx_begin(s, &own) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	if (sq_rows(s, st, "claiming deliveries", sq_ids_row, &c) != 0) {
		*n = 0;
		return sq_tx_end(s, own, 0);
	}
	if (sq_tx_end(s, own, 1) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

static void
read_delivery(sqlite3_stmt *st, struct store_delivery *d)
{
	d->id = sqlite3_column_int64(st, 0);
	d->channel = (enum delivery_channel)sqlite3_column_int(st, 1);
	d->state = (enum delivery_state)sqlite3_column_int(st, 2);
	d->attempts = sqlite3_column_int(st, 3);
	d->next_attempt_ms = sqlite3_column_int64(st, 4);
	d->updated_ms = sqlite3_column_int64(st, 5);
	d->last_error = sq_col_text(st, 6);
	d->event_id = sqlite3_column_int64(st, 7);
	d->event_type = sq_col_text(st, 8);
	d->event_key = sq_col_text(st, 9);
	d->payload = sq_col_text(st, 10);
	d->report_id = sqlite3_column_int64(st, 11);
	d->agency = sq_col_text(st, 12);
	d->event_created = sqlite3_column_int64(st, 13);
	d->subscription_id = sqlite3_column_int64(st, 14);
	d->url = sq_col_text(st, 15);
	d->secret = sq_col_text(st, 16);
	d->include_contact = sqlite3_column_int(st, 17);
	d->address = sq_col_text(st, 18);
}

/* What delivery_row hands a delivery to. */
struct delivery_rows {
	int (*fn)(const struct store_delivery *, void *);
	void *arg;
};

static int
delivery_row(sqlite3_stmt *st, void *arg)
{
	const struct delivery_rows *e = arg;
	struct store_delivery d;

	read_delivery(st, &d);
	return e->fn(&d, e->arg);
}

int
store_delivery_get(struct store *s, int64_t id,
    int (*fn)(const struct store_delivery *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_DELIVERY, DS_GET);
	struct delivery_rows e = { fn, arg };

	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading delivery", delivery_row, &e);
}

int
store_delivery_each(struct store *s, enum delivery_state state,
    size_t limit, int (*fn)(const struct store_delivery *, void *),
    void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_DELIVERY, DS_EACH);
	struct delivery_rows e = { fn, arg };

	sqlite3_bind_int(st, 1, (int)state);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	return sq_rows(s, st, "reading deliveries", delivery_row, &e);
}

/* Run one single-statement write in a transaction; *changed rows. */
static int
write_one(struct store *s, sqlite3_stmt *st, const char *what, int *changed)
{
	int own, ok;

	if (sq_tx_begin(s, &own) == -1) {
		sqlite3_clear_bindings(st);
		return -1;
	}
	ok = sq_step_done(s, st, what) == 0;
	if (changed != NULL)
		*changed = ok ? sqlite3_changes(s->db) : 0;
	return sq_tx_end(s, own, ok);
}

int
store_delivery_done(struct store *s, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_DONE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	return write_one(s, st, "recording delivery", NULL);
}

int
store_delivery_fail(struct store *s, int64_t id, int dead, int64_t next_ms,
    const char *error, int64_t now_ms)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_FAIL)) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, dead != 0);
	sqlite3_bind_int64(st, 2, next_ms);
	sq_bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, now_ms);
	sqlite3_bind_int64(st, 5, id);
	return write_one(s, st, "recording delivery failure", NULL);
}

int
store_delivery_recover(struct store *s, int64_t now_ms, size_t *n)
{
	sqlite3_stmt *st;
	int changed = 0;

	*n = 0;
	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_RECOVER)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	if (write_one(s, st, "recovering deliveries", &changed) == -1)
		return -1;
	*n = (size_t)changed;
	return 0;
}

int
store_delivery_replay(struct store *s, int64_t id, int64_t now_ms,
    size_t *n)
{
	sqlite3_stmt *st;
	int changed = 0;

	*n = 0;
	if ((st = sq_stmt(s, STORE_MOD_DELIVERY, DS_REPLAY)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	if (write_one(s, st, "replaying deliveries", &changed) == -1)
		return -1;
	*n = (size_t)changed;
	return id != 0 && changed == 0 ? 1 : 0;
}

static int
stats_row(sqlite3_stmt *st, void *arg)
{
	struct store_delivery_stats *out = arg;
	int i;

	out->events = sqlite3_column_int64(st, 0);
	out->subscriptions = sqlite3_column_int64(st, 1);
	for (i = 0; i < DELIVERY_STATE__MAX; i++)
		out->count[i] = sqlite3_column_int64(st, 2 + i);
	out->oldest_pending_ms = sqlite3_column_int64(st, 6);
	return 0;
}

int
store_delivery_stats(struct store *s, struct store_delivery_stats *out)
{

	memset(out, 0, sizeof(*out));
	return sq_row(s, sq_stmt(s, STORE_MOD_DELIVERY, DS_STATS),
	    "reading outbox statistics", stats_row, out) == 0 ? 0 : -1;
}
