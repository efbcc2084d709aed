/*
 * ratelimit.c: failed sign-ins per key, in memory; or, for a database
 * several processes share, in the database (core/limits.c), chosen once
 * by ratelimit_open.
 *
 * An open-addressing table (linear probing) of SipHash-2-4 digests, 128-bit
 * (crypto_shorthash_siphashx24) under a key drawn at start: the low 64 bits
 * choose the slot, all 128 name the key.  Nothing is ever overwritten: a
 * slot that is used stays used, alive or not, until the table is rebuilt;
 * the rebuild keeps every live key and drops only the dead ones, growing
 * the table when the live keys need it.  At most half the slots are used,
 * so a probe always ends at an empty slot.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/ratelimit.h"
#include "core/db.h"
#include "core/limits.h"

#define FIRST_CAP 1024          /* slots at the start; a power of two */

struct entry {
	unsigned char id[crypto_shorthash_siphashx24_BYTES];
	int used;
	int failures;                   /* in the window that began at first */
	int blocks;                     /* the next block lasts DELAY << blocks */
	int64_t first;                  /* first failure of the window */
	int64_t last;                   /* latest failure */
	int64_t until;                  /* blocked until then (0: never was) */
};

struct ratelimit {
	struct limits *shared;          /* set: counts in the database, and
	                                   nothing below is used */
	pthread_mutex_t lock;
	unsigned char key[crypto_shorthash_siphashx24_KEYBYTES];
	struct entry *slots;
	size_t cap;                     /* a power of two */
	size_t used;                    /* slots used, live or dead */
	size_t max_keys;                /* live keys at most */
	int full;                       /* the last insertion found no room */
	int64_t full_checked;           /* when a full table last looked for room */
};

