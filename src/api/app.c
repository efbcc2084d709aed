/* app.c: per-thread store connections. */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include <stdlib.h>

#include "api/app.h"
#include "api/cache.h"
#include "api/list_items.h"
#include "veche.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/map_index.h"
#include "api/ratelimit.h"
#include "api/readroute.h"

struct catalog_old {
	struct catalog *c;
	struct catalog_old *next;
};

static void
close_store(void *p)
{
	db_close(p);
}

int
app_init(struct app *a)
{
	char err[512];

	a->started = clock_now();
	datetime_memo_clear(&a->dates);
	if (!a->no_cache && (a->cache = cache_new()) == NULL)
		return -1;
	if (pthread_key_create(&a->store_key, close_store) != 0) {
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
	pthread_mutex_init(&a->reload_lock, NULL);
	if ((a->writer = db_writer_new()) == NULL) {
		pthread_key_delete(a->store_key);
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
	/* In memory on SQLite; in the database when it is shared. */
	if ((a->login_limit = ratelimit_open(a->db_path, 0, err,
	    sizeof(err))) == NULL)
		fprintf(stderr, "veche: rate limits: %s\n", err);
	if (a->login_limit == NULL || (a->map = map_index_new()) == NULL) {
		ratelimit_free(a->login_limit);
		a->login_limit = NULL;
		db_writer_free(a->writer);
		a->writer = NULL;
		pthread_key_delete(a->store_key);
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
	/* Open311 area lists' rendered items; without them, each is read. */
	a->items = list_items_new(VECHE_LIST_ITEMS_BYTES);
	return 0;
}

void
app_finish(struct app *a)
{
	struct store *s;

	if (a == NULL)
		return;
	/* The calling thread's own connection, if it made one. */
	if ((s = pthread_getspecific(a->store_key)) != NULL) {
		db_close(s);
		pthread_setspecific(a->store_key, NULL);
	}
	pthread_key_delete(a->store_key);
	cache_free(a->cache);
	a->cache = NULL;
	if (a->items != NULL) {
		size_t bytes, n;
		uint64_t hits, misses;

		list_items_stats(a->items, &bytes, &n, &hits, &misses);
		fprintf(stderr, "veche: list items: %zu kept, %.1f MB; %llu "
		    "served, %llu read\n", n, (double)bytes / 1048576.0,
		    (unsigned long long)hits, (unsigned long long)misses);
	}
	list_items_free(a->items);
	a->items = NULL;
	db_writer_free(a->writer);
	a->writer = NULL;
	map_index_free(a->map);
	a->map = NULL;
	while (a->retired != NULL) {
		struct catalog_old *o = a->retired;

		a->retired = o->next;
		catalog_free(o->c);
		free(o);
	}
	pthread_mutex_destroy(&a->reload_lock);
	ratelimit_free(a->login_limit);
	a->login_limit = NULL;
}

struct store *
app_store(struct app *a)
{
	struct store *s;

	if (a->reads != NULL && (s = readroute_store(a->reads)) != NULL)
		return s;
	return app_store_primary(a);
}

int
app_db_unavailable(struct app *a)
{
	struct store *s = pthread_getspecific(a->store_key);

	/* No store: opening it failed, for a server away or otherwise. */
	if (s == NULL)
		return db_outage() > 0;
	if (db_unavailable(s))
		return 1;
	return a->reads != NULL && db_unavailable(readroute_store(a->reads));
}

int
app_read_own(struct app *a)
{
	return a->reads != NULL && readroute_own(a->reads);
}

struct store *
app_store_primary(struct app *a)
{
	struct store *s = pthread_getspecific(a->store_key);
	char err[512];

	if (s != NULL)
		return s;
	if ((s = db_open(a->db_path, err, sizeof(err))) == NULL) {
		/* A database server away was logged once by the store. */
		if (!db_outage())
			fprintf(stderr, "veche: %s\n", err);
		return NULL;
	}
	db_set_writer(s, a->writer);
	if (pthread_setspecific(a->store_key, s) != 0) {
		db_close(s);
		return NULL;
	}
	return s;
}

void
app_cache_follow(struct app *a)
{
	struct store *s;

	if (!cache_due(a->cache) || (s = app_store_primary(a)) == NULL)
		return;
	if (db_changed(s) != 0)
		cache_bump(a->cache);
}

int64_t
app_now(const struct app *a)
{
	return clock_now();
}

int
app_catalog_reload(struct app *a, struct store *s, char *err, size_t errlen)
{
	struct catalog_old *o;
	struct catalog *c;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((c = catalog_load(s, err, errlen)) == NULL) {
		free(o);
		return -1;
	}
	pthread_mutex_lock(&a->reload_lock);
	o->c = atomic_exchange(&a->catalog, c);
	/* The city file sets the zone too. */
	datetime_memo_clear(&a->dates);
	o->next = a->retired;
	a->retired = o;
	pthread_mutex_unlock(&a->reload_lock);
	/* Cached pages were rendered from the old snapshot. */
	cache_bump(a->cache);
	return 0;
}
