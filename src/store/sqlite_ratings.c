/*
 * sqlite_ratings.c: the ratings and open data module of the SQLite backend
 * (see sqlite_internal.h and store_ratings.h): the deadlines in force after
 * each workflow action (table ratings_facts, kept by a trigger), the
 * streams the ratings and the open data dump read, and the ratings' kept
 * months (tables ratings_months and ratings_month_figures, cleared by
 * triggers when a write touches one of their stays).  On the statement
 * layer (sql.h); on PostgreSQL the triggers are PL/pgSQL functions doing
 * the same statements.  The tables it reads (reports' workflow columns,
 * workflow_updates) are the workflow module's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "store/sql_store.h"
#include "store/store_ratings.h"

#define FWD VECHE_STR(STORE_RATINGS_FORWARD)

/*
 * A trigger's statement: the kept months that hold a stay of report r (its
 * receipt or one of its entries, a forward among them, fell in the month),
 * or for which the condition `also` holds, are no longer valid.
 */
#define CLEAR(r, also) "UPDATE ratings_months SET gen = gen + 1, computed" \
	" = NULL WHERE EXISTS (SELECT 1 FROM reports x WHERE x.id = " r \
	" AND x.requested BETWEEN month_from AND month_to) OR EXISTS (SELECT" \
	" 1 FROM report_updates y WHERE y.report = " r " AND y.created" \
	" BETWEEN month_from AND month_to) OR " also ";"

/* The report of the workflow entry of a ratings_facts row. */
#define FACT(row) "(SELECT report FROM workflow_updates WHERE update_id" \
	" = " row ".update_id)"

/*
 * Steps both engines run as written.  Migration 1's backfill: actions
 * recorded before it get the report's deadlines as they stand now, and
 * the forwarding agency where the history still tells it (the previous
 * forward's receiver, or forwarded_from for a report's last forward).
 */
#define FACTS_BEFORE \
	"INSERT INTO ratings_facts(update_id, from_agency, register_due," \
	" expected, fixed) SELECT w.update_id, CASE WHEN w.action = " FWD \
	" THEN coalesce((SELECT p.agency FROM workflow_updates p" \
	" WHERE p.report = w.report AND p.action = " FWD " AND p.update_id <" \
	" w.update_id ORDER BY p.update_id DESC LIMIT 1), CASE WHEN NOT" \
	" EXISTS (SELECT 1 FROM workflow_updates l WHERE l.report = w.report" \
	" AND l.action = " FWD " AND l.update_id > w.update_id) THEN" \
	" r.forwarded_from END) END, r.register_due, r.expected, r.fixed" \
	" FROM workflow_updates w JOIN reports r ON r.id = w.report;"
#define HEADS \
	"CREATE TABLE agency_heads(agency TEXT PRIMARY KEY REFERENCES" \
	" agencies(code) ON DELETE CASCADE, parent TEXT, name_ru TEXT," \
	" name_en TEXT, title_ru TEXT, title_en TEXT);" \
	"CREATE INDEX agency_heads_parent ON agency_heads(parent);"
#define FORWARDS \
	"CREATE INDEX ratings_forwards ON workflow_updates(update_id, report)" \
	" WHERE action = " FWD ";"

