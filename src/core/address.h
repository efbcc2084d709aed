/*
 * address.h: the city's address registry, so that a citizen can find a
 * place by typing its address.  Addresses come with the city file (an
 * extract of the official address register or of OpenStreetMap) and are
 * searched by words, each word matching the start of a word of the address:
 * "свобод 12" finds "ул. Свободы, 12".
 */
#ifndef VECHE_ADDRESS_H
#define VECHE_ADDRESS_H

#include <stddef.h>

#include "core/error.h"

struct store;

/*
 * Free text as a full-text query: every word a quoted term (so that no
 * input is read as query syntax), each a prefix when prefix is set.  Writes
 * it to out (outlen >= 3 * strlen(in) + 4 suffices) and returns 0, or -1
 * when in has no word or out is too small.
 */
int search_terms(const char *in, int prefix, char *out, size_t outlen);

/*
 * The addresses matching text, best first, at most limit, to fn (a
 * non-zero return stops).  Returns 0, or -1 with e set: VERR_INVALID when
 * text has no word, VERR_INTERNAL.
 */
int address_search(struct store *s, const char *text, size_t limit,
    int (*fn)(const char *address, double lat, double lon, void *arg),
    void *arg, struct verr *e);

#endif
