/*
 * sqlite_workflow.c: the workflow module of the SQLite backend (see
 * sqlite_internal.h and store_workflow.h): the workflow columns of
 * reports, the action behind each public update, and the audit log.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store_workflow.h"

static const char *const workflow_migrations[] = {
	/* 1: workflow columns of reports, update actions, the audit log. */
	"ALTER TABLE reports ADD COLUMN registered INTEGER;"
	"ALTER TABLE reports ADD COLUMN forward_due INTEGER;"
	"ALTER TABLE reports ADD COLUMN answered INTEGER;"
	"ALTER TABLE reports ADD COLUMN answer TEXT;"
	"ALTER TABLE reports ADD COLUMN reject_reason INTEGER;"
	"ALTER TABLE reports ADD COLUMN forwarded_from TEXT;"
	"ALTER TABLE reports ADD COLUMN forward_reason TEXT;"
	"ALTER TABLE reports ADD COLUMN extension_reason TEXT;"
	"ALTER TABLE reports ADD COLUMN extended INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE reports ADD COLUMN fixed INTEGER;"
	"ALTER TABLE reports ADD COLUMN reporter_user INTEGER;"
	"ALTER TABLE reports ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX reports_due ON reports(CASE WHEN status = 0 THEN"
	" register_due WHEN status IN (1, 2) THEN expected END);"
	"CREATE INDEX reports_reporter ON reports(reporter_user);"
	"CREATE TABLE workflow_updates(update_id INTEGER PRIMARY KEY"
	" REFERENCES report_updates(id) ON DELETE CASCADE,"
	" report INTEGER NOT NULL, action INTEGER NOT NULL, agency TEXT,"
	" due INTEGER, external_id TEXT, UNIQUE(report, external_id));"
	"CREATE TABLE audit_log(id INTEGER PRIMARY KEY,"
	" created INTEGER NOT NULL, actor_role TEXT NOT NULL,"
	" actor_id INTEGER NOT NULL, actor_name TEXT NOT NULL,"
	" action TEXT NOT NULL, object TEXT NOT NULL, before TEXT NOT NULL,"
	" after TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);",
	/* 2: the HTTP request that caused an entry ('' for none). */
	"ALTER TABLE audit_log ADD COLUMN request_id TEXT NOT NULL"
	" DEFAULT '';",
	/*
	 * 3 (reopen): the parts of each public note, so that a page says
	 * it in its own language (own: the actor's words, '' for none; NULL
	 * for updates written before), and the earlier report a new one
	 * follows up ("not fixed" after the reopening window).
	 */
	"ALTER TABLE workflow_updates ADD COLUMN own TEXT;"
	"ALTER TABLE workflow_updates ADD COLUMN detail INTEGER;"
	"ALTER TABLE reports ADD COLUMN related INTEGER;"
	"CREATE INDEX reports_related ON reports(related)"
	" WHERE related IS NOT NULL;",
};

const struct migration_set store_workflow_schema = {
	"workflow", workflow_migrations,
	sizeof(workflow_migrations) / sizeof(workflow_migrations[0]),
};

/* The columns a workflow record reads, in struct wf_record's order. */
#define WF_COLUMNS \
	"id, token, agency, status, status_notes, requested, updated, " \
	"register_due, registered, forward_due, expected, answered, answer, " \
	"reject_reason, forwarded_from, forward_reason, extension_reason, " \
	"extended, fixed, reporter_user, reopened, related"

/* The running deadline of an open report (NULL once closed or answered). */
#define WF_DUE "(CASE WHEN status = 0 THEN register_due WHEN status IN " \
	"(1, 2) THEN expected END)"

enum {
	W_GET,
	W_UPDATE,
	W_UPDATE_INSERT,
	W_ACTION_INSERT,
	W_EXTERNAL,
	W_SET_RELATED,
	W_FOLLOWUPS,
	W_HISTORY,
	W_DUE,
	W_QUEUE,
	W_AUDIT_LAST,
	W_AUDIT_INSERT,
	W_AUDIT_EACH,
	W__MAX
};

