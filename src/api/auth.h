/*
 * auth.h: who is calling.  An API key (parameter api_key or header
 * X-Api-Key) makes the caller a ROLE_SYSTEM actor scoped to the key's
 * agency; a session makes it the signed-in user (see docs/auth.md).
 */
#ifndef VECHE_AUTH_H
#define VECHE_AUTH_H

#include <stddef.h>

#include "core/model.h"

struct app;
struct http_request;
struct http_route;

/*
 * http_access_fn for the routing table: 0 if the caller is one that
 * route->access admits (the actor is then attached to the request), else
 * 401 (nobody signed in), 403 (signed in but not admitted) or 503, with
 * *field and *message saying why.
 */
int auth_check(struct http_request *req, const struct http_route *route,
    void *app, const char **field, const char **message);

/*
 * The caller's actor: the one auth_check attached, or else resolved now
 * from the request.  NULL for an anonymous caller.  Owned by the request.
 */
const struct actor *auth_actor(struct http_request *req, struct app *app);

/* The routes of this module (sign-in, sign-out ...). */
const struct http_route *auth_routes(size_t *n);

#endif
