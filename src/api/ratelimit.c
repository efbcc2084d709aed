/* ratelimit.c: failed sign-ins per key, in memory. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/ratelimit.h"

struct slot {
	unsigned char key[16];          /* digest of the key */
	int64_t start;                  /* first failure of the window */
	int failures;
};

struct ratelimit {
	pthread_mutex_t lock;
	struct slot slots[VECHE_LOGIN_SLOTS];
};

struct ratelimit *
ratelimit_new(void)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));

	if (rl == NULL)
		return NULL;
	if (pthread_mutex_init(&rl->lock, NULL) != 0) {
		free(rl);
		return NULL;
	}
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* The slot for key (caller holds the lock); digest goes to d. */
static struct slot *
find(struct ratelimit *rl, const char *key, unsigned char d[16])
{
	size_t i;

	crypto_generichash(d, 16, (const unsigned char *)key, strlen(key),
	    NULL, 0);
	memcpy(&i, d, sizeof(i));
	return &rl->slots[i % VECHE_LOGIN_SLOTS];
}

int
ratelimit_blocked(struct ratelimit *rl, const char *key, int max,
    int64_t now, int64_t *retry)
{
	unsigned char d[16];
	struct slot *sl;
	int blocked = 0;

	*retry = 0;
	if (rl == NULL)
		return 0;
	pthread_mutex_lock(&rl->lock);
	sl = find(rl, key, d);
	if (memcmp(sl->key, d, sizeof(d)) == 0 &&
	    now - sl->start < VECHE_LOGIN_WINDOW && sl->failures >= max) {
		blocked = 1;
		*retry = sl->start + VECHE_LOGIN_WINDOW - now;
	}
	pthread_mutex_unlock(&rl->lock);
	return blocked;
}

void
ratelimit_fail(struct ratelimit *rl, const char *key, int64_t now)
{
	unsigned char d[16];
	struct slot *sl;

	if (rl == NULL)
		return;
	pthread_mutex_lock(&rl->lock);
	sl = find(rl, key, d);
	if (memcmp(sl->key, d, sizeof(d)) != 0 ||
	    now - sl->start >= VECHE_LOGIN_WINDOW) {
		memcpy(sl->key, d, sizeof(d));
		sl->start = now;
		sl->failures = 0;
	}
	sl->failures++;
	pthread_mutex_unlock(&rl->lock);
}

void
ratelimit_clear(struct ratelimit *rl, const char *key)
{
	unsigned char d[16];
	struct slot *sl;

	if (rl == NULL)
		return;
	pthread_mutex_lock(&rl->lock);
	sl = find(rl, key, d);
	if (memcmp(sl->key, d, sizeof(d)) == 0)
		memset(sl, 0, sizeof(*sl));
	pthread_mutex_unlock(&rl->lock);
}
