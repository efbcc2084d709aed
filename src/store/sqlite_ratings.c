/*
 * sqlite_ratings.c: the ratings and open data module of the SQLite backend
 * (see sqlite_internal.h and store_ratings.h): the deadlines in force after
 * each workflow action (table ratings_facts, kept by a trigger), and the
 * streams the ratings and the open data dump read.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store_ratings.h"

#define FWD VECHE_STR(STORE_RATINGS_FORWARD)

static const char *const ratings_migrations[] = {
	/*
	 * 1: ratings_facts and its trigger.  Actions recorded before this
	 * migration get the report's deadlines as they stand now, and the
	 * forwarding agency where the history still tells it (the previous
	 * forward's receiver, or forwarded_from for a report's last forward).
	 */
	"CREATE TABLE ratings_facts(update_id INTEGER PRIMARY KEY"
	" REFERENCES workflow_updates(update_id) ON DELETE CASCADE,"
	" from_agency TEXT, register_due INTEGER, expected INTEGER,"
	" fixed INTEGER);"
	"INSERT INTO ratings_facts(update_id, from_agency, register_due,"
	" expected, fixed) SELECT w.update_id, CASE WHEN w.action = " FWD
	" THEN coalesce((SELECT p.agency FROM workflow_updates p"
	" WHERE p.report = w.report AND p.action = " FWD " AND p.update_id <"
	" w.update_id ORDER BY p.update_id DESC LIMIT 1), CASE WHEN NOT"
	" EXISTS (SELECT 1 FROM workflow_updates l WHERE l.report = w.report"
	" AND l.action = " FWD " AND l.update_id > w.update_id) THEN"
	" r.forwarded_from END) END, r.register_due, r.expected, r.fixed"
	" FROM workflow_updates w JOIN reports r ON r.id = w.report;"
	"CREATE TRIGGER ratings_facts_put AFTER INSERT ON workflow_updates"
	" BEGIN INSERT OR REPLACE INTO ratings_facts(update_id, from_agency,"
	" register_due, expected, fixed) SELECT new.update_id, CASE WHEN"
	" new.action = " FWD " THEN forwarded_from END, register_due,"
	" expected, fixed FROM reports WHERE id = new.report; END;",
	/* 2: an agency's place in the hierarchy and its head (city file). */
	"CREATE TABLE agency_heads(agency TEXT PRIMARY KEY REFERENCES"
	" agencies(code) ON DELETE CASCADE, parent TEXT, name_ru TEXT,"
	" name_en TEXT, title_ru TEXT, title_en TEXT);"
	"CREATE INDEX agency_heads_parent ON agency_heads(parent);",
};

const struct migration_set store_ratings_schema = {
	"ratings", ratings_migrations,
	sizeof(ratings_migrations) / sizeof(ratings_migrations[0]),
};

enum {
	RT_HISTORY,
	RT_REPORTS,
	RT_HEAD_PUT,
	RT_HEAD_GET,
	RT_CHILDREN,
	RT__MAX
};

static const char *const sql[RT__MAX] = {
	[RT_HISTORY] = "SELECT r.id, r.requested, r.agency, u.id, u.created, "
	    "coalesce(u.status, r.status), coalesce(w.action, -1), w.agency, f.from_agency, "
	    "f.register_due, f.expected, f.fixed, u.description, "
	    "r.register_due, r.expected "
	    "FROM reports r LEFT JOIN report_updates u ON u.report = r.id "
	    "LEFT JOIN workflow_updates w ON w.update_id = u.id "
	    "LEFT JOIN ratings_facts f ON f.update_id = u.id "
	    "ORDER BY r.id, u.id",
	[RT_REPORTS] = "SELECT id, service, agency, status, lat, lon, "
	    "address, description, requested, updated, register_due, "
	    "registered, expected, extended, answered, answer, fixed, "
	    "reopened, forwarded_from, reject_reason FROM reports ORDER BY id",
	[RT_HEAD_PUT] = "INSERT INTO agency_heads(agency, parent, name_ru, "
	    "name_en, title_ru, title_en) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT(agency) DO UPDATE SET parent = excluded.parent, "
	    "name_ru = excluded.name_ru, name_en = excluded.name_en, "
	    "title_ru = excluded.title_ru, title_en = excluded.title_en",
	[RT_HEAD_GET] = "SELECT agency, parent, name_ru, name_en, title_ru, "
	    "title_en FROM agency_heads WHERE agency = ?",
	[RT_CHILDREN] = "SELECT agency, parent, name_ru, name_en, title_ru, "
	    "title_en FROM agency_heads WHERE parent = ? ORDER BY agency",
};

const struct stmt_table store_ratings_stmts = { sql, RT__MAX };

static int64_t
col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, i);
}

