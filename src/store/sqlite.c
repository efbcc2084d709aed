/*
 * sqlite.c: the SQLite backend of store.h: the connection (open, pragmas,
 * the numbered migrations of every module), the one statement cache and
 * row loop the other sqlite_*.c files use, transactions and the group
 * commit writer, settings and errors.  The subjects live beside it
 * (sqlite_internal.h lists them).
 *
 * WAL mode with synchronous=FULL: a report acknowledged to a client is on
 * disk.  Every fixed statement of every subject is prepared once at open;
 * report query shapes are prepared once on first use.  User input is only
 * ever bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "veche.h"
#include "store/sql.h"
#include "store/sql_store.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#define BUSY_TIMEOUT_MS 10000

/* Times any connection of this process waited for a lock (store_busy_retries). */
static _Atomic uint64_t busy_retries;

/* The connection's own statements. */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SETTING_GET,
	ST_SETTING_PUT,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_DATA_VERSION,
	ST_SCHEMA_VERSION,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[ST_SETTING_PUT] = ("INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
	[ST_SAVEPOINT] = "SAVEPOINT unit",
	[ST_RELEASE] = "RELEASE unit",
	[ST_ROLLBACK_TO] = "ROLLBACK TO unit",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_SCHEMA_VERSION] = ("SELECT version FROM schema_versions "
	    "WHERE module = ?1"),
};

const struct stmt_table store_core_stmts = { stmt_sql, ST__MAX };

/*
 * PostgreSQL's texts where SQLite's differ.  Its transactions go through
 * the statement layer's calls (sql_begin, sql_commit: the commit carries
 * the change notice) and it has no data version (change notices instead),
 * so these two are prepared but never stepped there.
 */
static const char *const stmt_pg[ST__MAX] = {
	[ST_BEGIN] = "BEGIN",
	[ST_DATA_VERSION] = "SELECT 0",
};

const struct stmt_table store_core_stmts_pg = { stmt_pg, ST__MAX };

/* Times store_atomic runs a unit on PostgreSQL that a serialization
 * failure or a deadlock rolled back. */
#define ATOMIC_TRIES 5
#define ATOMIC_BACKOFF_NS 5000000L     /* times the try: 5, 10, 15 ms ... */

/* Every subject's statements, prepared at open into the one cache. */
static const struct stmt_table *const stmt_tables[STORE_MOD__MAX] = {
	[STORE_MOD_CORE] = &store_core_stmts,
	[STORE_MOD_CATALOG] = &store_catalog_stmts,
	[STORE_MOD_REPORTS] = &store_reports_stmts,
	[STORE_MOD_KEYS] = &store_keys_stmts,
	[STORE_MOD_ADDRESSES] = &store_addresses_stmts,
	[STORE_MOD_ACCOUNTS] = &store_accounts_stmts,
	[STORE_MOD_WORKFLOW] = &store_workflow_stmts,
	[STORE_MOD_DELIVERY] = &store_delivery_stmts,
	[STORE_MOD_SOCIAL] = &store_social_stmts,
	[STORE_MOD_POSTS] = &store_posts_stmts,
	[STORE_MOD_DEADLINES] = &store_deadlines_stmts,
	[STORE_MOD_RATINGS] = &store_ratings_stmts,
	[STORE_MOD_HELP] = &store_help_stmts,
	[STORE_MOD_PROPOSALS] = &store_proposals_stmts,
	[STORE_MOD_DRAFTS] = &store_drafts_stmts,
	[STORE_MOD_ALERTS] = &store_alerts_stmts,
	[STORE_MOD_INCIDENTS] = &store_incidents_stmts,
	[STORE_MOD_OFFICIALS] = &store_officials_stmts,
	[STORE_MOD_CALLS] = &store_calls_stmts,
	[STORE_MOD_BULK] = &store_bulk_stmts,
	[STORE_MOD_RATELIMIT] = &store_ratelimit_stmts,
	[STORE_MOD_LEASE] = &store_lease_stmts,
};

#define STMT_FIXED ((size_t)STORE_MOD__MAX * STORE_MOD_STMTS)
#define STMT_SLOTS (STMT_FIXED + STORE_QUERY_SHAPES)


/*
 * Numbered migrations of the core schema.  Entry i brings it from version i
 * to i + 1.  Never edit a shipped entry: add one.  Other modules keep their
 * own numbered lists (sqlite_internal.h); table schema_versions holds each
 * module's version.
 */
