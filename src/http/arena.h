/*
 * arena.h: a bump allocator for request-scoped memory.
 *
 * An arena hands out aligned chunks from a list of blocks and frees them all
 * at once.  Each request owns one; the form parsers allocate their output in
 * the arena they are given, so nothing they return is freed on its own.
 */
#ifndef VECHE_HTTP_ARENA_H
#define VECHE_HTTP_ARENA_H

#include <stddef.h>

struct http_arena;

/*
 * A new, empty arena that will hand out at most max bytes in all (0: no
 * limit beyond memory).  Returns NULL when out of memory.  Free with
 * http_arena_free.
 */
struct http_arena *http_arena_new(size_t max);

/* Free every block of a and a itself.  Accepts NULL. */
void http_arena_free(struct http_arena *a);

/*
 * size bytes aligned for any type, owned by a.  Returns NULL when out of
 * memory or when the arena's limit would be passed.  size 0 gives a valid
 * unique pointer.
 */
void *http_arena_alloc(struct http_arena *a, size_t size);

/*
 * A NUL-terminated copy of the len bytes at s (which may hold NUL bytes),
 * owned by a.  NULL when out of memory or past the limit.
 */
char *http_arena_strndup(struct http_arena *a, const char *s, size_t len);

/* A copy of the NUL-terminated s, owned by a; NULL as http_arena_strndup. */
char *http_arena_strdup(struct http_arena *a, const char *s);

#endif
