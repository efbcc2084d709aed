/*
 * sql_store.c: the store's side of the statement layer (sql_store.h):
 * statements by subject, the row loop, transactions and migrations over
 * struct sql_conn, and the PostgreSQL store of the converted modules with
 * the core schema's PostgreSQL migrations.
 *
 * On SQLite the transactions go through sqlite.c's (the writer lock, the
 * cached BEGIN IMMEDIATE), so a converted module writes exactly as it did.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_replica.h"
#include "store/sql_store.h"
#include "store/store.h"

/* Statement slots: as sqlite.c's fixed part of its cache. */
#define SLOTS ((size_t)STORE_MOD__MAX * STORE_MOD_STMTS)
/* The advisory lock (one bigint key) that migrations run under. */
#define MIGRATE_LOCK "7313"
/* The first report query shape's slot on PostgreSQL (ss_shape). */
#define SHAPES (SLOTS + 1)

struct sql_stmt *
ss_stmt(struct store *s, enum store_module m, int idx)
{
	struct sql_stmt *st;

	/* On SQLite, sq_stmt checks idx against the subject's table. */
	if ((unsigned)m >= STORE_MOD__MAX || idx < 0 ||
	    idx >= STORE_MOD_STMTS || (s->db != NULL &&
	    sq_stmt(s, m, idx) == NULL)) {
		snprintf(s->err, sizeof(s->err), "statement %d of subject %d "
		    "out of range", idx, (int)m);
		return NULL;
	}
	st = sql_stmt(s->conn, (size_t)m * STORE_MOD_STMTS + (size_t)idx);
	if (st == NULL)
		snprintf(s->err, sizeof(s->err), "statement %d of subject %d "
		    "not prepared in this store", idx, (int)m);
	return st;
}

struct sql_stmt *
ss_shape(struct store *s, size_t shape, const char *sql)
{
	struct sql_stmt *st;

	if (s->db != NULL || shape >= STORE_QUERY_SHAPES) {
		snprintf(s->err, sizeof(s->err), "query shape %zu: not a "
		    "PostgreSQL store's", shape);
		return NULL;
	}
	st = &s->conn->stmt[SHAPES + shape];
	if (st->pg != NULL)
		return st;
	if (sql == NULL)
		return NULL;
	if (sql_prepare(s->conn, SHAPES + shape, sql, NULL) == -1) {
		ss_set_err(s, "preparing report query");
		return NULL;
	}
	return sql_stmt(s->conn, SHAPES + shape);
}

void
ss_set_err(struct store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    sql_errmsg(s->conn));
}

/* Step st for ss_rows (all rows) or ss_row (one, 1 if none). */
static int
rows(struct store *s, struct sql_stmt *st, const char *what, int single,
    int (*row)(struct sql_stmt *, void *), void *arg)
{
	enum sql_rc rc;
	int ret = 0;

	if (st == NULL)
		return -1;
	while ((rc = sql_step(st)) == SQL_ROW) {
		if (row != NULL && (ret = row(st, arg)) != 0)
			break;
		if (single)
			break;
	}
	if (rc == SQL_DONE && single)
		ret = 1;
	else if (rc == SQL_ERROR) {
		ss_set_err(s, what);
		ret = -1;
	}
	sql_reset(st);
	sql_clear(st);
	return ret;
}

int
ss_rows(struct store *s, struct sql_stmt *st, const char *what,
    int (*row)(struct sql_stmt *, void *), void *arg)
{
	return rows(s, st, what, 0, row, arg);
}

int
ss_row(struct store *s, struct sql_stmt *st, const char *what,
    int (*row)(struct sql_stmt *, void *), void *arg)
{
	return rows(s, st, what, 1, row, arg);
}

int
ss_done(struct store *s, struct sql_stmt *st, const char *what)
{
	enum sql_rc rc;

	if (st == NULL)
		return -1;
	rc = sql_step(st);
	if (rc == SQL_ERROR)
		ss_set_err(s, what);
	sql_reset(st);
	sql_clear(st);
	return rc == SQL_ERROR ? -1 : 0;
}

int
ss_changed(struct store *s, struct sql_stmt *st, const char *what)
{
	if (ss_done(s, st, what) == -1)
		return -1;
	return sql_changes(s->conn) > 0 ? 0 : 1;
}

int
ss_tx_begin(struct store *s, int *own)
{
	if (s->db != NULL)
		return sq_tx_begin(s, own);
	*own = !sql_in_transaction(s->conn);
	if (*own && sql_begin(s->conn) == -1) {
		ss_set_err(s, "begin");
		return -1;
	}
	return 0;
}

