/*
 * web.h: the citizens' web interface: server-rendered pages (web_pages.c),
 * the RSS feed (web_rss.c) and the citizens' JSON/form API (social.c), with
 * what they share: the request's language, the device and CSRF cookies.
 *
 * CSRF: a double-submit token.  Every page sets cookie veche_csrf (random,
 * SameSite=Lax) when the client has none and puts the same value in its
 * forms (field "csrf") and in <meta name="csrf-token"> for the scripts
 * (header X-CSRF-Token).  web_csrf_ok is the one check every citizen write
 * makes; when sessions bring their own token, only it changes.
 */
#ifndef VECHE_API_WEB_H
#define VECHE_API_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/model.h"
#include "core/social.h"

struct app;
struct http_request;
struct http_response;
struct http_route;
struct json_t;
struct store;
struct verr;

#define WEB_TOKEN_LEN (VECHE_TOKEN_HEX + 1)

/* What every web handler knows about its request. */
struct web_ctx {
	struct app *app;
	struct store *store;
	enum lang lang;
	char csrf[WEB_TOKEN_LEN];       /* the client's CSRF token */
	char device[WEB_TOKEN_LEN];     /* the client's device token */
	int html;                       /* the client wants HTML, not JSON */
	/* The signed-in user (web_account.c), or NULL / "" for nobody. */
	const struct actor *act;
	const char *session_csrf;       /* the session's CSRF token */
	char who[VECHE_MAX_NAME * 4 + 1];       /* name shown in the header */
	char email[VECHE_MAX_EMAIL + 1];        /* to pre-fill forms */
};

/*
 * Set up c for req: language (?lang=, else cookie veche_lang, else
 * Russian, remembering a ?lang= in the cookie), the CSRF and device tokens
 * (made and set as cookies when missing) and the thread's store.  Returns
 * 0, or -1 after answering 503 when the database is unavailable.
 */
int web_begin(struct http_request *req, struct http_response *res,
    void *app, struct web_ctx *c);

/*
 * The same for public data that scripts read (the map's JSON): the
 * language and the store only.  No token is made or set and no account
 * is looked up (the answer is the same for anyone), so such a read costs
 * no random bytes, no Set-Cookie and no query for a signed-in user.
 */
int web_begin_public(struct http_request *req, struct http_response *res,
    void *app, struct web_ctx *c);

/* Whether the request carries the client's CSRF token (field or header). */
int web_csrf_ok(struct http_request *req, const struct web_ctx *c);

/*
 * Copy the value of cookie name from a Cookie header into buf (len bytes,
 * NUL-terminated).  Returns 0, or -1 when absent, malformed or too long.
 */
int web_cookie(const char *header, const char *name, char *buf, size_t len);

/* Whether s is a token as web_begin makes them (VECHE_TOKEN_HEX hex). */
int web_token_ok(const char *s);

/*
 * One CSV field (export_csv_field: RFC 4180 quoting, a text field's
 * formula defused) appended to res.  0 or -1.
 */
int web_csv_field(struct http_response *res, const char *v, int text);

/*
 * A paging link: path, then "?name=value", then each parameter of keep
 * (a NULL-ended list) the request has, percent-escaping & = # + % and
 * space.  In request memory; NULL when longer than 2 KiB.
 */
const char *web_page_link(struct http_request *req, const char *path,
    const char *const *keep, const char *name, const char *value);

/* The site's absolute URL of path (in request memory), e.g. for RSS. */
const char *web_url(struct http_request *req, const struct web_ctx *c,
    const char *path);

/*
 * Answer an HTML error page (status, a title and a message) or, for
 * clients that want JSON, the API's error body.
 */
int web_fail(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int status, const char *field,
    const char *message);

/*
 * The HTTP layer's refusals (no session, wrong role, CSRF, a parameter
 * given twice) on the staff's pages (/login, /logout, /desk..., /admin...)
 * and the citizens' (/, /new, /reports...): a GET without a session is
 * sent to /login?next=PATH, others get an HTML error page.  Returns 0 when
 * it answered, -1 when req is not one of those pages (or wants JSON).
 */
int web_staff_refusal(struct http_request *req, struct http_response *res,
    int status, const char *message, void *app);

