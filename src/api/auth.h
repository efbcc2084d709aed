/*
 * auth.h: who is calling.  An API key (parameter api_key or header
 * X-Api-Key) makes the caller a ROLE_SYSTEM actor scoped to the key's
 * agency; a session cookie (veche_session) makes it the signed-in user.
 * A session's POST, PUT and DELETE requests must carry its CSRF token in
 * the form field csrf or the header X-CSRF-Token; API-key callers are
 * exempt.  Sign-in is rate-limited per login and per remote address.  See
 * docs/auth.md.
 */
#ifndef VECHE_AUTH_H
#define VECHE_AUTH_H

#include <stddef.h>

#include "core/error.h"
#include "base/model.h"
#include "core/session.h"
#include "core/social.h"

struct app;
struct http_request;
struct http_response;
struct http_route;

#define AUTH_COOKIE "veche_session"

/*
 * http_access_fn for the routing table: 0 if the caller is one that
 * route->access admits (the actor is then attached to the request), else
 * 401 (nobody signed in), 403 (signed in but not admitted, or a missing or
 * wrong CSRF token) or 503, with *field and *message saying why.
 */
int auth_check(struct http_request *req, const struct http_route *route,
    void *app, const char **field, const char **message);

/*
 * The caller's actor: the one auth_check attached, or else resolved now
 * from the request.  NULL for an anonymous caller.  Owned by the request.
 */
const struct actor *auth_actor(struct http_request *req, struct app *app);

/* The CSRF token of the caller's session, or NULL.  Owned by the request. */
const char *auth_csrf(struct http_request *req);

/*
 * Sign in with login and password, as POST /api/v1/login does (rate
 * limits per login and address, a new session replacing the request's,
 * the cookie set on res).  Returns 0 and fills *act and csrf (the
 * session's CSRF token, SESSION_TOKEN_LEN bytes), or an HTTP status (400,
 * 401, 429, 500, 503) with e saying why.
 */
int auth_sign_in(struct http_request *req, struct http_response *res,
    struct app *a, const char *login, const char *password,
    struct actor *act, char csrf[SESSION_TOKEN_LEN], struct verr *e);

/* End the request's session and clear its cookie.  Returns 0 or -1. */
int auth_sign_out(struct http_request *req, struct http_response *res,
    struct app *a);

/*
 * The rate-limit key of a client address remote into buf ("addr:IP",
 * truncated to size).  An IPv6 client counts by its /64, which one
 * subscriber usually holds whole.
 */
void auth_addr_key(const char *remote, char *buf, size_t size);

/*
 * social_rate for the request's client, counted by auth_addr_key (an IPv6
 * client by its /64, so a subscriber cannot step through its addresses).
 * 0 allowed, 1 over the limit, -1 with e set.
 */
int auth_rate(struct http_request *req, struct store *s,
    enum rate_kind kind, int64_t now, struct verr *e);

/* The routes of this module: sign-up, sign-in, sign-out, "who am I". */
const struct http_route *auth_routes(size_t *n);

#endif
