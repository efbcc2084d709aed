/*
 * store_bulk.h: loading many reports at once (veche seed, serve --demo).
 *
 * Between store_bulk_begin and store_bulk_end the connection writes reports
 * as fast as SQLite allows, for a database no one depends on yet:
 *   - synchronous=OFF and a large page cache (VECHE_SEED_CACHE_KIB_NEG);
 *   - report rows skip their search (FTS5) and spatial (R*Tree) entries,
 *     which store_bulk_end adds for every report written since begin in
 *     two statements, without the per-statement flushes of FTS5;
 *   - when the load is larger than what is there, the secondary indexes
 *     of reports, report_updates and events are dropped at begin and made
 *     again, sorted once, at end;
 *   - into a fresh database (a file, its R*Tree empty), the R*Tree is built
 *     by a thread from each committed transaction's points, as
 *     report_insert stored them, handed to it by store_bulk_committed and
 *     packed whole once the loop ends (rtree_pack.h: the same rows, full
 *     nodes), and the text index by another, each in a file of its own
 *     beside the database (DB-bulkgeo, DB-bulktext, deleted at the end),
 *     whose tables are then copied into the database's.  When no search
 *     key is there yet, each report's text is kept in memory as it is
 *     written and the text thread starts as soon as the loop ends, giving
 *     each text the key BK_SEARCH_KEYS would (its place in its second, by
 *     id) without reading the database, and the search keys are written
 *     from the same sorted texts; otherwise it starts while store_bulk_end
 *     makes the indexes again and reads the texts from the database.  The
 *     rows are BK_GEO's and BK_TEXT's.  Should a thread fail, the SQL way
 *     does it;
 *   - a fresh database's loop also runs without a journal (journal_mode
 *     OFF: each page written once, no WAL to copy back), marked by the
 *     setting bulk_load_unfinished, committed and synced at begin;
 *     store_bulk_end puts WAL back for its own work and deletes the mark
 *     last, once the file is whole and synced;
 *   - in that loop, the only writer, each report's row is held until its
 *     status is final and written once (no UPDATE per status change; no
 *     foreign key checks, its other rows coming first), and, when no event
 *     is there yet and none makes a delivery (no subscription, no mail),
 *     the events, the audit entries (the chain going on in memory) and the
 *     reports' history are written by a thread under the ids the tables
 *     would give, into a copy of the database made as the load starts
 *     (DB-bulkside, VACUUM INTO, its triggers dropped), and every dropped
 *     index made there; at the end the loader's tables (the reports, their
 *     contacts, search keys and the like, with the indexes made meanwhile),
 *     the R*Tree's and the text index's are copied into that file whole
 *     (SQLite's transfer of records), the triggers made again, and the
 *     file renamed over the database, which the store opens again
 *     (sq_replace_file): the events, history and audit entries, two
 *     thirds of a seeded file's bytes, are written once.  A failure of
 *     that thread fails the load (its rows exist nowhere else).
 * Everything else (rows, history, audit, outbox) is written as usual, by
 * the usual functions, in the caller's transactions (store_begin/commit).
 * store_bulk_end puts synchronous=FULL and the usual cache back, and
 * checkpoints the WAL into the database file, synced.
 *
 * A crash between begin and end can leave a database without some indexes
 * or search entries, and a fresh one damaged: it keeps its mark, which
 * store_bulk_begin and store_bulk_unfinished report; load again into a
 * fresh file.  Readers of a served file meanwhile see correct answers,
 * slowly.
 *
 * Conventions as in store.h: 0 on success, -1 with store_error() on
 * failure.
 */
#ifndef VECHE_STORE_BULK_H
#define VECHE_STORE_BULK_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_bulk;

/*
 * Start a load of about n reports on s, outside a transaction.  Returns the
 * load's state (the caller passes it to store_bulk_end, which frees it), or
 * NULL with store_error() (s is then as before).
 */
struct store_bulk *store_bulk_begin(struct store *s, size_t n);

/*
 * Say that the caller has just committed a transaction of the load: a
 * helper thread builds the R*Tree of a fresh database from the committed
 * reports while the load goes on.  b may be NULL.
 */
void store_bulk_committed(struct store_bulk *b);

/*
 * Finish the load, outside a transaction: index the reports written since
 * store_bulk_begin (committed ones; the caller rolled back the rest), make
 * the dropped indexes again, restore the connection's settings and
 * checkpoint.  Frees b (NULL: nothing to do, returns 0).  Returns 0, or -1
 * with store_error(); the settings are restored either way.
 */
int store_bulk_end(struct store *s, struct store_bulk *b);

/*
 * 1 if the file at path holds a bulk load that did not finish (a fresh
 * load writes without a journal, marked until store_bulk_end has made the
 * database whole; a crash leaves the mark), with err saying so; else 0
 * (also when path is not a database).  Read on a connection of its own,
 * before store_open: such a file may lack indexes its statements name.
 */
int store_bulk_unfinished(const char *path, char *err, size_t errlen);

/*
 * The store the load's rows go to, between store_bulk_begin and
 * store_bulk_end: s, or for a large load into a PostgreSQL database
 * without reports a scratch SQLite file that store_bulk_end copies into s
 * by COPY in one transaction and deletes (sql_bulk_pg.c).  Owned by the
 * load: write to it, never close it.
 */
struct store *store_bulk_store(struct store *s, struct store_bulk *b);

/*
 * Have fn (NULL: none) told, during a store_bulk_end that copies a
 * scratch file in, the rows copied so far of total.  Nothing happens
 * for any other load.
 */
void store_bulk_on_copy(struct store *s, void (*fn)(int64_t rows,
    int64_t total, void *arg), void *arg);

#endif
