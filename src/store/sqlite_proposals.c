/*
 * sqlite_proposals.c: proposals, their supports (one per account: the
 * primary key), and agencies' "what we changed" notes with the reports
 * that led to them (store_proposals.h).  States are stored as the numbers
 * of base/proposal.h's enum.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_proposals.h"

static const char *const proposals_migrations[] = {
	/* 1: proposals, supports, notes and their reports. */
	"CREATE TABLE proposals(id INTEGER PRIMARY KEY,"
	" author INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
	" report INTEGER, agency TEXT, state INTEGER NOT NULL DEFAULT 0,"
	" supports INTEGER NOT NULL DEFAULT 0, threshold INTEGER NOT NULL,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	" closes INTEGER NOT NULL, reached INTEGER NOT NULL DEFAULT 0,"
	" answer_due INTEGER NOT NULL DEFAULT 0,"
	" decided INTEGER NOT NULL DEFAULT 0, reason TEXT);"
	"CREATE INDEX proposals_state ON proposals(state, created);"
	"CREATE INDEX proposals_report ON proposals(report);"
	"CREATE TABLE proposal_supports(proposal INTEGER NOT NULL"
	" REFERENCES proposals(id) ON DELETE CASCADE, user INTEGER NOT NULL,"
	" created INTEGER NOT NULL, PRIMARY KEY(proposal, user))"
	" WITHOUT ROWID;"
	"CREATE TABLE agency_notes(id INTEGER PRIMARY KEY,"
	" agency TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
	" day INTEGER NOT NULL, author INTEGER, created INTEGER NOT NULL);"
	"CREATE INDEX agency_notes_agency ON agency_notes(agency, day);"
	"CREATE TABLE agency_note_reports(note INTEGER NOT NULL REFERENCES"
	" agency_notes(id) ON DELETE CASCADE, report INTEGER NOT NULL,"
	" PRIMARY KEY(note, report)) WITHOUT ROWID;"
	"CREATE INDEX agency_note_reports_report ON"
	" agency_note_reports(report);",
};

const struct migration_set store_proposals_schema = {
	"proposals", proposals_migrations,
	sizeof(proposals_migrations) / sizeof(proposals_migrations[0])
};

enum {
	Q_ADD, Q_GET, Q_EACH_NEW, Q_EACH_SUPPORTS, Q_EDIT, Q_SUPPORT,
	Q_COUNT, Q_SUPPORTED, Q_MOVE, Q_NOTE_ADD, Q_NOTE_LINK,
	Q_NOTES_AGENCY, Q_NOTES_REPORT,
	Q__MAX
};

#define COLUMNS "id, author, title, body, coalesce(report, 0), agency," \
	" state, supports, threshold, created, updated, closes, reached," \
	" answer_due, decided, reason"
/* ?1 state + 1 (0: all), ?2 limit. */
#define WHERE " WHERE (?1 = 0 OR state = ?1 - 1)"
#define NOTE_COLUMNS "n.id, n.agency, n.title, n.body, n.day, n.created," \
	" (SELECT group_concat(report, ',') FROM (SELECT report FROM" \
	" agency_note_reports WHERE note = n.id ORDER BY report))"

