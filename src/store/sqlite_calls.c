/*
 * sqlite_calls.c: open calls for a public post, their candidates and the
 * candidates' supports (store_calls.h).  One application per account and
 * call (UNIQUE(call, user)); one support per account and candidate (the
 * primary key of call_supports), counted by reading, so the count cannot
 * drift from the rows.  States are stored as base/call.h's numbers.
 */
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_calls.h"

static const char *const calls_migrations[] = {
	/* 1: calls, candidates, supports. */
	"CREATE TABLE calls(id INTEGER PRIMARY KEY, post TEXT NOT NULL,"
	" body TEXT NOT NULL, members TEXT NOT NULL,"
	" requirements TEXT NOT NULL, opens INTEGER NOT NULL,"
	" apps_close INTEGER NOT NULL, discussion_close INTEGER NOT NULL,"
	" decision_due INTEGER NOT NULL, created INTEGER NOT NULL,"
	" decided INTEGER NOT NULL DEFAULT 0, chosen INTEGER NOT NULL"
	" DEFAULT 0, reasons TEXT, vote TEXT);"
	"CREATE TABLE call_candidates(id INTEGER PRIMARY KEY,"
	" call INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	" user INTEGER NOT NULL, name TEXT NOT NULL,"
	" experience TEXT NOT NULL, education TEXT NOT NULL,"
	" programme TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	" UNIQUE(call, user));"
	"CREATE TABLE call_supports(candidate INTEGER NOT NULL"
	" REFERENCES call_candidates(id) ON DELETE CASCADE,"
	" user INTEGER NOT NULL, created INTEGER NOT NULL,"
	" PRIMARY KEY(candidate, user)) WITHOUT ROWID;",
};

const struct migration_set store_calls_schema = {
	"calls", calls_migrations,
	sizeof(calls_migrations) / sizeof(calls_migrations[0])
};

enum {
	Q_ADD, Q_GET, Q_EACH_NEW, Q_EACH_OLD, Q_DECIDE, Q_K_ADD, Q_K_GET,
	Q_K_EACH, Q_K_ALL, Q_K_EDIT, Q_K_MOVE, Q_SUPPORT, Q_SUPPORTED,
	Q_K_MINE, Q_K_REAPPLY, Q_AUDIENCE, Q__MAX
};

#define COLUMNS "c.id, c.post, c.body, c.members, c.requirements, c.opens," \
	" c.apps_close, c.discussion_close, c.decision_due, c.created," \
	" c.decided, c.chosen, c.reasons, c.vote, (SELECT count(*) FROM" \
	" call_candidates k WHERE k.call = c.id AND k.state <> 1)"
#define K_COLUMNS "k.id, k.call, k.user, k.name, k.experience," \
	" k.education, k.programme, k.state, k.reason, k.created," \
	" k.updated, (SELECT count(*) FROM call_supports s" \
	" WHERE s.candidate = k.id)"

