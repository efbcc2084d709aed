/* session.c: session and CSRF tokens. */
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/session.h"
#include "store/store.h"
#include "store/store_accounts.h"

void
session_random_token(char out[SESSION_TOKEN_LEN])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_LEN, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
session_token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, STORE_SESSION_HASH_LEN,
	    (const unsigned char *)token, strlen(token), NULL, 0);
}

int
session_start(struct store *s, int64_t user, const char *old_token,
    int64_t now, char token[SESSION_TOKEN_LEN],
    char csrf[SESSION_TOKEN_LEN], struct verr *e)
{
	unsigned char hash[STORE_SESSION_HASH_LEN], old[STORE_SESSION_HASH_LEN];
	int own = !store_in_transaction(s), rc = 0;

	session_random_token(token);
	session_random_token(csrf);
	session_token_hash(token, hash);
	if (own && store_begin(s) == -1)
		rc = -1;
	if (rc == 0 && old_token != NULL && strlen(old_token) <
	    SESSION_TOKEN_LEN) {
		session_token_hash(old_token, old);
		rc = store_session_delete(s, old, now);
	}
	if (rc == 0)
		rc = store_session_insert(s, hash, user, csrf, now,
		    now + VECHE_SESSION_TTL);
	if (own && rc == 0)
		rc = store_commit(s);
	if (rc == -1) {
		if (own)
			store_rollback(s);
		return verr_set(e, VERR_INTERNAL, NULL, "starting the session "
		    "failed: %s", store_error(s));
	}
	return 0;
}

int
session_find(struct store *s, const char *token, int64_t now,
    int64_t *user, char csrf[SESSION_TOKEN_LEN])
{
	unsigned char hash[STORE_SESSION_HASH_LEN];

	if (token == NULL || strlen(token) >= SESSION_TOKEN_LEN)
		return 1;
	session_token_hash(token, hash);
	return store_session_find(s, hash, now, user, csrf,
	    SESSION_TOKEN_LEN);
}

int
session_end(struct store *s, const char *token, int64_t now)
{
	unsigned char hash[STORE_SESSION_HASH_LEN];

	if (token == NULL || strlen(token) >= SESSION_TOKEN_LEN)
		return 0;
	session_token_hash(token, hash);
	return store_session_delete(s, hash, now);
}

int
session_csrf_ok(const char *expected, const char *given)
{
	size_t n;

	if (expected == NULL || given == NULL)
		return 0;
	n = strlen(expected);
	return n > 0 && strlen(given) == n &&
	    sodium_memcmp(expected, given, n) == 0;
}