void
ss_tx_ended(struct store *s, int committed)
{
	void (*fn)(struct store *) = s->after_commit;

	s->after_commit = NULL;
	if (committed && fn != NULL)
		fn(s);
}

int
ss_tx_end(struct store *s, int own, int ok)
{
	char why[sizeof(s->err)];

	if (s->db != NULL)
		return sq_tx_end(s, own, ok);
	if (!own)
		return ok ? 0 : -1;
	if (ok) {
		if (sql_commit(s->conn) == 0) {
			ss_tx_ended(s, 1);
			return 0;
		}
		ss_set_err(s, "commit");
	}
	snprintf(why, sizeof(why), "%s", s->err);
	sql_rollback(s->conn);
	ss_tx_ended(s, 0);
	snprintf(s->err, sizeof(s->err), "%s", why);
	return -1;
}

int
ss_tx_finish(struct store *s, int own, int rc)
{
	if (ss_tx_end(s, own, rc == 0) == -1 && rc == 0)
		return -1;
	return rc;
}

int
ss_int64_row(struct sql_stmt *st, void *arg)
{
	*(int64_t *)arg = sql_column_int64(st, 0);
	return 0;
}

int
ss_ids_row(struct sql_stmt *st, void *arg)
{
	const struct sq_ids *r = arg;

	if (*r->n < r->max)
		r->ids[(*r->n)++] = sql_column_int64(st, 0);
	return 0;
}

int
ss_id_text_row(struct sql_stmt *st, void *arg)
{
	const struct sq_id_text *o = arg;
	const char *v = sql_column_text(st, 1);

	*o->id = sql_column_int64(st, 0);
	snprintf(o->text, o->textlen, "%s", v != NULL ? v : "");
	return 0;
}

/* Bring one module's schema to its last version (as sqlite.c does). */
static int
migrate_set(struct sql_conn *c, struct sql_stmt *get,
    const struct migration_set *m, char *err, size_t errlen)
{
	enum sql_rc rc;
	char sql[160];
	int64_t version = 0;
	size_t i;

	sql_bind_text(get, 1, m->module);
	while ((rc = sql_step(get)) == SQL_ROW)
		ss_int64_row(get, &version);
	sql_reset(get);
	sql_clear(get);
	if (rc == SQL_ERROR) {
		snprintf(err, errlen, "reading schema version: %s",
		    sql_errmsg(c));
		return -1;
	}
	if (version > (int64_t)m->n) {
		snprintf(err, errlen, "database schema of %s is at version "
		    "%" PRId64 ", "
		    "newer than this veche knows (%zu): upgrade veche",
		    m->module, version, m->n);
		return -1;
	}
	for (i = (size_t)version; i < m->n; i++) {
		/* Module names are ours, never user input. */
		snprintf(sql, sizeof(sql), "INSERT INTO schema_versions(module, "
		    "version) VALUES ('%s', %zu) ON CONFLICT(module) DO UPDATE "
		    "SET version = excluded.version", m->module, i + 1);
		if (sql_begin(c) == -1 || sql_exec(c, m->steps[i]) == -1 ||
		    sql_exec(c, sql) == -1 || sql_commit(c) == -1) {
			snprintf(err, errlen, "migration %s %zu: %.400s",
			    m->module, i + 1, sql_errmsg(c));
			if (sql_in_transaction(c))
				sql_rollback(c);
			return -1;
		}
	}
	return 0;
}

