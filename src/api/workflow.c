/*
 * workflow.c: the routes of an appeal's life under /api/v1 (staff view,
 * actions, history, overdue lists, citizens' own reports, user
 * administration) and FixMyStreet's POST servicerequestupdates for agency
 * systems.  docs/api.md and docs/workflow.md describe each.
 *
 * Action routes take form fields or a JSON object (Content-Type
 * application/json) with the same names.  The routing table says which
 * roles may call a route; core/workflow.c then checks the report's agency,
 * the reporter's proof and the state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "veche.h"
#include "base/coord.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/body.h"
#include "api/cache.h"
#include "api/render.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/workflow.h"
#include "core/account.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/workflow.h"
#include "http/http.h"

/* What every handler here starts from. */
struct ctx {
	struct app *app;
	struct store *s;
	const struct actor *act;
	json_t *body;                   /* a JSON request body, or NULL */
};

/* Set up c; returns 0 to go on, 1 when an error was sent. */
static int
action_begin(struct http_request *req, struct http_response *res, void *arg,
    struct ctx *c)
{
	const char *ct = http_request_header(req, "Content-Type");
	const void *body;
	char err[256];
	size_t len;

	memset(c, 0, sizeof(*c));
	c->app = arg;
	if ((c->s = app_store(c->app)) == NULL) {
		reply_bad(req, res, 503, NULL, "database unavailable: try again "
		    "later");
		return 1;
	}
	c->act = auth_actor(req, c->app);
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return 0;
	body = http_request_body(req, &len);
	if (len == 0)
		return 0;
	if ((c->body = body_json_parse(body, len, err, sizeof(err))) == NULL) {
		reply_bad(req, res, 400, "body", "%s", err);
		return 1;
	}
	return 0;
}

static void
end(struct ctx *c)
{
	json_decref(c->body);
	c->body = NULL;
}

/*
 * A field: the declared form or query parameter, else the JSON body's
 * member (a string, a number or a boolean), in request memory; NULL if
 * absent or empty.
 */
static const char *
field(struct http_request *req, const struct ctx *c, const char *name)
{
	const char *v = http_request_param(req, name);
	char num[32];

	if (v != NULL || c->body == NULL ||
	    (v = body_json_field(c->body, name, num, sizeof(num))) == NULL)
		return v;
	return http_request_strdup(req, v);
}

/* The {id} of the path, or -1 when a 404 was sent. */
static int64_t
path_id(struct http_request *req, struct http_response *res)
{
	const char *v = http_request_var(req, "id");
	int64_t id;

	if (v == NULL || parse_int64(v, 1, INT64_MAX, &id) == -1) {
		reply_bad(req, res, 404, "id", "id: '%.40s' is not a report id",
		    v ? v : "");
		return -1;
	}
	return id;
}

/* The state the public sees: the status, or "forwarded" until registered. */
static const char *
state_name(const struct wf_record *r)
{
	if (r->status == STATUS_SUBMITTED && r->forwarded_from != NULL)
		return "forwarded";
	return report_status_name(r->status);
}

static json_t *
fixed_json(int fixed)
{
	return fixed < 0 ? json_null() : json_boolean(fixed);
}

/* The workflow fields of a report, for staff and the public alike. */
static json_t *
record_json(const struct wf_record *r, int64_t now)
{
	int64_t due;
	const char *kind = workflow_deadline(r, &due);
	json_t *o;

	o = json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o}",
	    "id", (json_int_t)r->id,
	    "agency", reply_str(r->agency),
	    "status", report_status_name(r->status),
	    "state", state_name(r),
	    "status_notes", reply_str(r->status_notes),
	    "requested", reply_time(r->requested),
	    "updated", reply_time(r->updated),
	    "register_due", reply_time(r->register_due),
	    "registered", reply_time(r->registered),
	    "forward_due", reply_time(r->forward_due),
	    "answer_due", reply_time(r->expected),
	    "answered", reply_time(r->answered));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "answer", reply_str(r->answer));
	json_object_set_new(o, "reject_reason", reply_str(r->reject_reason < 0 ?
	    NULL : workflow_reject_name(r->reject_reason)));
	json_object_set_new(o, "forwarded_from", reply_str(r->forwarded_from));
	json_object_set_new(o, "forward_reason", reply_str(r->forward_reason));
	json_object_set_new(o, "extended", json_boolean(r->extended > 0));
	json_object_set_new(o, "extension_reason",
	    reply_str(r->extension_reason));
	json_object_set_new(o, "fixed", fixed_json(r->fixed));
	json_object_set_new(o, "reopened", json_integer(r->reopened));
	json_object_set_new(o, "deadline", reply_str(kind));
	json_object_set_new(o, "deadline_due", reply_time(due));
	json_object_set_new(o, "overdue", json_boolean(kind != NULL &&
	    due != 0 && due < now));
	return o;
}

