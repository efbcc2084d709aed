/*
 * sqlite.c: the SQLite backend of store.h.
 *
 * WAL mode with synchronous=FULL: a report acknowledged to a client is on
 * disk.  Every fixed statement is prepared once at open; report queries are
 * assembled from fixed fragments chosen by which filters are present, and
 * each such shape is prepared once and kept (stmt cache indexed by the
 * filter bits and the order).  User input is only ever bound.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#define BUSY_TIMEOUT_MS 10000

/* Times any connection of this process waited for a lock (store_busy_retries). */
static _Atomic uint64_t busy_retries;
#define LIST_SEP        "\x1f"   /* separates media URLs in one column */

/* Fixed statements, prepared once per connection. */
enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SETTING_GET,
	ST_SETTING_PUT,
	ST_SERVICE_PUT,
	ST_SERVICE_ATTRS_DEL,
	ST_SERVICE_ATTR_PUT,
	ST_SERVICE_CHOICE_PUT,
	ST_SERVICE_LIST,
	ST_SERVICE_ATTRS,
	ST_SERVICE_CHOICES,
	ST_AGENCY_PUT,
	ST_AGENCY_SERVICES_DEL,
	ST_AGENCY_AREAS_DEL,
	ST_AGENCY_SERVICE_PUT,
	ST_AGENCY_AREA_PUT,
	ST_AGENCY_LIST,
	ST_AGENCY_SERVICES,
	ST_AGENCY_AREAS,
	ST_AGENCY_AREA_ADD,
	ST_APIKEY_LIST,
	ST_REPORT_INSERT,
	ST_REPORT_MEDIA_PUT,
	ST_REPORT_ATTR_PUT,
	ST_REPORT_CONTACT_PUT,
	ST_REPORT_GEO_PUT,
	ST_REPORT_FTS_PUT,
	ST_REPORT_COUNT,
	ST_REPORT_GET,
	ST_REPORT_BY_TOKEN,
	ST_REPORT_ATTRS,
	ST_REPORT_CONTACT,
	ST_REPORT_SET_STATUS,
	ST_UPDATE_INSERT,
	ST_UPDATE_QUERY,
	ST_APIKEY_INSERT,
	ST_APIKEY_FIND,
	ST_GEO_PROBE,
	ST_ADDRESS_INSERT,
	ST_ADDRESS_MOVE,
	ST_ADDRESS_FTS_PUT,
	ST_ADDRESS_SEARCH,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST__MAX
};

/*
 * The columns every report read selects, in this order.  The description is
 * the one written, with the reject reason beside it: what a caller may see
 * of it is core's decision (report_view in core/report.c), not the store's.
 */
#define REPORT_COLUMNS \
	"r.id, r.token, r.service, r.agency, r.status, r.status_notes, " \
	"r.lat, r.lon, r.address, r.address_id, r.zipcode, r.description, " \
	"r.requested, r.updated, r.register_due, r.expected, " \
	"(SELECT group_concat(url, '" LIST_SEP "') FROM " \
	"(SELECT url FROM report_media m WHERE m.report = r.id ORDER BY ord)), " \
	"r.reject_reason"

_Static_assert(ST__MAX <= sizeof(((struct store *)0)->st) /
    sizeof(sqlite3_stmt *), "struct store holds too few fixed statements");