struct ratelimit *
ratelimit_new(size_t max_keys)
{
	struct ratelimit *rl = NULL;

	if (sodium_init() < 0 || (rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->cap = FIRST_CAP;
	rl->max_keys = max_keys != 0 ? max_keys : VECHE_LOGIN_MAX_KEYS;
	randombytes_buf(rl->key, sizeof(rl->key));
	if ((rl->slots = calloc(rl->cap, sizeof(*rl->slots))) == NULL)
		goto fail;
	if (pthread_mutex_init(&rl->lock, NULL) != 0)
		goto fail;
	return rl;
fail:
	free(rl->slots);
	free(rl);
	return NULL;
}

struct ratelimit *
ratelimit_open(const char *db_path, size_t max_keys, char *err,
    size_t errlen)
{
	struct ratelimit *rl;
	struct store *s;

	if ((s = db_open(db_path, err, errlen)) == NULL)
		return NULL;
	if (!limits_shared(s)) {
		db_close(s);
		if ((rl = ratelimit_new(max_keys)) == NULL)
			snprintf(err, errlen, "out of memory");
		return rl;
	}
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		db_close(s);
	else if ((rl->shared = limits_new(s)) == NULL) {
		free(rl);
		rl = NULL;
	}
	if (rl == NULL)
		snprintf(err, errlen, "out of memory");
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	if (rl->shared != NULL) {
		limits_free(rl->shared);
		free(rl);
		return;
	}
	pthread_mutex_destroy(&rl->lock);
	sodium_memzero(rl->key, sizeof(rl->key));
	free(rl->slots);
	free(rl);
}

/* Whether e still matters at now: failures in the window, or a block. */
static int
alive(const struct entry *e, int64_t now)
{
	return e->used && (now - e->last < VECHE_LOGIN_WINDOW ||
	    (e->until != 0 && now - e->until < VECHE_LOGIN_WINDOW));
}

static size_t
slot_of(const unsigned char *id, size_t cap)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	return (size_t)(h & (cap - 1));
}

/* The slot holding id, or the empty slot where it would go. */
static struct entry *
probe(struct entry *slots, size_t cap, const unsigned char *id)
{
	size_t i = slot_of(id, cap);

	while (slots[i].used && memcmp(slots[i].id, id,
	    sizeof(slots[i].id)) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* The entry of key, or NULL; its digest goes to id. */
static struct entry *
find(struct ratelimit *rl, const char *key, unsigned char *id)
{
	struct entry *e;

	crypto_shorthash_siphashx24(id, (const unsigned char *)key,
	    strlen(key), rl->key);
	e = probe(rl->slots, rl->cap, id);
	return e->used ? e : NULL;
}

/*
 * Make room for one more key: rebuild with the live keys only, in a table
 * at most half used afterwards.  0, or -1 when max_keys live keys are held
 * or memory ran out (the table is unchanged then).
 */
static int
make_room(struct ratelimit *rl, int64_t now)
{
	struct entry *slots;
	size_t i, live = 0, cap = FIRST_CAP;

	if ((rl->used + 1) * 2 <= rl->cap && rl->used < rl->max_keys)
		return 0;
	for (i = 0; i < rl->cap; i++)
		live += alive(&rl->slots[i], now);
	if (live >= rl->max_keys)
		return -1;
	/* A quarter full at most, so that the next rebuild is far off. */
	while (cap < (live + 1) * 4)
		cap *= 2;
	if ((slots = calloc(cap, sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < rl->cap; i++)
		if (alive(&rl->slots[i], now))
			*probe(slots, cap, rl->slots[i].id) = rl->slots[i];
	free(rl->slots);
	rl->slots = slots;
	rl->cap = cap;
	rl->used = live;
	return 0;
}

int
ratelimit_blocked(struct ratelimit *rl, const char *key, int64_t now,
    int64_t *retry)
{
	unsigned char id[crypto_shorthash_siphashx24_BYTES];
	struct entry *e;
	int blocked = 0;

	*retry = 0;
	if (rl == NULL)
		return 0;
	if (rl->shared != NULL)
		return limits_blocked(rl->shared, key, now, retry);
	pthread_mutex_lock(&rl->lock);
	e = find(rl, key, id);
	if (e != NULL && e->until > now) {
		blocked = 1;
		*retry = e->until - now;
	} else if (e == NULL && rl->full) {
		/*
		 * Full when last asked: look for room again (once a second at
		 * most: a rebuild walks the table), or a full table would
		 * refuse every new key until a restart, since a blocked key
		 * never reaches ratelimit_fail to clear the flag.
		 */
		if (now != rl->full_checked) {
			rl->full_checked = now;
			if (make_room(rl, now) == 0)
				rl->full = 0;
		}
		if (rl->full) {
			blocked = 1;
			*retry = VECHE_LOGIN_DELAY;
		}
	}
	pthread_mutex_unlock(&rl->lock);
	return blocked;
}

int
ratelimit_fail(struct ratelimit *rl, const char *key, int max, int64_t now,
    int64_t *retry)
{
	unsigned char id[crypto_shorthash_siphashx24_BYTES];
	struct entry *e;
	int64_t delay;
	int n, rc = 0;

	*retry = 0;
	if (rl == NULL)
		return 0;
	if (rl->shared != NULL)
		return limits_fail(rl->shared, key, max, now, retry);
	pthread_mutex_lock(&rl->lock);
	if ((e = find(rl, key, id)) == NULL) {
		if (make_room(rl, now) == -1) {
			rl->full = 1;
			rc = -1;
			goto out;
		}
		rl->full = 0;
		e = probe(rl->slots, rl->cap, id);
		memcpy(e->id, id, sizeof(e->id));
		e->used = 1;
		rl->used++;
	} else if (!alive(e, now)) {
		e->blocks = 0;
		e->until = 0;
		e->failures = 0;
	}
	if (e->failures == 0 || now - e->first >= VECHE_LOGIN_WINDOW) {
		e->first = now;
		e->failures = 0;
	}
	e->last = now;
	if (++e->failures >= max) {
		delay = VECHE_LOGIN_DELAY;
		for (n = e->blocks; n > 0 && delay < VECHE_LOGIN_MAX_DELAY; n--)
			delay *= 2;
		if (delay > VECHE_LOGIN_MAX_DELAY)
			delay = VECHE_LOGIN_MAX_DELAY;
		if (e->blocks < INT_MAX)
			e->blocks++;
		e->until = now + delay;
		e->failures = 0;
		*retry = delay;
		rc = 1;
	}
out:
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

void
ratelimit_clear(struct ratelimit *rl, const char *key)
{
	unsigned char id[crypto_shorthash_siphashx24_BYTES];
	struct entry *e;

	if (rl == NULL)
		return;
	if (rl->shared != NULL) {
		limits_clear(rl->shared, key);
		return;
	}
	pthread_mutex_lock(&rl->lock);
	/* Dead from now on; the slot stays used until the next rebuild. */
	if ((e = find(rl, key, id)) != NULL) {
		e->failures = 0;
		e->blocks = 0;
		e->until = 0;
		e->last = INT64_MIN / 2;
	}
	pthread_mutex_unlock(&rl->lock);
}

size_t
ratelimit_live(struct ratelimit *rl, int64_t now)
{
	size_t i, n = 0;

	if (rl == NULL)
		return 0;
	if (rl->shared != NULL)
		return limits_live(rl->shared, now);
	pthread_mutex_lock(&rl->lock);
	for (i = 0; i < rl->cap; i++)
		n += alive(&rl->slots[i], now);
	pthread_mutex_unlock(&rl->lock);
	return n;
}
