/*
 * app.h: what every handler shares: the database path, the catalogue
 * snapshot, and one store connection per server thread.
 */
#ifndef VECHE_APP_H
#define VECHE_APP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"

struct cache;
struct list_items;
struct catalog;
struct map_index;
struct metrics;
struct ratelimit;
struct region;
struct http_request;
struct store;
struct suggest;
struct tiles;

struct app {
	const char *db_path;
	/*
	 * The current catalogue snapshot.  Handlers read the pointer (an
	 * atomic load) and use that snapshot; app_catalog_reload swaps in a
	 * new one and keeps the old alive until app_finish, so a handler
	 * never sees one freed under it.  Reloads are rare (an admin's edit).
	 */
	_Atomic(struct catalog *) catalog;
	struct catalog_old *retired;    /* replaced snapshots, freed at finish */
	pthread_mutex_t reload_lock;
	const char *public_url;         /* e.g. "http://127.0.0.1:8080" */
	int64_t started;                /* Unix time the server started */
	pthread_key_t store_key;
	struct cache *cache;            /* rendered GETs, or NULL: no cache */
	int no_cache;                   /* set before app_init to disable it */
	const char *media_dir;          /* uploaded photos, or NULL: none taken */
	const char *tiles_url;          /* map tile URL template (web pages) */
	struct tiles *tiles;            /* --tiles mbtiles:PATH, or NULL */
	struct store_writer *writer;    /* one writer at a time, group commit */
	struct ratelimit *login_limit;  /* failed sign-ins (api/ratelimit.h) */
	struct metrics *metrics;        /* GET /metrics counters, or NULL */
	int log_json;                   /* a JSON line per request on stderr */
	struct listen *listen;          /* listening's analysis (core/listen.h), or NULL */
	struct map_index *map;          /* the map's clusters (map_index.h) */
	struct list_items *items;       /* Open311 area lists' items, or NULL */
	int confirm_reports;            /* hold anonymous reports until their
	                                   e-mail is confirmed (web_account.c) */
	const char *data_dir;           /* the open data dump, or NULL: none */
	const char *data_licence;       /* its licence, an SPDX id */
	int reaction_hours;             /* an incident's first answer due
	                                   (--reaction-hours); 0: default */
	struct suggest *suggest;        /* service suggestions (core/suggest.h), or NULL */
	struct readroute *reads;        /* --db-read: reads on a replica
	                                   (readroute.h), or NULL: none */
	struct region *region;          /* serve --region: the region this app is
	                                   a city of, or its own; NULL: none */
	/* The zone's offsets by day for every thread's lists (the map's):
	 * emptied when the catalogue, and with it the zone, is reloaded. */
	struct datetime_memo dates;
};

/*
 * Prepare an app for serving (creates the per-thread store key).  The
 * caller fills db_path, catalog and public_url.  Returns 0 or -1.
 */
int app_init(struct app *a);

/* Release what app_init made (not the catalogue).  Accepts NULL. */
void app_finish(struct app *a);

/*
 * This thread's store connection, opened on first use and closed when the
 * thread exits.  NULL if the database cannot be opened (logged to stderr).
 * With a read replica (a->reads), the replica's connection while the
 * thread's current request reads there (readroute_choose).
 */
struct store *app_store(struct app *a);

/*
 * This thread's connection to the primary (--db), whatever the request:
 * for change notices (a standby takes no LISTEN) and for writes.
 */
struct store *app_store_primary(struct app *a);

/*
 * Whether the calling thread's request failed for a database server gone
 * away (a PostgreSQL restart or failover): its connection to the primary,
 * or to the replica it read, is lost, or it has none for a server down.
 */
int app_db_unavailable(struct app *a);

/*
 * 1 when the current request must not be answered from the response
 * cache: its client wrote recently and a cached page may have been
 * rendered from a replica without that write (readroute_own).
 */
int app_read_own(struct app *a);

/*
 * Load the catalogue anew from s (after a change to services, agencies or
 * areas) and make it current.  Returns 0, or -1 with a message in err (the
 * old snapshot stays).
 */
int app_catalog_reload(struct app *a, struct store *s, char *err,
    size_t errlen);

/*
 * Before a cache lookup: invalidate the response cache when anything was
 * committed (by another connection or process) since this thread's
 * connection last told the cache, asking at most once per
 * VECHE_CACHE_CHECK_MS (cache.h).  A store error invalidates too.
 */
void app_cache_follow(struct app *a);

/* The current time as the app sees it. */
int64_t app_now(const struct app *a);

#endif
