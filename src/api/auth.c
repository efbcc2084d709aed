/*
 * auth.c: who is calling (API keys and session cookies), CSRF checks, and
 * the routes to sign up, sign in and out.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/body.h"
#include "api/cache.h"
#include "api/ratelimit.h"
#include "api/reply.h"
#include "api/routes.h"
#include "core/account.h"
#include "core/apikey.h"
#include "core/session.h"
#include "core/social.h"
#include "http/http.h"

/* What the request slot holds: the actor first, so it reads as one. */
struct caller {
	struct actor act;
	int session;                    /* signed in by cookie */
	char csrf[SESSION_TOKEN_LEN];
};

/* The session token of the request's cookie, or NULL; in request memory. */
static const char *
cookie_token(struct http_request *req)
{
	const char *h = http_request_header(req, "Cookie"), *p, *end;
	const size_t n = strlen(AUTH_COOKIE);
	char *v;

	for (p = h; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > n && strncmp(p, AUTH_COOKIE, n) == 0 &&
		    p[n] == '=') {
			if (end - p - (long)n - 1 >= SESSION_TOKEN_LEN ||
			    (v = http_request_alloc(req, SESSION_TOKEN_LEN)) ==
			    NULL)
				return NULL;
			snprintf(v, SESSION_TOKEN_LEN, "%.*s",
			    (int)(end - p - (long)n - 1), p + n + 1);
			return v;
		}
	}
	return NULL;
}

static struct caller *
new_caller(struct http_request *req)
{
	struct caller *c = http_request_alloc(req, sizeof(*c));

	if (c != NULL)
		memset(c, 0, sizeof(*c));
	return c;
}

/* The caller of an API key in the request, or NULL; *rc the refusal. */
static struct caller *
key_caller(struct http_request *req, struct store *s, int *rc,
    const char **message)
{
	char agency[VECHE_MAX_CODE + 1], name[VECHE_MAX_NAME * 4 + 1];
	struct caller *c;
	const char *key;

	key = http_request_param(req, "api_key");
	if (key == NULL)
		key = http_request_header(req, "X-Api-Key");
	if (key == NULL)
		return NULL;
	switch (apikey_check(s, key, name, sizeof(name), agency,
	    sizeof(agency))) {
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
	if ((c = new_caller(req)) == NULL) {
		*rc = 503;
		*message = "out of memory";
		return NULL;
	}
	c->act.role = ROLE_SYSTEM;
	/* The audit log names the integrating system by its key's name. */
	snprintf(c->act.name, sizeof(c->act.name), "api-key:%.200s", name);
	if (agency[0] != '\0') {
		snprintf(c->act.agencies[0], sizeof(c->act.agencies[0]), "%s",
		    agency);
		c->act.nagencies = 1;
	}
	return c;
}

/* The caller of the session cookie, or NULL (none, expired, unknown). */
static struct caller *
session_caller(struct http_request *req, struct app *a, struct store *s,
    int *rc, const char **message)
{
	const char *token = cookie_token(req);
	struct caller *c;
	int64_t user;
	char csrf[SESSION_TOKEN_LEN];

	if (token == NULL)
		return NULL;
	switch (session_find(s, token, app_now(a), &user, csrf)) {
	case 0:
		break;
	case 1:
		return NULL;
	default:
		*rc = 503;
		*message = "session: could not be checked, try again later";
		return NULL;
	}
	if ((c = new_caller(req)) == NULL) {
		*rc = 503;
		*message = "out of memory";
		return NULL;
	}
	switch (account_actor(s, user, &c->act)) {
	case 0:
		break;
	case 1:
		return NULL;
	default:
		*rc = 503;
		*message = "session: could not be checked, try again later";
		return NULL;
	}
	c->session = 1;
	snprintf(c->csrf, sizeof(c->csrf), "%s", csrf);
	return c;
}

/* Who calls: an API key first, then a session; NULL for nobody. */
static struct caller *
identify(struct http_request *req, struct app *a, int *rc,
    const char **message)
{
	struct caller *c;
	struct store *s;

	*rc = 0;
	if ((c = http_request_user(req)) != NULL)
		return c;
	if ((s = app_store(a)) == NULL) {
		*rc = 503;
		*message = "database unavailable: try again later";
		return NULL;
	}
	if ((c = key_caller(req, s, rc, message)) == NULL && *rc == 0)
		c = session_caller(req, a, s, rc, message);
	if (c != NULL)
		http_request_set_user(req, c);
	return c;
}

static unsigned
role_access(enum role r)
{
	static const unsigned bits[ROLE__MAX] = {
		[ROLE_CITIZEN] = ACCESS_CITIZEN,
		[ROLE_MODERATOR] = ACCESS_MODERATOR,
		[ROLE_OPERATOR] = ACCESS_OPERATOR,
		[ROLE_HEAD] = ACCESS_HEAD,
		[ROLE_ADMIN] = ACCESS_ADMIN,
		[ROLE_SYSTEM] = ACCESS_APIKEY,
	};

	return (unsigned)r < ROLE__MAX ? bits[r] : 0;
}

/* A session's writes must echo its CSRF token. */
static int
csrf_ok(struct http_request *req, const struct caller *c)
{
	const char *given;
	enum http_method m = http_request_method(req);

	if (!c->session || m == HTTP_GET || m == HTTP_HEAD)
		return 1;
	given = http_request_header(req, "X-CSRF-Token");
	if (given == NULL)
		given = http_request_param(req, "csrf");
	return session_csrf_ok(c->csrf, given);
}

int
auth_check(struct http_request *req, const struct http_route *route,
    void *arg, const char **field, const char **message)
{
	struct caller *c;
	int rc;

	*field = "api_key";
	c = identify(req, arg, &rc, message);
	if (rc != 0)
		return rc;
	if (c == NULL) {
		if (route->access & ACCESS_ANON)
			return 0;
		if (!(route->access & ACCESS_USER)) {
			*message = "api_key: required for this request (ask the "
			    "administrator for a key)";
			return 403;
		}
		*field = "session";
		*message = "session: sign in first (POST /api/v1/login)";
		return 401;
	}
	if (!(route->access & (role_access(c->act.role) | ACCESS_ANON))) {
		*field = c->act.role == ROLE_SYSTEM ? "api_key" : "role";
		*message = c->act.role == ROLE_SYSTEM ? "api_key: an API key may "
		    "not make this request" : "role: your role may not make "
		    "this request";
		return 403;
	}
	if (!csrf_ok(req, c)) {
		*field = "csrf";
		*message = "csrf: missing or wrong CSRF token: send the "
		    "session's token (GET /api/v1/me) in the field csrf or the "
		    "header X-CSRF-Token";
		return 403;
	}
	return 0;
}

const struct actor *
auth_actor(struct http_request *req, struct app *a)
{
	const char *message;
	struct caller *c;
	int rc;

	c = identify(req, a, &rc, &message);
	return c != NULL ? &c->act : NULL;
}

const char *
auth_csrf(struct http_request *req)
{
	struct caller *c = http_request_user(req);

	return c != NULL && c->session ? c->csrf : NULL;
}

/* The public view of an actor, with the session's CSRF token. */
static json_t *
me_json(const struct actor *a, const char *csrf)
{
	json_t *ag = json_array();
	size_t i;

	for (i = 0; i < a->nagencies; i++)
		json_array_append_new(ag, json_string(a->agencies[i]));
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id",
	    (json_int_t)a->user_id, "login", a->name, "role",
	    account_role_name(a->role), "agencies", ag, "csrf",
	    reply_str(csrf));
}