static const char *const ratings_migrations[] = {
	/* 1: ratings_facts, filled (FACTS_BEFORE), and its trigger. */
	"CREATE TABLE ratings_facts(update_id INTEGER PRIMARY KEY"
	" REFERENCES workflow_updates(update_id) ON DELETE CASCADE,"
	" from_agency TEXT, register_due INTEGER, expected INTEGER,"
	" fixed INTEGER);"
	FACTS_BEFORE
	"CREATE TRIGGER ratings_facts_put AFTER INSERT ON workflow_updates"
	" BEGIN INSERT OR REPLACE INTO ratings_facts(update_id, from_agency,"
	" register_due, expected, fixed) SELECT new.update_id, CASE WHEN"
	" new.action = " FWD " THEN forwarded_from END, register_due,"
	" expected, fixed FROM reports WHERE id = new.report; END;",
	/* 2: an agency's place in the hierarchy and its head (city file). */
	HEADS,
	/*
	 * 3: the forwards alone, so that the ratings find the stays a forward
	 * began in a period without reading every history entry.
	 */
	FORWARDS,
	/*
	 * 4: each past month's figures, kept (docs/ratings.md, "Kept
	 * months").  A month's row is valid while computed is set and the
	 * clock is in [computed, valid_until]; its figures are those of the
	 * stays that began in [month_from, month_to], one row per agency,
	 * the durations as 8-byte little-endian seconds.  Any write that
	 * can change a stay of a report clears the months of that report's
	 * receipt and entries and bumps their gen, so that a computation
	 * read before the write is not kept after it.
	 */
	"CREATE TABLE ratings_months(month_from INTEGER PRIMARY KEY,"
	" month_to INTEGER NOT NULL, gen INTEGER NOT NULL DEFAULT 0,"
	" computed INTEGER, valid_until INTEGER);"
	"CREATE TABLE ratings_month_figures(month_from INTEGER NOT NULL"
	" REFERENCES ratings_months(month_from) ON DELETE CASCADE,"
	" agency TEXT NOT NULL, received INTEGER NOT NULL,"
	" reg_due INTEGER NOT NULL, reg_ok INTEGER NOT NULL,"
	" ans_due INTEGER NOT NULL, ans_ok INTEGER NOT NULL,"
	" in_time_extended INTEGER NOT NULL, answered INTEGER NOT NULL,"
	" closed INTEGER NOT NULL, extensions INTEGER NOT NULL,"
	" forwarded INTEGER NOT NULL, rejected INTEGER NOT NULL,"
	" reopened INTEGER NOT NULL, fixed_yes INTEGER NOT NULL,"
	" fixed_no INTEGER NOT NULL, answer_secs BLOB NOT NULL,"
	" close_secs BLOB NOT NULL, PRIMARY KEY(month_from, agency))"
	" WITHOUT ROWID;"
	"CREATE TRIGGER ratings_months_report_new AFTER INSERT ON reports"
	" BEGIN " CLEAR("new.id", "0") " END;"
	"CREATE TRIGGER ratings_months_report_set AFTER UPDATE OF requested,"
	" agency, register_due, expected ON reports BEGIN "
	CLEAR("new.id", "old.requested BETWEEN month_from AND month_to")
	" END;"
	"CREATE TRIGGER ratings_months_report_gone BEFORE DELETE ON reports"
	" BEGIN " CLEAR("old.id", "0") " END;"
	"CREATE TRIGGER ratings_months_update_set AFTER UPDATE OF report,"
	" created ON report_updates BEGIN " CLEAR("new.report",
	"old.created BETWEEN month_from AND month_to") CLEAR("old.report",
	"0") " END;"
	"CREATE TRIGGER ratings_months_update_gone BEFORE DELETE ON"
	" report_updates BEGIN " CLEAR("old.report", "0") " END;"
	"CREATE TRIGGER ratings_months_action_new AFTER INSERT ON"
	" workflow_updates BEGIN " CLEAR("new.report", "0") " END;"
	"CREATE TRIGGER ratings_months_action_set AFTER UPDATE ON"
	" workflow_updates BEGIN " CLEAR("new.report", "0")
	CLEAR("old.report", "0") " END;"
	"CREATE TRIGGER ratings_months_action_gone BEFORE DELETE ON"
	" workflow_updates BEGIN " CLEAR("old.report", "0") " END;"
	"CREATE TRIGGER ratings_months_fact_new AFTER INSERT ON ratings_facts"
	" BEGIN " CLEAR(FACT("new"), "0") " END;"
	"CREATE TRIGGER ratings_months_fact_set AFTER UPDATE ON ratings_facts"
	" BEGIN " CLEAR(FACT("new"), "0") CLEAR(FACT("old"), "0") " END;"
	"CREATE TRIGGER ratings_months_fact_gone BEFORE DELETE ON"
	" ratings_facts BEGIN " CLEAR(FACT("old"), "0") " END;",
};

const struct migration_set store_ratings_schema = {
	"ratings", ratings_migrations,
	sizeof(ratings_migrations) / sizeof(ratings_migrations[0]),
};

