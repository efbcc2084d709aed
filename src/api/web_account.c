/*
 * web_account.c: the citizens' account pages: sign-up with e-mail
 * confirmation, password reset by e-mail, "my reports", account deletion,
 * and the signed-in user of every page's header (docs/auth.md).
 *
 * Forms before sign-in carry the double-submit token of web.h; forms of a
 * session (deletion) carry the session's CSRF token.  Sign-up is limited
 * per address (social_rate), reset requests per address and per e-mail
 * (the sign-in limiter of ratelimit.h).  Mails with a token are sent at
 * once (delivery_mail_now): the token never reaches the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/ratelimit.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/account.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "core/photo.h"
#include "core/report.h"
#include "core/session.h"
#include "core/social.h"
#include "http/http.h"

/* The words of these pages and mails: { Russian, English }. */
enum aw {
	AW_SIGNUP, AW_NAME, AW_EMAIL, AW_PASSWORD, AW_PASSWORD_HINT,
	AW_SIGNUP_BTN, AW_SENT, AW_SENT_TEXT, AW_CONFIRMED, AW_CONFIRMED_TEXT,
	AW_FORGOT, AW_FORGOT_BTN, AW_FORGOT_SENT, AW_RESET, AW_RESET_BTN,
	AW_RESET_DONE, AW_MY, AW_MY_EMPTY, AW_ACCOUNT, AW_DELETE,
	AW_DELETE_TEXT, AW_DELETE_BTN, AW_DELETED, AW_DELETED_TEXT,
	AW_NO_ACCOUNT, AW_MAIL_CONFIRM, AW_MAIL_CONFIRM_TEXT, AW_MAIL_RESET,
	AW_MAIL_RESET_TEXT, AW_MAIL_LINK, AW_MAIL_IGNORE, AW_BAD_LINK,
	AW_MAIL_FAILED, AW_NUMBER, AW_STATUS, AW_DEADLINE, AW_SUBMITTED,
	AW_HELD, AW_HELD_TEXT, AW_MAIL_HELD, AW_MAIL_HELD_TEXT,
	AW_MAIL_EXISTS, AW_MAIL_EXISTS_TEXT, AW_RESEND, AW_RESEND_LINK,
	AW_RESEND_BTN, AW_RESEND_SENT, AW_UNCONFIRMED, AW_UNCONFIRMED_TEXT,
	AW__MAX
};

