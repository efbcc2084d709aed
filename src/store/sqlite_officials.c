/*
 * sqlite_officials.c: officials' profiles, notes, questions of the day and
 * the citizens' answers (store_officials.h).  One answer per account and
 * question: the primary key.  A profile is read joined to its account,
 * so only live staff accounts (operators and heads) have one to show.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_officials.h"

static const char *const officials_migrations[] = {
	/* 1: profiles, notes, questions and answers. */
	"CREATE TABLE official_profiles(user INTEGER PRIMARY KEY"
	" REFERENCES users(id) ON DELETE CASCADE,"
	" public INTEGER NOT NULL DEFAULT 0, name TEXT NOT NULL,"
	" position TEXT, agency TEXT, bio TEXT, email TEXT, phone TEXT,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE official_notes(id INTEGER PRIMARY KEY,"
	" user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" body TEXT NOT NULL, created INTEGER NOT NULL);"
	"CREATE INDEX official_notes_user ON official_notes(user, created);"
	"CREATE TABLE official_questions(id INTEGER PRIMARY KEY,"
	" user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" body TEXT NOT NULL, created INTEGER NOT NULL,"
	" closes INTEGER NOT NULL, mailed INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX official_questions_user ON"
	" official_questions(user, created);"
	"CREATE TABLE official_answers(id INTEGER PRIMARY KEY,"
	" question INTEGER NOT NULL REFERENCES official_questions(id)"
	" ON DELETE CASCADE, user INTEGER NOT NULL, name TEXT,"
	" body TEXT NOT NULL, created INTEGER NOT NULL,"
	" UNIQUE(question, user));",
	/* 2 (partfix): the digests the worker has still to mail. */
	"CREATE INDEX official_questions_due ON official_questions(closes)"
	" WHERE mailed = 0;",
};

const struct migration_set store_officials_schema = {
	"officials", officials_migrations,
	sizeof(officials_migrations) / sizeof(officials_migrations[0])
};

enum {
	Q_PUT, Q_GET, Q_EACH, Q_NOTE_ADD, Q_NOTE_GET, Q_NOTE_EACH, Q_Q_ADD,
	Q_Q_GET, Q_Q_EACH, Q_A_ADD, Q_A_EACH, Q_MAILED, Q_DUE,
	Q__MAX
};

/* Operators (2) and heads (3) with a live account. */
#define PROFILE "SELECT p.user, p.public, p.name, p.position, p.agency," \
	" p.bio, p.email, p.phone, u.role, p.updated FROM official_profiles p" \
	" JOIN users u ON u.id = p.user AND u.disabled = 0 AND u.role IN (2, 3)"
#define QUESTION "SELECT q.id, q.user, q.body, q.created, q.closes," \
	" q.mailed, (SELECT count(*) FROM official_answers a" \
	" WHERE a.question = q.id) FROM official_questions q"

static const char *const sql[Q__MAX] = {
	[Q_PUT] = "INSERT INTO official_profiles(user, public, name, position,"
	    " agency, bio, email, phone, updated) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9) ON CONFLICT(user) DO UPDATE SET"
	    " public = excluded.public, name = excluded.name,"
	    " position = excluded.position, agency = excluded.agency,"
	    " bio = excluded.bio, email = excluded.email,"
	    " phone = excluded.phone, updated = excluded.updated",
	[Q_GET] = PROFILE " WHERE p.user = ?1",
	[Q_EACH] = PROFILE " WHERE p.public = 1 AND (?1 IS NULL OR"
	    " p.agency = ?1) ORDER BY p.agency, u.role DESC, p.name, p.user",
	[Q_NOTE_ADD] = "INSERT INTO official_notes(user, body, created)"
	    " VALUES (?1, ?2, ?3)",
	[Q_NOTE_GET] = "SELECT id, user, body, created FROM official_notes"
	    " WHERE id = ?1",
	[Q_NOTE_EACH] = "SELECT id, user, body, created FROM official_notes"
	    " WHERE user = ?1 ORDER BY created DESC, id DESC LIMIT ?2",
	[Q_Q_ADD] = "INSERT INTO official_questions(user, body, created,"
	    " closes) VALUES (?1, ?2, ?3, ?4)",
	[Q_Q_GET] = QUESTION " WHERE q.id = ?1",
	[Q_Q_EACH] = QUESTION " WHERE q.user = ?1"
	    " ORDER BY q.created DESC, q.id DESC LIMIT ?2",
	[Q_A_ADD] = "INSERT INTO official_answers(question, user, name, body,"
	    " created) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[Q_A_EACH] = "SELECT id, question, user, name, body, created FROM"
	    " official_answers WHERE question = ?1 ORDER BY created, id",
	[Q_MAILED] = "UPDATE official_questions SET mailed = ?2"
	    " WHERE id = ?1 AND mailed = 0",
	[Q_DUE] = "SELECT id FROM official_questions WHERE mailed = 0"
	    " AND closes <= ?1 ORDER BY closes, id LIMIT ?2",
};

const struct stmt_table store_officials_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_OFFICIALS, (i))

int
store_official_profile_put(struct store *s, const struct official_profile *p)
{
	sqlite3_stmt *st = ST(Q_PUT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->user);
	sqlite3_bind_int(st, 2, p->public != 0);
	sq_bind_text(st, 3, p->name);
	sq_bind_text(st, 4, p->position);
	sq_bind_text(st, 5, p->agency);
	sq_bind_text(st, 6, p->bio);
	sq_bind_text(st, 7, p->email);
	sq_bind_text(st, 8, p->phone);
	sqlite3_bind_int64(st, 9, p->updated);
	return sq_step_done(s, st, "storing a profile");
}