/*
 * A PostgreSQL trigger doing body: its function name_fn (PL/pgSQL) and
 * the trigger, `when` (BEFORE/AFTER and the event) on table.  A BEFORE
 * trigger returns OLD, so that the delete goes ahead.
 */
#define PG_TRIGGER(name, when, table, body, ret) \
	"CREATE FUNCTION " name "_fn() RETURNS trigger LANGUAGE plpgsql AS" \
	" $$ BEGIN " body " RETURN " ret "; END $$;" \
	"CREATE TRIGGER " name " " when " ON " table " FOR EACH ROW" \
	" EXECUTE FUNCTION " name "_fn();"

/* The same steps on PostgreSQL (reports' workflow columns: workflow's). */
static const char *const ratings_migrations_pg[] = {
	/* 1: ratings_facts and its trigger. */
	"CREATE TABLE ratings_facts(update_id BIGINT PRIMARY KEY"
	" REFERENCES workflow_updates(update_id) ON DELETE CASCADE,"
	" from_agency TEXT, register_due BIGINT, expected BIGINT,"
	" fixed INTEGER);"
	FACTS_BEFORE
	PG_TRIGGER("ratings_facts_put", "AFTER INSERT", "workflow_updates",
	"INSERT INTO ratings_facts(update_id, from_agency,"
	" register_due, expected, fixed) SELECT new.update_id, CASE WHEN"
	" new.action = " FWD " THEN forwarded_from END, register_due,"
	" expected, fixed FROM reports WHERE id = new.report"
	" ON CONFLICT(update_id) DO UPDATE SET"
	" from_agency = excluded.from_agency,"
	" register_due = excluded.register_due,"
	" expected = excluded.expected, fixed = excluded.fixed;", "NULL"),
	/* 2: an agency's place in the hierarchy and its head (city file). */
	HEADS,
	/* 3: the forwards alone. */
	FORWARDS,
	/* 4: each past month's figures, kept; cleared as on SQLite. */
	"CREATE TABLE ratings_months(month_from BIGINT PRIMARY KEY,"
	" month_to BIGINT NOT NULL, gen BIGINT NOT NULL DEFAULT 0,"
	" computed BIGINT, valid_until BIGINT);"
	"CREATE TABLE ratings_month_figures(month_from BIGINT NOT NULL"
	" REFERENCES ratings_months(month_from) ON DELETE CASCADE,"
	" agency TEXT NOT NULL, received BIGINT NOT NULL,"
	" reg_due BIGINT NOT NULL, reg_ok BIGINT NOT NULL,"
	" ans_due BIGINT NOT NULL, ans_ok BIGINT NOT NULL,"
	" in_time_extended BIGINT NOT NULL, answered BIGINT NOT NULL,"
	" closed BIGINT NOT NULL, extensions BIGINT NOT NULL,"
	" forwarded BIGINT NOT NULL, rejected BIGINT NOT NULL,"
	" reopened BIGINT NOT NULL, fixed_yes BIGINT NOT NULL,"
	" fixed_no BIGINT NOT NULL, answer_secs BYTEA NOT NULL,"
	" close_secs BYTEA NOT NULL, PRIMARY KEY(month_from, agency));"
	PG_TRIGGER("ratings_months_report_new", "AFTER INSERT", "reports",
	CLEAR("new.id", "false"), "NULL")
	PG_TRIGGER("ratings_months_report_set", "AFTER UPDATE OF requested,"
	" agency, register_due, expected", "reports",
	CLEAR("new.id", "old.requested BETWEEN month_from AND month_to"),
	"NULL")
	PG_TRIGGER("ratings_months_report_gone", "BEFORE DELETE", "reports",
	CLEAR("old.id", "false"), "old")
	PG_TRIGGER("ratings_months_update_set", "AFTER UPDATE OF report,"
	" created", "report_updates", CLEAR("new.report",
	"old.created BETWEEN month_from AND month_to") CLEAR("old.report",
	"false"), "NULL")
	PG_TRIGGER("ratings_months_update_gone", "BEFORE DELETE",
	"report_updates", CLEAR("old.report", "false"), "old")
	PG_TRIGGER("ratings_months_action_new", "AFTER INSERT",
	"workflow_updates", CLEAR("new.report", "false"), "NULL")
	PG_TRIGGER("ratings_months_action_set", "AFTER UPDATE",
	"workflow_updates", CLEAR("new.report", "false")
	CLEAR("old.report", "false"), "NULL")
	PG_TRIGGER("ratings_months_action_gone", "BEFORE DELETE",
	"workflow_updates", CLEAR("old.report", "false"), "old")
	PG_TRIGGER("ratings_months_fact_new", "AFTER INSERT", "ratings_facts",
	CLEAR(FACT("new"), "false"), "NULL")
	PG_TRIGGER("ratings_months_fact_set", "AFTER UPDATE", "ratings_facts",
	CLEAR(FACT("new"), "false") CLEAR(FACT("old"), "false"), "NULL")
	PG_TRIGGER("ratings_months_fact_gone", "BEFORE DELETE",
	"ratings_facts", CLEAR(FACT("old"), "false"), "old"),
};

