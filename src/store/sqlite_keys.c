/*
 * sqlite_keys.c: API keys in the SQLite backend (see sqlite_internal.h and
 * store.h).  Only a key's hash is stored.  The table is the core schema's
 * (sqlite.c).
 */
#include <stdio.h>

#include "store/sqlite_internal.h"
#include "store/store.h"

enum {
	ST_APIKEY_INSERT,
	ST_APIKEY_FIND,
	ST_APIKEY_LIST,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_APIKEY_INSERT] = "INSERT INTO apikeys(name, agency, hash, created) "
	    "VALUES (?, ?, ?, ?)",
	[ST_APIKEY_FIND] = "SELECT name, coalesce(agency, '') FROM apikeys "
	    "WHERE hash = ? AND revoked IS NULL",
	[ST_APIKEY_LIST] = "SELECT name, coalesce(agency, ''), created, "
	    "revoked IS NOT NULL FROM apikeys ORDER BY id",
};

const struct stmt_table store_keys_stmts = { stmt_sql, ST__MAX };

int
store_apikey_insert(struct store *s, const char *name, const char *agency,
    const unsigned char hash[STORE_KEY_HASH_LEN], int64_t now)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_KEYS, ST_APIKEY_INSERT);

	sq_bind_text(st, 1, name);
	sq_bind_text(st, 2, agency);
	sqlite3_bind_blob(st, 3, hash, STORE_KEY_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return sq_step_done(s, st, "writing API key");
}

/* Where store_apikey_find copies a key's name and agency. */
struct apikey_out {
	char *name, *agency;
	size_t namelen, agencylen;
};

static int
apikey_row(sqlite3_stmt *st, void *arg)
{
	const struct apikey_out *o = arg;

	snprintf(o->name, o->namelen, "%s", sq_col_text(st, 0));
	snprintf(o->agency, o->agencylen, "%s", sq_col_text(st, 1));
	return 0;
}

int
store_apikey_find(struct store *s,
    const unsigned char hash[STORE_KEY_HASH_LEN], char *name, size_t namelen,
    char *agency, size_t agencylen)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_KEYS, ST_APIKEY_FIND);
	struct apikey_out o = { name, agency, namelen, agencylen };

	sqlite3_bind_blob(st, 1, hash, STORE_KEY_HASH_LEN, SQLITE_STATIC);
	return sq_row(s, st, "reading API key", apikey_row, &o);
}

/* What apikey_each_row hands a key to. */
struct apikey_rows {
	int (*fn)(const struct store_apikey *, void *);
	void *arg;
};

static int
apikey_each_row(sqlite3_stmt *st, void *arg)
{
	const struct apikey_rows *e = arg;
	struct store_apikey k;

	k.name = sq_col_text(st, 0);
	k.agency = sq_col_text(st, 1);
	k.created = sqlite3_column_int64(st, 2);
	k.revoked = sqlite3_column_int(st, 3);
	return e->fn(&k, e->arg);
}

int
store_apikey_each(struct store *s, int (*fn)(const struct store_apikey *,
    void *), void *arg)
{
	struct apikey_rows e = { fn, arg };

	return sq_rows(s, sq_stmt(s, STORE_MOD_KEYS, ST_APIKEY_LIST),
	    "reading API keys", apikey_each_row, &e);
}
