/*
 * store_replica.h: where a PostgreSQL server stands in its write-ahead log,
 * for reading from a streaming replica while a client still reads its own
 * writes (docs/scaling.md, "Read replicas").
 *
 * A position is a byte offset into the WAL (PostgreSQL's pg_lsn as a
 * number).  On a primary it is the end of what has been written, so read
 * right after a commit it covers that commit; on a hot standby it is the
 * end of what has been replayed, so a standby whose position is at or past
 * a commit's shows that commit.  SQLite has no replicas: nothing here
 * works on a SQLite store.
 */
#ifndef VECHE_STORE_REPLICA_H
#define VECHE_STORE_REPLICA_H

#include <stdint.h>

struct store;
struct store_wal;

/*
 * A reader of s's WAL position, its statement prepared once; it lives no
 * longer than s.  NULL with store_error(s) on a SQLite store ("no WAL
 * positions on SQLite") or a failed prepare.  Free with store_wal_free
 * (accepts NULL).
 */
struct store_wal *store_wal_new(struct store *s);
void store_wal_free(struct store_wal *w);

/*
 * The server's position now into *lsn and whether it is a standby into
 * *standby (1) or a primary (0): 0, or -1 with store_error of the store.
 * A standby that has replayed nothing yet says 0.
 */
int store_wal_position(struct store_wal *w, uint64_t *lsn, int *standby);

#endif