const struct migration_set store_ratings_schema_pg = {
	"ratings", ratings_migrations_pg,
	sizeof(ratings_migrations_pg) / sizeof(ratings_migrations_pg[0]),
};

enum {
	RT_HISTORY,
	RT_REPORTS,
	RT_STAYS,
	RT_MONTH_GET,
	RT_MONTH_OPEN,
	RT_MONTH_GEN,
	RT_MONTH_KEEP,
	RT_MONTH_CLEAR,
	RT_MONTH_ROW,
	RT_HEAD_PUT,
	RT_HEAD_GET,
	RT_CHILDREN,
	RT__MAX
};

static const char *const sql[RT__MAX] = {
	[RT_HISTORY] = "SELECT r.id, r.requested, r.agency, u.id, u.created, "
	    "coalesce(u.status, r.status), coalesce(w.action, -1), w.agency, "
	    "f.from_agency, "
	    "f.register_due, f.expected, f.fixed, u.description, "
	    "r.register_due, r.expected "
	    "FROM reports r LEFT JOIN report_updates u ON u.report = r.id "
	    "LEFT JOIN workflow_updates w ON w.update_id = u.id "
	    "LEFT JOIN ratings_facts f ON f.update_id = u.id "
	    "ORDER BY r.id, u.id",
	/*
	 * The workflow entries (no plain updates, no text) of the reports
	 * with a stay that began in [?1, ?2]: received then, or forwarded
	 * then.  A forward never precedes its report's receipt, so the
	 * reports received before ?1 come in only through the forwards.
	 */
	[RT_STAYS] = "WITH ids(id) AS (SELECT id FROM reports "
	    "WHERE requested BETWEEN ?1 AND ?2 UNION "
	    "SELECT w.report FROM workflow_updates w WHERE w.action = " FWD
	    " AND (SELECT created FROM report_updates WHERE id = w.update_id) "
	    "BETWEEN ?1 AND ?2) "
	    "SELECT r.id, r.requested, r.agency, w.update_id, u.created, "
	    "coalesce(u.status, r.status), coalesce(w.action, -1), w.agency, "
	    "f.from_agency, f.register_due, f.expected, f.fixed, NULL, "
	    "r.register_due, r.expected "
	    "FROM ids JOIN reports r ON r.id = ids.id "
	    "LEFT JOIN workflow_updates w ON w.report = r.id "
	    "LEFT JOIN report_updates u ON u.id = w.update_id "
	    "LEFT JOIN ratings_facts f ON f.update_id = w.update_id "
	    "ORDER BY r.id, w.update_id",
	/* A valid kept month at ?3 and its rows (agency NULL: none). */
	[RT_MONTH_GET] = "SELECT f.agency, f.received, f.reg_due, f.reg_ok, "
	    "f.ans_due, f.ans_ok, f.in_time_extended, f.answered, f.closed, "
	    "f.extensions, f.forwarded, f.rejected, f.reopened, f.fixed_yes, "
	    "f.fixed_no, f.answer_secs, f.close_secs FROM ratings_months m "
	    "LEFT JOIN ratings_month_figures f ON f.month_from = m.month_from "
	    "WHERE m.month_from = ?1 AND m.month_to = ?2 AND m.computed <= ?3 "
	    "AND m.valid_until >= ?3",
	/* The old row's columns named by table: PostgreSQL's rule. */
	[RT_MONTH_OPEN] = "INSERT INTO ratings_months(month_from, month_to) "
	    "VALUES (?1, ?2) ON CONFLICT(month_from) DO UPDATE SET "
	    "month_to = excluded.month_to, gen = ratings_months.gen + 1, "
	    "computed = NULL "
	    "WHERE ratings_months.month_to != excluded.month_to",
	[RT_MONTH_GEN] = "SELECT gen FROM ratings_months WHERE month_from = ?1 "
	    "AND month_to = ?2",
	[RT_MONTH_KEEP] = "UPDATE ratings_months SET computed = ?4, "
	    "valid_until = ?5 WHERE month_from = ?1 AND month_to = ?2 AND "
	    "gen = ?3",
	[RT_MONTH_CLEAR] = "DELETE FROM ratings_month_figures "
	    "WHERE month_from = ?1",
	[RT_MONTH_ROW] = "INSERT INTO ratings_month_figures(month_from, agency, "
	    "received, reg_due, reg_ok, ans_due, ans_ok, in_time_extended, "
	    "answered, closed, extensions, forwarded, rejected, reopened, "
	    "fixed_yes, fixed_no, answer_secs, close_secs) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18)",
	[RT_REPORTS] = "SELECT id, service, agency, status, lat, lon, "
	    "address, description, requested, updated, register_due, "
	    "registered, expected, extended, answered, answer, fixed, "
	    "reopened, forwarded_from, reject_reason FROM reports ORDER BY id",
	[RT_HEAD_PUT] = "INSERT INTO agency_heads(agency, parent, name_ru, "
	    "name_en, title_ru, title_en) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT(agency) DO UPDATE SET parent = excluded.parent, "
	    "name_ru = excluded.name_ru, name_en = excluded.name_en, "
	    "title_ru = excluded.title_ru, title_en = excluded.title_en",
	[RT_HEAD_GET] = "SELECT agency, parent, name_ru, name_en, title_ru, "
	    "title_en FROM agency_heads WHERE agency = ?1",
	[RT_CHILDREN] = "SELECT agency, parent, name_ru, name_en, title_ru, "
	    "title_en FROM agency_heads WHERE parent = ?1 ORDER BY agency",
};

