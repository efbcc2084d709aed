/*
 * web.c: the citizens' web routes and what their handlers share: the
 * request context (language, cookies, CSRF) and error pages.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/export.h"
#include "http/http.h"

#define COOKIE_CSRF     "veche_csrf"
#define COOKIE_DEVICE   "veche_device"
#define COOKIE_LANG     "veche_lang"
#define COOKIE_YEAR     "31536000"

/* export_csv_field's writer: into the response. */
static int
csv_write(const void *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

int
web_csv_field(struct http_response *res, const char *v, int text)
{
	return export_csv_field(v, text, csv_write, res);
}

int
web_cookie(const char *header, const char *name, char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (header == NULL || len == 0 || strlen(header) > VECHE_MAX_COOKIE)
		return -1;
	/* cookie-string = pair *( ";" SP pair ), pair = name "=" value */
	while (*p != '\0') {
		const char *end, *v;
		size_t vlen;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			v = p + nlen + 1;
			vlen = (size_t)(end - v);
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (vlen >= len)
				return -1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return 0;
		}
		p = end;
	}
	return -1;
}

int
web_token_ok(const char *s)
{
	size_t i;

	for (i = 0; i < VECHE_TOKEN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

static void
new_token(char out[WEB_TOKEN_LEN])
{
	unsigned char raw[VECHE_TOKEN_HEX / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, WEB_TOKEN_LEN, raw, sizeof(raw));
}

static int
secure_site(const struct app *a)
{
	return a->public_url != NULL && strncmp(a->public_url, "https:", 6) == 0;
}

static void
set_cookie(struct http_response *res, const struct app *a, const char *name,
    const char *value, int persistent, int http_only)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s=%s; Path=/; SameSite=Lax%s%s%s", name,
	    value, persistent ? "; Max-Age=" COOKIE_YEAR : "",
	    http_only ? "; HttpOnly" : "", secure_site(a) ? "; Secure" : "");
	http_response_header(res, "Set-Cookie", buf);
}

/* A token from the cookie, or a new one set on the response. */
static void
token(struct http_response *res, const struct app *a, const char *cookies,
    const char *name, int persistent, char out[WEB_TOKEN_LEN])
{
	if (web_cookie(cookies, name, out, WEB_TOKEN_LEN) == 0 &&
	    web_token_ok(out))
		return;
	new_token(out);
	set_cookie(res, a, name, out, persistent, 1);
}

static int
wants_json(struct http_request *req)
{
	const char *accept = http_request_header(req, "Accept");
	const char *type = http_request_header(req, "Content-Type");

	if (accept != NULL && strstr(accept, "application/json") != NULL)
		return 1;
	/*
	 * Under /api/ only a form posted by a page without its script (a
	 * urlencoded or multipart body) is answered with a page; any other
	 * client of the API gets JSON, errors included, whatever its Accept.
	 */
	if (strncmp(http_request_path(req), "/api/", 5) != 0)
		return 0;
	return http_request_method(req) != HTTP_POST || type == NULL ||
	    (strncmp(type, "application/x-www-form-urlencoded", 33) != 0 &&
	    strncmp(type, "multipart/form-data", 19) != 0);
}

/* What web_begin and web_begin_public share first: the language. */
static void
begin(struct http_request *req, struct http_response *res, void *arg,
    struct web_ctx *c, const char *cookies)
{
	const char *lang = http_request_param(req, "lang");
	char saved[8];

	memset(c, 0, sizeof(*c));
	c->app = arg;
	c->html = !wants_json(req);
	c->lang = LANG_RU;
	if (lang != NULL && (strcmp(lang, "en") == 0 ||
	    strcmp(lang, "ru") == 0)) {
		c->lang = lang[0] == 'e' ? LANG_EN : LANG_RU;
		set_cookie(res, c->app, COOKIE_LANG, lang, 1, 0);
	} else if (web_cookie(cookies, COOKIE_LANG, saved,
	    sizeof(saved)) == 0 && strcmp(saved, "en") == 0)
		c->lang = LANG_EN;
}

/* And then the thread's store: 0, or -1 after answering 503. */
static int
begin_store(struct http_request *req, struct http_response *res,
    struct web_ctx *c)
{
	if ((c->store = app_store(c->app)) == NULL) {
		web_fail(req, res, c, 503, NULL, "database unavailable: try "
		    "again later");
		return -1;
	}
	return 0;
}

int
web_begin(struct http_request *req, struct http_response *res, void *arg,
    struct web_ctx *c)
{
	const char *cookies = http_request_header(req, "Cookie");

