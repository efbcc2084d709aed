/*
 * store.h: veche's persistence interface.
 *
 * One struct store is one connection: use it from one thread at a time
 * (the server opens one per worker thread).  Nothing here names SQLite, so
 * that another backend (PostgreSQL) can stand behind the same functions.
 *
 * Conventions:
 *  - Functions return 0 on success and -1 on failure; store_error() then
 *    says why.  Lookups return 1 for "not found".
 *  - Records handed to a callback (struct report, struct service ...) point
 *    into storage valid only during that call: copy what you keep.  A
 *    callback returning non-zero stops the iteration, and the function then
 *    returns that value.
 *  - Every write is one transaction: it happens whole or not at all.
 */
#ifndef VECHE_STORE_H
#define VECHE_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

/*
 * Open (creating if needed) the database at path (":memory:" for a private
 * in-memory one), apply pending migrations and prepare statements.  A
 * postgresql:// or postgres:// URL opens that PostgreSQL database instead
 * (docs/scaling.md); each store is one connection.  Returns the
 * connection or NULL with a message in err.  Free with store_close.
 */
struct store *store_open(const char *path, char *err, size_t errlen);

/* Whether db names a PostgreSQL database (a URL) rather than a file. */
int store_is_url(const char *db);

/* Close and free.  Accepts NULL. */
void store_close(struct store *s);

/*
 * The stemmer of the reports' text index (report_text): each word of a
 * report and of a search becomes its stem, so any form of a word finds the
 * others.  open makes the state of one connection's index (NULL: out of
 * memory), close frees it; stem writes the stem of the lower-case word w
 * (len bytes) to *out (owned by the state, valid until the next call) or
 * returns -1 out of memory.
 */
struct store_stemmer {
	void *(*open)(void);
	void (*close)(void *state);
	int (*stem)(void *state, const char *w, size_t len, const char **out,
	    size_t *outlen);
};

/*
 * Use st (static storage) for every store opened after this call: once,
 * at start-up, before any store_open.  Without it, words are indexed as
 * they are written (lower case).
 */
void store_set_stemmer(const struct store_stemmer *st);

/* The last error's message on this connection (never NULL). */
const char *store_error(const struct store *s);

/*
 * A writer is shared by the connections of one process.  It serialises
 * their write transactions on a mutex (writers queue in turn instead of
 * polling SQLite's busy handler) and lets store_atomic share one commit, and
 * so one fsync, between the units of work of several threads.
 */
struct store_writer;

/* A new writer, or NULL when out of memory.  Free with store_writer_free. */
struct store_writer *store_writer_new(void);
void store_writer_free(struct store_writer *w);

/* Attach s to w (w must outlive s); s's commits are then counted for
 * the store_changed of every connection of w. */
void store_set_writer(struct store *s, struct store_writer *w);

/*
 * Run fn(conn, arg) as one atomic unit of work and return when it is durably
 * committed (or has failed).  Returns fn's result: 0 when it succeeded and
 * was committed; otherwise nothing fn wrote remains.  With a writer attached,
 * units queued by other threads at the same time are run by one of them on
 * its own connection, each inside a savepoint, under a single COMMIT (group
 * commit): fn must therefore use only the connection it is given, and report
 * its own errors through arg.  For a database file that connection is the
 * writer's own (opened on first use, closed by store_writer_free), whose WAL
 * is checkpointed by a background thread rather than inside COMMIT.  Inside
 * an open transaction fn simply runs in it.  -1 from the commit itself
 * leaves the message in store_error(s).
 */
int store_atomic(struct store *s, int (*fn)(struct store *, void *),
    void *arg);

/*
 * Deferred durability, for a server that answers many clients per thread.
 * With on set, store_atomic on s returns once its unit has run in the
 * writer's open transaction, before that is committed and synced; it keeps
 * the transaction's number, the unit's ticket, for store_write_pending.
 * Other connections (s too) see the unit once it is committed, at the
 * latest when its ticket is on disk; the caller must not tell anyone of
 * the write before then.  Should the transaction fail after all (its
 * COMMIT or fsync), the ticket says so.
 */
void store_defer_sync(struct store *s, int on);

/*
 * The ticket of the last write store_atomic deferred on s since the last
 * call (and clears it), or 0 when there is none to wait for.
 */
uint64_t store_write_pending(struct store *s);

/*
 * Once ticket is on disk, call fn(arg, ok) from the writer's syncer thread
 * (ok 0: its fsync failed and the write may be lost); fn must be quick.
 * Returns 1 when fn will be called, 0 when the ticket is on disk already
 * (fn is not called), -1 when its fsync failed (fn is not called either).
 */
int store_durable_notify(struct store *s, uint64_t ticket,
    void (*fn)(void *, int), void *arg);

/* Wait until ticket is on disk: 0, or -1 when its fsync failed. */
int store_durable_wait(struct store *s, uint64_t ticket);

/*
 * The id of the HTTP request this connection is serving (copied; NULL or ""
 * for none).  Audit entries written on the connection, or by store_atomic
 * for it on another connection, carry it.
 */
