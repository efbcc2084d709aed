/*
 * session.h: signed-in sessions.  A session is a random token given to the
 * browser in a cookie; the store keeps only its BLAKE2b digest, the user,
 * an expiry (VECHE_SESSION_TTL) and the session's CSRF token, which every
 * form post of the session must echo.
 */
#ifndef VECHE_SESSION_H
#define VECHE_SESSION_H

#include <stdint.h>

#include "core/error.h"

struct store;

#define SESSION_TOKEN_LEN 48    /* buffer: 43 base64url characters and NUL */

/*
 * Start a session for user at now, ending the session of old_token (may be
 * NULL) so that a sign-in always rotates the session.  Writes the new token
 * and its CSRF token.  Returns 0, or -1 with e set (VERR_INTERNAL).
 */
int session_start(struct store *s, int64_t user, const char *old_token,
    int64_t now, char token[SESSION_TOKEN_LEN],
    char csrf[SESSION_TOKEN_LEN], struct verr *e);

/*
 * The live session of token: 0 with its user and CSRF token, 1 if unknown
 * or expired, -1 on a store error.
 */
int session_find(struct store *s, const char *token, int64_t now,
    int64_t *user, char csrf[SESSION_TOKEN_LEN]);

/* End the session of token (and sweep expired ones).  0 or -1. */
int session_end(struct store *s, const char *token, int64_t now);

/*
 * A new random token (32 bytes, base64url), and the BLAKE2b digest (32
 * bytes) under which the store keeps a token; account.c's single-use
 * tokens are made and kept the same way.
 */
void session_random_token(char out[SESSION_TOKEN_LEN]);
void session_token_hash(const char *token, unsigned char out[32]);

/* 1 if the CSRF token given matches the session's, in constant time. */
int session_csrf_ok(const char *expected, const char *given);

#endif
