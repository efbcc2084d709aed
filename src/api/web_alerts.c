/*
 * web_alerts.c: the pages of citizens' e-mail alerts (core/alerts.h,
 * docs/web.md): the subscription form and its answer, the confirmation
 * link and the unsubscribe page, which also takes the one-click POST of
 * RFC 8058 that mail programs send (no CSRF token: the unsubscribe token
 * is the credential).
 *
 * The answer to a subscription is the same whether or not the address is
 * already subscribed; requests count against the client's address and the
 * e-mail (the limiter of ratelimit.h).  The confirmation token is mailed
 * at once (delivery_mail_now) and never reaches the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/ratelimit.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/account.h"
#include "core/alerts.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "http/http.h"

enum alw {
	W_TITLE, W_EMAIL, W_MODE, W_INSTANT, W_DAILY, W_SUBMIT, W_SENT,
	W_CONFIRMED, W_CONFIRMED_TEXT, W_BAD_LINK, W_UNSUB, W_UNSUB_TEXT,
	W_UNSUB_BTN, W_UNSUB_DONE, W_MAIL_SUBJECT, W_MAIL_TEXT, W_MAIL_LINK,
	W_MAIL_IGNORE, W_WHAT, W_REPORT, W_AREA, W_AGENCY, W_SERVICE,
	W_PRIVACY, W_LINK, W__MAX
};

static const char *const words[W__MAX][LANG__MAX] = {
	[W_TITLE] = { "Подписаться на оповещения", "Subscribe to alerts" },
	[W_EMAIL] = { "E-mail", "E-mail" },
	[W_MODE] = { "Как присылать", "How often" },
	[W_INSTANT] = { "Сразу", "At once" },
	[W_DAILY] = { "Сводкой раз в день", "A daily digest" },
	[W_SUBMIT] = { "Подписаться", "Subscribe" },
	[W_SENT] = { "Проверьте почту: если подписка новая, мы отправили "
	    "письмо со ссылкой для её подтверждения. До подтверждения "
	    "оповещения не приходят.", "Check your e-mail: if the "
	    "subscription is new, we have sent a link to confirm it. No "
	    "alerts are sent until it is confirmed." },
	[W_CONFIRMED] = { "Подписка подтверждена", "Subscription confirmed" },
	[W_CONFIRMED_TEXT] = { "Оповещения будут приходить на ваш адрес. "
	    "Отписаться можно по ссылке в любом письме.", "Alerts will come "
	    "to your address. Every message has a link to unsubscribe." },
	[W_BAD_LINK] = { "Ссылка недействительна или устарела.",
	    "The link is not valid or has expired." },
	[W_UNSUB] = { "Отписка от оповещений", "Unsubscribe from alerts" },
	[W_UNSUB_TEXT] = { "Нажмите кнопку, чтобы больше не получать эти "
	    "оповещения.", "Press the button to stop these alerts." },
	[W_UNSUB_BTN] = { "Отписаться", "Unsubscribe" },
	[W_UNSUB_DONE] = { "Вы отписались. Писем по этой подписке больше не "
	    "будет.", "You have unsubscribed. No more messages will come "
	    "for this subscription." },
	[W_MAIL_SUBJECT] = { "Подтвердите подписку на оповещения Вече",
	    "Confirm your Veche alerts subscription" },
	[W_MAIL_TEXT] = { "Кто-то (надеемся, вы) подписал этот адрес на "
	    "оповещения Вече. Чтобы подтвердить подписку, откройте ссылку; "
	    "она действует 48 часов.", "Someone (we hope you) subscribed this "
	    "address to Veche alerts. Open the link to confirm; it works for "
	    "48 hours." },
	[W_MAIL_LINK] = { "Подтвердить", "Confirm" },
	[W_MAIL_IGNORE] = { "Если вы не подписывались, просто не отвечайте: "
	    "без подтверждения писем не будет.", "If it was not you, ignore "
	    "this message: nothing is sent without confirmation." },
	[W_WHAT] = { "Подписка на", "Subscription to" },
	[W_REPORT] = { "изменения обращения №", "changes of report No. " },
	[W_AREA] = { "новые обращения в выбранной области",
	    "new reports in the chosen area" },
	[W_AGENCY] = { "новые обращения к исполнителю ",
	    "new reports to the agency " },
	[W_SERVICE] = { "новые обращения в категории ",
	    "new reports in the category " },
	[W_PRIVACY] = { "Адрес нигде не показывается; его видит только "
	    "рассылка.", "The address is never shown; only the mailing uses "
	    "it." },
	[W_LINK] = { "Подписаться по e-mail", "Subscribe by e-mail" },
};

static const char *
w(enum alw k, enum lang lang)
{
	return words[k][(unsigned)lang < LANG__MAX ? lang : LANG_RU];
}

static int
page_begin(struct http_request *req, struct http_response *res, void *arg,
    struct web_ctx *c, struct html *h)
{
	if (web_begin(req, res, arg, c) == -1)
		return -1;
	web_html_init(h, res, c);
	return 0;
}

static int
page_end(struct html *h)
{
	html_page_end(h);
	return h->failed ? -1 : 0;
}

/* A page of one message; error marks it an alert. */
static int
message(struct html *h, const struct web_ctx *c, enum alw title,
    const char *text, int error)
{
	html_page_begin(h, w(title, c->lang), "alerts", "/alerts", c->csrf, 0);
	html_f(h, "<h1>%s</h1>\n<p id=\"alerts-result\"%r>%s</p>\n",
	    w(title, c->lang), error ? " class=\"error\" role=\"alert\"" :
	    " role=\"status\"", text);
	return page_end(h);
}

