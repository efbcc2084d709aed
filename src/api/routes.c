/* routes.c: the routing table, access checks and the error format. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/open311.h"
#include "api/render.h"
#include "api/routes.h"
#include "core/apikey.h"

/* Parameters every Open311 route takes. */
#define O311_COMMON "jurisdiction_id", "locale"

static const char *const p_common[] = { O311_COMMON, NULL };
static const char *const p_requests[] = {
	O311_COMMON, "service_request_id", "service_code", "start_date",
	"end_date", "status", "page", "page_size", "bbox", "lat", "long",
	"radius", "agency_responsible", "updated_after", "updated_before", "q",
	"extensions", NULL
};
static const char *const p_request[] = { O311_COMMON, "extensions", NULL };
static const char *const p_updates[] = {
	O311_COMMON, "start_date", "end_date", NULL
};
static const char *const p_post[] = {
	O311_COMMON, "api_key", "service_code", "lat", "long",
	"address_string", "address_id", "zipcode", "attribute[", "email",
	"device_id", "account_id", "first_name", "last_name", "phone",
	"description", "media_url", "media", NULL
};

static const struct http_route table[] = {
	{ HTTP_GET, "/open311/v2/discovery.{format}", open311_discovery, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/services.{format}", open311_services, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/services/{code}.{format}", open311_service, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/requests.{format}", open311_requests, 0,
	    p_requests, 0 },
	{ HTTP_POST, "/open311/v2/requests.{format}", open311_post_request,
	    ACCESS_APIKEY, p_post, 0 },
	{ HTTP_GET, "/open311/v2/requests/{id}.{format}", open311_request, 0,
	    p_request, 0 },
	{ HTTP_GET, "/open311/v2/tokens/{token}.{format}", open311_token, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/servicerequestupdates.{format}",
	    open311_updates, 0, p_updates, 0 },
};

const struct http_route *
routes_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

int
routes_access(struct http_request *req, const struct http_route *route,
    void *arg, const char **field, const char **message)
{
	struct app *a = arg;
	struct store *s;
	char agency[VECHE_MAX_CODE + 1];
	const char *key;
	int rc;

	if (route->access & ACCESS_APIKEY) {
		key = http_request_param(req, "api_key");
		if (key == NULL)
			key = http_request_header(req, "X-Api-Key");
		*field = "api_key";
		if (key == NULL) {
			*message = "api_key: required for this request "
			    "(ask the administrator for a key)";
			return 403;
		}
		if ((s = app_store(a)) == NULL) {
			*field = NULL;
			*message = "database unavailable: try again later";
			return 503;
		}
		rc = apikey_check(s, key, agency, sizeof(agency));
		if (rc != 0) {
			*message = rc == 1 ? "api_key: unknown or revoked key" :
			    "api_key: could not be checked, try again later";
			return rc == 1 ? 403 : 503;
		}
	}
	return 0;
}

/* XML when the path asks for it, JSON otherwise. */
static enum render_format
error_format(struct http_request *req)
{
	const char *path = http_request_path(req);
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".xml") == 0 ? RENDER_XML :
	    RENDER_JSON;
}

void
routes_error(struct http_request *req, struct http_response *res, int status,
    const char *field, const char *message, void *app)
{
	char text[800];
	json_t *doc;

	(void)app;
	/* The description names the field, as Open311 has no field key. */
	if (field != NULL && strncmp(message, field, strlen(field)) != 0)
		snprintf(text, sizeof(text), "%s: %s", field, message);
	else
		snprintf(text, sizeof(text), "%s", message);
	http_response_reset(res);
	http_response_status(res, status);
	doc = json_pack("[{s:i, s:s}]", "code", status, "description", text);
	if (doc == NULL || render_doc(res, error_format(req), doc,
	    "errors") == -1)
		http_response_printf(res, "error %d\n", status);
	json_decref(doc);
}