/* PostgreSQL runs every text as written. */
const struct stmt_table store_ratings_stmts = { sql, RT__MAX };

#define ST(i) ss_stmt(s, STORE_MOD_RATINGS, (i))

static int64_t
col_time(struct sql_stmt *st, int i)
{
	return sql_column_is_null(st, i) ? 0 : sql_column_int64(st, i);
}

static int
col_opt(struct sql_stmt *st, int i)
{
	return sql_column_is_null(st, i) ? -1 : sql_column_int(st, i);
}

/* What history_row and report_row hand their records to. */
struct history_to {
	int (*fn)(const struct opendata_event *, void *);
	void *arg;
};

struct reports_to {
	int (*fn)(const struct opendata_report *, void *);
	void *arg;
};

static int
history_row(struct sql_stmt *st, void *arg)
{
	const struct history_to *t = arg;
	struct opendata_event r;

	memset(&r, 0, sizeof(r));
	r.report_id = sql_column_int64(st, 0);
	r.requested = sql_column_int64(st, 1);
	r.agency = sql_column_text(st, 2);
	r.update_id = col_time(st, 3);
	r.created = col_time(st, 4);
	r.status = (enum report_status)sql_column_int(st, 5);
	r.action = sql_column_int(st, 6);
	r.to_agency = sql_column_text(st, 7);
	r.from_agency = sql_column_text(st, 8);
	r.register_due = col_time(st, 9);
	r.expected = col_time(st, 10);
	r.fixed = col_opt(st, 11);
	r.note = sql_column_text(st, 12);
	r.report_register_due = col_time(st, 13);
	r.report_expected = col_time(st, 14);
	return t->fn(&r, t->arg);
}

int
store_ratings_history_each(struct store *s,
    int (*fn)(const struct opendata_event *, void *), void *arg)
{
	struct history_to t = { fn, arg };

	return ss_rows(s, ST(RT_HISTORY),
	    "reading report histories", history_row, &t);
}