static const char *const stmt_sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
	[ST_SETTING_PUT] = "INSERT INTO settings(key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_SERVICE_PUT] = "INSERT INTO services(code, name_ru, name_en, "
	    "desc_ru, desc_en, group_ru, group_en, keywords, type) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
	    "name_ru = excluded.name_ru, name_en = excluded.name_en, "
	    "desc_ru = excluded.desc_ru, desc_en = excluded.desc_en, "
	    "group_ru = excluded.group_ru, group_en = excluded.group_en, "
	    "keywords = excluded.keywords, type = excluded.type",
	[ST_SERVICE_ATTRS_DEL] = "DELETE FROM service_attrs WHERE service = ?",
	[ST_SERVICE_ATTR_PUT] = "INSERT INTO service_attrs(service, code, type, "
	    "required, variable, ord, desc_ru, desc_en, dtdesc_ru, dtdesc_en) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_SERVICE_CHOICE_PUT] = "INSERT INTO service_attr_choices(service, "
	    "attr, key, name_ru, name_en, ord) VALUES (?, ?, ?, ?, ?, ?)",
	[ST_SERVICE_LIST] = "SELECT code, name_ru, name_en, desc_ru, desc_en, "
	    "group_ru, group_en, keywords, type FROM services ORDER BY code",
	[ST_SERVICE_ATTRS] = "SELECT code, type, required, variable, ord, "
	    "desc_ru, desc_en, dtdesc_ru, dtdesc_en FROM service_attrs "
	    "WHERE service = ? ORDER BY ord, code",
	[ST_SERVICE_CHOICES] = "SELECT key, name_ru, name_en "
	    "FROM service_attr_choices WHERE service = ? AND attr = ? "
	    "ORDER BY ord",
	[ST_AGENCY_PUT] = "INSERT INTO agencies(code, name_ru, name_en, email) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
	    "name_ru = excluded.name_ru, name_en = excluded.name_en, "
	    "email = excluded.email",
	[ST_AGENCY_SERVICES_DEL] = "DELETE FROM agency_services WHERE agency = ?",
	[ST_AGENCY_AREAS_DEL] = "DELETE FROM agency_areas WHERE agency = ?",
	[ST_AGENCY_SERVICE_PUT] = "INSERT OR IGNORE INTO agency_services(agency, "
	    "service) VALUES (?, ?)",
	[ST_AGENCY_AREA_PUT] = "INSERT INTO agency_areas(agency, ord, geojson) "
	    "VALUES (?, ?, ?)",
	[ST_AGENCY_LIST] = "SELECT code, name_ru, name_en, email FROM agencies "
	    "ORDER BY code",
	[ST_AGENCY_SERVICES] = "SELECT service FROM agency_services "
	    "WHERE agency = ? ORDER BY service",
	[ST_AGENCY_AREAS] = "SELECT geojson FROM agency_areas WHERE agency = ? "
	    "ORDER BY ord",
	[ST_AGENCY_AREA_ADD] = "INSERT INTO agency_areas(agency, ord, geojson) "
	    "SELECT ?1, coalesce(max(ord) + 1, 0), ?2 FROM agency_areas "
	    "WHERE agency = ?1 AND EXISTS (SELECT 1 FROM agencies "
	    "WHERE code = ?1)",
	[ST_APIKEY_LIST] = "SELECT name, coalesce(agency, ''), created, "
	    "revoked IS NOT NULL FROM apikeys ORDER BY id",
	[ST_REPORT_INSERT] = "INSERT INTO reports(token, service, agency, "
	    "status, status_notes, lat, lon, address, address_id, zipcode, "
	    "description, requested, updated, register_due, expected) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_REPORT_MEDIA_PUT] = "INSERT INTO report_media(report, ord, url) "
	    "VALUES (?, ?, ?)",
	[ST_REPORT_ATTR_PUT] = "INSERT INTO report_attrs(report, ord, code, "
	    "value) VALUES (?, ?, ?, ?)",
	[ST_REPORT_CONTACT_PUT] = "INSERT INTO report_contacts(report, "
	    "first_name, last_name, email, phone, device_id, account_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_REPORT_GEO_PUT] = "INSERT INTO report_geo(id, min_lat, max_lat, "
	    "min_lon, max_lon) VALUES (?, ?, ?, ?, ?)",
	[ST_REPORT_FTS_PUT] = "INSERT INTO report_fts(rowid, description, "
	    "address) VALUES (?, ?, ?)",
	[ST_REPORT_COUNT] = "SELECT count(*) FROM reports",
	[ST_REPORT_GET] = "SELECT " REPORT_COLUMNS " FROM reports r "
	    "WHERE r.id = ?",
	[ST_REPORT_BY_TOKEN] = "SELECT " REPORT_COLUMNS " FROM reports r "
	    "WHERE r.token = ?",
	[ST_REPORT_ATTRS] = "SELECT code, value FROM report_attrs "
	    "WHERE report = ? ORDER BY ord",
	[ST_REPORT_CONTACT] = "SELECT first_name, last_name, email, phone, "
	    "device_id, account_id FROM report_contacts WHERE report = ?",
	[ST_REPORT_SET_STATUS] = "UPDATE reports SET status = ?, "
	    "status_notes = coalesce(?, status_notes), updated = ? WHERE id = ?",
	[ST_UPDATE_INSERT] = "INSERT INTO report_updates(report, status, "
	    "description, media_url, created) VALUES (?, ?, ?, ?, ?)",
	[ST_UPDATE_QUERY] = "SELECT id, report, status, description, media_url, "
	    "created FROM report_updates WHERE created > ? AND created <= ? "
	    "ORDER BY created, id LIMIT ?",
	[ST_APIKEY_INSERT] = "INSERT INTO apikeys(name, agency, hash, created) "
	    "VALUES (?, ?, ?, ?)",
	[ST_APIKEY_FIND] = "SELECT name, coalesce(agency, '') FROM apikeys "
	    "WHERE hash = ? AND revoked IS NULL",
	[ST_ADDRESS_INSERT] = "INSERT OR IGNORE INTO addresses(address, lat, "
	    "lon) VALUES (?, ?, ?)",
	[ST_ADDRESS_MOVE] = "UPDATE addresses SET lat = ?, lon = ? "
	    "WHERE address = ?",
	[ST_ADDRESS_FTS_PUT] = "INSERT INTO address_fts(rowid, address) "
	    "VALUES (?, ?)",
	[ST_ADDRESS_SEARCH] = "SELECT a.address, a.lat, a.lon FROM address_fts "
	    "f JOIN addresses a ON a.id = f.rowid WHERE address_fts MATCH ? "
	    "ORDER BY f.rank, a.address LIMIT ?",
	[ST_SAVEPOINT] = "SAVEPOINT unit",
	[ST_RELEASE] = "RELEASE unit",
	[ST_ROLLBACK_TO] = "ROLLBACK TO unit",
	[ST_GEO_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM report_geo "
	    "WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND "
	    "min_lon <= ? LIMIT ?)",
};

/*
 * Numbered migrations of the core schema.  Entry i brings it from version i
 * to i + 1.  Never edit a shipped entry: add one.  Other modules keep their
 * own numbered lists (sqlite_internal.h); table schema_versions holds each
 * module's version.
 */
static const char *const core_migrations[] = {
	/* 1: the catalogue, reports and their history, API keys. */
	"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE services(code TEXT PRIMARY KEY, name_ru TEXT NOT NULL,"
	" name_en TEXT, desc_ru TEXT, desc_en TEXT, group_ru TEXT,"
	" group_en TEXT, keywords TEXT, type INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE service_attrs(service TEXT NOT NULL REFERENCES"
	" services(code) ON DELETE CASCADE, code TEXT NOT NULL,"
	" type INTEGER NOT NULL, required INTEGER NOT NULL,"
	" variable INTEGER NOT NULL, ord INTEGER NOT NULL, desc_ru TEXT,"
	" desc_en TEXT, dtdesc_ru TEXT, dtdesc_en TEXT,"
	" PRIMARY KEY(service, code));"
	"CREATE TABLE service_attr_choices(service TEXT NOT NULL,"
	" attr TEXT NOT NULL, key TEXT NOT NULL, name_ru TEXT, name_en TEXT,"
	" ord INTEGER NOT NULL, PRIMARY KEY(service, attr, key),"
	" FOREIGN KEY(service, attr) REFERENCES service_attrs(service, code)"
	" ON DELETE CASCADE);"
	"CREATE TABLE agencies(code TEXT PRIMARY KEY, name_ru TEXT NOT NULL,"
	" name_en TEXT, email TEXT);"
	"CREATE TABLE agency_services(agency TEXT NOT NULL REFERENCES"
	" agencies(code) ON DELETE CASCADE, service TEXT NOT NULL,"
	" PRIMARY KEY(agency, service));"
	"CREATE TABLE agency_areas(agency TEXT NOT NULL REFERENCES"
	" agencies(code) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" geojson TEXT NOT NULL, PRIMARY KEY(agency, ord));"
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
};

/* Every module's migrations, applied in this order. */
static const struct migration_set *const migration_sets[] = {
	&store_core_schema,
	&store_accounts_schema,
	&store_workflow_schema,
	&store_delivery_schema,
	&store_social_schema,
	&store_deadlines_schema,
};

const struct migration_set store_core_schema = {
	"core", core_migrations,
	sizeof(core_migrations) / sizeof(core_migrations[0]),
};

/*
 * Filters of a report query, each a bit of the statement cache key.
 *
 * An area filter has two plans.  A small area (fewer than GEO_PROBE_LIMIT
 * reports in its box, counted on the R*Tree first) is read from the R*Tree
 * and sorted; a large one is found by walking the time index newest first
 * and testing each row's coordinates, which stops after `limit` rows.  Both
 * cost at most a few thousand rows, where either plan alone costs the whole
 * area or the whole window in the other case.
 */
#define GEO_PROBE_LIMIT 2000

enum qfilter {
	QF_IDS,
	QF_SERVICES,
	QF_STATUS,
	QF_START,
	QF_END,
	QF_UPDATED_AFTER,
	QF_UPDATED_BEFORE,
	QF_BBOX,
	QF_BBOX_SCAN,
	QF_RADIUS,
	QF_RADIUS_SCAN,
	QF_AGENCY,
	QF_TEXT,
	QF__MAX
};

static const char *const qfilter_sql[QF__MAX] = {
	[QF_IDS] = "r.id IN (SELECT value FROM json_each(?))",
	[QF_SERVICES] = "r.service IN (SELECT value FROM json_each(?))",
	[QF_STATUS] = "((? >> r.status) & 1)",
	[QF_START] = "r.requested >= ?",
	[QF_END] = "r.requested <= ?",
	[QF_UPDATED_AFTER] = "r.updated > ?",
	[QF_UPDATED_BEFORE] = "r.updated < ?",
	[QF_BBOX] = "r.id IN (SELECT id FROM report_geo WHERE max_lat >= ?"
	    " AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)",
	[QF_BBOX_SCAN] = "r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?",
	[QF_RADIUS] = "r.id IN (SELECT id FROM report_geo WHERE max_lat >= ?"
	    " AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)"
	    " AND veche_distance(r.lat, r.lon, ?, ?) <= ?",
	[QF_RADIUS_SCAN] = "r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?"
	    " AND veche_distance(r.lat, r.lon, ?, ?) <= ?",
	[QF_AGENCY] = "r.agency = ?",
	[QF_TEXT] = "r.id IN (SELECT rowid FROM report_fts"
	    " WHERE report_fts MATCH ?)",
};

static const char *const order_sql[ORDER__MAX] = {
	[ORDER_REQUESTED_DESC] = " ORDER BY r.requested DESC, r.id DESC",
	[ORDER_UPDATED_DESC] = " ORDER BY r.updated DESC, r.id DESC",
	[ORDER_ID_ASC] = " ORDER BY r.id",
};

#define QCACHE_SIZE ((1u << QF__MAX) * ORDER__MAX)

static void unlock_writes(struct store *s);

void
sq_set_err(struct store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    s->db ? sqlite3_errmsg(s->db) : "no database");
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

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = NULL;
	int i;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->qcache = calloc(QCACHE_SIZE, sizeof(*s->qcache))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s: check the "
		    "path and its directory's permissions", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_handler(s->db, on_busy, NULL);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s, "PRAGMA journal_mode = WAL") == -1 ||
	    exec(s, "PRAGMA synchronous = FULL") == -1 ||
	    exec(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SQLITE_CACHE_KIB_NEG))
	    == -1 ||
	    exec(s, "PRAGMA mmap_size = " VECHE_STR(VECHE_SQLITE_MMAP)) == -1 ||
	    exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    migrate(s) == -1) {
		snprintf(err, errlen, "database %s: %s", path, s->err);
		goto fail;
	}
	if (sqlite3_create_function(s->db, "veche_distance", 4,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_distance, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "registering functions: %s",
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	for (i = 0; i < ST__MAX; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "preparing statement %d: %s", i,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	if (s->qcache != NULL)
		for (i = 0; i < QCACHE_SIZE; i++)
			sqlite3_finalize(s->qcache[i]);
	for (i = 0; i < STORE_MOD__MAX * STORE_MOD_STMTS; i++)
		sqlite3_finalize(s->mod[i / STORE_MOD_STMTS][i % STORE_MOD_STMTS]);
	free(s->qcache);
	sqlite3_close(s->db);
	unlock_writes(s);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return module_version(s, "core");
}

/* Run a statement that returns no rows, then reset it. */
int
sq_step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		sq_set_err(s, what);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *
fixed(struct store *s, enum stmt which)
{
	return s->st[which];
}

sqlite3_stmt *
sq_prepared(struct store *s, enum store_module m, int idx, const char *sql)
{
	sqlite3_stmt **slot;

	if ((unsigned)m >= STORE_MOD__MAX || idx < 0 || idx >= STORE_MOD_STMTS) {
		snprintf(s->err, sizeof(s->err), "statement %d of module %d out "
		    "of range", idx, (int)m);
		return NULL;
	}
	slot = &s->mod[m][idx];
	if (*slot == NULL && sqlite3_prepare_v3(s->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sq_set_err(s, "preparing statement");
		*slot = NULL;
		return NULL;
	}
	return *slot;
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

struct store_writer {
	pthread_mutex_t lock;           /* held for a whole write transaction */
	pthread_mutex_t qlock;          /* guards the queue below */
	pthread_cond_t cond;
	struct unit *head, *tail;
	int leading;                    /* a thread is running a batch */
};

struct store_writer *
store_writer_new(void)
{
	struct store_writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->qlock, NULL);
	pthread_cond_init(&w->cond, NULL);
	return w;
}

void
store_writer_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->qlock);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void
store_set_writer(struct store *s, struct store_writer *w)
{
	s->writer = w;
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
			if (sq_step_done(s, fixed(s, ST_SAVEPOINT),
			    "savepoint") == -1) {
				ok = 0;
				break;
			}
			memcpy(s->request_id, u->request_id,
			    sizeof(s->request_id));
			u->rc = u->fn(s, u->arg);
			if (u->rc != 0) {
				snprintf(u->err, sizeof(u->err), "%s", s->err);
				sq_step_done(s, fixed(s, ST_ROLLBACK_TO),
				    "rollback to savepoint");
			}
			if (sq_step_done(s, fixed(s, ST_RELEASE),
			    "release") == -1) {
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
			snprintf(u->err, sizeof(u->err), "%s", s->err);
		}
}

int
store_atomic(struct store *s, int (*fn)(struct store *, void *), void *arg)
{
	struct store_writer *w = s->writer;
	struct unit me, *batch, *u;
	int rc;

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
		run_batch(s, batch);
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

int
store_begin(struct store *s)
{
	if (s->writer != NULL && !s->locked) {
		pthread_mutex_lock(&s->writer->lock);
		s->locked = 1;
	}
	if (sq_step_done(s, fixed(s, ST_BEGIN), "begin") == -1) {
		unlock_writes(s);
		return -1;
	}
	return 0;
}

int
store_commit(struct store *s)
{
	int rc = sq_step_done(s, fixed(s, ST_COMMIT), "commit");

	/* A failed COMMIT leaves the transaction open for a rollback. */
	if (rc == 0 || sqlite3_get_autocommit(s->db))
		unlock_writes(s);
	return rc;
}

int
store_in_transaction(struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

int
store_rollback(struct store *s)
{
	int rc = 0;

	/* A failed statement may already have rolled back. */
	if (!sqlite3_get_autocommit(s->db))
		rc = sq_step_done(s, fixed(s, ST_ROLLBACK), "rollback");
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

int
store_setting_get(struct store *s, const char *key, char *buf, size_t buflen)
{
	sqlite3_stmt *st = fixed(s, ST_SETTING_GET);
	int rc;

	sq_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int n = snprintf(buf, buflen, "%s", sq_col_text(st, 0));

		sqlite3_reset(st);
		if (n < 0 || (size_t)n >= buflen) {
			snprintf(s->err, sizeof(s->err), "setting %s: value "
			    "longer than %zu bytes", key, buflen);
			return -1;
		}
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 1;
	sq_set_err(s, "reading setting");
	return -1;
}

int
store_setting_put(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = fixed(s, ST_SETTING_PUT);

	sq_bind_text(st, 1, key);
	sq_bind_text(st, 2, value);
	return sq_step_done(s, st, "writing setting");
}

/*
 * Writes that span several statements run inside a transaction of their own
 * unless the caller already opened one.
 */
int
sq_tx_begin(struct store *s, int *own)
{
	*own = sqlite3_get_autocommit(s->db);
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
	if (!ok) {
		char why[sizeof(s->err)];

		snprintf(why, sizeof(why), "%s", s->err);
		store_rollback(s);
		snprintf(s->err, sizeof(s->err), "%s", why);
	} else
		store_rollback(s);
	return -1;
}

static int
service_put(struct store *s, const struct service *svc)
{
	sqlite3_stmt *st = fixed(s, ST_SERVICE_PUT);
	size_t i, j;

	sq_bind_text(st, 1, svc->code);
	sq_bind_text(st, 2, svc->name[LANG_RU]);
	sq_bind_text(st, 3, svc->name[LANG_EN]);
	sq_bind_text(st, 4, svc->description[LANG_RU]);
	sq_bind_text(st, 5, svc->description[LANG_EN]);
	sq_bind_text(st, 6, svc->group[LANG_RU]);
	sq_bind_text(st, 7, svc->group[LANG_EN]);
	sq_bind_text(st, 8, svc->keywords);
	sqlite3_bind_int(st, 9, (int)svc->type);
	if (sq_step_done(s, st, "writing service") == -1)
		return -1;
	st = fixed(s, ST_SERVICE_ATTRS_DEL);
	sq_bind_text(st, 1, svc->code);
	if (sq_step_done(s, st, "replacing service attributes") == -1)
		return -1;
	for (i = 0; i < svc->nattrs; i++) {
		const struct service_attr *a = &svc->attrs[i];

		st = fixed(s, ST_SERVICE_ATTR_PUT);
		sq_bind_text(st, 1, svc->code);
		sq_bind_text(st, 2, a->code);
		sqlite3_bind_int(st, 3, (int)a->type);
		sqlite3_bind_int(st, 4, a->required);
		sqlite3_bind_int(st, 5, a->variable);
		sqlite3_bind_int(st, 6, a->order);
		sq_bind_text(st, 7, a->description[LANG_RU]);
		sq_bind_text(st, 8, a->description[LANG_EN]);
		sq_bind_text(st, 9, a->datatype_description[LANG_RU]);
		sq_bind_text(st, 10, a->datatype_description[LANG_EN]);
		if (sq_step_done(s, st, "writing service attribute") == -1)
			return -1;
		for (j = 0; j < a->nchoices; j++) {
			st = fixed(s, ST_SERVICE_CHOICE_PUT);
			sq_bind_text(st, 1, svc->code);
			sq_bind_text(st, 2, a->code);
			sq_bind_text(st, 3, a->choices[j].key);
			sq_bind_text(st, 4, a->choices[j].name[LANG_RU]);
			sq_bind_text(st, 5, a->choices[j].name[LANG_EN]);
			sqlite3_bind_int64(st, 6, (sqlite3_int64)j);
			if (sq_step_done(s, st, "writing attribute value") == -1)
				return -1;
		}
	}
	return 0;
}

int
store_service_put(struct store *s, const struct service *svc)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, service_put(s, svc) == 0);
}

/*
 * Strings copied out of rows so that nested statements can step: a list of
 * allocations freed together.
 */
struct strpool {
	char **p;
	size_t n, cap;
};

static const char *
pool_dup(struct strpool *sp, const char *str)
{
	char *c;

	if (str == NULL)
		return NULL;
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 32;
		char **np = realloc(sp->p, cap * sizeof(*np));

		if (np == NULL)
			return NULL;
		sp->p = np;
		sp->cap = cap;
	}
	if ((c = strdup(str)) == NULL)
		return NULL;
	sp->p[sp->n++] = c;
	return c;
}

static void
pool_free(struct strpool *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free(sp->p[i]);
	free(sp->p);
	memset(sp, 0, sizeof(*sp));
}

/* Load the attributes of one service into malloc'd arrays (freed by caller). */
static int
service_attrs_load(struct store *s, const char *code, struct strpool *sp,
    struct service_attr **out, size_t *nout, struct attr_choice ***choices)
{
	sqlite3_stmt *st = fixed(s, ST_SERVICE_ATTRS), *cs;
	struct service_attr *attrs = NULL;
	struct attr_choice **ch = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	sq_bind_text(st, 1, code);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct service_attr *a;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *na = realloc(attrs, ncap * sizeof(*attrs));
			void *nc = na ? realloc(ch, ncap * sizeof(*ch)) : NULL;

			if (na != NULL)
				attrs = na;
			if (nc == NULL)
				goto oom;
			ch = nc;
			cap = ncap;
		}
		a = &attrs[n];
		memset(a, 0, sizeof(*a));
		ch[n] = NULL;
		n++;
		a->code = pool_dup(sp, sq_col_text(st, 0));
		a->type = (enum attr_type)sqlite3_column_int(st, 1);
		a->required = sqlite3_column_int(st, 2);
		a->variable = sqlite3_column_int(st, 3);
		a->order = sqlite3_column_int(st, 4);
		a->description[LANG_RU] = pool_dup(sp, sq_col_text(st, 5));
		a->description[LANG_EN] = pool_dup(sp, sq_col_text(st, 6));
		a->datatype_description[LANG_RU] = pool_dup(sp, sq_col_text(st, 7));
		a->datatype_description[LANG_EN] = pool_dup(sp, sq_col_text(st, 8));
		if (a->code == NULL)
			goto oom;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sq_set_err(s, "reading service attributes");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		size_t m = 0, mcap = 0;

		cs = fixed(s, ST_SERVICE_CHOICES);
		sq_bind_text(cs, 1, code);
		sq_bind_text(cs, 2, attrs[i].code);
		while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
			if (m == mcap) {
				size_t ncap = mcap ? mcap * 2 : 8;
				void *nc = realloc(ch[i], ncap * sizeof(**ch));

				if (nc == NULL) {
					sqlite3_reset(cs);
					goto oom;
				}
				ch[i] = nc;
				mcap = ncap;
			}
			ch[i][m].key = pool_dup(sp, sq_col_text(cs, 0));
			ch[i][m].name[LANG_RU] = pool_dup(sp, sq_col_text(cs, 1));
			ch[i][m].name[LANG_EN] = pool_dup(sp, sq_col_text(cs, 2));
			m++;
		}
		sqlite3_reset(cs);
		if (rc != SQLITE_DONE) {
			sq_set_err(s, "reading attribute values");
			goto fail;
		}
		attrs[i].choices = ch[i];
		attrs[i].nchoices = m;
	}
	*out = attrs;
	*nout = n;
	*choices = ch;
	return 0;
