/*
 * sqlite_deadlines.c: the deadlines module of the SQLite backend (see
 * sqlite_internal.h and store_deadlines.h).
 *
 * Reads the core's reports table; owns deadline_notices, one row per
 * notice sent, keyed so that a notice is sent once per report, deadline,
 * due date and event.  A new due date (an extension) is a new deadline.
 * On the statement layer (sql.h).
 */
#include "store/sql_store.h"
#include "store/store_deadlines.h"

static const char *const steps[] = {
	/* 1: notices sent by the escalation scanner. */
	"CREATE TABLE deadline_notices(report INTEGER NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
	" due INTEGER NOT NULL, event TEXT NOT NULL, sent INTEGER NOT NULL,"
	" PRIMARY KEY(report, kind, due, event)) WITHOUT ROWID;"
	"CREATE INDEX deadline_notices_sent ON deadline_notices(sent);",
	/*
	 * 2 (issue 16): when the fleet last scanned, read and written under
	 * the scanner's lease, so several processes scan once a period.
	 */
	"CREATE TABLE deadline_scans(name TEXT PRIMARY KEY,"
	" at INTEGER NOT NULL) WITHOUT ROWID;",
};

const struct migration_set store_deadlines_schema = {
	"deadlines", steps, sizeof(steps) / sizeof(steps[0]),
};

/* The same steps on PostgreSQL (reports is the core schema's). */
static const char *const steps_pg[] = {
	/* 1: notices sent by the escalation scanner. */
	"CREATE TABLE deadline_notices(report BIGINT NOT NULL REFERENCES"
	" reports(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
	" due BIGINT NOT NULL, event TEXT NOT NULL, sent BIGINT NOT NULL,"
	" PRIMARY KEY(report, kind, due, event));"
	"CREATE INDEX deadline_notices_sent ON deadline_notices(sent);",
	/* 2: the fleet's last scan. */
	"CREATE TABLE deadline_scans(name TEXT PRIMARY KEY,"
	" at BIGINT NOT NULL);",
};

const struct migration_set store_deadlines_schema_pg = {
	"deadlines", steps_pg, sizeof(steps_pg) / sizeof(steps_pg[0]),
};