/* Set (max_age > 0) or clear the session cookie. */
static int
set_cookie(struct app *a, struct http_response *res, const char *token,
    int max_age)
{
	char v[256];
	int secure = a->public_url != NULL &&
	    strncasecmp(a->public_url, "https:", 6) == 0;

	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Lax%s", AUTH_COOKIE, token, max_age,
	    secure ? "; Secure" : "");
	return http_response_header(res, "Set-Cookie", v);
}

void
auth_addr_key(const char *remote, char *buf, size_t size)
{
	struct in6_addr a6;
	char s[INET6_ADDRSTRLEN];

	if (strchr(remote, ':') != NULL &&
	    inet_pton(AF_INET6, remote, &a6) == 1) {
		memset(&a6.s6_addr[8], 0, 8);
		if (inet_ntop(AF_INET6, &a6, s, sizeof(s)) != NULL) {
			snprintf(buf, size, "addr:%s/64", s);
			return;
		}
	}
	snprintf(buf, size, "addr:%s", remote);
}

int
auth_rate(struct http_request *req, struct store *s, enum rate_kind kind,
    int64_t now, struct verr *e)
{
	char who[INET6_ADDRSTRLEN + 16];

	auth_addr_key(http_request_remote(req), who, sizeof(who));
	return social_rate(s, kind, who, now, e);
}

/*
 * Whether a sign-in comes from this site's own pages (login CSRF: another
 * site must not sign a visitor in as the attacker).  Browsers send Origin
 * with every cross-site POST: it must be the public URL's origin or name
 * the Host the request was sent to, in the public URL's scheme.  Without Origin, Sec-Fetch-Site must
 * be same-origin or none.  A client that sends neither is no browser, and
 * no other site can make it send anything.
 */
