/*
 * sqlite_alerts.c: citizens' e-mail alerts in the SQLite backend
 * (store_alerts.h).  Tokens are kept as hashes only.  An alert's mail is
 * an outbox delivery of channel DELIVERY_MAIL_ALERT (3); alert_items ties
 * it to its subscription and to the events it reports.
 */
#include <stdio.h>
#include <string.h>

#include "base/model.h"
#include "store/sqlite_internal.h"
#include "store/store.h"
#include "store/store_alerts.h"

static const char *const migrations[] = {
	/* 1: subscriptions and the items owed to them. */
	"CREATE TABLE alert_subs(id INTEGER PRIMARY KEY, email TEXT NOT NULL,"
	" kind INTEGER NOT NULL, report INTEGER, code TEXT,"
	" min_lat REAL, min_lon REAL, max_lat REAL, max_lon REAL,"
	" daily INTEGER NOT NULL, lang INTEGER NOT NULL, salt TEXT NOT NULL,"
	" confirm_hash BLOB UNIQUE, unsub_hash BLOB NOT NULL UNIQUE,"
	" confirmed INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE INDEX alert_subs_email ON alert_subs(email);"
	"CREATE INDEX alert_subs_match ON alert_subs(confirmed, kind);"
	"CREATE TABLE alert_items(id INTEGER PRIMARY KEY,"
	" sub INTEGER NOT NULL REFERENCES alert_subs(id) ON DELETE CASCADE,"
	" event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" delivery INTEGER);"
	"CREATE INDEX alert_items_sub ON alert_items(sub, delivery);"
	"CREATE INDEX alert_items_delivery ON alert_items(delivery);",
};

const struct migration_set store_alerts_schema = {
	"alerts", migrations, sizeof(migrations) / sizeof(migrations[0]),
};

enum astmt {
	AS_FIND,
	AS_DROP_UNCONFIRMED,
	AS_INSERT,
	AS_CONFIRM,
	AS_DELETE_MAIL,
	AS_DELETE,
	AS_FANOUT,
	AS_INSTANT,
	AS_QUEUE,
	AS_ITEM_SET,
	AS_DIGEST_DUE,
	AS_DIGEST_SET,
	AS_OF_DELIVERY,
	AS_ITEMS,
	AS_COUNT,
	AS__MAX
};

_Static_assert(AS__MAX <= STORE_MOD_STMTS, "too many alert statements");

/* The same target: kind and its key, the area exactly. */
#define SAME_TARGET \
	" email = ?1 AND kind = ?2 AND report IS ?3 AND code IS ?4" \
	" AND min_lat IS ?5 AND min_lon IS ?6 AND max_lat IS ?7" \
	" AND max_lon IS ?8 AND daily = ?9"

#define SUB_COLUMNS \
	"s.id, s.email, s.kind, s.report, s.code, s.min_lat, s.min_lon," \
	" s.max_lat, s.max_lon, s.daily, s.lang, s.salt, s.confirmed, s.created"

