/* auth.c: API keys and (later) sessions. */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/routes.h"
#include "core/apikey.h"
#include "http/http.h"

/* The actor of an API key in the request, or NULL; *rc the refusal. */
static struct actor *
key_actor(struct http_request *req, struct app *a, int *rc,
    const char **message)
{
	char agency[VECHE_MAX_CODE + 1];
	struct actor *act;
	struct store *s;
	const char *key;

	*rc = 0;
	key = http_request_param(req, "api_key");
	if (key == NULL)
		key = http_request_header(req, "X-Api-Key");
	if (key == NULL)
		return NULL;
	if ((s = app_store(a)) == NULL) {
		*rc = 503;
		*message = "database unavailable: try again later";
		return NULL;
	}
	switch (apikey_check(s, key, agency, sizeof(agency))) {
	case 0:
		break;
	case 1:
		*rc = 403;
		*message = "api_key: unknown or revoked key";
		return NULL;
	default:
		*rc = 503;
		*message = "api_key: could not be checked, try again later";
		return NULL;
	}
	if ((act = http_request_alloc(req, sizeof(*act))) == NULL) {
		*rc = 503;
		*message = "out of memory";
		return NULL;
	}
	memset(act, 0, sizeof(*act));
	act->role = ROLE_SYSTEM;
	snprintf(act->name, sizeof(act->name), "api-key");
	if (agency[0] != '\0') {
		snprintf(act->agencies[0], sizeof(act->agencies[0]), "%s",
		    agency);
		act->nagencies = 1;
	}
	return act;
}

int
auth_check(struct http_request *req, const struct http_route *route,
    void *arg, const char **field, const char **message)
{
	struct actor *act;
	int rc;

	*field = "api_key";
	act = key_actor(req, arg, &rc, message);
	if (rc != 0)
		return rc;
	if (act != NULL && (route->access & ACCESS_APIKEY)) {
		http_request_set_user(req, act);
		return 0;
	}
	*message = "api_key: required for this request (ask the "
	    "administrator for a key)";
	return 403;
}

const struct actor *
auth_actor(struct http_request *req, struct app *a)
{
	struct actor *act = http_request_user(req);
	const char *message;
	int rc;

	if (act == NULL && (act = key_actor(req, a, &rc, &message)) != NULL)
		http_request_set_user(req, act);
	return act;
}

const struct http_route *
auth_routes(size_t *n)
{
	*n = 0;
	return NULL;
}
