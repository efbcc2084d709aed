/*
 * sqlite_internal.h: what the files of the SQLite backend share.  Nothing
 * outside src/store includes this.
 *
 * The backend is one file per concern: sqlite.c (connection, migrations,
 * catalogue and reports) and one sqlite_<module>.c per further module, each
 * with its own numbered migrations and statements:
 *
 *   const struct migration_set store_<module>_schema = { "<module>", steps, n };
 *   st = sq_prepared(s, STORE_MOD_<MODULE>, MY_STMT_INDEX, "SELECT ...");
 *
 * sq_prepared prepares a statement on first use and keeps it for the
 * life of the connection, so each is still prepared once.
 */
#ifndef VECHE_SQLITE_INTERNAL_H
#define VECHE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>

#include <sqlite3.h>

#include "veche.h"

/* Modules with statements and migrations of their own. */
enum store_module {
	STORE_MOD_ACCOUNTS,     /* users, sessions, roles (sqlite_accounts.c) */
	STORE_MOD_WORKFLOW,     /* lifecycle, calendar, audit (sqlite_workflow.c) */
	STORE_MOD_DELIVERY,     /* outbox, webhooks, e-mail (sqlite_delivery.c) */
	STORE_MOD_SOCIAL,       /* votes, comments, photos (sqlite_social.c) */
	STORE_MOD_DEADLINES,    /* escalation notices sent (sqlite_deadlines.c) */
	STORE_MOD__MAX
};

#define STORE_MOD_STMTS 64      /* statements per module */

/* One module's numbered migrations: steps[i] takes version i to i + 1. */
struct migration_set {
	const char *module;
	const char *const *steps;
	size_t n;
};

extern const struct migration_set store_core_schema;
extern const struct migration_set store_accounts_schema;
extern const struct migration_set store_workflow_schema;
extern const struct migration_set store_delivery_schema;
extern const struct migration_set store_social_schema;
extern const struct migration_set store_deadlines_schema;

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[64];           /* sqlite.c's fixed statements */
	sqlite3_stmt *mod[STORE_MOD__MAX][STORE_MOD_STMTS];
	sqlite3_stmt **qcache;          /* report query shapes, on demand */
	struct store_writer *writer;    /* shared with other connections, or NULL */
	int locked;                     /* this connection holds the writer's lock */
	char request_id[VECHE_MAX_REQUEST_ID + 1];  /* "" outside a request */
	char err[512];
};

/* A module's statement idx, prepared from sql on first use; NULL on error. */
sqlite3_stmt *sq_prepared(struct store *s, enum store_module m, int idx,
    const char *sql);

/* Set s->err to "what: <SQLite's message>". */
void sq_set_err(struct store *s, const char *what);

/* Step a statement that returns no rows, reset it: 0, or -1 with s->err. */
int sq_step_done(struct store *s, sqlite3_stmt *st, const char *what);

/* Bind text (SQLITE_STATIC) or NULL. */
int sq_bind_text(sqlite3_stmt *st, int i, const char *v);

/* A text column, or NULL. */
const char *sq_col_text(sqlite3_stmt *st, int i);

/*
 * Open a transaction unless one is open (*own says which); tx_end commits
 * or rolls back what tx_begin opened, and returns 0 only if ok and the
 * commit succeeded.
 */
int sq_tx_begin(struct store *s, int *own);
int sq_tx_end(struct store *s, int own, int ok);

/*
 * End what sq_tx_begin opened after a write whose result rc is 0 (done),
 * 1 (nothing to change: no such row; rolled back) or -1 (failed; rolled
 * back).  Returns rc, or -1 if the commit of a done write failed.
 */
int sq_tx_finish(struct store *s, int own, int rc);

#endif