/* A hidden field when v is given. */
static void
hidden(struct html *h, const char *name, const char *v)
{
	if (v != NULL && v[0] != '\0')
		html_f(h, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
		    name, v);
}

void
web_alerts_form(struct html *h, const char *csrf, const char *report,
    const char *bbox, const char *agency, const char *service_code)
{
	enum lang lang = h->lang;

	html_f(h, "<form method=\"post\" action=\"/alerts\" class=\"alerts-form\""
	    " id=\"alerts-form\">\n<h2>%s</h2>\n", w(W_TITLE, lang));
	hidden(h, "csrf", csrf);
	hidden(h, "lang", lang == LANG_EN ? "en" : NULL);
	hidden(h, "report", report);
	hidden(h, "bbox", bbox);
	hidden(h, "agency", agency);
	hidden(h, "service_code", service_code);
	html_f(h, "<div class=\"field\"><label for=\"alerts-email\">%s</label>"
	    "\n<input id=\"alerts-email\" name=\"email\" type=\"email\" "
	    "required autocomplete=\"email\"></div>\n<fieldset><legend>%s"
	    "</legend>\n<label><input type=\"radio\" name=\"mode\" "
	    "value=\"instant\" checked> %s</label>\n<label><input "
	    "type=\"radio\" name=\"mode\" value=\"daily\"> %s</label>\n"
	    "</fieldset>\n<p class=\"hint\">%s</p>\n<button type=\"submit\" "
	    "id=\"alerts-submit\">%s</button>\n</form>\n", w(W_EMAIL, lang),
	    w(W_MODE, lang), w(W_INSTANT, lang), w(W_DAILY, lang),
	    w(W_PRIVACY, lang), w(W_SUBMIT, lang));
}

void
web_alerts_link(struct html *h, const char *target, const char *value,
    const char *name)
{
	enum alw what = strcmp(target, "agency") == 0 ? W_AGENCY : W_SERVICE;

	/* data-alert: veche.js keeps the map page's link on its filters. */
	html_f(h, "<p class=\"alerts-link\" data-alert=\"%s\"%r><a "
	    "href=\"/alerts/new?%s=%s\" id=\"alerts-link-%s\">%s: %s<span "
	    "class=\"alerts-name\">%s</span></a></p>\n", target, value == NULL ?
	    " hidden" : "", target, value != NULL ? value : "", target,
	    w(W_LINK, h->lang), w(what, h->lang), name != NULL ? name : "");
}

