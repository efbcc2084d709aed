/*
 * sqlite_internal.h: what the files of the SQLite backend share.  Nothing
 * outside src/store includes this.
 *
 * The backend is one file per subject: sqlite.c (connection, pragmas,
 * migrations registry, statement cache, row loop, transactions, group
 * commit, settings, errors), sqlite_catalog.c (services, agencies, areas),
 * sqlite_reports.c (reports, their queries and updates), sqlite_keys.c (API
 * keys), sqlite_addresses.c (the address registry) and one
 * sqlite_<module>.c per further module with numbered migrations of its own:
 *
 *   const struct migration_set store_<module>_schema = { "<module>", steps, n };
 *   const struct stmt_table store_<subject>_stmts = { sql, n };
 *   st = sq_stmt(s, STORE_MOD_<SUBJECT>, MY_STMT_INDEX);
 *
 * Every statement of every table is prepared once, at open, into the
 * connection's one statement cache; report query shapes (assembled from
 * fixed fragments) go into the same cache on first use (sq_shape).
 */
#ifndef VECHE_SQLITE_INTERNAL_H
#define VECHE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "veche.h"
#include "store/store.h"

struct sql_conn;

/* Subjects with a statement table of their own (struct stmt_table). */
enum store_module {
	STORE_MOD_CORE,         /* transactions, settings, versions (sqlite.c) */
	STORE_MOD_CATALOG,      /* services, agencies, areas (sqlite_catalog.c) */
	STORE_MOD_REPORTS,      /* reports, updates (sqlite_reports.c) */
	STORE_MOD_KEYS,         /* API keys (sqlite_keys.c) */
	STORE_MOD_ADDRESSES,    /* the address registry (sqlite_addresses.c) */
	STORE_MOD_ACCOUNTS,     /* users, sessions, roles (sqlite_accounts.c) */
	STORE_MOD_WORKFLOW,     /* lifecycle, calendar, audit (sqlite_workflow.c) */
	STORE_MOD_DELIVERY,     /* outbox, webhooks, e-mail (sqlite_delivery.c) */
	STORE_MOD_SOCIAL,       /* votes, comments, photos (sqlite_social.c) */
	STORE_MOD_DEADLINES,    /* escalation notices sent (sqlite_deadlines.c) */
	STORE_MOD_POSTS,        /* listening: sources, posts (sqlite_posts.c) */
	STORE_MOD_RATINGS,      /* ratings facts, open data (sqlite_ratings.c) */
	STORE_MOD_HELP,         /* the help map (sqlite_help.c) */
	STORE_MOD_PROPOSALS,    /* proposals, agency notes (sqlite_proposals.c) */
	STORE_MOD_ALERTS,       /* citizens' e-mail alerts (sqlite_alerts.c) */
	STORE_MOD_INCIDENTS,    /* incidents of listening (sqlite_incidents.c) */
	STORE_MOD_OFFICIALS,    /* officials' pages (sqlite_officials.c) */
	STORE_MOD_CALLS,        /* open calls, candidates (sqlite_calls.c) */
	STORE_MOD_DRAFTS,       /* drafts of regulations (sqlite_drafts.c) */
	STORE_MOD_BULK,         /* loading many reports (sqlite_bulk.c) */
	STORE_MOD_RATELIMIT,    /* shared rate limits, PostgreSQL only
	                           (sql_ratelimit.c) */
	STORE_MOD_LEASE,        /* leases between processes (sqlite_lease.c) */
	STORE_MOD__MAX
};

#define STORE_MOD_STMTS 64      /* statements per subject at most */

/*
 * Report query shapes: one per set of filters (15 filter bits) and order
 * (3 orders); sqlite_reports.c checks that its filters and orders fit.
 */
#define STORE_QUERY_SHAPES ((1u << 15) * 3u)

/*
 * Core migration 1's catalogue (settings, services and their attributes,
 * agencies, their services and areas): the same text on both engines.
 */
