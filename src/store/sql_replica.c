/*
 * sql_replica.c: WAL positions of PostgreSQL servers, and what opening a
 * store on a hot standby needs instead of migrations (docs/scaling.md,
 * "Read replicas").
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_replica.h"
#include "store/sql_store.h"
#include "store/store_replica.h"

struct store_wal {
	struct sql_conn *c;
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

static int
is_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0;
}

struct store_wal *
store_wal_open(const char *url, char *err, size_t errlen)
{
	struct store_wal *w;

	if (!is_url(url)) {
		snprintf(err, errlen, "read replicas need PostgreSQL: %s is "
		    "not a postgresql:// URL", url);
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((w->c = sql_conn_pg(url, 0, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	if ((w->st = sql_stmt_new(w->c, wal_sql)) == NULL) {
		snprintf(err, errlen, "WAL position: %s", sql_errmsg(w->c));
		store_wal_close(w);
		return NULL;
	}
	return w;
}

void
store_wal_close(struct store_wal *w)
{
	if (w == NULL)
		return;
	sql_stmt_free(w->c, w->st);
	sql_conn_free(w->c);
	free(w);
}

int
store_wal_position(struct store_wal *w, uint64_t *lsn, int *standby)
{
	int64_t v;
	int rc = -1;

	if (sql_step(w->st) == SQL_ROW) {
		v = sql_column_int64(w->st, 0);
		*lsn = v > 0 ? (uint64_t)v : 0;
		*standby = sql_column_int(w->st, 1) != 0;
		rc = 0;
	}
	sql_reset(w->st);
	return rc;
}

const char *
store_wal_error(const struct store_wal *w)
{
	return sql_errmsg(w->c);
}

int
store_idle_ok(struct store *s)
{
	struct pollfd p;

	if ((p.fd = sql_notice_fd(s->conn)) < 0)
		return 1;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 0;
}

int
store_unavailable(const struct store *s)
{
	return s != NULL && s->conn != NULL && sql_unavailable(s->conn);
}

int
store_outage(void)
{
	return sql_outage();
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