static const char *const words[AW__MAX][LANG__MAX] = {
	[AW_SIGNUP] = { "Регистрация", "Sign up" },
	[AW_NAME] = { "Имя", "Name" },
	[AW_EMAIL] = { "E-mail", "E-mail" },
	[AW_PASSWORD] = { "Пароль", "Password" },
	[AW_PASSWORD_HINT] = { "Не короче 8 символов.",
	    "At least 8 characters." },
	[AW_SIGNUP_BTN] = { "Зарегистрироваться", "Sign up" },
	[AW_SENT] = { "Проверьте почту", "Check your e-mail" },
	[AW_SENT_TEXT] = { "Мы отправили письмо со ссылкой для подтверждения "
	    "адреса. Войти можно после подтверждения; ссылка действует "
	    "48 часов.", "We have sent you a link to confirm the address. You "
	    "can sign in once it is confirmed; the link works for 48 hours." },
	[AW_CONFIRMED] = { "Адрес подтверждён", "Address confirmed" },
	[AW_CONFIRMED_TEXT] = { "Теперь можно войти.", "You can sign in now." },
	[AW_FORGOT] = { "Восстановление пароля", "Reset your password" },
	[AW_FORGOT_BTN] = { "Прислать ссылку", "Send me a link" },
	[AW_FORGOT_SENT] = { "Если учётная запись с этим адресом есть, на него "
	    "отправлено письмо со ссылкой. Ссылка действует один час.",
	    "If an account has this address, a link has been sent to it. The "
	    "link works for one hour." },
	[AW_RESET] = { "Новый пароль", "New password" },
	[AW_RESET_BTN] = { "Сохранить пароль", "Save the password" },
	[AW_RESET_DONE] = { "Пароль изменён. Войдите с новым паролем.",
	    "The password is changed. Sign in with the new one." },
	[AW_MY] = { "Мои обращения", "My reports" },
	[AW_MY_EMPTY] = { "Вы ещё не подавали обращений, войдя в учётную "
	    "запись.", "You have not filed a report while signed in yet." },
	[AW_ACCOUNT] = { "Учётная запись", "Your account" },
	[AW_DELETE] = { "Удалить учётную запись", "Delete the account" },
	[AW_DELETE_TEXT] = { "Будут удалены имя, e-mail, пароль, сеансы и "
	    "контактные данные ваших обращений. Сами обращения останутся "
	    "опубликованными без сведений о вас. Отменить удаление нельзя.",
	    "Your name, e-mail, password, sessions and the contact details of "
	    "your reports will be erased. The reports stay published with "
	    "nothing about you. This cannot be undone." },
	[AW_DELETE_BTN] = { "Удалить навсегда", "Delete for good" },
	[AW_DELETED] = { "Учётная запись удалена", "Account deleted" },
	[AW_DELETED_TEXT] = { "Ваши персональные данные удалены.",
	    "Your personal data have been erased." },
	[AW_NO_ACCOUNT] = { "Нет учётной записи? Зарегистрируйтесь",
	    "No account? Sign up" },
	[AW_MAIL_CONFIRM] = { "Подтвердите адрес для Вече",
	    "Confirm your address for Veche" },
	[AW_MAIL_CONFIRM_TEXT] = { "Здравствуйте! Чтобы подтвердить адрес и "
	    "войти, перейдите по ссылке (она действует 48 часов и только один "
	    "раз).", "Hello! To confirm your address and sign in, follow the "
	    "link (it works once, for 48 hours)." },
	[AW_MAIL_RESET] = { "Восстановление пароля Вече",
	    "Reset your Veche password" },
	[AW_MAIL_RESET_TEXT] = { "Здравствуйте! Чтобы задать новый пароль, "
	    "перейдите по ссылке (она действует один час и только один раз).",
	    "Hello! To set a new password, follow the link (it works once, "
	    "for one hour)." },
	[AW_MAIL_LINK] = { "Ссылка", "Link" },
	[AW_MAIL_IGNORE] = { "Если вы не просили об этом, просто удалите "
	    "письмо.", "If you did not ask for this, delete this message." },
	[AW_BAD_LINK] = { "Ссылка использована, устарела или неверна.",
	    "This link is used up, expired or wrong." },
	[AW_MAIL_FAILED] = { "Письмо не удалось отправить; попробуйте позже.",
	    "The message could not be sent; try again later." },
	[AW_NUMBER] = { "Номер", "Number" },
	[AW_STATUS] = { "Статус", "Status" },
	[AW_DEADLINE] = { "Ответ до", "Answer due" },
	[AW_SUBMITTED] = { "Подано", "Submitted" },
	[AW_HELD] = { "Подтвердите обращение", "Confirm your report" },
	[AW_HELD_TEXT] = { "Мы отправили на указанный адрес письмо со ссылкой. "
	    "Обращение будет подано и опубликовано, когда вы перейдёте по ней "
	    "(ссылка действует 7 дней; потом обращение и его фотографии "
	    "удаляются).", "We have sent a link to the address you gave. The "
	    "report is filed and published when you follow it (the link works "
	    "for 7 days; then the report and its photos are deleted)." },
	[AW_MAIL_HELD] = { "Подтвердите обращение в Вече",
	    "Confirm your report to Veche" },
	[AW_MAIL_HELD_TEXT] = { "Здравствуйте! Чтобы подать обращение, "
	    "перейдите по ссылке (она действует 7 дней и только один раз; "
	    "неподтверждённое обращение потом удаляется вместе с фотографиями).",
	    "Hello! To file your report, follow the link (it works once, for "
	    "7 days; an unconfirmed report is then deleted with its photos)." },
	[AW_MAIL_EXISTS] = { "Попытка регистрации в Вече с вашим адресом",
	    "Someone tried to sign up to Veche with your address" },
	[AW_MAIL_EXISTS_TEXT] = { "Здравствуйте! Кто-то (возможно, вы) "
	    "пытался зарегистрироваться в Вече с этим адресом, но учётная "
	    "запись с ним уже есть. Войдите с прежним паролем или, если вы "
	    "его забыли, задайте новый по ссылке (она действует один час и "
	    "только один раз).", "Hello! Someone (perhaps you) tried to sign "
	    "up to Veche with this address, but it already has an account. "
	    "Sign in with your password or, if you have forgotten it, set a "
	    "new one by following the link (it works once, for one hour)." },
	[AW_RESEND] = { "Письмо для подтверждения адреса",
	    "The confirmation e-mail" },
	[AW_RESEND_LINK] = { "Не пришло письмо для подтверждения адреса?",
	    "No confirmation e-mail?" },
	[AW_RESEND_BTN] = { "Отправить ещё раз", "Send it again" },
	[AW_RESEND_SENT] = { "Если учётная запись с этим адресом ждёт "
	    "подтверждения, на него отправлено новое письмо со ссылкой. Ссылка "
	    "действует 48 часов.", "If an account with this address awaits "
	    "confirmation, a new link has been sent to it. The link works for "
	    "48 hours." },
	[AW_UNCONFIRMED] = { "Адрес не подтверждён", "Address not confirmed" },
	[AW_UNCONFIRMED_TEXT] = { "Войти можно после подтверждения адреса: "
	    "перейдите по ссылке из письма, которое мы отправили.",
	    "You can sign in once the address is confirmed: follow the link "
	    "in the message we sent." },
};

static const char *
w(enum aw k, enum lang lang)
{
	return words[k][(unsigned)lang < LANG__MAX ? lang : LANG_RU];
}

/* The signed-in user's name and e-mail (account_get callback). */
static int
on_user(const struct store_user *u, void *arg)
{
	struct web_ctx *c = arg;

	snprintf(c->who, sizeof(c->who), "%s", u->name != NULL ? u->name :
	    u->login);
	snprintf(c->email, sizeof(c->email), "%s", u->email != NULL ?
	    u->email : "");
	return 0;
}

void
web_account_who(struct http_request *req, struct web_ctx *c)
{
	c->act = auth_actor(req, c->app);
	c->session_csrf = auth_csrf(req);
	c->who[0] = c->email[0] = '\0';
	if (c->act == NULL || c->session_csrf == NULL)
		c->act = NULL;
	else if (account_get(c->store, c->act->user_id, on_user, c) != 0)
		snprintf(c->who, sizeof(c->who), "%s", c->act->name);
}

