/*
 * sql_bulk_pg.c: store_bulk.h on PostgreSQL (veche seed, serve --demo).
 *
 * Two ways, one result: the rows the same --seed gives on SQLite.
 *
 * A large load (PG_LOAD_MIN reports or more) into a database that holds
 * no reports, audit entries, outbox events or webhook subscriptions (a
 * city just imported: nothing the load's rows would follow on from) goes
 * through a scratch SQLite file: store_bulk_begin makes one under
 * $TMPDIR (veche-load-XXXXXX), copies the target's settings into it (the
 * city's time zone, fallback agency and calendar, which routing and
 * deadlines read), starts SQLite's own bulk load there and returns that
 * load's state; store_bulk_store hands the caller the scratch store to
 * write to, with the usual functions, at SQLite's speed.  store_bulk_end
 * finishes the scratch load, then copies the tables it filled into the
 * target with store_copy in its load mode (store_copy.h): one transaction,
 * every table COPY ... FROM STDIN WITH (FREEZE) in batches, the target's
 * secondary indexes set aside and built once after, the text index built
 * from the copied rows, the copied tables' sequences after their max;
 * then counts both sides, deletes the scratch file and runs ANALYZE.  A
 * failure or a crash before the COMMIT leaves the target as it was (and
 * at worst a scratch file in $TMPDIR); the ids start at 1, as in a fresh
 * database.
 *
 * Anything else (a smaller load, a database with reports) is written row
 * by row by the usual functions in the caller's transactions on the
 * target.  What SQLite's bulk defers (the R*Tree, the text index, the
 * dropped secondary indexes) PostgreSQL then keeps up row by row; the
 * load sets synchronous_commit off for the session (a crash may lose the
 * last batches, never corrupt: as SQLite's synchronous=OFF), back on at
 * the end, then ANALYZE, whose commit flushes the WAL up to it.  The
 * load is the database's only writer (as store_bulk.h says): its report
 * inserts skip the advisory lock of their second's text keys
 * (sqlite_reports.c), which two writers need and which a load's
 * transaction of 50,000 reports, one lock a second, would hold past the
 * server's lock table (max_locks_per_transaction: "out of shared
 * memory").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sql.h"
#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_bulk.h"
#include "store/store_copy.h"

#define PG_LOAD_MIN 1000        /* reports: below, row by row is as quick */
#define PG_LOAD_BATCH 20000     /* rows a COPY statement */

/* A load through a scratch SQLite file (s->pg_load). */
struct pg_load {
	struct store *scratch;
	char path[512];
	void (*progress)(int64_t rows, int64_t total, void *arg);
	void *arg;
};

/* Run sql outside a transaction: 0, or -1 with s->err "what: ...". */
static int
run(struct store *s, const char *sql, const char *what)
{
	if (sql_exec(s->conn, sql) == -1) {
		ss_set_err(s, what);
		return -1;
	}
	return 0;
}

/*
 * Whether s holds nothing a load's rows would follow on from: 1, 0, or
 * -1 with s->err.
 */
static int
load_fresh(struct store *s)
{
	struct sql_stmt *st;
	int rc = -1;

	st = sql_stmt_new(s->conn, "SELECT NOT EXISTS (SELECT 1 FROM reports)"
	    " AND NOT EXISTS (SELECT 1 FROM audit_log)"
	    " AND NOT EXISTS (SELECT 1 FROM events)"
	    " AND NOT EXISTS (SELECT 1 FROM subscriptions)");
	if (st != NULL && sql_step(st) == SQL_ROW)
		rc = sql_column_int(st, 0);
	if (rc == -1)
		ss_set_err(s, "looking at the target");
	sql_stmt_free(s->conn, st);
	return rc;
}

/* The settings of from, and only those, into to: 0 or -1 with to->err. */
static int
copy_settings(struct store *from, struct store *to)
{
	struct sql_stmt *rd, *wr = NULL;
	enum sql_rc rc = SQL_ERROR;

	if ((rd = sql_stmt_new(from->conn, "SELECT key, value FROM settings"
	    " ORDER BY key")) == NULL) {
		snprintf(to->err, sizeof(to->err), "reading settings: %s",
		    sql_errmsg(from->conn));
		return -1;
	}
	if (sql_exec(to->conn, "DELETE FROM settings") == 0 &&
	    (wr = sql_stmt_new(to->conn, "INSERT INTO settings(key, value)"
	    " VALUES (?1, ?2)")) != NULL)
		while ((rc = sql_step(rd)) == SQL_ROW) {
			if (sql_bind_text(wr, 1, sql_column_text(rd, 0)) ||
			    sql_bind_text(wr, 2, sql_column_text(rd, 1)) ||
			    sql_step(wr) != SQL_DONE) {
				rc = SQL_ERROR;
				break;
			}
			sql_reset(wr);
		}
	if (rc == SQL_ERROR)
		ss_set_err(to, "copying settings");
	sql_stmt_free(to->conn, wr);
	sql_stmt_free(from->conn, rd);
	return rc == SQL_ERROR ? -1 : 0;
}

