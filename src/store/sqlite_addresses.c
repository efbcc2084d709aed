/*
 * sqlite_addresses.c: the address registry (see store.h), on the
 * statement layer (sql.h): known addresses with their points, searched by
 * words.  The tables are the core schema's (sqlite.c; sql_store.c for
 * PostgreSQL, where address_fts is a table with a tsvector instead of
 * FTS5 and the search its own text).
 */
#include "base/str.h"
#include "store/sql_store.h"
#include "store/store.h"

enum {
	ST_ADDRESS_INSERT,
	ST_ADDRESS_MOVE,
	ST_ADDRESS_FTS_PUT,
	ST_ADDRESS_SEARCH,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_ADDRESS_INSERT] = "INSERT INTO addresses(address, lat, lon) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(address) DO NOTHING RETURNING id",
	[ST_ADDRESS_MOVE] = "UPDATE addresses SET lat = ?1, lon = ?2 "
	    "WHERE address = ?3",
	[ST_ADDRESS_FTS_PUT] = "INSERT INTO address_fts(rowid, address) "
	    "VALUES (?1, ?2)",
	[ST_ADDRESS_SEARCH] = "SELECT a.address, a.lat, a.lon FROM address_fts "
	    "f JOIN addresses a ON a.id = f.rowid WHERE address_fts MATCH ?1 "
	    "ORDER BY f.rank, a.address LIMIT ?2",
};

/* Where PostgreSQL's dialect differs: the tsvector search, LIMIT ALL. */
static const char *const stmt_pg[ST__MAX] = {
	[ST_ADDRESS_SEARCH] = "SELECT a.address, a.lat, a.lon FROM address_fts "
	    "f JOIN addresses a ON a.id = f.rowid "
	    "WHERE f.fts @@ veche_match(?1, 'simple') "
	    "ORDER BY ts_rank(f.fts, veche_match(?1, 'simple')) DESC, "
	    "a.address LIMIT nullif(?2, -1)",
};

const struct stmt_table store_addresses_stmts = { stmt_sql, ST__MAX };
const struct stmt_table store_addresses_stmts_pg = { stmt_pg, ST__MAX };

static int
address_put(struct store *s, const char *address, double lat, double lon)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_ADDRESSES,
	    ST_ADDRESS_INSERT);
	int64_t id = 0;
	int rc;

	sql_bind_text(st, 1, address);
	sql_bind_double(st, 2, lat);
	sql_bind_double(st, 3, lon);
	if ((rc = ss_row(s, st, "writing an address", ss_int64_row,
	    &id)) == -1)
		return -1;
	if (rc == 1) {
		/* Known already: the file may have moved its point. */
		st = ss_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_MOVE);
		sql_bind_double(st, 1, lat);
		sql_bind_double(st, 2, lon);
		sql_bind_text(st, 3, address);
		return ss_done(s, st, "moving an address");
	}
	st = ss_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_FTS_PUT);
	sql_bind_int64(st, 1, id);
	sql_bind_text(st, 2, address);
	return ss_done(s, st, "indexing an address");
}

int
store_address_put(struct store *s, const char *address, double lat,
    double lon)
{
	int own;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, address_put(s, address, lat, lon) == 0);
}

/* What address_row hands an address to. */
struct address_rows {
	int (*fn)(const char *, double, double, void *);
	void *arg;
};

static int
address_row(struct sql_stmt *st, void *arg)
{
	const struct address_rows *e = arg;

	return e->fn(sql_column_text(st, 0), sql_column_double(st, 1),
	    sql_column_double(st, 2), e->arg);
}

int
store_address_search(struct store *s, const char *match, size_t limit,
    int (*fn)(const char *, double, double, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_ADDRESSES,
	    ST_ADDRESS_SEARCH);
	struct address_rows e = { fn, arg };

	/* PostgreSQL refuses bytes that are not UTF-8; no address holds
	 * them, so nothing matches (as on SQLite). */
	if (s->db == NULL && match != NULL && !str_utf8_valid(match))
		return 0;
	sql_bind_text(st, 1, match);
	sql_bind_int64(st, 2, limit ? (int64_t)limit : -1);
	return ss_rows(s, st, "searching addresses", address_row, &e);
}