static int
col_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, i);
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
history_row(sqlite3_stmt *st, void *arg)
{
	const struct history_to *t = arg;
	struct opendata_event r;

	memset(&r, 0, sizeof(r));
	r.report_id = sqlite3_column_int64(st, 0);
	r.requested = sqlite3_column_int64(st, 1);
	r.agency = sq_col_text(st, 2);
	r.update_id = col_time(st, 3);
	r.created = col_time(st, 4);
	r.status = (enum report_status)sqlite3_column_int(st, 5);
	r.action = sqlite3_column_int(st, 6);
	r.to_agency = sq_col_text(st, 7);
	r.from_agency = sq_col_text(st, 8);
	r.register_due = col_time(st, 9);
	r.expected = col_time(st, 10);
	r.fixed = col_opt(st, 11);
	r.note = sq_col_text(st, 12);
	r.report_register_due = col_time(st, 13);
	r.report_expected = col_time(st, 14);
	return t->fn(&r, t->arg);
}

int
store_ratings_history_each(struct store *s,
    int (*fn)(const struct opendata_event *, void *), void *arg)
{
	struct history_to t = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_RATINGS, RT_HISTORY),
	    "reading report histories", history_row, &t);
}

static int
report_row(sqlite3_stmt *st, void *arg)
{
	const struct reports_to *t = arg;
	struct opendata_report r;

	memset(&r, 0, sizeof(r));
	r.id = sqlite3_column_int64(st, 0);
	r.service = sq_col_text(st, 1);
	r.agency = sq_col_text(st, 2);
	r.status = (enum report_status)sqlite3_column_int(st, 3);
	r.has_point = sqlite3_column_type(st, 4) != SQLITE_NULL &&
	    sqlite3_column_type(st, 5) != SQLITE_NULL;
	r.lat = sqlite3_column_double(st, 4);
	r.lon = sqlite3_column_double(st, 5);
	r.address = sq_col_text(st, 6);
	r.description = sq_col_text(st, 7);
	r.requested = sqlite3_column_int64(st, 8);
	r.updated = sqlite3_column_int64(st, 9);
	r.register_due = col_time(st, 10);
	r.registered = col_time(st, 11);
	r.expected = col_time(st, 12);
	r.extended = sqlite3_column_int(st, 13);
	r.answered = col_time(st, 14);
	r.answer = sq_col_text(st, 15);
	r.fixed = col_opt(st, 16);
	r.reopened = sqlite3_column_int(st, 17);
	r.forwarded_from = sq_col_text(st, 18);
	r.reject_reason = col_opt(st, 19);
	return t->fn(&r, t->arg);
}

int
store_opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg)
{
	struct reports_to t = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_RATINGS, RT_REPORTS),
	    "reading reports", report_row, &t);
}

int
store_ratings_low_memory(struct store *s)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, "PRAGMA mmap_size = 0; PRAGMA cache_size = "
	    VECHE_STR(VECHE_DUMP_CACHE_KIB_NEG), NULL, NULL, &msg) !=
	    SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "%s", msg ? msg : "pragma");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_agency_head_put(struct store *s, const struct agency_head *h)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_RATINGS, RT_HEAD_PUT)) == NULL)
		return -1;
	sq_bind_text(st, 1, h->agency);
	sq_bind_text(st, 2, h->parent);
	sq_bind_text(st, 3, h->name[LANG_RU]);
	sq_bind_text(st, 4, h->name[LANG_EN]);
	sq_bind_text(st, 5, h->title[LANG_RU]);
	sq_bind_text(st, 6, h->title[LANG_EN]);
	return sq_step_done(s, st, "writing an agency's head");
}

struct head_to {
	int (*fn)(const struct agency_head *, void *);
	void *arg;
};

static int
head_row(sqlite3_stmt *st, void *arg)
{
	const struct head_to *t = arg;
	struct agency_head h;

	memset(&h, 0, sizeof(h));
	h.agency = sq_col_text(st, 0);
	h.parent = sq_col_text(st, 1);
	h.name[LANG_RU] = sq_col_text(st, 2);
	h.name[LANG_EN] = sq_col_text(st, 3);
	h.title[LANG_RU] = sq_col_text(st, 4);
	h.title[LANG_EN] = sq_col_text(st, 5);
	return t->fn(&h, t->arg);
}

int
store_agency_head_get(struct store *s, const char *agency,
    int (*fn)(const struct agency_head *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_RATINGS, RT_HEAD_GET);
	struct head_to t = { fn, arg };

	if (st != NULL)
		sq_bind_text(st, 1, agency);
	return sq_row(s, st, "reading an agency's head", head_row, &t);
}

int
store_agency_children_each(struct store *s, const char *parent,
    int (*fn)(const struct agency_head *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_RATINGS, RT_CHILDREN);
	struct head_to t = { fn, arg };

	if (st != NULL)
		sq_bind_text(st, 1, parent);
	return sq_rows(s, st, "reading the agencies under one", head_row, &t);
}
