/*
 * db.h: the database connection as the layers above core see it.
 *
 * api and the command line never include a store header (docs/
 * architecture.md, Reads go through core); they open, share and close
 * connections, back up and restore the database file through these thin
 * verbs, and read everything else through the domain modules (report.h,
 * workflow.h, social.h, delivery.h ...).  The connection itself stays the
 * opaque struct store: the wiring (app.c, main.c, the CLI) owns it.
 */
#ifndef VECHE_DB_H
#define VECHE_DB_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_writer;

/*
 * Open (creating and migrating if needed) the database at path.  Returns
 * the connection, owned by the caller (db_close), or NULL with a message in
 * err.
 */
struct store *db_open(const char *path, char *err, size_t errlen);

/*
 * Whether path is a PostgreSQL URL (postgresql://, postgres://) rather
 * than a file: then nothing lives "next to the database".
 */
int db_is_url(const char *path);

/* Close and free.  Accepts NULL. */
void db_close(struct store *s);

/* The last error's message on this connection, for logs (never NULL). */
const char *db_error(const struct store *s);

/*
 * The deployment's key called name (a setting of 64 hex digits, made of
 * random bytes on first use and kept in the database, so every process
 * on it signs alike) into key: 0, or -1 with db_error.
 */
#define DB_KEY_BYTES 32
int db_key(struct store *s, const char *name,
    unsigned char key[DB_KEY_BYTES]);

/*
 * The writer the connections of one process share (write transactions
 * queue on it and share commits).  NULL when out of memory; free with
 * db_writer_free (accepts NULL) after every connection attached to it.
 */
struct store_writer *db_writer_new(void);
void db_writer_free(struct store_writer *w);
void db_set_writer(struct store *s, struct store_writer *w);

/*
 * Deferred durability (store.h's store_defer_sync): with on set, an atomic
 * write on s returns once its unit has run; db_write_pending gives its ticket
 * (0: none) and db_durable_notify calls fn(arg, ok) once it is on disk
 * (1), or says it already is (0) or could not be made so (-1);
 * db_durable_wait waits for it (0, or -1 when it could not be).
 */
void db_defer_sync(struct store *s, int on);
uint64_t db_write_pending(struct store *s);
int db_durable_notify(struct store *s, uint64_t ticket,
    void (*fn)(void *, int), void *arg);
int db_durable_wait(struct store *s, uint64_t ticket);

/*
 * Whether anything was committed through any connection (another
 * process's too) since the response cache last asked on this connection:
 * 1, 0 or -1 (db_error).  The cache's own cursor (store_changed).
 */
int db_changed(struct store *s);

/* How many times a connection of this process waited for the lock. */
uint64_t db_busy_retries(void);

/*
 * Copy the database behind s to path, step pages at a time, calling
 * progress (may be NULL) after each step.  Returns 0 or -1 (db_error).
 */
int db_backup(struct store *s, const char *path, int step,
    void (*progress)(int done, int total, void *), void *arg);

/*
 * Replace the database file db with the database file from.  Returns 0,
 * 1 when db is in use (nothing changed), or -1 with a message in err.
 */
int db_restore_file(const char *from, const char *db, char *err,
    size_t errlen);

/* The integrity check: 0 when sound, 1 with the first problem in buf. */
int db_integrity(struct store *s, char *buf, size_t len);

/*
 * veche migrate (store/store_copy.h has the whole story): open the
 * PostgreSQL target at url with the converted modules' schema
 * (db_copy_target; skipped lists the modules whose schema waits for an
 * unconverted one) or with their statements too (db_copy_open_full, NULL
 * while some cannot be prepared); copy from into to and fill r (0 all
 * copied, 1 tables or columns left behind, -1 with err); count both
 * sides' rows into r (0 equal, 1 not, -1); whether s can run the audit
 * log's verification.
 */
struct copy_opts;
struct copy_report;
struct store *db_copy_target(const char *url, char *skipped,
    size_t skippedlen, char *err, size_t errlen);
struct store *db_copy_open_full(const char *url, char *err, size_t errlen);
int db_copy(struct store *from, struct store *to, const struct copy_opts *o,
    struct copy_report *r, char *err, size_t errlen);
int db_copy_verify(struct store *from, struct store *to,
    struct copy_report *r, char *err, size_t errlen);
int db_copy_has_audit(struct store *s);

/*
 * Read replicas (store/store_replica.h; docs/scaling.md, "Read
 * replicas"): a reader of a PostgreSQL server's WAL position on its own
 * connection (NULL with err for a path or an unreachable server); the
 * position, a primary's written or a standby's replayed, and which kind
 * it is (0, or -1 with db_wal_error: close it and open another); whether
 * an idle store's connection is still whole (1; 0 when its server has
 * closed it).
 */
struct store_wal;
struct store_wal *db_wal_open(const char *url, char *err, size_t errlen);
void db_wal_close(struct store_wal *w);
int db_wal_position(struct store_wal *w, uint64_t *lsn, int *standby);
const char *db_wal_error(const struct store_wal *w);
int db_idle_ok(struct store *s);

/*
 * A PostgreSQL server gone away (store_replica.h): whether s's connection
 * is lost now (1) and how many servers this process finds down; both 0 on
 * SQLite.  A request failing meanwhile answers 503 with Retry-After
 * (routes_after) and is not logged one by one (the store logs the loss
 * and the return once).
 */
int db_unavailable(const struct store *s);
int db_outage(void);

#endif
