/*
 * delivery.c: the outbox's admin routes (webhook subscriptions, dead
 * letters, replay, statistics) and the CSV export of an agency's reports.
 *
 * Admin routes take an administrator, or an API key bound to no agency
 * (an integrating system of the whole deployment).  The export takes the
 * staff of that agency, an API key bound to it or to none, and admins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/delivery.h"
#include "api/reply.h"
#include "api/routes.h"
#include "core/catalog.h"
#include "core/db.h"
#include "core/delivery.h"
#include "core/export.h"
#include "core/parse.h"
#include "http/http.h"

static const char *const state_names[DELIVERY_STATE__MAX] = {
	[DELIVERY_PENDING] = "pending",
	[DELIVERY_SENDING] = "sending",
	[DELIVERY_DELIVERED] = "delivered",
	[DELIVERY_DEAD] = "dead",
};

static const char *const channel_names[DELIVERY_CHANNEL__MAX] = {
	[DELIVERY_WEBHOOK] = "webhook",
	[DELIVERY_MAIL_AGENCY] = "mail-agency",
	[DELIVERY_MAIL_REPORTER] = "mail-reporter",
	[DELIVERY_MAIL_ALERT] = "mail-alert",
	[DELIVERY_MAIL_SPIKE] = "mail-spike",
};

/*
 * The caller may administer the outbox: an admin, or a key bound to no
 * agency.  Returns 0, or 1 after sending 403.
 */
static int
admin_only(struct http_request *req, struct http_response *res,
    struct app *a)
{
	const struct actor *act = auth_actor(req, a);

	if (act != NULL && (act->role == ROLE_ADMIN ||
	    (act->role == ROLE_SYSTEM && act->nagencies == 0)))
		return 0;
	http_response_error(req, res, 403, "api_key", "api_key: the outbox "
	    "is administered by admins and by API keys bound to no agency");
	return 1;
}

/* The thread's store, or 503 sent (returns NULL). */
static struct store *
store_or_503(struct http_request *req, struct http_response *res,
    struct app *a)
{
	struct store *s = app_store(a);

	if (s == NULL)
		http_response_error(req, res, 503, NULL, "database unavailable: "
		    "try again later");
	return s;
}

/* Path variable id as a positive number, or 404 sent (returns -1). */
static int
path_id(struct http_request *req, struct http_response *res, int64_t *id)
{
	const char *v = http_request_var(req, "id");

	if (v == NULL || parse_int64(v, 1, INT64_MAX, id) == -1) {
		http_response_error(req, res, 404, "id", "id: a positive number");
		return -1;
	}
	return 0;
}

static int
sub_json(const struct store_subscription *sub, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:b, s:I}",
	    "id", (json_int_t)sub->id, "url", sub->url,
	    "agency", sub->agency ? json_string(sub->agency) : json_null(),
	    "events", sub->events ? json_string(sub->events) : json_null(),
	    "include_contact", sub->include_contact,
	    "created", (json_int_t)sub->created);

	return o == NULL || json_array_append_new(arg, o) == -1 ? -1 : 0;
}

static int
webhooks_list(struct http_request *req, struct http_response *res, void *arg)
{
	struct store *s;
	json_t *list;

	if (admin_only(req, res, arg) || (s = store_or_503(req, res,
	    arg)) == NULL)
		return 0;
	if ((list = json_array()) == NULL)
		return -1;
	if (delivery_subscriptions(s, sub_json, list) != 0) {
		fprintf(stderr, "veche: %s\n", db_error(s));
		json_decref(list);
		return -1;
	}
	return reply_json(res, 200, list);
}