int
store_ratings_stays_each(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct opendata_event *, void *), void *arg)
{
	struct sql_stmt *st = ST(RT_STAYS);
	struct history_to t = { fn, arg };

	if (st != NULL) {
		sql_bind_int64(st, 1, from);
		sql_bind_int64(st, 2, to);
	}
	return ss_rows(s, st, "reading the stays of a period", history_row,
	    &t);
}

static int
report_row(struct sql_stmt *st, void *arg)
{
	const struct reports_to *t = arg;
	struct opendata_report r;

	memset(&r, 0, sizeof(r));
	r.id = sql_column_int64(st, 0);
	r.service = sql_column_text(st, 1);
	r.agency = sql_column_text(st, 2);
	r.status = (enum report_status)sql_column_int(st, 3);
	r.has_point = !sql_column_is_null(st, 4) &&
	    !sql_column_is_null(st, 5);
	r.lat = sql_column_double(st, 4);
	r.lon = sql_column_double(st, 5);
	r.address = sql_column_text(st, 6);
	r.description = sql_column_text(st, 7);
	r.requested = sql_column_int64(st, 8);
	r.updated = sql_column_int64(st, 9);
	r.register_due = col_time(st, 10);
	r.registered = col_time(st, 11);
	r.expected = col_time(st, 12);
	r.extended = sql_column_int(st, 13);
	r.answered = col_time(st, 14);
	r.answer = sql_column_text(st, 15);
	r.fixed = col_opt(st, 16);
	r.reopened = sql_column_int(st, 17);
	r.forwarded_from = sql_column_text(st, 18);
	r.reject_reason = col_opt(st, 19);
	return t->fn(&r, t->arg);
}

int
store_opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg)
{
	struct reports_to t = { fn, arg };

	return ss_rows(s, ST(RT_REPORTS),
	    "reading reports", report_row, &t);
}

int
store_ratings_low_memory(struct store *s)
{
	/* SQLite's page cache; PostgreSQL's server keeps its own. */
	if (sql_conn_engine(s->conn) != SQL_SQLITE)
		return 0;
	if (sql_exec(s->conn, "PRAGMA mmap_size = 0; PRAGMA cache_size = "
	    VECHE_STR(VECHE_DUMP_CACHE_KIB_NEG)) == -1) {
		ss_set_err(s, "pragma");
		return -1;
	}
	return 0;
}

int
store_agency_head_put(struct store *s, const struct agency_head *h)
{
	struct sql_stmt *st;

	if ((st = ST(RT_HEAD_PUT)) == NULL)
		return -1;
	sql_bind_text(st, 1, h->agency);
	sql_bind_text(st, 2, h->parent);
	sql_bind_text(st, 3, h->name[LANG_RU]);
	sql_bind_text(st, 4, h->name[LANG_EN]);
	sql_bind_text(st, 5, h->title[LANG_RU]);
	sql_bind_text(st, 6, h->title[LANG_EN]);
	return ss_done(s, st, "writing an agency's head");
}

struct head_to {
	int (*fn)(const struct agency_head *, void *);
	void *arg;
};

static int
head_row(struct sql_stmt *st, void *arg)
{
	const struct head_to *t = arg;
	struct agency_head h;

	memset(&h, 0, sizeof(h));
	h.agency = sql_column_text(st, 0);
	h.parent = sql_column_text(st, 1);
	h.name[LANG_RU] = sql_column_text(st, 2);
	h.name[LANG_EN] = sql_column_text(st, 3);
	h.title[LANG_RU] = sql_column_text(st, 4);
	h.title[LANG_EN] = sql_column_text(st, 5);
	return t->fn(&h, t->arg);
}

int
store_agency_head_get(struct store *s, const char *agency,
    int (*fn)(const struct agency_head *, void *), void *arg)
{
	struct sql_stmt *st = ST(RT_HEAD_GET);
	struct head_to t = { fn, arg };

	if (st != NULL)
		sql_bind_text(st, 1, agency);
	return ss_row(s, st, "reading an agency's head", head_row, &t);
}