void
web_html_account(struct html *h, const struct web_ctx *c)
{
	h->account = c->act != NULL ? c->who : NULL;
	h->account_csrf = c->act != NULL ? c->session_csrf : NULL;
	/* Every page passes here: the city's feed unless it sets one. */
	h->feed = NULL;
}

void
web_html_init(struct html *h, struct http_response *res,
    const struct web_ctx *c)
{
	memset(h, 0, sizeof(*h));
	h->res = res;
	h->lang = c->lang;
	web_html_account(h, c);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
}

void
web_account_login_links(struct html *h)
{
	html_f(h, "<p><a href=\"/signup\" id=\"signup-link\">%s</a></p>\n"
	    "<p><a href=\"/account/forgot\" id=\"forgot-link\">%s</a></p>\n"
	    "<p><a href=\"/account/resend\" id=\"resend-link\">%s</a></p>\n",
	    w(AW_NO_ACCOUNT, h->lang), w(AW_FORGOT, h->lang),
	    w(AW_RESEND_LINK, h->lang));
}

/* Start a page of this module: web_begin, an HTML response. */
static int
page_begin(struct http_request *req, struct http_response *res, void *arg,
    struct web_ctx *c, struct html *h)
{
	if (web_begin(req, res, arg, c) == -1)
		return -1;
	memset(h, 0, sizeof(*h));
	h->res = res;
	h->lang = c->lang;
	web_html_account(h, c);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
	return 0;
}

/*
 * Start the answer to a form posted before sign-in: page_begin and its
 * double-submit token.  -1 when an answer was sent.
 */
static int
form_begin(struct http_request *req, struct http_response *res, void *arg,
    struct web_ctx *c, struct html *h)
{
	if (page_begin(req, res, arg, c, h) == -1)
		return -1;
	if (!web_csrf_ok(req, c)) {
		web_fail(req, res, c, 403, "csrf", "csrf: the form is out of "
		    "date: reload the page and try again");
		return -1;
	}
	return 0;
}

static void
page_open(struct html *h, const struct web_ctx *c, enum aw title,
    const char *page, const char *path)
{
	html_page_begin(h, w(title, c->lang), page, path, c->csrf, 0);
	html_f(h, "<h1>%s</h1>\n", w(title, c->lang));
}

static int
page_close(struct html *h)
{
	html_page_end(h);
	return h->failed ? -1 : 0;
}

/* A page with a title and one message; error marks it an alert. */
static int
message_page(struct html *h, const struct web_ctx *c, enum aw title,
    const char *text, int error, const char *id)
{
	page_open(h, c, title, "account", "/account");
	html_f(h, "<p id=\"%s\"%r>%s</p>\n", id, error ? " class=\"error\" "
	    "role=\"alert\"" : " role=\"status\"", text);
	if (!error && title == AW_CONFIRMED)
		html_f(h, "<p><a href=\"/login\">%m</a></p>\n", M_SIGN_IN_BTN);
	if (title == AW_SENT || title == AW_UNCONFIRMED)
		html_f(h, "<p><a href=\"/account/resend\" id=\"resend-link\">"
		    "%s</a></p>\n", w(AW_RESEND_LINK, c->lang));
	return page_close(h);
}

static void
field(struct html *h, const char *id, const char *label, const char *type,
    const char *autocomplete, const char *value)
{
	html_f(h, "<div class=\"field\"><label for=\"%s\">%s</label>\n"
	    "<input id=\"%s\" name=\"%s\" type=\"%s\" required "
	    "autocomplete=\"%s\" value=\"%s\"></div>\n", id, label, id, id,
	    type, autocomplete, value != NULL ? value : "");
}

static void
signup_form(struct html *h, const struct web_ctx *c, const char *name,
    const char *email, const char *error)
{
	page_open(h, c, AW_SIGNUP, "signup", "/signup");
	if (error != NULL)
		html_f(h, "<p class=\"error\" role=\"alert\" id=\"signup-error\">"
		    "%s</p>\n", error);
	html_f(h, "<form method=\"post\" action=\"/signup\" id=\"signup-form\">"
	    "\n<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", c->csrf);
	field(h, "name", w(AW_NAME, c->lang), "text", "name", name);
	field(h, "email", w(AW_EMAIL, c->lang), "email", "email", email);
	field(h, "password", w(AW_PASSWORD, c->lang), "password",
	    "new-password", NULL);
	html_f(h, "<p class=\"hint\">%s</p>\n<button type=\"submit\" "
	    "id=\"signup-submit\">%s</button>\n</form>\n",
	    w(AW_PASSWORD_HINT, c->lang), w(AW_SIGNUP_BTN, c->lang));
}

static int
signup_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	signup_form(&h, &c, NULL, NULL, NULL);
	return page_close(&h);
}

/* The site's URL of path?token=token, in request memory. */
static const char *
token_url(struct http_request *req, const struct web_ctx *c,
    const char *path, const char *token)
{
	char buf[VECHE_MAX_URL + 128];

	snprintf(buf, sizeof(buf), "%s?token=%s", path, token);
	return web_url(req, c, http_request_strdup(req, buf));
}

