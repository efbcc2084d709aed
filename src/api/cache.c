/* cache.c: a direct-mapped table of rendered responses, a lock per slot. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "api/cache.h"
#include "http/http.h"

#define TYPE_LEN 64

struct slot {
	pthread_mutex_t lock;
	char *key;                      /* NULL: empty */
	uint64_t gen;
	int64_t at_ms;
	int64_t refresh_ms;             /* when a thread set out to refresh */
	char type[TYPE_LEN];
	char *body;
	size_t len;
};

struct cache {
	_Atomic uint64_t gen;
	_Atomic int64_t next_check_ms;  /* cache_due: monotonic */
	struct slot slots[VECHE_CACHE_SLOTS];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a: keys are short URLs, spread well enough for slot choice. */
static size_t
slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return (size_t)(h % VECHE_CACHE_SLOTS);
}

struct cache *
cache_new(void)
{
	struct cache *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	atomic_init(&c->gen, 1);
	atomic_init(&c->next_check_ms, 0);
	for (i = 0; i < VECHE_CACHE_SLOTS; i++)
		pthread_mutex_init(&c->slots[i].lock, NULL);
	return c;
}

void
cache_free(struct cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < VECHE_CACHE_SLOTS; i++) {
		free(c->slots[i].key);
		free(c->slots[i].body);
		pthread_mutex_destroy(&c->slots[i].lock);
	}
	free(c);
}

void
cache_bump(struct cache *c)
{
	if (c != NULL)
		atomic_fetch_add(&c->gen, 1);
}

int
cache_due(struct cache *c)
{
	int64_t now, next;

	if (c == NULL)
		return 0;
	now = now_ms();
	next = atomic_load(&c->next_check_ms);
	/* Of the threads that find it due, the one whose exchange lands
	 * asks; the others serve from memory. */
	return now >= next && atomic_compare_exchange_strong(&c->next_check_ms,
	    &next, now + VECHE_CACHE_CHECK_MS);
}

uint64_t
cache_generation(const struct cache *c)
{
	return c != NULL ? atomic_load(&((struct cache *)c)->gen) : 0;
}

int
cache_get(struct cache *c, const char *key, uint64_t gen,
    struct http_response *res)
{
	struct slot *s;
	int64_t now = now_ms();
	int hit = 0, serve = 0;

	if (c == NULL)
		return 0;
	s = &c->slots[slot_of(key)];
	pthread_mutex_lock(&s->lock);
	if (s->key != NULL && s->gen == gen && strcmp(s->key, key) == 0) {
		/*
		 * Past its TTL the entry is still served while one thread
		 * renders it anew, so that a slow query is not run by every
		 * connection at once when the entry ages out.
		 */
		if (now - s->at_ms < VECHE_CACHE_TTL_MS)
			serve = 1;
		else if (now - s->refresh_ms < VECHE_CACHE_TTL_MS)
			serve = 1;
		else
			s->refresh_ms = now;
	}
	if (serve) {
		http_response_status(res, 200);
		http_response_type(res, s->type);
		hit = http_response_append(res, s->body, s->len) == 0;
		if (!hit)
			http_response_reset(res);
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

void
cache_put(struct cache *c, const char *key, uint64_t gen,
    const struct http_response *res)
{
	const char *type = http_response_get_type(res);
	struct slot *s;
	const void *body;
	char *kcopy, *bcopy;
	size_t len;

	if (c == NULL)
		return;
	s = &c->slots[slot_of(key)];
	body = http_response_body(res, &len);
	if (http_response_get_status(res) != 200 || type == NULL ||
	    strlen(type) >= TYPE_LEN || len > VECHE_CACHE_MAX_ENTRY ||
	    gen != cache_generation(c))
		return;
	kcopy = strdup(key);
	bcopy = malloc(len ? len : 1);
	if (kcopy == NULL || bcopy == NULL) {
		free(kcopy);
		free(bcopy);
		return;
	}
	memcpy(bcopy, body, len);
	pthread_mutex_lock(&s->lock);
	free(s->key);
	free(s->body);
	s->key = kcopy;
	s->body = bcopy;
	s->len = len;
	s->gen = gen;
	s->at_ms = now_ms();
	s->refresh_ms = 0;
	memcpy(s->type, type, strlen(type) + 1);
	pthread_mutex_unlock(&s->lock);
}