struct view {
	json_t *doc;
	int64_t now;
	char agency[VECHE_MAX_CODE + 1];
};

static int
on_record(const struct wf_record *r, void *arg)
{
	struct view *v = arg;

	snprintf(v->agency, sizeof(v->agency), "%s", r->agency ? r->agency :
	    "");
	v->doc = record_json(r, v->now);
	return v->doc == NULL ? -1 : 0;
}

static int
on_report(const struct report *r, void *arg)
{
	json_t *o = arg;

	json_object_set_new(o, "service_code", json_string(r->service_code));
	json_object_set_new(o, "description", reply_str(r->description));
	json_object_set_new(o, "address", reply_str(r->address));
	json_object_set_new(o, "lat", r->has_point ? json_real(coord_round(r->lat)) :
	    json_null());
	json_object_set_new(o, "long", r->has_point ? json_real(coord_round(r->lon)) :
	    json_null());
	return 0;
}

static int
on_contact(const struct contact *ct, void *arg)
{
	json_t *o = arg;

	json_object_set_new(o, "contact", json_pack("{s:o, s:o, s:o, s:o}",
	    "first_name", reply_str(ct->first_name), "last_name",
	    reply_str(ct->last_name), "email", reply_str(ct->email), "phone",
	    reply_str(ct->phone)));
	return 0;
}

/*
 * The view of report id: workflow fields, what was reported and, when
 * with_contact and the actor may see it, the private contact.  Returns
 * the document, or NULL with *rc 1 (no report) or -1.
 */
static json_t *
record_view(struct ctx *c, int64_t id, int with_contact, int *rc)
{
	struct view v;

	memset(&v, 0, sizeof(v));
	v.now = app_now(c->app);
	if ((*rc = workflow_get(c->s, id, on_record, &v)) != 0)
		return NULL;
	if (report_get(c->s, c->act, id, on_report, v.doc) == -1 ||
	    (with_contact &&
	    report_contact(c->s, c->act, id, on_contact, v.doc) == -1)) {
		json_decref(v.doc);
		*rc = -1;
		return NULL;
	}
	return v.doc;
}

static int
get_report(struct http_request *req, struct http_response *res, void *arg)
{
	struct ctx c;
	json_t *doc;
	int64_t id;
	int rc;

	if ((id = path_id(req, res)) == -1 || action_begin(req, res, arg, &c))
		return 0;
	doc = record_view(&c, id, 1, &rc);
	end(&c);
	if (rc == 1)
		return reply_bad(req, res, 404, "id", "id: no report %lld",
		    (long long)id);
	if (rc != 0)
		return -1;
	return reply_json(res, 200, doc);
}