/* GET /alerts/new: the form for the target the query names. */
static int
new_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *report = http_request_param(req, "report");
	const char *bbox = http_request_param(req, "bbox");
	const char *agency = http_request_param(req, "agency");
	const char *service = http_request_param(req, "service_code");
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	html_page_begin(&h, w(W_TITLE, c.lang), "alerts", "/alerts/new",
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<p id=\"alerts-what\">%s ", w(W_TITLE, c.lang),
	    w(W_WHAT, c.lang));
	if (report != NULL)
		html_f(&h, "%s%s", w(W_REPORT, c.lang), report);
	else if (bbox != NULL)
		html_f(&h, "%s", w(W_AREA, c.lang));
	else if (agency != NULL)
		html_f(&h, "%s%s", w(W_AGENCY, c.lang), agency);
	else if (service != NULL)
		html_f(&h, "%s%s", w(W_SERVICE, c.lang), service);
	html_f(&h, "</p>\n");
	web_alerts_form(&h, c.csrf, report, bbox, agency, service);
	return page_end(&h);
}

/* Count one request of key; 0 when it is over max. */
static int
allowed(struct app *a, const char *key, int max, int64_t now)
{
	int64_t retry;

	if (ratelimit_blocked(a->login_limit, key, now, &retry))
		return 0;
	(void)ratelimit_fail(a->login_limit, key, max, now, &retry);
	return 1;
}

/* Mail the confirmation link now.  0, or -1 (logged). */
static int
confirm_mail(struct http_request *req, const struct web_ctx *c,
    const char *to, const char *token)
{
	char err[VECHE_MAX_DELIVERY_ERROR], path[128];
	const char *url;
	struct letter l;
	int rc;

	snprintf(path, sizeof(path), "/alerts/confirm?token=%s%s", token,
	    c->lang == LANG_EN ? "&lang=en" : "");
	memset(&l, 0, sizeof(l));
	if ((url = web_url(req, c, http_request_strdup(req, path))) == NULL ||
	    letter_init(&l, c->lang, w(W_MAIL_SUBJECT, c->lang)) == -1)
		return -1;
	letter_para(&l, w(W_MAIL_TEXT, c->lang));
	letter_link(&l, w(W_MAIL_LINK, c->lang), url);
	letter_para(&l, w(W_MAIL_IGNORE, c->lang));
	letter_para(&l, "-- \nВече / Veche");
	letter_end(&l);
	rc = delivery_mail_now(c->store, to, w(W_MAIL_SUBJECT, c->lang), &l,
	    err, sizeof(err));
	if (rc == -1)
		fprintf(stderr, "veche: alerts mail: %s\n", err);
	letter_free(&l);
	return rc;
}

/* POST /alerts: subscribe. */
static int
subscribe_post(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct alert_request in;
	char token[SESSION_TOKEN_LEN], key[VECHE_MAX_EMAIL + 64];
	char addr[96], mail[VECHE_MAX_EMAIL + 1];
	int64_t retry;
	struct web_ctx c;
	struct html h;
	struct verr e;
	int64_t now;
	int rc;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	if (!web_csrf_ok(req, &c))
		return web_fail(req, res, &c, 403, "csrf", "csrf: the form is "
		    "out of date: reload the page and try again");
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.email = http_request_param(req, "email");
	in.report = http_request_param(req, "report");
	in.bbox = http_request_param(req, "bbox");
	in.agency = http_request_param(req, "agency");
	in.service_code = http_request_param(req, "service_code");
	in.mode = http_request_param(req, "mode");
	in.lang = c.lang;
	now = app_now(c.app);
	/*
	 * Both limits before anything is written: per client (an IPv6
	 * client by its /64) and per address whatever its letters' case, so
	 * nobody is sent more than VECHE_ALERT_MAX_MAIL confirmations.
	 */
	auth_addr_key(http_request_remote(req), addr, sizeof(addr));
	snprintf(key, sizeof(key), "alerts-addr:%s", addr);
	if (!allowed(c.app, key, VECHE_ALERT_MAX_ADDRESS, now))
		return web_fail(req, res, &c, 429, NULL, web_msg(M_TOO_MANY,
		    c.lang));
	mail[0] = '\0';
	if (in.email != NULL && strlen(in.email) <= VECHE_MAX_EMAIL)
		account_email_key(in.email, mail);
	snprintf(key, sizeof(key), "alerts-mail:%s", mail);
	if (ratelimit_blocked(c.app->login_limit, key, now, &retry))
		return web_fail(req, res, &c, 429, NULL, web_msg(M_TOO_MANY,
		    c.lang));
	rc = alerts_subscribe(c.store, &in, now, token, &e);
	if (rc == -1)
		return web_fail(req, res, &c, e.kind == VERR_INTERNAL ? 500 :
		    400, e.field[0] ? e.field : NULL, e.message);
	/* A valid request counts against its address, mailed or not. */
	(void)ratelimit_fail(c.app->login_limit, key, VECHE_ALERT_MAX_MAIL,
	    now, &retry);
	if (rc == 0)
		(void)confirm_mail(req, &c, mail, token);
	return message(&h, &c, W_TITLE, w(W_SENT, c.lang), 0);
}