static const char *const sql[Q__MAX] = {
	[Q_ADD] = "INSERT INTO proposals(author, title, body, report, agency,"
	    " state, threshold, created, updated, closes) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, 0, ?6, ?7, ?7, ?8)",
	[Q_GET] = "SELECT " COLUMNS " FROM proposals WHERE id = ?1",
	[Q_EACH_NEW] = "SELECT " COLUMNS " FROM proposals" WHERE
	    " ORDER BY created DESC, id DESC LIMIT ?2",
	[Q_EACH_SUPPORTS] = "SELECT " COLUMNS " FROM proposals" WHERE
	    " ORDER BY supports DESC, created DESC, id DESC LIMIT ?2",
	[Q_EDIT] = "UPDATE proposals SET title = ?2, body = ?3, updated = ?4"
	    " WHERE id = ?1 AND state = 0 AND supports = 0",
	[Q_SUPPORT] = "INSERT INTO proposal_supports(proposal, user, created)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[Q_COUNT] = "UPDATE proposals SET supports = supports + 1 WHERE id = ?1",
	[Q_SUPPORTED] = "SELECT 1 FROM proposal_supports WHERE proposal = ?1"
	    " AND user = ?2",
	[Q_MOVE] = "UPDATE proposals SET state = ?3,"
	    " reached = CASE ?4 WHEN 0 THEN reached ELSE ?4 END,"
	    " answer_due = CASE ?5 WHEN 0 THEN answer_due ELSE ?5 END,"
	    " decided = CASE ?6 WHEN 0 THEN decided ELSE ?6 END,"
	    " reason = coalesce(?7, reason), updated = ?8"
	    " WHERE id = ?1 AND state = ?2",
	[Q_NOTE_ADD] = "INSERT INTO agency_notes(agency, title, body, day,"
	    " created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_NOTE_LINK] = "INSERT INTO agency_note_reports(note, report)"
	    " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[Q_NOTES_AGENCY] = "SELECT " NOTE_COLUMNS " FROM agency_notes n"
	    " WHERE n.agency = ?1 ORDER BY n.day DESC, n.id DESC LIMIT ?2",
	[Q_NOTES_REPORT] = "SELECT " NOTE_COLUMNS " FROM agency_note_reports l"
	    " JOIN agency_notes n ON n.id = l.note WHERE l.report = ?1"
	    " ORDER BY n.day DESC, n.id DESC LIMIT ?2",
};

const struct stmt_table store_proposals_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_PROPOSALS, (i))

int
store_proposal_add(struct store *s, const struct proposal *p, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->author);
	sq_bind_text(st, 2, p->title);
	sq_bind_text(st, 3, p->text);
	if (p->report > 0)
		sqlite3_bind_int64(st, 4, p->report);
	sq_bind_text(st, 5, p->agency);
	sqlite3_bind_int64(st, 6, p->threshold);
	sqlite3_bind_int64(st, 7, p->created);
	sqlite3_bind_int64(st, 8, p->closes);
	if (sq_step_done(s, st, "storing a proposal") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct rows {
	int (*fn)(const struct proposal *, void *);
	void *arg;
};

static int
row(sqlite3_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct proposal p;

	memset(&p, 0, sizeof(p));
	p.id = sqlite3_column_int64(st, 0);
	p.author = sqlite3_column_int64(st, 1);
	p.title = sq_col_text(st, 2);
	p.text = sq_col_text(st, 3);
	p.report = sqlite3_column_int64(st, 4);
	p.agency = sq_col_text(st, 5);
	p.state = (enum proposal_state)sqlite3_column_int(st, 6);
	p.supports = sqlite3_column_int64(st, 7);
	p.threshold = sqlite3_column_int64(st, 8);
	p.created = sqlite3_column_int64(st, 9);
	p.updated = sqlite3_column_int64(st, 10);
	p.closes = sqlite3_column_int64(st, 11);
	p.reached = sqlite3_column_int64(st, 12);
	p.answer_due = sqlite3_column_int64(st, 13);
	p.decided = sqlite3_column_int64(st, 14);
	p.reason = sq_col_text(st, 15);
	if ((unsigned)p.state >= PROPOSAL_STATE__MAX)
		return 0;               /* not ours to show */
	return r->fn(&p, r->arg);
}

int
store_proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct proposal *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a proposal", row, &r);
}

int
store_proposal_each(struct store *s, const struct proposal_filter *f,
    int (*fn)(const struct proposal *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(f->sort == PROPOSAL_SORT_SUPPORTS ?
	    Q_EACH_SUPPORTS : Q_EACH_NEW);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, f->state);
	sqlite3_bind_int64(st, 2, (int64_t)f->limit);
	return sq_rows(s, st, "reading proposals", row, &r);
}

