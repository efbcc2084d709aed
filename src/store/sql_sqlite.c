/*
 * sql_sqlite.c: the SQLite half of the statement layer (sql.h).  It wraps
 * the store's own connection and statement cache (sqlite.c): it opens,
 * closes and finalizes nothing, and prepares only into slots the cache
 * left empty, so a converted module steps the very sqlite3_stmt an
 * unconverted one would.  Binding, stepping and reading are sql.h's
 * inline calls.
 */
#include <stdlib.h>

#include "store/sql.h"

struct sql_conn *
sql_conn_sqlite(sqlite3 *db, sqlite3_stmt **cache, size_t slots)
{
	struct sql_conn *c;
	size_t k;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->stmt = calloc(slots ? slots : 1, sizeof(*c->stmt))) == NULL) {
		free(c);
		return NULL;
	}
	c->engine = SQL_SQLITE;
	c->lite = db;
	c->cache = cache;
	c->slots = slots;
	for (k = 0; k < slots; k++)
		c->stmt[k].lite = cache[k];
	return c;
}

int
sql_lite_exec(struct sql_conn *c, const char *sql)
{
	/* sqlite3_errmsg (sql_errmsg) keeps the failure's message. */
	return sqlite3_exec(c->lite, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	    -1;
}

int
sql_lite_prepare(struct sql_conn *c, size_t k, const char *sql)
{
	if (c->cache[k] == NULL && sqlite3_prepare_v3(c->lite, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &c->cache[k], NULL) != SQLITE_OK) {
		c->cache[k] = NULL;
		return -1;
	}
	c->stmt[k].lite = c->cache[k];
	return 0;
}