#define STORE_CORE_CATALOGUE_DDL \
	"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
	"CREATE TABLE services(code TEXT PRIMARY KEY, name_ru TEXT NOT NULL," \
	" name_en TEXT, desc_ru TEXT, desc_en TEXT, group_ru TEXT," \
	" group_en TEXT, keywords TEXT, type INTEGER NOT NULL DEFAULT 0);" \
	"CREATE TABLE service_attrs(service TEXT NOT NULL REFERENCES" \
	" services(code) ON DELETE CASCADE, code TEXT NOT NULL," \
	" type INTEGER NOT NULL, required INTEGER NOT NULL," \
	" variable INTEGER NOT NULL, ord INTEGER NOT NULL, desc_ru TEXT," \
	" desc_en TEXT, dtdesc_ru TEXT, dtdesc_en TEXT," \
	" PRIMARY KEY(service, code));" \
	"CREATE TABLE service_attr_choices(service TEXT NOT NULL," \
	" attr TEXT NOT NULL, key TEXT NOT NULL, name_ru TEXT, name_en TEXT," \
	" ord INTEGER NOT NULL, PRIMARY KEY(service, attr, key)," \
	" FOREIGN KEY(service, attr) REFERENCES service_attrs(service, code)" \
	" ON DELETE CASCADE);" \
	"CREATE TABLE agencies(code TEXT PRIMARY KEY, name_ru TEXT NOT NULL," \
	" name_en TEXT, email TEXT);" \
	"CREATE TABLE agency_services(agency TEXT NOT NULL REFERENCES" \
	" agencies(code) ON DELETE CASCADE, service TEXT NOT NULL," \
	" PRIMARY KEY(agency, service));" \
	"CREATE TABLE agency_areas(agency TEXT NOT NULL REFERENCES" \
	" agencies(code) ON DELETE CASCADE, ord INTEGER NOT NULL," \
	" geojson TEXT NOT NULL, PRIMARY KEY(agency, ord));"

/* One subject's fixed statements: sql[i] is statement i. */
struct stmt_table {
	const char *const *sql;
	size_t n;
};

extern const struct stmt_table store_core_stmts;
extern const struct stmt_table store_catalog_stmts;
extern const struct stmt_table store_reports_stmts;
extern const struct stmt_table store_keys_stmts;
extern const struct stmt_table store_addresses_stmts;
extern const struct stmt_table store_accounts_stmts;
extern const struct stmt_table store_workflow_stmts;
extern const struct stmt_table store_delivery_stmts;
extern const struct stmt_table store_social_stmts;
extern const struct stmt_table store_deadlines_stmts;
extern const struct stmt_table store_posts_stmts;
extern const struct stmt_table store_ratings_stmts;
extern const struct stmt_table store_help_stmts;
extern const struct stmt_table store_proposals_stmts;
extern const struct stmt_table store_calls_stmts;
extern const struct stmt_table store_drafts_stmts;
extern const struct stmt_table store_alerts_stmts;
extern const struct stmt_table store_incidents_stmts;
extern const struct stmt_table store_officials_stmts;
extern const struct stmt_table store_bulk_stmts;
extern const struct stmt_table store_ratelimit_stmts;  /* none on SQLite */
extern const struct stmt_table store_lease_stmts;

/*
 * A report's key in the text index (report_text, core migration 6):
 * (requested << SEARCH_KEY_SHIFT) + its place among the reports requested
 * in the same second, so key order is (requested, id) order.  At most
 * 2^24 reports a second.  Written by sqlite_reports.c, and by
 * sqlite_bulk.c at the end of a load.  On PostgreSQL the place is the
 * id modulo 2^24 - 1 (several writers; sqlite_reports.c, search_key).
 */
#define SEARCH_KEY_BITS 24
#define SEARCH_KEY_SHIFT VECHE_STR(SEARCH_KEY_BITS)

/*
 * The text index's day marks (core migration 8): a document of this one
 * byte, which no text's word is (unicode61's tokens are valid UTF-8; the
 * veche_stem tokenizer makes it a token only of a column of just this
 * byte), at key (each UTC midnight from 2000 to 2100 << SEARCH_KEY_SHIFT)
 * + 2^24 - 1, with no report_search_keys row, so a join drops it.  A walk
 * ORs it into each of its words (sqlite_reports.c).  Never change it: the
 * index holds it.
 */
