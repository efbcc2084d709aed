/*
 * store_replica.h: where a PostgreSQL server stands in its write-ahead log,
 * for reading from a streaming replica while a client still reads its own
 * writes (docs/scaling.md, "Read replicas").
 *
 * A position is a byte offset into the WAL (PostgreSQL's pg_lsn as a
 * number).  On a primary it is the end of what has been written, so read
 * right after a commit it covers that commit; on a hot standby it is the
 * end of what has been replayed, so a standby whose position is at or past
 * a commit's shows that commit.  SQLite has no replicas.
 */
#ifndef VECHE_STORE_REPLICA_H
#define VECHE_STORE_REPLICA_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_wal;

/*
 * A reader of the WAL position of the server at url, on a connection of
 * its own, its statement prepared once.  NULL with err for a SQLite path
 * ("read replicas need PostgreSQL") or a server that cannot be reached.
 * Close with store_wal_close (accepts NULL).
 */
struct store_wal *store_wal_open(const char *url, char *err, size_t errlen);
void store_wal_close(struct store_wal *w);

/*
 * The server's position now into *lsn and whether it is a standby into
 * *standby (1) or a primary (0): 0, or -1 with store_wal_error.  A standby
 * that has replayed nothing yet says 0.  After an error the connection
 * may be gone: close the reader and open another.
 */
int store_wal_position(struct store_wal *w, uint64_t *lsn, int *standby);
const char *store_wal_error(const struct store_wal *w);

/*
 * Whether an idle PostgreSQL store's connection is still whole: 0 when
 * its server has sent something unasked (a shut-down server's farewell,
 * or the end of the connection), which a store that listens for nothing
 * (a standby's) never otherwise receives; else 1 (always on SQLite).
 * Never waits.
 */
int store_idle_ok(struct store *s);

/*
 * A PostgreSQL server that went away (a restart, a failover): store_
 * unavailable is 1 while s's connection is lost (its last call failed for
 * it and no new session answered yet; the next call tries again), else 0
 * (always on SQLite); store_outage the number of servers this process
 * finds down now (docs/operations.md, "PostgreSQL restarts").
 */
int store_unavailable(const struct store *s);
int store_outage(void);

#endif