oom:
	snprintf(s->err, sizeof(s->err), "out of memory");
fail:
	sqlite3_reset(st);
	for (i = 0; i < n && ch != NULL; i++)
		free(ch[i]);
	free(ch);
	free(attrs);
	return -1;
}

int
store_service_each(struct store *s, int (*fn)(const struct service *, void *),
    void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_SERVICE_LIST);
	struct strpool sp = { 0 };
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct service svc;
		struct service_attr *attrs = NULL;
		struct attr_choice **ch = NULL;
		size_t i;

		memset(&svc, 0, sizeof(svc));
		svc.code = pool_dup(&sp, sq_col_text(st, 0));
		svc.name[LANG_RU] = pool_dup(&sp, sq_col_text(st, 1));
		svc.name[LANG_EN] = pool_dup(&sp, sq_col_text(st, 2));
		svc.description[LANG_RU] = pool_dup(&sp, sq_col_text(st, 3));
		svc.description[LANG_EN] = pool_dup(&sp, sq_col_text(st, 4));
		svc.group[LANG_RU] = pool_dup(&sp, sq_col_text(st, 5));
		svc.group[LANG_EN] = pool_dup(&sp, sq_col_text(st, 6));
		svc.keywords = pool_dup(&sp, sq_col_text(st, 7));
		svc.type = (enum service_type)sqlite3_column_int(st, 8);
		if (svc.code == NULL || service_attrs_load(s, svc.code, &sp,
		    &attrs, &svc.nattrs, &ch) == -1) {
			ret = -1;
			break;
		}
		svc.attrs = attrs;
		ret = fn(&svc, arg);
		for (i = 0; i < svc.nattrs; i++)
			free(ch[i]);
		free(ch);
		free(attrs);
		pool_free(&sp);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sq_set_err(s, "listing services");
		ret = -1;
	}
	sqlite3_reset(st);
	pool_free(&sp);
	return ret;
}

