/*
 * web_officials.c: officials' pages (core/officials.h, docs/officials.md):
 * /officials (public profiles by agency), /officials/me (a staff member's
 * own profile, notes and questions forms), /officials/{id} with its RSS
 * feed, /officials/notes/{id} (a note and its comments, the one comment
 * system's kind "official_note"), /officials/questions/{id} and its
 * digest; the JSON API under /api/v1/officials; the agency page's block.
 *
 * Forms and JSON share one handler per write (web_input_*, web_input.h).
 * A closed question's digest is mailed to its official by the server's
 * worker (core/officials.h, official_mailer_start), not by a page view.
 * Private fields (e-mail, phone) are written only to their owner's form
 * and the owner's GET /api/v1/officials/me.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_input.h"
#include "api/web_proposals.h"
#include "core/catalog.h"
#include "core/letter.h"
#include "core/officials.h"
#include "core/parse.h"
#include "http/http.h"

enum ow {
	W_TITLE, W_INTRO, W_NONE, W_HEAD, W_MINE, W_ME_TITLE, W_PUBLIC,
	W_PUBLIC_HINT, W_NAME, W_POSITION, W_AGENCY, W_BIO, W_EMAIL, W_PHONE,
	W_PRIVATE, W_SAVE, W_SAVED, W_NOTES, W_NO_NOTES, W_NOTE_NEW,
	W_NOTE_TEXT, W_POST, W_DISCUSS, W_QUESTIONS, W_NO_QUESTIONS, W_ASK,
	W_Q_TEXT, W_Q_CLOSES, W_Q_CLOSES_HINT, W_OPEN_UNTIL, W_CLOSED_AT,
	W_ANSWERS, W_NO_ANSWERS, W_ANSWER, W_ANSWER_SEND, W_ANSWERED,
	W_SIGN_IN, W_A_CITIZEN, W_DIGEST, W_DIGEST_LATER, W_SENTIMENT,
	W_NEGATIVE, W_NEUTRAL, W_POSITIVE, W_TOPICS, W_TOPIC_NONE, W_OTHER,
	W_COUNT, W_SHARE, W_METHOD, W_FEED, W_NOTE, W_PROFILE_OFF, W_PAGE,
	W_OFFICIALS_OF, W_ONE_EACH, W_QUESTION,
	W__MAX
};

static const char *const words[W__MAX][LANG__MAX] = {
	[W_TITLE] = { "Должностные лица", "Officials" },
	[W_INTRO] = { "Страницы сотрудников ведомств, которые решили их "
	    "открыть: заметки, вопросы дня и ответы жителей.", "Pages of "
	    "agency staff who chose to open them: notes, questions of the "
	    "day and residents' answers." },
	[W_NONE] = { "Открытых страниц пока нет.", "No public pages yet." },
	[W_HEAD] = { "руководитель", "head" },
	[W_MINE] = { "Моя страница должностного лица", "My official's page" },
	[W_ME_TITLE] = { "Моя страница", "My page" },
	[W_PUBLIC] = { "Страница открыта для всех", "The page is public" },
	[W_PUBLIC_HINT] = { "По умолчанию страница закрыта: её видите только "
	    "вы.", "Pages are private by default: only you see yours." },
	[W_NAME] = { "Имя для страницы", "Display name" },
	[W_POSITION] = { "Должность", "Position" },
	[W_AGENCY] = { "Ведомство", "Agency" },
	[W_BIO] = { "Коротко о себе", "A short bio" },
	[W_EMAIL] = { "E-mail для сводок (не публикуется)",
	    "E-mail for digests (never shown)" },
	[W_PHONE] = { "Телефон (не публикуется)", "Phone (never shown)" },
	[W_PRIVATE] = { "E-mail и телефон видите только вы.",
	    "Only you see the e-mail and the phone." },
	[W_SAVE] = { "Сохранить", "Save" },
	[W_SAVED] = { "Сохранено.", "Saved." },
	[W_NOTES] = { "Заметки", "Notes" },
	[W_NO_NOTES] = { "Заметок пока нет.", "No notes yet." },
	[W_NOTE_NEW] = { "Новая заметка", "New note" },
	[W_NOTE_TEXT] = { "Текст (до 1000 знаков; ссылки станут "
	    "кликабельными)", "Text (up to 1,000 characters; links become "
	    "clickable)" },
	[W_POST] = { "Опубликовать", "Publish" },
	[W_DISCUSS] = { "Обсуждение", "Discussion" },
	[W_QUESTIONS] = { "Вопросы дня", "Questions of the day" },
	[W_NO_QUESTIONS] = { "Вопросов пока нет.", "No questions yet." },
	[W_ASK] = { "Задать вопрос дня", "Ask a question of the day" },
	[W_Q_TEXT] = { "Вопрос", "Question" },
	[W_Q_CLOSES] = { "Ответы принимаются до (сегодня, ЧЧ:ММ)",
	    "Answers taken until (today, HH:MM)" },
	[W_Q_CLOSES_HINT] = { "Время города; после него готовится сводка "
	    "ответов.", "The city's time; after it the digest of the answers "
	    "is made." },
	[W_OPEN_UNTIL] = { "Ответы принимаются до", "Answers taken until" },
	[W_CLOSED_AT] = { "Приём ответов закрыт", "Answers closed" },
	[W_ANSWERS] = { "Ответы жителей", "Residents' answers" },
	[W_NO_ANSWERS] = { "Ответов пока нет.", "No answers yet." },
	[W_ANSWER] = { "Ваш ответ", "Your answer" },
	[W_ANSWER_SEND] = { "Ответить", "Answer" },
	[W_ANSWERED] = { "Спасибо, ваш ответ принят.",
	    "Thank you, your answer is in." },
	[W_SIGN_IN] = { "Войдите, чтобы ответить.", "Sign in to answer." },
	[W_A_CITIZEN] = { "житель", "a citizen" },
	[W_DIGEST] = { "Срез мнений", "Cross-section of opinions" },
	[W_DIGEST_LATER] = { "Сводка будет готова после закрытия приёма "
	    "ответов:", "The digest is ready once answers close:" },
	[W_SENTIMENT] = { "Тональность", "Sentiment" },
	[W_NEGATIVE] = { "негативные", "negative" },
	[W_NEUTRAL] = { "нейтральные", "neutral" },
	[W_POSITIVE] = { "позитивные", "positive" },
	[W_TOPICS] = { "Темы", "Topics" },
	[W_TOPIC_NONE] = { "Общих тем не нашлось.", "No shared topics." },
	[W_OTHER] = { "Вне тем", "In no topic" },
	[W_COUNT] = { "ответов", "answers" },
	[W_SHARE] = { "доля", "share" },
	[W_METHOD] = { "Тональность — модель текстового движка veche; темы — "
	    "самые частые основы слов (без стоп-слов), общие хотя бы для двух "
	    "ответов; каждый ответ попадает в тему своей самой частой основы.",
	    "Sentiment: veche's text engine's model; topics: the most frequent "
	    "word stems (stop words left out) shared by two answers or more; "
	    "each answer joins the topic of its most frequent stem." },
	[W_FEED] = { "RSS заметок", "Notes' RSS" },
	[W_NOTE] = { "Заметка", "Note" },
	[W_PROFILE_OFF] = { "Страница закрыта: заметки и вопросы появятся, "
	    "когда вы её откроете.", "The page is private: notes and "
	    "questions come once you make it public." },
	[W_PAGE] = { "Открытая страница", "Public page" },
	[W_OFFICIALS_OF] = { "Должностные лица ведомства",
	    "The agency's officials" },
	[W_ONE_EACH] = { "Один ответ от каждого вошедшего жителя.",
	    "One answer from each signed-in resident." },
	[W_QUESTION] = { "Вопрос дня", "Question of the day" },
};

static const char *
ow(enum ow w, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_RU;
	return (unsigned)w < W__MAX ? words[w][l] : "";
}

#define STAFF (ACCESS_OPERATOR | ACCESS_HEAD)

static const char *
agency_name(const struct web_ctx *c, const char *code)
{
	const struct agency *a;
	const char *n;

	if (code == NULL || (a = catalog_agency(c->app->catalog, code)) ==
	    NULL)
		return code != NULL ? code : "";
	n = catalog_text(a->name, c->lang);
	return n != NULL ? n : code;
}

/* "15.06.2026 18:00" in the deployment's zone. */
static void
when(const struct web_ctx *c, int64_t t, char *buf, size_t len)
{
	letter_format_date(t, c->lang, buf, len);
}