struct profile_rows {
	int (*fn)(const struct official_profile *, void *);
	void *arg;
};

static int
profile_row(sqlite3_stmt *st, void *arg)
{
	const struct profile_rows *r = arg;
	struct official_profile p;

	memset(&p, 0, sizeof(p));
	p.user = sqlite3_column_int64(st, 0);
	p.public = sqlite3_column_int(st, 1);
	p.name = sq_col_text(st, 2);
	p.position = sq_col_text(st, 3);
	p.agency = sq_col_text(st, 4);
	p.bio = sq_col_text(st, 5);
	p.email = sq_col_text(st, 6);
	p.phone = sq_col_text(st, 7);
	p.role = (enum role)sqlite3_column_int(st, 8);
	p.updated = sqlite3_column_int64(st, 9);
	return r->fn(&p, r->arg);
}

int
store_official_profile_get(struct store *s, int64_t user,
    int (*fn)(const struct official_profile *, void *), void *arg)
{
	struct profile_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	return sq_row(s, st, "reading a profile", profile_row, &r);
}

int
store_official_profile_each(struct store *s, const char *agency,
    int (*fn)(const struct official_profile *, void *), void *arg)
{
	struct profile_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_EACH);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, agency);
	return sq_rows(s, st, "reading profiles", profile_row, &r);
}

int
store_official_note_add(struct store *s, int64_t user, const char *body,
    int64_t now, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_NOTE_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sq_bind_text(st, 2, body);
	sqlite3_bind_int64(st, 3, now);
	if (sq_step_done(s, st, "storing a note") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct note_rows {
	int (*fn)(const struct official_note *, void *);
	void *arg;
};

static int
note_row(sqlite3_stmt *st, void *arg)
{
	const struct note_rows *r = arg;
	struct official_note n;

	n.id = sqlite3_column_int64(st, 0);
	n.user = sqlite3_column_int64(st, 1);
	n.body = sq_col_text(st, 2);
	n.created = sqlite3_column_int64(st, 3);
	return r->fn(&n, r->arg);
}

int
store_official_note_get(struct store *s, int64_t id,
    int (*fn)(const struct official_note *, void *), void *arg)
{
	struct note_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_NOTE_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a note", note_row, &r);
}

int
store_official_note_each(struct store *s, int64_t user, size_t limit,
    int (*fn)(const struct official_note *, void *), void *arg)
{
	struct note_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_NOTE_EACH);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading notes", note_row, &r);
}

int
store_official_question_add(struct store *s,
    const struct official_question *q, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_Q_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, q->user);
	sq_bind_text(st, 2, q->text);
	sqlite3_bind_int64(st, 3, q->created);
	sqlite3_bind_int64(st, 4, q->closes);
	if (sq_step_done(s, st, "storing a question") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct question_rows {
	int (*fn)(const struct official_question *, void *);
	void *arg;
};

static int
question_row(sqlite3_stmt *st, void *arg)
{
	const struct question_rows *r = arg;
	struct official_question q;

	q.id = sqlite3_column_int64(st, 0);
	q.user = sqlite3_column_int64(st, 1);
	q.text = sq_col_text(st, 2);
	q.created = sqlite3_column_int64(st, 3);
	q.closes = sqlite3_column_int64(st, 4);
	q.mailed = sqlite3_column_int64(st, 5);
	q.answers = sqlite3_column_int64(st, 6);
	return r->fn(&q, r->arg);
}

int
store_official_question_get(struct store *s, int64_t id,
    int (*fn)(const struct official_question *, void *), void *arg)
{
	struct question_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_Q_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a question", question_row, &r);
}

int
store_official_question_each(struct store *s, int64_t user, size_t limit,
    int (*fn)(const struct official_question *, void *), void *arg)
{
	struct question_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_Q_EACH);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading questions", question_row, &r);
}

int
store_official_answer_add(struct store *s, const struct official_answer *a,
    int64_t *id)
{
	sqlite3_stmt *st = ST(Q_A_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->question);
	sqlite3_bind_int64(st, 2, a->user);
	sq_bind_text(st, 3, a->name);
	sq_bind_text(st, 4, a->body);
	sqlite3_bind_int64(st, 5, a->created);
	if (sq_step_done(s, st, "storing an answer") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 2;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct answer_rows {
	int (*fn)(const struct official_answer *, void *);
	void *arg;
};

static int
answer_row(sqlite3_stmt *st, void *arg)
{
	const struct answer_rows *r = arg;
	struct official_answer a;

	a.id = sqlite3_column_int64(st, 0);
	a.question = sqlite3_column_int64(st, 1);
	a.user = sqlite3_column_int64(st, 2);
	a.name = sq_col_text(st, 3);
	a.body = sq_col_text(st, 4);
	a.created = sqlite3_column_int64(st, 5);
	return r->fn(&a, r->arg);
}

int
store_official_answer_each(struct store *s, int64_t question,
    int (*fn)(const struct official_answer *, void *), void *arg)
{
	struct answer_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_A_EACH);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, question);
	return sq_rows(s, st, "reading answers", answer_row, &r);
}

int
store_official_question_mailed(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = ST(Q_MAILED);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (sq_step_done(s, st, "marking a digest mailed") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_official_questions_due(struct store *s, int64_t now, int64_t *ids,
    size_t max, size_t *n)
{
	struct sq_ids r = { ids, max, n };
	sqlite3_stmt *st = ST(Q_DUE);

	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	return sq_rows(s, st, "reading the digests due", sq_ids_row, &r);
}