static int
agency_put(struct store *s, const struct agency *ag)
{
	sqlite3_stmt *st = fixed(s, ST_AGENCY_PUT);
	size_t i;

	sq_bind_text(st, 1, ag->code);
	sq_bind_text(st, 2, ag->name[LANG_RU]);
	sq_bind_text(st, 3, ag->name[LANG_EN]);
	sq_bind_text(st, 4, ag->email);
	if (sq_step_done(s, st, "writing agency") == -1)
		return -1;
	st = fixed(s, ST_AGENCY_SERVICES_DEL);
	sq_bind_text(st, 1, ag->code);
	if (sq_step_done(s, st, "replacing agency services") == -1)
		return -1;
	st = fixed(s, ST_AGENCY_AREAS_DEL);
	sq_bind_text(st, 1, ag->code);
	if (sq_step_done(s, st, "replacing agency areas") == -1)
		return -1;
	for (i = 0; i < ag->nservices; i++) {
		st = fixed(s, ST_AGENCY_SERVICE_PUT);
		sq_bind_text(st, 1, ag->code);
		sq_bind_text(st, 2, ag->services[i]);
		if (sq_step_done(s, st, "writing agency service") == -1)
			return -1;
	}
	for (i = 0; i < ag->nareas; i++) {
		st = fixed(s, ST_AGENCY_AREA_PUT);
		sq_bind_text(st, 1, ag->code);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sq_bind_text(st, 3, ag->areas[i]);
		if (sq_step_done(s, st, "writing agency area") == -1)
			return -1;
	}
	return 0;
}

