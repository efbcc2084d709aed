/* routes.c: the routing table, access checks and the error format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/cache.h"
#include "api/open311.h"
#include "api/render.h"
#include "api/auth.h"
#include "api/delivery.h"
#include "api/metrics.h"
#include "api/readroute.h"
#include "api/reqlog.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_staff.h"
#include "api/web_listen.h"
#include "api/web_trends.h"
#include "api/web_proposals.h"
#include "api/web_incident.h"
#include "api/web_calls.h"
#include "api/web_drafts.h"
#include "api/web_ratings.h"
#include "api/web_suggest.h"
#include "api/workflow.h"
#include "core/audit.h"
#include "core/db.h"

/* Each module's routes, in the order they are matched. */
static const struct http_route *(*const modules[])(size_t *) = {
	open311_routes,
	auth_routes,
	delivery_routes,
	web_routes,
	desk_routes,
	admin_routes,
	/* After web's literal /api/v1/reports/nearby, which {id} would take. */
	workflow_routes,
	metrics_routes,
	listen_routes,
	account_routes,         /* citizens' accounts (web_account.c) */
	map_routes,
	ratings_routes,
	data_routes,
	book_routes,
	help_routes,            /* the help map (web_help.c) */
	proposals_routes,       /* proposals, agency notes (web_proposals.c) */
	alerts_routes,          /* citizens' e-mail alerts (web_alerts.c) */
	trends_routes,          /* listening's trends (web_trends.c) */
	incident_routes,        /* incidents of listening (web_incident.c) */
	officials_routes,       /* officials' pages (web_officials.c) */
	suggest_routes,         /* service suggestions (web_suggest.c) */
	calls_routes,           /* open calls for a public post (web_calls.c) */
	drafts_routes,          /* drafts of regulations (web_drafts.c) */
};

struct http_route *
routes_build(size_t *n)
{
	const size_t nmod = sizeof(modules) / sizeof(modules[0]);
	struct http_route *all;
	size_t i, k, total = 0;

	for (i = 0; i < nmod; i++) {
		modules[i](&k);
		total += k;
	}
	if ((all = calloc(total + 1, sizeof(*all))) == NULL)
		return NULL;
	*n = 0;
	for (i = 0; i < nmod; i++) {
		const struct http_route *t = modules[i](&k);

		if (k > 0)
			memcpy(all + *n, t, k * sizeof(*t));
		*n += k;
	}
	return all;
}

int
routes_access(struct http_request *req, const struct http_route *route,
    void *arg, const char **field, const char **message)
{
	/* A body of the wrong type first: its fields (api_key...) are lost. */
	if ((*message = open311_body_refusal(req, route)) != NULL) {
		*field = "Content-Type";
		return 415;
	}
	return auth_check(req, route, arg, field, message);
}

void
routes_before(struct http_request *req, void *arg)
{
	struct app *a = arg;
	struct store *s;

	/* Where this request reads (readroute.h): before any app_store. */
	if (a->reads != NULL)
		readroute_choose(a->reads, req);
	if ((s = app_store_primary(a)) == NULL)
		return;
	/* Audit entries the handler causes carry the request's id. */
	audit_set_request_id(s, http_request_id(req));
	/* Its writes' fsync is waited for by routes_durable. */
	db_defer_sync(s, 1);
}

/* A held answer's write is on disk: pages rendered before it are stale. */
struct durable_wait {
	struct app *app;
	void (*done)(void *, int);
	void *done_arg;
};

static void
on_durable(void *arg, int ok)
{
	struct durable_wait *d = arg;

	cache_bump(d->app->cache);
	d->done(d->done_arg, ok);
	free(d);
}

int
routes_durable(void *arg, int hold, void (*done)(void *, int),
    void *done_arg)
{
	struct app *a = arg;
	struct store *s = app_store_primary(a);
	struct durable_wait *d;
	uint64_t ticket;
	int rc;

	if (s == NULL || (ticket = db_write_pending(s)) == 0)
		return 0;
	/*
	 * The write was committed with the transaction the ticket names,
	 * maybe after the handler's own cache_bump: bump again once it is.
	 */
	if (!hold || (d = malloc(sizeof(*d))) == NULL) {
		rc = db_durable_wait(s, ticket);
		cache_bump(a->cache);
	} else {
		d->app = a;
		d->done = done;
		d->done_arg = done_arg;
		if ((rc = db_durable_notify(s, ticket, on_durable, d)) != 1) {
			free(d);
			cache_bump(a->cache);
		}
	}
	if (rc == -1)
		fprintf(stderr, "veche: %s\n", db_error(s));
	return rc;
}

#define UNAVAILABLE "database unavailable: try again shortly"

/*
 * A request that failed because its PostgreSQL server went away (a
 * restart, a failover): 503 with Retry-After, whatever the handler made
 * of the error.  A write whose commit went unanswered failed too, so it
 * is never acknowledged; the next request opens a new session.
 */
static void
unavailable(struct http_request *req, struct http_response *res,
    struct app *a)
{
	if (http_response_get_status(res) >= 500 && app_db_unavailable(a))
		http_response_error(req, res, 503, NULL, UNAVAILABLE);
}

void
routes_after(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *a = arg;

	unavailable(req, res, a);
	if (a->reads != NULL)
		readroute_answered(a->reads, req, res);
}

void
routes_observe(const struct http_exchange *ex, void *arg)
{
	struct app *a = arg;

	metrics_observe(a->metrics, ex);
	if (a->log_json)
		reqlog_write(ex, app_now(a));
}

void
routes_connection(int delta, void *arg)
{
	struct app *a = arg;

	metrics_connection(a->metrics, delta);
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
	int away = status >= 500 && app_db_unavailable(app);

	/* Refused or failed while the database server is away (a restart,
	 * a failover): 503, and when to ask again. */
	if (away) {
		status = 503;
		field = NULL;
		message = UNAVAILABLE;
	}
	/* The staff's pages answer people: a page, or the way to sign in. */
	if (web_staff_refusal(req, res, status, message, app) == 0) {
		if (away)
			http_response_header(res, "Retry-After",
			    VECHE_RETRY_AFTER);
		return;
	}
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
	if (away)
		http_response_header(res, "Retry-After", VECHE_RETRY_AFTER);
}