static const char *const asql[AS__MAX] = {
	[AS_FIND] = "SELECT id, confirmed FROM alert_subs WHERE" SAME_TARGET
	    " ORDER BY confirmed DESC LIMIT 1",
	[AS_DROP_UNCONFIRMED] = "DELETE FROM alert_subs WHERE confirmed = 0"
	    " AND" SAME_TARGET,
	[AS_INSERT] = "INSERT INTO alert_subs(email, kind, report, code,"
	    " min_lat, min_lon, max_lat, max_lon, daily, lang, salt,"
	    " confirm_hash, unsub_hash, created)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14)",
	[AS_CONFIRM] = "UPDATE alert_subs SET confirmed = 1, confirm_hash ="
	    " NULL WHERE confirm_hash = ?1 AND created >= ?2 RETURNING id",
	[AS_DELETE_MAIL] = "DELETE FROM deliveries WHERE state <> 2 AND id IN"
	    " (SELECT i.delivery FROM alert_items i JOIN alert_subs s"
	    " ON s.id = i.sub WHERE s.unsub_hash = ?1)",
	[AS_DELETE] = "DELETE FROM alert_subs WHERE unsub_hash = ?1",
	[AS_FANOUT] = "INSERT INTO alert_items(sub, event) SELECT id, ?1"
	    " FROM alert_subs WHERE confirmed = 1 AND ("
	    "  (kind = 0 AND ?2 AND report = ?3) OR"
	    "  (kind = 1 AND ?4 AND ?5 AND ?6 BETWEEN min_lat AND max_lat"
	    "   AND ?7 BETWEEN min_lon AND max_lon) OR"
	    "  (kind = 2 AND ?4 AND code = ?8) OR"
	    "  (kind = 3 AND ?4 AND code = ?9))",
	[AS_INSTANT] = "SELECT i.id FROM alert_items i JOIN alert_subs s"
	    " ON s.id = i.sub WHERE i.event = ?1 AND s.daily = 0"
	    " AND i.delivery IS NULL",
	[AS_QUEUE] = "INSERT INTO deliveries(event, channel, state,"
	    " next_attempt, updated) VALUES (?1, 3, 0, ?2, ?2)",
	[AS_ITEM_SET] = "UPDATE alert_items SET delivery = ?1 WHERE id = ?2",
	[AS_DIGEST_DUE] = "SELECT i.sub, max(i.event) FROM alert_items i"
	    " JOIN alert_subs s ON s.id = i.sub WHERE s.daily = 1"
	    " AND i.delivery IS NULL GROUP BY i.sub ORDER BY i.sub LIMIT 256",
	[AS_DIGEST_SET] = "UPDATE alert_items SET delivery = ?1"
	    " WHERE sub = ?2 AND delivery IS NULL AND event <= ?3",
	[AS_OF_DELIVERY] = "SELECT " SUB_COLUMNS " FROM alert_subs s"
	    " WHERE s.id = (SELECT sub FROM alert_items WHERE delivery = ?1"
	    " LIMIT 1)",
	[AS_ITEMS] = "SELECT e.type, e.report, e.payload FROM alert_items i"
	    " JOIN events e ON e.id = i.event WHERE i.delivery = ?1"
	    " ORDER BY i.event",
	[AS_COUNT] = "SELECT count(*) FROM alert_subs WHERE confirmed = 1",
};

const struct stmt_table store_alerts_stmts = { asql, AS__MAX };

static void
bind_target(sqlite3_stmt *st, const struct store_alert *a)
{
	int area = a->kind == ALERT_AREA;

	sq_bind_text(st, 1, a->email);
	sqlite3_bind_int(st, 2, (int)a->kind);
	if (a->kind == ALERT_REPORT)
		sqlite3_bind_int64(st, 3, a->report);
	else
		sqlite3_bind_null(st, 3);
	sq_bind_text(st, 4, a->kind == ALERT_AGENCY ||
	    a->kind == ALERT_SERVICE ? a->code : NULL);
	if (area) {
		sqlite3_bind_double(st, 5, a->min_lat);
		sqlite3_bind_double(st, 6, a->min_lon);
		sqlite3_bind_double(st, 7, a->max_lat);
		sqlite3_bind_double(st, 8, a->max_lon);
	} else {
		sqlite3_bind_null(st, 5);
		sqlite3_bind_null(st, 6);
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	}
	sqlite3_bind_int(st, 9, a->daily ? 1 : 0);
}

struct found {
	int64_t *id;
	int *confirmed;
};

static int
found_row(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	*f->id = sqlite3_column_int64(st, 0);
	*f->confirmed = sqlite3_column_int(st, 1);
	return 0;
}

int
store_alert_find(struct store *s, const struct store_alert *a,
    int64_t *id, int *confirmed)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ALERTS, AS_FIND);
	struct found f = { id, confirmed };

	if (st == NULL)
		return -1;
	bind_target(st, a);
	return sq_row(s, st, "reading alert subscriptions", found_row, &f);
}