void store_set_request_id(struct store *s, const char *id);
/* The id set above, "" for none (never NULL). */
const char *store_request_id(const struct store *s);

/* How many times a connection of this process waited for SQLite's lock. */
uint64_t store_busy_retries(void);

/*
 * Copy the database behind s into a new file at path, as it was at one
 * moment, while other connections go on writing.  The copy is written to
 * a temporary file next to path, step pages at a time (at least 1), synced,
 * and renamed over path.  progress
 * (may be NULL) is called after each step with the pages copied and the
 * total.  Returns 0, or -1 with store_error(s) set; path is then untouched.
 */
int store_backup(struct store *s, const char *path, int step,
    void (*progress)(int done, int total, void *), void *arg);

/*
 * Replace the contents of the database file db with those of the database
 * file from, in one transaction, provided no other connection has db open.
 * Returns 0, 1 when db is in use (nothing changed), or -1 with a message in
 * err.
 */
int store_restore_file(const char *from, const char *db, char *err,
    size_t errlen);

/* PRAGMA integrity_check: 0 when "ok", 1 with the first problem in buf. */
int store_integrity(struct store *s, char *buf, size_t len);

/* The schema version after migrations. */
int store_schema_version(struct store *s);

/* Explicit transactions, for writes that span several store calls. */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);
/* 1 if a transaction is open on this connection. */
int store_in_transaction(struct store *s);

/*
 * Settings (deployment configuration kept in the database).
 * store_setting_get copies the value into buf; returns 1 if unset.
 */
int store_setting_get(struct store *s, const char *key, char *buf,
    size_t buflen);
int store_setting_put(struct store *s, const char *key, const char *value);

/* Catalogue: services and agencies. */
int store_service_put(struct store *s, const struct service *svc);
int store_service_each(struct store *s,
    int (*fn)(const struct service *, void *), void *arg);
int store_agency_put(struct store *s, const struct agency *ag);
/* The same, leaving the agency's stored areas as they are (ag's ignored). */
int store_agency_update(struct store *s, const struct agency *ag);
int store_agency_each(struct store *s,
    int (*fn)(const struct agency *, void *), void *arg);
/*
 * Append a GeoJSON area (validated by the caller) to agency code's areas.
 * Returns 0, 1 if there is no such agency, or -1.
 */
int store_agency_area_add(struct store *s, const char *code,
    const char *geojson);
/*
 * Answer templates, oldest first.  store_template_put inserts t (t->id 0)
 * or updates the one with t->id, writing the id to *id (may be NULL);
 * both it and store_template_delete return 0, 1 when there is no such
 * template, or -1.
 */
int store_template_each(struct store *s,
    int (*fn)(const struct answer_template *, void *), void *arg);
int store_template_put(struct store *s, const struct answer_template *t,
    int64_t *id);
int store_template_delete(struct store *s, int64_t id);

/*
 * Delete agency code's index-th area (0: the first, in stored order).
 * Returns 0, 1 if there is no such agency or area, or -1.
 */
int store_agency_area_delete(struct store *s, const char *code,
    size_t index);

/*
 * Insert a new report with its attributes, media and contact (may be NULL)
 * in one transaction, with its creation in the update history.  report->id
 * is ignored; the new id is written to *id.
 */
int store_report_insert(struct store *s, const struct report *r,
    const struct contact *c, int64_t *id);

/* Number of reports stored. */
int store_report_count(struct store *s, int64_t *count);

/*
 * Change a report's status with a public note (may be NULL) at time now,
 * recording it in the update history.  Returns 1 if no such report.
 */
int store_report_set_status(struct store *s, int64_t id,
    enum report_status status, const char *note, int64_t now);

/* Look a report up by id or by token; 1 if not found. */
int store_report_get(struct store *s, int64_t id,
    int (*fn)(const struct report *, void *), void *arg);
int store_report_by_token(struct store *s, const char *token,
    int (*fn)(const struct report *, void *), void *arg);

/* The private contact of a report (for staff and notifications only). */
int store_report_contact(struct store *s, int64_t id,
    int (*fn)(const struct contact *, void *), void *arg);

/*
 * What the map's index (core/map_index.c) keeps of a report: its place and
 * what the map filters on.  Strings live until fn returns.
 */
struct report_point {
	int64_t id;
	int has_point;
	double lat, lon;
	enum report_status status;
	const char *service;
	const char *agency;             /* NULL: none yet */
	int64_t requested;
	int64_t updated;
	const char *address;            /* NULL: none */
	int fixed;                      /* the reporter's answer; -1: none */
};

/*
 * The reports with id > after_id (id order), then those updated at or
 * after since (a report may come twice), to fn.  For the map's index:
 * every change to a report's status, agency or fixed sets its updated
 * time; its place and address do not change.
 */
int store_report_points(struct store *s, int64_t after_id, int64_t since,
    int (*fn)(const struct report_point *, void *), void *arg);

/*
 * Who asks store_changed: each keeps its own cursor on each connection, so
 * one asking does not hide a change from another.
 */
enum store_watch {
	STORE_WATCH_MAP,                /* the map's index (core/map_index.c) */
	STORE_WATCH_CACHE,              /* the response cache (api/app.c) */
	STORE_WATCH__MAX
};