int
ss_migrate(struct sql_conn *c, const struct migration_set *const *sets,
    size_t n, char *err, size_t errlen)
{
	/* The last slot, past the subjects' (ss_open_pg makes room). */
	const size_t k = SLOTS;
	struct sql_stmt *get;
	size_t i;

	if (sql_exec(c, "CREATE TABLE IF NOT EXISTS schema_versions(module "
	    "TEXT PRIMARY KEY, version INTEGER NOT NULL)") == -1 ||
	    sql_prepare(c, k, "SELECT version FROM schema_versions WHERE "
	    "module = ?1", NULL) == -1 || (get = sql_stmt(c, k)) == NULL) {
		snprintf(err, errlen, "schema versions: %s", sql_errmsg(c));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (migrate_set(c, get, sets[i], err, errlen) == -1)
			return -1;
	return 0;
}

/*
 * The core schema on PostgreSQL, step for step as core_migrations in
 * sqlite.c (until the core converts and both lists sit there).  Not yet
 * shipped: entries may still change until the PostgreSQL store does.
 * SQLite's virtual tables become ordinary ones with the same columns, so
 * the statements that write them stay shared: report_geo's boxes get a
 * GiST index, the FTS tables a tsvector (reports: the `russian`
 * configuration; addresses: `simple`, prefixes of names and numbers not
 * stemmed) kept by a generated column and searched through veche_match,
 * which reads the FTS5 query syntax the callers write ("word"* ...).
 */
static const char *const core_migrations_pg[] = {
	/* 1: the catalogue, reports and their history, API keys. */
	STORE_CORE_CATALOGUE_DDL
	"CREATE TABLE reports(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
	" service TEXT NOT NULL, agency TEXT, status INTEGER NOT NULL,"
	" status_notes TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION,"
	" address TEXT, address_id TEXT,"
	" zipcode TEXT, description TEXT NOT NULL DEFAULT '',"
	" requested BIGINT NOT NULL, updated BIGINT NOT NULL,"
	" register_due BIGINT, expected BIGINT);"
	"CREATE INDEX reports_requested ON reports(requested, id);"
	"CREATE INDEX reports_updated ON reports(updated);"
	"CREATE INDEX reports_service ON reports(service, requested);"
	"CREATE INDEX reports_agency ON reports(agency, requested);"
	"CREATE TABLE report_media(report BIGINT NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" url TEXT NOT NULL, PRIMARY KEY(report, ord));"
	"CREATE TABLE report_attrs(report BIGINT NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" code TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(report, ord));"
	"CREATE TABLE report_contacts(report BIGINT PRIMARY KEY REFERENCES"
	" reports(id) ON DELETE CASCADE, first_name TEXT, last_name TEXT,"
	" email TEXT, phone TEXT, device_id TEXT, account_id TEXT);"
	"CREATE TABLE report_updates(id BIGINT GENERATED BY DEFAULT AS"
	" IDENTITY PRIMARY KEY,"
	" report BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	" status INTEGER NOT NULL, description TEXT, media_url TEXT,"
	" created BIGINT NOT NULL);"
	"CREATE INDEX report_updates_created ON report_updates(created, id);"
	"CREATE INDEX report_updates_report ON report_updates(report);"
	"CREATE TABLE report_geo(id BIGINT PRIMARY KEY,"
	" min_lat DOUBLE PRECISION, max_lat DOUBLE PRECISION,"
	" min_lon DOUBLE PRECISION, max_lon DOUBLE PRECISION);"
	"CREATE INDEX report_geo_box ON report_geo USING gist"
	" (box(point(min_lon, min_lat), point(max_lon, max_lat)));"
	"CREATE TABLE report_fts(rowid BIGINT PRIMARY KEY, description TEXT,"
	" address TEXT, fts TSVECTOR GENERATED ALWAYS AS"
	" (to_tsvector('russian', coalesce(description, '') || ' ' ||"
	" coalesce(address, ''))) STORED);"
	"CREATE INDEX report_fts_gin ON report_fts USING gin(fts);"
	"CREATE TABLE apikeys(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, name TEXT NOT NULL,"
	" agency TEXT, hash BYTEA NOT NULL UNIQUE, created BIGINT NOT NULL,"
	" revoked BIGINT);"
	/* FTS5 query syntax ("w"* "x") as a tsquery of configuration cfg. */
	"CREATE FUNCTION veche_match(q TEXT, cfg REGCONFIG) RETURNS TSQUERY"
	" LANGUAGE sql IMMUTABLE STRICT AS $$"
	" SELECT to_tsquery(cfg, coalesce(string_agg('''' ||"
	" replace(replace(replace(m[1], '\"\"', '\"'), '\\', '\\\\'),"
	" '''', '''''') || '''' || CASE WHEN m[2] = '*' THEN ':*' ELSE ''"
	" END, ' & '), ''))"
	" FROM regexp_matches(q, '\"((?:[^\"]|\"\")*)\"(\\*?)', 'g') AS m $$;",
	/* 2: the address registry, searched by words. */
	"CREATE TABLE addresses(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, address TEXT NOT NULL UNIQUE,"
	" lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL);"
	"CREATE TABLE address_fts(rowid BIGINT PRIMARY KEY REFERENCES"
	" addresses(id) ON DELETE CASCADE, address TEXT NOT NULL,"
	" fts TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', address))"
	" STORED);"
	"CREATE INDEX address_fts_gin ON address_fts USING gin(fts);",
	/* 3 (issue 12, admin editing): a service can be disabled. */
	"ALTER TABLE services ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;",
	/* 4 (issue 12, admin editing): answer templates, editable. */
	"CREATE TABLE answer_templates(id BIGINT GENERATED BY DEFAULT AS"
	" IDENTITY PRIMARY KEY,"
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
	/* 5 (issue 11, varied area reads): the area query's covering index. */
	("CREATE INDEX reports_area_cover ON reports(id, requested, updated,"
	" status);"),
	/*
	 * 6 (issue 11, text search): the words under a key in time order,
	 * as SQLite's; the tsvector stems them (`russian`) as veche_stem
	 * does there.
	 */
	("CREATE TABLE report_search_keys(key BIGINT PRIMARY KEY,"
	" report BIGINT NOT NULL);"
	"INSERT INTO report_search_keys(key, report)"
	" SELECT (requested << 24) + row_number() OVER (PARTITION BY requested"
	" ORDER BY id) - 1, id FROM reports;"
	"CREATE TABLE report_text(rowid BIGINT PRIMARY KEY, description TEXT,"
	" address TEXT, fts TSVECTOR GENERATED ALWAYS AS"
	" (to_tsvector('russian', coalesce(description, '') || ' ' ||"
	" coalesce(address, ''))) STORED);"
	"CREATE INDEX report_text_gin ON report_text USING gin(fts);"
	"INSERT INTO report_text(rowid, description, address)"
	" SELECT k.key, r.description, r.address FROM report_search_keys k"
	" JOIN reports r ON r.id = k.report;"
	"DROP TABLE report_fts;"),
	/* 7 (issue 11, updated_after polling): as SQLite's. */
	("DROP INDEX reports_updated;"
	"CREATE INDEX reports_updated ON reports(updated, requested, status);"),
	/* 8 (issue 11, text search): SQLite's FTS5 day marks; none here. */
	"SELECT 1;",
	/*
	 * 9 (issue 16, updated_after polling): the id in reports_updated, as
	 * SQLite's carries its rowid, so the reports changed since an instant
	 * are judged, ordered and paged from the index alone (an index-only
	 * scan); without it each changed report's heap page was read for its
	 * id (docs/scaling.md, "updated_after polls on PostgreSQL").
	 */
	("DROP INDEX reports_updated;"
	"CREATE INDEX reports_updated ON reports(updated, requested, status)"
	" INCLUDE (id);"),
};