/* GET /alerts/confirm?token= */
static int
confirm_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;
	struct verr e;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (alerts_confirm(c.store, http_request_param(req, "token"),
	    app_now(c.app), &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, 404);
		return message(&h, &c, W_CONFIRMED, w(W_BAD_LINK, c.lang), 1);
	}
	return message(&h, &c, W_CONFIRMED, w(W_CONFIRMED_TEXT, c.lang), 0);
}

/* GET /alerts/unsubscribe?token=: one button (a GET changes nothing). */
static int
unsubscribe_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *token = http_request_param(req, "token");
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	html_page_begin(&h, w(W_UNSUB, c.lang), "alerts", "/alerts/unsubscribe",
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<p>%s</p>\n<form method=\"post\" "
	    "action=\"/alerts/unsubscribe\" id=\"unsubscribe-form\">\n",
	    w(W_UNSUB, c.lang), w(W_UNSUB_TEXT, c.lang));
	hidden(&h, "token", token != NULL && strlen(token) == 64 ? token :
	    NULL);
	hidden(&h, "lang", c.lang == LANG_EN ? "en" : NULL);
	html_f(&h, "<button type=\"submit\" id=\"unsubscribe-submit\">%s"
	    "</button>\n</form>\n", w(W_UNSUB_BTN, c.lang));
	return page_end(&h);
}

/* POST /alerts/unsubscribe: the button, or a mail program's one click. */
static int
unsubscribe_post(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	struct html h;
	struct verr e;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (alerts_unsubscribe(c.store, http_request_param(req, "token"),
	    &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, 404);
		return message(&h, &c, W_UNSUB, w(W_BAD_LINK, c.lang), 1);
	}
	return message(&h, &c, W_UNSUB, w(W_UNSUB_DONE, c.lang), 0);
}

static const char *const p_new[] = { "lang", "report", "bbox", "agency",
    "service_code", NULL };
static const char *const p_post[] = { "lang", "csrf", "email", "mode",
    "report", "bbox", "agency", "service_code", NULL };
static const char *const p_token[] = { "lang", "token", NULL };
static const char *const p_unsub[] = { "lang", "token", "List-Unsubscribe",
    NULL };

static const struct http_route alerts_table[] = {
	{ HTTP_GET, "/alerts/new", new_page, 0, p_new, 0 },
	{ HTTP_POST, "/alerts", subscribe_post, 0, p_post, 0 },
	{ HTTP_GET, "/alerts/confirm", confirm_page, 0, p_token, 0 },
	{ HTTP_GET, "/alerts/unsubscribe", unsubscribe_page, 0, p_token, 0 },
	{ HTTP_POST, "/alerts/unsubscribe", unsubscribe_post, 0, p_unsub, 0 },
};

const struct http_route *
alerts_routes(size_t *n)
{
	*n = sizeof(alerts_table) / sizeof(alerts_table[0]);
	return alerts_table;
}
