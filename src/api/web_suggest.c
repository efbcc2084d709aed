/*
 * web_suggest.c: GET /api/v1/services/suggest?text=... answers
 * [{service_code, name, probability}], the VECHE_SUGGEST_MAX most probable
 * services for the text, best first; [] while the deployment has no model
 * (docs/api.md).  A public read like /api/v1/reports/nearby.
 */
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_suggest.h"
#include "core/catalog.h"
#include "core/suggest.h"

static int
suggest_get(struct http_request *req, struct http_response *res, void *arg)
{
	const char *text = http_request_param(req, "text");
	struct suggest_item items[VECHE_SUGGEST_MAX];
	const struct service *svc;
	struct web_ctx c;
	struct verr e;
	json_t *out;
	size_t n = 0, i;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (text == NULL)
		return web_fail(req, res, &c, 400, "text",
		    "text: required, the report's description");
	if (suggest_services(c.app->suggest, text, strlen(text), items,
	    VECHE_SUGGEST_MAX, &n, &e) == -1)
		return web_fail(req, res, &c, e.kind == VERR_INVALID ? 400 :
		    500, e.field[0] ? e.field : NULL, e.message);
	if ((out = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		/* A service removed since the training is not offered. */
		if ((svc = catalog_service(c.app->catalog, items[i].code)) ==
		    NULL || svc->disabled)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s, s:f}",
		    "service_code", svc->code, "name", svc->name[c.lang] ?
		    svc->name[c.lang] : svc->code, "probability",
		    items[i].probability));
	}
	return social_send_json(res, 200, out);
}

static const char *const p_suggest[] = { "lang", "text", NULL };

static const struct http_route suggest_table[] = {
	{ HTTP_GET, "/api/v1/services/suggest", suggest_get, 0, p_suggest, 0 },
};

const struct http_route *
suggest_routes(size_t *n)
{
	*n = sizeof(suggest_table) / sizeof(suggest_table[0]);
	return suggest_table;
}