int
store_alert_insert(struct store *s, const struct store_alert *a,
    const unsigned char confirm_hash[32], const unsigned char unsub_hash[32],
    int64_t *id)
{
	sqlite3_stmt *st;
	int own, rc = -1;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	if ((st = sq_stmt(s, STORE_MOD_ALERTS, AS_DROP_UNCONFIRMED)) == NULL)
		goto out;
	bind_target(st, a);
	if (sq_step_done(s, st, "replacing an alert subscription") == -1 ||
	    (st = sq_stmt(s, STORE_MOD_ALERTS, AS_INSERT)) == NULL)
		goto out;
	bind_target(st, a);
	sqlite3_bind_int(st, 10, a->lang);
	sq_bind_text(st, 11, a->salt);
	sqlite3_bind_blob(st, 12, confirm_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, unsub_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, a->created);
	if (sq_step_done(s, st, "adding an alert subscription") == -1)
		goto out;
	*id = sqlite3_last_insert_rowid(s->db);
	rc = 0;
out:
	return sq_tx_finish(s, own, rc);
}

int
store_alert_confirm(struct store *s, const unsigned char hash[32],
    int64_t not_before, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ALERTS, AS_CONFIRM);

	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, not_before);
	return sq_row(s, st, "confirming an alert", sq_int64_row, id);
}

int
store_alert_delete(struct store *s, const unsigned char hash[32])
{
	sqlite3_stmt *st;
	int own, rc = -1;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	if ((st = sq_stmt(s, STORE_MOD_ALERTS, AS_DELETE_MAIL)) == NULL)
		goto out;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sq_step_done(s, st, "dropping alert mail") == -1 ||
	    (st = sq_stmt(s, STORE_MOD_ALERTS, AS_DELETE)) == NULL)
		goto out;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sq_step_done(s, st, "removing an alert subscription") == -1)
		goto out;
	rc = sqlite3_changes(s->db) > 0 ? 0 : 1;
out:
	return sq_tx_finish(s, own, rc);
}

