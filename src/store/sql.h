/*
 * sql.h: the store's one statement layer, over SQLite and PostgreSQL
 * (docs/scaling.md).  Nothing outside src/store includes this.
 *
 * A connection (struct sql_conn) holds one engine's handle and a table of
 * prepared statements (struct sql_stmt), slot k for the store's statement
 * k.  A statement is one SQL text with numbered parameters (?1, ?2 ...),
 * shared by both engines where their dialects agree, with an optional
 * PostgreSQL text where they differ; for libpq ?N becomes $N at prepare.
 *
 * SQLite is the fast path: every call below is an inline test of one
 * pointer and a direct call into SQLite on the same sqlite3_stmt the
 * store prepared (sql_sqlite.c wraps the store's connection, it opens
 * nothing of its own).  PostgreSQL (sql_pg.c): PQprepare once per
 * connection, PQexecPrepared at the first sql_step, rows read from the
 * PGresult; text parameters except blobs (binary bytea), text results.
 *
 * Values bound by pointer (text, blob) must stay valid until the
 * statement is reset, as with SQLITE_STATIC.  Column values returned by
 * pointer live until the next sql_step or sql_reset of that statement.
 */
#ifndef VECHE_STORE_SQL_H
#define VECHE_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum sql_engine {
	SQL_SQLITE,
	SQL_PG,
	SQL__MAX
};

/* What sql_step returns. */
enum sql_rc {
	SQL_ERROR = -1,         /* the connection's sql_errmsg says why */
	SQL_DONE = 0,           /* no (more) rows */
	SQL_ROW = 1             /* a row is ready for sql_column_* */
};

struct sql_conn;
struct sql_pg_stmt;

/*
 * A prepared statement: lite for SQLite (owned by the store's statement
 * cache), pg for PostgreSQL (owned by the connection); exactly one is set
 * once prepared.
 */
struct sql_stmt {
	sqlite3_stmt *lite;
	struct sql_pg_stmt *pg;
};

/*
 * Wrap an open SQLite handle and a statement cache of slots statements
 * (the store's; any of them NULL, sql_prepare fills those).  Neither is
 * owned: their owner finalizes and closes them after sql_conn_free.  NULL
 * when out of memory.
 */
struct sql_conn *sql_conn_sqlite(sqlite3 *db, sqlite3_stmt **cache,
    size_t slots);

/*
 * Connect to PostgreSQL at url (postgresql://...) with room for slots
 * statements.  NULL with err (libpq's message) on failure.  Caller frees
 * with sql_conn_free.
 */
struct sql_conn *sql_conn_pg(const char *url, size_t slots, char *err,
    size_t errlen);

/* Close what the connection owns; accepts NULL. */
void sql_conn_free(struct sql_conn *c);

enum sql_engine sql_conn_engine(const struct sql_conn *c);

/*
 * Prepare slot k from sql (pg: the PostgreSQL text, NULL for the same),
 * unless it is prepared: 0, or -1 with the error.  SQLite's statement goes
 * into the wrapped cache.
 */
int sql_prepare(struct sql_conn *c, size_t k, const char *sql,
    const char *pg);

/* Statement slot k, NULL (with the error) if out of range or unprepared. */
struct sql_stmt *sql_stmt(struct sql_conn *c, size_t k);

/*
 * The last error's text: SQLite's own message, or libpq's (with the
 * layer's for a bad binding or slot).
 */
const char *sql_errmsg(const struct sql_conn *c);

/*
 * Whether the transaction begun by the last sql_begin met a serialization
 * failure or a deadlock (PostgreSQL's SQLSTATE 40001, 40P01): once rolled
 * back, running it again may succeed.  Always 0 on SQLite.
 */
int sql_retryable(const struct sql_conn *c);

/* Rows the last finished INSERT, UPDATE or DELETE changed. */
int64_t sql_changes(const struct sql_conn *c);

/* Run one or more statements with no parameters and no rows: 0 or -1. */
int sql_exec(struct sql_conn *c, const char *sql);

/*
 * Transactions.  sql_begin opens one (SQLite: BEGIN IMMEDIATE, taking the
 * write lock at once); savepoints nest inside it by name (a fixed word of
 * ours, never user input).  All 0 or -1.
 */