/* Send a mail with a token link now.  0, or -1 (logged). */
static int
token_mail(struct http_request *req, const struct web_ctx *c,
    const char *to, enum aw subject, enum aw text, const char *path,
    const char *token)
{
	char err[VECHE_MAX_DELIVERY_ERROR];
	struct letter l;
	const char *url = token_url(req, c, path, token);
	int rc;

	memset(&l, 0, sizeof(l));
	if (url == NULL || letter_init(&l, c->lang, w(subject, c->lang)) == -1)
		return -1;
	letter_para(&l, w(text, c->lang));
	letter_link(&l, w(AW_MAIL_LINK, c->lang), url);
	letter_para(&l, w(AW_MAIL_IGNORE, c->lang));
	letter_para(&l, "-- \nВече / Veche");
	letter_end(&l);
	rc = delivery_mail_now(c->store, to, w(subject, c->lang), &l, err,
	    sizeof(err));
	if (rc == -1)
		fprintf(stderr, "veche: account mail: %s\n", err);
	letter_free(&l);
	return rc;
}

/*
 * The limiter's key of the client's address for page ("forgot-addr:IP",
 * an IPv6 client by its /64 as sign-in counts it).
 */
static void
limit_key(struct http_request *req, const char *page, char *buf,
    size_t size)
{
	char addr[80];

	auth_addr_key(http_request_remote(req), addr, sizeof(addr));
	snprintf(buf, size, "%s-%s", page, addr);
}

/*
 * Whether the limiter lets one more mail of kind (a key prefix) go to
 * email: counts it, 0 when it is over the limit.  The key is the address
 * as accounts are keyed (account_email_key): "A@x" and "a@x" are one.
 */
static int
mail_allowed(const struct web_ctx *c, const char *kind, const char *email,
    int64_t now)
{
	char key[VECHE_MAX_EMAIL + 32], norm[VECHE_MAX_EMAIL + 1];
	int64_t retry;

	account_email_key(email, norm);
	snprintf(key, sizeof(key), "%s-mail:%s", kind, norm);
	if (ratelimit_blocked(c->app->login_limit, key, now, &retry))
		return 0;
	(void)ratelimit_fail(c->app->login_limit, key, VECHE_RESET_MAX_MAIL,
	    now, &retry);
	return 1;
}

/*
 * POST /signup.  An address that has an account gets the same answer as a
 * new one (no account enumeration); its owner gets a mail saying so, with
 * a password reset link (at most VECHE_RESET_MAX_MAIL a window).
 */
static int
signup_post(struct http_request *req, struct http_response *res, void *arg)
{
	const char *name = http_request_param(req, "name");
	const char *email = http_request_param(req, "email");
	char token[SESSION_TOKEN_LEN];
	struct web_ctx c;
	struct html h;
	struct verr e;
	int64_t id;
	int rc, sent;

	if (form_begin(req, res, arg, &c, &h) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	/* Each account costs an Argon2id hash: limit them per address. */
	switch (auth_rate(req, c.store, RATE_SIGNUP, app_now(c.app), &e)) {
	case 0:
		break;
	case 1:
		http_response_status(res, 429);
		signup_form(&h, &c, name, email, web_msg(M_TOO_MANY, c.lang));
		return page_close(&h);
	default:
		return web_fail(req, res, &c, 503, NULL, e.message);
	}
	rc = account_signup(c.store, email, name, http_request_param(req,
	    "password"), app_now(c.app), &id, token, &e);
	if (rc == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, 400);
		signup_form(&h, &c, name, email, e.message);
		return page_close(&h);
	}
	if (rc == 0)
		sent = token_mail(req, &c, email, AW_MAIL_CONFIRM,
		    AW_MAIL_CONFIRM_TEXT, "/account/confirm", token) == 0;
	else if (token[0] != '\0' && mail_allowed(&c, "signup", email,
	    app_now(c.app)))
		sent = token_mail(req, &c, email, AW_MAIL_EXISTS,
		    AW_MAIL_EXISTS_TEXT, "/account/reset", token) == 0;
	else
		sent = 1;
	return message_page(&h, &c, AW_SENT, w(sent ? AW_SENT_TEXT :
	    AW_MAIL_FAILED, c.lang), !sent, "signup-sent");
}

static int
confirm_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;
	struct verr e;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (account_confirm(c.store, http_request_param(req, "token"),
	    app_now(c.app), NULL, &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, 404);
		return message_page(&h, &c, AW_CONFIRMED, w(AW_BAD_LINK,
		    c.lang), 1, "confirm-result");
	}
	return message_page(&h, &c, AW_CONFIRMED, w(AW_CONFIRMED_TEXT, c.lang),
	    0, "confirm-result");
}

/*
 * The pages that mail a link to an address given in a form: password
 * reset and the confirmation sent again.  Both answer the same whether or
 * not the address has an account; requests count against the client's
 * address (VECHE_RESET_MAX_ADDRESS) and the e-mail (VECHE_RESET_MAX_MAIL).
 */
struct mail_page {
	enum aw title, button, done, subject, text;
	const char *page;               /* also the elements' id prefix */
	const char *path;
	const char *link;               /* the mailed link's path */
	enum account_token kind;
};

static const struct mail_page forgot_kind = {
	AW_FORGOT, AW_FORGOT_BTN, AW_FORGOT_SENT, AW_MAIL_RESET,
	AW_MAIL_RESET_TEXT, "forgot", "/account/forgot", "/account/reset",
	ACCOUNT_TOKEN_RESET,
};