static int
same_origin(struct http_request *req, const struct app *a)
{
	const char *origin = http_request_header(req, "Origin");
	const char *site = http_request_header(req, "Sec-Fetch-Site");
	const char *host = http_request_header(req, "Host");
	const char *p, *pub, *end;

	if (origin == NULL)
		return site == NULL || strcmp(site, "same-origin") == 0 ||
		    strcmp(site, "none") == 0;
	pub = a->public_url;
	if (pub != NULL && (p = strstr(pub, "://")) != NULL) {
		end = strchr(p + 3, '/');
		if (end == NULL)
			end = p + strlen(p);
		if (strlen(origin) == (size_t)(end - pub) &&
		    strncasecmp(origin, pub, (size_t)(end - pub)) == 0)
			return 1;
	}
	/*
	 * Or the Host it was sent to (a proxy's name), in the public URL's
	 * scheme: an http:// page must not sign in to an https:// site.
	 */
	p = strstr(origin, "://");
	if (p == NULL || host == NULL || strcasecmp(p + 3, host) != 0)
		return 0;
	return pub == NULL || (end = strstr(pub, "://")) == NULL ||
	    ((size_t)(p - origin) == (size_t)(end - pub) &&
	    strncasecmp(origin, pub, (size_t)(p - origin)) == 0);
}