int sql_begin(struct sql_conn *c);
int sql_commit(struct sql_conn *c);
int sql_rollback(struct sql_conn *c);
int sql_savepoint(struct sql_conn *c, const char *name);
int sql_release(struct sql_conn *c, const char *name);
int sql_rollback_to(struct sql_conn *c, const char *name);
int sql_in_transaction(const struct sql_conn *c);

/*
 * Change notices between processes (PostgreSQL; docs/scaling.md, "Several
 * processes").  Every statement stepped through sql_step that changes rows
 * announces its commit on the channel veche_changed: inside a transaction
 * the NOTIFY goes with sql_commit (delivered at commit, dropped by a
 * rollback), outside one right after the statement.  sql_exec announces
 * nothing (schema and transaction control).
 *
 * sql_listen subscribes c to the channel; sql_notices reads what arrived
 * without waiting (PQconsumeInput, PQnotifies) and returns how many
 * notices, this connection's own commits included, or -1 with the error;
 * sql_notice_fd is the socket to poll for them.  On SQLite (one process;
 * the store asks PRAGMA data_version instead) sql_listen does nothing,
 * sql_notices returns 0 and sql_notice_fd -1.
 */
int sql_listen(struct sql_conn *c);
int sql_notices(struct sql_conn *c);
int sql_notice_fd(const struct sql_conn *c);

/*
 * A PostgreSQL connection whose server went away (a restart, a failover)
 * is opened again by the next call that needs it, at most once per
 * SQL_RETRY_MS while the server does not answer: its statements are
 * prepared again on first use and its LISTEN issued again; the notices
 * it missed count as a change.  A transaction it was in is lost: every
 * call but sql_rollback fails until that, and a COMMIT whose answer never
 * came fails (its outcome is unknown: the caller must not acknowledge
 * the write).  sql_unavailable is 1 while the connection is lost (its
 * last call failed for it and no new session answered since), else 0;
 * sql_outage the number of PostgreSQL servers this process finds down
 * now.  Each server's loss and return are logged once.  SQLite: 0.
 */
#define SQL_RETRY_MS 250
int sql_unavailable(const struct sql_conn *c);
int sql_outage(void);

/*
 * For the copier (store_copy.c, docs/scaling.md "veche migrate"): a
 * statement of the caller's own, outside the slot table, prepared from a
 * text the caller built from catalogue names (never user input); the type
 * of a column's value in the current row; PostgreSQL's COPY ... FROM
 * STDIN.  sql_stmt_new returns NULL with the error (sql_errmsg);
 * sql_stmt_free accepts NULL.  sql_copy_begin runs a COPY ... FROM STDIN
 * statement, sql_copy_put sends n bytes of its text format, sql_copy_end
 * finishes it and reports the server's verdict: all 0 or -1 (SQLite: -1,
 * COPY is PostgreSQL's).
 */
enum sql_type {
	SQL_TYPE_NULL,
	SQL_TYPE_INTEGER,
	SQL_TYPE_FLOAT,
	SQL_TYPE_TEXT,
	SQL_TYPE_BLOB,
	SQL_TYPE__MAX
};

struct sql_stmt *sql_stmt_new(struct sql_conn *c, const char *sql);
void sql_stmt_free(struct sql_conn *c, struct sql_stmt *st);
enum sql_type sql_column_type(struct sql_stmt *st, int col);
int sql_copy_begin(struct sql_conn *c, const char *sql);
int sql_copy_put(struct sql_conn *c, const char *buf, size_t n);
int sql_copy_end(struct sql_conn *c);

/* The PostgreSQL halves of the copier's calls (sql_pg.c). */
struct sql_pg_stmt *sql_pg_stmt_new(struct sql_conn *c, const char *sql);
void sql_pg_stmt_free(struct sql_pg_stmt *p);
enum sql_type sql_pg_column_type(struct sql_pg_stmt *p, int col);
int sql_pg_copy_begin(struct sql_conn *c, const char *sql);
int sql_pg_copy_put(struct sql_conn *c, const char *buf, size_t n);
int sql_pg_copy_end(struct sql_conn *c);

