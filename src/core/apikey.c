/* apikey.c: creating and checking API keys. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/apikey.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "store/store.h"

static void
key_hash(const char *key, unsigned char out[STORE_KEY_HASH_LEN])
{
	crypto_generichash(out, STORE_KEY_HASH_LEN,
	    (const unsigned char *)key, strlen(key), NULL, 0);
}

int
apikey_create(struct store *s, const struct catalog *c, const char *name,
    const char *agency, int64_t now, char key[APIKEY_LEN], struct verr *e)
{
	unsigned char raw[32], hash[STORE_KEY_HASH_LEN];
	size_t chars, bad;

	if (name == NULL || *name == '\0' ||
	    parse_utf8(name, 0, &chars, &bad) == -1 || chars > VECHE_MAX_NAME)
		return verr_set(e, VERR_INVALID, "name", "name: a one-line name "
		    "of 1 to %d characters", VECHE_MAX_NAME);
	if (agency != NULL && catalog_agency(c, agency) == NULL)
		return verr_set(e, VERR_INVALID, "agency", "agency: no agency "
		    "'%s' (import the city first)", agency);
	randombytes_buf(raw, sizeof(raw));
	memcpy(key, "vk_", 3);
	sodium_bin2base64(key + 3, APIKEY_LEN - 3, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	key_hash(key, hash);
	if (store_apikey_insert(s, name, agency, hash, now) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "storing the key "
		    "failed: %s", store_error(s));
	return 0;
}

int
apikey_check(struct store *s, const char *key, char *name, size_t namelen,
    char *agency, size_t agencylen)
{
	unsigned char hash[STORE_KEY_HASH_LEN];

	if (key == NULL || strlen(key) >= APIKEY_LEN)
		return 1;
	key_hash(key, hash);
	return store_apikey_find(s, hash, name, namelen, agency, agencylen);
}

int
apikey_each(struct store *s, int (*fn)(const struct store_apikey *, void *),
    void *arg)
{
	return store_apikey_each(s, fn, arg);
}