static const char *const sql[W__MAX] = {
	[W_GET] = "SELECT " WF_COLUMNS " FROM reports WHERE id = ?",
	[W_UPDATE] = "UPDATE reports SET agency = ?, status = ?, "
	    "status_notes = ?, updated = ?, register_due = ?, registered = ?, "
	    "forward_due = ?, expected = ?, answered = ?, answer = ?, "
	    "reject_reason = ?, forwarded_from = ?, forward_reason = ?, "
	    "extension_reason = ?, extended = ?, fixed = ?, reopened = ? "
	    "WHERE id = ?",
	[W_UPDATE_INSERT] = "INSERT INTO report_updates(report, status, "
	    "description, media_url, created) VALUES (?, ?, ?, NULL, ?)",
	[W_ACTION_INSERT] = "INSERT INTO workflow_updates(update_id, report, "
	    "action, agency, due, external_id, own, detail) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[W_EXTERNAL] = "SELECT update_id FROM workflow_updates "
	    "WHERE report = ? AND external_id = ?",
	[W_SET_RELATED] = "UPDATE reports SET related = ? WHERE id = ?",
	[W_FOLLOWUPS] = "SELECT id FROM reports WHERE related = ? "
	    "ORDER BY id LIMIT ?",
	[W_HISTORY] = "SELECT u.id, u.status, coalesce(w.action, -1), "
	    "u.description, w.agency, w.due, u.created, w.own, "
	    "coalesce(w.detail, 0) FROM report_updates u "
	    "LEFT JOIN workflow_updates w ON w.update_id = u.id "
	    "WHERE u.report = ? ORDER BY u.created, u.id LIMIT ?",
	[W_DUE] = "SELECT " WF_COLUMNS " FROM reports WHERE " WF_DUE " < ?2 "
	    "AND (?1 IS NULL OR agency = ?1) ORDER BY " WF_DUE ", id LIMIT ?3",
	[W_QUEUE] = "SELECT " WF_COLUMNS ", service FROM reports "
	    "WHERE status IN (0, 1, 2) AND ((?2 >> status) & 1) = 1 "
	    "AND (?1 IS NULL OR instr(?1, ',' || agency || ',') > 0) "
	    "AND (?3 IS NULL OR service = ?3) AND " WF_DUE " < ?4 "
	    "ORDER BY (status = 2 AND reopened > 0) DESC, " WF_DUE ", id "
	    "LIMIT ?5 OFFSET ?6",
	[W_AUDIT_LAST] = "SELECT id, hash FROM audit_log ORDER BY id DESC "
	    "LIMIT 1",
	[W_AUDIT_INSERT] = "INSERT INTO audit_log(id, created, actor_role, "
	    "actor_id, actor_name, action, object, before, after, prev, hash, "
	    "request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[W_AUDIT_EACH] = "SELECT id, created, actor_role, actor_id, "
	    "actor_name, action, object, before, after, prev, hash, "
	    "request_id FROM audit_log ORDER BY id",
};

const struct stmt_table store_workflow_stmts = { sql, W__MAX };

/* Bind a time, 0 as NULL. */
static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

/* Bind a small int, -1 as NULL. */
static void
bind_opt(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

static int
col_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, i);
}

static void
record_from_row(sqlite3_stmt *st, struct wf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->token = sq_col_text(st, 1);
	r->agency = sq_col_text(st, 2);
	r->status = (enum report_status)sqlite3_column_int(st, 3);
	r->status_notes = sq_col_text(st, 4);
	r->requested = sqlite3_column_int64(st, 5);
	r->updated = sqlite3_column_int64(st, 6);
	r->register_due = sqlite3_column_int64(st, 7);
	r->registered = sqlite3_column_int64(st, 8);
	r->forward_due = sqlite3_column_int64(st, 9);
	r->expected = sqlite3_column_int64(st, 10);
	r->answered = sqlite3_column_int64(st, 11);
	r->answer = sq_col_text(st, 12);
	r->reject_reason = col_opt(st, 13);
	r->forwarded_from = sq_col_text(st, 14);
	r->forward_reason = sq_col_text(st, 15);
	r->extension_reason = sq_col_text(st, 16);
	r->extended = sqlite3_column_int(st, 17);
	r->fixed = col_opt(st, 18);
	r->reporter_user = sqlite3_column_int64(st, 19);
	r->reopened = sqlite3_column_int(st, 20);
	r->related = sqlite3_column_int64(st, 21);
	if (sqlite3_column_count(st) > 22)
		r->service_code = sq_col_text(st, 22);
}

/* What record_row hands a record to. */
struct record_rows {
	int (*fn)(const struct wf_record *, void *);
	void *arg;
};

static int
record_row(sqlite3_stmt *st, void *arg)
{
	const struct record_rows *e = arg;
	struct wf_record r;

	record_from_row(st, &r);
	return e->fn(&r, e->arg);
}

/* Step st, handing each record to fn; 1 when single and no row. */
static int
records_from(struct store *s, sqlite3_stmt *st, int single,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	struct record_rows e = { fn, arg };

	return (single ? sq_row : sq_rows)(s, st, "reading report workflow",
	    record_row, &e);
}

