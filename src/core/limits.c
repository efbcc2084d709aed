/*
 * limits.c: rate limits counted in a shared database (limits.h) through
 * the store's upserts (store_ratelimit.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/limits.h"
#include "store/store.h"
#include "store/store_ratelimit.h"

#define DIGEST 16               /* bytes of a key's digest */

struct limits {
	pthread_mutex_t lock;
	struct store *s;
	int64_t pruned;                 /* the window last pruned, or 0 */
};

int
limits_shared(const struct store *s)
{
	return store_ratelimit_shared(s);
}

struct limits *
limits_new(struct store *s)
{
	struct limits *l;

	if (sodium_init() < 0 || (l = calloc(1, sizeof(*l))) == NULL) {
		store_close(s);
		return NULL;
	}
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		store_close(s);
		free(l);
		return NULL;
	}
	l->s = s;
	return l;
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	store_close(l->s);
	free(l);
}

static void
digest(const char *key, unsigned char d[DIGEST])
{
	crypto_generichash(d, DIGEST, (const unsigned char *)key, strlen(key),
	    NULL, 0);
}

/* The start of the fixed window holding now. */
static int64_t
window_of(int64_t now)
{
	int64_t r = now % VECHE_LOGIN_WINDOW;

	return now - (r < 0 ? r + VECHE_LOGIN_WINDOW : r);
}

/* Log the store's failure (the lock held). */
static void
failed(struct limits *l)
{
	fprintf(stderr, "veche: rate limits: %s\n", store_error(l->s));
}

int
limits_blocked(struct limits *l, const char *key, int64_t now,
    int64_t *retry)
{
	unsigned char d[DIGEST];
	int64_t until;
	int rc;

	*retry = 0;
	digest(key, d);
	pthread_mutex_lock(&l->lock);
	if ((rc = store_ratelimit_blocked(l->s, d, sizeof(d), now,
	    &until)) == -1) {
		failed(l);
		until = now + VECHE_LOGIN_DELAY;
	}
	pthread_mutex_unlock(&l->lock);
	if (rc == 0)
		return 0;
	*retry = until - now;
	return 1;
}

int
limits_fail(struct limits *l, const char *key, int max, int64_t now,
    int64_t *retry)
{
	unsigned char d[DIGEST];
	const int64_t window = window_of(now);
	int64_t count, until;
	int rc = 0;

	*retry = 0;
	digest(key, d);
	pthread_mutex_lock(&l->lock);
	/* Once a window per process: the last window's counts are spent. */
	if (window != l->pruned) {
		if (store_ratelimit_prune(l->s, window,
		    now - VECHE_LOGIN_WINDOW) == -1)
			failed(l);
		else
			l->pruned = window;
	}
	if (store_ratelimit_hit(l->s, d, sizeof(d), window, &count) == -1) {
		failed(l);
		rc = -1;
	} else if (max > 0 && count % max == 0) {
		if (store_ratelimit_block(l->s, d, sizeof(d), now,
		    now - VECHE_LOGIN_WINDOW, VECHE_LOGIN_DELAY,
		    VECHE_LOGIN_MAX_DELAY, &until) == -1) {
			failed(l);
			rc = -1;
		} else {
			*retry = until - now;
			rc = 1;
		}
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void
limits_clear(struct limits *l, const char *key)
{
	unsigned char d[DIGEST];

	digest(key, d);
	pthread_mutex_lock(&l->lock);
	if (store_ratelimit_clear(l->s, d, sizeof(d)) == -1)
		failed(l);
	pthread_mutex_unlock(&l->lock);
}

size_t
limits_live(struct limits *l, int64_t now)
{
	int64_t n = 0;

	pthread_mutex_lock(&l->lock);
	if (store_ratelimit_live(l->s, window_of(now),
	    now - VECHE_LOGIN_WINDOW, &n) == -1)
		failed(l);
	pthread_mutex_unlock(&l->lock);
	return (size_t)n;
}