const struct migration_set store_core_schema_pg = {
	"core", core_migrations_pg,
	sizeof(core_migrations_pg) / sizeof(core_migrations_pg[0]),
};

/* The subjects converted to the statement layer, and their statements. */
static const struct {
	enum store_module m;
	const struct stmt_table *t, *pg;        /* pg NULL: all shared */
} converted[] = {
	{ STORE_MOD_CORE, &store_core_stmts, &store_core_stmts_pg },
	{ STORE_MOD_KEYS, &store_keys_stmts, NULL },
	{ STORE_MOD_ADDRESSES, &store_addresses_stmts,
	    &store_addresses_stmts_pg },
	{ STORE_MOD_HELP, &store_help_stmts, &store_help_stmts_pg },
	{ STORE_MOD_PROPOSALS, &store_proposals_stmts,
	    &store_proposals_stmts_pg },
	{ STORE_MOD_CALLS, &store_calls_stmts, &store_calls_stmts_pg },
	{ STORE_MOD_DRAFTS, &store_drafts_stmts, &store_drafts_stmts_pg },
	{ STORE_MOD_OFFICIALS, &store_officials_stmts, NULL },
	{ STORE_MOD_INCIDENTS, &store_incidents_stmts, NULL },
	{ STORE_MOD_DEADLINES, &store_deadlines_stmts,
	    &store_deadlines_stmts_pg },
	{ STORE_MOD_ALERTS, &store_alerts_stmts, NULL },
	{ STORE_MOD_CATALOG, &store_catalog_stmts, NULL },
	{ STORE_MOD_RATINGS, &store_ratings_stmts, NULL },
	{ STORE_MOD_WORKFLOW, &store_workflow_stmts, &store_workflow_stmts_pg },
	{ STORE_MOD_LEASE, &store_lease_stmts, &store_lease_stmts_pg },
	{ STORE_MOD_ACCOUNTS, &store_accounts_stmts, NULL },
	{ STORE_MOD_DELIVERY, &store_delivery_stmts,
	    &store_delivery_stmts_pg },
	{ STORE_MOD_SOCIAL, &store_social_stmts, &store_social_stmts_pg },
	{ STORE_MOD_POSTS, &store_posts_stmts, NULL },
	/* Its statements but the report query's shapes (sqlite_reports.c). */
	{ STORE_MOD_REPORTS, &store_reports_stmts, &store_reports_stmts_pg },
	/* PostgreSQL's texts only: SQLite has none (sql_ratelimit.c). */
	{ STORE_MOD_RATELIMIT, &store_ratelimit_stmts_pg, NULL },
};