int
store_wf_get(struct store *s, int64_t id,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return records_from(s, st, 1, fn, arg);
}

static int
apply(struct store *s, const struct wf_record *r, const struct wf_update *u,
    int64_t now, int64_t *update_id)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_UPDATE)) == NULL)
		return -1;
	sq_bind_text(st, 1, r->agency);
	sqlite3_bind_int(st, 2, (int)r->status);
	sq_bind_text(st, 3, r->status_notes);
	sqlite3_bind_int64(st, 4, now);
	bind_time(st, 5, r->register_due);
	bind_time(st, 6, r->registered);
	bind_time(st, 7, r->forward_due);
	bind_time(st, 8, r->expected);
	bind_time(st, 9, r->answered);
	sq_bind_text(st, 10, r->answer);
	bind_opt(st, 11, r->reject_reason);
	sq_bind_text(st, 12, r->forwarded_from);
	sq_bind_text(st, 13, r->forward_reason);
	sq_bind_text(st, 14, r->extension_reason);
	sqlite3_bind_int(st, 15, r->extended);
	bind_opt(st, 16, r->fixed);
	sqlite3_bind_int(st, 17, r->reopened);
	sqlite3_bind_int64(st, 18, r->id);
	if (sq_step_done(s, st, "changing report") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		snprintf(s->err, sizeof(s->err), "no report %lld",
		    (long long)r->id);
		return -1;
	}
	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_UPDATE_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int(st, 2, (int)r->status);
	sq_bind_text(st, 3, u->note);
	sqlite3_bind_int64(st, 4, now);
	if (sq_step_done(s, st, "recording report history") == -1)
		return -1;
	*update_id = sqlite3_last_insert_rowid(s->db);
	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_ACTION_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *update_id);
	sqlite3_bind_int64(st, 2, r->id);
	sqlite3_bind_int(st, 3, u->action);
	sq_bind_text(st, 4, u->agency);
	bind_time(st, 5, u->due);
	sq_bind_text(st, 6, u->external_id);
	sq_bind_text(st, 7, u->own != NULL ? u->own : "");
	sqlite3_bind_int(st, 8, u->detail);
	return sq_step_done(s, st, "recording the update's action");
}

int
store_wf_apply(struct store *s, const struct wf_record *r, const struct wf_update *u,
    int64_t now, int64_t *update_id)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, apply(s, r, u, now, update_id) == 0);
}

int
store_wf_external(struct store *s, int64_t report, const char *external_id,
    int64_t *update_id)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_WORKFLOW, W_EXTERNAL);

	sqlite3_bind_int64(st, 1, report);
	sq_bind_text(st, 2, external_id);
	return sq_row(s, st, "reading update ids", sq_int64_row, update_id);
}

/* UPDATE reports SET <column of statement w> = value WHERE id = report. */
static int
set_link(struct store *s, int w, int64_t report, int64_t value,
    const char *what)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, w)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, value);
	sqlite3_bind_int64(st, 2, report);
	return sq_step_done(s, st, what);
}

int
store_wf_set_related(struct store *s, int64_t report, int64_t related)
{
	return set_link(s, W_SET_RELATED, report, related, "linking the "
	    "related report");
}

/* What followup_row hands an id to. */
struct followup_rows {
	int (*fn)(int64_t, void *);
	void *arg;
};

static int
followup_row(sqlite3_stmt *st, void *arg)
{
	const struct followup_rows *f = arg;

	return f->fn(sqlite3_column_int64(st, 0), f->arg);
}

int
store_wf_followups(struct store *s, int64_t report, size_t limit,
    int (*fn)(int64_t, void *), void *arg)
{
	struct followup_rows f = { fn, arg };
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_FOLLOWUPS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	return sq_rows(s, st, "reading follow-up reports", followup_row, &f);
}

/* What history_row hands a history entry to. */
struct history_rows {
	int (*fn)(const struct wf_history *, void *);
	void *arg;
};

static int
history_row(sqlite3_stmt *st, void *arg)
{
	const struct history_rows *e = arg;
	struct wf_history h;

	h.update_id = sqlite3_column_int64(st, 0);
	h.status = (enum report_status)sqlite3_column_int(st, 1);
	h.action = sqlite3_column_int(st, 2);
	h.description = sq_col_text(st, 3);
	h.agency = sq_col_text(st, 4);
	h.due = sqlite3_column_int64(st, 5);
	h.created = sqlite3_column_int64(st, 6);
	h.own = sq_col_text(st, 7);
	h.detail = sqlite3_column_int(st, 8);
	return e->fn(&h, e->arg);
}

