/*
 * sql_store.h: what modules converted to the statement layer (sql.h) use
 * of the store: their statements, the row loop, transactions, errors into
 * s->err, and the PostgreSQL store of the converted modules.  Nothing
 * outside src/store includes this.  docs/scaling.md has the checklist for
 * converting a module.
 */
#ifndef VECHE_STORE_SQL_STORE_H
#define VECHE_STORE_SQL_STORE_H

#include <stddef.h>

#include "store/sql.h"
#include "store/sqlite_internal.h"

/*
 * Statement idx of subject m, prepared at open: NULL (with s->err) for an
 * index outside the subject's table or a subject the store did not
 * prepare.  The connection owns it; ss_rows, ss_row and ss_done reset it.
 */
struct sql_stmt *ss_stmt(struct store *s, enum store_module m, int idx);

/*
 * A report query's shape on a PostgreSQL store (as sq_shape on SQLite):
 * its own slot past the subjects', prepared from sql on first use and
 * kept for the connection's life; with sql NULL, NULL if not prepared
 * yet (no error).  NULL with s->err on SQLite or a failed prepare.
 */
struct sql_stmt *ss_shape(struct store *s, size_t shape, const char *sql);

/* Set s->err to "what: <the engine's message>". */
void ss_set_err(struct store *s, const char *what);

/*
 * The one row loop (as sq_rows): step a bound statement, call row(st, arg)
 * for each row until it returns nonzero, then reset st and clear its
 * bindings.  0 when the rows ran out, row's nonzero value, or -1 with
 * s->err "what: <message>" (st NULL: s->err kept from ss_stmt).
 */
int ss_rows(struct store *s, struct sql_stmt *st, const char *what,
    int (*row)(struct sql_stmt *, void *), void *arg);

/* At most one row (as sq_row): row's value, 1 if no row, or -1. */
int ss_row(struct store *s, struct sql_stmt *st, const char *what,
    int (*row)(struct sql_stmt *, void *), void *arg);

/* A row function for ss_row: column 0 into *(int64_t *)arg. */
int ss_int64_row(struct sql_stmt *st, void *arg);

/* A row function for ss_rows: column 0 appended to a struct sq_ids. */
int ss_ids_row(struct sql_stmt *st, void *arg);

/*
 * A row function for ss_row: column 0 (an integer) and 1 (text, cut;
 * "" for NULL) into a struct sq_id_text.
 */
int ss_id_text_row(struct sql_stmt *st, void *arg);

/* Run a statement for its effect, reset it: 0, or -1 with s->err. */
int ss_done(struct store *s, struct sql_stmt *st, const char *what);

/* ss_done for a write: 0 when it changed a row, 1 when none, or -1. */
int ss_changed(struct store *s, struct sql_stmt *st, const char *what);

/*
 * A transaction of the write's own unless the caller opened one (*own
 * says which; SQLite: the store's writer lock, as sq_tx_begin).  ss_tx_end
 * commits or rolls back what ss_tx_begin opened and returns 0 only if ok
 * and the commit succeeded; a failure's s->err survives the rollback.
 */
int ss_tx_begin(struct store *s, int *own);
int ss_tx_end(struct store *s, int own, int ok);

/*
 * s's PostgreSQL transaction has ended (committed or rolled back): the
 * work it left for after its commit (s->after_commit) runs, or is
 * dropped.
 */
void ss_tx_ended(struct store *s, int committed);

/*
 * End what ss_tx_begin opened after a write whose result rc is 0 (done),
 * 1 (nothing to change; rolled back) or -1 (failed; rolled back), as
 * sq_tx_finish.  Returns rc, or -1 if the commit of a done write failed.
 */
int ss_tx_finish(struct store *s, int own, int rc);

/*
 * Run the numbered migrations sets[0..n) over c (schema_versions holds
 * each module's version): 0, or -1 with err.  c needs one slot past the
 * subjects' (STORE_MOD__MAX * STORE_MOD_STMTS), for its version query.
 */
int ss_migrate(struct sql_conn *c, const struct migration_set *const *sets,
    size_t n, char *err, size_t errlen);

/*
 * The store on PostgreSQL at url (what store_open does with a
 * postgresql:// or postgres:// URL): every module's schema migrated and
 * statements prepared, listening for other processes' changes.  NULL with
 * err.  Free with store_close.
 */
struct store *ss_open_pg(const char *url, char *err, size_t errlen);

/*
 * store_changed on a PostgreSQL store: 1 when a change notice (sql.h) came
 * since watcher w last asked or this is w's first call, else 0; -1 with
 * s->err.
 * Never waits: it reads what the socket already holds.
 */
int ss_store_changed(struct store *s, enum store_watch w);

/*
 * store_bulk_begin and store_bulk_end on PostgreSQL (sql_bulk_pg.c):
 * sqlite_bulk.c's functions pass a PostgreSQL store here.  begin takes b,
 * a zeroed state of the caller's allocation (NULL: out of memory), and n,
 * the reports to load; it returns b, or the state of a load through a
 * scratch SQLite file (b freed), or NULL with s->err (b freed); end frees
 * what begin returned.
 */
struct store_bulk;
struct store_bulk *sql_bulk_pg_begin(struct store *s, struct store_bulk *b,
    size_t n);
int sql_bulk_pg_end(struct store *s, struct store_bulk *b);

/*
 * The migrations ss_open_pg runs, *n of them in order: the converted
 * modules' PostgreSQL schemas (the copier opens a target with them).
 */
const struct migration_set *const *ss_pg_schemas(size_t *n);

/* The core schema's PostgreSQL migrations, numbered as store_core_schema. */
extern const struct migration_set store_core_schema_pg;

/*
 * A converted subject's PostgreSQL texts where the dialects differ, as
 * store_<subject>_stmts_pg: sql[i] for statement i, NULL where both
 * engines run the shared text.
 */
extern const struct stmt_table store_core_stmts_pg;
extern const struct stmt_table store_addresses_stmts_pg;
extern const struct stmt_table store_help_stmts_pg;
extern const struct stmt_table store_proposals_stmts_pg;
extern const struct stmt_table store_calls_stmts_pg;
extern const struct stmt_table store_drafts_stmts_pg;
extern const struct stmt_table store_deadlines_stmts_pg;
extern const struct stmt_table store_workflow_stmts_pg;
extern const struct stmt_table store_lease_stmts_pg;
extern const struct stmt_table store_delivery_stmts_pg;
extern const struct stmt_table store_social_stmts_pg;
extern const struct stmt_table store_ratelimit_stmts_pg;
extern const struct stmt_table store_reports_stmts_pg;

/* A converted module's PostgreSQL migrations, numbered as its SQLite list. */
extern const struct migration_set store_help_schema_pg;
extern const struct migration_set store_proposals_schema_pg;
extern const struct migration_set store_calls_schema_pg;
extern const struct migration_set store_drafts_schema_pg;
extern const struct migration_set store_officials_schema_pg;
extern const struct migration_set store_incidents_schema_pg;
extern const struct migration_set store_deadlines_schema_pg;
extern const struct migration_set store_alerts_schema_pg;
extern const struct migration_set store_ratings_schema_pg;
extern const struct migration_set store_workflow_schema_pg;
extern const struct migration_set store_accounts_schema_pg;
extern const struct migration_set store_delivery_schema_pg;
extern const struct migration_set store_social_schema_pg;
extern const struct migration_set store_posts_schema_pg;
/* PostgreSQL only: SQLite counts rate limits in memory (sql_ratelimit.c). */
extern const struct migration_set store_ratelimit_schema_pg;

#endif
