/*
 * web_staff.h: the staff's web pages: sign-in, the agency desk and
 * moderation (web_desk.c) and administration (web_admin.c).  They are
 * rendered on the server like the citizens' pages (web_html.h's layout
 * and words) and work without JavaScript.
 *
 * Who may open a page is the routing table's ACCESS_* bits (api/auth.c
 * checks them and, for a signed-in session, its CSRF token on every
 * POST); a visitor who is not signed in is sent to /login (routes.c).
 * Every form carries the session's CSRF token in the field "csrf".
 * Writes answer 303 back to a page with a flash naming what was done.
 */
#ifndef VECHE_API_WEB_STAFF_H
#define VECHE_API_WEB_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "api/web.h"
#include "api/web_html.h"

struct actor;
struct http_request;
struct http_response;
struct http_route;
struct verr;

/* What every staff handler knows about its request. */
struct staff {
	struct web_ctx c;
	struct html h;
	const struct actor *act;        /* the signed-in user (never NULL) */
	const char *csrf;               /* the session's CSRF token */
};

/*
 * Set up st for req: web_begin, the signed-in actor and the session's
 * token, an HTML response.  Returns 0, or -1 when an answer was sent.
 */
int staff_begin(struct http_request *req, struct http_response *res,
    void *app, struct staff *st);

/*
 * The page up to <main>'s content and the desk's navigation (the
 * sections this actor may open, sign-out).  title is escaped.
 */
void staff_page_begin(struct staff *st, const char *title, const char *page,
    const char *path, int with_map);

/* Answer 303 to location (a path of this site). */
int staff_redirect(struct http_response *res, const char *location);

/* Answer a refusal of core as an HTML error page (status from e). */
int staff_fail(struct http_request *req, struct http_response *res,
    struct staff *st, const struct verr *e);

/* The HTTP status of a core refusal. */
int staff_status(const struct verr *e);

/* The hidden CSRF field of a form. */
void staff_csrf_field(struct staff *st);

/* The rows of the routing table of web_desk.c and web_admin.c. */
const struct http_route *desk_routes(size_t *n);
const struct http_route *admin_routes(size_t *n);

#endif