enum {
	SQ_OPEN,
	SQ_OPEN_SINCE,
	SQ_NOTICE_PUT,
	SQ_NOTICE_SENT,
	SQ_NOTICE_EACH,
	SQ_SCAN_LAST,
	SQ_SCAN_MARK,
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
#define DUE_SQL "(CASE WHEN status = 0 THEN register_due" \
	" WHEN status IN (1, 2) THEN expected END)"
#define OPEN_SQL(among, limit) \
	"SELECT id, status, agency, register_due, expected," \
	" CASE WHEN extended <> 0 THEN expected END AS extended_due" \
	" FROM reports WHERE " among "status IN (?1, ?2, ?3)" \
	" AND (agency = ?4 OR ?4 IS NULL)" \
	" AND (" DUE_SQL " <= ?5 OR ?5 = 0)" \
	/* A deadline already notified as passed has nothing more to say. */ \
	" AND NOT EXISTS (SELECT 1 FROM deadline_notices n" \
	" WHERE n.report = reports.id AND n.event = 'deadline.passed'" \
	" AND n.due = " DUE_SQL ")" \
	" AND id > ?6 ORDER BY id LIMIT " limit
/*
 * Only the reports whose running deadline falls in one of three ranges
 * (?8, ?9], (?10, ?11], (?12, ?13], or that changed at or after ?14:
 * ranges of two indexes (reports_due, reports_updated), their ids in
 * order (struct deadline_since).
 */
#define SINCE_RANGE(a, b) \
	"SELECT id FROM reports WHERE " DUE_SQL " > " a " AND " DUE_SQL \
	" <= " b " UNION "
#define SINCE_SQL \
	"id IN (" SINCE_RANGE("?8", "?9") SINCE_RANGE("?10", "?11") \
	SINCE_RANGE("?12", "?13") "SELECT id FROM reports" \
	" WHERE updated >= ?14) AND "

/*
 * Parameters are compared with their columns first, so that PostgreSQL
 * types them (agency TEXT, the times BIGINT); a duplicate notice is a
 * conflict done nothing about, on both engines.
 */
static const char *const sql[SQ__MAX] = {
	[SQ_OPEN] = OPEN_SQL("", "?7"),
	[SQ_OPEN_SINCE] = OPEN_SQL(SINCE_SQL, "?7"),
	[SQ_NOTICE_PUT] = "INSERT INTO deadline_notices(report, kind, due,"
	    " event, sent) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[SQ_NOTICE_SENT] = "SELECT 1 FROM deadline_notices WHERE report = ?1"
	    " AND kind = ?2 AND due = ?3 AND event = ?4",
	[SQ_NOTICE_EACH] = "SELECT report, kind, due, event, sent FROM"
	    " deadline_notices WHERE report = ?1 OR ?1 = 0"
	    " ORDER BY sent, report, due, kind, event",
	[SQ_SCAN_LAST] = "SELECT at FROM deadline_scans WHERE name = ?1",
	[SQ_SCAN_MARK] = "INSERT INTO deadline_scans(name, at) VALUES (?1, ?2)"
	    " ON CONFLICT(name) DO UPDATE SET at = excluded.at",
};

const struct stmt_table store_deadlines_stmts = { sql, SQ__MAX };

/* PostgreSQL: no limit is LIMIT NULL, not LIMIT -1. */
static const char *const sql_pg[SQ__MAX] = {
	[SQ_OPEN] = OPEN_SQL("", "nullif(?7, -1)"),
	[SQ_OPEN_SINCE] = OPEN_SQL(SINCE_SQL, "nullif(?7, -1)"),
};

const struct stmt_table store_deadlines_stmts_pg = { sql_pg, SQ__MAX };

#define ST(i) ss_stmt(s, STORE_MOD_DEADLINES, (i))

/* What open_row hands a report to. */
struct open_rows {
	int (*fn)(const struct deadline_row *, void *);
	void *arg;
};

static int
open_row(struct sql_stmt *st, void *arg)
{
	const struct open_rows *e = arg;
	struct deadline_row r;

	r.report_id = sql_column_int64(st, 0);
	r.status = (enum report_status)sql_column_int(st, 1);
	r.agency = sql_column_text(st, 2);
	r.register_due = sql_column_int64(st, 3);
	r.answer_due = sql_column_int64(st, 4);
	r.extended_due = sql_column_int64(st, 5);
	return e->fn(&r, e->arg);
}

int
store_deadline_open_each(struct store *s, const char *agency,
    int64_t before, int64_t after_id, size_t limit,
    int (*fn)(const struct deadline_row *, void *), void *arg)
{
	return store_deadline_open_since(s, agency, NULL, before, after_id,
	    limit, fn, arg);
}

int
store_deadline_open_since(struct store *s, const char *agency,
    const struct deadline_since *since, int64_t before, int64_t after_id,
    size_t limit, int (*fn)(const struct deadline_row *, void *), void *arg)
{
	struct sql_stmt *st = ST(since != NULL ? SQ_OPEN_SINCE : SQ_OPEN);
	struct open_rows e = { fn, arg };
	int i;

	for (i = 0; since != NULL && i < DEADLINE_SINCE_RANGES; i++) {
		sql_bind_int64(st, 8 + 2 * i, since->from[i]);
		sql_bind_int64(st, 9 + 2 * i, since->to[i]);
	}
	if (since != NULL)
		sql_bind_int64(st, 14, since->changed);
	sql_bind_int(st, 1, STATUS_SUBMITTED);
	sql_bind_int(st, 2, STATUS_REGISTERED);
	sql_bind_int(st, 3, STATUS_IN_PROGRESS);
	sql_bind_text(st, 4, agency);
	sql_bind_int64(st, 5, before);
	sql_bind_int64(st, 6, after_id);
	sql_bind_int64(st, 7, limit == 0 ? -1 : (int64_t)limit);
	return ss_rows(s, st, "reading open deadlines", open_row, &e);
}

int
store_deadline_notice_put(struct store *s, int64_t report, const char *kind,
    int64_t due, const char *event, int64_t now)
{
	struct sql_stmt *st = ST(SQ_NOTICE_PUT);

	sql_bind_int64(st, 1, report);
	sql_bind_text(st, 2, kind);
	sql_bind_int64(st, 3, due);
	sql_bind_text(st, 4, event);
	sql_bind_int64(st, 5, now);
	return ss_changed(s, st, "recording a deadline notice");
}

int
store_deadline_notice_sent(struct store *s, int64_t report, const char *kind,
    int64_t due, const char *event)
{
	struct sql_stmt *st = ST(SQ_NOTICE_SENT);
	int rc;

	sql_bind_int64(st, 1, report);
	sql_bind_text(st, 2, kind);
	sql_bind_int64(st, 3, due);
	sql_bind_text(st, 4, event);
	/* ss_row: 0 for a row (sent), 1 for none. */
	rc = ss_row(s, st, "reading deadline notices", NULL, NULL);
	return rc == -1 ? -1 : !rc;
}

/* What notice_row hands a notice to. */
struct notice_rows {
	int (*fn)(const struct deadline_notice *, void *);
	void *arg;
};

static int
notice_row(struct sql_stmt *st, void *arg)
{
	const struct notice_rows *e = arg;
	struct deadline_notice n;

	n.report_id = sql_column_int64(st, 0);
	n.kind = sql_column_text(st, 1);
	n.due = sql_column_int64(st, 2);
	n.event = sql_column_text(st, 3);
	n.sent = sql_column_int64(st, 4);
	return e->fn(&n, e->arg);
}

int
store_deadline_notice_each(struct store *s, int64_t report,
    int (*fn)(const struct deadline_notice *, void *), void *arg)
{
	struct sql_stmt *st = ST(SQ_NOTICE_EACH);
	struct notice_rows e = { fn, arg };

	sql_bind_int64(st, 1, report);
	return ss_rows(s, st, "reading deadline notices", notice_row, &e);
}

/* The scans the table records: the deadline scanner's, and its full ones. */
#define SCAN_NAME "deadlines"
#define SCAN_NAME_FULL "deadlines.full"

static int
scan_last(struct store *s, const char *name, int64_t *at)
{
	struct sql_stmt *st = ST(SQ_SCAN_LAST);

	*at = 0;
	sql_bind_text(st, 1, name);
	return ss_row(s, st, "reading the last deadline scan", ss_int64_row,
	    at) == -1 ? -1 : 0;
}

static int
scan_mark(struct store *s, const char *name, int64_t at)
{
	struct sql_stmt *st = ST(SQ_SCAN_MARK);

	sql_bind_text(st, 1, name);
	sql_bind_int64(st, 2, at);
	return ss_done(s, st, "recording the deadline scan");
}

int
store_deadline_scan_last(struct store *s, int64_t *at)
{
	return scan_last(s, SCAN_NAME, at);
}

int
store_deadline_scan_mark(struct store *s, int64_t at)
{
	return scan_mark(s, SCAN_NAME, at);
}

int
store_deadline_full_last(struct store *s, int64_t *at)
{
	return scan_last(s, SCAN_NAME_FULL, at);
}

int
store_deadline_full_mark(struct store *s, int64_t at)
{
	return scan_mark(s, SCAN_NAME_FULL, at);
}
