/*
 * sqlite_accounts.c: the accounts module of the SQLite backend (see
 * sqlite_internal.h and store_accounts.h): users, the agencies they are
 * bound to, and sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store_accounts.h"

static const char *const accounts_migrations[] = {
	/* 1: users, their agencies, sessions. */
	"CREATE TABLE users(id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE,"
	" pwhash TEXT NOT NULL, role INTEGER NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE user_agencies(user INTEGER NOT NULL REFERENCES users(id)"
	" ON DELETE CASCADE, agency TEXT NOT NULL, PRIMARY KEY(user, agency))"
	" WITHOUT ROWID;"
	"CREATE TABLE sessions(hash BLOB PRIMARY KEY, user INTEGER NOT NULL"
	" REFERENCES users(id) ON DELETE CASCADE, csrf TEXT NOT NULL,"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user);"
	"CREATE INDEX sessions_expires ON sessions(expires);",
	/* 2: citizens' web accounts: e-mail, name, confirmation, single-use
	 * tokens (kept hashed) and the reports each account filed. */
	"ALTER TABLE users ADD COLUMN email TEXT;"
	"ALTER TABLE users ADD COLUMN name TEXT;"
	"ALTER TABLE users ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1;"
	"CREATE UNIQUE INDEX users_email ON users(email);"
	"CREATE TABLE user_tokens(hash BLOB PRIMARY KEY, user INTEGER NOT NULL"
	" REFERENCES users(id) ON DELETE CASCADE, kind INTEGER NOT NULL,"
	" expires INTEGER NOT NULL);"
	"CREATE INDEX user_tokens_user ON user_tokens(user);"
	"CREATE TABLE user_reports(report INTEGER PRIMARY KEY, user INTEGER"
	" NOT NULL REFERENCES users(id) ON DELETE CASCADE);"
	"CREATE INDEX user_reports_user ON user_reports(user, report);"
	"CREATE TABLE held_reports(hash BLOB PRIMARY KEY, payload TEXT NOT NULL,"
	" expires INTEGER NOT NULL);"
	"CREATE INDEX held_reports_expires ON held_reports(expires);",
	/* 3: a held report names its photos (ids, space-separated), which
	 * are removed with it when it expires unconfirmed. */
	"ALTER TABLE held_reports ADD COLUMN photos TEXT NOT NULL DEFAULT '';",
	/* 4: the language of the page a report was filed from, in which its
	 * reporter gets e-mail ("ru", "en"; none: Russian). */
	("CREATE TABLE report_langs(report INTEGER PRIMARY KEY REFERENCES"
	" reports(id) ON DELETE CASCADE, lang TEXT NOT NULL);"),
	/*
	 * 5 (one reporter link): a report's account is the report's own
	 * column reports.reporter_user (the workflow module's, whose
	 * migrations run first, sqlite.c); user_reports, which said the
	 * same a second time, is copied into it and dropped.
	 */
	"UPDATE reports SET reporter_user = (SELECT user FROM user_reports"
	" WHERE report = reports.id) WHERE reporter_user IS NULL AND id IN"
	" (SELECT report FROM user_reports);"
	"DROP TABLE user_reports;",
};

const struct migration_set store_accounts_schema = {
	"accounts", accounts_migrations,
	sizeof(accounts_migrations) / sizeof(accounts_migrations[0]),
};

enum {
	A_USER_INSERT,
	A_AGENCY_INSERT,
	A_AGENCIES_DEL,
	A_USER_BY_LOGIN,
	A_USER_BY_ID,
	A_USER_ALL,
	A_USER_AGENCIES,
	A_USER_SET_PW,
	A_USER_SET_ROLE,
	A_SESSION_INSERT,
	A_SESSION_FIND,
	A_SESSION_DEL,
	A_SESSION_DEL_OLD,
	A_SESSION_DEL_USER,
	A_USER_BY_EMAIL,
	A_USER_SET_PROFILE,
	A_USER_CONFIRM,
	A_TOKEN_INSERT,
	A_TOKEN_TAKE,
	A_TOKEN_DEL_OLD,
	A_TOKEN_DEL_USER,
	A_REPORT_LINK,
	A_USER_REPORTS,
	A_USER_ERASE_CONTACTS,
	A_USER_UNLINK,
	A_USER_AGENCIES_DEL,
	A_USER_DELETE,
	A_HELD_INSERT,
	A_HELD_TAKE,
	A_HELD_EXPIRE,
	A_PHOTO_DELETE,
	A_LANG_PUT,
	A_LANG_GET,
	A__MAX
};