static const struct mail_page resend_kind = {
	AW_RESEND, AW_RESEND_BTN, AW_RESEND_SENT, AW_MAIL_CONFIRM,
	AW_MAIL_CONFIRM_TEXT, "resend", "/account/resend", "/account/confirm",
	ACCOUNT_TOKEN_CONFIRM,
};

static int
mail_form(struct html *h, const struct web_ctx *c, const struct mail_page *k,
    const char *done)
{
	page_open(h, c, k->title, k->page, k->path);
	if (done != NULL)
		html_f(h, "<p role=\"status\" id=\"%s-sent\">%s</p>\n", k->page,
		    done);
	html_f(h, "<form method=\"post\" action=\"%s\" id=\"%s-form\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", k->path,
	    k->page, c->csrf);
	field(h, "email", w(AW_EMAIL, c->lang), "email", "email", NULL);
	html_f(h, "<button type=\"submit\">%s</button>\n</form>\n",
	    w(k->button, c->lang));
	return page_close(h);
}

static int
mail_page_get(struct http_request *req, struct http_response *res,
    void *arg, const struct mail_page *k)
{
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	return mail_form(&h, &c, k, NULL);
}

static int
mail_page_post(struct http_request *req, struct http_response *res,
    void *arg, const struct mail_page *k)
{
	const char *email = http_request_param(req, "email");
	char token[SESSION_TOKEN_LEN], kaddr[96];
	struct web_ctx c;
	struct html h;
	int64_t now, retry, id;

	if (form_begin(req, res, arg, &c, &h) == -1)
		return 0;
	if (email == NULL || strlen(email) > VECHE_MAX_EMAIL)
		return web_fail(req, res, &c, 400, "email", "email: required");
	now = app_now(c.app);
	limit_key(req, k->page, kaddr, sizeof(kaddr));
	if (ratelimit_blocked(c.app->login_limit, kaddr, now, &retry) ||
	    !mail_allowed(&c, k->page, email, now)) {
		http_response_status(res, 429);
		return mail_form(&h, &c, k, web_msg(M_TOO_MANY, c.lang));
	}
	(void)ratelimit_fail(c.app->login_limit, kaddr,
	    VECHE_RESET_MAX_ADDRESS, now, &retry);
	if (account_resend(c.store, email, now, token, &id, k->kind) == 0)
		(void)token_mail(req, &c, email, k->subject, k->text, k->link,
		    token);
	return mail_form(&h, &c, k, w(k->done, c.lang));
}

static int
forgot_page(struct http_request *req, struct http_response *res, void *arg)
{
	return mail_page_get(req, res, arg, &forgot_kind);
}

static int
forgot_post(struct http_request *req, struct http_response *res, void *arg)
{
	return mail_page_post(req, res, arg, &forgot_kind);
}

static int
resend_page(struct http_request *req, struct http_response *res, void *arg)
{
	return mail_page_get(req, res, arg, &resend_kind);
}

static int
resend_post(struct http_request *req, struct http_response *res, void *arg)
{
	return mail_page_post(req, res, arg, &resend_kind);
}

int
web_account_unconfirmed(struct http_response *res, struct web_ctx *c)
{
	struct html h;

	memset(&h, 0, sizeof(h));
	http_response_reset(res);
	h.res = res;
	h.lang = c->lang;
	web_html_account(&h, c);
	http_response_status(res, 403);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
	page_open(&h, c, AW_UNCONFIRMED, "login", "/login");
	html_f(&h, "<p class=\"error\" role=\"alert\" id=\"login-error\">"
	    "%s</p>\n<p><a href=\"/account/resend\" id=\"resend-link\">%s"
	    "</a></p>\n", w(AW_UNCONFIRMED_TEXT, c->lang),
	    w(AW_RESEND_LINK, c->lang));
	return page_close(&h);
}

static int
reset_form(struct html *h, const struct web_ctx *c, const char *token,
    const char *error)
{
	page_open(h, c, AW_RESET, "reset", "/account/reset");
	if (error != NULL)
		html_f(h, "<p class=\"error\" role=\"alert\" id=\"reset-error\">"
		    "%s</p>\n", error);
	html_f(h, "<form method=\"post\" action=\"/account/reset\" "
	    "id=\"reset-form\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n<input type=\"hidden\" name=\"token\" "
	    "value=\"%s\">\n", c->csrf, token != NULL ? token : "");
	field(h, "password", w(AW_RESET, c->lang), "password", "new-password",
	    NULL);
	html_f(h, "<p class=\"hint\">%s</p>\n<button type=\"submit\">%s"
	    "</button>\n</form>\n", w(AW_PASSWORD_HINT, c->lang),
	    w(AW_RESET_BTN, c->lang));
	return page_close(h);
}

static int
reset_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	return reset_form(&h, &c, http_request_param(req, "token"), NULL);
}

/*
 * POST /account/reset.  Attempts are limited per client address (each
 * counts, as on /account/forgot), so nobody can try links without end.
 */