/* Close and delete the scratch file and what SQLite keeps beside it. */
static void
load_free(struct pg_load *l)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal",
	    "-bulkgeo", "-bulktext" };
	char p[sizeof(l->path) + 16];
	size_t i;

	if (l == NULL)
		return;
	store_close(l->scratch);
	for (i = 0; l->path[0] && i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", l->path, side[i]);
		unlink(p);
	}
	free(l);
}

/* Start a load through a scratch file: its bulk state, or NULL. */
static struct store_bulk *
load_begin(struct store *s, size_t n)
{
	const char *tmp = getenv("TMPDIR");
	struct store_bulk *b;
	struct pg_load *l;
	char err[256];
	int fd;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	if (snprintf(l->path, sizeof(l->path), "%s/veche-load-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") >=
	    (int)sizeof(l->path) || (fd = mkstemp(l->path)) == -1) {
		snprintf(s->err, sizeof(s->err), "a scratch file for the load "
		    "in %s: %s", tmp ? tmp : "/tmp", "cannot create");
		l->path[0] = '\0';
		goto fail;
	}
	close(fd);
	if ((l->scratch = store_open(l->path, err, sizeof(err))) == NULL) {
		snprintf(s->err, sizeof(s->err), "the load's scratch file: %s",
		    err);
		goto fail;
	}
	if (copy_settings(s, l->scratch) == -1 ||
	    (b = store_bulk_begin(l->scratch, n)) == NULL) {
		snprintf(s->err, sizeof(s->err), "the load's scratch file: %s",
		    store_error(l->scratch));
		goto fail;
	}
	s->pg_load = l;
	return b;
fail:
	load_free(l);
	return NULL;
}

struct store_bulk *
sql_bulk_pg_begin(struct store *s, struct store_bulk *b, size_t n)
{
	int fresh;

	if (b == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	if (n >= PG_LOAD_MIN) {
		if ((fresh = load_fresh(s)) == -1) {
			free(b);
			return NULL;
		}
		if (fresh) {
			free(b);
			return load_begin(s, n);
		}
	}
	if (run(s, "SET synchronous_commit = off", "bulk load settings")
	    == -1) {
		free(b);
		return NULL;
	}
	s->bulk_pg = 1;
	return b;
}

/* The copy's progress, handed to the caller's function. */
static void
copy_progress(const char *table, int64_t table_rows, int64_t rows,
    int64_t total, void *arg)
{
	struct pg_load *l = arg;

	(void)table;
	(void)table_rows;
	if (l->progress != NULL)
		l->progress(rows, total, l->arg);
}

/* Finish a load through a scratch file: copy it in, then delete it. */
static int
load_end(struct store *s, struct store_bulk *b)
{
	static const char *const keep[] = { "settings", NULL };
	struct pg_load *l = s->pg_load;
	struct copy_opts o;
	struct copy_report *r;
	char err[400];
	int rc = -1;

	s->pg_load = NULL;
	memset(&o, 0, sizeof(o));
	o.batch = PG_LOAD_BATCH;
	o.method = COPY_METHOD_COPY;
	o.progress = copy_progress;
	o.arg = l;
	o.load = 1;
	o.keep = keep;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		store_bulk_end(l->scratch, b);
		goto out;
	}
	if (store_bulk_end(l->scratch, b) == -1) {
		snprintf(s->err, sizeof(s->err), "the load's scratch file: %s",
		    store_error(l->scratch));
		goto out;
	}
	if (store_copy(l->scratch, s, &o, r, err, sizeof(err)) != 0) {
		snprintf(s->err, sizeof(s->err), "copying the load in: %s",
		    err[0] ? err : "columns the target lacks");
		goto out;
	}
	if ((rc = store_copy_verify(l->scratch, s, r, err, sizeof(err))) != 0) {
		snprintf(s->err, sizeof(s->err), "checking the load: %s",
		    rc == 1 ? "a table's rows differ" : err);
		rc = -1;
		goto out;
	}
	rc = run(s, "ANALYZE", "analyzing the load");
out:
	free(r);
	load_free(l);
	return rc;
}

int
sql_bulk_pg_end(struct store *s, struct store_bulk *b)
{
	int rc;

	if (s->pg_load != NULL)
		return load_end(s, b);
	if (b == NULL)
		return 0;
	free(b);
	s->bulk_pg = 0;
	rc = run(s, "RESET synchronous_commit", "bulk load settings");
	if (rc == 0)
		rc = run(s, "ANALYZE", "analyzing the load");
	return rc;
}

struct store *
store_bulk_store(struct store *s, struct store_bulk *b)
{
	(void)b;
	return s->pg_load != NULL ? s->pg_load->scratch : s;
}

void
store_bulk_on_copy(struct store *s, void (*fn)(int64_t rows, int64_t total,
    void *arg), void *arg)
{
	if (s->pg_load == NULL)
		return;
	s->pg_load->progress = fn;
	s->pg_load->arg = arg;
}
