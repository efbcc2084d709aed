/*
 * test_replica.c: stores on a PostgreSQL primary and its hot standby
 * (ctest fixtures pg and pg-standby: scripts/pg.sh start and standby).  A
 * store opens on the standby without migrating or listening and refuses
 * writes; WAL positions say which server is which, the primary's grows
 * past each commit, and the standby shows a commit exactly when its
 * position reaches the primary's after it, also across a paused replay
 * (docs/scaling.md, "Read replicas").  A path, not a URL, has no positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/clock.h"
#include "store/sql.h"
#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_replica.h"
#include "pg_fixture.h"

#define DBNAME "test_replica"
#define WAIT_MS 30000           /* only to fail rather than hang */

/* The standby's URL for DBNAME (the database came over with the WAL). */
static void
standby_url(char *out, size_t len)
{
	char base[512];

	pg_fixture_url_in("VECHE_PG_STANDBY_DIR", DBNAME, out, len, base,
	    sizeof(base));
}

static void
nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* The one integer a query on c gives, or -1 when it gives no row. */
static int64_t
scalar(struct sql_conn *c, const char *sql)
{
	struct sql_stmt *st = sql_stmt_new(c, sql);
	int64_t v = -1;

	assert_non_null(st);
	if (sql_step(st) == SQL_ROW)
		v = sql_column_int64(st, 0);
	sql_stmt_free(c, st);
	return v;
}

/*
 * Open a store on the standby once it has replayed the primary's schema
 * (the database and the migrations arrive over the WAL).
 */
static struct store *
open_standby(const char *url, uint64_t primary_lsn)
{
	int64_t until = clock_monotonic_ms() + WAIT_MS;
	char err[512];
	struct store *s;

	for (;;) {
		s = ss_open_pg(url, err, sizeof(err));
		if (s != NULL)
			return s;
		if (clock_monotonic_ms() > until)
			fail_msg("standby store (primary at %llu): %s",
			    (unsigned long long)primary_lsn, err);
		nap();
	}
}

/* Wait until the standby's position is at least lsn: the standby's own. */
static uint64_t
replayed(struct store_wal *w, uint64_t lsn)
{
	int64_t until = clock_monotonic_ms() + WAIT_MS;
	uint64_t at = 0;
	int standby = 0;

	for (;;) {
		assert_int_equal(store_wal_position(w, &at, &standby), 0);
		assert_int_equal(standby, 1);
		if (at >= lsn)
			return at;
		if (clock_monotonic_ms() > until)
			fail_msg("standby at %llu, never reached %llu",
			    (unsigned long long)at, (unsigned long long)lsn);
		nap();
	}
}

/* Wait until the standby's replay has stopped. */
static void
paused(struct sql_conn *c)
{
	int64_t until = clock_monotonic_ms() + WAIT_MS;

	while (scalar(c, "SELECT CAST(pg_get_wal_replay_pause_state() ="
	    " 'paused' AS INTEGER)") != 1) {
		if (clock_monotonic_ms() > until)
			fail_msg("standby's replay never paused");
		nap();
	}
}

static void
test_standby_pg(void **state)
{
	char purl[600], surl[600], err[512];
	struct store *p, *s;
	struct store_wal *pw, *sw;
	uint64_t p1, p2, p3, at;
	int standby = -1;

	(void)state;
	pg_fixture_url(DBNAME, purl, sizeof(purl));
	standby_url(surl, sizeof(surl));
	p = ss_open_pg(purl, err, sizeof(err));
	if (p == NULL)
		fail_msg("primary store: %s", err);
	if ((pw = store_wal_open(purl, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_wal_position(pw, &p1, &standby), 0);
	assert_int_equal(standby, 0);
	assert_true(p1 > 0);
	assert_int_equal(sql_exec(p->conn, "DROP TABLE IF EXISTS probe;"
	    "CREATE TABLE probe(x INTEGER)"), 0);

	s = open_standby(surl, p1);
	if ((sw = store_wal_open(surl, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	/* Idle and whole: nothing arrived unasked. */
	assert_int_equal(store_idle_ok(s), 1);
	/* A write there is refused: a standby is read-only. */
	assert_int_equal(sql_exec(s->conn, "INSERT INTO probe VALUES (0)"), -1);
	assert_non_null(strstr(sql_errmsg(s->conn), "read-only"));

	assert_int_equal(store_wal_position(sw, &at, &standby), 0);
	assert_int_equal(standby, 1);
	/* A commit moves the primary past it; the standby shows it once its
	 * position reaches that. */
	assert_int_equal(sql_exec(p->conn, "INSERT INTO probe VALUES (1)"), 0);
	assert_int_equal(store_wal_position(pw, &p2, &standby), 0);
	assert_true(p2 > p1);
	at = replayed(sw, p2);
	assert_true(at >= p2);
	assert_int_equal(scalar(s->conn, "SELECT count(*) FROM probe"), 1);

	/* Replay paused: the next commit's position is past the standby's,
	 * and the standby does not show it. */
	assert_int_equal(sql_exec(s->conn, "SELECT pg_wal_replay_pause()"), 0);
	assert_int_equal(sql_exec(p->conn, "INSERT INTO probe VALUES (2)"), 0);
	assert_int_equal(store_wal_position(pw, &p3, &standby), 0);
	assert_true(p3 > p2);
	paused(s->conn);
	assert_int_equal(store_wal_position(sw, &at, &standby), 0);
	assert_true(at < p3);
	assert_int_equal(scalar(s->conn, "SELECT count(*) FROM probe"), 1);
	/* Resumed: it catches up and shows both. */
	assert_int_equal(sql_exec(s->conn, "SELECT pg_wal_replay_resume()"), 0);
	replayed(sw, p3);
	assert_int_equal(scalar(s->conn, "SELECT count(*) FROM probe"), 2);

	store_wal_close(sw);
	store_close(s);
	store_wal_close(pw);
	store_close(p);
}

static void
test_no_positions_sqlite(void **state)
{
	char err[512] = "";

	(void)state;
	assert_null(store_wal_open("/tmp/veche.db", err, sizeof(err)));
	assert_non_null(strstr(err, "need PostgreSQL"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standby_pg),
		cmocka_unit_test(test_no_positions_sqlite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
