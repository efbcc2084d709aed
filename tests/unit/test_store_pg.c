/*
 * test_store_pg.c: store_open with a PostgreSQL URL (docs/scaling.md):
 * the core's functions on the real PostgreSQL the ctest fixture starts
 * (scripts/pg.sh, VECHE_PG_DIR), in a database of this program's own
 * (pg_fixture.h).  Both URL schemes open it; settings; transactions that
 * commit and roll back; store_atomic's unit committed, refused, failed
 * and, inside the caller's transaction, undone alone; a deadlock between
 * two stores run again to success; stores opened at once on an empty
 * database, which one migrates while the others wait; a seeded city whose reports are the
 * rows SQLite's seed gives for the same --seed, whose audit chain
 * verifies, and which a second store finds on reopen; a large seed
 * into an empty database, through a scratch SQLite file and COPY, whose
 * failure leaves nothing; two writers' audit entries, neither waiting
 * for the other's commit, in one chain.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "veche.h"
#include "fixture.h"
#include "api/city.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/demo.h"
#include "store/store.h"
#include "store/store_bulk.h"
#include "store/store_workflow.h"

#include "pg_fixture.h"

#define T0 1795773600   /* 2026-11-27T10:00:00Z */

/* The fixture's database name, made if missing and emptied, into url. */
static void
pg_empty(const char *name, char *url, size_t len)
{
	struct sql_conn *c;
	char err[512];

	pg_fixture_url(name, url, len);
	if ((c = sql_conn_pg(url, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	if (sql_exec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	    == -1)
		fail_msg("%s", sql_errmsg(c));
	sql_conn_free(c);
}

/* The fixture's PostgreSQL, database veche_store_pg, emptied once. */
static const char *
pg_url(void)
{
	static char url[600];

	if (url[0] == '\0')
		pg_empty("veche_store_pg", url, sizeof(url));
	return url;
}

static struct store *
open_pg(void)
{
	char err[600];
	struct store *s = store_open(pg_url(), err, sizeof(err));

	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

static void
test_open_url(void **state)
{
	char url[700], err[600];
	struct store *s;

	(void)state;
	assert_true(store_is_url(pg_url()));
	assert_true(store_is_url("postgres://h/db"));
	assert_false(store_is_url("/var/lib/veche/veche.db"));
	assert_false(store_is_url(":memory:"));
	/* postgres:// as well as postgresql://, migrated to the last step. */
	assert_int_equal(strncmp(pg_url(), "postgresql://", 13), 0);
	snprintf(url, sizeof(url), "postgres://%s", pg_url() + 13);
	if ((s = store_open(url, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_true(store_schema_version(s) >= 8);
	store_close(s);
	/* A server that is not there: the error names PostgreSQL. */
	assert_null(store_open("postgresql://veche@/nodb?host=/nonexistent",
	    err, sizeof(err)));
	assert_non_null(strstr(err, "PostgreSQL"));
}

static void
test_settings(void **state)
{
	struct store *s = open_pg(), *t;
	char buf[64], tiny[4];

	(void)state;
	assert_int_equal(store_setting_get(s, "test.none", buf, sizeof(buf)),
	    1);
	assert_int_equal(store_setting_put(s, "test.k", "первое"), 0);
	assert_int_equal(store_setting_put(s, "test.k", "второе"), 0);
	assert_int_equal(store_setting_get(s, "test.k", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "второе");
	/* Too long for the buffer: an error, not a cut value. */
	assert_int_equal(store_setting_get(s, "test.k", tiny, sizeof(tiny)),
	    -1);
	assert_non_null(strstr(store_error(s), "test.k"));
	/* Another connection reads what this one committed. */
	t = open_pg();
	assert_int_equal(store_setting_get(t, "test.k", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "второе");
	store_close(t);
	store_close(s);
}

static void
test_transactions(void **state)
{
	struct store *s = open_pg();
	char buf[64];

	(void)state;
	assert_false(store_in_transaction(s));
	assert_int_equal(store_begin(s), 0);
	assert_true(store_in_transaction(s));
	assert_int_equal(store_setting_put(s, "test.tx", "gone"), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_false(store_in_transaction(s));
	assert_int_equal(store_setting_get(s, "test.tx", buf, sizeof(buf)), 1);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_setting_put(s, "test.tx", "kept"), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_setting_get(s, "test.tx", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "kept");
	/* A failed statement aborts PostgreSQL's transaction: the rollback
	 * after it ends it, and the store works on. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_setting_put(s, "test.tx", NULL), -1);
	assert_int_equal(store_rollback(s), 0);
	assert_false(store_in_transaction(s));
	assert_int_equal(store_setting_get(s, "test.tx", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "kept");
	store_close(s);
}

/* A unit of store_atomic: writes key's value, then returns rc. */
struct unit {
	const char *key, *value;
	int rc;
	int runs;
};

static int
put_unit(struct store *s, void *arg)
{
	struct unit *u = arg;

	u->runs++;
	if (store_setting_put(s, u->key, u->value) == -1)
		return -1;
	return u->rc;
}

static void
test_atomic(void **state)
{
	struct store *s = open_pg();
	struct unit ok = { "test.a", "done", 0, 0 };
	struct unit no = { "test.b", "refused", 1, 0 };
	struct unit bad = { "test.c", NULL, 0, 0 };   /* NOT NULL: fails */
	struct unit inner = { "test.d", "inner", 0, 0 };
	char buf[64];

	(void)state;
	assert_int_equal(store_atomic(s, put_unit, &ok), 0);
	assert_int_equal(store_setting_get(s, "test.a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "done");
	/* A unit that says no is rolled back, its value returned. */
	assert_int_equal(store_atomic(s, put_unit, &no), 1);
	assert_int_equal(store_setting_get(s, "test.b", buf, sizeof(buf)), 1);
	/* A failed one: -1 with the server's message, run once (no retry
	 * for a constraint), and the store goes on. */
	assert_int_equal(store_atomic(s, put_unit, &bad), -1);
	assert_non_null(strstr(store_error(s), "null"));
	assert_int_equal(bad.runs, 1);
	assert_false(store_in_transaction(s));
	/* Inside the caller's transaction a failed unit is undone alone
	 * (a savepoint): the caller's writes before and after commit. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_setting_put(s, "test.e", "before"), 0);
	assert_int_equal(store_atomic(s, put_unit, &bad), -1);
	assert_true(store_in_transaction(s));
	assert_int_equal(store_atomic(s, put_unit, &inner), 0);
	assert_int_equal(store_atomic(s, put_unit, &no), 1);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_setting_get(s, "test.e", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "before");
	assert_int_equal(store_setting_get(s, "test.d", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "inner");
	assert_int_equal(store_setting_get(s, "test.b", buf, sizeof(buf)), 1);
	/* No group commit: nothing is pending, a wait answers at once. */
	store_defer_sync(s, 1);
	assert_int_equal(store_atomic(s, put_unit, &ok), 0);
	assert_int_equal(store_write_pending(s), 0);
	assert_int_equal(store_durable_wait(s, 0), 0);
	store_close(s);
}

/*
 * Two stores whose units lock two rows in opposite orders: the first
 * run of each takes its first row, both meet at the barrier, then each
 * asks for the other's row.  PostgreSQL ends one with a deadlock (40P01);
 * store_atomic runs that unit again, which then waits for the other's
 * commit and succeeds.
 */
struct crossing {
	pthread_barrier_t *meet;
	const char *first, *second;
	int runs, rc;
};

static int
cross_unit(struct store *s, void *arg)
{
	struct crossing *x = arg;

	if (store_setting_put(s, x->first, "locked") == -1)
		return -1;
	if (x->runs++ == 0)
		pthread_barrier_wait(x->meet);
	return store_setting_put(s, x->second, "locked");
}

static void *
cross_run(void *arg)
{
	struct crossing *x = arg;
	struct store *s = open_pg();

	x->rc = store_atomic(s, cross_unit, x);
	store_close(s);
	return NULL;
}

static void
test_atomic_deadlock(void **state)
{
	pthread_barrier_t meet;
	struct crossing a = { &meet, "test.x", "test.y", 0, -2 };
	struct crossing b = { &meet, "test.y", "test.x", 0, -2 };
	struct store *s = open_pg();
	pthread_t ta, tb;

	(void)state;
	assert_int_equal(store_setting_put(s, "test.x", "free"), 0);
	assert_int_equal(store_setting_put(s, "test.y", "free"), 0);
	store_close(s);
	assert_int_equal(pthread_barrier_init(&meet, NULL, 2), 0);
	assert_int_equal(pthread_create(&ta, NULL, cross_run, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, cross_run, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&meet);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	/* One of them at least was a deadlock's victim and ran again. */
	assert_true(a.runs + b.runs >= 3);
}

/* What each opener of test_open_race found. */
struct opener {
	pthread_barrier_t *go;
	const char *url;
	int version;
	char err[600];
};

static void *
open_run(void *arg)
{
	struct opener *o = arg;
	struct store *s;

	pthread_barrier_wait(o->go);
	if ((s = store_open(o->url, o->err, sizeof(o->err))) != NULL) {
		o->version = store_schema_version(s);
		store_close(s);
	}
	return NULL;
}

/*
 * Processes started together on an empty database (a fleet's first
 * start): each store_open migrates or waits for the one that does, and
 * all of them open.
 */
static void
test_open_race(void **state)
{
	enum { N = 4 };
	struct opener o[N];
	pthread_barrier_t go;
	pthread_t t[N];
	char url[600];
	int i;

	(void)state;
	pg_empty("veche_store_pg_race", url, sizeof(url));
	assert_int_equal(pthread_barrier_init(&go, NULL, N), 0);
	for (i = 0; i < N; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].go = &go;
		o[i].url = url;
		o[i].version = -1;
		assert_int_equal(pthread_create(&t[i], NULL, open_run, &o[i]),
		    0);
	}
	for (i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < N; i++) {
		if (o[i].version == -1)
			fail_msg("opener %d: %s", i, o[i].err);
		assert_true(o[i].version >= 8);
	}
}

/* A report's fields that the seed chooses (not its random token). */
struct seeded {
	char text[VECHE_MAX_DESCRIPTION + 1];
	char service[64];
	double lat, lon;
	int64_t requested, updated;
	int status;
};

static int
on_seeded(const struct report *r, void *arg)
{
	struct seeded *o = arg;

	snprintf(o->text, sizeof(o->text), "%s", r->description);
	snprintf(o->service, sizeof(o->service), "%s", r->service_code);
	o->lat = r->lat;
	o->lon = r->lon;
	o->requested = r->requested;
	o->updated = r->updated;
	o->status = (int)r->status;
	return 0;
}

/* Import the fixture city into s and seed n reports with seed 42. */
static void
seed(struct store *s, size_t n)
{
	struct catalog *c;
	struct verr e;
	char err[256];

	memset(&e, 0, sizeof(e));
	assert_int_equal(city_import_json(s, fixture_city,
	    strlen(fixture_city), &e), 0);
	c = catalog_load(s, err, sizeof(err));
	assert_non_null(c);
	if (demo_seed(s, c, n, 30, 42, T0, NULL, &e) == -1)
		fail_msg("%s", e.message);
	catalog_free(c);
}

static void
test_seed_audit(void **state)
{
	char dir[] = "/tmp/veche-store-pg.XXXXXX", path[64], err[256];
	struct store *s = open_pg(), *lite, *again;
	struct seeded a, b;
	struct audit_check chk;
	struct verr e;
	int64_t n = 0, i;

	(void)state;
	seed(s, 40);
	assert_int_equal(store_report_count(s, &n), 0);
	assert_int_equal(n, 40);
	/* The same seed on SQLite gives the same reports. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/veche.db", dir);
	lite = store_open(path, err, sizeof(err));
	assert_non_null(lite);
	seed(lite, 40);
	for (i = 1; i <= 40; i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		assert_int_equal(store_report_get(s, i, on_seeded, &a), 0);
		assert_int_equal(store_report_get(lite, i, on_seeded, &b), 0);
		assert_string_equal(a.text, b.text);
		assert_string_equal(a.service, b.service);
		assert_true(a.lat == b.lat && a.lon == b.lon);
		assert_int_equal(a.requested, b.requested);
		assert_int_equal(a.updated, b.updated);
		assert_int_equal(a.status, b.status);
	}
	store_close(lite);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	/* Their audit chain holds, read by another connection too. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(audit_verify(s, &chk, &e), 0);
	assert_true(chk.entries >= 40);
	store_close(s);
	again = open_pg();
	assert_int_equal(store_report_count(again, &n), 0);
	assert_int_equal(n, 40);
	assert_int_equal(audit_verify(again, &chk, &e), 0);
	store_close(again);
}

/* Each entry's object, in chain order, into the buffer arg (64 bytes). */
static int
on_entry(const struct store_audit *e, void *arg)
{
	char *o = arg;
	size_t n = strlen(o);

	snprintf(o + n, 64 - n, "%s,", e->object);
	return 0;
}

/*
 * Several writers' audit entries (issue 16, docs/scaling.md): an entry is
 * queued in its writer's transaction and chained after the commit, so
 * while A's transaction with an entry is open, B appends and commits
 * without waiting (the database's lock_timeout ends any wait, and a lock
 * held across A's commit failed B here).  The chain is one chain in the
 * order of the commits; an entry whose writer died between its commit and
 * its chaining stays queued, counted by audit_verify, until the next
 * chainer takes it.
 */
static void
test_audit_writers(void **state)
{
	char url[600], err[600], order[64] = "";
	struct store *a = NULL, *b = NULL;
	struct audit_check chk;
	struct sql_conn *c;
	struct verr e;
	int64_t n = 0;

	(void)state;
	pg_empty("veche_store_pg_audit", url, sizeof(url));
	if ((c = sql_conn_pg(url, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	if (sql_exec(c, "ALTER DATABASE veche_store_pg_audit SET "
	    "lock_timeout = '2s'") == -1)
		fail_msg("%s", sql_errmsg(c));
	if ((a = store_open(url, err, sizeof(err))) == NULL ||
	    (b = store_open(url, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	memset(&e, 0, sizeof(e));
	assert_int_equal(store_begin(a), 0);
	assert_int_equal(audit_append(a, NULL, "test.a", "t:1", NULL, NULL, T0,
	    &e), 0);
	assert_int_equal(audit_append(b, NULL, "test.b", "t:2", NULL, NULL,
	    T0 + 1, &e), 0);
	assert_int_equal(audit_verify(b, &chk, &e), 0);
	assert_int_equal(chk.entries, 1);
	assert_int_equal(chk.pending, 0);
	assert_int_equal(store_commit(a), 0);
	assert_int_equal(audit_verify(b, &chk, &e), 0);
	assert_int_equal(chk.entries, 2);
	assert_int_equal(chk.pending, 0);
	/* Committed, its writer gone before chaining it. */
	if (sql_exec(c, "INSERT INTO audit_pending(created, actor_role, "
	    "actor_id, actor_name, action, object, before, after, request_id) "
	    "VALUES (1795773602, 'console', 0, 'command line', 'test.c', "
	    "'t:3', '', '', '')") == -1)
		fail_msg("%s", sql_errmsg(c));
	assert_int_equal(audit_verify(a, &chk, &e), 0);
	assert_int_equal(chk.entries, 2);
	assert_int_equal(chk.pending, 1);
	assert_int_equal(audit_chain(a, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(audit_verify(b, &chk, &e), 0);
	assert_int_equal(chk.entries, 3);
	assert_int_equal(chk.pending, 0);
	assert_int_equal(store_audit_each(b, on_entry, order), 0);
	assert_string_equal(order, "t:2,t:1,t:3,");
	store_close(b);
	store_close(a);
	sql_conn_free(c);
}

/*
 * A bulk load's transaction of many reports, each requested in a second
 * of its own (veche seed commits 50,000 a transaction): more seconds than
 * the server's lock table holds locks (64 x 100 by default, with slack:
 * the 12,837th failed here), so a lock a second failed with "out of
 * shared memory"; the load, the database's only writer, takes none.
 */
static void
test_bulk_many_seconds(void **state)
{
	enum { N = 20000 };
	char url[600], err[600], token[32];
	struct store_bulk *b;
	struct report r;
	struct store *s;
	int64_t id, n = 0;
	int i;

	(void)state;
	pg_empty("veche_store_pg_bulk", url, sizeof(url));
	if ((s = store_open(url, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	memset(&r, 0, sizeof(r));
	r.service_code = "pothole";
	r.description = "Яма";
	r.token = token;
	/*
	 * A report first: into a database with reports the load is written
	 * row by row (a large one into an empty database goes through a
	 * scratch file, test_seed_load).
	 */
	snprintf(token, sizeof(token), "before");
	r.requested = r.updated = T0 + 1;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_report_insert(s, &r, NULL, &id), 0);
	assert_int_equal(store_commit(s), 0);
	assert_non_null(b = store_bulk_begin(s, N));
	assert_ptr_equal(store_bulk_store(s, b), s);
	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < N; i++) {
		snprintf(token, sizeof(token), "bulk%d", i);
		r.requested = r.updated = T0 - i;
		if (store_report_insert(s, &r, NULL, &id) == -1)
			fail_msg("report %d: %s", i, store_error(s));
	}
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_bulk_end(s, b), 0);
	assert_int_equal(store_report_count(s, &n), 0);
	assert_int_equal(n, N + 1);
	store_close(s);
}

/* Entries in folder dir besides . and .. */
static int
entries(const char *dir)
{
	struct dirent *d;
	DIR *f = opendir(dir);
	int n = 0;

	assert_non_null(f);
	while ((d = readdir(f)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(f);
	return n;
}

/* One number a query on c gives. */
static int64_t
pg_value(struct sql_conn *c, const char *sql)
{
	struct sql_stmt *st = sql_stmt_new(c, sql);
	int64_t v;

	if (st == NULL || sql_step(st) != SQL_ROW)
		fail_msg("%s: %s", sql, sql_errmsg(c));
	v = sql_column_int64(st, 0);
	sql_stmt_free(c, st);
	return v;
}

/*
 * A large seed into a database without reports goes through a scratch
 * SQLite file and COPY (sql_bulk_pg.c): the reports are those the same
 * seed gives on SQLite, each with its spatial and text entries, outbox
 * event and audit entry, the chain intact; the next report takes the id
 * after them; the scratch file is gone.  A load whose copy fails part-way
 * (a table of the target refusing a row) leaves nothing of itself: no
 * report, no audit entry, every index there, no scratch file.
 */
static void
test_seed_load(void **state)
{
	enum { N = 2500 };
	char tmp[] = "/tmp/veche-load-test.XXXXXX";
	char dir[] = "/tmp/veche-load-lite.XXXXXX";
	char url[600], err[600], path[96], token[] = "after";
	const char *old = getenv("TMPDIR");
	struct store *s, *lite;
	struct seeded a, b;
	struct audit_check chk;
	struct catalog *c;
	struct sql_conn *q;
	struct report r;
	struct verr e;
	int64_t n = 0, id, i, indexes;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("TMPDIR", tmp, 1), 0);
	pg_empty("veche_store_pg_load", url, sizeof(url));
	if ((s = store_open(url, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	seed(s, N);
	assert_int_equal(entries(tmp), 0);
	snprintf(path, sizeof(path), "%s/veche.db", dir);
	assert_non_null(lite = store_open(path, err, sizeof(err)));
	seed(lite, N);
	assert_int_equal(store_report_count(s, &n), 0);
	assert_int_equal(n, N);
	for (i = 1; i <= N; i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		assert_int_equal(store_report_get(s, i, on_seeded, &a), 0);
		assert_int_equal(store_report_get(lite, i, on_seeded, &b), 0);
		assert_string_equal(a.text, b.text);
		assert_string_equal(a.service, b.service);
		assert_true(a.lat == b.lat && a.lon == b.lon);
		assert_int_equal(a.requested, b.requested);
		assert_int_equal(a.updated, b.updated);
		assert_int_equal(a.status, b.status);
	}
	store_close(lite);
	memset(&e, 0, sizeof(e));
	assert_int_equal(audit_verify(s, &chk, &e), 0);
	assert_int_equal(chk.entries, N);
	if ((q = sql_conn_pg(url, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM events"), N);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM report_text"), N);
	/* The exact point, as a report written on PostgreSQL has it. */
	assert_int_equal(pg_value(q, "SELECT count(*) FROM reports r JOIN "
	    "report_geo g ON g.id = r.id AND g.min_lat = r.lat AND "
	    "g.max_lon = r.lon"), N);
	/* The next report after them. */
	memset(&r, 0, sizeof(r));
	r.service_code = "pothole";
	r.description = "Яма";
	r.token = token;
	r.requested = r.updated = T0;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_report_insert(s, &r, NULL, &id), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(id, N + 1);
	store_close(s);
	sql_conn_free(q);

	/* A copy that fails part-way. */
	pg_empty("veche_store_pg_loadfail", url, sizeof(url));
	if ((s = store_open(url, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	memset(&e, 0, sizeof(e));
	assert_int_equal(city_import_json(s, fixture_city,
	    strlen(fixture_city), &e), 0);
	if ((q = sql_conn_pg(url, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	/* report_updates goes after audit_log, events and others. */
	assert_int_equal(sql_exec(q, "ALTER TABLE report_updates ADD "
	    "CONSTRAINT few CHECK (id < 1000)"), 0);
	indexes = pg_value(q, "SELECT count(*) FROM pg_indexes WHERE "
	    "schemaname = current_schema()");
	assert_non_null(c = catalog_load(s, err, sizeof(err)));
	assert_int_equal(demo_seed(s, c, N, 30, 42, T0, NULL, &e), -1);
	assert_non_null(strstr(e.message, "report_updates"));
	catalog_free(c);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM events"), 0);
	assert_int_equal(pg_value(q, "SELECT count(*) FROM pg_indexes WHERE "
	    "schemaname = current_schema()"), indexes);
	assert_int_equal(entries(tmp), 0);
	sql_conn_free(q);
	store_close(s);
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	snprintf(path, sizeof(path), "rm -rf '%s' '%s'", tmp, dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_url),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_atomic_deadlock),
		cmocka_unit_test(test_seed_audit),
		cmocka_unit_test(test_open_race),
		cmocka_unit_test(test_bulk_many_seconds),
		cmocka_unit_test(test_seed_load),
		cmocka_unit_test(test_audit_writers),
	};

	if (sodium_init() < 0)
		return 1;
	datetime_set_zone("Europe/Moscow");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
