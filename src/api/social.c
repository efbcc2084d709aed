/*
 * social.c: the citizens' votes, comments and photos and the reads the
 * pages' scripts make, under /api/v1/ and /media/ (a report is submitted
 * in web_report.c, with the helpers below).  No API key: writes are
 * checked by the CSRF token (web_csrf_ok) and limited per client address
 * (social_rate).  A client that asks for JSON (Accept: application/json,
 * as the scripts do) gets JSON; a plain HTML form post gets a 303 back to
 * the page, so every form also works without JavaScript.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "veche.h"
#include "base/coord.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/report.h"
#include "core/social.h"
#include "api/reply.h"
#include "core/address.h"
#include "core/db.h"
#include "http/form.h"
#include "http/http.h"

int
social_fail_verr(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const struct verr *e)
{
	if (e->kind == VERR_INTERNAL && !db_outage())
		fprintf(stderr, "veche: %s\n", e->message);
	return web_fail(req, res, c, reply_status(e->kind),
	    e->field[0] ? e->field : NULL, e->kind == VERR_INTERNAL ?
	    "internal error: try again later" : e->message);
}

int
social_send_json(struct http_response *res, int status, json_t *doc)
{
	char *text;
	int rc;

	if (doc == NULL)
		return -1;
	text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(doc);
	if (text == NULL)
		return -1;
	http_response_status(res, status);
	http_response_kind(res, HTTP_TYPE_JSON);
	http_response_header(res, "Cache-Control", "no-store");
	rc = http_response_append(res, text, strlen(text));
	free(text);
	return rc;
}

/* 303 See Other to a path of this site. */
int
social_see_other(struct http_response *res, const char *location)
{
	http_response_status(res, 303);
	http_response_kind(res, HTTP_TYPE_TEXT);
	if (http_response_header(res, "Location", location) == -1)
		return -1;
	return http_response_printf(res, "See %s\n", location);
}

/*
 * The checks every write makes: CSRF token, then the address's limit.
 * Returns 0 to go on, 1 when an error was sent.
 */
int
social_write_checks(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, enum rate_kind kind)
{
	struct verr e;
	int rc;

	if (!web_csrf_ok(req, c)) {
		web_fail(req, res, c, 403, "csrf", "csrf: the form is stale or "
		    "was not sent from this site; reload the page and try "
		    "again");
		return 1;
	}
	memset(&e, 0, sizeof(e));
	rc = auth_rate(req, c->store, kind, app_now(c->app), &e);
	if (rc == -1) {
		social_fail_verr(req, res, c, &e);
		return 1;
	}
	if (rc == 1) {
		web_fail(req, res, c, 429, NULL, web_msg(M_TOO_MANY, c->lang));
		return 1;
	}
	return 0;
}

/* The report id of the path, or -1 after a 404. */
static int64_t
path_id(struct http_request *req, struct http_response *res,
    const struct web_ctx *c)
{
	int64_t id;

	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1) {
		web_fail(req, res, c, 404, "id", "id: not a report number");
		return -1;
	}
	return id;
}

/* The public URL of photo id (suffix "" or "-thumb"), in request memory. */
static const char *
media_url(struct http_request *req, const struct web_ctx *c, const char *id,
    const char *suffix)
{
	char path[128];

	snprintf(path, sizeof(path), WEB_MEDIA_PREFIX "%s%s.jpg", id, suffix);
	return web_url(req, c, path);
}

int
social_coordinate(struct http_request *req, const char *name, double *out,
    struct verr *e)
{
	const char *v = http_request_param(req, name);

	if (v == NULL)
		return verr_set(e, VERR_INVALID, name, "%s: mark the place on "
		    "the map or give coordinates", name);
	if (parse_double(v, out) == -1)
		return verr_set(e, VERR_INVALID, name, "%s: '%.40s' is not a "
		    "number", name, v);
	return 0;
}