/* Read the fields of action a into in; -1 when an error was sent. */
static int
action_input(struct http_request *req, struct http_response *res,
    const struct ctx *c, enum wf_action a, struct wf_input *in)
{
	const char *v;
	int64_t days;

	in->token = field(req, c, "token");
	in->external_id = field(req, c, "update_id");
	switch (a) {
	case WF_ANSWER:
	case WF_NOTE:
		in->text = field(req, c, "text");
		break;
	case WF_REJECT:
		v = field(req, c, "reason");
		if ((in->reason = workflow_reject_parse(v)) == REJECT__MAX)
			return reply_bad(req, res, 400, "reason", "reason: one "
			    "of duplicate, no_contact, obscene, not_government, "
			    "unreadable"), -1;
		in->text = field(req, c, "note");
		break;
	case WF_FORWARD:
		in->agency = field(req, c, "agency");
		in->text = field(req, c, "reason");
		break;
	case WF_EXTEND:
		v = field(req, c, "days");
		if (v == NULL || parse_int64(v, 1, VECHE_DAYS_EXTENSION,
		    &days) == -1)
			return reply_bad(req, res, 400, "days", "days: a whole "
			    "number from 1 to %d", VECHE_DAYS_EXTENSION), -1;
		in->days = (int)days;
		in->text = field(req, c, "reason");
		break;
	case WF_FIXED:
		v = field(req, c, "fixed");
		if (v != NULL && (strcmp(v, "yes") == 0 ||
		    strcmp(v, "true") == 0))
			in->fixed = 1;
		else if (v != NULL && (strcmp(v, "no") == 0 ||
		    strcmp(v, "false") == 0))
			in->fixed = 0;
		else
			return reply_bad(req, res, 400, "fixed", "fixed: yes or "
			    "no"), -1;
		break;
	default:
		in->text = field(req, c, "note");
		break;
	}
	return 0;
}

/* POST /api/v1/reports/{id}/ACTION: the action is the path's last part. */
static int
report_action(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *path = http_request_path(req), *slash;
	struct wf_outcome out;
	struct wf_input in;
	enum wf_action a;
	struct verr e;
	struct ctx c;
	json_t *doc;
	int64_t id;
	int rc;

	slash = strrchr(path, '/');
	if ((a = workflow_action_parse(slash ? slash + 1 : "")) == WF__MAX)
		return reply_bad(req, res, 404, "action", "action: unknown");
	if ((id = path_id(req, res)) == -1 || action_begin(req, res, arg, &c))
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.action = a;
	in.report_id = id;
	in.actor = c.act;
	in.now = app_now(c.app);
	if (action_input(req, res, &c, a, &in) == -1) {
		end(&c);
		return 0;
	}
	rc = workflow_apply(c.s, c.app->catalog, &in, &out, &e);
	if (rc == -1) {
		end(&c);
		return reply_verr(req, res, &e);
	}
	if (!out.replayed)
		cache_bump(c.app->cache);
	doc = record_view(&c, id, 0, &rc);
	end(&c);
	if (doc == NULL)
		return -1;
	json_object_set_new(doc, "update_id", json_integer(out.update_id));
	return reply_json(res, 200, doc);
}

struct history {
	json_t *items;
};

static int
on_history(const struct wf_history *h, void *arg)
{
	struct history *hi = arg;
	const char *action = h->action < 0 ? "submit" :
	    workflow_action_name(h->action);
	json_t *o;

	o = json_pack("{s:I, s:o, s:s, s:s, s:o}", "update_id",
	    (json_int_t)h->update_id, "time", reply_time(h->created),
	    "status", report_status_name(h->status), "action",
	    action ? action : "status", "text", reply_str(h->description));
	if (o == NULL)
		return -1;
	if (h->agency != NULL)
		json_object_set_new(o, "agency", json_string(h->agency));
	if (h->due != 0 && h->action == WF_EXTEND)
		json_object_set_new(o, "answer_due", reply_time(h->due));
	return json_array_append_new(hi->items, o);
}

/* The public timeline of a report: no personal data. */
static int
report_history(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct history hi;
	struct ctx c;
	json_t *doc;
	int64_t id;
	int rc;

	if ((id = path_id(req, res)) == -1 || action_begin(req, res, arg, &c))
		return 0;
	hi.items = json_array();
	rc = workflow_history(c.s, id, VECHE_MAX_HISTORY, on_history, &hi);
	doc = rc == 0 ? record_view(&c, id, 0, &rc) : NULL;
	end(&c);
	if (rc == 1) {
		json_decref(hi.items);
		return reply_bad(req, res, 404, "id", "id: no report %lld",
		    (long long)id);
	}
	if (rc != 0 || doc == NULL) {
		json_decref(hi.items);
		json_decref(doc);
		return -1;
	}
	/* The public does not read what was reported here, only its life. */
	json_object_del(doc, "description");
	json_object_del(doc, "address");
	json_object_del(doc, "lat");
	json_object_del(doc, "long");
	json_object_set_new(doc, "history", hi.items);
	return reply_json(res, 200, doc);
}