/*
 * Plain text with its http(s) links made clickable: everything escaped,
 * a link's trailing punctuation left out of it, rel="nofollow ugc
 * noopener" so that it lends no rank and reaches no opener.
 */
static void
linked(struct html *h, const char *s)
{
	const char *p = s, *u, *end;
	char piece[VECHE_OFFICIAL_MAX_NOTE * 4 + 1];
	size_t n;

	while (p != NULL && *p != '\0') {
		u = strstr(p, "http");
		while (u != NULL && strncmp(u, "http://", 7) != 0 &&
		    strncmp(u, "https://", 8) != 0)
			u = strstr(u + 4, "http");
		if (u == NULL) {
			html_text(h, p);
			return;
		}
		n = (size_t)(u - p) < sizeof(piece) - 1 ? (size_t)(u - p) :
		    sizeof(piece) - 1;
		memcpy(piece, p, n);
		piece[n] = '\0';
		html_text(h, piece);
		end = u + strcspn(u, " \t\r\n<>\"'");
		while (end > u && strchr(".,;:!?)", end[-1]) != NULL)
			end--;
		n = (size_t)(end - u) < sizeof(piece) - 1 ? (size_t)(end - u) :
		    sizeof(piece) - 1;
		memcpy(piece, u, n);
		piece[n] = '\0';
		if (strlen(piece) <= 8)         /* "https://" alone */
			html_text(h, piece);
		else
			html_f(h, "<a href=\"%s\" rel=\"nofollow ugc noopener\">"
			    "%s</a>", piece, piece);
		p = end;
	}
}

/* The {id} of the path: 1 or more, or -1 after a 404. */
static int64_t
path_id(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const char *what)
{
	int64_t id;

	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1) {
		web_fail(req, res, c, 404, "id", what);
		return -1;
	}
	return id;
}

static json_t *
profile_json(const struct official_profile *p, int owner)
{
	json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:b, s:o}", "id",
	    (json_int_t)p->user, "name", p->name, "position",
	    reply_str(p->position), "agency", reply_str(p->agency), "bio",
	    reply_str(p->bio), "head", p->role == ROLE_HEAD, "updated",
	    reply_time(p->updated));

	if (o != NULL && owner) {
		json_object_set_new(o, "public", json_boolean(p->public));
		json_object_set_new(o, "email", reply_str(p->email));
		json_object_set_new(o, "phone", reply_str(p->phone));
	}
	return o;
}

static json_t *
note_json(const struct official_note *n)
{
	return json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)n->id,
	    "official", (json_int_t)n->user, "text", n->body, "created",
	    reply_time(n->created));
}

static json_t *
question_json(const struct official_question *q, const char *text,
    int64_t now)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:b, s:I}", "id",
	    (json_int_t)q->id, "official", (json_int_t)q->user, "text", text,
	    "created", reply_time(q->created), "closes", reply_time(q->closes),
	    "open", official_question_open(q, now), "answers",
	    (json_int_t)q->answers);
}

/* /officials and its JSON: public profiles by agency. */

struct list {
	struct html *h;
	const struct web_ctx *c;
	json_t *arr;
	char agency[VECHE_MAX_CODE + 1];
	size_t n;
	int open;                       /* a <ul> is open */
};

static void
profile_item(struct html *h, const struct official_profile *p)
{
	html_f(h, "<li class=\"official\" id=\"official-%D\"><a "
	    "href=\"/officials/%D\">%s</a>", p->user, p->user, p->name);
	if (p->position != NULL)
		html_f(h, ", %s", p->position);
	if (p->role == ROLE_HEAD)
		html_f(h, " <span class=\"badge\">%s</span>", ow(W_HEAD,
		    h->lang));
	html_raw(h, "</li>\n");
}

static int
on_profile(const struct official_profile *p, void *arg)
{
	struct list *l = arg;
	const char *code = p->agency != NULL ? p->agency : "";

	l->n++;
	if (l->arr != NULL)
		return json_array_append_new(l->arr, profile_json(p, 0));
	if (!l->open || strcmp(l->agency, code) != 0) {
		if (l->open)
			html_raw(l->h, "</ul></section>\n");
		snprintf(l->agency, sizeof(l->agency), "%s", code);
		html_f(l->h, "<section class=\"officials-agency\" "
		    "aria-labelledby=\"agency-%s\"><h2 id=\"agency-%s\"><a "
		    "href=\"/agencies/%s\">%s</a></h2>\n<ul class=\"officials\">"
		    "\n", code, code, code, agency_name(l->c, code));
		l->open = 1;
	}
	profile_item(l->h, p);
	return l->h->failed ? -1 : 0;
}