#define USER_COLS "id, login, pwhash, role, disabled, created, email, name, " \
    "confirmed"

static const char *const sql[A__MAX] = {
	[A_USER_INSERT] = "INSERT INTO users(login, pwhash, role, created) "
	    "VALUES (?, ?, ?, ?)",
	[A_AGENCY_INSERT] = "INSERT OR IGNORE INTO user_agencies(user, agency) "
	    "VALUES (?, ?)",
	[A_AGENCIES_DEL] = "DELETE FROM user_agencies WHERE user = ?",
	[A_USER_BY_LOGIN] = "SELECT " USER_COLS " FROM users WHERE login = ?",
	[A_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?",
	[A_USER_ALL] = "SELECT " USER_COLS " FROM users ORDER BY id",
	[A_USER_AGENCIES] = "SELECT agency FROM user_agencies WHERE user = ? "
	    "ORDER BY agency",
	[A_USER_SET_PW] = "UPDATE users SET pwhash = ? WHERE id = ?",
	[A_USER_SET_ROLE] = "UPDATE users SET role = ? WHERE id = ?",
	[A_SESSION_INSERT] = "INSERT INTO sessions(hash, user, csrf, created, "
	    "expires) VALUES (?, ?, ?, ?, ?)",
	[A_SESSION_FIND] = "SELECT s.user, s.csrf FROM sessions s JOIN users u "
	    "ON u.id = s.user WHERE s.hash = ? AND s.expires > ? AND "
	    "u.disabled = 0",
	[A_SESSION_DEL] = "DELETE FROM sessions WHERE hash = ?",
	[A_SESSION_DEL_OLD] = "DELETE FROM sessions WHERE expires <= ?",
	[A_SESSION_DEL_USER] = "DELETE FROM sessions WHERE user = ?",
	[A_USER_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE email = ?",
	[A_USER_SET_PROFILE] = "UPDATE users SET email = ?, name = ?, "
	    "confirmed = ? WHERE id = ?",
	[A_USER_CONFIRM] = "UPDATE users SET confirmed = 1 WHERE id = ?",
	[A_TOKEN_INSERT] = "INSERT INTO user_tokens(hash, user, kind, expires) "
	    "VALUES (?, ?, ?, ?)",
	[A_TOKEN_TAKE] = "DELETE FROM user_tokens WHERE hash = ? AND kind = ? "
	    "AND expires > ? RETURNING user",
	[A_TOKEN_DEL_OLD] = "DELETE FROM user_tokens WHERE expires <= ?",
	[A_TOKEN_DEL_USER] = "DELETE FROM user_tokens WHERE user = ? AND "
	    "kind = ?",
	[A_REPORT_LINK] = "UPDATE reports SET reporter_user = ?2 WHERE id = ?1",
	[A_USER_REPORTS] = "SELECT id FROM reports WHERE reporter_user = ? "
	    "ORDER BY id DESC LIMIT ?",
	[A_USER_ERASE_CONTACTS] = "DELETE FROM report_contacts WHERE report IN "
	    "(SELECT id FROM reports WHERE reporter_user = ?)",
	[A_USER_UNLINK] = "UPDATE reports SET reporter_user = NULL "
	    "WHERE reporter_user = ?",
	[A_USER_AGENCIES_DEL] = "DELETE FROM user_tokens WHERE user = ?",
	[A_USER_DELETE] = "DELETE FROM users WHERE id = ?",
	[A_HELD_INSERT] = "INSERT INTO held_reports(hash, payload, expires, "
	    "photos) VALUES (?, ?, ?, ?)",
	[A_HELD_TAKE] = "DELETE FROM held_reports WHERE hash = ? AND "
	    "expires > ? RETURNING payload",
	[A_HELD_EXPIRE] = "DELETE FROM held_reports WHERE hash IN (SELECT "
	    "hash FROM held_reports WHERE expires <= ?1 ORDER BY expires "
	    "LIMIT ?2) RETURNING photos",
	[A_PHOTO_DELETE] = "DELETE FROM photos WHERE id = ?",
	[A_LANG_PUT] = "INSERT OR REPLACE INTO report_langs(report, lang) "
	    "VALUES (?, ?)",
	[A_LANG_GET] = "SELECT lang FROM report_langs WHERE report = ?",
};

const struct stmt_table store_accounts_stmts = { sql, A__MAX };

static int
put_agencies(struct store *s, int64_t user, const char *const *agencies,
    size_t n)
{
	sqlite3_stmt *st;
	size_t i;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_AGENCIES_DEL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	if (sq_step_done(s, st, "clearing user agencies") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_AGENCY_INSERT)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, user);
		sq_bind_text(st, 2, agencies[i]);
		if (sq_step_done(s, st, "writing user agency") == -1)
			return -1;
	}
	return 0;
}