int
store_wf_history(struct store *s, int64_t report, size_t limit,
    int (*fn)(const struct wf_history *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_WORKFLOW, W_HISTORY);
	struct history_rows e = { fn, arg };

	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	return sq_rows(s, st, "reading report history", history_row, &e);
}

int
store_wf_due(struct store *s, const char *agency, int64_t before,
    size_t limit, int (*fn)(const struct wf_record *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_DUE)) == NULL)
		return -1;
	sq_bind_text(st, 1, agency);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	return records_from(s, st, 0, fn, arg);
}

int
store_wf_queue(struct store *s, const struct wf_queue *q,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	char list[ACTOR_MAX_AGENCIES * (VECHE_MAX_CODE + 1) + 2];
	size_t i, used = 1;
	sqlite3_stmt *st;

	/* ",a,b,": codes never hold a comma, and the SQL stays fixed. */
	list[0] = ',';
	list[1] = '\0';
	for (i = 0; i < q->nagencies && i < ACTOR_MAX_AGENCIES; i++) {
		int n;

		if (strchr(q->agencies[i], ',') != NULL)
			continue;
		n = snprintf(list + used, sizeof(list) - used, "%s,",
		    q->agencies[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_QUEUE)) == NULL)
		return -1;
	if (q->all_agencies)
		sqlite3_bind_null(st, 1);
	else
		sq_bind_text(st, 1, list);
	sqlite3_bind_int64(st, 2, q->status_mask ? (sqlite3_int64)q->status_mask :
	    7);
	sq_bind_text(st, 3, q->service);
	sqlite3_bind_int64(st, 4, q->before ? q->before : INT64_MAX);
	sqlite3_bind_int64(st, 5, q->limit ? (sqlite3_int64)q->limit : -1);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)q->offset);
	return records_from(s, st, 0, fn, arg);
}

int
store_audit_last(struct store *s, int64_t *id, char *hash, size_t hashlen)
{
	struct sq_id_text o = { id, hash, hashlen };

	*id = 0;
	hash[0] = '\0';
	/* An empty log (no row) has id 0 and no hash. */
	return sq_row(s, sq_stmt(s, STORE_MOD_WORKFLOW, W_AUDIT_LAST),
	    "reading the audit log", sq_id_text_row, &o) == -1 ? -1 : 0;
}

int
store_audit_insert(struct store *s, const struct store_audit *e)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_WORKFLOW, W_AUDIT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->created);
	sq_bind_text(st, 3, e->actor_role);
	sqlite3_bind_int64(st, 4, e->actor_id);
	sq_bind_text(st, 5, e->actor_name);
	sq_bind_text(st, 6, e->action);
	sq_bind_text(st, 7, e->object);
	sq_bind_text(st, 8, e->before);
	sq_bind_text(st, 9, e->after);
	sq_bind_text(st, 10, e->prev);
	sq_bind_text(st, 11, e->hash);
	sq_bind_text(st, 12, e->request_id != NULL ? e->request_id : "");
	return sq_step_done(s, st, "writing the audit log");
}

/* A text column, "" for NULL (a hand-edited row may hold NULLs). */
static const char *
col_str(sqlite3_stmt *st, int i)
{
	const char *v = sq_col_text(st, i);

	return v != NULL ? v : "";
}

/* What audit_row hands an entry to. */
struct audit_rows {
	int (*fn)(const struct store_audit *, void *);
	void *arg;
};

static int
audit_row(sqlite3_stmt *st, void *arg)
{
	const struct audit_rows *a = arg;
	struct store_audit e;

	e.id = sqlite3_column_int64(st, 0);
	e.created = sqlite3_column_int64(st, 1);
	e.actor_role = col_str(st, 2);
	e.actor_id = sqlite3_column_int64(st, 3);
	e.actor_name = col_str(st, 4);
	e.action = col_str(st, 5);
	e.object = col_str(st, 6);
	e.before = col_str(st, 7);
	e.after = col_str(st, 8);
	e.prev = col_str(st, 9);
	e.hash = col_str(st, 10);
	e.request_id = col_str(st, 11);
	return a->fn(&e, a->arg);
}

int
store_audit_each(struct store *s,
    int (*fn)(const struct store_audit *, void *), void *arg)
{
	struct audit_rows a = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_WORKFLOW, W_AUDIT_EACH),
	    "reading the audit log", audit_row, &a);
}
