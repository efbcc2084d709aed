/*
 * sql_replica.c: WAL positions of a PostgreSQL store, and what opening a
 * store on a hot standby needs instead of migrations (docs/scaling.md,
 * "Read replicas").
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/sql_replica.h"
#include "store/sql_store.h"
#include "store/store_replica.h"

struct store_wal {
	struct store *s;
	struct sql_stmt *st;
};

/*
 * One statement for both kinds of server: pg_current_wal_lsn() raises on
 * a standby and CASE evaluates only the branch taken.  A position minus
 * '0/0' is its byte offset (numeric; a bigint holds 8 EiB).
 */
static const char wal_sql[] =
    "SELECT CAST(CASE WHEN pg_is_in_recovery() THEN"
    " coalesce(pg_last_wal_replay_lsn(), '0/0') ELSE pg_current_wal_lsn()"
    " END - '0/0' AS BIGINT), CAST(pg_is_in_recovery() AS INTEGER)";

struct store_wal *
store_wal_new(struct store *s)
{
	struct store_wal *w;

	if (sql_conn_engine(s->conn) != SQL_PG) {
		snprintf(s->err, sizeof(s->err), "no WAL positions on SQLite: "
		    "read replicas need a PostgreSQL --db");
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	w->s = s;
	if ((w->st = sql_stmt_new(s->conn, wal_sql)) == NULL) {
		ss_set_err(s, "WAL position");
		free(w);
		return NULL;
	}
	return w;
}

void
store_wal_free(struct store_wal *w)
{
	if (w == NULL)
		return;
	sql_stmt_free(w->s->conn, w->st);
	free(w);
}

struct position {
	uint64_t lsn;
	int standby;
};

static int
position_row(struct sql_stmt *st, void *arg)
{
	struct position *p = arg;
	int64_t v = sql_column_int64(st, 0);

	p->lsn = v > 0 ? (uint64_t)v : 0;
	p->standby = sql_column_int(st, 1) != 0;
	return 0;
}

int
store_wal_position(struct store_wal *w, uint64_t *lsn, int *standby)
{
	struct position p = { 0, 0 };

	int rc = ss_row(w->s, w->st, "WAL position", position_row, &p);

	if (rc == 1)
		snprintf(w->s->err, sizeof(w->s->err), "WAL position: no row");
	if (rc != 0)
		return -1;
	*lsn = p.lsn;
	*standby = p.standby;
	return 0;
}

int
ss_standby(struct sql_conn *c, char *err, size_t errlen)
{
	struct sql_stmt *st;
	int rc = -1;

	if (sql_conn_engine(c) != SQL_PG)
		return 0;
	if ((st = sql_stmt_new(c, "SELECT CAST(pg_is_in_recovery() AS "
	    "INTEGER)")) != NULL && sql_step(st) == SQL_ROW)
		rc = sql_column_int(st, 0) != 0;
	if (rc == -1)
		snprintf(err, errlen, "asking whether a standby: %s",
		    sql_errmsg(c));
	sql_stmt_free(c, st);
	return rc;
}

int
ss_standby_schema(struct sql_conn *c, const struct migration_set *const *sets,
    size_t n, char *err, size_t errlen)
{
	struct sql_stmt *st;
	size_t i;
	int64_t v;
	int rc = 0;

	if ((st = sql_stmt_new(c, "SELECT version FROM schema_versions WHERE "
	    "module = ?1")) == NULL) {
		snprintf(err, errlen, "schema versions on the standby: %s "
		    "(start the primary's veche first: it migrates)",
		    sql_errmsg(c));
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		v = -1;
		if (sql_bind_text(st, 1, sets[i]->module) == -1)
			rc = -1;
		else if (sql_step(st) == SQL_ROW)
			v = sql_column_int64(st, 0);
		sql_reset(st);
		sql_clear(st);
		if (rc == -1 || v != (int64_t)sets[i]->n) {
			snprintf(err, errlen, "schema of %s on the standby: "
			    "version %lld, this veche needs %zu (the primary "
			    "migrates; the standby follows once it has "
			    "replayed)", sets[i]->module, (long long)v,
			    sets[i]->n);
			rc = -1;
		}
	}
	sql_stmt_free(c, st);
	return rc;
}