#define SEARCH_DAY_MARK "\xff"

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
extern const struct migration_set store_posts_schema;
extern const struct migration_set store_ratings_schema;
extern const struct migration_set store_help_schema;
extern const struct migration_set store_proposals_schema;
extern const struct migration_set store_calls_schema;
extern const struct migration_set store_drafts_schema;
extern const struct migration_set store_alerts_schema;
extern const struct migration_set store_incidents_schema;
extern const struct migration_set store_officials_schema;

/*
 * Every module's SQLite migrations in the order store_open applies them,
 * *n of them (the copier finds which module made a table in them).
 */
const struct migration_set *const *sq_migration_sets(size_t *n);

struct store {
	sqlite3 *db;                    /* NULL in a PostgreSQL store */
	struct sql_conn *conn;          /* the statement layer (sql.h) */
	/*
	 * The one statement cache: subject m's statement i at
	 * m * STORE_MOD_STMTS + i, then the report query shapes.
	 */
	sqlite3_stmt **stmt;
	struct store_writer *writer;    /* shared with other connections, or NULL */
	int locked;                     /* this connection holds the writer's lock */
	char request_id[VECHE_MAX_REQUEST_ID + 1];  /* "" outside a request */
	char err[512];
	/*
	 * What each store_changed watcher saw last: data_version and total
	 * changes (SQLite), the count of change notices (PostgreSQL).
	 */
	struct {
		int64_t version, changes;
		uint64_t notices;
		uint64_t commits;       /* the writer's count when asked */
		int64_t asked_ms;       /* when the pragma was asked */
		int seen;
	} seen[STORE_WATCH__MAX];
	int autocheckpoint;             /* wal_autocheckpoint under our hook */
	uint64_t notices;               /* change notices read so far */
	int defer_index;                /* a bulk load (sqlite_bulk.c): reports
	                                 * get their search and spatial entries
	                                 * at its end */
	int bulk_pg;                    /* a PostgreSQL bulk load, the database's
	                                 * only writer (sql_bulk_pg.c) */
	struct store_bulk *bulk;        /* that load, given each point */
	struct pg_load *pg_load;        /* a PostgreSQL load through a scratch
	                                 * SQLite file (sql_bulk_pg.c) */
	int defer_sync;                 /* store_atomic may return before fsync */
	uint64_t pending;               /* its last write's ticket, 0: none */
	/*
	 * The writer's connection (sqlite.c) holds its reports' text index
	 * entries until just before COMMIT: FTS5 writes what it holds to disk
	 * at every savepoint, and each unit opens one (sq_text_flush).
	 */
	int text_defer;
	struct text_entry *text;
	size_t ntext, text_cap;
	/* Called once the open transaction commits (store_audit_pend). */
	void (*after_commit)(struct store *);
	int64_t audit_queued;           /* the last audit entry queued, 0 */
};

/* A text index entry held back (struct store's text). */
struct text_entry {
	int64_t key;
	char *description, *address;
};

/*
 * Write the held text index entries into report_text and forget them:
 * 0, or -1 with s->err.  sq_text_drop forgets those past the first keep
 * (a unit rolled back) without writing them.
 */
int sq_text_flush(struct store *s);
void sq_text_drop(struct store *s, size_t keep);

/*
 * A report of a bulk load (s->bulk, sqlite_bulk.c) was written at this
 * point: its R*Tree entry is made from it once its transaction commits.
 */
void sq_bulk_point(struct store *s, int64_t id, double lat, double lon);
/* ... and its text, kept for the text index (as report_insert stored it). */
void sq_bulk_text(struct store *s, int64_t id, int64_t requested,
    const char *description, const char *address);

/*
 * A fresh database's bulk load (s->bulk, sqlite_bulk.c) writes each report
 * once, in its final status.  sq_bulk_report_hold keeps a copy of the row
 * r (media and attributes aside) under the next id, *id, writing the one
 * held before; sq_bulk_report_status changes the held row as
 * ST_REPORT_SET_STATUS would; sq_bulk_flush writes it (store_commit calls
 * it first).  sq_report_row_insert (sqlite_reports.c) writes a reports row
 * alone.  The first two return 1 when the load does not hold that report
 * (the caller writes as usual), else 0 or -1 with s->err.
 */
struct report;
int sq_bulk_report_hold(struct store *s, const struct report *r,
    int64_t *id);