int
store_proposal_edit(struct store *s, int64_t id, const char *title,
    const char *text, int64_t now)
{
	sqlite3_stmt *st = ST(Q_EDIT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 2, title);
	sq_bind_text(st, 3, text);
	sqlite3_bind_int64(st, 4, now);
	if (sq_step_done(s, st, "editing a proposal") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

/* The support's row and its count; the caller holds the transaction. */
static int
support_write(struct store *s, int64_t id, int64_t user, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = ST(Q_SUPPORT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, now);
	if (sq_step_done(s, st, "storing a support") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 2;
	if ((st = ST(Q_COUNT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_step_done(s, st, "counting a support");
}

int
store_proposal_support(struct store *s, int64_t id, int64_t user,
    int64_t now)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = support_write(s, id, user, now);
	/* "Already there" changed nothing: end it as a no-op. */
	if (rc == 2)
		return sq_tx_finish(s, own, 1) == -1 ? -1 : 2;
	return sq_tx_finish(s, own, rc);
}

int
store_proposal_supported(struct store *s, int64_t id, int64_t user)
{
	sqlite3_stmt *st = ST(Q_SUPPORTED);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if ((rc = sq_row(s, st, "reading a support", NULL, NULL)) == -1)
		return -1;
	return rc == 0 ? 1 : 0;
}

int
store_proposal_move(struct store *s, int64_t id, enum proposal_state from,
    enum proposal_state to, int64_t reached, int64_t answer_due,
    int64_t decided, const char *reason, int64_t now)
{
	sqlite3_stmt *st = ST(Q_MOVE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)from);
	sqlite3_bind_int(st, 3, (int)to);
	sqlite3_bind_int64(st, 4, reached);
	sqlite3_bind_int64(st, 5, answer_due);
	sqlite3_bind_int64(st, 6, decided);
	sq_bind_text(st, 7, reason);
	sqlite3_bind_int64(st, 8, now);
	if (sq_step_done(s, st, "moving a proposal") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

/* The note's row and links; the caller holds the transaction. */
static int
note_write(struct store *s, const struct agency_note *n, int64_t *id)
{
	sqlite3_stmt *st;
	size_t i;

	if ((st = ST(Q_NOTE_ADD)) == NULL)
		return -1;
	sq_bind_text(st, 1, n->agency);
	sq_bind_text(st, 2, n->title);
	sq_bind_text(st, 3, n->text);
	sqlite3_bind_int64(st, 4, n->date);
	sqlite3_bind_int64(st, 5, n->created);
	if (sq_step_done(s, st, "storing a note") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < n->nreports; i++) {
		if ((st = ST(Q_NOTE_LINK)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, n->reports[i]);
		if (sq_step_done(s, st, "linking a note") == -1)
			return -1;
	}
	return 0;
}

int
store_note_add(struct store *s, const struct agency_note *n, int64_t *id)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = note_write(s, n, id);
	return sq_tx_finish(s, own, rc);
}

struct note_rows {
	int (*fn)(const struct agency_note *, void *);
	void *arg;
};

static int
note_row(sqlite3_stmt *st, void *arg)
{
	const struct note_rows *r = arg;
	int64_t ids[VECHE_NOTE_MAX_REPORTS];
	const char *list = sq_col_text(st, 6);
	struct agency_note n;
	char *end;

	memset(&n, 0, sizeof(n));
	n.id = sqlite3_column_int64(st, 0);
	n.agency = sq_col_text(st, 1);
	n.title = sq_col_text(st, 2);
	n.text = sq_col_text(st, 3);
	n.date = sqlite3_column_int64(st, 4);
	n.created = sqlite3_column_int64(st, 5);
	/* "12,15,40" as group_concat wrote it: our own digits and commas. */
	while (list != NULL && *list != '\0' &&
	    n.nreports < VECHE_NOTE_MAX_REPORTS) {
		ids[n.nreports] = strtoll(list, &end, 10);
		if (end == list)
			break;
		n.nreports++;
		list = *end == ',' ? end + 1 : end;
	}
	n.reports = ids;
	return r->fn(&n, r->arg);
}

int
store_note_each(struct store *s, const char *agency, int64_t report,
    size_t limit, int (*fn)(const struct agency_note *, void *), void *arg)
{
	struct note_rows r = { fn, arg };
	sqlite3_stmt *st = ST(agency != NULL ? Q_NOTES_AGENCY :
	    Q_NOTES_REPORT);

	if (st == NULL)
		return -1;
	if (agency != NULL)
		sq_bind_text(st, 1, agency);
	else
		sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading notes", note_row, &r);
}