static const char *const core_migrations[] = {
	/* 1: the catalogue, reports and their history, API keys. */
	STORE_CORE_CATALOGUE_DDL
	"CREATE TABLE reports(id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
	" service TEXT NOT NULL, agency TEXT, status INTEGER NOT NULL,"
	" status_notes TEXT, lat REAL, lon REAL, address TEXT, address_id TEXT,"
	" zipcode TEXT, description TEXT NOT NULL DEFAULT '',"
	" requested INTEGER NOT NULL, updated INTEGER NOT NULL,"
	" register_due INTEGER, expected INTEGER);"
	"CREATE INDEX reports_requested ON reports(requested, id);"
	"CREATE INDEX reports_updated ON reports(updated);"
	"CREATE INDEX reports_service ON reports(service, requested);"
	"CREATE INDEX reports_agency ON reports(agency, requested);"
	"CREATE TABLE report_media(report INTEGER NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" url TEXT NOT NULL, PRIMARY KEY(report, ord)) WITHOUT ROWID;"
	"CREATE TABLE report_attrs(report INTEGER NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" code TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(report, ord))"
	" WITHOUT ROWID;"
	"CREATE TABLE report_contacts(report INTEGER PRIMARY KEY REFERENCES"
	" reports(id) ON DELETE CASCADE, first_name TEXT, last_name TEXT,"
	" email TEXT, phone TEXT, device_id TEXT, account_id TEXT);"
	"CREATE TABLE report_updates(id INTEGER PRIMARY KEY,"
	" report INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	" status INTEGER NOT NULL, description TEXT, media_url TEXT,"
	" created INTEGER NOT NULL);"
	"CREATE INDEX report_updates_created ON report_updates(created, id);"
	"CREATE INDEX report_updates_report ON report_updates(report);"
	"CREATE VIRTUAL TABLE report_geo USING rtree(id, min_lat, max_lat,"
	" min_lon, max_lon);"
	"CREATE VIRTUAL TABLE report_fts USING fts5(description, address,"
	" content='reports', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE apikeys(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" agency TEXT, hash BLOB NOT NULL UNIQUE, created INTEGER NOT NULL,"
	" revoked INTEGER);",
	/* 2: the address registry, searched by words. */
	"CREATE TABLE addresses(id INTEGER PRIMARY KEY,"
	" address TEXT NOT NULL UNIQUE, lat REAL NOT NULL, lon REAL NOT NULL);"
	"CREATE VIRTUAL TABLE address_fts USING fts5(address,"
	" content='addresses', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');",
	/* 3 (issue 12, admin editing): a service can be disabled. */
	"ALTER TABLE services ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;",
	/* 4 (issue 12, admin editing): answer templates, editable. */
	"CREATE TABLE answer_templates(id INTEGER PRIMARY KEY,"
	" title_ru TEXT NOT NULL, text_ru TEXT NOT NULL, title_en TEXT,"
	" text_en TEXT);"
	"INSERT INTO answer_templates(title_ru, text_ru, title_en, text_en)"
	" VALUES ('Работы выполнены', 'Здравствуйте! Сообщаем, что работы по"
	" вашему обращению выполнены. Спасибо, что помогаете городу.',"
	" 'Work done', 'Hello! The work your report asked for has been done."
	" Thank you for helping the city.'),"
	" ('Работы запланированы', 'Здравствуйте! Работы по вашему обращению"
	" включены в план и будут выполнены в ближайшее время.',"
	" 'Work scheduled', 'Hello! The work your report asks for is"
	" scheduled and will be done soon.'),"
	" ('Вне полномочий', 'Здравствуйте! Вопрос, указанный в обращении, не"
	" входит в полномочия исполнителя; разъясняем порядок обращения в"
	" уполномоченный орган.', 'Outside our remit', 'Hello! The matter you"
	" raise is outside this agency''s remit; here is whom to contact"
	" instead.');",
	/*
	 * 5 (issue 11, varied area reads): what an area query most often
	 * filters and orders on, by id, so the reports the R*Tree finds are
	 * judged from this small index (about 20 bytes a report: it stays in
	 * the page cache) instead of their rows (sqlite_reports.c).
	 */
	("CREATE INDEX reports_area_cover ON reports(id, requested, updated,"
	" status);"),
	/*
	 * 6 (issue 11, text search): the words of a report are indexed under
	 * a key in time order, (requested << 24) + the report's place among
	 * those of the same second, so a search walks its matches newest
	 * first inside the window's key range and stops at the page
	 * (sqlite_reports.c).  report_fts, keyed by report id, matched every
	 * report with the word and sorted them all by time: 264 ms for one
	 * common word at a million reports.  Words are indexed and searched
	 * by their stems (sqlite_stem.c), so "ямы" finds "яма".
	 */
	("CREATE TABLE report_search_keys(key INTEGER PRIMARY KEY,"
	" report INTEGER NOT NULL);"
	"INSERT INTO report_search_keys(key, report)"
	" SELECT (requested << 24) + row_number() OVER (PARTITION BY requested"
	" ORDER BY id) - 1, id FROM reports;"
	"CREATE VIRTUAL TABLE report_text USING fts5(description, address,"
	" content='', tokenize='veche_stem unicode61 remove_diacritics 2');"
	"INSERT INTO report_text(rowid, description, address)"
	" SELECT k.key, r.description, r.address FROM report_search_keys k"
	" CROSS JOIN reports r WHERE r.id = k.report ORDER BY k.key;"
	"DROP TABLE report_fts;"),
	/*
	 * 7 (issue 11, updated_after polling): the time of change with what
	 * a list filters and orders on, so the reports changed since a recent
	 * instant are judged and ordered from the index and only the page's
	 * rows are read (sqlite_reports.c, UPDATED_PROBE_LIMIT).  It serves
	 * the map's catching up by updated time as the old one did.
	 */
	("DROP INDEX reports_updated;"
	"CREATE INDEX reports_updated ON reports(updated, requested, status);"),
	/*
	 * 8 (issue 11, text search): day marks (SEARCH_DAY_MARK).  FTS5
	 * checks a walk's lower key bound only at a match, so words that
	 * never meet in the window walked their lists back to the oldest
	 * report: 4.7 ms of CPU at a million reports for one such pair, 90 %
	 * of it outside the 90 days.  The walk ORs the mark into each word
	 * (sqlite_reports.c): its AND matches once a day and stops within a
	 * day of the window's start.  Then the index is merged into one
	 * segment: a bulk load leaves ten or more, each searched on its own
	 * (half of a one-word search's time at a million reports).
	 */
	("WITH RECURSIVE d(t) AS (SELECT 946684800 UNION ALL"
	" SELECT t + 86400 FROM d WHERE t < 4102444800)"
	" INSERT INTO report_text(rowid, description, address)"
	" SELECT (t << 24) + 16777215, CAST(x'ff' AS TEXT), '' FROM d;"
	"INSERT INTO report_text(report_text) VALUES('optimize');"),
	/*
	 * 9 (issue 16, updated_after polling on PostgreSQL): PostgreSQL's
	 * reports_updated gains the id SQLite's carries as its rowid; nothing
	 * to do here (the steps stay numbered alike for veche migrate).
	 */
	"SELECT 1;",
};

/*
 * Every module's migrations, applied in this order.  Workflow comes before
 * accounts: accounts 5 moves its links into workflow's reports.reporter_user.
 */
static const struct migration_set *const migration_sets[] = {
	&store_core_schema,
	&store_workflow_schema,
	&store_accounts_schema,
	&store_delivery_schema,
	&store_social_schema,
	&store_deadlines_schema,
	&store_posts_schema,
	&store_ratings_schema,
	&store_help_schema,
	&store_proposals_schema,
	&store_alerts_schema,   /* after delivery: its items name events */
	&store_incidents_schema, /* after posts and reports: it links them */
	&store_officials_schema,       /* officials' pages */
	&store_calls_schema,    /* open calls (sqlite_calls.c) */
	&store_drafts_schema,   /* after social: its reads join comments */
};

const struct migration_set store_core_schema = {
	"core", core_migrations,
	sizeof(core_migrations) / sizeof(core_migrations[0]),
};

static void unlock_writes(struct store *s);

void
sq_set_err(struct store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    s->db ? sqlite3_errmsg(s->db) : s->conn ? sql_errmsg(s->conn) :
	    "no database");
}

const char *
store_error(const struct store *s)
{
	return s->err[0] ? s->err : "no error";
}

/* Great-circle distance in metres between two WGS84 points (haversine). */
static void
fn_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const double r = 6371008.8, rad = M_PI / 180.0;
	double lat1, lon1, lat2, lon2, a;
	int i;

	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
			sqlite3_result_null(ctx);
			return;
		}
	lat1 = sqlite3_value_double(argv[0]) * rad;
	lon1 = sqlite3_value_double(argv[1]) * rad;
	lat2 = sqlite3_value_double(argv[2]) * rad;
	lon2 = sqlite3_value_double(argv[3]) * rad;
	a = pow(sin((lat2 - lat1) / 2), 2) +
	    cos(lat1) * cos(lat2) * pow(sin((lon2 - lon1) / 2), 2);
	sqlite3_result_double(ctx, 2 * r * asin(fmin(1.0, sqrt(a))));
}