/* The schemas the converted subjects' tables live in. */
static const struct migration_set *const converted_schemas[] = {
	&store_core_schema_pg,
	&store_workflow_schema_pg,      /* reports' columns: the others read them */
	/* After workflow's: accounts' step 5 reads reports.reporter_user. */
	&store_accounts_schema_pg,
	/* Before alerts' (their items name events), as on SQLite. */
	&store_delivery_schema_pg,
	/*
	 * After accounts' and delivery's (comments name users, spike mail
	 * deliveries); before drafts' and incidents', which read them.
	 */
	&store_social_schema_pg,
	&store_posts_schema_pg,
	&store_help_schema_pg,
	&store_proposals_schema_pg,
	&store_calls_schema_pg,
	&store_drafts_schema_pg,
	&store_officials_schema_pg,
	&store_incidents_schema_pg,
	&store_deadlines_schema_pg,
	&store_alerts_schema_pg,
	&store_ratings_schema_pg,
	&store_ratelimit_schema_pg,     /* no SQLite counterpart */
};

struct store *
ss_open_pg(const char *url, char *err, size_t errlen)
{
	struct store *s = NULL;
	const struct stmt_table *t, *pg;
	size_t i, j;
	int standby;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The subjects', the version query's, the report query's shapes. */
	if ((s->conn = sql_conn_pg(url, SHAPES + STORE_QUERY_SHAPES, err,
	    errlen)) == NULL)
		goto fail;
	/* A hot standby takes no writes: it checks what it replayed. */
	if ((standby = ss_standby(s->conn, err, errlen)) == -1 || (standby &&
	    ss_standby_schema(s->conn, converted_schemas,
	    sizeof(converted_schemas) / sizeof(converted_schemas[0]), err,
	    errlen) == -1))
		goto fail;
	/*
	 * Processes started at once on a fresh database would each create
	 * the tables: one migrates while the others wait for the lock, then
	 * find the versions current.  A session lock: ss_migrate commits
	 * each step on its own.
	 */
	if (!standby && sql_exec(s->conn, "SELECT pg_advisory_lock("
	    MIGRATE_LOCK ")") == -1) {
		snprintf(err, errlen, "waiting to migrate: %s",
		    sql_errmsg(s->conn));
		goto fail;
	}
	if (!standby && ss_migrate(s->conn, converted_schemas,
	    sizeof(converted_schemas) /
	    sizeof(converted_schemas[0]), err, errlen) == -1)
		goto fail;
	if (!standby && sql_exec(s->conn, "SELECT pg_advisory_unlock("
	    MIGRATE_LOCK ")") == -1) {
		snprintf(err, errlen, "migrated: %s", sql_errmsg(s->conn));
		goto fail;
	}
	for (i = 0; i < sizeof(converted) / sizeof(converted[0]); i++) {
		t = converted[i].t;
		pg = converted[i].pg;
		for (j = 0; j < t->n; j++)
			if (sql_prepare(s->conn, (size_t)converted[i].m *
			    STORE_MOD_STMTS + j, t->sql[j], pg != NULL &&
			    j < pg->n ? pg->sql[j] : NULL) == -1) {
				snprintf(err, errlen, "%s", sql_errmsg(s->conn));
				goto fail;
			}
	}
	/* Other processes' commits, for store_changed (never on a standby:
	 * LISTEN is refused there; docs/scaling.md, "Read replicas"). */
	if (!standby && sql_listen(s->conn) == -1) {
		snprintf(err, errlen, "listening for changes: %s",
		    sql_errmsg(s->conn));
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

int
ss_store_changed(struct store *s, enum store_watch w)
{
	int n = sql_notices(s->conn), changed;

	if (n == -1) {
		ss_set_err(s, "reading change notices");
		return -1;
	}
	/* The notices are the connection's, read once: each watcher
	 * compares the running count with the count it saw. */
	s->notices += (uint64_t)n;
	changed = !s->seen[w].seen || s->seen[w].notices != s->notices;
	s->seen[w].seen = 1;
	s->seen[w].notices = s->notices;
	return changed;
}

/* The converted modules' PostgreSQL schemas, for the copier (store_copy.c). */
const struct migration_set *const *
ss_pg_schemas(size_t *n)
{
	*n = sizeof(converted_schemas) / sizeof(converted_schemas[0]);
	return converted_schemas;
}