	begin(req, res, arg, c, cookies);
	token(res, c->app, cookies, COOKIE_CSRF, 0, c->csrf);
	token(res, c->app, cookies, COOKIE_DEVICE, 1, c->device);
	if (begin_store(req, res, c) == -1)
		return -1;
	web_account_who(req, c);
	return 0;
}

int
web_begin_public(struct http_request *req, struct http_response *res,
    void *arg, struct web_ctx *c)
{
	begin(req, res, arg, c, http_request_header(req, "Cookie"));
	return begin_store(req, res, c);
}

int
web_csrf_ok(struct http_request *req, const struct web_ctx *c)
{
	const char *sent = http_request_param(req, "csrf");
	char cookie[WEB_TOKEN_LEN];

	if (sent == NULL)
		sent = http_request_header(req, "X-CSRF-Token");
	/* The cookie must have come with the request, not been made now. */
	if (sent == NULL || web_cookie(http_request_header(req, "Cookie"),
	    COOKIE_CSRF, cookie, sizeof(cookie)) == -1 ||
	    !web_token_ok(cookie) || strlen(sent) != VECHE_TOKEN_HEX)
		return 0;
	return sodium_memcmp(sent, cookie, VECHE_TOKEN_HEX) == 0 &&
	    strcmp(cookie, c->csrf) == 0;
}

const char *
web_url(struct http_request *req, const struct web_ctx *c, const char *path)
{
	const char *base = c->app->public_url != NULL ? c->app->public_url : "";
	size_t n = strlen(base) + strlen(path) + 1;
	char *url = http_request_alloc(req, n);

	if (url != NULL)
		snprintf(url, n, "%s%s", base, path);
	return url != NULL ? url : path;
}