static int
list_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;
	struct list l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	web_html_init(&h, res, &c);
	html_page_begin(&h, ow(W_TITLE, c.lang), "officials", "/officials",
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<p>%s</p>\n", ow(W_TITLE, c.lang),
	    ow(W_INTRO, c.lang));
	if (official_is_staff(c.act))
		html_f(&h, "<p><a class=\"button\" href=\"/officials/me\" "
		    "id=\"officials-me\">%s</a></p>\n", ow(W_MINE, c.lang));
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.c = &c;
	if (official_each(c.store, NULL, on_profile, &l) != 0)
		return -1;
	if (l.open)
		html_raw(&h, "</ul></section>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"officials-none\">%s</p>\n", ow(W_NONE,
		    c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
api_list(struct http_request *req, struct http_response *res, void *arg)
{
	const char *agency = http_request_param(req, "agency");
	struct web_ctx c;
	struct list l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if (agency != NULL && catalog_agency(c.app->catalog, agency) == NULL)
		return web_fail(req, res, &c, 400, "agency", "agency: no such "
		    "agency");
	memset(&l, 0, sizeof(l));
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (official_each(c.store, agency, on_profile, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

int
web_officials_agency(struct html *h, const struct web_ctx *c,
    const char *agency)
{
	struct list l;

	memset(&l, 0, sizeof(l));
	l.h = h;
	l.c = c;
	/* Written by hand: the agency's page names the agency already. */
	l.open = 1;
	snprintf(l.agency, sizeof(l.agency), "%s", agency);
	html_f(h, "<section class=\"agency-officials\" id=\"agency-officials\""
	    " aria-labelledby=\"agency-officials-title\"><h2 "
	    "id=\"agency-officials-title\">%s</h2>\n<ul class=\"officials\">\n",
	    ow(W_OFFICIALS_OF, h->lang));
	if (official_each(c->store, agency, on_profile, &l) != 0)
		return -1;
	html_raw(h, "</ul>\n");
	if (l.n == 0)
		html_f(h, "<p class=\"empty\">%s</p>\n", ow(W_NONE, h->lang));
	html_raw(h, "</section>\n");
	return h->failed ? -1 : 0;
}

/* /officials/me: the owner's forms. */

static int
copy_profile(const struct official_profile *p, void *arg)
{
	json_t **doc = arg;

	*doc = profile_json(p, 1);
	return *doc != NULL ? 0 : -1;
}

static void
field(struct html *h, const char *id, const char *name, enum ow label,
    const char *value, int max, const char *extra)
{
	html_f(h, "<label for=\"%r\">%s</label><input id=\"%r\" name=\"%r\" "
	    "maxlength=\"%d\" value=\"%s\"%r>\n", id, ow(label, h->lang), id,
	    name, max, value != NULL ? value : "", extra);
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int
me_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	json_t *p = NULL;
	struct web_ctx c;
	struct html h;
	size_t i;
	int rc, pub;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (!official_is_staff(c.act))
		return web_fail(req, res, &c, 403, "role", "role: only an "
		    "agency's operators and heads have officials' pages");
	if ((rc = official_profile_get(c.store, c.act, c.act->user_id,
	    copy_profile, &p)) == -1)
		return -1;
	pub = p != NULL && json_is_true(json_object_get(p, "public"));
	web_html_init(&h, res, &c);
	html_page_begin(&h, ow(W_ME_TITLE, c.lang), "officials-me",
	    "/officials/me", c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n", ow(W_MINE, c.lang));
	if (done != NULL && strcmp(done, "saved") == 0)
		html_f(&h, "<p class=\"flash\" role=\"status\" "
		    "id=\"officials-flash\">%s</p>\n", ow(W_SAVED, c.lang));
	if (pub)
		html_f(&h, "<p><a href=\"/officials/%D\" id=\"officials-page\">"
		    "%s</a></p>\n", c.act->user_id, ow(W_PAGE, c.lang));
	else
		html_f(&h, "<p class=\"hint\" id=\"officials-private\">%s</p>\n",
		    ow(W_PROFILE_OFF, c.lang));
	html_f(&h, "<form method=\"post\" action=\"/officials/me\" "
	    "id=\"profile-form\" class=\"stack\">\n<input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\">\n<label class=\"check\"><input "
	    "type=\"checkbox\" name=\"public\" value=\"1\" id=\"o-public\"%r> "
	    "%s</label>\n<p class=\"hint\">%s</p>\n", c.session_csrf,
	    pub ? " checked" : "", ow(W_PUBLIC, c.lang),
	    ow(W_PUBLIC_HINT, c.lang));
	field(&h, "o-name", "name", W_NAME, p ? jstr(p, "name") : c.act->name,
	    VECHE_OFFICIAL_MAX_NAME, " required");
	field(&h, "o-position", "position", W_POSITION, p ? jstr(p,
	    "position") : NULL, VECHE_OFFICIAL_MAX_NAME, "");
	html_f(&h, "<label for=\"o-agency\">%s</label><select id=\"o-agency\" "
	    "name=\"agency\">\n", ow(W_AGENCY, c.lang));
	for (i = 0; i < c.act->nagencies; i++)
		html_f(&h, "<option value=\"%s\"%r>%s</option>\n",
		    c.act->agencies[i], p != NULL && jstr(p, "agency") != NULL &&
		    strcmp(jstr(p, "agency"), c.act->agencies[i]) == 0 ?
		    " selected" : "", agency_name(&c, c.act->agencies[i]));
	html_f(&h, "</select>\n<label for=\"o-bio\">%s</label><textarea "
	    "id=\"o-bio\" name=\"bio\" rows=\"4\" maxlength=\"%d\">%s"
	    "</textarea>\n<fieldset><legend>%s</legend>\n", ow(W_BIO, c.lang),
	    VECHE_OFFICIAL_MAX_BIO, p ? jstr(p, "bio") : NULL,
	    ow(W_PRIVATE, c.lang));
	field(&h, "o-email", "email", W_EMAIL, p ? jstr(p, "email") : NULL,
	    VECHE_MAX_EMAIL, " type=\"email\" autocomplete=\"email\"");
	field(&h, "o-phone", "phone", W_PHONE, p ? jstr(p, "phone") : NULL,
	    VECHE_OFFICIAL_MAX_PHONE, " type=\"tel\" autocomplete=\"tel\"");
	html_f(&h, "</fieldset>\n<button type=\"submit\" id=\"profile-save\">"
	    "%s</button>\n</form>\n", ow(W_SAVE, c.lang));
	if (pub)
		html_f(&h, "<section aria-labelledby=\"note-new-title\"><h2 "
		    "id=\"note-new-title\">%s</h2>\n<form method=\"post\" "
		    "action=\"/officials/notes\" id=\"note-form\" class=\"stack\">"
		    "\n<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<label for=\"n-body\">%s</label><textarea id=\"n-body\" "
		    "name=\"body\" rows=\"4\" required maxlength=\"%d\">"
		    "</textarea>\n<button type=\"submit\" id=\"note-post\">%s"
		    "</button>\n</form></section>\n<section aria-labelledby=\""
		    "ask-title\"><h2 id=\"ask-title\">%s</h2>\n<form method=\""
		    "post\" action=\"/officials/questions\" id=\"question-form\" "
		    "class=\"stack\">\n<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">\n<label for=\"q-text\">%s</label><textarea "
		    "id=\"q-text\" name=\"text\" rows=\"3\" required maxlength=\""
		    "%d\"></textarea>\n<label for=\"q-closes\">%s</label><input "
		    "id=\"q-closes\" name=\"closes\" type=\"time\" required "
		    "value=\"18:00\" aria-describedby=\"q-closes-hint\">\n<p "
		    "class=\"hint\" id=\"q-closes-hint\">%s</p>\n<button type=\""
		    "submit\" id=\"question-ask\">%s</button>\n</form></section>\n",
		    ow(W_NOTE_NEW, c.lang), c.session_csrf, ow(W_NOTE_TEXT,
		    c.lang), VECHE_OFFICIAL_MAX_NOTE, ow(W_POST, c.lang),
		    ow(W_ASK, c.lang), c.session_csrf, ow(W_Q_TEXT, c.lang),
		    VECHE_OFFICIAL_MAX_QUESTION, ow(W_Q_CLOSES, c.lang),
		    ow(W_Q_CLOSES_HINT, c.lang), ow(W_ASK, c.lang));
	json_decref(p);
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
api_me(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	json_t *p = NULL;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if (!official_is_staff(c.act))
		return web_fail(req, res, &c, 403, "role", "role: only an "
		    "agency's operators and heads have officials' pages");
	rc = official_profile_get(c.store, c.act, c.act->user_id,
	    copy_profile, &p);
	if (rc == 1)
		return web_fail(req, res, &c, 404, "profile", "profile: none "
		    "yet (it is private until you save it public)");
	if (rc != 0)
		return -1;
	return reply_json(res, 200, p);
}

/* Writes. */

enum write { WR_PROFILE, WR_NOTE, WR_QUESTION, WR_ANSWER };

static int
written(struct http_response *res, const struct web_ctx *c, enum write what,
    int64_t id, int64_t qid)
{
	char where[96];

	if (!c->html)
		return reply_json(res, what == WR_PROFILE ? 200 : 201,
		    json_pack("{s:I}", "id", (json_int_t)id));
	switch (what) {
	case WR_PROFILE:
		snprintf(where, sizeof(where), "/officials/me?done=saved");
		break;
	case WR_NOTE:
		snprintf(where, sizeof(where), "/officials/notes/%" PRId64, id);
		break;
	case WR_QUESTION:
		snprintf(where, sizeof(where), "/officials/questions/%" PRId64,
		    id);
		break;
	default:
		snprintf(where, sizeof(where), "/officials/questions/%" PRId64
		    "?done=answered#answer-%" PRId64, qid, id);
		break;
	}
	return social_see_other(res, where);
}

static int
official_write(struct http_request *req, struct http_response *res,
    void *arg, enum write what)
{
	struct official_input oi;
	struct web_ctx c;
	struct web_input in;
	struct verr e;
	int64_t id = 0, qid = 0, now;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if ((what == WR_ANSWER && (qid = path_id(req, res, &c,
	    "id: no such question")) == -1) ||
	    web_input_open(req, res, &c, &in) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	now = app_now(c.app);
	switch (what) {
	case WR_PROFILE:
		memset(&oi, 0, sizeof(oi));
		oi.public = web_input_get(&in, "public");
		oi.name = web_input_get(&in, "name");
		oi.position = web_input_get(&in, "position");
		oi.agency = web_input_get(&in, "agency");
		oi.bio = web_input_get(&in, "bio");
		oi.email = web_input_get(&in, "email");
		oi.phone = web_input_get(&in, "phone");
		rc = official_profile_save(c.store, c.act, &oi, now, &e);
		id = c.act != NULL ? c.act->user_id : 0;
		break;
	case WR_NOTE:
		rc = official_note_post(c.store, c.act, web_input_get(&in, "body"),
		    now, &id, &e);
		break;
	case WR_QUESTION:
		rc = official_question_ask(c.store, c.act, web_input_get(&in,
		    "text"), web_input_get(&in, "closes"), now, &id, &e);
		break;
	default:
		rc = official_answer(c.store, c.act, qid, web_input_get(&in,
		    "body"), now, &id, &e);
		break;
	}
	if (rc == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else
		rc = written(res, &c, what, id, qid);
	web_input_close(&in);
	return rc;
}

static int
profile_save(struct http_request *req, struct http_response *res, void *arg)
{
	return official_write(req, res, arg, WR_PROFILE);
}

static int
note_post(struct http_request *req, struct http_response *res, void *arg)
{
	return official_write(req, res, arg, WR_NOTE);
}

static int
question_ask(struct http_request *req, struct http_response *res, void *arg)
{
	return official_write(req, res, arg, WR_QUESTION);
}

static int
answer_post(struct http_request *req, struct http_response *res, void *arg)
{
	return official_write(req, res, arg, WR_ANSWER);
}

/* /officials/{id}: the profile, its notes and questions. */

struct page {
	struct http_request *req;
	struct web_ctx *c;
	struct html *h;
	json_t *doc;                    /* the JSON view, or NULL: HTML */
	json_t *arr;
	int64_t now;
	size_t n;
	int found;
};

static int
on_note(const struct official_note *n, void *arg)
{
	struct page *pg = arg;
	struct html *h = pg->h;
	char buf[64];

	pg->n++;
	if (pg->arr != NULL)
		return json_array_append_new(pg->arr, note_json(n));
	when(pg->c, n->created, buf, sizeof(buf));
	html_f(h, "<li class=\"official-note\" id=\"note-%D\"><div "
	    "class=\"official-text\">", n->id);
	linked(h, n->body);
	html_f(h, "</div>\n<p class=\"note-meta\"><time>%s</time> · <a "
	    "href=\"/officials/notes/%D\">%s</a></p></li>\n", buf, n->id,
	    ow(W_DISCUSS, h->lang));
	return h->failed ? -1 : 0;
}

static int
on_question(const struct official_question *q, void *arg)
{
	struct page *pg = arg;
	struct html *h = pg->h;
	char buf[64];
	int open = official_question_open(q, pg->now);

	pg->n++;
	if (pg->arr != NULL)
		return json_array_append_new(pg->arr, question_json(q, q->text,
		    pg->now));
	when(pg->c, q->closes, buf, sizeof(buf));
	html_f(h, "<li class=\"official-question\" id=\"question-%D\"><a "
	    "href=\"/officials/questions/%D\">%s</a> <span class=\"hint\">%s "
	    "%s · %s: %D</span></li>\n", q->id, q->id, q->text,
	    ow(open ? W_OPEN_UNTIL : W_CLOSED_AT, h->lang), buf,
	    ow(W_ANSWERS, h->lang), q->answers);
	return h->failed ? -1 : 0;
}

static int
on_official(const struct official_profile *p, void *arg)
{
	struct page *pg = arg;
	struct web_ctx *c = pg->c;
	struct html *h = pg->h;
	char path[64], feed[80];

	pg->found = 1;
	if (!c->html) {
		if ((pg->doc = profile_json(p, 0)) == NULL ||
		    (pg->arr = json_array()) == NULL)
			return -1;
		json_object_set_new(pg->doc, "notes", pg->arr);
		if (official_note_each(c->store, p->user, on_note, pg) != 0 ||
		    (pg->arr = json_array()) == NULL)
			return -1;
		json_object_set_new(pg->doc, "questions", pg->arr);
		return official_question_each(c->store, p->user, on_question,
		    pg) != 0 ? -1 : 0;
	}
	snprintf(path, sizeof(path), "/officials/%" PRId64, p->user);
	snprintf(feed, sizeof(feed), "/officials/%" PRId64 "/rss", p->user);
	web_html_init(h, h->res, c);
	h->feed = feed;
	html_page_begin(h, p->name, "official", path, c->csrf, 0);
	html_f(h, "<article class=\"official-page\" id=\"official\">\n<p><a "
	    "href=\"/officials\">%s</a></p>\n<h1>%s</h1>\n<p "
	    "class=\"official-position\">", ow(W_TITLE, h->lang), p->name);
	if (p->position != NULL)
		html_f(h, "%s, ", p->position);
	html_f(h, "<a href=\"/agencies/%s\">%s</a>", p->agency ? p->agency :
	    "", agency_name(c, p->agency));
	if (p->role == ROLE_HEAD)
		html_f(h, " <span class=\"badge\">%s</span>", ow(W_HEAD,
		    h->lang));
	html_raw(h, "</p>\n");
	if (p->bio != NULL) {
		html_raw(h, "<div class=\"official-text\" id=\"official-bio\">");
		linked(h, p->bio);
		html_raw(h, "</div>\n");
	}
	if (!p->public)
		html_f(h, "<p class=\"hint\">%s</p>\n", ow(W_PROFILE_OFF,
		    h->lang));
	html_f(h, "<p><a href=\"%s\" id=\"official-feed\">%s</a></p>\n"
	    "<section aria-labelledby=\"questions-title\"><h2 "
	    "id=\"questions-title\">%s</h2>\n<ul class=\"official-questions\" "
	    "id=\"question-list\">\n", feed, ow(W_FEED, h->lang),
	    ow(W_QUESTIONS, h->lang));
	pg->n = 0;
	if (official_question_each(c->store, p->user, on_question, pg) != 0)
		return -1;
	html_raw(h, "</ul>\n");
	if (pg->n == 0)
		html_f(h, "<p>%s</p>\n", ow(W_NO_QUESTIONS, h->lang));
	html_f(h, "</section>\n<section aria-labelledby=\"notes-title\"><h2 "
	    "id=\"notes-title\">%s</h2>\n<ol class=\"official-notes\" "
	    "id=\"note-list\">\n", ow(W_NOTES, h->lang));
	pg->n = 0;
	if (official_note_each(c->store, p->user, on_note, pg) != 0)
		return -1;
	html_raw(h, "</ol>\n");
	if (pg->n == 0)
		html_f(h, "<p>%s</p>\n", ow(W_NO_NOTES, h->lang));
	html_raw(h, "</section>\n</article>\n");
	html_page_end(h);
	return h->failed ? -1 : 0;
}

static int
official_show(struct http_request *req, struct http_response *res,
    void *arg, int api)
{
	struct web_ctx c;
	struct html h;
	struct page pg;
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (api)
		c.html = 0;
	if ((id = path_id(req, res, &c, "id: no such official")) == -1)
		return 0;
	memset(&h, 0, sizeof(h));
	h.res = res;
	memset(&pg, 0, sizeof(pg));
	pg.req = req;
	pg.c = &c;
	pg.h = &h;
	pg.now = app_now(c.app);
	rc = official_profile_get(c.store, c.act, id, on_official, &pg);
	if (rc == 1 || (rc == 0 && !pg.found)) {
		json_decref(pg.doc);
		return web_fail(req, res, &c, 404, "id", "id: no such official "
		    "(or the page is private)");
	}
	if (rc != 0) {
		json_decref(pg.doc);
		return -1;
	}
	if (!c.html)
		return reply_json(res, 200, pg.doc);
	return h.failed ? -1 : 0;
}

static int
official_page(struct http_request *req, struct http_response *res, void *arg)
{
	return official_show(req, res, arg, 0);
}

static int
api_official(struct http_request *req, struct http_response *res, void *arg)
{
	return official_show(req, res, arg, 1);
}

/* /officials/{id}/rss: the notes as RSS 2.0 (web_rss.c's writer). */

struct feed_arg {
	struct web_feed *wf;
	const char *name;
	enum lang lang;
};

static int
feed_item(const struct official_note *n, void *arg)
{
	struct feed_arg *f = arg;
	char title[VECHE_OFFICIAL_MAX_NAME * 4 + 64], path[64];

	snprintf(title, sizeof(title), "%s: %s %" PRId64, f->name,
	    ow(W_NOTE, f->lang), n->id);
	snprintf(path, sizeof(path), "/officials/notes/%" PRId64, n->id);
	web_feed_item(f->wf, title, path, n->body, n->created);
	return 0;
}

static int
feed_profile(const struct official_profile *p, void *arg)
{
	char *name = arg;

	snprintf(name, VECHE_OFFICIAL_MAX_NAME * 4 + 1, "%s", p->name);
	return 0;
}

static int
official_rss(struct http_request *req, struct http_response *res, void *arg)
{
	char name[VECHE_OFFICIAL_MAX_NAME * 4 + 1], path[64];
	struct feed_arg f;
	struct web_ctx c;
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((id = path_id(req, res, &c, "id: no such official")) == -1)
		return 0;
	if ((rc = official_profile_get(c.store, NULL, id, feed_profile,
	    name)) == 1)
		return web_fail(req, res, &c, 404, "id", "id: no such official");
	if (rc != 0)
		return -1;
	snprintf(path, sizeof(path), "/officials/%" PRId64, id);
	f.name = name;
	f.lang = c.lang;
	if ((f.wf = web_feed_begin(req, res, &c, name, path, ow(W_NOTES,
	    c.lang))) == NULL)
		return -1;
	if (official_note_each(c.store, id, feed_item, &f) != 0)
		return -1;
	return web_feed_end(f.wf);
}

/* /officials/notes/{id}: a note and its comments. */

static int
note_page_row(const struct official_note *n, void *arg)
{
	struct page *pg = arg;
	struct web_ctx *c = pg->c;
	struct html *h = pg->h;
	char path[64], buf[64], title[64];

	pg->found = 1;
	if (!c->html)
		return (pg->doc = note_json(n)) != NULL ? 0 : -1;
	snprintf(path, sizeof(path), "/officials/notes/%" PRId64, n->id);
	snprintf(title, sizeof(title), "%s %" PRId64, ow(W_NOTE, c->lang),
	    n->id);
	when(c, n->created, buf, sizeof(buf));
	web_html_init(h, h->res, c);
	html_page_begin(h, title, "official-note", path, c->csrf, 0);
	html_f(h, "<article class=\"official-note\" id=\"note\">\n<p><a "
	    "href=\"/officials/%D\">%s</a></p>\n<h1>%s</h1>\n<div "
	    "class=\"official-text\" id=\"note-text\">", n->user,
	    ow(W_PAGE, h->lang), title);
	linked(h, n->body);
	html_f(h, "</div>\n<p class=\"note-meta\"><time>%s</time></p>\n", buf);
	if (web_comments_section(h, c, pg->req, "official_note", n->id, path,
	    "/api/v1/comments") == -1)
		return -1;
	html_raw(h, "</article>\n");
	html_page_end(h);
	return h->failed ? -1 : 0;
}

static int
note_show(struct http_request *req, struct http_response *res, void *arg,
    int api)
{
	struct web_ctx c;
	struct html h;
	struct page pg;
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (api)
		c.html = 0;
	if ((id = path_id(req, res, &c, "id: no such note")) == -1)
		return 0;
	memset(&h, 0, sizeof(h));
	h.res = res;
	memset(&pg, 0, sizeof(pg));
	pg.req = req;
	pg.c = &c;
	pg.h = &h;
	rc = official_note_get(c.store, id, note_page_row, &pg);
	if (rc == 1 || (rc == 0 && !pg.found)) {
		json_decref(pg.doc);
		return web_fail(req, res, &c, 404, "id", "id: no such note");
	}
	if (rc != 0) {
		json_decref(pg.doc);
		return -1;
	}
	if (!c.html)
		return reply_json(res, 200, pg.doc);
	return h.failed ? -1 : 0;
}

static int
note_page(struct http_request *req, struct http_response *res, void *arg)
{
	return note_show(req, res, arg, 0);
}

static int
api_note(struct http_request *req, struct http_response *res, void *arg)
{
	return note_show(req, res, arg, 1);
}

static int
api_notes(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct page pg;
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((id = path_id(req, res, &c, "id: no such official")) == -1)
		return 0;
	if ((rc = official_profile_get(c.store, NULL, id, feed_profile,
	    (char[VECHE_OFFICIAL_MAX_NAME * 4 + 1]){ 0 })) == 1)
		return web_fail(req, res, &c, 404, "id", "id: no such official");
	if (rc != 0)
		return -1;
	memset(&pg, 0, sizeof(pg));
	pg.c = &c;
	if ((pg.arr = json_array()) == NULL)
		return -1;
	if (official_note_each(c.store, id, on_note, &pg) != 0) {
		json_decref(pg.arr);
		return -1;
	}
	return reply_json(res, 200, pg.arr);
}

/* Questions, answers and digests. */

struct question {
	struct official_question q;
	char *text;
	int found;
};

static int
copy_question(const struct official_question *q, void *arg)
{
	struct question *out = arg;

	out->q = *q;
	out->q.text = NULL;
	out->found = 1;
	return (out->text = strdup(q->text)) != NULL ? 0 : -1;
}

/* Question id into *q (free q->text): 0, or -1 after an answer. */
static int
question_load(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct question *q)
{
	int64_t id;
	int rc;

	memset(q, 0, sizeof(*q));
	if ((id = path_id(req, res, c, "id: no such question")) == -1)
		return -1;
	rc = official_question_get(c->store, id, copy_question, q);
	if (rc == 1 || (rc == 0 && !q->found)) {
		web_fail(req, res, c, 404, "id", "id: no such question");
		return -1;
	}
	if (rc != 0) {
		free(q->text);
		q->text = NULL;
		web_fail(req, res, c, 500, NULL, "questions: the store failed");
		return -1;
	}
	return 0;
}

static const char *
sentiment_word(int k, enum lang l)
{
	return ow(k == 0 ? W_NEGATIVE : k == 1 ? W_NEUTRAL : W_POSITIVE, l);
}

static const char *const sentiment_key[3] = {
	"negative", "neutral", "positive"
};

static json_t *
digest_json(const struct question *q, const struct official_digest *d)
{
	json_t *o, *s, *topics, *t, *samples;
	size_t i, j;
	int k;

	s = json_object();
	for (k = 0; k < 3; k++)
		json_object_set_new(s, sentiment_key[k], json_pack("{s:I, s:f}",
		    "count", (json_int_t)d->sentiment[k], "share", d->total ?
		    (double)d->sentiment[k] / (double)d->total : 0.0));
	topics = json_array();
	for (i = 0; i < d->ntopics; i++) {
		samples = json_array();
		for (j = 0; j < d->topics[i].nsamples; j++)
			json_array_append_new(samples, json_pack("{s:I, s:s}",
			    "id", (json_int_t)d->topics[i].sample_ids[j], "text",
			    d->topics[i].samples[j]));
		t = json_pack("{s:s, s:s, s:I, s:o}", "stem",
		    d->topics[i].stem, "word", d->topics[i].word, "count",
		    (json_int_t)d->topics[i].count, "samples", samples);
		json_array_append_new(topics, t);
	}
	o = json_pack("{s:I, s:s, s:o, s:I, s:o, s:o, s:I, s:s}", "question",
	    (json_int_t)q->q.id, "text", q->text, "closes",
	    reply_time(q->q.closes), "answers", (json_int_t)d->total,
	    "sentiment", s, "topics", topics, "other", (json_int_t)d->other,
	    "method", "sentiment: the text engine's model; topics: the most "
	    "frequent key stems shared by 2 answers or more");
	return o;
}

struct answers {
	struct html *h;
	json_t *arr;
	size_t n;
};

static int
on_answer(const struct official_answer *a, void *arg)
{
	struct answers *l = arg;
	struct html *h = l->h;

	l->n++;
	if (l->arr != NULL)
		return json_array_append_new(l->arr, json_pack("{s:I, s:o, s:s, "
		    "s:o}", "id", (json_int_t)a->id, "name", reply_str(a->name),
		    "text", a->body, "created", reply_time(a->created)));
	html_f(h, "<li class=\"official-answer\" id=\"answer-%D\"><p "
	    "class=\"comment-author\">%s</p><div class=\"official-text\">%s"
	    "</div></li>\n", a->id, a->name != NULL ? a->name : ow(W_A_CITIZEN,
	    h->lang), a->body);
	return h->failed ? -1 : 0;
}

static int
question_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *done = http_request_param(req, "done");
	struct question q;
	struct answers l;
	struct web_ctx c;
	struct html h;
	char path[96], buf[64];
	int64_t now;
	int open, rc = -1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (question_load(req, res, &c, &q) == -1)
		return 0;
	now = app_now(c.app);
	open = official_question_open(&q.q, now);
	snprintf(path, sizeof(path), "/officials/questions/%" PRId64, q.q.id);
	when(&c, q.q.closes, buf, sizeof(buf));
	web_html_init(&h, res, &c);
	html_page_begin(&h, ow(W_QUESTION, c.lang), "official-question", path,
	    c.csrf, 0);
	html_f(&h, "<article id=\"question\" data-id=\"%D\">\n<p><a "
	    "href=\"/officials/%D\">%s</a></p>\n<h1>%s</h1>\n<p "
	    "class=\"official-text question-text\" id=\"question-text\">%s</p>\n"
	    "<p id=\"question-window\">%s: <strong>%s</strong></p>\n", q.q.id,
	    q.q.user, ow(W_PAGE, c.lang), ow(W_QUESTION, c.lang), q.text,
	    ow(open ? W_OPEN_UNTIL : W_CLOSED_AT, c.lang), buf);
	if (done != NULL && strcmp(done, "answered") == 0)
		html_f(&h, "<p class=\"flash\" role=\"status\" "
		    "id=\"answer-flash\">%s</p>\n", ow(W_ANSWERED, c.lang));
	if (!open)
		html_f(&h, "<p><a class=\"button\" href=\"%s/digest\" "
		    "id=\"digest-link\">%s</a></p>\n", path, ow(W_DIGEST,
		    c.lang));
	else if (c.act == NULL)
		html_f(&h, "<p><a href=\"/login?next=%s\" id=\"answer-sign-in\">"
		    "%s</a></p>\n", path, ow(W_SIGN_IN, c.lang));
	else
		html_f(&h, "<form method=\"post\" action=\"%s/answers\" "
		    "id=\"answer-form\" class=\"stack\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n<label for=\"a-body\">%s"
		    "</label><textarea id=\"a-body\" name=\"body\" rows=\"4\" "
		    "required maxlength=\"%d\"></textarea>\n<p class=\"hint\">%s"
		    "</p>\n<button type=\"submit\" id=\"answer-send\">%s</button>\n"
		    "</form>\n", path, c.session_csrf, ow(W_ANSWER, c.lang),
		    VECHE_OFFICIAL_MAX_ANSWER, ow(W_ONE_EACH, c.lang),
		    ow(W_ANSWER_SEND, c.lang));
	html_f(&h, "<section aria-labelledby=\"answers-title\"><h2 "
	    "id=\"answers-title\">%s (%D)</h2>\n<ol class=\"official-answers\" "
	    "id=\"answer-list\">\n", ow(W_ANSWERS, c.lang), q.q.answers);
	memset(&l, 0, sizeof(l));
	l.h = &h;
	if (official_answer_each(c.store, q.q.id, on_answer, &l) != 0)
		goto out;
	html_raw(&h, "</ol>\n");
	if (l.n == 0)
		html_f(&h, "<p>%s</p>\n", ow(W_NO_ANSWERS, c.lang));
	html_raw(&h, "</section>\n</article>\n");
	html_page_end(&h);
	rc = h.failed ? -1 : 0;
out:
	free(q.text);
	return rc;
}

static int
api_question(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct question q;
	struct answers l;
	struct web_ctx c;
	json_t *o;
	int64_t now;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if (question_load(req, res, &c, &q) == -1)
		return 0;
	now = app_now(c.app);
	memset(&l, 0, sizeof(l));
	if ((o = question_json(&q.q, q.text, now)) == NULL ||
	    (l.arr = json_array()) == NULL ||
	    official_answer_each(c.store, q.q.id, on_answer, &l) != 0) {
		json_decref(o);
		json_decref(l.arr);
		free(q.text);
		return -1;
	}
	json_object_set_new(o, "answer_list", l.arr);
	free(q.text);
	return reply_json(res, 200, o);
}

static void
digest_html(struct html *h, const struct web_ctx *c,
    const struct official_digest *d)
{
	size_t i, j;
	int k;

	html_f(h, "<section aria-labelledby=\"sentiment-title\"><h2 "
	    "id=\"sentiment-title\">%s</h2>\n<div class=\"table-wrap\" "
	    "tabindex=\"0\"><table id=\"digest-sentiment\"><thead><tr><th "
	    "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">"
	    "%s</th></tr></thead><tbody>\n", ow(W_SENTIMENT, c->lang),
	    ow(W_SENTIMENT, c->lang), ow(W_COUNT, c->lang), ow(W_SHARE,
	    c->lang));
	for (k = 0; k < 3; k++)
		html_f(h, "<tr id=\"sentiment-%r\"><th scope=\"row\">%s</th><td "
		    "class=\"count\">%D</td><td>%d %%</td></tr>\n",
		    sentiment_key[k], sentiment_word(k, c->lang), d->sentiment[k],
		    d->total ? (int)(100.0 * (double)d->sentiment[k] /
		    (double)d->total + 0.5) : 0);
	html_f(h, "</tbody></table></div></section>\n<section "
	    "aria-labelledby=\"topics-title\"><h2 id=\"topics-title\">%s</h2>\n",
	    ow(W_TOPICS, c->lang));
	if (d->ntopics == 0)
		html_f(h, "<p>%s</p>\n", ow(W_TOPIC_NONE, c->lang));
	html_raw(h, "<ol class=\"digest-topics\" id=\"digest-topics\">\n");
	for (i = 0; i < d->ntopics; i++) {
		html_f(h, "<li class=\"digest-topic\" data-stem=\"%s\"><h3>«%s» — "
		    "%D %s</h3>\n<ul>\n", d->topics[i].stem, d->topics[i].word,
		    d->topics[i].count, ow(W_COUNT, c->lang));
		for (j = 0; j < d->topics[i].nsamples; j++)
			html_f(h, "<li data-answer=\"%D\">%s</li>\n",
			    d->topics[i].sample_ids[j], d->topics[i].samples[j]);
		html_raw(h, "</ul></li>\n");
	}
	html_f(h, "</ol>\n<p id=\"digest-other\">%s: %D</p>\n<p class=\"hint\" "
	    "id=\"digest-method\">%s</p>\n</section>\n", ow(W_OTHER, c->lang),
	    d->other, ow(W_METHOD, c->lang));
}

static int
digest_show(struct http_request *req, struct http_response *res, void *arg,
    int api)
{
	struct official_digest d;
	struct question q;
	struct web_ctx c;
	struct html h;
	struct verr e;
	char path[160], buf[64];
	int rc = -1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (api)
		c.html = 0;
	if (question_load(req, res, &c, &q) == -1)
		return 0;
	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	when(&c, q.q.closes, buf, sizeof(buf));
	if (official_question_open(&q.q, app_now(c.app))) {
		if (!c.html) {
			snprintf(path, sizeof(path), "closes: the digest is made "
			    "after %s", buf);
			rc = web_fail(req, res, &c, 409, "closes", path);
			goto out;
		}
	} else {
		if (official_digest(c.store, &q.q, &d, &e) == -1) {
			rc = social_fail_verr(req, res, &c, &e);
			goto out;
		}
		if (!c.html) {
			rc = reply_json(res, 200, digest_json(&q, &d));
			goto out;
		}
	}
	snprintf(path, sizeof(path), "/officials/questions/%" PRId64 "/digest",
	    q.q.id);
	web_html_init(&h, res, &c);
	html_page_begin(&h, ow(W_DIGEST, c.lang), "official-digest", path,
	    c.csrf, 0);
	html_f(&h, "<article id=\"digest\">\n<p><a href=\"/officials/"
	    "questions/%D\">%s</a></p>\n<h1>%s</h1>\n<p class=\"official-text\" "
	    "id=\"digest-question\">%s</p>\n", q.q.id, ow(W_QUESTION, c.lang),
	    ow(W_DIGEST, c.lang), q.text);
	if (official_question_open(&q.q, app_now(c.app)))
		html_f(&h, "<p id=\"digest-later\">%s <strong>%s</strong></p>\n",
		    ow(W_DIGEST_LATER, c.lang), buf);
	else {
		html_f(&h, "<p id=\"digest-total\">%s: <strong>%D</strong></p>\n",
		    ow(W_ANSWERS, c.lang), d.total);
		digest_html(&h, &c, &d);
	}
	html_raw(&h, "</article>\n");
	html_page_end(&h);
	rc = h.failed ? -1 : 0;
out:
	official_digest_free(&d);
	free(q.text);
	return rc;
}

static int
digest_page(struct http_request *req, struct http_response *res, void *arg)
{
	return digest_show(req, res, arg, 0);
}

static int
api_digest(struct http_request *req, struct http_response *res, void *arg)
{
	return digest_show(req, res, arg, 1);
}

static const char *const p_lang[] = { "lang", NULL };
static const char *const p_me[] = { "lang", "done", NULL };
static const char *const p_list[] = { "lang", "agency", NULL };
static const char *const p_profile[] = { "lang", "csrf", "public", "name",
	"position", "agency", "bio", "email", "phone", NULL };
static const char *const p_body[] = { "lang", "csrf", "body", NULL };
static const char *const p_ask[] = { "lang", "csrf", "text", "closes",
	NULL };
static const char *const p_note[] = { "lang", "order", "voted", "flagged",
	"held", NULL };
static const char *const p_question[] = { "lang", "done", NULL };

static const struct http_route officials_table[] = {
	{ HTTP_GET, "/officials", list_page, 0, p_lang, 0 },
	{ HTTP_GET, "/officials/me", me_page, STAFF | ACCESS_ADMIN, p_me,
	    0 },
	{ HTTP_POST, "/officials/me", profile_save, STAFF, p_profile, 0 },
	{ HTTP_POST, "/officials/notes", note_post, STAFF, p_body, 0 },
	{ HTTP_POST, "/officials/questions", question_ask, STAFF, p_ask, 0 },
	{ HTTP_GET, "/officials/notes/{id}", note_page, 0, p_note, 0 },
	{ HTTP_GET, "/officials/questions/{id}", question_page, 0, p_question,
	    0 },
	{ HTTP_POST, "/officials/questions/{id}/answers", answer_post,
	    ACCESS_USER, p_body, 0 },
	{ HTTP_GET, "/officials/questions/{id}/digest", digest_page, 0,
	    p_lang, 0 },
	{ HTTP_GET, "/officials/{id}", official_page, 0, p_lang, 0 },
	{ HTTP_GET, "/officials/{id}/rss", official_rss, 0, p_lang, 0 },
	{ HTTP_GET, "/api/v1/officials", api_list, 0, p_list, 0 },
	{ HTTP_GET, "/api/v1/officials/me", api_me, STAFF, NULL, 0 },
	{ HTTP_PUT, "/api/v1/officials/me", profile_save, STAFF, p_profile,
	    0 },
	{ HTTP_POST, "/api/v1/officials/notes", note_post, STAFF, p_body, 0 },
	{ HTTP_GET, "/api/v1/officials/notes/{id}", api_note, 0, NULL, 0 },
	{ HTTP_POST, "/api/v1/officials/questions", question_ask, STAFF,
	    p_ask, 0 },
	{ HTTP_GET, "/api/v1/officials/questions/{id}", api_question, 0,
	    NULL, 0 },
	{ HTTP_POST, "/api/v1/officials/questions/{id}/answers", answer_post,
	    ACCESS_USER, p_body, 0 },
	{ HTTP_GET, "/api/v1/officials/questions/{id}/digest", api_digest, 0,
	    NULL, 0 },
	{ HTTP_GET, "/api/v1/officials/{id}", api_official, 0, NULL, 0 },
	{ HTTP_GET, "/api/v1/officials/{id}/notes", api_notes, 0, NULL, 0 },
};

const struct http_route *
officials_routes(size_t *n)
{
	*n = sizeof(officials_table) / sizeof(officials_table[0]);
	return officials_table;
}