/* Queue one delivery of event at now_ms; its id to *id. */
static int
queue_mail(struct store *s, int64_t event, int64_t now_ms, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ALERTS, AS_QUEUE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, event);
	sqlite3_bind_int64(st, 2, now_ms);
	if (sq_step_done(s, st, "queueing alert mail") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Ids read before they are written to (a statement is not re-entrant). */
struct ids {
	int64_t v[256][2];
	size_t n;
};

static int
ids_row(sqlite3_stmt *st, void *arg)
{
	struct ids *x = arg;

	if (x->n >= sizeof(x->v) / sizeof(x->v[0]))
		return 1;
	x->v[x->n][0] = sqlite3_column_int64(st, 0);
	x->v[x->n][1] = sqlite3_column_count(st) > 1 ?
	    sqlite3_column_int64(st, 1) : 0;
	x->n++;
	return 0;
}

int
store_alert_fanout(struct store *s, const struct store_alert_event *ev,
    int64_t now_ms, size_t *n)
{
	sqlite3_stmt *st;
	struct ids x;
	int64_t d;
	size_t i;
	int rc;

	*n = 0;
	if (sqlite3_get_autocommit(s->db)) {
		snprintf(s->err, sizeof(s->err), "alerts must be recorded "
		    "inside the transaction of their event");
		return -1;
	}
	if ((st = sq_stmt(s, STORE_MOD_ALERTS, AS_FANOUT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ev->event);
	sqlite3_bind_int(st, 2, ev->is_change);
	sqlite3_bind_int64(st, 3, ev->report);
	sqlite3_bind_int(st, 4, ev->is_new);
	sqlite3_bind_int(st, 5, ev->has_point);
	sqlite3_bind_double(st, 6, ev->lat);
	sqlite3_bind_double(st, 7, ev->lon);
	sq_bind_text(st, 8, ev->agency);
	sq_bind_text(st, 9, ev->service);
	if (sq_step_done(s, st, "recording alerts") == -1)
		return -1;
	*n = (size_t)sqlite3_changes(s->db);
	if (*n == 0)
		return 0;
	/* Instant subscriptions: one mail each, now. */
	do {
		x.n = 0;
		if ((st = sq_stmt(s, STORE_MOD_ALERTS, AS_INSTANT)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, ev->event);
		if ((rc = sq_rows(s, st, "reading alerts", ids_row, &x)) == -1)
			return -1;
		for (i = 0; i < x.n; i++) {
			if (queue_mail(s, ev->event, now_ms, &d) == -1 ||
			    (st = sq_stmt(s, STORE_MOD_ALERTS,
			    AS_ITEM_SET)) == NULL)
				return -1;
			sqlite3_bind_int64(st, 1, d);
			sqlite3_bind_int64(st, 2, x.v[i][0]);
			if (sq_step_done(s, st, "queueing alert mail") == -1)
				return -1;
		}
	} while (rc == 1);
	return 0;
}

int
store_alert_digest(struct store *s, int64_t now_ms, size_t *n)
{
	sqlite3_stmt *st;
	struct ids x;
	int64_t d;
	size_t i;
	int own, rc = -1, more;

	*n = 0;
	if (sq_tx_begin(s, &own) == -1)
		return -1;
	do {
		x.n = 0;
		if ((st = sq_stmt(s, STORE_MOD_ALERTS, AS_DIGEST_DUE)) == NULL ||
		    (more = sq_rows(s, st, "reading digests", ids_row,
		    &x)) == -1)
			goto out;
		more = x.n == sizeof(x.v) / sizeof(x.v[0]);
		for (i = 0; i < x.n; i++) {
			if (queue_mail(s, x.v[i][1], now_ms, &d) == -1 ||
			    (st = sq_stmt(s, STORE_MOD_ALERTS,
			    AS_DIGEST_SET)) == NULL)
				goto out;
			sqlite3_bind_int64(st, 1, d);
			sqlite3_bind_int64(st, 2, x.v[i][0]);
			sqlite3_bind_int64(st, 3, x.v[i][1]);
			if (sq_step_done(s, st, "queueing a digest") == -1)
				goto out;
			(*n)++;
		}
	} while (more);
	rc = 0;
out:
	return sq_tx_finish(s, own, rc);
}

struct sub_rows {
	int (*fn)(const struct store_alert *, void *);
	void *arg;
};

static int
sub_row(sqlite3_stmt *st, void *arg)
{
	struct sub_rows *r = arg;
	struct store_alert a;

	memset(&a, 0, sizeof(a));
	a.id = sqlite3_column_int64(st, 0);
	a.email = sq_col_text(st, 1);
	a.kind = (enum alert_kind)sqlite3_column_int(st, 2);
	a.report = sqlite3_column_int64(st, 3);
	a.code = sq_col_text(st, 4);
	a.min_lat = sqlite3_column_double(st, 5);
	a.min_lon = sqlite3_column_double(st, 6);
	a.max_lat = sqlite3_column_double(st, 7);
	a.max_lon = sqlite3_column_double(st, 8);
	a.daily = sqlite3_column_int(st, 9);
	a.lang = sqlite3_column_int(st, 10);
	a.salt = sq_col_text(st, 11);
	a.confirmed = sqlite3_column_int(st, 12);
	a.created = sqlite3_column_int64(st, 13);
	return r->fn(&a, r->arg);
}

int
store_alert_of_delivery(struct store *s, int64_t delivery,
    int (*fn)(const struct store_alert *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ALERTS, AS_OF_DELIVERY);
	struct sub_rows r = { fn, arg };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, delivery);
	return sq_row(s, st, "reading an alert subscription", sub_row, &r);
}

struct item_rows {
	int (*fn)(const char *, int64_t, const char *, void *);
	void *arg;
};

static int
item_row(sqlite3_stmt *st, void *arg)
{
	struct item_rows *r = arg;

	return r->fn(sq_col_text(st, 0), sqlite3_column_int64(st, 1),
	    sq_col_text(st, 2), r->arg);
}

int
store_alert_items(struct store *s, int64_t delivery,
    int (*fn)(const char *, int64_t, const char *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ALERTS, AS_ITEMS);
	struct item_rows r = { fn, arg };

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, delivery);
	return sq_rows(s, st, "reading alert items", item_row, &r);
}

int
store_alert_count(struct store *s, int64_t *n)
{
	return sq_row(s, sq_stmt(s, STORE_MOD_ALERTS, AS_COUNT),
	    "counting alerts", sq_int64_row, n);
}
