/*
 * sqlite_addresses.c: the address registry in the SQLite backend (see
 * sqlite_internal.h and store.h): known addresses with their points,
 * searched by words (FTS5).  The tables are the core schema's (sqlite.c).
 */
#include "store/sqlite_internal.h"
#include "store/store.h"

enum {
	ST_ADDRESS_INSERT,
	ST_ADDRESS_MOVE,
	ST_ADDRESS_FTS_PUT,
	ST_ADDRESS_SEARCH,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_ADDRESS_INSERT] = "INSERT OR IGNORE INTO addresses(address, lat, "
	    "lon) VALUES (?, ?, ?)",
	[ST_ADDRESS_MOVE] = "UPDATE addresses SET lat = ?, lon = ? "
	    "WHERE address = ?",
	[ST_ADDRESS_FTS_PUT] = "INSERT INTO address_fts(rowid, address) "
	    "VALUES (?, ?)",
	[ST_ADDRESS_SEARCH] = "SELECT a.address, a.lat, a.lon FROM address_fts "
	    "f JOIN addresses a ON a.id = f.rowid WHERE address_fts MATCH ? "
	    "ORDER BY f.rank, a.address LIMIT ?",
};

const struct stmt_table store_addresses_stmts = { stmt_sql, ST__MAX };

static int
address_put(struct store *s, const char *address, double lat, double lon)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_INSERT);

	sq_bind_text(st, 1, address);
	sqlite3_bind_double(st, 2, lat);
	sqlite3_bind_double(st, 3, lon);
	if (sq_step_done(s, st, "writing an address") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		/* Known already: the file may have moved its point. */
		st = sq_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_MOVE);
		sqlite3_bind_double(st, 1, lat);
		sqlite3_bind_double(st, 2, lon);
		sq_bind_text(st, 3, address);
		return sq_step_done(s, st, "moving an address");
	}
	st = sq_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_FTS_PUT);
	sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(s->db));
	sq_bind_text(st, 2, address);
	return sq_step_done(s, st, "indexing an address");
}

int
store_address_put(struct store *s, const char *address, double lat,
    double lon)
{
	int own;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	return sq_tx_end(s, own, address_put(s, address, lat, lon) == 0);
}

/* What address_row hands an address to. */
struct address_rows {
	int (*fn)(const char *, double, double, void *);
	void *arg;
};

static int
address_row(sqlite3_stmt *st, void *arg)
{
	const struct address_rows *e = arg;

	return e->fn(sq_col_text(st, 0), sqlite3_column_double(st, 1),
	    sqlite3_column_double(st, 2), e->arg);
}

int
store_address_search(struct store *s, const char *match, size_t limit,
    int (*fn)(const char *, double, double, void *), void *arg)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_ADDRESSES, ST_ADDRESS_SEARCH);
	struct address_rows e = { fn, arg };

	sq_bind_text(st, 1, match);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	return sq_rows(s, st, "searching addresses", address_row, &e);
}