int
store_agency_children_each(struct store *s, const char *parent,
    int (*fn)(const struct agency_head *, void *), void *arg)
{
	struct sql_stmt *st = ST(RT_CHILDREN);
	struct head_to t = { fn, arg };

	if (st != NULL)
		sql_bind_text(st, 1, parent);
	return ss_rows(s, st, "reading the agencies under one", head_row, &t);
}

/* Kept months (migration 4). */

/* What month_row hands its rows to, and whether the month was there. */
struct kept_to {
	int (*fn)(const struct ratings_kept_row *, void *);
	void *arg;
	struct store *s;
	int found;
};

/* Blob column i as n seconds in *v (malloc'd, NULL when empty). */
static int
col_secs(struct store *s, struct sql_stmt *st, int i, int64_t **v, size_t *n)
{
	const unsigned char *b = sql_column_blob(st, i);
	size_t len = (size_t)sql_column_bytes(st, i), j, k;
	uint64_t u;

	*v = NULL;
	*n = len / 8;
	if (len % 8 != 0) {
		snprintf(s->err, sizeof(s->err), "a kept month's durations: "
		    "%zu bytes, not a multiple of 8", len);
		return -1;
	}
	if (*n == 0)
		return 0;
	if ((*v = malloc(*n * sizeof(**v))) == NULL) {
		snprintf(s->err, sizeof(s->err), "a kept month: out of memory");
		return -1;
	}
	for (j = 0; j < *n; j++) {
		for (u = 0, k = 0; k < 8; k++)
			u |= (uint64_t)b[j * 8 + k] << (8 * k);
		(*v)[j] = (int64_t)u;
	}
	return 0;
}

static int
month_row(struct sql_stmt *st, void *arg)
{
	struct kept_to *t = arg;
	struct ratings_kept_row r;
	int64_t *answer = NULL, *close = NULL;
	int i, rc = -1;

	t->found = 1;
	if (sql_column_is_null(st, 0))
		return 0;               /* a month without stays */
	memset(&r, 0, sizeof(r));
	r.agency = sql_column_text(st, 0);
	for (i = 0; i < SRC__MAX; i++)
		r.count[i] = sql_column_int64(st, 1 + i);
	if (col_secs(t->s, st, 1 + SRC__MAX, &answer, &r.nanswer) == 0 &&
	    col_secs(t->s, st, 2 + SRC__MAX, &close, &r.nclose) == 0) {
		r.answer = answer;
		r.close = close;
		rc = t->fn(&r, t->arg);
	}
	free(answer);
	free(close);
	return rc;
}

int
store_ratings_month_get(struct store *s, int64_t from, int64_t to,
    int64_t now, int (*fn)(const struct ratings_kept_row *, void *),
    void *arg)
{
	struct sql_stmt *st = ST(RT_MONTH_GET);
	struct kept_to t = { fn, arg, s, 0 };
	int rc;

	if (st != NULL) {
		sql_bind_int64(st, 1, from);
		sql_bind_int64(st, 2, to);
		sql_bind_int64(st, 3, now);
	}
	rc = ss_rows(s, st, "reading a kept month", month_row, &t);
	return rc != 0 ? rc : t.found ? 0 : 1;
}

/* Make sure month k has a row (its gen to compare); 0 or -1. */
static int
month_open(struct store *s, const struct ratings_kept_month *k)
{
	struct sql_stmt *st;
	int own, rc = -1;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	if ((st = ST(RT_MONTH_OPEN)) != NULL) {
		sql_bind_int64(st, 1, k->from);
		sql_bind_int64(st, 2, k->to);
		rc = ss_done(s, st, "opening a kept month");
	}
	return ss_tx_finish(s, own, rc);
}