int sq_bulk_report_status(struct store *s, int64_t id, int status,
    const char *note, int64_t now);
int sq_bulk_flush(struct store *s);
int sq_report_row_insert(struct store *s, const struct report *r,
    int64_t *id);

/*
 * The events, audit entries and report history of a fresh database's bulk
 * load, written beside it (sqlite_bulk.c) with the ids the tables would
 * give: 1 when the load does not (the caller writes as usual), else 0 (*id
 * the event's; the audit log's last entry from memory), or -1 with s->err.
 */
struct store_event;
struct store_audit;
struct report_update;
int sq_bulk_event(struct store *s, const struct store_event *ev,
    int64_t *id);
int sq_bulk_update(struct store *s, const struct report_update *u);
int sq_bulk_audit_last(struct store *s, int64_t *id, char *hash,
    size_t len);
int sq_bulk_audit(struct store *s, const struct store_audit *e);

/*
 * Statement idx of subject m, prepared at open: NULL (with s->err) only for
 * an index outside the subject's table.  The connection owns it; whoever
 * steps it resets it (sq_step_done and sq_rows do).
 */
sqlite3_stmt *sq_stmt(struct store *s, enum store_module m, int idx);

/*
 * The report query shape number shape (below STORE_QUERY_SHAPES), prepared
 * from sql on first use and kept in the same cache; NULL with s->err.  With
 * sql NULL, only the look-up: the statement if prepared before, else NULL.
 */
sqlite3_stmt *sq_shape(struct store *s, size_t shape, const char *sql);

/*
 * The one row loop.  Step a bound statement and call row(st, arg) for each
 * row until it returns nonzero; then reset st and clear its bindings.
 * Returns 0 when the rows ran out, row's nonzero value (row sets s->err for
 * -1), or -1 with s->err "what: <SQLite's message>" when a step failed or
 * st is NULL (s->err kept from sq_stmt).  Values row points at (column
 * text) live until it returns.
 */
int sq_rows(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *, void *), void *arg);

/*
 * The same for a statement of at most one row: row's value (0 when row is
 * NULL), 1 if there is no row, or -1 with s->err.
 */
int sq_row(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *, void *), void *arg);

/* Set s->err to "what: <SQLite's message>". */
void sq_set_err(struct store *s, const char *what);
/* SQLite's process-wide settings, once, before any connection opens. */
void sq_init(void);

/*
 * Replace s's database file by the file from (rename), then open s again
 * on it, as store_open does: for a bulk load that built the whole database
 * in another file, its only user (no writer, no other connection).  0, or
 * -1 with s->err; then s may have no connection left (store_close it).
 */
int sq_replace_file(struct store *s, const char *from);

/*
 * Step a statement that returns no rows, reset it: 0, or -1 with s->err
 * (for st NULL, s->err kept from sq_stmt).
 */
int sq_step_done(struct store *s, sqlite3_stmt *st, const char *what);

/* Bind text (SQLITE_STATIC) or NULL. */
int sq_bind_text(sqlite3_stmt *st, int i, const char *v);

/* A text column, or NULL. */
const char *sq_col_text(sqlite3_stmt *st, int i);

/* A row function for sq_row: column 0 into *(int64_t *)arg. */
int sq_int64_row(sqlite3_stmt *st, void *arg);

/*
 * sqlite_stem.c: register the "veche_stem" FTS5 tokenizer on db (before
 * migrations: core migration 6 indexes through it).  0, or -1 with
 * s->err set.
 */
int sq_stem_register(struct store *s);

/* Where sq_ids_row gathers column 0 of each row: at most max, *n of them. */
struct sq_ids {
	int64_t *ids;
	size_t max, *n;
};

/* A row function for sq_rows: column 0 appended to a struct sq_ids. */
int sq_ids_row(sqlite3_stmt *st, void *arg);

/* Where sq_id_text_row copies column 0 (an integer) and 1 (text, cut). */
struct sq_id_text {
	int64_t *id;
	char *text;
	size_t textlen;
};

/* A row function for sq_row: columns 0 and 1 into a struct sq_id_text. */
int sq_id_text_row(sqlite3_stmt *st, void *arg);

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
