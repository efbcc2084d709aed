/*
 * sqlite_deadlines.c: the deadlines module of the SQLite backend (see
 * sqlite_internal.h and store_deadlines.h).
 *
 * Reads the core's reports table; owns deadline_notices, one row per
 * notice sent, keyed so that a notice is sent once per report, deadline,
 * due date and event.  A new due date (an extension) is a new deadline.
 */
#include <stdio.h>

#include "store/sqlite_internal.h"
#include "store/store_deadlines.h"

static const char *const steps[] = {
	/* 1: notices sent by the escalation scanner. */
	"CREATE TABLE deadline_notices(report INTEGER NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
	" due INTEGER NOT NULL, event TEXT NOT NULL, sent INTEGER NOT NULL,"
	" PRIMARY KEY(report, kind, due, event)) WITHOUT ROWID;"
	"CREATE INDEX deadline_notices_sent ON deadline_notices(sent);",
};

const struct migration_set store_deadlines_schema = {
	"deadlines", steps, sizeof(steps) / sizeof(steps[0]),
};

enum {
	SQ_OPEN,
	SQ_NOTICE_PUT,
	SQ_NOTICE_SENT,
	SQ_NOTICE_EACH,
	SQ__MAX
};

/*
 * The running deadline is the registration one while a report is submitted
 * and the answer one (reports.expected) once registered: the same CASE as
 * the workflow module's index reports_due, so that index serves the filter.
 *
 * An extended report (the workflow module moves reports.expected and sets
 * reports.extended = 1) is reported with its answer deadline as kind
 * "extended".  The forwarding deadline (reports.forward_due) is not
 * scanned: forwarding is the agency's own choice, not a duty to the
 * reporter, and it shows in the staff view instead.
 */
static const char *const sql[SQ__MAX] = {
	[SQ_OPEN] =
	    "SELECT id, status, agency, register_due, expected,"
	    " CASE WHEN extended THEN expected END AS extended_due"
	    " FROM reports WHERE status IN (?1, ?2, ?3)"
	    " AND (?4 IS NULL OR agency = ?4)"
	    " AND (?5 = 0 OR (CASE WHEN status = 0 THEN register_due"
	    " WHEN status IN (1, 2) THEN expected END) <= ?5)"
	    /* A deadline already notified as passed has nothing more to say. */
	    " AND NOT EXISTS (SELECT 1 FROM deadline_notices n"
	    " WHERE n.report = reports.id AND n.event = 'deadline.passed'"
	    " AND n.due = (CASE WHEN status = 0 THEN register_due"
	    " WHEN status IN (1, 2) THEN expected END))"
	    " AND id > ?6 ORDER BY id LIMIT ?7",
	[SQ_NOTICE_PUT] = "INSERT OR IGNORE INTO deadline_notices(report,"
	    " kind, due, event, sent) VALUES (?, ?, ?, ?, ?)",
	[SQ_NOTICE_SENT] = "SELECT 1 FROM deadline_notices WHERE report = ?"
	    " AND kind = ? AND due = ? AND event = ?",
	[SQ_NOTICE_EACH] = "SELECT report, kind, due, event, sent FROM"
	    " deadline_notices WHERE ?1 = 0 OR report = ?1"
	    " ORDER BY sent, report, due, kind, event",
};

const struct stmt_table store_deadlines_stmts = { sql, SQ__MAX };

/* What open_row hands a report to. */
struct open_rows {
	int (*fn)(const struct deadline_row *, void *);
	void *arg;
};

static int
open_row(sqlite3_stmt *st, void *arg)
{
	const struct open_rows *e = arg;
	struct deadline_row r;

	r.report_id = sqlite3_column_int64(st, 0);
	r.status = (enum report_status)sqlite3_column_int(st, 1);
	r.agency = sq_col_text(st, 2);
	r.register_due = sqlite3_column_int64(st, 3);
	r.answer_due = sqlite3_column_int64(st, 4);
	r.extended_due = sqlite3_column_int64(st, 5);
	return e->fn(&r, e->arg);
}

int
store_deadline_open_each(struct store *s, const char *agency,
    int64_t before, int64_t after_id, size_t limit,
    int (*fn)(const struct deadline_row *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_DEADLINES, SQ_OPEN);
	struct open_rows e = { fn, arg };

	sqlite3_bind_int(st, 1, STATUS_SUBMITTED);
	sqlite3_bind_int(st, 2, STATUS_REGISTERED);
	sqlite3_bind_int(st, 3, STATUS_IN_PROGRESS);
	sq_bind_text(st, 4, agency);
	sqlite3_bind_int64(st, 5, before);
	sqlite3_bind_int64(st, 6, after_id);
	sqlite3_bind_int64(st, 7, limit == 0 ? -1 : (sqlite3_int64)limit);
	return sq_rows(s, st, "reading open deadlines", open_row, &e);
}

int
store_deadline_notice_put(struct store *s, int64_t report, const char *kind,
    int64_t due, const char *event, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_DEADLINES, SQ_NOTICE_PUT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	sq_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, due);
	sq_bind_text(st, 4, event);
	sqlite3_bind_int64(st, 5, now);
	if (sq_step_done(s, st, "recording a deadline notice") == -1)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

int
store_deadline_notice_sent(struct store *s, int64_t report, const char *kind,
    int64_t due, const char *event)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_DEADLINES, SQ_NOTICE_SENT);
	int rc;

	sqlite3_bind_int64(st, 1, report);
	sq_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, due);
	sq_bind_text(st, 4, event);
	/* sq_row: 0 for a row (sent), 1 for none. */
	rc = sq_row(s, st, "reading deadline notices", NULL, NULL);
	return rc == -1 ? -1 : !rc;
}

/* What notice_row hands a notice to. */
struct notice_rows {
	int (*fn)(const struct deadline_notice *, void *);
	void *arg;
};

static int
notice_row(sqlite3_stmt *st, void *arg)
{
	const struct notice_rows *e = arg;
	struct deadline_notice n;

	n.report_id = sqlite3_column_int64(st, 0);
	n.kind = sq_col_text(st, 1);
	n.due = sqlite3_column_int64(st, 2);
	n.event = sq_col_text(st, 3);
	n.sent = sqlite3_column_int64(st, 4);
	return e->fn(&n, e->arg);
}

int
store_deadline_notice_each(struct store *s, int64_t report,
    int (*fn)(const struct deadline_notice *, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_DEADLINES, SQ_NOTICE_EACH);
	struct notice_rows e = { fn, arg };

	sqlite3_bind_int64(st, 1, report);
	return sq_rows(s, st, "reading deadline notices", notice_row, &e);
}