/* 0, 1 for a taken login, -1. */
static int
user_insert(struct store *s, const char *login, const char *pwhash,
    enum role role, const char *const *agencies, size_t nagencies,
    int64_t now, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_INSERT)) == NULL)
		return -1;
	sq_bind_text(st, 1, login);
	sq_bind_text(st, 2, pwhash);
	sqlite3_bind_int(st, 3, (int)role);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 1;
	if (rc != SQLITE_DONE) {
		sq_set_err(s, "writing user");
		return -1;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	return put_agencies(s, *id, agencies, nagencies);
}

int
store_user_insert(struct store *s, const char *login, const char *pwhash,
    enum role role, const char *const *agencies, size_t nagencies,
    int64_t now, int64_t *id)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = user_insert(s, login, pwhash, role, agencies, nagencies, now, id);
	if (rc == 1) {
		sq_tx_end(s, own, 0);
		return 1;
	}
	return sq_tx_end(s, own, rc == 0);
}

/* What user_row hands a user to. */
struct user_rows {
	struct store *s;
	int (*fn)(const struct store_user *, void *);
	void *arg;
};

/* A user row, with its agencies, to fn. */
static int
user_row(sqlite3_stmt *st, void *arg)
{
	const struct user_rows *e = arg;
	char agencies[ACTOR_MAX_AGENCIES][VECHE_MAX_CODE + 1];
	const char *list[ACTOR_MAX_AGENCIES];
	struct store_user u;
	sqlite3_stmt *as;

	memset(&u, 0, sizeof(u));
	u.id = sqlite3_column_int64(st, 0);
	u.login = sq_col_text(st, 1);
	u.pwhash = sq_col_text(st, 2);
	u.role = (enum role)sqlite3_column_int(st, 3);
	u.disabled = sqlite3_column_int(st, 4);
	u.created = sqlite3_column_int64(st, 5);
	u.email = sq_col_text(st, 6);
	u.name = sq_col_text(st, 7);
	u.confirmed = sqlite3_column_int(st, 8);
	if ((as = sq_stmt(e->s, STORE_MOD_ACCOUNTS, A_USER_AGENCIES)) == NULL)
		return -1;
	/* Copied out, so the list outlives the steps; a failing step ends it. */
	sqlite3_bind_int64(as, 1, u.id);
	while (u.nagencies < ACTOR_MAX_AGENCIES &&
	    sqlite3_step(as) == SQLITE_ROW) {
		snprintf(agencies[u.nagencies], sizeof(agencies[0]),
		    "%s", sq_col_text(as, 0));
		list[u.nagencies] = agencies[u.nagencies];
		u.nagencies++;
	}
	sqlite3_reset(as);
	u.agencies = list;
	return e->fn(&u, e->arg);
}

/* Step a user statement and hand each row, with its agencies, to fn. */
static int
users_from(struct store *s, sqlite3_stmt *st, int single,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	struct user_rows e = { s, fn, arg };

	return (single ? sq_row : sq_rows)(s, st, "reading users", user_row,
	    &e);
}

/* The user whose column of statement idx is text. */
static int
user_by_text(struct store *s, int idx, const char *text,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, idx)) == NULL)
		return -1;
	sq_bind_text(st, 1, text);
	return users_from(s, st, 1, fn, arg);
}

int
store_user_by_login(struct store *s, const char *login,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	return user_by_text(s, A_USER_BY_LOGIN, login, fn, arg);
}

int
store_user_by_id(struct store *s, int64_t id,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_BY_ID)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return users_from(s, st, 1, fn, arg);
}

int
store_user_each(struct store *s,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_ALL)) == NULL)
		return -1;
	return users_from(s, st, 0, fn, arg);
}