/* PostgreSQL halves of the inline calls below (sql_pg.c). */
int sql_pg_bind_int64(struct sql_pg_stmt *p, int i, int64_t v);
int sql_pg_bind_double(struct sql_pg_stmt *p, int i, double v);
int sql_pg_bind_text(struct sql_pg_stmt *p, int i, const char *v);
int sql_pg_bind_blob(struct sql_pg_stmt *p, int i, const void *v, size_t n);
int sql_pg_bind_null(struct sql_pg_stmt *p, int i);
enum sql_rc sql_pg_step(struct sql_pg_stmt *p);
void sql_pg_reset(struct sql_pg_stmt *p);
void sql_pg_clear(struct sql_pg_stmt *p);
int sql_pg_column_is_null(struct sql_pg_stmt *p, int col);
int64_t sql_pg_column_int64(struct sql_pg_stmt *p, int col);
double sql_pg_column_double(struct sql_pg_stmt *p, int col);
const char *sql_pg_column_text(struct sql_pg_stmt *p, int col);
const void *sql_pg_column_blob(struct sql_pg_stmt *p, int col);
size_t sql_pg_column_bytes(struct sql_pg_stmt *p, int col);

/*
 * The connection: for sql.c, sql_sqlite.c and sql_pg.c only (the store
 * keeps a pointer).  stmt[k] is slot k; err holds PostgreSQL's last error
 * (SQLite keeps its own).
 */
struct sql_conn {
	enum sql_engine engine;
	sqlite3 *lite;                  /* SQLite: the store's handle */
	sqlite3_stmt **cache;           /* SQLite: the wrapped cache */
	struct pg_conn *pg;             /* PostgreSQL: owned */
	struct sql_stmt *stmt;
	size_t slots;
	int64_t changes;                /* PostgreSQL: of the last step */
	int unannounced;                /* PostgreSQL: rows changed in the open
	                                 * transaction, NOTIFY not yet sent */
	uint64_t own_seen;              /* PostgreSQL: this process's announced
	                                 * commits counted so far (sql_pg.c) */
	char err[512];
	char sqlstate[6];               /* PostgreSQL: of the last error, or "" */
	int retryable;                  /* PostgreSQL: a 40001 or 40P01 since
	                                 * the last sql_begin */
	/* PostgreSQL's reconnection (sql_pg.c, docs/operations.md). */
	uint64_t gen;                   /* sessions so far: statements prepared
	                                 * in an older one are prepared again */
	int pid;                        /* the server process of the session */
	int listening;                  /* LISTEN again in a new session */
	int lost;                       /* the session is gone and no new one
	                                 * answered yet */
	int lost_in_tx;                 /* gone inside a transaction: all but
	                                 * the rollback fail until it */
	int missed;                     /* notices may have been missed */
	int64_t retry_ms;               /* no new attempt before (monotonic) */
	int retry_back;                 /* sql_pg.c's servers_back then */
};

/* The engines' halves of sql.c's calls (sql_sqlite.c, sql_pg.c). */
int sql_lite_exec(struct sql_conn *c, const char *sql);
int sql_lite_prepare(struct sql_conn *c, size_t k, const char *sql);
int sql_pg_exec(struct sql_conn *c, const char *sql);
int sql_pg_prepare(struct sql_conn *c, size_t k, const char *sql);
void sql_pg_close(struct sql_conn *c);
int sql_pg_in_transaction(const struct sql_conn *c);
int sql_pg_commit(struct sql_conn *c);
int sql_pg_rollback(struct sql_conn *c);
int sql_pg_listen(struct sql_conn *c);
int sql_pg_notices(struct sql_conn *c);
int sql_pg_notice_fd(const struct sql_conn *c);

/*
 * Binding: parameter i counts from 1, as ?i.  Text and NULL: a NULL text
 * binds NULL.  All 0, or -1 (st NULL, i out of range, out of memory).
 */
static inline int
sql_bind_int64(struct sql_stmt *st, int i, int64_t v)
{
	if (st == NULL)
		return -1;
	if (st->lite != NULL)
		return sqlite3_bind_int64(st->lite, i, v) == SQLITE_OK ? 0 : -1;
	return sql_pg_bind_int64(st->pg, i, v);
}

