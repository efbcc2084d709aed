/*
 * apikey.h: API keys for integrating systems (Open311 clients, agency
 * document-flow systems).  A key is shown once at creation; the store keeps
 * only its BLAKE2b hash.  A key may be scoped to one agency.
 */
#ifndef VECHE_APIKEY_H
#define VECHE_APIKEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "base/model.h"

struct catalog;
struct store;

#define APIKEY_LEN 64   /* buffer for a key: "vk_" and 43 base64url chars */

/*
 * Create a key named name for agency (NULL: not scoped), which must exist in
 * the catalogue.  Writes the key to key (APIKEY_LEN bytes).  Returns 0, or
 * -1 with e set.
 */
int apikey_create(struct store *s, const struct catalog *c, const char *name,
    const char *agency, int64_t now, char key[APIKEY_LEN], struct verr *e);

/*
 * Check a key.  Returns 0 if it is live, copying its name into name and its
 * agency scope ("" when none) into agency; 1 if unknown or revoked; -1 on a
 * store error.
 */
int apikey_check(struct store *s, const char *key, char *name,
    size_t namelen, char *agency, size_t agencylen);

/*
 * Every API key as listed (never the key itself).  Returns 0, fn's
 * non-zero result, or -1 (db_error).
 */
int apikey_each(struct store *s,
    int (*fn)(const struct store_apikey *, void *), void *arg);

#endif