int
store_user_set_password(struct store *s, int64_t id, const char *pwhash)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_SET_PW)) == NULL)
		return -1;
	sq_bind_text(st, 1, pwhash);
	sqlite3_bind_int64(st, 2, id);
	if (sq_step_done(s, st, "writing password") == -1)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
store_user_set_role(struct store *s, int64_t id, enum role role,
    const char *const *agencies, size_t nagencies)
{
	sqlite3_stmt *st;
	int own, rc = -1;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_SET_ROLE)) == NULL)
		goto out;
	sqlite3_bind_int(st, 1, (int)role);
	sqlite3_bind_int64(st, 2, id);
	if (sq_step_done(s, st, "writing role") == -1)
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		sq_tx_end(s, own, 0);
		return 1;
	}
	rc = put_agencies(s, id, agencies, nagencies);
out:
	return sq_tx_end(s, own, rc == 0);
}

int
store_session_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t user,
    const char *csrf, int64_t now, int64_t expires)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_SESSION_INSERT)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sq_bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires);
	return sq_step_done(s, st, "writing session");
}

int
store_session_find(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now,
    int64_t *user, char *csrf, size_t csrflen)
{
	struct sq_id_text o = { user, csrf, csrflen };
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_SESSION_FIND)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return sq_row(s, st, "reading session", sq_id_text_row, &o);
}

int
store_session_delete(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now)
{
	sqlite3_stmt *st;
	int own, rc = -1;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_SESSION_DEL)) == NULL)
		goto out;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	if (sq_step_done(s, st, "removing session") == -1 ||
	    (st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_SESSION_DEL_OLD)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	rc = sq_step_done(s, st, "removing expired sessions");
out:
	return sq_tx_end(s, own, rc == 0);
}

int
store_session_delete_user(struct store *s, int64_t user)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_SESSION_DEL_USER)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	return sq_step_done(s, st, "removing sessions");
}

int
store_user_by_email(struct store *s, const char *email,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	return user_by_text(s, A_USER_BY_EMAIL, email, fn, arg);
}

int
store_user_set_profile(struct store *s, int64_t id, const char *email,
    const char *name, int confirmed)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_SET_PROFILE)) == NULL)
		return -1;
	sq_bind_text(st, 1, email);
	sq_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, confirmed);
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 1;
	if (rc != SQLITE_DONE) {
		sq_set_err(s, "writing the user's profile");
		return -1;
	}
	return 0;
}

/* Run statement idx of this module with one integer bound. */
static int
exec_id(struct store *s, int idx, int64_t id, const char *what)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, idx)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_step_done(s, st, what);
}

int
store_user_confirm(struct store *s, int64_t id)
{
	return exec_id(s, A_USER_CONFIRM, id, "confirming the user");
}

int
store_token_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t user,
    int kind, int64_t now, int64_t expires)
{
	sqlite3_stmt *st;
	int own, rc = -1;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	/* One live token of a kind per user: a new one replaces it. */
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_TOKEN_DEL_USER)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, kind);
	if (sq_step_done(s, st, "replacing the token") == -1 ||
	    exec_id(s, A_TOKEN_DEL_OLD, now, "removing expired tokens") == -1 ||
	    (st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_TOKEN_INSERT)) == NULL)
		goto out;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int(st, 3, kind);
	sqlite3_bind_int64(st, 4, expires);
	rc = sq_step_done(s, st, "writing the token");
out:
	return sq_tx_end(s, own, rc == 0);
}

int
store_token_take(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int kind, int64_t now,
    int64_t *user)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_TOKEN_TAKE)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, now);
	return sq_row(s, st, "taking the token", sq_int64_row, user);
}

int
store_user_report_link(struct store *s, int64_t user, int64_t report)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_REPORT_LINK)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, user);
	return sq_step_done(s, st, "linking the report to its account");
}

/* What user_report_row collects. */
struct id_list {
	int64_t *ids;
	size_t n;
	size_t max;
};

static int
user_report_row(sqlite3_stmt *st, void *arg)
{
	struct id_list *l = arg;

	if (l->n < l->max)
		l->ids[l->n++] = sqlite3_column_int64(st, 0);
	return 0;
}

int
store_user_reports(struct store *s, int64_t user, int64_t *ids, size_t max,
    size_t *n)
{
	struct id_list l = { ids, 0, max };
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_REPORTS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	rc = sq_rows(s, st, "reading the account's reports", user_report_row,
	    &l);
	*n = l.n;
	return rc;
}