static int
exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "%s", msg ? msg : "exec failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The version module has reached, 0 if it has none yet; -1 on error. */
static int
module_version(struct store *s, const char *module)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_versions "
	    "WHERE module = ?", -1, &st, NULL) != SQLITE_OK) {
		sq_set_err(s, "reading schema version");
		return -1;
	}
	sq_bind_text(st, 1, module);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		v = sqlite3_column_int(st, 0);
		break;
	case SQLITE_DONE:
		v = 0;
		break;
	default:
		sq_set_err(s, "reading schema version");
	}
	sqlite3_finalize(st);
	return v;
}

static int
migrate_set(struct store *s, const struct migration_set *m)
{
	char sql[160];
	int version;
	size_t i;

	if ((version = module_version(s, m->module)) == -1)
		return -1;
	if (version > (int)m->n) {
		snprintf(s->err, sizeof(s->err), "database schema of %s is at "
		    "version %d, newer than this veche knows (%zu): upgrade "
		    "veche", m->module, version, m->n);
		return -1;
	}
	for (i = (size_t)version; i < m->n; i++) {
		if (exec(s, "BEGIN IMMEDIATE") == -1)
			return -1;
		/* Module names are ours, never user input. */
		snprintf(sql, sizeof(sql), "INSERT INTO schema_versions(module, "
		    "version) VALUES ('%s', %zu) ON CONFLICT(module) DO UPDATE "
		    "SET version = excluded.version", m->module, i + 1);
		if (exec(s, m->steps[i]) == -1 || exec(s, sql) == -1) {
			char why[sizeof(s->err)];

			snprintf(why, sizeof(why), "%s", s->err);
			exec(s, "ROLLBACK");
			snprintf(s->err, sizeof(s->err), "migration %s %zu: %.400s",
			    m->module, i + 1, why);
			return -1;
		}
		if (exec(s, "COMMIT") == -1)
			return -1;
	}
	return 0;
}

static int
migrate(struct store *s)
{
	size_t i;

	if (exec(s, "CREATE TABLE IF NOT EXISTS schema_versions(module TEXT "
	    "PRIMARY KEY, version INTEGER NOT NULL)") == -1)
		return -1;
	for (i = 0; i < sizeof(migration_sets) / sizeof(migration_sets[0]); i++)
		if (migrate_set(s, migration_sets[i]) == -1)
			return -1;
	return 0;
}

/*
 * SQLITE_BUSY: another process (the command line, a backup) holds the lock.
 * Wait as sqlite3_busy_timeout would, up to BUSY_TIMEOUT_MS in all, and
 * count each wait.
 */
static int
on_busy(void *arg, int n)
{
	static const int delays[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50,
	    100 };
	const int nd = (int)(sizeof(delays) / sizeof(delays[0]));
	int i, waited = 0, delay;

	(void)arg;
	for (i = 0; i < n && i < nd; i++)
		waited += delays[i];
	if (n > nd)
		waited += (n - nd) * delays[nd - 1];
	delay = n < nd ? delays[n] : delays[nd - 1];
	if (waited >= BUSY_TIMEOUT_MS)
		return 0;
	if (delay > BUSY_TIMEOUT_MS - waited)
		delay = BUSY_TIMEOUT_MS - waited;
	atomic_fetch_add_explicit(&busy_retries, 1, memory_order_relaxed);
	sqlite3_sleep(delay);
	return 1;
}

uint64_t
store_busy_retries(void)
{
	return atomic_load_explicit(&busy_retries, memory_order_relaxed);
}

void
store_set_request_id(struct store *s, const char *id)
{
	snprintf(s->request_id, sizeof(s->request_id), "%s",
	    id != NULL ? id : "");
}

const char *
store_request_id(const struct store *s)
{
	return s->request_id;
}

/* Prepare every subject's statements into the cache; -1 with s->err. */
static int
prepare_all(struct store *s)
{
	const struct stmt_table *t;
	size_t m, i;

	for (m = 0; m < STORE_MOD__MAX; m++) {
		t = stmt_tables[m];
		if (t->n > STORE_MOD_STMTS) {
			snprintf(s->err, sizeof(s->err), "subject %zu has %zu "
			    "statements, more than %d", m, t->n,
			    STORE_MOD_STMTS);
			return -1;
		}
		for (i = 0; i < t->n; i++)
			if (sqlite3_prepare_v3(s->db, t->sql[i], -1,
			    SQLITE_PREPARE_PERSISTENT,
			    &s->stmt[m * STORE_MOD_STMTS + i], NULL) !=
			    SQLITE_OK) {
				snprintf(s->err, sizeof(s->err), "preparing "
				    "statement %zu of subject %zu: %s", i, m,
				    sqlite3_errmsg(s->db));
				return -1;
			}
	}
	return 0;
}

int
store_is_url(const char *db)
{
	return db != NULL && (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0);
}