struct overdue {
	json_t *items;
	int64_t now;
};

static int
on_overdue(const struct wf_record *r, void *arg)
{
	struct overdue *o = arg;
	int64_t due;
	const char *kind = workflow_deadline(r, &due);
	json_t *j;

	j = json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:I, s:b}", "id",
	    (json_int_t)r->id, "agency", reply_str(r->agency), "status",
	    report_status_name(r->status), "deadline", kind ? kind : "none",
	    "due", reply_time(due), "requested", reply_time(r->requested),
	    "overdue_days", (json_int_t)((o->now - due) / 86400), "extended",
	    r->extended > 0);
	return j == NULL ? -1 : json_array_append_new(o->items, j);
}

static int
overdue_list(struct http_request *req, struct http_response *res,
    struct ctx *c, const char *agency)
{
	struct overdue o;
	int rc;

	o.items = json_array();
	o.now = app_now(c->app);
	rc = workflow_overdue(c->s, agency, o.now, on_overdue, &o);
	end(c);
	if (rc != 0 || o.items == NULL) {
		json_decref(o.items);
		return -1;
	}
	return reply_json(res, 200, o.items);
}

static int
agency_overdue(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *code = http_request_var(req, "code");
	struct ctx c;

	if (action_begin(req, res, arg, &c))
		return 0;
	if (catalog_agency(c.app->catalog, code) == NULL) {
		end(&c);
		return reply_bad(req, res, 404, "code", "code: no agency "
		    "'%.64s'", code);
	}
	if (!workflow_actor_serves(c.act, code)) {
		end(&c);
		return reply_bad(req, res, 403, "agency", "agency: you do not "
		    "serve '%.64s'", code);
	}
	return overdue_list(req, res, &c, code);
}

static int
all_overdue(struct http_request *req, struct http_response *res, void *arg)
{
	struct ctx c;

	if (action_begin(req, res, arg, &c))
		return 0;
	if (c.act == NULL || !(c.act->role == ROLE_ADMIN ||
	    (c.act->role == ROLE_SYSTEM && c.act->nagencies == 0))) {
		end(&c);
		return reply_bad(req, res, 403, "role", "role: the list of "
		    "every agency is for administrators and unscoped API keys");
	}
	return overdue_list(req, res, &c, NULL);
}

/* A signed-in citizen's report, linked to the account. */
static int
report_submit_own(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_receipt rc;
	struct report_input in;
	struct verr e;
	struct ctx c;
	const char *lat, *lon;
	json_t *doc;

	if (action_begin(req, res, arg, &c))
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.service_code = field(req, &c, "service_code");
	lat = field(req, &c, "lat");
	lon = field(req, &c, "long");
	if ((lat != NULL) != (lon != NULL) || (lat != NULL &&
	    (parse_double(lat, &in.lat) == -1 ||
	    parse_double(lon, &in.lon) == -1))) {
		end(&c);
		return reply_bad(req, res, 400, "lat", "lat: lat and long are "
		    "two numbers, given together");
	}
	in.has_point = lat != NULL;
	in.address = field(req, &c, "address_string");
	in.description = field(req, &c, "description");
	in.contact.first_name = field(req, &c, "first_name");
	in.contact.last_name = field(req, &c, "last_name");
	in.contact.email = field(req, &c, "email");
	in.contact.phone = field(req, &c, "phone");
	in.contact.account_id = c.act->name;
	in.actor = c.act;                       /* links the report (/my) */
	in.now = app_now(c.app);
	if (workflow_submit(c.s, c.app->catalog, &in, &rc, &e) == -1) {
		end(&c);
		return reply_verr(req, res, &e);
	}
	end(&c);
	cache_bump(c.app->cache);
	doc = json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)rc.id,
	    "token", rc.token, "agency", reply_str(rc.agency), "register_due",
	    reply_time(rc.register_due), "answer_due",
	    reply_time(rc.expected));
	return reply_json(res, 201, doc);
}