static const char *const sql[Q__MAX] = {
	[Q_ADD] = "INSERT INTO calls(post, body, members, requirements, opens,"
	    " apps_close, discussion_close, decision_due, created) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[Q_GET] = "SELECT " COLUMNS " FROM calls c WHERE c.id = ?1",
	[Q_EACH_NEW] = "SELECT " COLUMNS " FROM calls c"
	    " ORDER BY c.created DESC, c.id DESC LIMIT ?1",
	[Q_EACH_OLD] = "SELECT " COLUMNS " FROM calls c ORDER BY c.id"
	    " LIMIT ?1",
	[Q_DECIDE] = "UPDATE calls SET decided = ?2, chosen = ?3,"
	    " reasons = ?4, vote = ?5 WHERE id = ?1 AND decided = 0",
	[Q_K_ADD] = "INSERT INTO call_candidates(call, user, name, experience,"
	    " education, programme, created, updated) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?7) ON CONFLICT(call, user) DO NOTHING",
	[Q_K_GET] = "SELECT " K_COLUMNS " FROM call_candidates k"
	    " WHERE k.id = ?1",
	[Q_K_EACH] = "SELECT " K_COLUMNS " FROM call_candidates k"
	    " WHERE k.call = ?1 ORDER BY k.id LIMIT ?2",
	[Q_K_ALL] = "SELECT " K_COLUMNS " FROM call_candidates k"
	    " ORDER BY k.call, k.id LIMIT ?2",
	[Q_K_EDIT] = "UPDATE call_candidates SET name = ?2, experience = ?3,"
	    " education = ?4, programme = ?5, updated = ?6"
	    " WHERE id = ?1 AND state = 0",
	[Q_K_MOVE] = "UPDATE call_candidates SET state = ?3, reason = ?4,"
	    " updated = ?5 WHERE id = ?1 AND state = ?2",
	[Q_SUPPORT] = "INSERT INTO call_supports(candidate, user, created)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[Q_SUPPORTED] = "SELECT 1 FROM call_supports WHERE candidate = ?1"
	    " AND user = ?2",
	[Q_K_MINE] = "SELECT " K_COLUMNS " FROM call_candidates k"
	    " WHERE k.call = ?1 AND k.user = ?2",
	[Q_K_REAPPLY] = "UPDATE call_candidates SET name = ?2,"
	    " experience = ?3, education = ?4, programme = ?5, state = 0,"
	    " reason = NULL, updated = ?6 WHERE id = ?1 AND state = 1",
	/* Each account once: a candidate (1) or only a supporter (0). */
	[Q_AUDIENCE] = "SELECT user, max(cand) FROM (SELECT k.user AS user,"
	    " 1 AS cand FROM call_candidates k WHERE k.call = ?1 UNION ALL"
	    " SELECT s.user, 0 FROM call_supports s JOIN call_candidates k"
	    " ON k.id = s.candidate WHERE k.call = ?1) GROUP BY user"
	    " ORDER BY user LIMIT ?2",
};

const struct stmt_table store_calls_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_CALLS, (i))

int
store_call_add(struct store *s, const struct call *c, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_ADD);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, c->post);
	sq_bind_text(st, 2, c->body);
	sq_bind_text(st, 3, c->members);
	sq_bind_text(st, 4, c->requirements);
	sqlite3_bind_int64(st, 5, c->opens);
	sqlite3_bind_int64(st, 6, c->apps_close);
	sqlite3_bind_int64(st, 7, c->discussion_close);
	sqlite3_bind_int64(st, 8, c->decision_due);
	sqlite3_bind_int64(st, 9, c->created);
	if (sq_step_done(s, st, "storing a call") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct call_rows {
	int (*fn)(const struct call *, void *);
	void *arg;
};

static int
call_row(sqlite3_stmt *st, void *arg)
{
	const struct call_rows *r = arg;
	struct call c;

	memset(&c, 0, sizeof(c));
	c.id = sqlite3_column_int64(st, 0);
	c.post = sq_col_text(st, 1);
	c.body = sq_col_text(st, 2);
	c.members = sq_col_text(st, 3);
	c.requirements = sq_col_text(st, 4);
	c.opens = sqlite3_column_int64(st, 5);
	c.apps_close = sqlite3_column_int64(st, 6);
	c.discussion_close = sqlite3_column_int64(st, 7);
	c.decision_due = sqlite3_column_int64(st, 8);
	c.created = sqlite3_column_int64(st, 9);
	c.decided = sqlite3_column_int64(st, 10);
	c.chosen = sqlite3_column_int64(st, 11);
	c.reasons = sq_col_text(st, 12);
	c.vote = sq_col_text(st, 13);
	c.candidates = sqlite3_column_int64(st, 14);
	return r->fn(&c, r->arg);
}

int
store_call_get(struct store *s, int64_t id,
    int (*fn)(const struct call *, void *), void *arg)
{
	struct call_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a call", call_row, &r);
}

int
store_call_each(struct store *s, size_t limit, int oldest,
    int (*fn)(const struct call *, void *), void *arg)
{
	struct call_rows r = { fn, arg };
	sqlite3_stmt *st = ST(oldest ? Q_EACH_OLD : Q_EACH_NEW);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)limit);
	return sq_rows(s, st, "reading calls", call_row, &r);
}

