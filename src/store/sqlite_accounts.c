/*
 * sqlite_accounts.c: the accounts module of the SQLite backend (see
 * sqlite_internal.h and store_accounts.h): users, the agencies they are
 * bound to, and sessions.
 */
#include <stdio.h>
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
	A__MAX
};

static const char *const sql[A__MAX] = {
	[A_USER_INSERT] = "INSERT INTO users(login, pwhash, role, created) "
	    "VALUES (?, ?, ?, ?)",
	[A_AGENCY_INSERT] = "INSERT OR IGNORE INTO user_agencies(user, agency) "
	    "VALUES (?, ?)",
	[A_AGENCIES_DEL] = "DELETE FROM user_agencies WHERE user = ?",
	[A_USER_BY_LOGIN] = "SELECT id, login, pwhash, role, disabled, created "
	    "FROM users WHERE login = ?",
	[A_USER_BY_ID] = "SELECT id, login, pwhash, role, disabled, created "
	    "FROM users WHERE id = ?",
	[A_USER_ALL] = "SELECT id, login, pwhash, role, disabled, created "
	    "FROM users ORDER BY id",
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

int
store_user_by_login(struct store *s, const char *login,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(s, STORE_MOD_ACCOUNTS, A_USER_BY_LOGIN)) == NULL)
		return -1;
	sq_bind_text(st, 1, login);
	return users_from(s, st, 1, fn, arg);
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