/* The agencies of a user request: repeated "agency" or a JSON array. */
static size_t
agencies_of(struct http_request *req, const struct ctx *c,
    const char *list[ACTOR_MAX_AGENCIES + 1])
{
	const struct http_param *p;
	size_t n = 0, np, i;
	json_t *arr, *v;

	p = http_request_params(req, &np);
	for (i = 0; i < np && n <= ACTOR_MAX_AGENCIES; i++)
		if (strcmp(p[i].name, "agency") == 0 && p[i].value[0] != '\0')
			list[n++] = p[i].value;
	if (n == 0 && c->body != NULL &&
	    (arr = json_object_get(c->body, "agencies")) != NULL &&
	    json_is_array(arr))
		json_array_foreach(arr, i, v)
			if (json_is_string(v) && n <= ACTOR_MAX_AGENCIES)
				list[n++] = json_string_value(v);
	if (n == 0 && c->body != NULL && field(req, c, "agency") != NULL)
		list[n++] = field(req, c, "agency");
	return n;
}

static json_t *
user_json(const struct store_user *u)
{
	json_t *ag = json_array();
	size_t i;

	for (i = 0; i < u->nagencies; i++)
		json_array_append_new(ag, json_string(u->agencies[i]));
	return json_pack("{s:I, s:s, s:s, s:o, s:b, s:o}", "id",
	    (json_int_t)u->id, "login", u->login, "role",
	    account_role_name(u->role), "agencies", ag, "disabled",
	    u->disabled, "created", reply_time(u->created));
}

static int
on_user(const struct store_user *u, void *arg)
{
	json_t *list = arg, *o = user_json(u);

	return o == NULL ? -1 : json_array_append_new(list, o);
}

static int
on_one_user(const struct store_user *u, void *arg)
{
	json_t **o = arg;

	*o = user_json(u);
	return *o == NULL ? -1 : 0;
}

static int
users_list(struct http_request *req, struct http_response *res, void *arg)
{
	json_t *list = json_array();
	struct ctx c;
	int rc;

	if (action_begin(req, res, arg, &c)) {
		json_decref(list);
		return 0;
	}
	rc = account_each(c.s, on_user, list);
	end(&c);
	if (rc != 0) {
		json_decref(list);
		return -1;
	}
	return reply_json(res, 200, list);
}

/* Send the user id as it is now, with status. */
static int
user_reply(struct http_response *res, struct ctx *c, int64_t id, int status)
{
	json_t *o = NULL;
	int rc = account_get(c->s, id, on_one_user, &o);

	end(c);
	if (rc != 0) {
		json_decref(o);
		return -1;
	}
	return reply_json(res, status, o);
}

static int
user_create(struct http_request *req, struct http_response *res, void *arg)
{
	const char *list[ACTOR_MAX_AGENCIES + 1];
	struct verr e;
	struct ctx c;
	enum role role;
	int64_t id;
	size_t n;

	if (action_begin(req, res, arg, &c))
		return 0;
	memset(&e, 0, sizeof(e));
	n = agencies_of(req, &c, list);
	role = account_role_parse(field(req, &c, "role"));
	if (role == ROLE__MAX) {
		end(&c);
		return reply_bad(req, res, 400, "role", "role: one of citizen, "
		    "moderator, operator, head, admin");
	}
	if (account_create(c.s, c.app->catalog, c.act, field(req, &c, "login"),
	    field(req, &c, "password"), role, list, n, app_now(c.app), &id,
	    &e) == -1) {
		end(&c);
		return reply_verr(req, res, &e);
	}
	cache_bump(c.app->cache);
	return user_reply(res, &c, id, 201);
}