int
store_user_delete(struct store *s, int64_t id)
{
	static const int steps[] = { A_USER_ERASE_CONTACTS, A_USER_UNLINK,
	    A_SESSION_DEL_USER, A_USER_AGENCIES_DEL, A_AGENCIES_DEL,
	    A_USER_DELETE };
	size_t i;
	int own, rc = 0;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	for (i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
		rc = exec_id(s, steps[i], id, "deleting the user");
	return sq_tx_end(s, own, rc == 0);
}

int
store_held_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], const char *payload,
    const char *photos, int64_t expires)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_HELD_INSERT)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sq_bind_text(st, 2, payload);
	sqlite3_bind_int64(st, 3, expires);
	sq_bind_text(st, 4, photos != NULL ? photos : "");
	return sq_step_done(s, st, "holding the report");
}

/* The photo lists of the held reports an expiry removes. */
struct expired {
	char *ids;                      /* space-separated, malloc'd */
	size_t len, cap;
	size_t n;                       /* held reports */
};

static int
expired_row(sqlite3_stmt *st, void *arg)
{
	struct expired *x = arg;
	const char *p = sq_col_text(st, 0);
	size_t n = p != NULL ? strlen(p) : 0;

	x->n++;
	if (n == 0)
		return 0;
	if (x->len + n + 2 > x->cap) {
		size_t cap = (x->cap + n + 2) * 2;
		char *q = realloc(x->ids, cap);

		if (q == NULL)
			return -1;
		x->ids = q;
		x->cap = cap;
	}
	memcpy(x->ids + x->len, p, n);
	x->len += n;
	x->ids[x->len++] = ' ';
	x->ids[x->len] = '\0';
	return 0;
}

int
store_held_expire(struct store *s, int64_t now, size_t max,
    void (*fn)(const char *photo, void *), void *arg, size_t *n)
{
	struct expired x = { NULL, 0, 0, 0 };
	sqlite3_stmt *st;
	char *id;
	size_t i;
	int own, rc = -1;

	*n = 0;
	if (sq_tx_begin(s, &own) == -1)
		return -1;
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_HELD_EXPIRE)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	if (sq_rows(s, st, "expiring held reports", expired_row, &x) != 0)
		goto out;
	/* One NUL-terminated id after another. */
	for (i = 0; i < x.len; i++)
		if (x.ids[i] == ' ')
			x.ids[i] = '\0';
	rc = 0;
	for (id = x.ids; rc == 0 && id != NULL && id < x.ids + x.len;
	    id += strlen(id) + 1) {
		if (*id == '\0')
			continue;
		if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_PHOTO_DELETE)) ==
		    NULL) {
			rc = -1;
			break;
		}
		sq_bind_text(st, 1, id);
		rc = sq_step_done(s, st, "removing a held report's photo");
	}
out:
	if (sq_tx_end(s, own, rc == 0) == -1)
		rc = -1;
	/* The files go once their rows are gone for good. */
	if (rc == 0) {
		*n = x.n;
		for (id = x.ids; fn != NULL && id != NULL && id < x.ids + x.len;
		    id += strlen(id) + 1)
			if (*id != '\0')
				fn(id, arg);
	}
	free(x.ids);
	return rc;
}

static int
held_row(sqlite3_stmt *st, void *arg)
{
	char **out = arg;
	const char *p = sq_col_text(st, 0);

	return (*out = strdup(p != NULL ? p : "")) == NULL ? -1 : 0;
}

int
store_held_take(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now,
    char **payload)
{
	sqlite3_stmt *st;

	*payload = NULL;
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_HELD_TAKE)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, STORE_SESSION_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return sq_row(s, st, "taking the held report", held_row, payload);
}

int
store_report_lang_put(struct store *s, int64_t report, const char *lang)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_LANG_PUT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	sq_bind_text(st, 2, lang);
	return sq_step_done(s, st, "recording the report's language");
}

/* Column 0 into a char[8]. */
static int
lang_row(sqlite3_stmt *st, void *arg)
{
	const char *v = sq_col_text(st, 0);

	snprintf(arg, 8, "%s", v != NULL ? v : "");
	return 0;
}

int
store_report_lang_get(struct store *s, int64_t report, char lang[8])
{
	sqlite3_stmt *st;

	lang[0] = '\0';
	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_LANG_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report);
	return sq_row(s, st, "reading the report's language", lang_row, lang);
}
