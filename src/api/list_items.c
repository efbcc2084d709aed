/*
 * list_items.c: Open311 list items as rendered, per report (list_items.h).
 *
 * Items are found by id in one array (ids are dense), a report's items of
 * its variants (format, language, extensions) chained; each id belongs to
 * one of SHARDS shards, whose mutex guards its ids' slots, its byte count
 * and its queue of items in the order they were kept (the oldest go first
 * when the shard is over its share of the budget).  The array grows under
 * a write lock; lookups and keeps take it for reading.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api/list_items.h"

#define SHARDS          64
#define ITEM_MAX_SHARE  16      /* an item over budget / 16 is not kept */

/* An item; a report's items of other variants follow it in next. */
struct item {
	struct item *next;
	int64_t id;
	uint32_t ver;
	unsigned variant;
	const void *catalog;
	size_t n;
	char data[];
};

/* A kept item in the order of keeping; stale when its slot moved on. */
struct kept {
	int64_t id;
	struct item *e;
};

struct shard {
	pthread_mutex_t lock;
	size_t bytes, items;
	struct kept *q;                 /* a ring of cap, count from head */
	size_t head, count, cap;
	uint64_t hits, misses;
};

struct list_items {
	pthread_rwlock_t grow;
	/* cap slots, each written under its shard's lock; read atomically
	 * outside it only to prefetch */
	_Atomic(struct item *) *by_id;
	size_t cap;
	size_t budget;                  /* bytes a shard may hold */
	struct shard shards[SHARDS];
};

static size_t
item_size(const struct item *e)
{
	return sizeof(*e) + e->n;
}

struct list_items *
list_items_new(size_t max_bytes)
{
	struct list_items *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	pthread_rwlock_init(&c->grow, NULL);
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_init(&c->shards[i].lock, NULL);
	c->budget = max_bytes / SHARDS;
	return c;
}

void
list_items_free(struct list_items *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->cap; i++) {
		struct item *e = atomic_load_explicit(&c->by_id[i],
		    memory_order_relaxed), *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	for (i = 0; i < SHARDS; i++) {
		free(c->shards[i].q);
		pthread_mutex_destroy(&c->shards[i].lock);
	}
	free(c->by_id);
	pthread_rwlock_destroy(&c->grow);
	free(c);
}

static struct shard *
shard_of(struct list_items *c, int64_t id)
{
	return &c->shards[(uint64_t)id % SHARDS];
}

