/* arena.c: a list of blocks, each filled front to back. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define ARENA_BLOCK 16384
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t used, size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;
};

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct block *b = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < size)
		return NULL;
	if (b == NULL || b->size - b->used < need) {
		size_t bsize = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		if ((b = malloc(sizeof(*b) + bsize)) == NULL)
			return NULL;
		b->used = 0;
		b->size = bsize;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	memset(p, 0, size);
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n;
	char *c;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((c = arena_alloc(a, n)) != NULL)
		memcpy(c, s, n);
	return c;
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