int
web_fail(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int status, const char *field,
    const char *message)
{
	struct html h = { res, c->lang, 0, NULL, NULL, NULL };

	if (!c->html) {
		http_response_error(req, res, status, field, message);
		return 0;
	}
	http_response_reset(res);
	http_response_status(res, status);
	http_response_kind(res, HTTP_TYPE_HTML);
	web_html_account(&h, c);
	html_page_begin(&h, web_msg(status == 404 ? M_NOT_FOUND : M_ERROR,
	    c->lang), "error", http_request_path(req), NULL, 0);
	html_f(&h, "<h1>%m</h1>\n<p class=\"error\" role=\"alert\">%s</p>\n"
	    "<p><a href=\"/\">%m</a></p>\n", status == 404 ? M_NOT_FOUND :
	    M_ERROR, status == 404 ? web_msg(M_NOT_FOUND_TEXT, c->lang) :
	    message, M_BACK);
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* The citizens' pages, which a browser asks for (not /api, /media, /rss). */
static int
page_path(const char *path)
{
	return strcmp(path, "/") == 0 || strcmp(path, "/new") == 0 ||
	    strcmp(path, "/reports") == 0 || strncmp(path, "/reports/", 9) == 0;
}

/* A machine's paths, which answer in their own formats. */
static int
api_path(const char *path)
{
	return strncmp(path, "/open311/", 9) == 0 ||
	    strcmp(path, "/open311") == 0 || strncmp(path, "/api/", 5) == 0 ||
	    strcmp(path, "/api") == 0;
}

/* A browser: its Accept names text/html. */
static int
accepts_html(struct http_request *req)
{
	const char *accept = http_request_header(req, "Accept");

	return accept != NULL && strstr(accept, "text/html") != NULL;
}

static int
staff_path(const char *path)
{
	return strcmp(path, "/login") == 0 || strcmp(path, "/logout") == 0 ||
	    strcmp(path, "/desk") == 0 || strncmp(path, "/desk/", 6) == 0 ||
	    strcmp(path, "/admin") == 0 || strncmp(path, "/admin/", 7) == 0;
}

int
web_staff_refusal(struct http_request *req, struct http_response *res,
    int status, const char *message, void *arg)
{
	const char *path = http_request_path(req);
	struct web_ctx c;
	char *loc;
	size_t n;

	if (!(staff_path(path) || page_path(path) || (status == 404 &&
	    accepts_html(req) && !api_path(path))) || wants_json(req))
		return -1;
	memset(&c, 0, sizeof(c));
	c.app = arg;
	c.html = 1;
	c.lang = LANG_RU;
	if (status == 401 && http_request_method(req) == HTTP_GET) {
		n = strlen(path) + 32;
		if ((loc = http_request_alloc(req, n)) == NULL)
			return -1;
		snprintf(loc, n, "/login?next=%s", path);
		http_response_reset(res);
		http_response_status(res, 303);
		http_response_kind(res, HTTP_TYPE_TEXT);
		http_response_header(res, "Location", loc);
		http_response_printf(res, "See %s\n", loc);
		return 0;
	}
	{
		const char *cookies = http_request_header(req, "Cookie");
		char saved[8];

		if (web_cookie(cookies, COOKIE_LANG, saved, sizeof(saved)) == 0 &&
		    strcmp(saved, "en") == 0)
			c.lang = LANG_EN;
	}
	return web_fail(req, res, &c, status, NULL, message) == 0 ? 0 : -1;
}

/* Parameters of the routes. */
#define LANG_P "lang"
static const char *const p_filters[] = {
	LANG_P, "service_code", "status", "agency", "days", "page", NULL
};
static const char *const p_report[] = {
	LANG_P, "created", "fixed", "reopened", "order", "flagged", "voted",
	"held", NULL
};
static const char *const p_new[] = { LANG_P, "related", NULL };
static const char *const p_rss[] = {
	LANG_P, "service_code", "bbox", "agency", "status", "days", NULL
};
static const char *const p_post_report[] = {
	LANG_P, "csrf", "service_code", "lat", "long", "address_string",
	"description", "first_name", "last_name", "email", "phone",
	"media_url*", "photo*", "attr[", "related", NULL
};
static const char *const p_csrf[] = { LANG_P, "csrf", NULL };
static const char *const p_comment[] = {
	LANG_P, "csrf", "author", "body", "photo", NULL
};
static const char *const p_comments[] = { LANG_P, "order", NULL };
static const char *const p_subject_comments[] = {
	LANG_P, "subject", "order", NULL
};
static const char *const p_subject_comment[] = {
	LANG_P, "csrf", "subject", "author", "body", "photo", NULL
};
static const char *const p_flag[] = { LANG_P, "csrf", NULL };
static const char *const p_cvote[] = { LANG_P, "csrf", "useful", NULL };
static const char *const p_appeal[] = { LANG_P, "csrf", "text", NULL };
static const char *const p_lang[] = { LANG_P, NULL };
static const char *const p_nearby[] = {
	LANG_P, "lat", "long", "service_code", NULL
};
static const char *const p_addresses[] = { LANG_P, "q", NULL };
static const char *const p_fixed[] = { LANG_P, "csrf", "fixed", NULL };
static const char *const p_photo[] = { LANG_P, "csrf", "photo", NULL };

static const struct http_route web_table[] = {
	{ HTTP_GET, "/", web_map, 0, p_filters, 0 },
	{ HTTP_GET, "/reports", web_list, 0, p_filters, 0 },
	{ HTTP_GET, "/reports/{id}", web_report, 0, p_report, 0 },
	{ HTTP_GET, "/new", web_new, 0, p_new, 0 },
	{ HTTP_POST, "/reports/{id}/fixed", web_fixed, 0, p_fixed, 0 },
	{ HTTP_GET, "/rss", web_rss, 0, p_rss, 0 },
	{ HTTP_GET, "/media/{name}", social_media, 0, NULL, 0 },
	{ HTTP_POST, "/api/v1/reports", web_report_submit, 0, p_post_report,
	    0 },
	{ HTTP_GET, "/api/v1/reports/nearby", social_nearby, 0, p_nearby, 0 },
	{ HTTP_GET, "/api/v1/addresses", social_addresses, 0, p_addresses, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/votes", social_post_vote, 0, p_csrf,
	    0 },
	{ HTTP_GET, "/api/v1/reports/{id}/comments", social_get_comments, 0,
	    p_comments, 0 },
	{ HTTP_POST, "/api/v1/reports/{id}/comments", social_post_comment, 0,
	    p_comment, 0 },
	{ HTTP_POST, "/api/v1/comments/{id}/flag", social_post_comment_flag, 0,
	    p_flag, 0 },
	{ HTTP_POST, "/api/v1/comments/{id}/votes", social_post_comment_vote,
	    0, p_cvote, 0 },
	{ HTTP_POST, "/api/v1/photos", social_post_photo, 0, p_photo, 0 },
	/* Comments of any subject (docs/participation.md). */
	{ HTTP_GET, "/api/v1/comments", social_get_subject_comments, 0,
	    p_subject_comments, 0 },
	{ HTTP_POST, "/api/v1/comments", social_post_subject_comment, 0,
	    p_subject_comment, 0 },
	{ HTTP_GET, "/people/{id}", web_profile, 0, p_csrf, 0 },
	/* Appeals against a hidden comment (docs/participation.md). */
	{ HTTP_POST, "/api/v1/comments/{id}/appeal",
	    social_post_comment_appeal, 0, p_appeal, 0 },
	{ HTTP_GET, "/api/v1/appeals", social_get_appeals, 0,
	    p_lang, 0 },
};

const struct http_route *
web_routes(size_t *n)
{
	*n = sizeof(web_table) / sizeof(web_table[0]);
	return web_table;
}