int
store_call_decide(struct store *s, int64_t id, int64_t decided,
    int64_t chosen, const char *reasons, const char *vote)
{
	sqlite3_stmt *st = ST(Q_DECIDE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, decided);
	sqlite3_bind_int64(st, 3, chosen);
	sq_bind_text(st, 4, reasons);
	sq_bind_text(st, 5, vote);
	if (sq_step_done(s, st, "deciding a call") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_candidate_add(struct store *s, const struct candidate *k, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_K_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, k->call);
	sqlite3_bind_int64(st, 2, k->user);
	sq_bind_text(st, 3, k->name);
	sq_bind_text(st, 4, k->experience);
	sq_bind_text(st, 5, k->education);
	sq_bind_text(st, 6, k->programme);
	sqlite3_bind_int64(st, 7, k->created);
	if (sq_step_done(s, st, "storing an application") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 2;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

struct k_rows {
	int (*fn)(const struct candidate *, void *);
	void *arg;
};

static int
k_row(sqlite3_stmt *st, void *arg)
{
	const struct k_rows *r = arg;
	struct candidate k;

	memset(&k, 0, sizeof(k));
	k.id = sqlite3_column_int64(st, 0);
	k.call = sqlite3_column_int64(st, 1);
	k.user = sqlite3_column_int64(st, 2);
	k.name = sq_col_text(st, 3);
	k.experience = sq_col_text(st, 4);
	k.education = sq_col_text(st, 5);
	k.programme = sq_col_text(st, 6);
	k.state = (enum candidate_state)sqlite3_column_int(st, 7);
	k.reason = sq_col_text(st, 8);
	k.created = sqlite3_column_int64(st, 9);
	k.updated = sqlite3_column_int64(st, 10);
	k.supports = sqlite3_column_int64(st, 11);
	if ((unsigned)k.state >= CANDIDATE_STATE__MAX)
		return 0;               /* not ours to show */
	return r->fn(&k, r->arg);
}

int
store_candidate_get(struct store *s, int64_t id,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	struct k_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_K_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a candidate", k_row, &r);
}

int
store_candidate_each(struct store *s, int64_t call, size_t limit,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	struct k_rows r = { fn, arg };
	sqlite3_stmt *st = ST(call > 0 ? Q_K_EACH : Q_K_ALL);

	if (st == NULL)
		return -1;
	if (call > 0)
		sqlite3_bind_int64(st, 1, call);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading candidates", k_row, &r);
}

/* Write k's profile to candidate id by q (Q_K_EDIT or Q_K_REAPPLY). */
static int
profile_write(struct store *s, int q, int64_t id, const struct candidate *k,
    int64_t now, const char *what)
{
	sqlite3_stmt *st = ST(q);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 2, k->name);
	sq_bind_text(st, 3, k->experience);
	sq_bind_text(st, 4, k->education);
	sq_bind_text(st, 5, k->programme);
	sqlite3_bind_int64(st, 6, now);
	if (sq_step_done(s, st, what) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_candidate_edit(struct store *s, int64_t id, const struct candidate *k,
    int64_t now)
{
	return profile_write(s, Q_K_EDIT, id, k, now, "editing an application");
}

int
store_candidate_move(struct store *s, int64_t id, enum candidate_state from,
    enum candidate_state to, const char *reason, int64_t now)
{
	sqlite3_stmt *st = ST(Q_K_MOVE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)from);
	sqlite3_bind_int(st, 3, (int)to);
	sq_bind_text(st, 4, reason);
	sqlite3_bind_int64(st, 5, now);
	if (sq_step_done(s, st, "moving an application") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_candidate_support(struct store *s, int64_t id, int64_t user,
    int64_t now)
{
	sqlite3_stmt *st = ST(Q_SUPPORT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, now);
	if (sq_step_done(s, st, "storing a support") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 2;
}

int
store_candidate_supported(struct store *s, int64_t id, int64_t user)
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
store_candidate_mine(struct store *s, int64_t call, int64_t user,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	struct k_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_K_MINE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, call);
	sqlite3_bind_int64(st, 2, user);
	return sq_row(s, st, "reading an account's application", k_row, &r);
}

int
store_candidate_reapply(struct store *s, int64_t id,
    const struct candidate *k, int64_t now)
{
	return profile_write(s, Q_K_REAPPLY, id, k, now,
	    "re-activating an application");
}

struct audience_rows {
	int (*fn)(int64_t, int, void *);
	void *arg;
};

static int
audience_row(sqlite3_stmt *st, void *arg)
{
	const struct audience_rows *r = arg;

	return r->fn(sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
	    r->arg);
}

int
store_call_audience(struct store *s, int64_t call, size_t limit,
    int (*fn)(int64_t, int, void *), void *arg)
{
	struct audience_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_AUDIENCE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, call);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading a call's candidates and supporters",
	    audience_row, &r);
}
