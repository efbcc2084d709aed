/*
 * sql.c: the statement layer's connection-wide calls (sql.h), handed to
 * the engine's half: sql_sqlite.c or sql_pg.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/sql.h"

void
sql_conn_free(struct sql_conn *c)
{
	if (c == NULL)
		return;
	if (c->engine == SQL_PG)
		sql_pg_close(c);
	free(c->stmt);
	free(c);
}

enum sql_engine
sql_conn_engine(const struct sql_conn *c)
{
	return c->engine;
}

int
sql_prepare(struct sql_conn *c, size_t k, const char *sql, const char *pg)
{
	if (k >= c->slots) {
		snprintf(c->err, sizeof(c->err), "statement slot %zu out of "
		    "range", k);
		return -1;
	}
	if (c->engine == SQL_SQLITE)
		return sql_lite_prepare(c, k, sql);
	return sql_pg_prepare(c, k, pg != NULL ? pg : sql);
}

struct sql_stmt *
sql_stmt(struct sql_conn *c, size_t k)
{
	struct sql_stmt *st;

	if (k >= c->slots) {
		snprintf(c->err, sizeof(c->err), "statement slot %zu out of "
		    "range", k);
		return NULL;
	}
	st = &c->stmt[k];
	if (st->lite == NULL && st->pg == NULL) {
		snprintf(c->err, sizeof(c->err), "statement slot %zu not "
		    "prepared", k);
		return NULL;
	}
	return st;
}

const char *
sql_errmsg(const struct sql_conn *c)
{
	if (c->engine == SQL_SQLITE)
		return sqlite3_errmsg(c->lite);
	return c->err[0] ? c->err : "no error";
}

int
sql_in_transaction(const struct sql_conn *c)
{
	if (c->engine == SQL_SQLITE)
		return !sqlite3_get_autocommit(c->lite);
	return sql_pg_in_transaction(c);
}

int
sql_retryable(const struct sql_conn *c)
{
	return c->engine == SQL_PG && c->retryable;
}

int64_t
sql_changes(const struct sql_conn *c)
{
	if (c->engine == SQL_SQLITE)
		return sqlite3_changes64(c->lite);
	return c->changes;
}

int
sql_exec(struct sql_conn *c, const char *sql)
{
	if (c->engine == SQL_SQLITE)
		return sql_lite_exec(c, sql);
	return sql_pg_exec(c, sql);
}

int
sql_begin(struct sql_conn *c)
{
	c->retryable = 0;
	return sql_exec(c, c->engine == SQL_SQLITE ? "BEGIN IMMEDIATE" :
	    "BEGIN");
}

int
sql_commit(struct sql_conn *c)
{
	if (c->engine == SQL_PG)
		return sql_pg_commit(c);
	return sql_exec(c, "COMMIT");
}

int
sql_rollback(struct sql_conn *c)
{
	c->unannounced = 0;
	if (c->engine == SQL_PG)
		return sql_pg_rollback(c);
	return sql_exec(c, "ROLLBACK");
}

int
sql_unavailable(const struct sql_conn *c)
{
	return c != NULL && c->engine == SQL_PG && c->lost;
}

int
sql_listen(struct sql_conn *c)
{
	return c->engine == SQL_PG ? sql_pg_listen(c) : 0;
}

int
sql_notices(struct sql_conn *c)
{
	return c->engine == SQL_PG ? sql_pg_notices(c) : 0;
}

int
sql_notice_fd(const struct sql_conn *c)
{
	return c->engine == SQL_PG ? sql_pg_notice_fd(c) : -1;
}

/* Run "<verb> <name>" for a savepoint: name is ours, a plain word. */
static int
savepoint_verb(struct sql_conn *c, const char *verb, const char *name)
{
	char sql[96];
	int n = snprintf(sql, sizeof(sql), "%s %s", verb, name);

	if (n < 0 || (size_t)n >= sizeof(sql)) {
		snprintf(c->err, sizeof(c->err), "savepoint name %.32s: too "
		    "long", name);
		return -1;
	}
	return sql_exec(c, sql);
}

int
sql_savepoint(struct sql_conn *c, const char *name)
{
	return savepoint_verb(c, "SAVEPOINT", name);
}

int
sql_release(struct sql_conn *c, const char *name)
{
	return savepoint_verb(c, "RELEASE SAVEPOINT", name);
}

int
sql_rollback_to(struct sql_conn *c, const char *name)
{
	return savepoint_verb(c, "ROLLBACK TO SAVEPOINT", name);
}

/* The copier's calls (sql.h): handed to the engine's half. */
struct sql_stmt *
sql_stmt_new(struct sql_conn *c, const char *sql)
{
	struct sql_stmt *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return NULL;
	}
	if (c->engine == SQL_SQLITE ? sqlite3_prepare_v2(c->lite, sql, -1,
	    &st->lite, NULL) != SQLITE_OK : (st->pg = sql_pg_stmt_new(c,
	    sql)) == NULL) {
		sql_stmt_free(c, st);
		return NULL;
	}
	return st;
}

void
sql_stmt_free(struct sql_conn *c, struct sql_stmt *st)
{
	(void)c;
	if (st == NULL)
		return;
	sqlite3_finalize(st->lite);
	sql_pg_stmt_free(st->pg);
	free(st);
}

enum sql_type
sql_column_type(struct sql_stmt *st, int col)
{
	if (st->lite == NULL)
		return sql_pg_column_type(st->pg, col);
	switch (sqlite3_column_type(st->lite, col)) {
	case SQLITE_INTEGER:
		return SQL_TYPE_INTEGER;
	case SQLITE_FLOAT:
		return SQL_TYPE_FLOAT;
	case SQLITE_TEXT:
		return SQL_TYPE_TEXT;
	case SQLITE_BLOB:
		return SQL_TYPE_BLOB;
	default:
		return SQL_TYPE_NULL;
	}
}

/* COPY is PostgreSQL's: on SQLite the copier inserts instead. */
static int
no_copy(struct sql_conn *c)
{
	snprintf(c->err, sizeof(c->err), "COPY needs PostgreSQL");
	return -1;
}

int
sql_copy_begin(struct sql_conn *c, const char *sql)
{
	return c->engine == SQL_PG ? sql_pg_copy_begin(c, sql) : no_copy(c);
}

int
sql_copy_put(struct sql_conn *c, const char *buf, size_t n)
{
	return c->engine == SQL_PG ? sql_pg_copy_put(c, buf, n) : no_copy(c);
}

int
sql_copy_end(struct sql_conn *c)
{
	return c->engine == SQL_PG ? sql_pg_copy_end(c) : no_copy(c);
}