/* The filters of /, /reports and /map/clusters.json, as given (validated)
 * and as a query. */
struct web_filters {
	const char *service;            /* NULL: all */
	const char *status;             /* "open", "closed", a status, NULL */
	const char *agency;
	int days;                       /* 7, 30, 90 */
	int64_t page;                   /* from 1 */
	struct report_query q;
};

/*
 * Read the filters (web_pages.c).  An empty value means "all" (as the
 * form's first options send it).  Returns 0, or -1 with e naming the filter
 * that is not valid: a link with a typo is told so rather than shown
 * everything.  f->q points into f: f lives as long as its query.
 */
int web_filters_read(struct http_request *req, const struct web_ctx *c,
    struct web_filters *f, struct verr *e);

/*
 * bbox=min_long,min_lat,max_long,max_lat (web_rss.c) into q (has_bbox and
 * the box); -1 if malformed.
 */
int web_bbox_param(const char *v, struct report_query *q);

/* This module's rows of the routing table. */
const struct http_route *web_routes(size_t *n);
/*
 * web_map.c: GET /map/areas.geojson, /tiles/{z}/{x}/{y}.png and
 * /map/clusters.json (web_map_clusters.c: web_map_clusters).
 */
const struct http_route *map_routes(size_t *n);
/* web_help.c: the help map's pages, API and exports. */
const struct http_route *help_routes(size_t *n);
/*
 * web_alerts.c: citizens' e-mail alerts (subscribe, confirm, unsubscribe);
 * web_alerts_form writes the subscription form for one target (the
 * others NULL) into a page.
 */
const struct http_route *alerts_routes(size_t *n);
struct html;
void web_alerts_form(struct html *h, const char *csrf, const char *report,
    const char *bbox, const char *agency, const char *service_code);
/*
 * A link to the subscription form of target ("agency" or "service_code")
 * value, shown by its name; hidden when value is NULL (the map page's
 * script shows it when a filter is chosen).
 */
void web_alerts_link(struct html *h, const char *target, const char *value,
    const char *name);

/*
 * web_account.c: the citizens' account pages (sign-up, e-mail
 * confirmation, password reset, "my reports", deletion).  web_account_who
 * fills c's signed-in user (act, session_csrf, who, email) for web_begin;
 * web_html_account passes it to a page's header (and resets the page's
 * feed to the city's, h->feed = NULL).
 */
void web_account_who(struct http_request *req, struct web_ctx *c);
struct html;
void web_html_account(struct html *h, const struct web_ctx *c);
/*
 * Ready h to write a public page of c into res: every field set (the
 * header's account links included), the response HTML and not cached.
 * Every public page starts with it, so a field added to struct html is
 * never left unset.
 */
void web_html_init(struct html *h, struct http_response *res,
    const struct web_ctx *c);
/*
 * serve --confirm-reports: check the report of a visitor without an
 * account, keep it (with its photos saved) and mail its reporter the link
 * that files it.  Answers the request; returns as a handler does.
 */
struct report_input;
int web_account_hold(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct report_input *in);

/* The sign-in page's links to sign-up, password reset, confirmation. */
void web_account_login_links(struct html *h);
/*
 * The sign-in refusal of an unconfirmed account (the right password was
 * given): 403, with the link to send the confirmation again.
 */
int web_account_unconfirmed(struct http_response *res, struct web_ctx *c);
const struct http_route *account_routes(size_t *n);

/*
 * bbox=min_long,min_lat,max_long,max_lat into q (web_rss.c; also the
 * GeoJSON of web_geojson.c); -1 if malformed.
 */
struct report_query;
int web_bbox_param(const char *v, struct report_query *q);

/* Handlers (web_pages.c, web_rss.c, web_report.c, social.c). */
int web_map(struct http_request *, struct http_response *, void *);
int web_list(struct http_request *, struct http_response *, void *);
int web_report(struct http_request *, struct http_response *, void *);
int web_new(struct http_request *, struct http_response *, void *);
int web_fixed(struct http_request *, struct http_response *, void *);
int web_rss(struct http_request *, struct http_response *, void *);
int web_map_clusters(struct http_request *, struct http_response *, void *);
int web_report_submit(struct http_request *, struct http_response *,
    void *);                    /* web_report.c */