static int
reset_post(struct http_request *req, struct http_response *res, void *arg)
{
	const char *token = http_request_param(req, "token");
	char kaddr[96];
	struct web_ctx c;
	struct html h;
	struct verr e;
	int64_t now, retry;

	if (form_begin(req, res, arg, &c, &h) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	now = app_now(c.app);
	limit_key(req, "reset", kaddr, sizeof(kaddr));
	if (ratelimit_blocked(c.app->login_limit, kaddr, now, &retry)) {
		http_response_status(res, 429);
		return reset_form(&h, &c, token, web_msg(M_TOO_MANY, c.lang));
	}
	(void)ratelimit_fail(c.app->login_limit, kaddr,
	    VECHE_RESET_MAX_ADDRESS, now, &retry);
	if (account_reset(c.store, token, http_request_param(req, "password"),
	    now, &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, e.kind == VERR_NOT_FOUND ? 404 : 400);
		return reset_form(&h, &c, token, e.kind == VERR_NOT_FOUND ?
		    w(AW_BAD_LINK, c.lang) : e.message);
	}
	return message_page(&h, &c, AW_RESET, w(AW_RESET_DONE, c.lang), 0,
	    "reset-done");
}

/* A GET of a signed-in page without a session goes to /login. */
static int
to_login(struct http_response *res, const char *next)
{
	char loc[64];

	snprintf(loc, sizeof(loc), "/login?next=%s", next);
	http_response_reset(res);
	http_response_status(res, 303);
	http_response_kind(res, HTTP_TYPE_TEXT);
	http_response_header(res, "Location", loc);
	return http_response_printf(res, "See %s\n", loc) < 0 ? -1 : 0;
}

/* One row of "my reports". */
static int
my_row(const struct report *r, void *arg)
{
	struct html *h = arg;

	html_f(h, "<tr><td><a href=\"/reports/%D\">%D</a></td><td>%s</td>"
	    "<td>", r->id, r->id, r->address != NULL ? r->address : "");
	html_status_badge(h, r->status, r->fixed, NULL);
	html_raw(h, "</td><td>");
	html_date(h, r->requested);
	html_raw(h, "</td><td>");
	if (!report_status_closed(r->status) && r->status != STATUS_ANSWERED)
		html_date(h, r->expected);
	html_raw(h, "</td></tr>\n");
	return 0;
}

static int
my_page(struct http_request *req, struct http_response *res, void *arg)
{
	int64_t ids[VECHE_MY_REPORTS];
	struct web_ctx c;
	struct html h;
	size_t n = 0, i;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	if (c.act == NULL)
		return to_login(res, "/my");
	if (account_reports(c.store, c.act->user_id, ids, VECHE_MY_REPORTS,
	    &n) == -1)
		return web_fail(req, res, &c, 503, NULL, "database unavailable");
	page_open(&h, &c, AW_MY, "my", "/my");
	/* The citizen's own profile: comments, reputation, appeals. */
	html_f(&h, "<p><a href=\"/people/%D\" id=\"my-profile\">%m</a></p>\n",
	    c.act->user_id, M_MY_PROFILE);
	if (n == 0)
		html_f(&h, "<p id=\"my-empty\">%s</p>\n", w(AW_MY_EMPTY, c.lang));
	else
		html_f(&h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"my-table\">\n"
		    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%m"
		    "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		    w(AW_NUMBER, c.lang), M_ADDRESS, w(AW_STATUS, c.lang),
		    w(AW_SUBMITTED, c.lang), w(AW_DEADLINE, c.lang));
	for (i = 0; i < n; i++)
		if (report_get(c.store, NULL, ids[i], my_row, &h) == -1)
			return web_fail(req, res, &c, 503, NULL,
			    "database unavailable");
	if (n > 0)
		html_raw(&h, "</tbody>\n</table></div>\n");
	return page_close(&h);
}

static int
account_form(struct html *h, const struct web_ctx *c, const char *error)
{
	page_open(h, c, AW_ACCOUNT, "account", "/account");
	html_f(h, "<p>%s <strong id=\"account-email\">%s</strong></p>\n"
	    "<p><a href=\"/my\">%m</a></p>\n<p><a href=\"/people/%D\" "
	    "id=\"account-profile\">%m</a></p>\n<h2>%s</h2>\n<p>%s</p>\n",
	    w(AW_EMAIL, c->lang), c->email, M_MY_REPORTS,
	    c->act != NULL ? c->act->user_id : (int64_t)0, M_MY_PROFILE,
	    w(AW_DELETE, c->lang), w(AW_DELETE_TEXT, c->lang));
	if (error != NULL)
		html_f(h, "<p class=\"error\" role=\"alert\" id=\"delete-error\">"
		    "%s</p>\n", error);
	html_f(h, "<form method=\"post\" action=\"/account/delete\" "
	    "id=\"delete-form\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n", c->session_csrf);
	field(h, "password", w(AW_PASSWORD, c->lang), "password",
	    "current-password", NULL);
	html_f(h, "<button type=\"submit\" class=\"danger\">%s</button>\n"
	    "</form>\n", w(AW_DELETE_BTN, c->lang));
	return page_close(h);
}

static int
account_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	struct html h;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	if (c.act == NULL)
		return to_login(res, "/account");
	return account_form(&h, &c, NULL);
}

