/*
 * arena.h: a bump allocator for data that dies together (a catalogue
 * snapshot, a parsed file).  Allocations are 16-byte aligned.
 */
#ifndef VECHE_ARENA_H
#define VECHE_ARENA_H

#include <stddef.h>

struct arena;

/* A new empty arena, or NULL when out of memory.  Free with arena_free. */
struct arena *arena_new(void);

/* size zeroed bytes owned by the arena, or NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t size);

/* A copy of s (NULL stays NULL) owned by the arena; NULL on failure too. */
char *arena_strdup(struct arena *a, const char *s);

/* Free the arena and everything allocated from it.  Accepts NULL. */
void arena_free(struct arena *a);

#endif