static void
sq_configure(void)
{
	/*
	 * No memory statistics: with them every allocation of every
	 * connection takes one process-wide mutex, which the request
	 * threads (and a bulk load's helper threads) then wait on.  Nothing
	 * reads sqlite3_memory_used.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void
sq_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, sq_configure);
}

/*
 * Open path on s (its statement cache allocated, no connection yet): the
 * settings, the migrations, the functions and every statement.  0, or -1
 * with err.
 */
static int
connect_file(struct store *s, const char *path, char *err, size_t errlen)
{
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s: check the "
		    "path and its directory's permissions", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_handler(s->db, on_busy, NULL);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s, "PRAGMA journal_mode = WAL") == -1 ||
	    exec(s, "PRAGMA synchronous = FULL") == -1 ||
	    exec(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SQLITE_CACHE_KIB_NEG))
	    == -1 ||
	    /*
	     * As much of the file mapped as SQLite allows (its build caps it,
	     * 2 GiB in Debian's): at a million reports a page of 50 rows read
	     * by key touches 50 pages scattered over 2.7 GB; pages outside the
	     * mapping are copied from the kernel into each connection's own
	     * cache (pread), pages inside are read in place, shared by every
	     * connection (issue 11, docs/performance.md).
	     */
	    exec(s, "PRAGMA mmap_size = " VECHE_STR(VECHE_SQLITE_MMAP)) == -1 ||
	    exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    /* Erased personal data must not linger in free pages (152-FZ). */
	    exec(s, "PRAGMA secure_delete = ON") == -1 ||
	    sq_stem_register(s) == -1 ||
	    migrate(s) == -1) {
		snprintf(err, errlen, "database %s: %s", path, s->err);
		return -1;
	}
	if (sqlite3_create_function(s->db, "veche_distance", 4,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_distance, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "registering functions: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (prepare_all(s) == -1) {
		snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	/* The statement layer over this handle and cache (sql_sqlite.c). */
	if ((s->conn = sql_conn_sqlite(s->db, s->stmt, STMT_FIXED)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Close s's connection and forget its statements; s stays allocated. */
static void
disconnect(struct store *s)
{
	size_t i;

	sql_conn_free(s->conn);
	s->conn = NULL;
	if (s->stmt != NULL)
		for (i = 0; i < STMT_SLOTS; i++) {
			sqlite3_finalize(s->stmt[i]);
			s->stmt[i] = NULL;
		}
	sq_text_drop(s, 0);
	sqlite3_close(s->db);
	s->db = NULL;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = NULL;

	if (store_is_url(path))
		return ss_open_pg(path, err, errlen);
	sq_init();
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->stmt = calloc(STMT_SLOTS, sizeof(*s->stmt))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (connect_file(s, path, err, errlen) == -1)
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

/* fsync the directory that holds path: a rename in it survives a crash. */
static void
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

int
sq_replace_file(struct store *s, const char *from)
{
	char path[PATH_MAX], side[PATH_MAX + 8], err[sizeof(s->err)];
	const char *db = sqlite3_db_filename(s->db, "main");
	size_t i;
	int n, moved, errno_rename;

	if (s->writer != NULL || db == NULL || db[0] == '\0' ||
	    (n = snprintf(path, sizeof(path), "%s", db)) <= 0 ||
	    (size_t)n >= sizeof(path)) {
		snprintf(s->err, sizeof(s->err), "replacing the database "
		    "file: not a file of this connection's own");
		return -1;
	}
	disconnect(s);
	moved = rename(from, path) == 0;
	errno_rename = errno;
	/* The new name synced with its directory, as the file is later. */
	if (moved)
		sync_dir(path);
	/* Nothing of the file replaced may be read with the new one. */
	for (i = 0; moved && i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", path,
		    i == 0 ? "-wal" : "-shm");
		unlink(side);
	}
	if (connect_file(s, path, err, sizeof(err)) == -1) {
		disconnect(s);
		snprintf(s->err, sizeof(s->err), "%s", err);
		return -1;
	}
	if (!moved) {
		snprintf(s->err, sizeof(s->err), "replacing the database file "
		    "%.300s: %s", path, strerror(errno_rename));
		return -1;
	}
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	disconnect(s);
	free(s->stmt);
	free(s->text);
	unlock_writes(s);
	free(s);
}

int
store_schema_version(struct store *s)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_CORE, ST_SCHEMA_VERSION);
	int64_t v = 0;

	sql_bind_text(st, 1, "core");
	if (ss_row(s, st, "reading schema version", ss_int64_row, &v) == -1)
		return -1;
	return (int)v;
}

static uint64_t writer_commits(struct store_writer *w);

int
store_changed(struct store *s, enum store_watch w)
{
	sqlite3_stmt *st;
	int64_t version, changes, now_ms = 0;
	uint64_t commits = 0;
	struct timespec ts;
	int rc, changed;

	if ((unsigned)w >= STORE_WATCH__MAX) {
		sq_set_err(s, "no such watcher");
		return -1;
	}
	if (s->db == NULL)              /* PostgreSQL: change notices */
		return ss_store_changed(s, w);
	/*
	 * The pragma takes the WAL's read locks, which every connection of
	 * the process shares (a mutex, two fcntl): on every map view that
	 * was the threads' queue.  A commit by this process counts itself
	 * (on_commit), so the pragma is asked only when one did, or every
	 * VECHE_CHANGES_CHECK_MS for other processes' commits.
	 */
	if (s->writer != NULL) {
		commits = writer_commits(s->writer);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (s->seen[w].seen && s->seen[w].commits == commits &&
		    now_ms - s->seen[w].asked_ms < VECHE_CHANGES_CHECK_MS)
			return 0;
	}
	st = sq_stmt(s, STORE_MOD_CORE, ST_DATA_VERSION);
	changes = sqlite3_total_changes64(s->db);
	if (st == NULL)
		return -1;
	/* Commits by other connections move data_version, this one's own
	 * writes total_changes. */
	rc = sqlite3_step(st);
	version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sq_set_err(s, "reading the data version");
		return -1;
	}
	changed = !s->seen[w].seen || s->seen[w].version != version ||
	    s->seen[w].changes != changes;
	s->seen[w].seen = 1;
	s->seen[w].version = version;
	s->seen[w].changes = changes;
	s->seen[w].commits = commits;
	s->seen[w].asked_ms = now_ms;
	return changed;
}

/* Run a statement that returns no rows, then reset it. */
int
sq_step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		sq_set_err(s, what);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
sq_stmt(struct store *s, enum store_module m, int idx)
{
	if ((unsigned)m >= STORE_MOD__MAX || idx < 0 ||
	    (size_t)idx >= stmt_tables[m]->n) {
		snprintf(s->err, sizeof(s->err), "statement %d of subject %d "
		    "out of range", idx, (int)m);
		return NULL;
	}
	return s->stmt[(size_t)m * STORE_MOD_STMTS + (size_t)idx];
}

sqlite3_stmt *
sq_shape(struct store *s, size_t shape, const char *sql)
{
	sqlite3_stmt **slot;

	if (shape >= STORE_QUERY_SHAPES) {
		snprintf(s->err, sizeof(s->err), "query shape %zu out of range",
		    shape);
		return NULL;
	}
	slot = &s->stmt[STMT_FIXED + shape];
	if (*slot == NULL && sql != NULL && sqlite3_prepare_v3(s->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sq_set_err(s, "preparing report query");
		*slot = NULL;
		return NULL;
	}
	return *slot;
}

/* Step st for sq_rows (all rows) or sq_row (one, 1 if none). */
static int
rows(struct store *s, sqlite3_stmt *st, const char *what, int single,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row != NULL && (ret = row(st, arg)) != 0)
			break;
		if (single)
			break;
	}
	if (rc == SQLITE_DONE && single)
		ret = 1;
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sq_set_err(s, what);
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int
sq_int64_row(sqlite3_stmt *st, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(st, 0);
	return 0;
}

int
sq_ids_row(sqlite3_stmt *st, void *arg)
{
	const struct sq_ids *r = arg;

	if (*r->n < r->max)
		r->ids[(*r->n)++] = sqlite3_column_int64(st, 0);
	return 0;
}

int
sq_id_text_row(sqlite3_stmt *st, void *arg)
{
	const struct sq_id_text *o = arg;

	*o->id = sqlite3_column_int64(st, 0);
	snprintf(o->text, o->textlen, "%s", sq_col_text(st, 1));
	return 0;
}

int
sq_rows(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	return rows(s, st, what, 0, row, arg);
}

int
sq_row(struct store *s, sqlite3_stmt *st, const char *what,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	return rows(s, st, what, 1, row, arg);
}

/* One unit of work waiting for a group commit. */
struct unit {
	int (*fn)(struct store *, void *);
	void *arg;
	int rc;
	int done;
	char err[256];
	char request_id[VECHE_MAX_REQUEST_ID + 1];  /* of the queuing connection */
	struct unit *next;
};

/* A deferred write's caller, told once its batch is on disk. */
struct sync_waiter {
	uint64_t ticket;
	void (*fn)(void *, int);
	void *arg;
	struct sync_waiter *next;
};

/*
 * The writer.  Batches run on a connection of its own (conn), opened by
 * the first leader on the leader's database file: its page cache stays
 * warm from one batch to the next, where a leader's own connection would
 * find the pages changed by the previous leader and drop its cache.  That
 * connection does not checkpoint inside COMMIT; its WAL hook wakes the
 * checkpointer thread instead, which copies the WAL into the database on
 * a connection of its own while batches go on committing, then takes the
 * write lock only for the last few frames, so that the next write can
 * start the WAL over.  A database in memory (no file) has neither: its
 * batches run on the leader's connection, as they do if conn cannot be
 * opened.
 *
 * With a syncer thread (a database file in WAL mode), units do not queue
 * for a leader: each caller runs its own unit on that connection, under
 * the write lock, in a savepoint of the one transaction left open there
 * (open), and the syncer commits it: COMMIT writes the WAL frames without
 * fsync (synchronous = NORMAL on that connection), then, outside the
 * write lock, one fdatasync of the WAL file makes every unit of it
 * durable while the next units go into the next transaction.  So a
 * transaction holds every unit that came during the previous fsync, and
 * each page they share is written once.  A unit's caller is told of
 * success only after that fsync: store_atomic waits for it, or, for a
 * connection in store_defer_sync mode, hands back the transaction's
 * number as a ticket that store_durable_notify turns into a call-back.
 * Anyone else who takes the write lock (store_begin) commits the open
 * transaction first.  Without the syncer (no file, no WAL file to open)
 * units queue for a leader as above, the connection stays synchronous =
 * FULL and there are no tickets.
 */
struct store_writer {
	pthread_mutex_t lock;           /* held for a whole write transaction */
	pthread_mutex_t qlock;          /* guards the queue below */
	pthread_cond_t cond;
	struct unit *head, *tail;
	int leading;                    /* a thread is running a batch */
	struct store *conn;             /* the batches' connection, or NULL */
	int conn_tried;                 /* conn was opened, or could not be */
	pthread_mutex_t ckpt_lock;      /* guards the four fields below */
	pthread_cond_t ckpt_cond;
	int ckpt_wanted, ckpt_stop;
	int ckpt_running;               /* the thread ckpt is running */
	pthread_t ckpt;
	sqlite3 *ckpt_db;               /* the checkpointer's connection */
	pthread_mutex_t sync_lock;      /* guards the fields below */
	pthread_cond_t sync_work;       /* committed moved, or sync_stop */
	pthread_cond_t sync_done;       /* synced moved */
	uint64_t committed;             /* batches committed, unsynced or not */
	uint64_t synced;                /* of them, the first on disk */
	uint64_t fail_lo, fail_hi;      /* the last range whose fsync failed */
	struct sync_waiter *waiters;
	int open;                       /* conn's transaction of units is open
	                                 * (guarded by lock) */
	uint64_t open_ticket;           /* its number (guarded by lock) */
	int open_dirty;                 /* units wait in it (sync_lock) */
	int sync_stop;
	int sync_running;               /* the thread syncer is running */
	int sync_fd;                    /* the WAL file, or -1 */
	pthread_t syncer;
	/* Commits through this process's connections so far (their WAL
	 * hooks, after each commit): store_changed's first question. */
	_Atomic uint64_t commits;
};

/* The commits through w's connections so far (on_commit). */
static uint64_t
writer_commits(struct store_writer *w)
{
	return atomic_load(&w->commits);
}

struct store_writer *
store_writer_new(void)
{
	struct store_writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->qlock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_mutex_init(&w->ckpt_lock, NULL);
	pthread_cond_init(&w->ckpt_cond, NULL);
	pthread_mutex_init(&w->sync_lock, NULL);
	pthread_cond_init(&w->sync_work, NULL);
	pthread_cond_init(&w->sync_done, NULL);
	w->sync_fd = -1;
	return w;
}

void
store_writer_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	/* Whatever was committed goes to disk first, its callers told. */
	if (w->sync_running) {
		pthread_mutex_lock(&w->sync_lock);
		w->sync_stop = 1;
		pthread_cond_signal(&w->sync_work);
		pthread_mutex_unlock(&w->sync_lock);
		pthread_join(w->syncer, NULL);
	}
	if (w->sync_fd != -1)
		close(w->sync_fd);
	if (w->ckpt_running) {
		pthread_mutex_lock(&w->ckpt_lock);
		w->ckpt_stop = 1;
		pthread_cond_signal(&w->ckpt_cond);
		pthread_mutex_unlock(&w->ckpt_lock);
		pthread_join(w->ckpt, NULL);
	}
	sqlite3_close(w->ckpt_db);
	store_close(w->conn);
	pthread_cond_destroy(&w->sync_done);
	pthread_cond_destroy(&w->sync_work);
	pthread_mutex_destroy(&w->sync_lock);
	pthread_cond_destroy(&w->ckpt_cond);
	pthread_mutex_destroy(&w->ckpt_lock);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->qlock);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/*
 * The checkpointer: waits for the WAL hook's call, copies what it can
 * without the write lock (PASSIVE never waits for writers), then the rest
 * under the lock, which is then short.
 */