int
store_agency_put(struct store *s, const struct agency *ag)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, agency_put(s, ag) == 0);
}

/* Collect one text column of a statement bound to code into a pool. */
static int
strings_load(struct store *s, enum stmt which, const char *code,
    struct strpool *sp, const char ***out, size_t *nout)
{
	sqlite3_stmt *st = fixed(s, which);
	const char **v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	sq_bind_text(st, 1, code);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *nv = realloc(v, ncap * sizeof(*v));

			if (nv == NULL)
				break;
			v = nv;
			cap = ncap;
		}
		if ((v[n++] = pool_dup(sp, sq_col_text(st, 0))) == NULL)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sq_set_err(s, "reading agency");
		free(v);
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}

int
store_agency_each(struct store *s, int (*fn)(const struct agency *, void *),
    void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_AGENCY_LIST);
	struct strpool sp = { 0 };
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct agency ag;
		const char **svcs = NULL, **areas = NULL;

		memset(&ag, 0, sizeof(ag));
		ag.code = pool_dup(&sp, sq_col_text(st, 0));
		ag.name[LANG_RU] = pool_dup(&sp, sq_col_text(st, 1));
		ag.name[LANG_EN] = pool_dup(&sp, sq_col_text(st, 2));
		ag.email = pool_dup(&sp, sq_col_text(st, 3));
		if (ag.code == NULL ||
		    strings_load(s, ST_AGENCY_SERVICES, ag.code, &sp, &svcs,
		    &ag.nservices) == -1 ||
		    strings_load(s, ST_AGENCY_AREAS, ag.code, &sp, &areas,
		    &ag.nareas) == -1) {
			free(svcs);
			ret = -1;
			break;
		}
		ag.services = svcs;
		ag.areas = areas;
		ret = fn(&ag, arg);
		free(svcs);
		free(areas);
		pool_free(&sp);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sq_set_err(s, "listing agencies");
		ret = -1;
	}
	sqlite3_reset(st);
	pool_free(&sp);
	return ret;
}