int
social_post_vote(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	struct verr e;
	int64_t id, count;
	int already;
	char loc[64];

	if (web_begin(req, res, arg, &c) == -1 || (id = path_id(req, res,
	    &c)) == -1 || social_write_checks(req, res, &c, RATE_VOTE))
		return 0;
	memset(&e, 0, sizeof(e));
	if (social_vote(c.store, id, c.device, app_now(c.app), &count,
	    &already, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	if (!already)
		cache_bump(c.app->cache);
	snprintf(loc, sizeof(loc), "/reports/%lld#votes", (long long)id);
	if (c.html)
		return social_see_other(res, loc);
	return social_send_json(res, already ? 200 : 201, json_pack("{s:I, s:b, s:b}",
	    "votes", (json_int_t)count, "voted", 1, "already", already));
}

struct comment_list {
	struct http_request *req;
	const struct web_ctx *c;
	json_t *items;
};

static int
on_comment(const struct comment *cm, void *arg)
{
	struct comment_list *l = arg;
	char when[DATETIME_LEN], subject[48];

	snprintf(subject, sizeof(subject), "%s:%lld", cm->subject_kind != NULL ?
	    cm->subject_kind : "report", (long long)cm->subject_id);
	return json_array_append_new(l->items, json_pack("{s:I, s:s, s:o, "
	    "s:s, s:s, s:o, s:I, s:I, s:f, s:f, s:f, s:o, s:f}", "id",
	    (json_int_t)cm->id, "subject", subject, "author",
	    cm->author != NULL ? json_string(cm->author) : json_null(), "body",
	    cm->body, "created", datetime_format(cm->created, when,
	    sizeof(when)), "photo_url", cm->photo != NULL ?
	    json_string(media_url(l->req, l->c, cm->photo, "")) : json_null(),
	    "useful", (json_int_t)cm->useful, "not_useful",
	    (json_int_t)cm->not_useful, "weighed_useful", cm->w_useful,
	    "weighed_not_useful", cm->w_not_useful, "score", cm->score,
	    "author_id", cm->user_id > 0 ? json_integer(cm->user_id) :
	    json_null(), "reputation", cm->reputation));
}

int
social_comment_order(struct http_request *req, enum comment_order dflt)
{
	const char *v = http_request_param(req, "order");

	if (v == NULL)
		return (int)dflt;
	if (strcmp(v, "time") == 0 || strcmp(v, "new") == 0)
		return COMMENT_ORDER_NEW;
	if (strcmp(v, "useful") == 0 || strcmp(v, "score") == 0)
		return COMMENT_ORDER_SCORE;
	return -1;
}

/* A subject's published comments as JSON, in order (dflt when none). */
static int
comments_json(struct http_request *req, struct http_response *res,
    struct web_ctx *c, const char *kind, int64_t id, enum comment_order dflt)
{
	struct comment_list l;
	int order;

	if ((order = social_comment_order(req, dflt)) == -1)
		return web_fail(req, res, c, 400, "order", "order: score or "
		    "new");
	l.req = req;
	l.c = c;
	if ((l.items = json_array()) == NULL)
		return -1;
	if (social_comments(c->store, kind, id, COMMENT_PUBLISHED,
	    (enum comment_order)order, on_comment, &l) != 0) {
		json_decref(l.items);
		return -1;
	}
	return social_send_json(res, 200, l.items);
}

/* The API of a report's comments kept its first order: oldest first. */
int
social_get_comments(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 ||
	    (id = path_id(req, res, &c)) == -1)
		return 0;
	return comments_json(req, res, &c, "report", id, COMMENT_ORDER_NEW);
}

int
social_get_subject_comments(struct http_request *req,
    struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct verr e;
	char kind[16];
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (social_subject_parse("subject", http_request_param(req, "subject"),
	    kind, &id, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	return comments_json(req, res, &c, kind, id, COMMENT_ORDER_SCORE);
}

/* A comment from the form or a script, on subject kind id. */
static int
post_comment(struct http_request *req, struct http_response *res,
    struct web_ctx *c, const char *kind, int64_t id)
{
	const struct http_param *p;
	const char *author, *body, *held;
	struct comment_input in;
	struct verr e;
	int64_t cid;
	size_t n, i;
	char loc[96], page[64], when[DATETIME_LEN], photo[PHOTO_ID_LEN];

	memset(&e, 0, sizeof(e));
	memset(&in, 0, sizeof(in));
	in.subject_kind = kind;
	in.subject_id = id;
	in.by = c->act;
	in.author = author = http_request_param(req, "author");
	in.body = body = http_request_param(req, "body");
	in.device = c->device;
	in.now = app_now(c->app);
	in.photo_dir = c->app->media_dir;
	/* One photo with an update: a file in multipart field 'photo'. */
	p = http_request_params(req, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(p[i].name, "photo") != 0 || p[i].filename == NULL ||
		    p[i].value_len == 0)
			continue;
		if (in.photo != NULL)
			return web_fail(req, res, c, 400, "photo", "photo: one "
			    "photo with a comment");
		in.photo = p[i].value;
		in.photo_len = p[i].value_len;
	}
	if (social_comment_add(c->store, &in, &cid, photo, &held, &e) == -1)
		return social_fail_verr(req, res, c, &e);
	cache_bump(c->app->cache);
	if (social_subject_path(kind, id, page, sizeof(page)) == -1)
		return -1;
	if (held != NULL)
		snprintf(loc, sizeof(loc), "%s?held=%lld#comments", page,
		    (long long)cid);
	else
		snprintf(loc, sizeof(loc), "%s#comment-%lld", page,
		    (long long)cid);
	if (c->html)
		return social_see_other(res, loc);
	return social_send_json(res, 201, json_pack("{s:I, s:o, s:s, s:s, s:o, "
	    "s:s, s:o}", "id", (json_int_t)cid, "author", author != NULL ?
	    json_string(author) : json_null(), "body", body, "created",
	    datetime_format(app_now(c->app), when, sizeof(when)), "photo_url",
	    photo[0] != '\0' ? json_string(media_url(req, c, photo, "")) :
	    json_null(), "status", held != NULL ? "pending" : "published",
	    "premark", held != NULL ? json_string(held) : json_null()));
}

int
social_post_comment(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 || (id = path_id(req, res,
	    &c)) == -1 || social_write_checks(req, res, &c, RATE_COMMENT))
		return 0;
	return post_comment(req, res, &c, "report", id);
}

int
social_post_subject_comment(struct http_request *req,
    struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct verr e;
	char kind[16];
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 ||
	    social_write_checks(req, res, &c, RATE_COMMENT))
		return 0;
	memset(&e, 0, sizeof(e));
	if (social_subject_parse("subject", http_request_param(req, "subject"),
	    kind, &id, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	return post_comment(req, res, &c, kind, id);
}

/* POST /api/v1/comments/{id}/flag and /votes: a reader's mark. */
static int
comment_mark(struct http_request *req, struct http_response *res, void *arg,
    int vote)
{
	const char *v = http_request_param(req, "useful");
	enum comment_mark mark = COMMENT_FLAG;
	struct comment_subject sub;
	struct web_ctx c;
	struct verr e;
	int64_t id;
	int already;
	char loc[128], page[64], subject[48];

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &c, 404, "id", "id: not a comment "
		    "number");
	if (social_write_checks(req, res, &c, RATE_VOTE))
		return 0;
	if (vote) {
		if (v == NULL || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
			return web_fail(req, res, &c, 400, "useful", "useful: "
			    "yes or no");
		mark = v[0] == 'y' ? COMMENT_USEFUL : COMMENT_NOT_USEFUL;
	}
	memset(&e, 0, sizeof(e));
	/* Signed in: one mark per account, whichever device. */
	if (social_comment_mark(c.store, id, auth_actor(req, c.app), c.device,
	    mark, app_now(c.app), &sub, &already, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	if (!already)
		cache_bump(c.app->cache);
	if (social_subject_path(sub.kind, sub.id, page, sizeof(page)) == -1)
		return -1;
	snprintf(loc, sizeof(loc), "%s?%s=%lld#comment-%lld", page,
	    vote ? "voted" : "flagged", (long long)id, (long long)id);
	if (c.html)
		return social_see_other(res, loc);
	snprintf(subject, sizeof(subject), "%s:%lld", sub.kind,
	    (long long)sub.id);
	return social_send_json(res, already ? 200 : 201, json_pack("{s:I, "
	    "s:o, s:s, s:s, s:b}", "id", (json_int_t)id, "report",
	    strcmp(sub.kind, "report") == 0 ? json_integer(sub.id) :
	    json_null(), "subject", subject, vote ? "voted" : "flagged", vote ?
	    (v[0] == 'y' ? "useful" : "not_useful") : "flag", "already",
	    already));
}

int
social_post_comment_flag(struct http_request *req, struct http_response *res,
    void *arg)
{
	return comment_mark(req, res, arg, 0);
}

int
social_post_comment_vote(struct http_request *req, struct http_response *res,
    void *arg)
{
	return comment_mark(req, res, arg, 1);
}

struct nearby {
	struct web_ctx *c;
	json_t *items;
};

static int
on_nearby(const struct report *r, void *arg)
{
	struct nearby *nb = arg;
	const struct service *svc = catalog_service(nb->c->app->catalog,
	    r->service_code);
	int64_t votes = 0;
	int voted = 0;
	char url[64];

	/* A count that cannot be read is shown as none. */
	if (social_votes(nb->c->store, r->id, nb->c->device, &votes,
	    &voted) == -1)
		votes = 0;
	snprintf(url, sizeof(url), "/reports/%lld", (long long)r->id);
	return json_array_append_new(nb->items, json_pack("{s:I, s:s, s:o, "
	    "s:o, s:o, s:s, s:I, s:b, s:s}", "id", (json_int_t)r->id,
	    "service_code", r->service_code, "service_name", svc != NULL ?
	    json_string(svc->name[nb->c->lang] ? svc->name[nb->c->lang] :
	    svc->name[LANG_RU]) : json_null(), "address", r->address ?
	    json_string(r->address) : json_null(), "description",
	    r->description ? json_string(r->description) : json_null(),
	    "status", report_status_name(r->status), "votes",
	    (json_int_t)votes, "voted", voted, "url", url));
}

int
social_nearby(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *svc = http_request_param(req, "service_code");
	struct report_query q;
	struct nearby nb;
	struct web_ctx c;
	struct verr e;
	int st;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&q, 0, sizeof(q));
	memset(&e, 0, sizeof(e));
	if (social_coordinate(req, "lat", &q.lat, &e) == -1 ||
	    social_coordinate(req, "long", &q.lon, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	if (q.lat < -90 || q.lat > 90 || q.lon < -180 || q.lon > 180)
		return web_fail(req, res, &c, 400, "lat", "lat: out of range");
	if (svc != NULL) {
		if (catalog_service(c.app->catalog, svc) == NULL)
			return web_fail(req, res, &c, 400, "service_code",
			    "service_code: unknown service");
		q.services = &svc;
		q.nservices = 1;
	}
	q.has_radius = 1;
	q.radius_m = VECHE_NEARBY_RADIUS_M;
	for (st = 0; st < STATUS__MAX; st++)
		if (!report_status_closed((enum report_status)st))
			q.status_mask |= 1u << st;
	q.order = ORDER_REQUESTED_DESC;
	q.limit = VECHE_NEARBY_MAX;
	nb.c = &c;
	if ((nb.items = json_array()) == NULL)
		return -1;
	if (report_list(c.store, NULL, &q, on_nearby, &nb) != 0) {
		json_decref(nb.items);
		return -1;
	}
	return social_send_json(res, 200, nb.items);
}

static int
on_address(const char *address, double lat, double lon, void *arg)
{
	json_t *items = arg;

	return json_array_append_new(items, json_pack("{s:s, s:f, s:f}",
	    "address", address, "lat", coord_round(lat), "long",
	    coord_round(lon)));
}

int
social_addresses(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *q = http_request_param(req, "q");
	struct web_ctx c;
	struct verr e;
	json_t *items;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (q == NULL)
		return web_fail(req, res, &c, 400, "q", "q: type a street and "
		    "a house number");
	if ((items = json_array()) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	if (address_search(c.store, q, VECHE_ADDRESS_RESULTS, on_address,
	    items, &e) == -1) {
		json_decref(items);
		return social_fail_verr(req, res, &c, &e);
	}
	return social_send_json(res, 200, items);
}

int
social_post_photo(struct http_request *req, struct http_response *res,
    void *arg)
{
	const struct http_param *p;
	struct web_ctx c;
	struct verr e;
	char id[PHOTO_ID_LEN];
	size_t n, i;

	if (web_begin(req, res, arg, &c) == -1 ||
	    social_write_checks(req, res, &c, RATE_PHOTO))
		return 0;
	memset(&e, 0, sizeof(e));
	p = http_request_params(req, &n);
	for (i = 0; i < n; i++)
		if (strcmp(p[i].name, "photo") == 0 && p[i].filename != NULL &&
		    p[i].value_len > 0)
			break;
	if (i == n)
		return web_fail(req, res, &c, 400, "photo", "photo: send one "
		    "image file as multipart field 'photo'");
	if (photo_store(c.store, c.app->media_dir, p[i].value, p[i].value_len,
	    app_now(c.app), id, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	return social_send_json(res, 201, json_pack("{s:s, s:s, s:s}", "id", id,
	    "url", media_url(req, &c, id, ""), "thumb_url",
	    media_url(req, &c, id, "-thumb")));
}

int
social_media(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *name = http_request_var(req, "name");
	struct app *a = arg;
	char path[1024];
	struct stat st;
	ssize_t got;
	char *buf;
	int fd;

	if (name == NULL || !photo_name_ok(name) || a->media_dir == NULL ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", a->media_dir,
	    name) >= sizeof(path)) {
		http_response_error(req, res, 404, "name", "no such photo");
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		http_response_error(req, res, 404, "name", "no such photo");
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)VECHE_MAX_PHOTO_BYTES ||
	    (buf = http_request_alloc(req, (size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	got = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got != (ssize_t)st.st_size)
		return -1;
	http_response_type(res, "image/jpeg");
	/* A photo's name is random and its bytes never change. */
	http_response_header(res, "Cache-Control",
	    "public, max-age=31536000, immutable");
	return http_response_append(res, buf, (size_t)got);
}

/* POST /api/v1/comments/{id}/appeal: the hidden comment's author appeals. */
int
social_post_comment_appeal(struct http_request *req,
    struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct verr e;
	int64_t id, appeal;
	char loc[96];

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &c, 404, "id", "id: not a comment "
		    "number");
	if (social_write_checks(req, res, &c, RATE_COMMENT))
		return 0;
	memset(&e, 0, sizeof(e));
	if (social_appeal(c.store, c.act, id, http_request_param(req, "text"),
	    app_now(c.app), &appeal, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	snprintf(loc, sizeof(loc), "/people/%lld#appeal-%lld",
	    (long long)c.act->user_id, (long long)appeal);
	if (c.html)
		return social_see_other(res, loc);
	return social_send_json(res, 201, json_pack("{s:I, s:I, s:s}", "id",
	    (json_int_t)appeal, "comment", (json_int_t)id, "state", "open"));
}

static int
on_appeal(const struct comment_appeal *a, void *arg)
{
	json_t *items = arg;
	char made[DATETIME_LEN], done[DATETIME_LEN], subject[48];

	snprintf(subject, sizeof(subject), "%s:%lld", a->subject_kind != NULL ?
	    a->subject_kind : "report", (long long)a->subject_id);
	return json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, "
	    "s:s, s:s, s:o, s:o}", "id", (json_int_t)a->id, "comment",
	    (json_int_t)a->comment, "subject", subject, "text", a->text,
	    "created", datetime_format(a->created, made, sizeof(made)),
	    "state", social_appeal_state_name(a->state), "reason",
	    a->reason != NULL ? json_string(a->reason) : json_null(),
	    "decided", a->decided > 0 ? json_string(datetime_format(a->decided,
	    done, sizeof(done))) : json_null()));
}

/* GET /api/v1/appeals: the signed-in author's appeals, newest first. */
int
social_get_appeals(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	json_t *items;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (c.act == NULL)
		return web_fail(req, res, &c, 403, "session", "session: sign "
		    "in to see your appeals");
	if ((items = json_array()) == NULL)
		return -1;
	if (social_appeals(c.store, c.act->user_id, ~0u, VECHE_COMMENT_LIST,
	    on_appeal, items) != 0) {
		json_decref(items);
		return -1;
	}
	return social_send_json(res, 200, items);
}