int
auth_sign_in(struct http_request *req, struct http_response *res,
    struct app *a, const char *name, const char *pw, struct actor *act,
    char csrf[SESSION_TOKEN_LEN], struct verr *e)
{
	char kacc[VECHE_MAX_LOGIN + 16], kaddr[96], retry_s[24];
	char token[SESSION_TOKEN_LEN];
	int64_t now = app_now(a), retry, r2;
	struct store *s;

	if (!same_origin(req, a))
		return verr_set(e, VERR_FORBIDDEN, "Origin", "Origin: sign in "
		    "from this site's own pages; a sign-in form on another "
		    "site is refused"), 403;
	if (name == NULL || strlen(name) > VECHE_MAX_LOGIN)
		return verr_set(e, VERR_INVALID, "login", "login: required, at "
		    "most %d bytes", VECHE_MAX_LOGIN), 400;
	if (pw == NULL)
		return verr_set(e, VERR_INVALID, "password", "password: "
		    "required"), 400;
	snprintf(kacc, sizeof(kacc), "login:%s", name);
	auth_addr_key(http_request_remote(req), kaddr, sizeof(kaddr));
	if (ratelimit_blocked(a->login_limit, kacc, now, &retry) |
	    ratelimit_blocked(a->login_limit, kaddr, now, &r2)) {
		snprintf(retry_s, sizeof(retry_s), "%lld",
		    (long long)(retry > r2 ? retry : r2));
		http_response_header(res, "Retry-After", retry_s);
		return verr_set(e, VERR_FORBIDDEN, "login", "login: too many "
		    "failed attempts; try again in %s seconds", retry_s), 429;
	}
	if ((s = app_store(a)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "database unavailable"),
		    503;
	if (account_authenticate(s, name, pw, act, e) == -1) {
		if (e->kind != VERR_FORBIDDEN)
			return 500;
		/* The right password of an unconfirmed account (docs/auth.md). */
		if (strcmp(e->field, "email") == 0)
			return 403;
		/* A full table blocks keys it lacks: nothing more to do. */
		(void)ratelimit_fail(a->login_limit, kacc,
		    VECHE_LOGIN_MAX_ACCOUNT, now, &retry);
		(void)ratelimit_fail(a->login_limit, kaddr,
		    VECHE_LOGIN_MAX_ADDRESS, now, &retry);
		return verr_set(e, VERR_FORBIDDEN, "password", "login or "
		    "password is wrong"), 401;
	}
	ratelimit_clear(a->login_limit, kacc);
	/* A new session at every sign-in; the old one ends. */
	if (session_start(s, act->user_id, cookie_token(req), now, token, csrf,
	    e) == -1)
		return 500;
	if (set_cookie(a, res, token, VECHE_SESSION_TTL) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory"), 500;
	return 0;
}

int
auth_sign_out(struct http_request *req, struct http_response *res,
    struct app *a)
{
	struct store *s;

	if ((s = app_store(a)) == NULL ||
	    session_end(s, cookie_token(req), app_now(a)) == -1)
		return -1;
	return set_cookie(a, res, "", 0);
}

/*
 * login and password from the form, or from a JSON body's members (the
 * form parser leaves a JSON body alone: reading only the form took a JSON
 * sign-up for one without a login).  Returns 0, or -1 when a 400 naming
 * the field was sent.
 */
static int
credentials(struct http_request *req, struct http_response *res,
    const char **name, const char **pw)
{
	const char *ct = http_request_header(req, "Content-Type");
	const char *f[2] = { "login", "password" };
	const char **out[2] = { name, pw };
	const void *body;
	char err[256], num[32];
	json_t *j = NULL;
	size_t len, i;

	*name = http_request_param(req, "login");
	*pw = http_request_param(req, "password");
	body = http_request_body(req, &len);
	if (ct != NULL && strncasecmp(ct, "application/json", 16) == 0 &&
	    len > 0) {
		if ((j = body_json_parse(body, len, err, sizeof(err))) == NULL)
			return reply_bad(req, res, 400, "body", "%s", err), -1;
		for (i = 0; i < 2; i++)
			if (*out[i] == NULL && (*out[i] = body_json_field(j, f[i],
			    num, sizeof(num))) != NULL)
				*out[i] = http_request_strdup(req, *out[i]);
		json_decref(j);
	}
	for (i = 0; i < 2; i++)
		if (*out[i] == NULL)
			return reply_bad(req, res, 400, f[i], "%s: required",
			    f[i]), -1;
	return 0;
}

static int
login(struct http_request *req, struct http_response *res, void *arg)
{
	char csrf[SESSION_TOKEN_LEN];
	const char *name, *pw;
	struct actor act;
	struct verr e;
	int rc;

	if (credentials(req, res, &name, &pw) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	rc = auth_sign_in(req, res, arg, name, pw, &act, csrf, &e);
	if (rc == 0)
		return reply_json(res, 200, me_json(&act, csrf));
	if (rc == 500)
		return reply_verr(req, res, &e);
	return reply_bad(req, res, rc, e.field[0] ? e.field : NULL, "%s",
	    e.message);
}

static int
logout(struct http_request *req, struct http_response *res, void *arg)
{
	if (auth_sign_out(req, res, arg) == -1)
		return -1;
	return reply_json(res, 200, json_pack("{s:b}", "signed_out", 1));
}

static int
me(struct http_request *req, struct http_response *res, void *arg)
{
	const struct actor *act = auth_actor(req, arg);

	if (act == NULL)
		return reply_bad(req, res, 401, "session", "session: sign in "
		    "first");
	return reply_json(res, 200, me_json(act, auth_csrf(req)));
}

static int
signup(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *a = arg;
	const char *name, *pw;
	struct actor self;
	struct store *s;
	struct verr e;
	int64_t id;

	if (credentials(req, res, &name, &pw) == -1)
		return 0;
	/*
	 * A login is a public handle, and a taken one answers 409.  One
	 * shaped like an e-mail would be looked up before the e-mail column
	 * at sign-in (taking a web account's address) and its 409 would tell
	 * whether a staff login is that address: refused alike for every
	 * address, registered or not (docs/auth.md).
	 */
	if (name != NULL && strchr(name, '@') != NULL)
		return reply_bad(req, res, 400, "login", "login: no '@' in a "
		    "login: sign up with an e-mail address on /signup");
	if ((s = app_store(a)) == NULL)
		return reply_bad(req, res, 503, NULL, "database unavailable");
	/* Each account costs an Argon2id hash: limit them per address. */
	memset(&e, 0, sizeof(e));
	switch (auth_rate(req, s, RATE_SIGNUP, app_now(a), &e)) {
	case 0:
		break;
	case 1:
		return reply_bad(req, res, 429, NULL, "too many new accounts "
		    "from this address: try again in an hour");
	default:
		return reply_verr(req, res, &e);
	}
	memset(&self, 0, sizeof(self));
	self.role = ROLE_CITIZEN;
	snprintf(self.name, sizeof(self.name), "%s", name ? name : "");
	memset(&e, 0, sizeof(e));
	if (account_create(s, a->catalog, &self, name, pw, ROLE_CITIZEN, NULL,
	    0, app_now(a), &id, &e) == -1)
		return reply_verr(req, res, &e);
	cache_bump(a->cache);
	return reply_json(res, 201, json_pack("{s:I, s:s, s:s}", "id",
	    (json_int_t)id, "login", name, "role", "citizen"));
}

static const char *const p_login[] = { "login", "password", NULL };
static const char *const p_csrf[] = { "csrf", NULL };

static const struct http_route auth_table[] = {
	{ HTTP_POST, "/api/v1/signup", signup, ACCESS_ANON, p_login, 0 },
	{ HTTP_POST, "/api/v1/login", login, 0, p_login, 0 },
	{ HTTP_POST, "/api/v1/logout", logout, ACCESS_USER, p_csrf, 0 },
	{ HTTP_GET, "/api/v1/me", me, ACCESS_USER, NULL, 0 },
};

const struct http_route *
auth_routes(size_t *n)
{
	*n = sizeof(auth_table) / sizeof(auth_table[0]);
	return auth_table;
}
