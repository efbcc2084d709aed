/* app.c: per-thread store connections. */
#include <stdio.h>
#include <time.h>

#include "api/app.h"
#include "api/cache.h"
#include "api/ratelimit.h"
#include "store/store.h"

static void
close_store(void *p)
{
	store_close(p);
}

int
app_init(struct app *a)
{
	a->started = (int64_t)time(NULL);
	if (!a->no_cache && (a->cache = cache_new()) == NULL)
		return -1;
	if (pthread_key_create(&a->store_key, close_store) != 0) {
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
	if ((a->writer = store_writer_new()) == NULL) {
		pthread_key_delete(a->store_key);
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
	if ((a->login_limit = ratelimit_new()) == NULL) {
		store_writer_free(a->writer);
		a->writer = NULL;
		pthread_key_delete(a->store_key);
		cache_free(a->cache);
		a->cache = NULL;
		return -1;
	}
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
		store_close(s);
		pthread_setspecific(a->store_key, NULL);
	}
	pthread_key_delete(a->store_key);
	cache_free(a->cache);
	a->cache = NULL;
	store_writer_free(a->writer);
	a->writer = NULL;
	ratelimit_free(a->login_limit);
	a->login_limit = NULL;
}

struct store *
app_store(struct app *a)
{
	struct store *s = pthread_getspecific(a->store_key);
	char err[512];

	if (s != NULL)
		return s;
	if ((s = store_open(a->db_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return NULL;
	}
	store_set_writer(s, a->writer);
	if (pthread_setspecific(a->store_key, s) != 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

int64_t
app_now(const struct app *a)
{
	return a->clock != NULL ? a->clock() : (int64_t)time(NULL);
}