/*
 * Whether anything may have been committed to the database (by this
 * connection or any other, this process's or another's) since watcher w
 * last asked on this connection: 1, 0, or -1 on a store error.  The first
 * call of each watcher on a connection returns 1.  SQLite: PRAGMA
 * data_version and the connection's own changes (the pragma costs two
 * fcntl locks and a mutex all the process's connections share in WAL
 * mode); on a connection with a writer, the pragma is asked only when a
 * connection of the writer committed since (counted after each commit,
 * so a commit this process finished is seen at once) or
 * VECHE_CHANGES_CHECK_MS after the watcher last asked it (another
 * process's commit shows within that, as PostgreSQL's once its notice
 * came);
 * PostgreSQL: the change notices every commit that changed rows sends
 * (sql.h), read without waiting, so another process's commit shows once
 * its notice has arrived.
 */
int store_changed(struct store *s, enum store_watch w);

/*
 * A lease on work that one process at a time may do (the deadline scan),
 * by name: 1 when granted, held by this connection until
 * store_lease_release or until the connection ends (its process dies);
 * 0 when another connection holds it; -1 on a store error.  PostgreSQL:
 * a session advisory lock on hashtext(name), so several processes on one
 * database take turns.  SQLite: always granted (one process serves a
 * database file).  A lease taken twice is held twice: release it as often.
 */
int store_lease_try(struct store *s, const char *name);

/* Give a lease back: 0, 1 if this connection did not hold it, or -1. */
int store_lease_release(struct store *s, const char *name);

/* struct report_query (base/model.h) says which reports. */
/* Run a query, calling fn for each report in order. */
int store_report_query(struct store *s, const struct report_query *q,
    int (*fn)(const struct report *, void *), void *arg);

/*
 * The reports of ids[0 .. n), in that order, each as store_report_query
 * hands it (no attributes); an id with no report is skipped.  Returns 0,
 * fn's non-zero result, or -1.  Each row is read by its key: no sort, no
 * list to parse (issue 11: a page of the map's index).
 */
/*
 * The ids of the reports requested and changed after `after` (INT64_MIN:
 * any) and requested from start to end, newest first (time of request,
 * then id), from offset, at most limit into ids, their number in *n: the
 * time index walked and only the rows' times read, none without `after`
 * (issue 11: an updated_after poll's page when that many were requested
 * since; the newest of a period).  Returns 0 or -1.
 */
int store_report_newest(struct store *s, int64_t after, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n);
/*
 * The ids of the reports whose words match text (an FTS expression as
 * search_terms writes it) and requested from start to end (0: no bound),
 * newest first (time of request, then id), from offset, at most limit
 * into ids, their number in *n: the text index walked in key order, no
 * row read (issue 11: a text search's page).  Returns 0, 1 when this
 * store does not answer it so (PostgreSQL: ask store_report_query), or -1.
 */
int store_report_text_ids(struct store *s, const char *text, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n);
/*
 * The ids of the reports changed after `after` and requested from start
 * to end, newest first (time of request, then id), from offset, at most
 * limit into ids, their number in *n, when fewer than a few thousand
 * changed since: judged and ordered from the changes' time index alone,
 * no row read (issue 11: an updated_after poll of the last hours).
 * Returns 0, 1 when more changed (nothing read: ask store_report_query),
 * or -1.
 */
int store_report_changed(struct store *s, int64_t after, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n);

int store_report_rows(struct store *s, const int64_t *ids, size_t n,
    int (*fn)(const struct report *, void *), void *arg);

/*
 * Updates (status changes with notes) created in (after, before], oldest
 * first, at most limit (0: no limit).  0 for after/before: unbounded.
 */
int store_update_query(struct store *s, int64_t after, int64_t before,
    size_t limit, int (*fn)(const struct report_update *, void *), void *arg);

/*
 * The address registry.  store_address_put adds an address (or moves a
 * known one to a new point).  store_address_search calls fn for the
 * addresses matching match (FTS5 query syntax: the caller quotes user
 * words), best first, at most limit (0: no limit).
 */
int store_address_put(struct store *s, const char *address, double lat,
    double lon);
int store_address_search(struct store *s, const char *match, size_t limit,
    int (*fn)(const char *address, double lat, double lon, void *arg),
    void *arg);

/*
 * API keys.  hash is a fixed-size digest (the raw key is never stored);
 * agency may be NULL (a key for any agency).
 */
#define STORE_KEY_HASH_LEN 32
int store_apikey_insert(struct store *s, const char *name, const char *agency,
    const unsigned char hash[STORE_KEY_HASH_LEN], int64_t now);
/* struct store_apikey (base/model.h): one key as listed. */
int store_apikey_each(struct store *s, int (*fn)(const struct store_apikey *,
    void *), void *arg);
/* Find a live key: copies its name and agency ("" if none); 1 if unknown. */
int store_apikey_find(struct store *s,
    const unsigned char hash[STORE_KEY_HASH_LEN], char *name, size_t namelen,
    char *agency, size_t agencylen);

#endif