int
list_items_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (n > *cap - *len) {
		size_t ncap = *cap ? *cap : 65536;
		char *nb;

		while (n > ncap - *len)
			ncap *= 2;
		if ((nb = realloc(*buf, ncap)) == NULL)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

/* Slot id's item; under the grow lock, id < cap. */
static struct item *
slot(struct list_items *c, int64_t id)
{
	return atomic_load_explicit(&c->by_id[id], memory_order_relaxed);
}

static void
set_slot(struct list_items *c, int64_t id, struct item *e)
{
	atomic_store_explicit(&c->by_id[id], e, memory_order_relaxed);
}

int
list_items_get(struct list_items *c, const int64_t *ids,
    const uint32_t *vers, size_t n, const struct list_item_key *k,
    struct list_item_span *at, char **buf, size_t *used, size_t *cap)
{
	struct item *e;
	size_t i;
	int held = 0;

	pthread_rwlock_rdlock(&c->grow);
	/*
	 * The page's slots and items lie anywhere in memory: ask for all of
	 * them first, so their cache misses overlap instead of coming one
	 * after another (a quarter of a page's time, measured).
	 */
	for (i = 0; i < n; i++)
		if (ids[i] >= 0 && (size_t)ids[i] < c->cap)
			__builtin_prefetch(&c->by_id[ids[i]]);
	for (i = 0; i < n; i++)
		if (ids[i] >= 0 && (size_t)ids[i] < c->cap &&
		    (e = slot(c, ids[i])) != NULL)
			__builtin_prefetch(e);
	for (i = 0; i < n && held != -1; i++) {
		struct shard *sh = shard_of(c, ids[i]);

		at[i].off = *used;
		at[i].len = 0;
		if (ids[i] < 0 || (size_t)ids[i] >= c->cap)
			continue;
		pthread_mutex_lock(&sh->lock);
		for (e = slot(c, ids[i]); e != NULL && (e->variant != k->variant ||
		    e->catalog != k->catalog); e = e->next)
			;
		if (e != NULL && e->ver == vers[i]) {
			if (list_items_append(buf, used, cap, e->data, e->n) == -1)
				held = -1;
			else {
				at[i].len = e->n;
				held++;
				sh->hits++;
			}
		} else
			sh->misses++;
		pthread_mutex_unlock(&sh->lock);
	}
	pthread_rwlock_unlock(&c->grow);
	return held;
}

/* Make room for slot id; -1 when out of memory.  Takes the write lock. */
static int
grow(struct list_items *c, int64_t id)
{
	size_t cap, i;
	_Atomic(struct item *) *nb;
	int rc = 0;

	pthread_rwlock_wrlock(&c->grow);
	if ((size_t)id >= c->cap) {
		cap = c->cap ? c->cap : 4096;
		while (cap <= (size_t)id)
			cap *= 2;
		if ((nb = realloc(c->by_id, cap * sizeof(*nb))) == NULL)
			rc = -1;
		else {
			for (i = c->cap; i < cap; i++)
				atomic_init(&nb[i], NULL);
			c->by_id = nb;
			c->cap = cap;
		}
	}
	pthread_rwlock_unlock(&c->grow);
	return rc;
}

/*
 * Take e out of id's chain and free it, if it is there (a queued item may
 * have been replaced since).
 */
static void
drop(struct list_items *c, struct shard *sh, int64_t id, struct item *e)
{
	struct item *head = slot(c, id), **at = &head;

	while (*at != NULL && *at != e)
		at = &(*at)->next;
	if (*at == NULL)
		return;
	*at = e->next;
	set_slot(c, id, head);
	sh->bytes -= item_size(e);
	sh->items--;
	free(e);
}

/* Queue e as sh's newest; -1 when out of memory. */
static int
enqueue(struct shard *sh, int64_t id, struct item *e)
{
	if (sh->count == sh->cap) {
		size_t cap = sh->cap ? 2 * sh->cap : 256, i;
		struct kept *nq = malloc(cap * sizeof(*nq));

		if (nq == NULL)
			return -1;
		for (i = 0; i < sh->count; i++)
			nq[i] = sh->q[(sh->head + i) % sh->cap];
		free(sh->q);
		sh->q = nq;
		sh->head = 0;
		sh->cap = cap;
	}
	sh->q[(sh->head + sh->count++) % sh->cap] = (struct kept){ id, e };
	return 0;
}

/* Drop sh's oldest until it is within budget and its queue is not
 * mostly stale entries. */
static void
evict(struct list_items *c, struct shard *sh)
{
	while (sh->count > 0 && (sh->bytes > c->budget ||
	    sh->count > 2 * sh->items + 64)) {
		struct kept k = sh->q[sh->head];

		sh->head = (sh->head + 1) % sh->cap;
		sh->count--;
		drop(c, sh, k.id, k.e);
	}
}

void
list_items_put(struct list_items *c, int64_t id, uint32_t ver,
    const struct list_item_key *k, const char *s, size_t n)
{
	struct shard *sh = shard_of(c, id);
	struct item *e, *old;

	if (id < 0 || n > c->budget * SHARDS / ITEM_MAX_SHARE ||
	    (e = malloc(sizeof(*e) + n)) == NULL)
		return;
	e->id = id;
	e->ver = ver;
	e->variant = k->variant;
	e->catalog = k->catalog;
	e->n = n;
	memcpy(e->data, s, n);
	for (;;) {
		pthread_rwlock_rdlock(&c->grow);
		if ((size_t)id < c->cap)
			break;
		pthread_rwlock_unlock(&c->grow);
		if (grow(c, id) == -1) {
			free(e);
			return;
		}
	}
	pthread_mutex_lock(&sh->lock);
	if (enqueue(sh, id, e) == -1)
		free(e);
	else {
		/* The variant's item rendered before goes. */
		for (old = slot(c, id); old != NULL && old->variant != e->variant;
		    old = old->next)
			;
		if (old != NULL)
			drop(c, sh, id, old);
		e->next = slot(c, id);
		set_slot(c, id, e);
		sh->bytes += item_size(e);
		sh->items++;
		evict(c, sh);
	}
	pthread_mutex_unlock(&sh->lock);
	pthread_rwlock_unlock(&c->grow);
}

int
list_page_begin(struct list_page *p, struct list_items *c,
    const struct list_item_key *k, int64_t *ids, uint32_t *vers, size_t n)
{
	size_t i;
	int held;

	memset(p, 0, sizeof(*p));
	p->items = c;
	p->key = *k;
	p->ids = ids;
	p->vers = vers;
	p->n = n;
	if ((p->at = malloc(n * sizeof(*p->at))) == NULL ||
	    (held = list_items_get(c, ids, vers, n, k, p->at, &p->buf,
	    &p->used, &p->cap)) == -1)
		return -1;
	if ((size_t)held == n)
		return 0;
	if ((p->missing = malloc(n * sizeof(*p->missing))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (p->at[i].len == 0)
			p->missing[p->nmissing++] = ids[i];
	return 0;
}

int
list_page_sink(const char *data, size_t len, void *arg)
{
	struct list_page *p = arg;

	if (list_items_append(&p->buf, &p->used, &p->cap, data, len) == -1) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

size_t
list_page_slot(struct list_page *p, int64_t id)
{
	size_t i;

	for (i = p->next; i < p->n && (p->ids[i] != id || p->at[i].len > 0);
	    i++)
		;
	if (i < p->n)
		p->next = i + 1;
	return i;
}

void
list_page_kept(struct list_page *p, size_t i, size_t start)
{
	p->at[i].off = start;
	p->at[i].len = p->used - start;
	list_items_put(p->items, p->ids[i], p->vers[i], &p->key,
	    p->buf + start, p->at[i].len);
}

void
list_page_end(struct list_page *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	free(p->at);
	free(p->missing);
	free(p->vers);
	free(p->ids);
	memset(p, 0, sizeof(*p));
}

void
list_items_stats(struct list_items *c, size_t *bytes, size_t *items,
    uint64_t *hits, uint64_t *misses)
{
	size_t i;

	*bytes = *items = 0;
	*hits = *misses = 0;
	for (i = 0; i < SHARDS; i++) {
		struct shard *sh = &c->shards[i];

		pthread_mutex_lock(&sh->lock);
		*bytes += sh->bytes;
		*items += sh->items;
		*hits += sh->hits;
		*misses += sh->misses;
		pthread_mutex_unlock(&sh->lock);
	}
}