static void *
checkpointer(void *arg)
{
	struct store_writer *w = arg;

	pthread_mutex_lock(&w->ckpt_lock);
	for (;;) {
		while (!w->ckpt_wanted && !w->ckpt_stop)
			pthread_cond_wait(&w->ckpt_cond, &w->ckpt_lock);
		if (w->ckpt_stop)
			break;
		w->ckpt_wanted = 0;
		pthread_mutex_unlock(&w->ckpt_lock);
		sqlite3_wal_checkpoint_v2(w->ckpt_db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&w->lock);
		sqlite3_wal_checkpoint_v2(w->ckpt_db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(&w->lock);
		pthread_mutex_lock(&w->ckpt_lock);
	}
	pthread_mutex_unlock(&w->ckpt_lock);
	return NULL;
}

/* After each commit on the writer's connection, with the WAL's frames. */
static int
on_wal(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_writer *w = arg;

	(void)db;
	(void)name;
	atomic_fetch_add(&w->commits, 1);
	if (frames >= VECHE_WAL_CHECKPOINT_PAGES) {
		pthread_mutex_lock(&w->ckpt_lock);
		w->ckpt_wanted = 1;
		pthread_cond_signal(&w->ckpt_cond);
		pthread_mutex_unlock(&w->ckpt_lock);
	}
	return SQLITE_OK;
}

/* Open the checkpointer's connection and start it; -1 if it cannot be. */
static int
checkpointer_start(struct store_writer *w, const char *path)
{
	if (sqlite3_open_v2(path, &w->ckpt_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(w->ckpt_db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    pthread_create(&w->ckpt, NULL, checkpointer, w) != 0) {
		sqlite3_close(w->ckpt_db);
		w->ckpt_db = NULL;
		return -1;
	}
	w->ckpt_running = 1;
	return 0;
}

/* Whether ticket t's fsync failed; called with sync_lock held. */
static int
sync_failed(const struct store_writer *w, uint64_t t)
{
	return t >= w->fail_lo && t <= w->fail_hi;
}

/*
 * Commit conn's open transaction of units, if any, without fsync: its
 * number is then the syncer's to sync, or failed.  Called with w->lock.
 */
static void
open_commit(struct store_writer *w)
{
	struct store *c = w->conn;
	int ok;

	if (!w->open)
		return;
	ok = !sqlite3_get_autocommit(c->db) && sq_text_flush(c) == 0 &&
	    sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_COMMIT),
	    "commit") == 0;
	sq_text_drop(c, 0);
	if (!ok && !sqlite3_get_autocommit(c->db))
		sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_ROLLBACK),
		    "rollback");
	w->open = 0;
	pthread_mutex_lock(&w->sync_lock);
	w->committed = w->open_ticket;
	w->open_dirty = 0;
	if (!ok)
		w->fail_lo = w->fail_hi = w->open_ticket;
	pthread_cond_signal(&w->sync_work);
	pthread_mutex_unlock(&w->sync_lock);
}