static int
delete_post(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;
	struct verr e;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	if (c.act == NULL)
		return web_fail(req, res, &c, 401, "session", "session: sign "
		    "in first");
	if (!session_csrf_ok(c.session_csrf, http_request_param(req, "csrf")))
		return web_fail(req, res, &c, 403, "csrf", "csrf: the form is "
		    "out of date: reload the page and try again");
	memset(&e, 0, sizeof(e));
	if (account_delete(c.store, c.act->user_id, http_request_param(req,
	    "password"), app_now(c.app), &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return web_fail(req, res, &c, 500, NULL, e.message);
		http_response_status(res, 403);
		return account_form(&h, &c, e.message);
	}
	/* The session is gone with the account: clear the cookie too. */
	(void)auth_sign_out(req, res, c.app);
	c.act = NULL;
	web_html_account(&h, &c);
	return message_page(&h, &c, AW_DELETED, w(AW_DELETED_TEXT, c.lang), 0,
	    "deleted");
}

/* ---- Reports held for confirmation (serve --confirm-reports) ---- */

/* The submission as JSON, its uploaded photos as media URLs. */
static json_t *
held_json(const struct report_input *in, const char *const *photo_urls)
{
	json_t *o, *attrs, *media;
	size_t i;

	o = json_pack("{s:s?, s:b, s:f, s:f, s:s?, s:s?, s:s?, s:s?, s:s?, "
	    "s:s?, s:s?, s:b}", "service_code", in->service_code, "has_point",
	    in->has_point, "lat", in->lat, "lon", in->lon, "address",
	    in->address, "description", in->description, "first_name",
	    in->contact.first_name, "last_name", in->contact.last_name,
	    "email", in->contact.email, "phone", in->contact.phone,
	    "device_id", in->contact.device_id, "english",
	    in->lang == LANG_EN);
	attrs = json_array();
	media = json_array();
	if (o == NULL || attrs == NULL || media == NULL) {
		json_decref(o);
		json_decref(attrs);
		json_decref(media);
		return NULL;
	}
	for (i = 0; i < in->nattrs; i++)
		json_array_append_new(attrs, json_pack("[s, s]",
		    in->attrs[i].code, in->attrs[i].value));
	for (i = 0; i < in->nmedia; i++)
		json_array_append_new(media, json_string(in->media[i]));
	for (i = 0; i < in->nphotos; i++)
		json_array_append_new(media, json_string(photo_urls[i]));
	json_object_set_new(o, "attrs", attrs);
	json_object_set_new(o, "media", media);
	return o;
}

/* A string member of o, or NULL. */
static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * The held submission o back into in (pointing into o and req's memory).
 * 0, or -1 when it is not what held_json wrote.
 */
static int
held_input(struct http_request *req, const json_t *o, struct report_input *in)
{
	const json_t *attrs = json_object_get(o, "attrs");
	const json_t *media = json_object_get(o, "media");
	struct attr_value *av;
	const char **mv;
	size_t i, na = json_array_size(attrs), nm = json_array_size(media);

	av = http_request_alloc(req, (na + 1) * sizeof(*av));
	mv = http_request_alloc(req, (nm + 1) * sizeof(*mv));
	if (av == NULL || mv == NULL || !json_is_object(o))
		return -1;
	in->service_code = jstr(o, "service_code");
	in->has_point = json_is_true(json_object_get(o, "has_point"));
	in->lat = json_real_value(json_object_get(o, "lat"));
	in->lon = json_real_value(json_object_get(o, "lon"));
	in->address = jstr(o, "address");
	in->description = jstr(o, "description");
	in->contact.first_name = jstr(o, "first_name");
	in->contact.last_name = jstr(o, "last_name");
	in->contact.email = jstr(o, "email");
	in->contact.phone = jstr(o, "phone");
	in->contact.device_id = jstr(o, "device_id");
	in->lang = json_is_true(json_object_get(o, "english")) ? LANG_EN :
	    LANG_RU;
	for (i = 0; i < na; i++) {
		av[i].code = json_string_value(json_array_get(
		    json_array_get(attrs, i), 0));
		av[i].value = json_string_value(json_array_get(
		    json_array_get(attrs, i), 1));
		if (av[i].code == NULL || av[i].value == NULL)
			return -1;
	}
	for (i = 0; i < nm; i++)
		if ((mv[i] = json_string_value(json_array_get(media, i))) ==
		    NULL)
			return -1;
	in->attrs = av;
	in->nattrs = na;
	in->media = mv;
	in->nmedia = nm;
	return 0;
}

/* Answer that the report waits for its confirmation. */
static int
held_answer(struct http_response *res, struct web_ctx *c, int mailed)
{
	struct html h;

	if (!c->html) {
		http_response_kind(res, HTTP_TYPE_JSON);
		http_response_status(res, mailed ? 202 : 503);
		return http_response_printf(res, "{\"held\": true, \"mailed\": "
		    "%s}\n", mailed ? "true" : "false") < 0 ? -1 : 0;
	}
	memset(&h, 0, sizeof(h));
	h.res = res;
	h.lang = c->lang;
	web_html_account(&h, c);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
	if (!mailed)
		http_response_status(res, 503);
	return message_page(&h, c, AW_HELD, w(mailed ? AW_HELD_TEXT :
	    AW_MAIL_FAILED, c->lang), !mailed, "held");
}

int
web_account_hold(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct report_input *in)
{
	char token[SESSION_TOKEN_LEN], id[PHOTO_ID_LEN], url[VECHE_MAX_URL + 1];
	char ids[VECHE_MAX_MEDIA * PHOTO_ID_LEN + 1];
	const char *urls[VECHE_MAX_MEDIA];
	size_t used = 0;
	json_t *doc = NULL;
	char *payload = NULL;
	struct verr e;
	size_t i;
	int mailed;

	memset(&e, 0, sizeof(e));
	if (in->contact.email == NULL)
		return web_fail(req, res, c, 400, "email", "email: this site "
		    "files a report once its reporter confirms the e-mail "
		    "address: give one, or sign in");
	if (report_check(c->app->catalog, in, &e) == -1)
		return social_fail_verr(req, res, c, &e);
	/* The photos are kept now and named in the held submission. */
	for (i = 0; i < in->nphotos && i < VECHE_MAX_MEDIA; i++) {
		if (photo_store(c->store, c->app->media_dir, in->photos[i].data,
		    in->photos[i].len, app_now(c->app), id, &e) == -1)
			return social_fail_verr(req, res, c, &e);
		snprintf(url, sizeof(url), "%s%s.jpg", in->photo_url != NULL ?
		    in->photo_url : "", id);
		if ((urls[i] = http_request_strdup(req, url)) == NULL)
			return -1;
		/* Named with the hold, so that they expire with it. */
		used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%s",
		    used > 0 ? " " : "", id);
	}
	ids[used] = '\0';
	if ((doc = held_json(in, urls)) == NULL ||
	    (payload = json_dumps(doc, JSON_COMPACT)) == NULL ||
	    account_hold_report(c->store, payload, ids, app_now(c->app), token,
	    &e) == -1) {
		free(payload);
		json_decref(doc);
		return web_fail(req, res, c, 500, NULL, e.message[0] ?
		    e.message : "out of memory");
	}
	free(payload);
	json_decref(doc);
	mailed = token_mail(req, c, in->contact.email, AW_MAIL_HELD,
	    AW_MAIL_HELD_TEXT, "/account/confirm-report", token) == 0;
	return held_answer(res, c, mailed);
}

/* GET /account/confirm-report?token=: file the held report. */
static int
confirm_report(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_receipt rc;
	struct report_input in;
	struct web_ctx c;
	struct html h;
	struct verr e;
	json_t *doc = NULL;
	char *payload = NULL, loc[64];
	int got;

	if (page_begin(req, res, arg, &c, &h) == -1)
		return 0;
	got = account_take_report(c.store, http_request_param(req, "token"),
	    app_now(c.app), &payload);
	if (got == -1)
		return web_fail(req, res, &c, 503, NULL, "database unavailable");
	if (got == 1) {
		http_response_status(res, 404);
		return message_page(&h, &c, AW_HELD, w(AW_BAD_LINK, c.lang), 1,
		    "held");
	}
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	doc = json_loads(payload, 0, NULL);
	free(payload);
	in.now = app_now(c.app);        /* received when confirmed (59-FZ) */
	if (doc == NULL || held_input(req, doc, &in) == -1) {
		json_decref(doc);
		return web_fail(req, res, &c, 500, NULL, "the held report is "
		    "damaged");
	}
	if (report_submit(c.store, c.app->catalog, &in, &rc, &e) == -1) {
		json_decref(doc);
		return social_fail_verr(req, res, &c, &e);
	}
	json_decref(doc);
	cache_bump(c.app->cache);
	snprintf(loc, sizeof(loc), "/reports/%lld?created=1", (long long)rc.id);
	return social_see_other(res, loc);
}

static const char *const p_lang[] = { "lang", NULL };
static const char *const p_signup[] = { "lang", "csrf", "name", "email",
    "password", NULL };
static const char *const p_token[] = { "lang", "token", NULL };
static const char *const p_forgot[] = { "lang", "csrf", "email", NULL };
static const char *const p_reset[] = { "lang", "csrf", "token", "password",
    NULL };
static const char *const p_delete[] = { "lang", "csrf", "password", NULL };

static const struct http_route account_table[] = {
	{ HTTP_GET, "/signup", signup_page, 0, p_lang, 0 },
	{ HTTP_POST, "/signup", signup_post, 0, p_signup, 0 },
	{ HTTP_GET, "/account/confirm", confirm_page, 0, p_token, 0 },
	{ HTTP_GET, "/account/forgot", forgot_page, 0, p_lang, 0 },
	{ HTTP_POST, "/account/forgot", forgot_post, 0, p_forgot, 0 },
	{ HTTP_GET, "/account/resend", resend_page, 0, p_lang, 0 },
	{ HTTP_POST, "/account/resend", resend_post, 0, p_forgot, 0 },
	{ HTTP_GET, "/account/reset", reset_page, 0, p_token, 0 },
	{ HTTP_POST, "/account/reset", reset_post, 0, p_reset, 0 },
	{ HTTP_GET, "/my", my_page, 0, p_lang, 0 },
	{ HTTP_GET, "/account", account_page, 0, p_lang, 0 },
	{ HTTP_POST, "/account/delete", delete_post, 0, p_delete, 0 },
	{ HTTP_GET, "/account/confirm-report", confirm_report, 0, p_token, 0 },
};

const struct http_route *
account_routes(size_t *n)
{
	*n = sizeof(account_table) / sizeof(account_table[0]);
	return account_table;
}
