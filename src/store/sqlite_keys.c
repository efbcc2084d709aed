/*
 * sqlite_keys.c: API keys (see store.h), on the statement layer (sql.h):
 * the same statements on SQLite and PostgreSQL.  Only a key's hash is
 * stored.  The table is the core schema's (sqlite.c; sql_store.c for
 * PostgreSQL).
 */
#include <stdio.h>

#include "store/sql_store.h"
#include "store/store.h"

enum {
	ST_APIKEY_INSERT,
	ST_APIKEY_FIND,
	ST_APIKEY_LIST,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_APIKEY_INSERT] = "INSERT INTO apikeys(name, agency, hash, created) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[ST_APIKEY_FIND] = "SELECT name, coalesce(agency, '') FROM apikeys "
	    "WHERE hash = ?1 AND revoked IS NULL",
	[ST_APIKEY_LIST] = "SELECT name, coalesce(agency, ''), created, "
	    "revoked IS NOT NULL FROM apikeys ORDER BY id",
};

const struct stmt_table store_keys_stmts = { stmt_sql, ST__MAX };

int
store_apikey_insert(struct store *s, const char *name, const char *agency,
    const unsigned char hash[STORE_KEY_HASH_LEN], int64_t now)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_KEYS, ST_APIKEY_INSERT);

	sql_bind_text(st, 1, name);
	sql_bind_text(st, 2, agency);
	sql_bind_blob(st, 3, hash, STORE_KEY_HASH_LEN);
	sql_bind_int64(st, 4, now);
	return ss_done(s, st, "writing API key");
}

/* Where store_apikey_find copies a key's name and agency. */
struct apikey_out {
	char *name, *agency;
	size_t namelen, agencylen;
};

static int
apikey_row(struct sql_stmt *st, void *arg)
{
	const struct apikey_out *o = arg;

	snprintf(o->name, o->namelen, "%s", sql_column_text(st, 0));
	snprintf(o->agency, o->agencylen, "%s", sql_column_text(st, 1));
	return 0;
}

int
store_apikey_find(struct store *s,
    const unsigned char hash[STORE_KEY_HASH_LEN], char *name, size_t namelen,
    char *agency, size_t agencylen)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_KEYS, ST_APIKEY_FIND);
	struct apikey_out o = { name, agency, namelen, agencylen };

	sql_bind_blob(st, 1, hash, STORE_KEY_HASH_LEN);
	return ss_row(s, st, "reading API key", apikey_row, &o);
}

/* What apikey_each_row hands a key to. */
struct apikey_rows {
	int (*fn)(const struct store_apikey *, void *);
	void *arg;
};

static int
apikey_each_row(struct sql_stmt *st, void *arg)
{
	const struct apikey_rows *e = arg;
	struct store_apikey k;

	k.name = sql_column_text(st, 0);
	k.agency = sql_column_text(st, 1);
	k.created = sql_column_int64(st, 2);
	k.revoked = sql_column_int(st, 3);
	return e->fn(&k, e->arg);
}

int
store_apikey_each(struct store *s, int (*fn)(const struct store_apikey *,
    void *), void *arg)
{
	struct apikey_rows e = { fn, arg };

	return ss_rows(s, ss_stmt(s, STORE_MOD_KEYS, ST_APIKEY_LIST),
	    "reading API keys", apikey_each_row, &e);
}
