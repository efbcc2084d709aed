/*
 * arena.c: bump allocation over a list of blocks (see arena.h).
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

/* Small requests share blocks of this size; larger ones get their own. */
#define ARENA_BLOCK 8192

#define ARENA_ALIGN alignof(max_align_t)

struct block {
	struct block *next;
	size_t size;        /* usable bytes in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct block *head;   /* the block being filled; older ones follow */
	size_t max;           /* 0: unlimited */
	size_t total;         /* bytes of blocks allocated so far */
};

struct arena *
arena_new(size_t max)
{
	struct arena *a;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->max = max;
	return a;
}

void
arena_free(struct arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static struct block *
block_new(struct arena *a, size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if (a->max != 0 && (size > a->max || a->total > a->max - size))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->size = size;
	b->used = 0;
	a->total += size;
	return b;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct block *b;
	size_t need;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;

	b = a->head;
	if (b != NULL && b->size - b->used >= need) {
		void *p = b->data + b->used;

		b->used += need;
		memset(p, 0, size);
		return p;
	}
	if (need > ARENA_BLOCK / 4) {
		/*
		 * A big chunk gets a block of its own, linked behind the
		 * current one so that the current one keeps filling.
		 */
		b = block_new(a, need);
		if (b == NULL)
			return NULL;
		b->used = need;
		memset(b->data, 0, size);
		if (a->head == NULL) {
			b->next = NULL;
			a->head = b;
		} else {
			b->next = a->head->next;
			a->head->next = b;
		}
		return b->data;
	}
	b = block_new(a, ARENA_BLOCK);
	if (b == NULL)
		return NULL;
	b->next = a->head;
	a->head = b;
	b->used = need;
	memset(b->data, 0, size);
	return b->data;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, len + 1);
	if (p == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s != NULL ? arena_strndup(a, s, strlen(s)) : NULL;
}