int social_post_vote(struct http_request *, struct http_response *, void *);
int social_get_comments(struct http_request *, struct http_response *,
    void *);
int social_post_comment(struct http_request *, struct http_response *,
    void *);
int social_post_comment_flag(struct http_request *, struct http_response *,
    void *);
int social_post_comment_vote(struct http_request *, struct http_response *,
    void *);
int social_nearby(struct http_request *, struct http_response *, void *);

/*
 * Comments of any subject (social.c): GET /api/v1/comments?subject=KIND:ID
 * and POST /api/v1/comments (field subject).
 */
int social_get_subject_comments(struct http_request *, struct http_response *,
    void *);
int social_post_subject_comment(struct http_request *,
    struct http_response *, void *);

/*
 * ?order= of comments: "new" or "time" oldest first, "score" or "useful"
 * by score; absent: dflt.  -1 for anything else.
 */
int social_comment_order(struct http_request *req, enum comment_order dflt);

struct html;

/*
 * The comments section of a subject's page (web_comments.c): the order's
 * links, the published comments (score, author with reputation badge and
 * profile link, useful / not useful and flag forms), the notices of
 * ?voted=, ?flagged=, ?held=, and the form posting to action.  path is the
 * subject's page.  Returns 0, or -1 (a store error, or ?order= bad: a 400
 * sent when *sent).
 */
int web_comments_section(struct html *h, struct web_ctx *c,
    struct http_request *req, const char *kind, int64_t id,
    const char *path, const char *action);

/* GET /people/{id}: an author's public profile (web_comments.c). */
int web_profile(struct http_request *, struct http_response *, void *);
/* GET /api/v1/addresses?q=: the address registry, for the report form. */
/*
 * A hidden comment's author appeals (POST /api/v1/comments/{id}/appeal,
 * field text), and reads their appeals (GET /api/v1/appeals); docs/api.md.
 */
int social_post_comment_appeal(struct http_request *,
    struct http_response *, void *);
int social_get_appeals(struct http_request *, struct http_response *,
    void *);
int social_addresses(struct http_request *, struct http_response *, void *);
int social_post_photo(struct http_request *, struct http_response *, void *);
int social_media(struct http_request *, struct http_response *, void *);

/* Where citizens' photos are served: WEB_MEDIA_PREFIX "ID.jpg". */
#define WEB_MEDIA_PREFIX "/media/"

/*
 * What the citizens' writes share (social.c, used by web_report.c).  Each
 * returns 0 when it has answered, -1 when the response could not be made.
 */

/* Answer a core refusal: its status and field; internal errors logged. */
int social_fail_verr(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const struct verr *e);

/* Answer doc (a reference it takes; NULL: -1) as JSON with status. */
int social_send_json(struct http_response *res, int status,
    struct json_t *doc);

/* 303 See Other to a path of this site. */
int social_see_other(struct http_response *res, const char *location);

/*
 * The checks every write makes: CSRF token, then the address's limit of
 * kind.  Returns 0 to go on, 1 when an error was sent.
 */
int social_write_checks(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, enum rate_kind kind);

/* Parameter name as a coordinate into *out; 0, or -1 with e set. */
int social_coordinate(struct http_request *req, const char *name,
    double *out, struct verr *e);

/*
 * The RSS 2.0 writer of /rss for other feeds (web_rss.c): begin a channel
 * in res (title, the site's link_path, description), add items (plain
 * text, escaped as /rss escapes it), end: web_feed_end finishes the feed
 * (0) or fails (-1: res is past its limit; the handler returns -1).  wf
 * lives in request memory: nothing to free.
 */
struct web_feed;
struct web_feed *web_feed_begin(struct http_request *req,
    struct http_response *res, const struct web_ctx *c, const char *title,
    const char *link_path, const char *description);
void web_feed_item(struct web_feed *wf, const char *title, const char *path,
    const char *text, int64_t date);
int web_feed_end(struct web_feed *wf);

/* web_officials.c: officials' pages; the agency page's block of them. */
const struct http_route *officials_routes(size_t *n);
int web_officials_agency(struct html *h, const struct web_ctx *c,
    const char *agency);

#endif