/*
 * The syncer: commits the open transaction, then one fdatasync of the WAL
 * for every transaction committed since the last, then the call-backs of
 * the deferred units it covered.  On stop it commits and syncs what is
 * left first.
 */
static void *
syncer(void *arg)
{
	struct store_writer *w = arg;
	struct sync_waiter *done, **pp, *x;
	uint64_t target;
	int rc;

	pthread_mutex_lock(&w->sync_lock);
	for (;;) {
		while (!w->open_dirty && w->synced == w->committed &&
		    !w->sync_stop)
			pthread_cond_wait(&w->sync_work, &w->sync_lock);
		if (w->open_dirty || w->sync_stop) {
			pthread_mutex_unlock(&w->sync_lock);
			pthread_mutex_lock(&w->lock);
			open_commit(w);
			pthread_mutex_unlock(&w->lock);
			pthread_mutex_lock(&w->sync_lock);
		}
		if (w->synced == w->committed) {
			if (w->sync_stop)
				break;
			continue;
		}
		target = w->committed;
		pthread_mutex_unlock(&w->sync_lock);
		rc = fdatasync(w->sync_fd);
		pthread_mutex_lock(&w->sync_lock);
		if (rc != 0) {
			w->fail_lo = w->synced + 1;
			w->fail_hi = target;
		}
		w->synced = target;
		done = NULL;
		for (pp = &w->waiters; (x = *pp) != NULL; ) {
			if (x->ticket <= target) {
				*pp = x->next;
				x->next = done;
				done = x;
			} else
				pp = &x->next;
		}
		pthread_cond_broadcast(&w->sync_done);
		for (x = done; x != NULL; x = x->next)
			x->ticket = sync_failed(w, x->ticket);
		pthread_mutex_unlock(&w->sync_lock);
		while ((x = done) != NULL) {
			done = x->next;
			x->fn(x->arg, x->ticket == 0);
			free(x);
		}
		pthread_mutex_lock(&w->sync_lock);
	}
	pthread_mutex_unlock(&w->sync_lock);
	return NULL;
}

/*
 * Run unit fn(arg) in conn's open transaction (opening it), in a
 * savepoint, on the caller's thread.  Returns fn's result (-1 with the
 * message in s->err) and the transaction's number in *ticket when 0.
 */
static int
open_run(struct store_writer *w, struct store *s,
    int (*fn)(struct store *, void *), void *arg, uint64_t *ticket)
{
	struct store *c = w->conn;
	char own_id[sizeof(c->request_id)];
	size_t held;
	int rc = -1;

	pthread_mutex_lock(&w->lock);
	if (!w->open) {
		if (sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_BEGIN),
		    "begin") == -1)
			goto out;
		w->open = 1;
		/* committed moves only under w->lock: no lock to read it. */
		w->open_ticket = w->committed + 1;
	}
	if (sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_SAVEPOINT),
	    "savepoint") == -1)
		goto out;
	/* Its audit entries name the request that queued it. */
	memcpy(own_id, c->request_id, sizeof(own_id));
	memcpy(c->request_id, s->request_id, sizeof(c->request_id));
	held = c->ntext;
	rc = fn(c, arg);
	memcpy(c->request_id, own_id, sizeof(c->request_id));
	if (rc != 0) {
		sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_ROLLBACK_TO),
		    "rollback to savepoint");
		sq_text_drop(c, held);
	}
	if (sq_step_done(c, sq_stmt(c, STORE_MOD_CORE, ST_RELEASE),
	    "release") == -1 && rc == 0)
		rc = -1;
	pthread_mutex_lock(&w->sync_lock);
	if (sqlite3_get_autocommit(c->db)) {
		/* An error rolled it all back: the units before too. */
		sq_text_drop(c, 0);
		w->open = 0;
		w->committed = w->open_ticket;
		w->fail_lo = w->fail_hi = w->open_ticket;
		rc = -1;
	} else
		w->open_dirty = 1;
	pthread_cond_signal(&w->sync_work);
	pthread_mutex_unlock(&w->sync_lock);
	if (rc == 0)
		*ticket = w->open_ticket;
out:
	if (rc != 0)
		snprintf(s->err, sizeof(s->err), "%s", c->err);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/*
 * Open the WAL file of conn and start the syncer; then conn may commit
 * without fsync.  -1 (conn unchanged) if it cannot be.
 */