static int
webhooks_add(struct http_request *req, struct http_response *res, void *arg)
{
	const char *contact = http_request_param(req, "include_contact");
	struct store *s;
	struct verr e;
	int64_t id;

	if (admin_only(req, res, arg) || (s = store_or_503(req, res,
	    arg)) == NULL)
		return 0;
	if (contact != NULL && strcmp(contact, "0") != 0 &&
	    strcmp(contact, "1") != 0) {
		http_response_error(req, res, 400, "include_contact",
		    "include_contact: 0 or 1");
		return 0;
	}
	memset(&e, 0, sizeof(e));
	if (delivery_subscribe(s, http_request_param(req, "url"),
	    http_request_param(req, "secret"), http_request_param(req, "agency"),
	    http_request_param(req, "events"), contact != NULL &&
	    strcmp(contact, "1") == 0, app_now(arg), &id, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int
webhooks_remove(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct store *s;
	struct verr e;
	int64_t id;

	if (admin_only(req, res, arg) || path_id(req, res, &id) == -1 ||
	    (s = store_or_503(req, res, arg)) == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	if (delivery_unsubscribe(s, id, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 200, json_pack("{s:I}", "removed",
	    (json_int_t)id));
}

static int
delivery_json(const struct store_delivery *d, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:I,"
	    " s:o, s:o}",
	    "id", (json_int_t)d->id, "event", d->event_type,
	    "idempotency_key", d->event_key,
	    "channel", channel_names[d->channel],
	    "service_request_id", (json_int_t)d->report_id,
	    "state", state_names[d->state], "attempts", d->attempts,
	    "next_attempt_ms", (json_int_t)d->next_attempt_ms,
	    "updated_ms", (json_int_t)d->updated_ms,
	    "subscription", d->subscription_id ?
	    json_integer(d->subscription_id) : json_null(),
	    "last_error", d->last_error ? json_string(d->last_error) :
	    json_null());

	return o == NULL || json_array_append_new(arg, o) == -1 ? -1 : 0;
}

static int
outbox_dead(struct http_request *req, struct http_response *res, void *arg)
{
	struct store *s;
	json_t *list;

	if (admin_only(req, res, arg) || (s = store_or_503(req, res,
	    arg)) == NULL)
		return 0;
	if ((list = json_array()) == NULL)
		return -1;
	if (delivery_list(s, DELIVERY_DEAD, VECHE_DELIVERY_LIST,
	    delivery_json, list) != 0) {
		fprintf(stderr, "veche: %s\n", db_error(s));
		json_decref(list);
		return -1;
	}
	return reply_json(res, 200, list);
}

static int
replay(struct http_request *req, struct http_response *res, void *arg,
    int64_t id)
{
	struct store *s;
	struct verr e;
	size_t n;

	if ((s = store_or_503(req, res, arg)) == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	if (delivery_replay(s, id, delivery_now_ms(), &n, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 200, json_pack("{s:I}", "replayed",
	    (json_int_t)n));
}

static int
outbox_replay_one(struct http_request *req, struct http_response *res,
    void *arg)
{
	int64_t id;

	if (admin_only(req, res, arg) || path_id(req, res, &id) == -1)
		return 0;
	return replay(req, res, arg, id);
}

static int
outbox_replay_all(struct http_request *req, struct http_response *res,
    void *arg)
{
	if (admin_only(req, res, arg))
		return 0;
	return replay(req, res, arg, 0);
}

static int
outbox_stats(struct http_request *req, struct http_response *res, void *arg)
{
	struct store_delivery_stats st;
	struct store *s;
	json_t *by;
	int i;

	if (admin_only(req, res, arg) || (s = store_or_503(req, res,
	    arg)) == NULL)
		return 0;
	if (delivery_stats(s, &st) == -1) {
		fprintf(stderr, "veche: %s\n", db_error(s));
		return -1;
	}
	if ((by = json_object()) == NULL)
		return -1;
	for (i = 0; i < DELIVERY_STATE__MAX; i++)
		json_object_set_new(by, state_names[i],
		    json_integer(st.count[i]));
	return reply_json(res, 200, json_pack("{s:I, s:I, s:o, s:I}",
	    "events", (json_int_t)st.events,
	    "subscriptions", (json_int_t)st.subscriptions, "deliveries", by,
	    "oldest_pending_ms", (json_int_t)st.oldest_pending_ms));
}

/* The actor may see agency's reports: admins, its staff and keys. */
static int
may_export(const struct actor *act, const char *agency)
{
	size_t i;

	if (act == NULL)
		return 0;
	if (act->role == ROLE_ADMIN)
		return 1;
	if (act->role != ROLE_SYSTEM && act->role != ROLE_OPERATOR &&
	    act->role != ROLE_HEAD)
		return 0;
	/* An API key bound to no agency serves the whole deployment. */
	if (act->role == ROLE_SYSTEM && act->nagencies == 0)
		return 1;
	for (i = 0; i < act->nagencies; i++)
		if (strcmp(act->agencies[i], agency) == 0)
			return 1;
	return 0;
}

static int
csv_write(const void *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

static int
agency_exists(const struct agency *ag, void *arg)
{
	return strcmp(ag->code, arg) == 0;
}

static int
export_reports(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *code = http_request_var(req, "code");
	const char *bom = http_request_param(req, "bom");
	char disp[VECHE_MAX_CODE + 64];
	int64_t from, to;
	struct store *s;
	struct verr e;
	int rc;

	if (code == NULL || strlen(code) > VECHE_MAX_CODE) {
		http_response_error(req, res, 404, "code", "code: no such agency");
		return 0;
	}
	if (!may_export(auth_actor(req, arg), code)) {
		http_response_error(req, res, 403, "code", "code: only this "
		    "agency's staff and admins may export its reports");
		return 0;
	}
	memset(&e, 0, sizeof(e));
	if (export_parse_date(http_request_param(req, "from"), 0, "from",
	    &from, &e) == -1 || export_parse_date(http_request_param(req,
	    "to"), 1, "to", &to, &e) == -1)
		return reply_verr(req, res, &e);
	if (to < from || to - from > (int64_t)VECHE_EXPORT_MAX_DAYS * 86400) {
		http_response_error(req, res, 400, "to", "to: on or after from, "
		    "and at most " "400 days later");
		return 0;
	}
	if (bom != NULL && strcmp(bom, "0") != 0 && strcmp(bom, "1") != 0) {
		http_response_error(req, res, 400, "bom", "bom: 0 or 1");
		return 0;
	}
	if ((s = store_or_503(req, res, arg)) == NULL)
		return 0;
	if ((rc = catalog_agency_each(s, agency_exists, (void *)code)) == -1)
		return -1;
	if (rc != 1) {
		http_response_error(req, res, 404, "code", "code: no such agency");
		return 0;
	}
	if (export_csv(s, code, from, to, bom != NULL && strcmp(bom, "1") == 0,
	    csv_write, res, &e) == -1)
		return reply_verr(req, res, &e);
	http_response_kind(res, HTTP_TYPE_CSV);
	/* The code is [a-z0-9_-] by the catalogue's rules: safe to echo. */
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-reports.csv\"",
	    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
	    strlen(code) ? code : "agency");
	http_response_header(res, "Content-Disposition", disp);
	return 0;
}

#define ADMIN (ACCESS_APIKEY | ACCESS_ADMIN)

static const char *const p_key[] = { "api_key", NULL };
static const char *const p_add[] = {
	"api_key", "url", "secret", "agency", "events", "include_contact", NULL
};
static const char *const p_export[] = { "api_key", "from", "to", "bom", NULL };

static const struct http_route delivery_table[] = {
	{ HTTP_GET, "/api/v1/webhooks", webhooks_list, ADMIN, p_key, 0 },
	{ HTTP_POST, "/api/v1/webhooks", webhooks_add, ADMIN, p_add, 0 },
	{ HTTP_DELETE, "/api/v1/webhooks/{id}", webhooks_remove, ADMIN, p_key,
	    0 },
	{ HTTP_GET, "/api/v1/outbox/stats", outbox_stats, ADMIN, p_key, 0 },
	{ HTTP_GET, "/api/v1/outbox/dead", outbox_dead, ADMIN, p_key, 0 },
	{ HTTP_POST, "/api/v1/outbox/dead/{id}/replay", outbox_replay_one,
	    ADMIN, p_key, 0 },
	{ HTTP_POST, "/api/v1/outbox/replay", outbox_replay_all, ADMIN, p_key,
	    0 },
	{ HTTP_GET, "/api/v1/agencies/{code}/reports.csv", export_reports,
	    ACCESS_APIKEY | ACCESS_STAFF, p_export, 0 },
};

const struct http_route *
delivery_routes(size_t *n)
{
	*n = sizeof(delivery_table) / sizeof(delivery_table[0]);
	return delivery_table;
}