static int
report_insert(struct store *s, const struct report *r, const struct contact *c,
    int64_t *id)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_INSERT);
	int64_t rid;
	size_t i;

	sq_bind_text(st, 1, r->token);
	sq_bind_text(st, 2, r->service_code);
	sq_bind_text(st, 3, r->agency);
	sqlite3_bind_int(st, 4, (int)r->status);
	sq_bind_text(st, 5, r->status_notes);
	if (r->has_point) {
		sqlite3_bind_double(st, 6, r->lat);
		sqlite3_bind_double(st, 7, r->lon);
	}
	sq_bind_text(st, 8, r->address);
	sq_bind_text(st, 9, r->address_id);
	sq_bind_text(st, 10, r->zipcode);
	sq_bind_text(st, 11, r->description ? r->description : "");
	sqlite3_bind_int64(st, 12, r->requested);
	sqlite3_bind_int64(st, 13, r->updated);
	sqlite3_bind_int64(st, 14, r->register_due);
	sqlite3_bind_int64(st, 15, r->expected);
	if (sq_step_done(s, st, "writing report") == -1)
		return -1;
	rid = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < r->nmedia; i++) {
		st = fixed(s, ST_REPORT_MEDIA_PUT);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sq_bind_text(st, 3, r->media[i]);
		if (sq_step_done(s, st, "writing report media") == -1)
			return -1;
	}
	for (i = 0; i < r->nattrs; i++) {
		st = fixed(s, ST_REPORT_ATTR_PUT);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sq_bind_text(st, 3, r->attrs[i].code);
		sq_bind_text(st, 4, r->attrs[i].value);
		if (sq_step_done(s, st, "writing report attribute") == -1)
			return -1;
	}
	if (c != NULL) {
		st = fixed(s, ST_REPORT_CONTACT_PUT);
		sqlite3_bind_int64(st, 1, rid);
		sq_bind_text(st, 2, c->first_name);
		sq_bind_text(st, 3, c->last_name);
		sq_bind_text(st, 4, c->email);
		sq_bind_text(st, 5, c->phone);
		sq_bind_text(st, 6, c->device_id);
		sq_bind_text(st, 7, c->account_id);
		if (sq_step_done(s, st, "writing report contact") == -1)
			return -1;
	}
	if (r->has_point) {
		st = fixed(s, ST_REPORT_GEO_PUT);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_double(st, 2, r->lat);
		sqlite3_bind_double(st, 3, r->lat);
		sqlite3_bind_double(st, 4, r->lon);
		sqlite3_bind_double(st, 5, r->lon);
		if (sq_step_done(s, st, "indexing report location") == -1)
			return -1;
	}
	st = fixed(s, ST_REPORT_FTS_PUT);
	sqlite3_bind_int64(st, 1, rid);
	sq_bind_text(st, 2, r->description ? r->description : "");
	sq_bind_text(st, 3, r->address);
	if (sq_step_done(s, st, "indexing report text") == -1)
		return -1;
	st = fixed(s, ST_UPDATE_INSERT);
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int(st, 2, (int)r->status);
	sq_bind_text(st, 3, r->status_notes);
	sq_bind_text(st, 4, r->nmedia > 0 ? r->media[0] : NULL);
	sqlite3_bind_int64(st, 5, r->requested);
	if (sq_step_done(s, st, "recording report history") == -1)
		return -1;
	*id = rid;
	return 0;
}

int
store_report_insert(struct store *s, const struct report *r,
    const struct contact *c, int64_t *id)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, report_insert(s, r, c, id) == 0);
}

int
store_report_count(struct store *s, int64_t *count)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_COUNT);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sq_set_err(s, "counting reports");
		return -1;
	}
	return 0;
}

static int
set_status(struct store *s, int64_t id, enum report_status status,
    const char *note, int64_t now)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_SET_STATUS);

	sqlite3_bind_int(st, 1, (int)status);
	sq_bind_text(st, 2, note);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	if (sq_step_done(s, st, "changing report status") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 1;
	st = fixed(s, ST_UPDATE_INSERT);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)status);
	sq_bind_text(st, 3, note);
	sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, now);
	return sq_step_done(s, st, "recording report history");
}

int
store_report_set_status(struct store *s, int64_t id,
    enum report_status status, const char *note, int64_t now)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = set_status(s, id, status, note, now);
	return sq_tx_finish(s, own, rc);
}

/*
 * Fill a report from a row of REPORT_COLUMNS.  media points into the caller's
 * array of VECHE_MAX_MEDIA entries, split from a copy in mbuf.
 */
static void
report_from_row(sqlite3_stmt *st, struct report *r, const char **media,
    char *mbuf, size_t mbuflen)
{
	const char *m;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->token = sq_col_text(st, 1);
	r->service_code = sq_col_text(st, 2);
	r->agency = sq_col_text(st, 3);
	r->status = (enum report_status)sqlite3_column_int(st, 4);
	r->status_notes = sq_col_text(st, 5);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		r->has_point = 1;
		r->lat = sqlite3_column_double(st, 6);
		r->lon = sqlite3_column_double(st, 7);
	}
	r->address = sq_col_text(st, 8);
	r->address_id = sq_col_text(st, 9);
	r->zipcode = sq_col_text(st, 10);
	r->description = sq_col_text(st, 11);
	r->requested = sqlite3_column_int64(st, 12);
	r->updated = sqlite3_column_int64(st, 13);
	r->register_due = sqlite3_column_int64(st, 14);
	r->expected = sqlite3_column_int64(st, 15);
	r->reject_reason = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 17);
	m = sq_col_text(st, 16);
	if (m != NULL && snprintf(mbuf, mbuflen, "%s", m) < (int)mbuflen) {
		char *p = mbuf, *sep;

		while (r->nmedia < VECHE_MAX_MEDIA) {
			media[r->nmedia++] = p;
			if ((sep = strchr(p, LIST_SEP[0])) == NULL)
				break;
			*sep = '\0';
			p = sep + 1;
		}
		r->media = media;
	}
}

#define MEDIA_BUF (VECHE_MAX_MEDIA * (VECHE_MAX_URL + 1))

