/*
 * sql_bulk_pg.c: store_bulk.h on PostgreSQL (veche seed, serve --demo).
 *
 * The rows of a load are written by the usual functions in the caller's
 * transactions on either engine (store_bulk.h), so the same --seed gives
 * the same rows.  What SQLite's bulk defers (the R*Tree, the text index,
 * the dropped secondary indexes) PostgreSQL keeps up row by row: the
 * report insert writes report_geo and report_text itself, and a GiST or
 * GIN index is not worth building apart for the loads veche seeds.  What
 * the load changes is the commit: synchronous_commit off for the session
 * (a crash may lose the last batches, never corrupt: the database no one
 * depends on yet, as SQLite's synchronous=OFF), back on at the end, then
 * ANALYZE, whose commit flushes the WAL up to it and gives the planner
 * the new tables' sizes.  The load is the database's only writer (as
 * store_bulk.h says): its report inserts skip the advisory lock of their
 * second's text keys (sqlite_reports.c), which two writers need and which
 * a load's transaction of 50,000 reports, one lock a second, would hold
 * past the server's lock table (max_locks_per_transaction: "out of shared
 * memory").
 *
 * sqlite_bulk.c's public functions hand a PostgreSQL store here in their
 * first line; the state is theirs (a zeroed struct store_bulk, so
 * store_bulk_committed has nothing to wake), freed here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/sql.h"
#include "store/sql_store.h"
#include "store/store_bulk.h"

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

struct store_bulk *
sql_bulk_pg_begin(struct store *s, struct store_bulk *b)
{
	if (b == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	if (run(s, "SET synchronous_commit = off", "bulk load settings")
	    == -1) {
		free(b);
		return NULL;
	}
	s->bulk_pg = 1;
	return b;
}

int
sql_bulk_pg_end(struct store *s, struct store_bulk *b)
{
	int rc;

	if (b == NULL)
		return 0;
	free(b);
	s->bulk_pg = 0;
	rc = run(s, "RESET synchronous_commit", "bulk load settings");
	if (rc == 0)
		rc = run(s, "ANALYZE", "analyzing the load");
	return rc;
}
