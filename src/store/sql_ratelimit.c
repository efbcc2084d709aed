/*
 * sql_ratelimit.c: rate-limit counts in a shared database
 * (store_ratelimit.h), on the statement layer, PostgreSQL only.
 *
 * Both tables are UNLOGGED: no WAL per sign-in failure, and a crash of
 * the database server empties them, which a rate limit can afford (it
 * forgets some failures; nothing anyone was promised is lost).  Counts
 * go by fixed windows (rate_counts: key, window start, count), upserted
 * with ON CONFLICT ... DO UPDATE ... RETURNING, so hits of several
 * processes at once all count; blocks (rate_blocks) hold the end of a
 * key's last block and how many blocks its streak has had.  SQLite has
 * neither table nor statements: its one process counts in memory.
 */
#include <stdio.h>

#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_ratelimit.h"

static const char *const migrations_pg[] = {
	/* 1 (issue 16, several processes): counts and blocks. */
	"CREATE UNLOGGED TABLE rate_counts(key BYTEA NOT NULL,"
	" window_start BIGINT NOT NULL, count BIGINT NOT NULL,"
	" PRIMARY KEY(key, window_start));"
	"CREATE INDEX rate_counts_window ON rate_counts(window_start);"
	"CREATE UNLOGGED TABLE rate_blocks(key BYTEA PRIMARY KEY,"
	" blocks INTEGER NOT NULL, until BIGINT NOT NULL);"
	"CREATE INDEX rate_blocks_until ON rate_blocks(until);",
};

const struct migration_set store_ratelimit_schema_pg = {
	"ratelimit", migrations_pg,
	sizeof(migrations_pg) / sizeof(migrations_pg[0]),
};

enum rstmt {
	RS_HIT,
	RS_BLOCK,
	RS_BLOCKED,
	RS_CLEAR_COUNTS,
	RS_CLEAR_BLOCKS,
	RS_PRUNE_COUNTS,
	RS_PRUNE_BLOCKS,
	RS_LIVE,
	RS__MAX
};

_Static_assert(RS__MAX <= STORE_MOD_STMTS, "too many rate-limit statements");

/* None on SQLite (see the top). */
const struct stmt_table store_ratelimit_stmts = { NULL, 0 };

static const char *const rsql_pg[RS__MAX] = {
	[RS_HIT] = "INSERT INTO rate_counts(key, window_start, count)"
	    " VALUES (?1, ?2, 1) ON CONFLICT(key, window_start)"
	    " DO UPDATE SET count = rate_counts.count + 1 RETURNING count",
	/*
	 * The SET expressions see the row as it was: a streak goes on
	 * while the last block ended after ?3; the shift is bounded so
	 * that it cannot overflow before least() caps it.
	 */
	[RS_BLOCK] = "INSERT INTO rate_blocks(key, blocks, until)"
	    " VALUES (?1, 1, ?2::bigint + least(?4::bigint, ?5::bigint))"
	    " ON CONFLICT(key) DO UPDATE SET"
	    " blocks = CASE WHEN rate_blocks.until > ?3::bigint"
	    " THEN rate_blocks.blocks + 1 ELSE 1 END,"
	    " until = ?2::bigint + least(?4::bigint << least(CASE"
	    " WHEN rate_blocks.until > ?3::bigint THEN rate_blocks.blocks"
	    " ELSE 0 END, 32), ?5::bigint) RETURNING until",
	[RS_BLOCKED] = "SELECT until FROM rate_blocks WHERE key = ?1"
	    " AND until > ?2",
	[RS_CLEAR_COUNTS] = "DELETE FROM rate_counts WHERE key = ?1",
	[RS_CLEAR_BLOCKS] = "DELETE FROM rate_blocks WHERE key = ?1",
	[RS_PRUNE_COUNTS] = "DELETE FROM rate_counts WHERE window_start < ?1",
	[RS_PRUNE_BLOCKS] = "DELETE FROM rate_blocks WHERE until < ?1",
	[RS_LIVE] = "SELECT count(*) FROM (SELECT key FROM rate_counts"
	    " WHERE window_start >= ?1 UNION SELECT key FROM rate_blocks"
	    " WHERE until > ?2) AS k",
};

const struct stmt_table store_ratelimit_stmts_pg = { rsql_pg, RS__MAX };