/* Read one report by a bound single-row statement, with its attributes. */
static int
report_get(struct store *s, sqlite3_stmt *st,
    int (*fn)(const struct report *, void *), void *arg)
{
	sqlite3_stmt *as = fixed(s, ST_REPORT_ATTRS);
	struct attr_value attrs[VECHE_MAX_ATTRS];
	const char *media[VECHE_MAX_MEDIA];
	char *mbuf = NULL;
	struct report r;
	int rc, ret;

	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 1;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		sq_set_err(s, "reading report");
		ret = -1;
		goto out;
	}
	if ((mbuf = malloc(MEDIA_BUF)) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		ret = -1;
		goto out;
	}
	report_from_row(st, &r, media, mbuf, MEDIA_BUF);
	sqlite3_bind_int64(as, 1, r.id);
	while (r.nattrs < VECHE_MAX_ATTRS &&
	    (rc = sqlite3_step(as)) == SQLITE_ROW) {
		attrs[r.nattrs].code = sq_col_text(as, 0);
		attrs[r.nattrs].value = sq_col_text(as, 1);
		r.nattrs++;
	}
	r.attrs = attrs;
	ret = fn(&r, arg);
	sqlite3_reset(as);
out:
	free(mbuf);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int
store_report_get(struct store *s, int64_t id,
    int (*fn)(const struct report *, void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_GET);

	sqlite3_bind_int64(st, 1, id);
	return report_get(s, st, fn, arg);
}

int
store_report_by_token(struct store *s, const char *token,
    int (*fn)(const struct report *, void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_BY_TOKEN);

	sq_bind_text(st, 1, token);
	return report_get(s, st, fn, arg);
}

int
store_report_contact(struct store *s, int64_t id,
    int (*fn)(const struct contact *, void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_REPORT_CONTACT);
	struct contact c;
	int rc, ret;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c.first_name = sq_col_text(st, 0);
		c.last_name = sq_col_text(st, 1);
		c.email = sq_col_text(st, 2);
		c.phone = sq_col_text(st, 3);
		c.device_id = sq_col_text(st, 4);
		c.account_id = sq_col_text(st, 5);
		ret = fn(&c, arg);
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else {
		sq_set_err(s, "reading report contact");
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/*
 * A JSON array of strings or integers for json_each(): the binding format of
 * list filters, not output.  Returns a malloc'd string or NULL.
 */
static char *
json_list(const char *const *strs, const int64_t *ints, size_t n)
{
	size_t cap = 2, i, len = 0;
	const char *p;
	char *b;

	for (i = 0; i < n; i++)
		cap += (strs ? 6 * strlen(strs[i]) + 3 : 21) + 1;
	if ((b = malloc(cap + 1)) == NULL)
		return NULL;
	b[len++] = '[';
	for (i = 0; i < n; i++) {
		if (i > 0)
			b[len++] = ',';
		if (ints != NULL) {
			len += (size_t)snprintf(b + len, cap - len, "%lld",
			    (long long)ints[i]);
			continue;
		}
		b[len++] = '"';
		for (p = strs[i]; *p != '\0'; p++) {
			unsigned char ch = (unsigned char)*p;

			if (ch == '"' || ch == '\\') {
				b[len++] = '\\';
				b[len++] = (char)ch;
			} else if (ch < 0x20)
				len += (size_t)snprintf(b + len, cap - len,
				    "\\u%04x", ch);
			else
				b[len++] = (char)ch;
		}
		b[len++] = '"';
	}
	b[len++] = ']';
	b[len] = '\0';
	return b;
}

/* The prepared statement for a query shape, preparing it on first use. */
static sqlite3_stmt *
query_stmt(struct store *s, unsigned bits, enum report_order order)
{
	size_t key = (size_t)order * (1u << QF__MAX) + bits;
	char sql[4096];
	size_t len;
	int i, first = 1;

	if (s->qcache[key] != NULL)
		return s->qcache[key];
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT %s FROM reports r",
	    REPORT_COLUMNS);
	for (i = 0; i < QF__MAX; i++) {
		if (!(bits & (1u << i)))
			continue;
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
		    first ? " WHERE " : " AND ", qfilter_sql[i]);
		first = 0;
	}
	len += (size_t)snprintf(sql + len, sizeof(sql) - len,
	    "%s LIMIT ? OFFSET ?", order_sql[order]);
	if (len >= sizeof(sql)) {
		snprintf(s->err, sizeof(s->err), "query too long");
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->qcache[key], NULL) != SQLITE_OK) {
		sq_set_err(s, "preparing report query");
		return NULL;
	}
	return s->qcache[key];
}

/* The box to search: the bbox, or the box around the radius circle. */
static void
query_box(const struct report_query *q, double box[4])
{
	if (q->has_radius) {
		double dlat = q->radius_m / 111195.0;
		double c = cos(q->lat * M_PI / 180.0);
		double dlon = c > 1e-6 ? dlat / c : 360.0;

		box[0] = q->lat - dlat;
		box[1] = q->lat + dlat;
		box[2] = q->lon - dlon;
		box[3] = q->lon + dlon;
	} else {
		box[0] = q->min_lat;
		box[1] = q->max_lat;
		box[2] = q->min_lon;
		box[3] = q->max_lon;
	}
}