static int
syncer_start(struct store_writer *w, struct store *conn, const char *path)
{
	char wal[4096], mode[16] = "";
	sqlite3_stmt *st = NULL;
	int n;

	/* WAL mode, and its file open (a read opens it). */
	if (sqlite3_prepare_v2(conn->db, "PRAGMA journal_mode", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof(mode), "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	n = snprintf(wal, sizeof(wal), "%s-wal", path);
	if (strcmp(mode, "wal") != 0 || n < 0 || (size_t)n >= sizeof(wal))
		return -1;
	if ((w->sync_fd = open(wal, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if (exec(conn, "PRAGMA synchronous = NORMAL") == -1 ||
	    pthread_create(&w->syncer, NULL, syncer, w) != 0) {
		exec(conn, "PRAGMA synchronous = FULL");
		close(w->sync_fd);
		w->sync_fd = -1;
		return -1;
	}
	w->sync_running = 1;
	conn->text_defer = 1;
	return 0;
}

/*
 * The connection a leader runs batches on: the writer's own, opened the
 * first time on s's database file; s itself for a database in memory or
 * when that fails.  Called by the leader only.
 */
static struct store *
batch_conn(struct store_writer *w, struct store *s)
{
	const char *path;
	char err[256];

	if (w->conn_tried)
		return w->conn != NULL ? w->conn : s;
	w->conn_tried = 1;
	path = sqlite3_db_filename(s->db, "main");
	if (path == NULL || *path == '\0' ||
	    (w->conn = store_open(path, err, sizeof(err))) == NULL)
		return s;
	/* Its commits count for store_changed (on_commit, or on_wal
	 * below, which counts them too). */
	store_set_writer(w->conn, w);
	/* Savepoints' statement journals in memory, not a file a batch. */
	if (exec(w->conn, "PRAGMA temp_store = MEMORY") == -1) {
		store_close(w->conn);
		w->conn = NULL;
		return s;
	}
	if (checkpointer_start(w, path) == 0)
		sqlite3_wal_hook(w->conn->db, on_wal, w);
	/* The WAL exists once the connection has read (migrations did). */
	syncer_start(w, w->conn, path);
	return w->conn;
}

/*
 * The WAL hook of a connection that shares writer w: count the commit
 * for store_changed, and checkpoint as SQLite's own hook would have (the
 * connection's wal_autocheckpoint, which a hook of ours replaces).
 */
static int
on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store *s = arg;

	atomic_fetch_add(&s->writer->commits, 1);
	if (s->autocheckpoint > 0 && frames >= s->autocheckpoint)
		sqlite3_wal_checkpoint(db, name);
	return SQLITE_OK;
}

void
store_set_writer(struct store *s, struct store_writer *w)
{
	sqlite3_stmt *st = NULL;

	s->writer = w;
	if (w == NULL || s->db == NULL)
		return;
	/* What SQLite's own hook would checkpoint at (0: never). */
	s->autocheckpoint = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA wal_autocheckpoint", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		s->autocheckpoint = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_wal_hook(s->db, on_commit, s);
}

static void
unlock_writes(struct store *s)
{
	if (s->locked) {
		s->locked = 0;
		pthread_mutex_unlock(&s->writer->lock);
	}
}

/* Run a batch of units in one transaction on s, a savepoint each. */
static void
run_batch(struct store *s, struct unit *batch)
{
	char own_id[sizeof(s->request_id)];
	struct unit *u;
	int ok = 0;

	/* Each unit's audit entries name the request that queued it. */
	memcpy(own_id, s->request_id, sizeof(own_id));
	if (store_begin(s) == 0) {
		ok = 1;
		for (u = batch; u != NULL; u = u->next) {
			if (sq_step_done(s, sq_stmt(s, STORE_MOD_CORE,
			    ST_SAVEPOINT), "savepoint") == -1) {
				ok = 0;
				break;
			}
			memcpy(s->request_id, u->request_id,
			    sizeof(s->request_id));
			u->rc = u->fn(s, u->arg);
			if (u->rc != 0) {
				snprintf(u->err, sizeof(u->err), "%.*s",
				    (int)sizeof(u->err) - 1, s->err);
				sq_step_done(s, sq_stmt(s, STORE_MOD_CORE,
				    ST_ROLLBACK_TO), "rollback to savepoint");
			}
			if (sq_step_done(s, sq_stmt(s, STORE_MOD_CORE,
			    ST_RELEASE), "release") == -1) {
				ok = 0;
				break;
			}
		}
		if (ok && store_commit(s) == -1)
			ok = 0;
		if (!ok)
			store_rollback(s);
	}
	memcpy(s->request_id, own_id, sizeof(s->request_id));
	/* Without a commit nothing of the batch remains. */
	if (!ok)
		for (u = batch; u != NULL; u = u->next) {
			u->rc = -1;
			snprintf(u->err, sizeof(u->err), "%.*s",
			    (int)sizeof(u->err) - 1, s->err);
		}
}

/* Wait until ticket t is on disk: 0, or -1 when its fsync failed. */
static int
sync_wait(struct store_writer *w, uint64_t t)
{
	int rc;

	pthread_mutex_lock(&w->sync_lock);
	while (w->synced < t)
		pthread_cond_wait(&w->sync_done, &w->sync_lock);
	rc = sync_failed(w, t) ? -1 : 0;
	pthread_mutex_unlock(&w->sync_lock);
	return rc;
}

/*
 * A unit of s's is committed as ticket (0: and synced): on disk before
 * anyone is told so.  0, or -1 when its fsync failed.
 */
static int
durable_after(struct store *s, uint64_t ticket)
{
	if (ticket == 0)
		return 0;
	if (s->defer_sync) {
		if (ticket > s->pending)
			s->pending = ticket;
		return 0;
	}
	return store_durable_wait(s, ticket);
}

/* Roll back s's transaction, keeping the error that ended it. */
static void
rollback_keep_err(struct store *s)
{
	char why[sizeof(s->err)];

	snprintf(why, sizeof(why), "%s", s->err);
	store_rollback(s);
	snprintf(s->err, sizeof(s->err), "%s", why);
}

/*
 * store_atomic on PostgreSQL: no group commit (a COMMIT with
 * synchronous_commit on is durable when it returns).  Inside the caller's
 * transaction the unit runs in a savepoint, so a failed unit leaves that
 * transaction usable; otherwise in a transaction of its own, run again
 * (ATOMIC_TRIES in all) when a serialization failure or a deadlock rolled
 * it back.
 */
static int
atomic_pg(struct store *s, int (*fn)(struct store *, void *), void *arg)
{
	int tries, rc;

	if (sql_in_transaction(s->conn)) {
		if (sql_savepoint(s->conn, "unit") == -1) {
			ss_set_err(s, "savepoint");
			return -1;
		}
		if ((rc = fn(s, arg)) != 0 &&
		    sql_rollback_to(s->conn, "unit") == -1)
			return -1;
		if (sql_release(s->conn, "unit") == -1 && rc == 0) {
			ss_set_err(s, "release");
			return -1;
		}
		return rc;
	}
	for (tries = 1; ; tries++) {
		if (store_begin(s) == -1)
			return -1;
		if ((rc = fn(s, arg)) == 0 && store_commit(s) == 0)
			return 0;
		if (rc == 0)
			rc = -1;
		rollback_keep_err(s);
		if (tries >= ATOMIC_TRIES || !sql_retryable(s->conn))
			return rc;
		/*
		 * The victim steps back a little: the transaction it
		 * deadlocked with was waiting for its locks and takes them
		 * now, where an instant retry could take them first and
		 * deadlock again.
		 */
		nanosleep(&(struct timespec){ 0, tries * ATOMIC_BACKOFF_NS },
		    NULL);
	}
}

int
store_atomic(struct store *s, int (*fn)(struct store *, void *), void *arg)
{
	struct store_writer *w = s->writer;
	struct unit me, *batch, *u;
	struct store *conn;
	uint64_t ticket;
	int rc;

	if (s->db == NULL)
		return atomic_pg(s, fn, arg);
	if (store_in_transaction(s))
		return fn(s, arg);
	if (w == NULL) {
		if (store_begin(s) == -1)
			return -1;
		if ((rc = fn(s, arg)) != 0) {
			store_rollback(s);
			return rc;
		}
		return store_commit(s) == 0 ? 0 : (store_rollback(s), -1);
	}
	pthread_mutex_lock(&w->qlock);
	conn = batch_conn(w, s);
	pthread_mutex_unlock(&w->qlock);
	if (w->sync_running) {
		if ((rc = open_run(w, s, fn, arg, &ticket)) != 0)
			return rc;
		return durable_after(s, ticket);
	}
	memset(&me, 0, sizeof(me));
	me.fn = fn;
	me.arg = arg;
	me.rc = -1;
	memcpy(me.request_id, s->request_id, sizeof(me.request_id));
	pthread_mutex_lock(&w->qlock);
	if (w->tail != NULL)
		w->tail->next = &me;
	else
		w->head = &me;
	w->tail = &me;
	while (!me.done) {
		if (w->leading) {
			pthread_cond_wait(&w->cond, &w->qlock);
			continue;
		}
		/* Lead: take everything queued so far and commit it at once. */
		w->leading = 1;
		batch = w->head;
		w->head = w->tail = NULL;
		pthread_mutex_unlock(&w->qlock);
		for (u = batch; u != NULL; u = u->next)
			u->rc = -1;
		run_batch(conn, batch);
		pthread_mutex_lock(&w->qlock);
		for (u = batch; u != NULL; u = u->next)
			u->done = 1;
		w->leading = 0;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->qlock);
	if (me.rc != 0)
		snprintf(s->err, sizeof(s->err), "%s", me.err);
	return me.rc;
}

void
store_defer_sync(struct store *s, int on)
{
	s->defer_sync = on;
}

uint64_t
store_write_pending(struct store *s)
{
	uint64_t t = s->pending;

	s->pending = 0;
	return t;
}

int
store_durable_wait(struct store *s, uint64_t ticket)
{
	/* PostgreSQL: nothing is pending once its COMMIT returned. */
	if (ticket == 0 || s->writer == NULL || s->db == NULL)
		return 0;
	if (sync_wait(s->writer, ticket) == -1) {
		snprintf(s->err, sizeof(s->err), "syncing the write-ahead log "
		    "failed: the write may be lost");
		return -1;
	}
	return 0;
}

int
store_durable_notify(struct store *s, uint64_t ticket,
    void (*fn)(void *, int), void *arg)
{
	struct store_writer *w = s->writer;
	struct sync_waiter *x;
	int rc;

	if (ticket == 0 || w == NULL || s->db == NULL)
		return 0;
	pthread_mutex_lock(&w->sync_lock);
	if (w->synced >= ticket) {
		rc = sync_failed(w, ticket) ? -1 : 0;
	} else if ((x = malloc(sizeof(*x))) == NULL) {
		rc = -2;
	} else {
		x->ticket = ticket;
		x->fn = fn;
		x->arg = arg;
		x->next = w->waiters;
		w->waiters = x;
		rc = 1;
	}
	pthread_mutex_unlock(&w->sync_lock);
	/* Out of memory: wait here instead. */
	if (rc == -2)
		return store_durable_wait(s, ticket);
	if (rc == -1)
		snprintf(s->err, sizeof(s->err), "syncing the write-ahead log "
		    "failed: the write may be lost");
	return rc;
}

int
store_begin(struct store *s)
{
	/* PostgreSQL: the server orders writers; no writer lock here. */
	if (s->db == NULL) {
		if (sql_begin(s->conn) == -1) {
			ss_set_err(s, "begin");
			return -1;
		}
		return 0;
	}
	if (s->writer != NULL && !s->locked) {
		pthread_mutex_lock(&s->writer->lock);
		s->locked = 1;
		/* The units' open transaction would hold SQLite's lock. */
		if (s != s->writer->conn)
			open_commit(s->writer);
	}
	if (sq_step_done(s, sq_stmt(s, STORE_MOD_CORE, ST_BEGIN),
	    "begin") == -1) {
		unlock_writes(s);
		return -1;
	}
	return 0;
}

int
store_commit(struct store *s)
{
	int rc;

	if (s->db == NULL) {
		if ((rc = sql_commit(s->conn)) == -1)
			ss_set_err(s, "commit");
		else
			ss_tx_ended(s, 1);
		return rc;
	}
	/* A bulk load's held report first (sqlite_bulk.c). */
	if (s->bulk != NULL && sq_bulk_flush(s) == -1)
		return -1;
	rc = sq_step_done(s, sq_stmt(s, STORE_MOD_CORE, ST_COMMIT),
	    "commit");

	/* A failed COMMIT leaves the transaction open for a rollback. */
	if (rc == 0 || sqlite3_get_autocommit(s->db))
		unlock_writes(s);
	return rc;
}

int
store_in_transaction(struct store *s)
{
	return sql_in_transaction(s->conn);
}

int
store_rollback(struct store *s)
{
	int rc = 0;

	if (s->db == NULL) {
		/* A failed COMMIT has ended the transaction already. */
		if (sql_in_transaction(s->conn) && (rc =
		    sql_rollback(s->conn)) == -1)
			ss_set_err(s, "rollback");
		ss_tx_ended(s, 0);
		return rc;
	}
	/* A failed statement may already have rolled back. */
	if (!sqlite3_get_autocommit(s->db))
		rc = sq_step_done(s, sq_stmt(s, STORE_MOD_CORE, ST_ROLLBACK),
		    "rollback");
	unlock_writes(s);
	return rc;
}

/* Bind text or NULL. */
int
sq_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

const char *
sq_col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Where store_setting_get copies a value. */
struct setting_out {
	struct store *s;
	const char *key;
	char *buf;
	size_t buflen;
};

static int
setting_row(struct sql_stmt *st, void *arg)
{
	struct setting_out *o = arg;
	int n = snprintf(o->buf, o->buflen, "%s", sql_column_text(st, 0));

	if (n < 0 || (size_t)n >= o->buflen) {
		snprintf(o->s->err, sizeof(o->s->err), "setting %s: value "
		    "longer than %zu bytes", o->key, o->buflen);
		return -1;
	}
	return 0;
}

int
store_setting_get(struct store *s, const char *key, char *buf, size_t buflen)
{
	struct setting_out o = { s, key, buf, buflen };
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_CORE, ST_SETTING_GET);

	sql_bind_text(st, 1, key);
	return ss_row(s, st, "reading setting", setting_row, &o);
}

int
store_setting_put(struct store *s, const char *key, const char *value)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_CORE, ST_SETTING_PUT);

	sql_bind_text(st, 1, key);
	sql_bind_text(st, 2, value);
	return ss_done(s, st, "writing setting");
}

/*
 * Writes that span several statements run inside a transaction of their own
 * unless the caller already opened one.
 */
int
sq_tx_begin(struct store *s, int *own)
{
	*own = !store_in_transaction(s);
	return *own ? store_begin(s) : 0;
}

int
sq_tx_finish(struct store *s, int own, int rc)
{
	if (sq_tx_end(s, own, rc == 0) == -1 && rc == 0)
		return -1;
	return rc;
}

int
sq_tx_end(struct store *s, int own, int ok)
{
	if (!own)
		return ok ? 0 : -1;
	if (ok && store_commit(s) == 0)
		return 0;
	rollback_keep_err(s);
	return -1;
}

const struct migration_set *const *
sq_migration_sets(size_t *n)
{
	*n = sizeof(migration_sets) / sizeof(migration_sets[0]);
	return migration_sets;
}