/* Statement i, or NULL with s->err on SQLite (which counts in memory). */
static struct sql_stmt *
stmt(struct store *s, enum rstmt i)
{
	if (!store_ratelimit_shared(s)) {
		snprintf(s->err, sizeof(s->err), "rate limits are counted in "
		    "memory on SQLite, not in the store");
		return NULL;
	}
	return ss_stmt(s, STORE_MOD_RATELIMIT, i);
}

int
store_ratelimit_shared(const struct store *s)
{
	return s->db == NULL;
}

int
store_ratelimit_hit(struct store *s, const void *key, size_t keylen,
    int64_t window_start, int64_t *count)
{
	struct sql_stmt *st;

	*count = 0;
	if ((st = stmt(s, RS_HIT)) == NULL)
		return -1;
	sql_bind_blob(st, 1, key, keylen);
	sql_bind_int64(st, 2, window_start);
	return ss_row(s, st, "counting a rate-limit hit", ss_int64_row,
	    count) == 0 ? 0 : -1;
}

int
store_ratelimit_block(struct store *s, const void *key, size_t keylen,
    int64_t now, int64_t streak_since, int64_t delay, int64_t max_delay,
    int64_t *until)
{
	struct sql_stmt *st;

	*until = 0;
	if ((st = stmt(s, RS_BLOCK)) == NULL)
		return -1;
	sql_bind_blob(st, 1, key, keylen);
	sql_bind_int64(st, 2, now);
	sql_bind_int64(st, 3, streak_since);
	sql_bind_int64(st, 4, delay);
	sql_bind_int64(st, 5, max_delay);
	return ss_row(s, st, "blocking a rate-limit key", ss_int64_row,
	    until) == 0 ? 0 : -1;
}

int
store_ratelimit_blocked(struct store *s, const void *key, size_t keylen,
    int64_t now, int64_t *until)
{
	struct sql_stmt *st;
	int rc;

	*until = 0;
	if ((st = stmt(s, RS_BLOCKED)) == NULL)
		return -1;
	sql_bind_blob(st, 1, key, keylen);
	sql_bind_int64(st, 2, now);
	rc = ss_row(s, st, "reading a rate-limit block", ss_int64_row, until);
	return rc == 0 ? 1 : rc == 1 ? 0 : -1;
}

/*
 * Run statements a and b in one transaction, bound to key, or to va and
 * vb when key is NULL.
 */
static int
delete_both(struct store *s, enum rstmt a, enum rstmt b, const void *key,
    size_t keylen, int64_t va, int64_t vb, const char *what)
{
	struct sql_stmt *st;
	enum rstmt k[2] = { a, b };
	int64_t v[2] = { va, vb };
	int own, ok = 1, i;

	if (stmt(s, a) == NULL || ss_tx_begin(s, &own) == -1)
		return -1;
	for (i = 0; i < 2 && ok; i++) {
		if ((st = stmt(s, k[i])) == NULL) {
			ok = 0;
			break;
		}
		if (key != NULL)
			sql_bind_blob(st, 1, key, keylen);
		else
			sql_bind_int64(st, 1, v[i]);
		ok = ss_done(s, st, what) == 0;
	}
	return ss_tx_end(s, own, ok);
}

int
store_ratelimit_clear(struct store *s, const void *key, size_t keylen)
{
	return delete_both(s, RS_CLEAR_COUNTS, RS_CLEAR_BLOCKS, key, keylen,
	    0, 0, "forgetting a rate-limit key");
}

int
store_ratelimit_prune(struct store *s, int64_t window_start,
    int64_t ended_before)
{
	return delete_both(s, RS_PRUNE_COUNTS, RS_PRUNE_BLOCKS, NULL, 0,
	    window_start, ended_before, "pruning rate limits");
}

int
store_ratelimit_live(struct store *s, int64_t window_start,
    int64_t ended_after, int64_t *n)
{
	struct sql_stmt *st;

	*n = 0;
	if ((st = stmt(s, RS_LIVE)) == NULL)
		return -1;
	sql_bind_int64(st, 1, window_start);
	sql_bind_int64(st, 2, ended_after);
	return ss_row(s, st, "counting rate-limit keys", ss_int64_row,
	    n) == 0 ? 0 : -1;
}
