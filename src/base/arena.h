/*
 * arena.h: a bump allocator for memory that dies together: a request and
 * what its parsers produce, a catalogue snapshot, a parsed file.
 *
 * An arena hands out aligned, zeroed chunks from a list of blocks and frees
 * them all at once; nothing it returns is freed on its own.
 */
#ifndef VECHE_ARENA_H
#define VECHE_ARENA_H

#include <stddef.h>

struct arena;

/*
 * A new, empty arena that will hand out at most max bytes in all (0: no
 * limit beyond memory).  Returns NULL when out of memory.  Free with
 * arena_free.
 */
struct arena *arena_new(size_t max);

/* Free every block of a and a itself.  Accepts NULL. */
void arena_free(struct arena *a);

/*
 * size zeroed bytes aligned for any type, owned by a.  Returns NULL when out of
 * memory or when the arena's limit would be passed.  size 0 gives a valid
 * unique pointer.
 */
void *arena_alloc(struct arena *a, size_t size);

/*
 * A NUL-terminated copy of the len bytes at s (which may hold NUL bytes),
 * owned by a.  NULL when out of memory or past the limit.
 */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/*
 * A copy of the NUL-terminated s, owned by a; NULL as arena_strndup, and
 * NULL for a NULL s.
 */
char *arena_strdup(struct arena *a, const char *s);

#endif
