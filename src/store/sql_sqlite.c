/*
 * sql_sqlite.c: the SQLite half of the statement layer (sql.h).  It wraps
 * the store's own connection and statement cache (sqlite.c): it opens,
 * prepares and finalizes nothing, so a converted module steps the very
 * sqlite3_stmt an unconverted one would.
 */
#include <stdlib.h>

#include "store/sql.h"

struct sql_conn *
sql_conn_sqlite(sqlite3 *db, sqlite3_stmt *const *cache, size_t slots)
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