int
store_ratings_month_read(struct store *s, struct ratings_kept_month *k,
    int (*fn)(const struct opendata_event *, void *), void *arg)
{
	struct sql_stmt *st;
	int rc;

	/*
	 * Inside the caller's transaction, or where the month cannot be
	 * written (a read-only database), the month is read, not kept.
	 */
	k->gen = -1;
	if (sql_in_transaction(s->conn) || month_open(s, k) == -1)
		return store_ratings_stays_each(s, k->from, k->to, fn, arg);
	/*
	 * One snapshot: the gen and the stays it stands for (SQLite: a
	 * deferred read transaction; PostgreSQL: repeatable read, not one
	 * snapshot per statement).
	 */
	if (sql_exec(s->conn, sql_conn_engine(s->conn) == SQL_SQLITE ?
	    "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ") == -1) {
		ss_set_err(s, "begin");
		return -1;
	}
	if ((st = ST(RT_MONTH_GEN)) != NULL) {
		sql_bind_int64(st, 1, k->from);
		sql_bind_int64(st, 2, k->to);
	}
	if ((rc = ss_row(s, st, "reading a kept month's generation",
	    ss_int64_row, &k->gen)) == 1)
		k->gen = -1;            /* cleared meanwhile: read, not kept */
	if (rc != -1)
		rc = store_ratings_stays_each(s, k->from, k->to, fn, arg);
	if (rc == 0 && sql_commit(s->conn) == -1) {
		ss_set_err(s, "ending a read");
		sql_rollback(s->conn);
		rc = -1;
	} else if (rc != 0)
		sql_rollback(s->conn);
	return rc;
}

/*
 * Bind v[0..n-1] as 8-byte little-endian seconds: 0, or -1.  The bytes
 * are *b's (malloc'd, NULL when n is 0), which the caller frees after
 * stepping: the layer binds them without a copy.
 */
static int
bind_secs(struct store *s, struct sql_stmt *st, int i, const int64_t *v,
    size_t n, unsigned char **b)
{
	uint64_t u;
	size_t j, k;

	*b = NULL;
	if (n == 0)
		return sql_bind_blob(st, i, "", 0);
	if (n > (size_t)INT32_MAX / 8 || (*b = malloc(n * 8)) == NULL) {
		snprintf(s->err, sizeof(s->err), "keeping a month: out of "
		    "memory");
		return -1;
	}
	for (j = 0; j < n; j++)
		for (u = (uint64_t)v[j], k = 0; k < 8; k++)
			(*b)[j * 8 + k] = (unsigned char)(u >> (8 * k));
	return sql_bind_blob(st, i, *b, n * 8);
}

/* Write the rows of month k (its row already claimed); 0 or -1. */
static int
month_rows(struct store *s, const struct ratings_kept_month *k,
    const struct ratings_kept_row *rows, size_t n)
{
	struct sql_stmt *st;
	unsigned char *answer, *close;
	size_t i;
	int j, rc;

	if ((st = ST(RT_MONTH_CLEAR)) == NULL)
		return -1;
	sql_bind_int64(st, 1, k->from);
	if (ss_done(s, st, "clearing a kept month") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((st = ST(RT_MONTH_ROW)) == NULL)
			return -1;
		sql_bind_int64(st, 1, k->from);
		sql_bind_text(st, 2, rows[i].agency);
		for (j = 0; j < SRC__MAX; j++)
			sql_bind_int64(st, 3 + j, rows[i].count[j]);
		close = NULL;
		if (bind_secs(s, st, 3 + SRC__MAX, rows[i].answer,
		    rows[i].nanswer, &answer) == -1 || bind_secs(s, st,
		    4 + SRC__MAX, rows[i].close, rows[i].nclose,
		    &close) == -1) {
			sql_reset(st);
			sql_clear(st);
			free(answer);
			free(close);
			return -1;
		}
		rc = ss_done(s, st, "keeping a month");
		free(answer);
		free(close);
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
store_ratings_month_keep(struct store *s, const struct ratings_kept_month *k,
    const struct ratings_kept_row *rows, size_t n)
{
	struct sql_stmt *st;
	int own, rc = -1;

	if (k->gen < 0)
		return 1;
	if (ss_tx_begin(s, &own) == -1)
		return -1;
	if ((st = ST(RT_MONTH_KEEP)) != NULL) {
		sql_bind_int64(st, 1, k->from);
		sql_bind_int64(st, 2, k->to);
		sql_bind_int64(st, 3, k->gen);
		sql_bind_int64(st, 4, k->computed);
		sql_bind_int64(st, 5, k->valid_until);
		/* A write since the read bumped gen: it is stale (1). */
		rc = ss_changed(s, st, "keeping a month");
	}
	if (rc == 0)
		rc = month_rows(s, k, rows, n);
	return ss_tx_finish(s, own, rc);
}