static int
user_role(struct http_request *req, struct http_response *res, void *arg)
{
	const char *list[ACTOR_MAX_AGENCIES + 1];
	const char *v = http_request_var(req, "id");
	struct verr e;
	struct ctx c;
	enum role role;
	int64_t id;
	size_t n;

	if (v == NULL || parse_int64(v, 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "id", "id: not a user id");
	if (action_begin(req, res, arg, &c))
		return 0;
	memset(&e, 0, sizeof(e));
	n = agencies_of(req, &c, list);
	if ((role = account_role_parse(field(req, &c, "role"))) == ROLE__MAX) {
		end(&c);
		return reply_bad(req, res, 400, "role", "role: one of citizen, "
		    "moderator, operator, head, admin");
	}
	if (account_set_role(c.s, c.app->catalog, c.act, id, role, list, n,
	    app_now(c.app), &e) == -1) {
		end(&c);
		return reply_verr(req, res, &e);
	}
	cache_bump(c.app->cache);
	return user_reply(res, &c, id, 200);
}

/*
 * FixMyStreet's update statuses (upper or lower case) and veche's own
 * status names, to the status a report is brought to.
 */
static const struct {
	const char *name;
	enum report_status status;
	enum reject_reason reason;
} fms_in[] = {
	{ "OPEN", STATUS_REGISTERED, REJECT__MAX },
	{ "INVESTIGATING", STATUS_REGISTERED, REJECT__MAX },
	{ "IN_PROGRESS", STATUS_IN_PROGRESS, REJECT__MAX },
	{ "ACTION_SCHEDULED", STATUS_IN_PROGRESS, REJECT__MAX },
	{ "FIXED", STATUS_ANSWERED, REJECT__MAX },
	{ "NO_FURTHER_ACTION", STATUS_ANSWERED, REJECT__MAX },
	{ "CLOSED", STATUS_CLOSED, REJECT__MAX },
	{ "NOT_COUNCILS_RESPONSIBILITY", STATUS_REJECTED,
	    REJECT_NOT_GOVERNMENT },
	{ "DUPLICATE", STATUS_REJECTED, REJECT_DUPLICATE },
	{ "REGISTERED", STATUS_REGISTERED, REJECT__MAX },
	{ "ANSWERED", STATUS_ANSWERED, REJECT__MAX },
	{ "REJECTED", STATUS_REJECTED, REJECT_NOT_GOVERNMENT },
};

static int
fms_update(struct http_request *req, struct http_response *res, void *arg)
{
	enum render_format fmt = render_format_parse(http_request_var(req,
	    "format"));
	const char *jur = http_request_param(req, "jurisdiction_id");
	const char *idv = http_request_param(req, "service_request_id");
	const char *st = http_request_param(req, "status");
	const char *when = http_request_param(req, "updated_datetime");
	struct wf_outcome out;
	struct wf_input in;
	struct verr e;
	struct ctx c;
	char why[200], num[24];
	json_t *doc;
	size_t i, k = sizeof(fms_in) / sizeof(fms_in[0]);
	int64_t id, t;
	int rc;

	if (fmt == RENDER__MAX)
		return reply_bad(req, res, 404, "format", "format: use .json or "
		    ".xml");
	if (jur != NULL && strcmp(jur, catalog_jurisdiction(
	    ((struct app *)arg)->catalog)) != 0)
		return reply_bad(req, res, 404, "jurisdiction_id",
		    "jurisdiction_id: '%.64s' is not served here", jur);
	if (idv == NULL || parse_int64(idv, 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 400, "service_request_id",
		    "service_request_id: required, a request id");
	for (i = 0; st != NULL && i < k; i++)
		if (strcasecmp(st, fms_in[i].name) == 0)
			break;
	if (st != NULL && strcasecmp(st, "INTERNAL_REFERRAL") == 0)
		return reply_bad(req, res, 400, "status", "status: to forward a "
		    "report to another agency, POST /api/v1/reports/%lld/"
		    "forward with agency and reason", (long long)id);
	if (st == NULL || i == k)
		return reply_bad(req, res, 400, "status", "status: one of OPEN, "
		    "INVESTIGATING, IN_PROGRESS, ACTION_SCHEDULED, FIXED, "
		    "NO_FURTHER_ACTION, CLOSED, NOT_COUNCILS_RESPONSIBILITY, "
		    "DUPLICATE");
	if (when != NULL && datetime_parse(when, &t, why, sizeof(why)) == -1)
		return reply_bad(req, res, 400, "updated_datetime",
		    "updated_datetime: %s", why);
	if (action_begin(req, res, arg, &c))
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.report_id = id;
	in.actor = c.act;
	in.text = http_request_param(req, "description");
	in.external_id = http_request_param(req, "update_id");
	in.reason = fms_in[i].reason;
	in.now = app_now(c.app);
	rc = workflow_to_status(c.s, c.app->catalog, &in, fms_in[i].status,
	    &out, &e);
	end(&c);
	if (rc == -1)
		return reply_verr(req, res, &e);
	if (!out.replayed)
		cache_bump(c.app->cache);
	snprintf(num, sizeof(num), "%lld", (long long)out.update_id);
	if ((doc = json_pack("[{s:s}]", "update_id", num)) == NULL)
		return -1;
	rc = render_doc(res, fmt, doc, "service_request_updates");
	json_decref(doc);
	return rc;
}

#define STAFF_KEY (ACCESS_STAFF | ACCESS_APIKEY)
#define REPORTER (ACCESS_ANON | ACCESS_USER | ACCESS_APIKEY)

static const char *const p_note[] = { "note", "update_id", "csrf", "api_key",
	NULL };
static const char *const p_text[] = { "text", "update_id", "csrf", "api_key",
	NULL };
static const char *const p_reject[] = { "reason", "note", "update_id",
	"csrf", "api_key", NULL };
static const char *const p_forward[] = { "agency", "reason", "update_id",
	"csrf", "api_key", NULL };
static const char *const p_extend[] = { "days", "reason", "update_id",
	"csrf", "api_key", NULL };
static const char *const p_reopen[] = { "token", "note", "csrf", NULL };
static const char *const p_fixed[] = { "token", "fixed", "csrf", NULL };
static const char *const p_key[] = { "api_key", NULL };
static const char *const p_own[] = { "service_code", "lat", "long",
	"address_string", "description", "first_name", "last_name", "email",
	"phone", "csrf", NULL };
static const char *const p_user[] = { "login", "password", "role", "agency*",
	"csrf", NULL };
static const char *const p_role[] = { "role", "agency*", "csrf", NULL };
static const char *const p_fms[] = { "jurisdiction_id", "api_key",
	"service_request_id", "update_id", "status", "description",
	"updated_datetime", "media_url", "email", "first_name", "last_name",
	"title", "account_id", "service_code", "public_anonymity_required",
	"email_alerts_requested", NULL };

static const struct http_route workflow_table[] = {
	{ HTTP_GET, "/api/v1/reports/{id}", get_report,
	    STAFF_KEY | ACCESS_MODERATOR, p_key, 0 },
	{ HTTP_GET, "/api/v1/reports/{id}/history", report_history, 0, NULL,
	    0 },
	{ HTTP_POST, "/api/v1/reports/{id}/register", report_action, STAFF_KEY,
	    p_note, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/start", report_action, STAFF_KEY,
	    p_note, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/answer", report_action, STAFF_KEY,
	    p_text, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/close", report_action, STAFF_KEY,
	    p_note, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/reject", report_action,
	    STAFF_KEY | ACCESS_MODERATOR, p_reject, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/forward", report_action, STAFF_KEY,
	    p_forward, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/extend", report_action,
	    ACCESS_HEAD | ACCESS_ADMIN | ACCESS_APIKEY, p_extend, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/note", report_action, STAFF_KEY,
	    p_text, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/reopen", report_action, REPORTER,
	    p_reopen, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/fixed", report_action, REPORTER,
	    p_fixed, 0 },
	{ HTTP_POST, "/api/v1/me/reports", report_submit_own, ACCESS_CITIZEN,
	    p_own, 0 },
	{ HTTP_GET, "/api/v1/agencies/{code}/overdue", agency_overdue,
	    STAFF_KEY, p_key, 0 },
	{ HTTP_GET, "/api/v1/overdue", all_overdue,
	    ACCESS_ADMIN | ACCESS_APIKEY, p_key, 0 },
	{ HTTP_GET, "/api/v1/users", users_list, ACCESS_ADMIN, NULL, 0 },
	{ HTTP_POST, "/api/v1/users", user_create, ACCESS_ADMIN, p_user, 0 },
	{ HTTP_POST, "/api/v1/users/{id}/role", user_role, ACCESS_ADMIN,
	    p_role, 0 },
	{ HTTP_POST, "/open311/v2/servicerequestupdates.{format}", fms_update,
	    ACCESS_APIKEY, p_fms, 0 },
};

const struct http_route *
workflow_routes(size_t *n)
{
	*n = sizeof(workflow_table) / sizeof(workflow_table[0]);
	return workflow_table;
}