static inline int
sql_bind_int(struct sql_stmt *st, int i, int v)
{
	return sql_bind_int64(st, i, v);
}

static inline int
sql_bind_double(struct sql_stmt *st, int i, double v)
{
	if (st == NULL)
		return -1;
	if (st->lite != NULL)
		return sqlite3_bind_double(st->lite, i, v) == SQLITE_OK ? 0 : -1;
	return sql_pg_bind_double(st->pg, i, v);
}

static inline int
sql_bind_text(struct sql_stmt *st, int i, const char *v)
{
	if (st == NULL)
		return -1;
	if (st->lite != NULL)
		return (v == NULL ? sqlite3_bind_null(st->lite, i) :
		    sqlite3_bind_text(st->lite, i, v, -1, SQLITE_STATIC)) ==
		    SQLITE_OK ? 0 : -1;
	return sql_pg_bind_text(st->pg, i, v);
}

/* A blob of n bytes (zero bytes included; n 0 is an empty blob). */
static inline int
sql_bind_blob(struct sql_stmt *st, int i, const void *v, size_t n)
{
	if (st == NULL || n > INT32_MAX)
		return -1;
	if (st->lite != NULL)
		return sqlite3_bind_blob(st->lite, i, n ? v : "", (int)n,
		    SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
	return sql_pg_bind_blob(st->pg, i, v, n);
}

static inline int
sql_bind_null(struct sql_stmt *st, int i)
{
	if (st == NULL)
		return -1;
	if (st->lite != NULL)
		return sqlite3_bind_null(st->lite, i) == SQLITE_OK ? 0 : -1;
	return sql_pg_bind_null(st->pg, i);
}

/* Run st, or move to its next row: SQL_ROW, SQL_DONE or SQL_ERROR. */
static inline enum sql_rc
sql_step(struct sql_stmt *st)
{
	if (st == NULL)
		return SQL_ERROR;
	if (st->lite != NULL) {
		int rc = sqlite3_step(st->lite);

		return rc == SQLITE_ROW ? SQL_ROW : rc == SQLITE_DONE ?
		    SQL_DONE : SQL_ERROR;
	}
	return sql_pg_step(st->pg);
}

/* Back to before the first step; bindings stay. */
static inline void
sql_reset(struct sql_stmt *st)
{
	if (st == NULL)
		return;
	if (st->lite != NULL)
		sqlite3_reset(st->lite);
	else
		sql_pg_reset(st->pg);
}

/* Every parameter back to NULL. */
static inline void
sql_clear(struct sql_stmt *st)
{
	if (st == NULL)
		return;
	if (st->lite != NULL)
		sqlite3_clear_bindings(st->lite);
	else
		sql_pg_clear(st->pg);
}

/*
 * Columns of the current row, counted from 0.  A NULL reads as 0, 0.0,
 * NULL text, NULL blob of 0 bytes.  A PostgreSQL boolean reads as 1 or 0.
 */
static inline int
sql_column_is_null(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
	return sql_pg_column_is_null(st->pg, col);
}

static inline int64_t
sql_column_int64(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_int64(st->lite, col);
	return sql_pg_column_int64(st->pg, col);
}

static inline int
sql_column_int(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_int(st->lite, col);
	return (int)sql_pg_column_int64(st->pg, col);
}

static inline double
sql_column_double(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_double(st->lite, col);
	return sql_pg_column_double(st->pg, col);
}

static inline const char *
sql_column_text(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return (const char *)sqlite3_column_text(st->lite, col);
	return sql_pg_column_text(st->pg, col);
}

static inline const void *
sql_column_blob(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_blob(st->lite, col);
	return sql_pg_column_blob(st->pg, col);
}

/* Bytes of a blob or text column (call after sql_column_blob/text). */
static inline size_t
sql_column_bytes(struct sql_stmt *st, int col)
{
	if (st->lite != NULL)
		return (size_t)sqlite3_column_bytes(st->lite, col);
	return sql_pg_column_bytes(st->pg, col);
}

#endif
