/*
 * sqlite_incidents.c: incidents (store_incidents.h).  A post belongs to one
 * incident at most: incident_posts' primary key is the post, so a second
 * incident of the same post fails inside its transaction even when two
 * staff members press the button at once.
 */
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_incidents.h"

static const char *const incidents_migrations[] = {
	/* 1: incidents and their posts. */
	"CREATE TABLE incidents(id INTEGER PRIMARY KEY,"
	" report INTEGER NOT NULL UNIQUE REFERENCES reports(id)"
	" ON DELETE CASCADE, post INTEGER NOT NULL, source_url TEXT,"
	" external_id TEXT NOT NULL, author TEXT, network TEXT NOT NULL,"
	" agency TEXT, report_url TEXT NOT NULL, posted INTEGER NOT NULL,"
	" created INTEGER NOT NULL, due INTEGER NOT NULL,"
	" first_answer INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX incidents_open ON incidents(first_answer, due);"
	"CREATE INDEX incidents_created ON incidents(created);"
	"CREATE TABLE incident_posts(post INTEGER PRIMARY KEY,"
	" incident INTEGER NOT NULL REFERENCES incidents(id)"
	" ON DELETE CASCADE);",
};

const struct migration_set store_incidents_schema = {
	"incidents", incidents_migrations,
	sizeof(incidents_migrations) / sizeof(incidents_migrations[0])
};

enum {
	Q_INSERT, Q_LINK, Q_OF_POST, Q_BY_REPORT, Q_ANSWERED, Q_OPEN, Q_EACH,
	Q_GROUP,
	Q__MAX
};

#define COLUMNS "i.id, i.report, i.post, i.source_url, i.external_id," \
	" i.author, i.network, i.agency, i.report_url, i.posted, i.created," \
	" i.due, i.first_answer, (SELECT count(*) FROM incident_posts p" \
	" WHERE p.incident = i.id), r.status"
#define FROM " FROM incidents i JOIN reports r ON r.id = i.report"

static const char *const sql[Q__MAX] = {
	[Q_INSERT] = "INSERT INTO incidents(report, post, source_url,"
	    " external_id, author, network, agency, report_url, posted,"
	    " created, due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11)",
	[Q_LINK] = "INSERT INTO incident_posts(post, incident) VALUES (?1, ?2)",
	[Q_OF_POST] = "SELECT i.report FROM incident_posts p JOIN incidents i"
	    " ON i.id = p.incident WHERE p.post = ?1",
	[Q_BY_REPORT] = "SELECT " COLUMNS FROM " WHERE i.report = ?1",
	[Q_ANSWERED] = "UPDATE incidents SET first_answer = ?2"
	    " WHERE report = ?1 AND first_answer = 0",
	[Q_OPEN] = "SELECT " COLUMNS FROM " WHERE i.first_answer = 0"
	    " ORDER BY i.due, i.id LIMIT ?1",
	[Q_EACH] = "SELECT " COLUMNS FROM " WHERE (?1 = 0 AND ?2 = 0)"
	    " OR i.created BETWEEN ?1 AND ?2 ORDER BY i.id",
	[Q_GROUP] = "SELECT id FROM posts WHERE grp = ?1 ORDER BY id",
};

const struct stmt_table store_incidents_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_INCIDENTS, (i))

int
store_incident_insert(struct store *s, const struct incident *in,
    const int64_t *posts, size_t n, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_INSERT);
	size_t i;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, in->report);
	sqlite3_bind_int64(st, 2, in->post);
	sq_bind_text(st, 3, in->source_url);
	sq_bind_text(st, 4, in->external_id);
	sq_bind_text(st, 5, in->author);
	sq_bind_text(st, 6, in->network);
	sq_bind_text(st, 7, in->agency);
	sq_bind_text(st, 8, in->report_url);
	sqlite3_bind_int64(st, 9, in->posted);
	sqlite3_bind_int64(st, 10, in->created);
	sqlite3_bind_int64(st, 11, in->due);
	if (sq_step_done(s, st, "storing an incident") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < n; i++) {
		if ((st = ST(Q_LINK)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, posts[i]);
		sqlite3_bind_int64(st, 2, *id);
		if (sq_step_done(s, st, "linking a post to an incident") == -1)
			return -1;
	}
	return 0;
}

int
store_incident_of_post(struct store *s, int64_t post, int64_t *report)
{
	sqlite3_stmt *st = ST(Q_OF_POST);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, post);
	return sq_row(s, st, "reading a post's incident", sq_int64_row, report);
}

struct rows {
	int (*fn)(const struct incident *, void *);
	void *arg;
};

static int
row(sqlite3_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct incident in;

	memset(&in, 0, sizeof(in));
	in.id = sqlite3_column_int64(st, 0);
	in.report = sqlite3_column_int64(st, 1);
	in.post = sqlite3_column_int64(st, 2);
	in.source_url = sq_col_text(st, 3);
	in.external_id = sq_col_text(st, 4);
	in.author = sq_col_text(st, 5);
	in.network = sq_col_text(st, 6);
	in.agency = sq_col_text(st, 7);
	in.report_url = sq_col_text(st, 8);
	in.posted = sqlite3_column_int64(st, 9);
	in.created = sqlite3_column_int64(st, 10);
	in.due = sqlite3_column_int64(st, 11);
	in.first_answer = sqlite3_column_int64(st, 12);
	in.nposts = sqlite3_column_int64(st, 13);
	in.report_status = sqlite3_column_int(st, 14);
	return r->fn(&in, r->arg);
}

int
store_incident_by_report(struct store *s, int64_t report,
    int (*fn)(const struct incident *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_BY_REPORT);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, report);
	return sq_row(s, st, "reading an incident", row, &r);
}

int
store_incident_answered(struct store *s, int64_t report, int64_t at)
{
	sqlite3_stmt *st = ST(Q_ANSWERED);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, at);
	if (sq_step_done(s, st, "recording an incident's answer") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_incident_open_each(struct store *s, size_t limit,
    int (*fn)(const struct incident *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_OPEN);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
	return sq_rows(s, st, "reading open incidents", row, &r);
}

int
store_incident_each(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct incident *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_EACH);

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, to);
	}
	return sq_rows(s, st, "reading incidents", row, &r);
}

struct group {
	int64_t *ids;
	size_t max, n;
};

static int
group_row(sqlite3_stmt *st, void *arg)
{
	struct group *g = arg;

	if (g->n >= g->max)
		return 0;
	g->ids[g->n++] = sqlite3_column_int64(st, 0);
	return 0;
}

int
store_incident_group_posts(struct store *s, int64_t grp, int64_t *ids,
    size_t max, size_t *n)
{
	struct group g = { ids, max, 0 };
	sqlite3_stmt *st = ST(Q_GROUP);
	int rc;

	if (st != NULL)
		sqlite3_bind_int64(st, 1, grp);
	rc = sq_rows(s, st, "reading a near-copy group", group_row, &g);
	*n = g.n;
	return rc;
}