/* 1 if the box holds fewer reports than GEO_PROBE_LIMIT, 0 if not, -1. */
static int
box_is_small(struct store *s, const double box[4])
{
	sqlite3_stmt *st = fixed(s, ST_GEO_PROBE);
	int rc, i, small = -1;

	for (i = 0; i < 4; i++)
		sqlite3_bind_double(st, i + 1, box[i]);
	sqlite3_bind_int(st, 5, GEO_PROBE_LIMIT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		small = sqlite3_column_int(st, 0) < GEO_PROBE_LIMIT;
	else
		sq_set_err(s, "probing the area");
	sqlite3_reset(st);
	return small;
}

int
store_report_query(struct store *s, const struct report_query *q,
    int (*fn)(const struct report *, void *), void *arg)
{
	const char *media[VECHE_MAX_MEDIA];
	char *ids = NULL, *svcs = NULL, *mbuf = NULL;
	sqlite3_stmt *st;
	double box[4];
	unsigned bits = 0;
	int i = 1, rc, ret = 0;

	if (q->nids > 0)
		bits |= 1u << QF_IDS;
	if (q->nservices > 0)
		bits |= 1u << QF_SERVICES;
	if (q->status_mask != 0)
		bits |= 1u << QF_STATUS;
	if (q->start != 0)
		bits |= 1u << QF_START;
	if (q->end != 0)
		bits |= 1u << QF_END;
	if (q->updated_after != 0)
		bits |= 1u << QF_UPDATED_AFTER;
	if (q->updated_before != 0)
		bits |= 1u << QF_UPDATED_BEFORE;
	if (q->has_bbox || q->has_radius) {
		int small;

		query_box(q, box);
		if ((small = box_is_small(s, box)) == -1)
			return -1;
		if (q->has_radius)
			bits |= 1u << (small ? QF_RADIUS : QF_RADIUS_SCAN);
		else
			bits |= 1u << (small ? QF_BBOX : QF_BBOX_SCAN);
	}
	if (q->agency != NULL)
		bits |= 1u << QF_AGENCY;
	if (q->text != NULL)
		bits |= 1u << QF_TEXT;
	if ((unsigned)q->order >= ORDER__MAX ||
	    (st = query_stmt(s, bits, q->order)) == NULL)
		return -1;
	if ((q->nids > 0 && (ids = json_list(NULL, q->ids, q->nids)) == NULL) ||
	    (q->nservices > 0 &&
	    (svcs = json_list(q->services, NULL, q->nservices)) == NULL) ||
	    (mbuf = malloc(MEDIA_BUF)) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		ret = -1;
		goto out;
	}
	if (ids != NULL)
		sq_bind_text(st, i++, ids);
	if (svcs != NULL)
		sq_bind_text(st, i++, svcs);
	if (q->status_mask != 0)
		sqlite3_bind_int64(st, i++, q->status_mask);
	if (q->start != 0)
		sqlite3_bind_int64(st, i++, q->start);
	if (q->end != 0)
		sqlite3_bind_int64(st, i++, q->end);
	if (q->updated_after != 0)
		sqlite3_bind_int64(st, i++, q->updated_after);
	if (q->updated_before != 0)
		sqlite3_bind_int64(st, i++, q->updated_before);
	if (q->has_bbox || q->has_radius) {
		int k;

		for (k = 0; k < 4; k++)
			sqlite3_bind_double(st, i++, box[k]);
		if (q->has_radius) {
			sqlite3_bind_double(st, i++, q->lat);
			sqlite3_bind_double(st, i++, q->lon);
			sqlite3_bind_double(st, i++, q->radius_m);
		}
	}
	if (q->agency != NULL)
		sq_bind_text(st, i++, q->agency);
	if (q->text != NULL)
		sq_bind_text(st, i++, q->text);
	sqlite3_bind_int64(st, i++, q->limit ? (sqlite3_int64)q->limit : -1);
	sqlite3_bind_int64(st, i++, (sqlite3_int64)q->offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report r;

		report_from_row(st, &r, media, mbuf, MEDIA_BUF);
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		sq_set_err(s, "querying reports");
		ret = -1;
	}
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(mbuf);
	free(svcs);
	free(ids);
	return ret;
}

int
store_update_query(struct store *s, int64_t after, int64_t before,
    size_t limit, int (*fn)(const struct report_update *, void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_UPDATE_QUERY);
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, after ? after : INT64_MIN);
	sqlite3_bind_int64(st, 2, before ? before : INT64_MAX);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_update u;

		u.id = sqlite3_column_int64(st, 0);
		u.report_id = sqlite3_column_int64(st, 1);
		u.status = (enum report_status)sqlite3_column_int(st, 2);
		u.description = sq_col_text(st, 3);
		u.media_url = sq_col_text(st, 4);
		u.created = sqlite3_column_int64(st, 5);
		if ((ret = fn(&u, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		sq_set_err(s, "querying updates");
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

int
store_apikey_insert(struct store *s, const char *name, const char *agency,
    const unsigned char hash[STORE_KEY_HASH_LEN], int64_t now)
{
	sqlite3_stmt *st = fixed(s, ST_APIKEY_INSERT);

	sq_bind_text(st, 1, name);
	sq_bind_text(st, 2, agency);
	sqlite3_bind_blob(st, 3, hash, STORE_KEY_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return sq_step_done(s, st, "writing API key");
}

int
store_apikey_find(struct store *s,
    const unsigned char hash[STORE_KEY_HASH_LEN], char *name, size_t namelen,
    char *agency, size_t agencylen)
{
	sqlite3_stmt *st = fixed(s, ST_APIKEY_FIND);
	int rc;

	sqlite3_bind_blob(st, 1, hash, STORE_KEY_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(name, namelen, "%s", sq_col_text(st, 0));
		snprintf(agency, agencylen, "%s", sq_col_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	sq_set_err(s, "reading API key");
	return -1;
}

int
store_agency_area_add(struct store *s, const char *code, const char *geojson)
{
	sqlite3_stmt *st = fixed(s, ST_AGENCY_AREA_ADD);
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	sq_bind_text(st, 1, code);
	sq_bind_text(st, 2, geojson);
	rc = sq_step_done(s, st, "adding an agency area");
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		rc = 1;
	return sq_tx_finish(s, own, rc);
}

int
store_apikey_each(struct store *s, int (*fn)(const struct store_apikey *,
    void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_APIKEY_LIST);
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_apikey k;

		k.name = sq_col_text(st, 0);
		k.agency = sq_col_text(st, 1);
		k.created = sqlite3_column_int64(st, 2);
		k.revoked = sqlite3_column_int(st, 3);
		if ((ret = fn(&k, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		sq_set_err(s, "reading API keys");
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

static int
address_put(struct store *s, const char *address, double lat, double lon)
{
	sqlite3_stmt *st = fixed(s, ST_ADDRESS_INSERT);

	sq_bind_text(st, 1, address);
	sqlite3_bind_double(st, 2, lat);
	sqlite3_bind_double(st, 3, lon);
	if (sq_step_done(s, st, "writing an address") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		/* Known already: the file may have moved its point. */
		st = fixed(s, ST_ADDRESS_MOVE);
		sqlite3_bind_double(st, 1, lat);
		sqlite3_bind_double(st, 2, lon);
		sq_bind_text(st, 3, address);
		return sq_step_done(s, st, "moving an address");
	}
	st = fixed(s, ST_ADDRESS_FTS_PUT);
	sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(s->db));
	sq_bind_text(st, 2, address);
	return sq_step_done(s, st, "indexing an address");
}

int
store_address_put(struct store *s, const char *address, double lat,
    double lon)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, address_put(s, address, lat, lon) == 0);
}

int
store_address_search(struct store *s, const char *match, size_t limit,
    int (*fn)(const char *, double, double, void *), void *arg)
{
	sqlite3_stmt *st = fixed(s, ST_ADDRESS_SEARCH);
	int rc, ret = 0;

	sq_bind_text(st, 1, match);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((ret = fn(sq_col_text(st, 0), sqlite3_column_double(st, 1),
		    sqlite3_column_double(st, 2), arg)) != 0)
			break;
	if (ret == 0 && rc != SQLITE_DONE) {
		sq_set_err(s, "searching addresses");
		ret = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}
