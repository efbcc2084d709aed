/*
 * web_drafts.c: public discussion of drafts of regulations
 * (core/drafts.h, docs/participation.md): the pages /drafts,
 * /drafts/new, /drafts/{id}, /drafts/{id}/v/{n} (with the differences from
 * the version before), /drafts/p/{pid} (a paragraph, its proposals and its
 * comments), /drafts/{id}/summary (printable) and its CSV, the staff's
 * forms (publish with a preview, a new version, decisions) and the JSON
 * API under /api/v1/drafts.
 *
 * Forms and JSON share one handler per write (api/web_input.h).  Public
 * output names a proposal's author by the public name of the comment,
 * never by the account's e-mail; the e-mail is read only to tell the
 * author of a decision.
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
#include "api/web_drafts.h"
#include "api/web_html.h"
#include "api/web_input.h"
#include "core/account.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/delivery.h"
#include "core/drafts.h"
#include "core/export.h"
#include "core/letter.h"
#include "core/parse.h"
#include "http/http.h"

/* This module's words (the header's link is web_html.c's M_DRAFT_NAV). */
enum dw {
	W_TITLE, W_NONE, W_WHEN, W_W_ALL, W_W_OPEN, W_W_CLOSED, W_W_UPCOMING,
	W_AGENCY, W_VERSION, W_VERSIONS, W_PROPOSALS, W_OPEN_UNTIL,
	W_CLOSES_IN, W_DAYS, W_CLOSES_TODAY, W_CLOSED_ON, W_OPENS_ON,
	W_ARTICLE, W_PARA, W_COMMENTS_N, W_CHANGES, W_ADDED, W_REMOVED_TITLE,
	W_REMOVED, W_CHANGED, W_INS, W_DEL, W_SUMMARY, W_SUMMARY_TITLE, W_CSV,
	W_PRINT_HINT, W_PUBLISH, W_NEW, W_NEW_VERSION, W_D_TITLE, W_D_AGENCY,
	W_D_OPENS, W_D_CLOSES, W_D_TEXT, W_D_TEXT_HINT, W_PREVIEW,
	W_PREVIEW_TITLE, W_PREVIEW_COUNT, W_STAFF_ONLY, W_SIGN_IN,
	W_PROPOSE, W_BODY, W_WORDING, W_WORDING_HINT, W_NAME, W_SEND,
	W_NOT_OPEN, W_OLD_VERSION, W_DEC_ACCEPTED, W_DEC_PARTLY, W_DEC_REJECTED,
	W_DEC_NONE, W_DECISION, W_REASON, W_REASON_HINT, W_ANSWER, W_AUTHOR,
	W_ANON, W_PROPOSAL, W_WORDING_SHOWN, W_NO_PROPOSALS, W_BACK,
	W_CURRENT, W_MAIL_SUBJECT, W_MAIL_TEXT, W_MAIL_LINK, W_ERRORS,
	W_CREATED_MSG, W_VERSION_MSG, W_DECIDED_MSG, W_COMMENTED_MSG,
	W_PARAGRAPH_COL, W_NUMBERED,
	W_V_MAIL_SUBJECT, W_V_MAIL_TEXT, W_V_MAIL_LINK,
	W__MAX
};

static const char *const words[W__MAX][LANG__MAX] = {
	[W_TITLE] = { "Проекты нормативных актов", "Draft regulations" },
	[W_NONE] = { "Проектов нет.", "No drafts." },
	[W_WHEN] = { "Обсуждение", "Discussion" },
	[W_W_ALL] = { "все", "all" },
	[W_W_OPEN] = { "идёт", "open" },
	[W_W_CLOSED] = { "завершено", "closed" },
	[W_W_UPCOMING] = { "ещё не началось", "not open yet" },
	[W_AGENCY] = { "Ведомство", "Agency" },
	[W_VERSION] = { "Редакция", "Version" },
	[W_VERSIONS] = { "Редакции", "Versions" },
	[W_PROPOSALS] = { "Предложений", "Proposals" },
	[W_OPEN_UNTIL] = { "Обсуждение открыто до", "Open for comments until" },
	[W_CLOSES_IN] = { "закроется через", "closes in" },
	[W_DAYS] = { "дн.", "days" },
	[W_CLOSES_TODAY] = { "закроется сегодня", "closes today" },
	[W_CLOSED_ON] = { "Обсуждение завершено", "The discussion closed on" },
	[W_OPENS_ON] = { "Обсуждение откроется", "The discussion opens on" },
	[W_ARTICLE] = { "Статья", "Article" },
	[W_PARA] = { "Пункт", "Paragraph" },
	[W_COMMENTS_N] = { "Комментарии", "Comments" },
	[W_CHANGES] = { "Изменения относительно редакции",
	    "Changes from version" },
	[W_ADDED] = { "новый пункт", "new paragraph" },
	[W_REMOVED_TITLE] = { "Исключённые пункты", "Removed paragraphs" },
	[W_REMOVED] = { "исключён", "removed" },
	[W_CHANGED] = { "изменён", "changed" },
	[W_INS] = { "добавлено:", "inserted:" },
	[W_DEL] = { "удалено:", "deleted:" },
	[W_SUMMARY] = { "Сводка предложений", "Summary of proposals" },
	[W_SUMMARY_TITLE] = { "Сводка предложений по проекту",
	    "Summary of proposals on the draft" },
	[W_CSV] = { "Скачать CSV", "Download CSV" },
	[W_PRINT_HINT] = { "Страница готова к печати: навигация не "
	    "печатается, заголовки таблицы повторяются на каждом листе.",
	    "This page prints as it is: no navigation, the table's headers "
	    "repeated on every sheet." },
	[W_PUBLISH] = { "Опубликовать", "Publish" },
	[W_NEW] = { "Опубликовать проект", "Publish a draft" },
	[W_NEW_VERSION] = { "Опубликовать новую редакцию",
	    "Publish a new version" },
	[W_D_TITLE] = { "Название", "Title" },
	[W_D_AGENCY] = { "Ведомство", "Agency" },
	[W_D_OPENS] = { "Начало обсуждения (ГГГГ-ММ-ДД)",
	    "Discussion opens (YYYY-MM-DD)" },
	[W_D_CLOSES] = { "Последний день обсуждения (ГГГГ-ММ-ДД)",
	    "Last day of the discussion (YYYY-MM-DD)" },
	[W_D_TEXT] = { "Текст проекта", "The draft's text" },
	[W_D_TEXT_HINT] = { "Строка «Статья N. Название» начинает статью; "
	    "пункты — строки, начинающиеся с «1.», «2)», «а)», или блоки, "
	    "разделённые пустой строкой.", "A line \"Article N. Title\" "
	    "starts an article; paragraphs are lines starting \"1.\", \"2)\", "
	    "\"a)\", or blocks separated by a blank line." },
	[W_PREVIEW] = { "Предпросмотр разбивки", "Preview the split" },
	[W_PREVIEW_TITLE] = { "Так текст будет разбит", "The text splits so" },
	[W_PREVIEW_COUNT] = { "статей и пунктов:", "articles and paragraphs:" },
	[W_STAFF_ONLY] = { "Публикуют проекты сотрудники ведомства и "
	    "администраторы.", "Agency staff and administrators publish "
	    "drafts." },
	[W_SIGN_IN] = { "Войдите, чтобы предложить свою редакцию.",
	    "Sign in to propose a wording." },
	[W_PROPOSE] = { "Предложить редакцию пункта",
	    "Propose a wording of the paragraph" },
	[W_BODY] = { "Комментарий", "Comment" },
	[W_WORDING] = { "Предлагаемая редакция (необязательно)",
	    "Proposed wording (optional)" },
	[W_WORDING_HINT] = { "Измените текст пункта, как считаете нужным; "
	    "отличия будут показаны.", "Edit the paragraph's text as you "
	    "think right; the differences will be shown." },
	[W_NAME] = { "Имя для публикации", "Name to publish" },
	[W_SEND] = { "Отправить", "Send" },
	[W_NOT_OPEN] = { "Обсуждение сейчас не идёт: комментарии не "
	    "принимаются.", "The discussion is not open: comments are not "
	    "taken." },
	[W_OLD_VERSION] = { "Это пункт прежней редакции; комментируйте "
	    "действующую.", "This paragraph is of an earlier version; comment "
	    "on the current one." },
	[W_DEC_ACCEPTED] = { "Учтено", "Accepted" },
	[W_DEC_PARTLY] = { "Учтено частично", "Partly accepted" },
	[W_DEC_REJECTED] = { "Отклонено", "Rejected" },
	[W_DEC_NONE] = { "Ожидает ответа", "Awaiting an answer" },
	[W_DECISION] = { "Решение", "Decision" },
	[W_REASON] = { "Обоснование", "Reason" },
	[W_REASON_HINT] = { "Обоснование (обязательно, если отклонено или "
	    "учтено частично)", "Reason (required when rejected or partly "
	    "accepted)" },
	[W_ANSWER] = { "Ответить", "Answer" },
	[W_AUTHOR] = { "Автор", "Author" },
	[W_ANON] = { "Аноним", "Anonymous" },
	[W_PROPOSAL] = { "Предложение", "Proposal" },
	[W_WORDING_SHOWN] = { "Предложенная редакция (отличия от текста "
	    "пункта)", "Proposed wording (differences from the paragraph)" },
	[W_NO_PROPOSALS] = { "Предложений пока нет.", "No proposals yet." },
	[W_BACK] = { "К тексту проекта", "Back to the draft" },
	[W_CURRENT] = { "действующая", "current" },
	[W_MAIL_SUBJECT] = { "Решение по вашему предложению к проекту",
	    "A decision on your proposal on a draft" },
	[W_MAIL_TEXT] = { "Ведомство ответило на ваше предложение к проекту",
	    "The agency answered your proposal on the draft" },
	[W_MAIL_LINK] = { "Посмотреть", "See it" },
	[W_ERRORS] = { "Исправьте текст", "Please correct the text" },
	[W_CREATED_MSG] = { "Проект опубликован.", "The draft is published." },
	[W_VERSION_MSG] = { "Новая редакция опубликована.",
	    "The new version is published." },
	[W_DECIDED_MSG] = { "Решение опубликовано.",
	    "The decision is published." },
	[W_COMMENTED_MSG] = { "Спасибо, предложение опубликовано.",
	    "Thank you, the proposal is published." },
	[W_PARAGRAPH_COL] = { "Пункт", "Paragraph" },
	[W_NUMBERED] = { "№", "No." },
	[W_V_MAIL_SUBJECT] = { "Новая редакция проекта, который вы обсуждали",
	    "A new version of a draft you discussed" },
	[W_V_MAIL_TEXT] = { "Ведомство опубликовало новую редакцию проекта, "
	    "к которому вы оставили комментарий. Отличия от прежней редакции:",
	    "The agency published a new version of the draft you commented "
	    "on. What changed since the previous version:" },
	[W_V_MAIL_LINK] = { "Отличия", "The changes" },
};

static const char *
dw(enum dw w, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_RU;
	return (unsigned)w < W__MAX ? words[w][l] : "";
}

static const enum dw decision_word[DRAFT_DECISION__MAX] = {
	W_DEC_NONE, W_DEC_ACCEPTED, W_DEC_PARTLY, W_DEC_REJECTED,
};

static const char *const when_names[DRAFT_WHEN__MAX] = {
	"all", "open", "closed", "upcoming",
};

static const enum dw when_word[DRAFT_WHEN__MAX] = {
	W_W_ALL, W_W_OPEN, W_W_CLOSED, W_W_UPCOMING,
};

static const char *
agency_name(const struct web_ctx *c, const char *code)
{
	const struct agency *a;

	if (code == NULL || (a = catalog_agency(c->app->catalog, code)) ==
	    NULL)
		return code;
	return a->name[c->lang] != NULL ? a->name[c->lang] : a->name[LANG_RU];
}

/* The path variable name as a number, or -1 after a 404. */
static int64_t
path_num(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const char *name)
{
	int64_t v;
	char msg[64];

	if (parse_int64(http_request_var(req, name), 1, INT64_MAX, &v) == -1) {
		snprintf(msg, sizeof(msg), "%s: no such %s", name, strcmp(name,
		    "pid") == 0 ? "paragraph" : strcmp(name, "n") == 0 ?
		    "version" : strcmp(name, "cid") == 0 ? "comment" : "draft");
		web_fail(req, res, c, 404, name, msg);
		return -1;
	}
	return v;
}

/* A draft read into memory (its strings copied). */
struct loaded {
	struct draft d;
	char agency[65];
	char title[VECHE_DRAFT_MAX_TITLE * 4 + 1];
	int found;
};

static int
on_draft(const struct draft *d, void *arg)
{
	struct loaded *o = arg;

	o->d = *d;
	snprintf(o->agency, sizeof(o->agency), "%s", d->agency);
	snprintf(o->title, sizeof(o->title), "%s", d->title);
	o->d.agency = o->agency;
	o->d.title = o->title;
	o->found = 1;
	return 0;
}

/* Draft id into *o: 0, or -1 after an answer (404, 500). */
static int
load_draft(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int64_t id, struct loaded *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = draft_get(c->store, id, on_draft, o)) == -1) {
		web_fail(req, res, c, 500, NULL, "the store failed");
		return -1;
	}
	if (rc == 1 || !o->found) {
		web_fail(req, res, c, 404, "id", "id: no such draft");
		return -1;
	}
	return 0;
}

/* JSON */

static json_t *
draft_json(const struct draft *d, int64_t now)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:i, s:I}", "id",
	    (json_int_t)d->id, "title", d->title, "agency", d->agency,
	    "opens", reply_time(d->opens), "closes", reply_time(d->closes),
	    "open", draft_is_open(d, now), "version", d->version,
	    "proposals", (json_int_t)d->proposals);
}

static void
para_number(const struct draft_para *p, char *buf, size_t len)
{
	snprintf(buf, len, "%d.%d", p->article, p->number);
}

/* The HTML of the differences from old to new, word by word. */
struct diff_html {
	struct html *h;
	int op;                         /* the open run's, -1: none */
	char *word;
	size_t cap;
};

static void
diff_close(struct diff_html *d)
{
	if (d->op == DRAFT_INS)
		html_raw(d->h, "</ins>");
	else if (d->op == DRAFT_DEL)
		html_raw(d->h, "</del>");
	d->op = -1;
}

static int
on_word(enum draft_diff_op op, const char *w, size_t len, void *arg)
{
	struct diff_html *d = arg;
	char *nw;

	if (len + 1 > d->cap) {
		if ((nw = realloc(d->word, len + 1)) == NULL)
			return -1;
		d->word = nw;
		d->cap = len + 1;
	}
	memcpy(d->word, w, len);
	d->word[len] = '\0';
	if ((int)op != d->op) {
		diff_close(d);
		if (op == DRAFT_INS)
			html_f(d->h, " <ins><span class=\"visually-hidden\">%s "
			    "</span>", dw(W_INS, d->h->lang));
		else if (op == DRAFT_DEL)
			html_f(d->h, " <del><span class=\"visually-hidden\">%s "
			    "</span>", dw(W_DEL, d->h->lang));
		else
			html_raw(d->h, " ");
		html_text(d->h, d->word);
		d->op = (int)op;
		return d->h->failed ? -1 : 0;
	}
	html_raw(d->h, " ");
	html_text(d->h, d->word);
	return d->h->failed ? -1 : 0;
}

/* Write the word diff of old to new into h: 0, or -1. */
static int
diff_write(struct html *h, const char *old, const char *new)
{
	struct diff_html d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.h = h;
	d.op = -1;
	rc = draft_diff(old, new, on_word, &d);
	diff_close(&d);
	free(d.word);
	return rc != 0 || h->failed ? -1 : 0;
}

/* The discussion's clock: "open until 20.06.2026 — closes in 5 days". */
static void
clock_line(struct html *h, const struct draft *d, int64_t now)
{
	int64_t days;

	if (now < d->opens) {
		html_f(h, "<p class=\"draft-clock\" id=\"draft-clock\" "
		    "data-state=\"upcoming\">%s ", dw(W_OPENS_ON, h->lang));
		html_date(h, d->opens);
	} else if (now <= d->closes) {
		html_f(h, "<p class=\"draft-clock\" id=\"draft-clock\" "
		    "data-state=\"open\">%s ", dw(W_OPEN_UNTIL, h->lang));
		html_date(h, d->closes);
		days = (d->closes - now) / 86400;
		if (days == 0)
			html_f(h, " — <strong>%s</strong>", dw(W_CLOSES_TODAY,
			    h->lang));
		else
			html_f(h, " — <strong>%s %D %s</strong>",
			    dw(W_CLOSES_IN, h->lang), days, dw(W_DAYS, h->lang));
	} else {
		html_f(h, "<p class=\"draft-clock\" id=\"draft-clock\" "
		    "data-state=\"closed\">%s ", dw(W_CLOSED_ON, h->lang));
		html_date(h, d->closes);
	}
	html_raw(h, "</p>\n");
}

/* The list */

struct list {
	struct html *h;
	const struct web_ctx *c;
	json_t *arr;
	int64_t now;
	size_t n;
};

static int
on_item(const struct draft *d, void *arg)
{
	struct list *l = arg;
	struct html *h = l->h;

	l->n++;
	if (l->arr != NULL)
		return json_array_append_new(l->arr, draft_json(d, l->now));
	html_f(h, "<li class=\"draft-item\" id=\"draft-%D\"><a href=\"/drafts/"
	    "%D\">%s</a><br>%s: %s · %s %d · %s: %D\n", d->id, d->id, d->title,
	    dw(W_AGENCY, h->lang), agency_name(l->c, d->agency),
	    dw(W_VERSION, h->lang), d->version, dw(W_PROPOSALS, h->lang),
	    d->proposals);
	clock_line(h, d, l->now);
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* The list's filters: 0, or -1 after a 400. */
static int
read_filter(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, struct draft_filter *f)
{
	const char *when = http_request_param(req, "when");
	const char *agency = http_request_param(req, "agency");
	int k;

	memset(f, 0, sizeof(*f));
	f->now = app_now(c->app);
	f->limit = VECHE_DRAFT_LIST;
	if (when != NULL && when[0] != '\0') {
		for (k = 0; k < DRAFT_WHEN__MAX; k++)
			if (strcmp(when, when_names[k]) == 0)
				break;
		if (k == DRAFT_WHEN__MAX) {
			web_fail(req, res, c, 400, "when", "when: all, open, "
			    "closed or upcoming");
			return -1;
		}
		f->when = (enum draft_when)k;
	}
	if (agency != NULL && agency[0] != '\0') {
		if (catalog_agency(c->app->catalog, agency) == NULL) {
			web_fail(req, res, c, 400, "agency", "agency: no such "
			    "agency");
			return -1;
		}
		f->agency = agency;
	}
	return 0;
}

/* Whether act may publish for some agency (staff with one, admins). */
static int
publisher(const struct actor *act)
{
	return act != NULL && (act->role == ROLE_ADMIN ||
	    ((act->role == ROLE_OPERATOR || act->role == ROLE_HEAD) &&
	    act->nagencies > 0));
}

static int
list_page(struct http_request *req, struct http_response *res, void *arg)
{
	const struct agency *a;
	struct draft_filter f;
	struct web_ctx c;
	struct html h;
	struct list l;
	size_t i;
	int k;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (read_filter(req, res, &c, &f) == -1)
		return 0;
	web_html_init(&h, res, &c);
	html_page_begin(&h, dw(W_TITLE, c.lang), "drafts", "/drafts", c.csrf,
	    0);
	html_f(&h, "<h1>%s</h1>\n", dw(W_TITLE, c.lang));
	if (publisher(c.act))
		html_f(&h, "<p><a class=\"button\" href=\"/drafts/new\" "
		    "id=\"draft-new\">%s</a></p>\n", dw(W_NEW, c.lang));
	html_f(&h, "<form method=\"get\" action=\"/drafts\" class=\"filters\" "
	    "id=\"draft-filters\">\n<label for=\"f-when\">%s</label><select "
	    "id=\"f-when\" name=\"when\">\n", dw(W_WHEN, c.lang));
	for (k = 0; k < DRAFT_WHEN__MAX; k++)
		html_f(&h, "<option value=\"%r\"%r>%s</option>\n", when_names[k],
		    (int)f.when == k ? " selected" : "", dw(when_word[k],
		    c.lang));
	html_f(&h, "</select>\n<label for=\"f-agency\">%s</label><select "
	    "id=\"f-agency\" name=\"agency\">\n<option value=\"\">%m</option>\n",
	    dw(W_AGENCY, c.lang), M_F_ALL);
	for (i = 0; (a = catalog_agency_at(c.app->catalog, i)) != NULL; i++)
		html_f(&h, "<option value=\"%s\"%r>%s</option>\n", a->code,
		    f.agency != NULL && strcmp(f.agency, a->code) == 0 ?
		    " selected" : "", agency_name(&c, a->code));
	html_f(&h, "</select>\n<button type=\"submit\">%m</button>\n</form>\n"
	    "<ul class=\"drafts\" id=\"draft-list\">\n", M_F_APPLY);
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.c = &c;
	l.now = f.now;
	if (draft_each(c.store, &f, on_item, &l) != 0)
		return -1;
	html_raw(&h, "</ul>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"draft-none\">%s</p>\n", dw(W_NONE, c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
api_list(struct http_request *req, struct http_response *res, void *arg)
{
	struct draft_filter f;
	struct web_ctx c;
	struct list l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if (read_filter(req, res, &c, &f) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	l.c = &c;
	l.now = f.now;
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (draft_each(c.store, &f, on_item, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

/* The publishing forms: a new draft, or a new version of one. */

struct form {
	const struct loaded *draft;     /* a new version of it, or NULL */
	const char *agency, *title, *opens, *closes, *text;
	const char *error;              /* the split's or a field's, or NULL */
	const struct draft_text *split; /* the preview, or NULL */
};

static void
preview(struct html *h, const struct draft_text *t)
{
	size_t i;

	html_f(h, "<section class=\"draft-preview\" id=\"draft-preview\" "
	    "aria-labelledby=\"preview-title\"><h2 id=\"preview-title\">%s</h2>"
	    "\n<p>%s <strong id=\"preview-articles\">%D</strong> / <strong "
	    "id=\"preview-paras\">%D</strong></p>\n", dw(W_PREVIEW_TITLE,
	    h->lang), dw(W_PREVIEW_COUNT, h->lang), (int64_t)t->narticles,
	    (int64_t)t->nparas);
	for (i = 0; i < t->nparas; i++) {
		if (t->paras[i].number == 1)
			html_f(h, "%r<h3>%s %d. %s</h3>\n<ol class=\"draft-paras\">"
			    "\n", i > 0 ? "</ol>\n" : "", dw(W_ARTICLE, h->lang),
			    t->paras[i].article, t->paras[i].article_title);
		html_f(h, "<li><span class=\"draft-num\">%d.%d</span> %s</li>\n",
		    t->paras[i].article, t->paras[i].number, t->paras[i].text);
	}
	if (t->nparas > 0)
		html_raw(h, "</ol>\n");
	html_raw(h, "</section>\n");
}

static void
agency_options(struct html *h, const struct web_ctx *c, const char *chosen)
{
	const struct agency *a;
	size_t i;

	for (i = 0; (a = catalog_agency_at(c->app->catalog, i)) != NULL; i++)
		if (draft_may_edit(c->act, a->code))
			html_f(h, "<option value=\"%s\"%r>%s</option>\n", a->code,
			    chosen != NULL && strcmp(chosen, a->code) == 0 ?
			    " selected" : "", agency_name(c, a->code));
}

/* The form's page, status 200 (or 400 with an error). */
static int
form_page(struct http_response *res, struct web_ctx *c,
    const struct form *f, int status)
{
	char path[64];
	struct html h;
	const char *title;

	if (f->draft != NULL)
		snprintf(path, sizeof(path), "/drafts/%lld/versions/new",
		    (long long)f->draft->d.id);
	else
		snprintf(path, sizeof(path), "/drafts/new");
	title = dw(f->draft != NULL ? W_NEW_VERSION : W_NEW, c->lang);
	web_html_init(&h, res, c);
	http_response_status(res, status);
	html_page_begin(&h, title, "draft-new", path, c->csrf, 0);
	html_f(&h, "<h1>%s</h1>\n", title);
	if (f->draft != NULL)
		html_f(&h, "<p><a href=\"/drafts/%D\">%s</a></p>\n",
		    f->draft->d.id, f->draft->d.title);
	if (c->act == NULL || !(f->draft != NULL ? draft_may_edit(c->act,
	    f->draft->d.agency) : publisher(c->act))) {
		html_f(&h, "<p id=\"draft-staff-only\">%s</p>\n", dw(W_STAFF_ONLY,
		    c->lang));
		if (c->act == NULL)
			html_f(&h, "<p><a href=\"/login?next=%s\">%m</a></p>\n",
			    path, M_SIGN_IN_BTN);
		html_page_end(&h);
		return h.failed ? -1 : 0;
	}
	if (f->error != NULL)
		html_f(&h, "<div class=\"error\" role=\"alert\" id=\"draft-error\">"
		    "<p><strong>%s:</strong> %s</p></div>\n", dw(W_ERRORS,
		    c->lang), f->error);
	if (f->split != NULL)
		preview(&h, f->split);
	if (f->draft != NULL)
		html_f(&h, "<form method=\"post\" action=\"/drafts/%D/versions\" "
		    "id=\"draft-form\" class=\"stack\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n", f->draft->d.id,
		    c->session_csrf);
	else {
		html_f(&h, "<form method=\"post\" action=\"/drafts\" "
		    "id=\"draft-form\" class=\"stack\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n<label for=\"d-agency\">%s"
		    "</label><select id=\"d-agency\" name=\"agency\" required>\n",
		    c->session_csrf, dw(W_D_AGENCY, c->lang));
		agency_options(&h, c, f->agency);
		html_f(&h, "</select>\n<label for=\"d-title\">%s</label><input "
		    "id=\"d-title\" name=\"title\" required maxlength=\"%d\" "
		    "value=\"%s\">\n<label for=\"d-opens\">%s</label><input "
		    "id=\"d-opens\" name=\"opens\" type=\"date\" value=\"%s\">\n"
		    "<label for=\"d-closes\">%s</label><input id=\"d-closes\" "
		    "name=\"closes\" type=\"date\" required value=\"%s\">\n",
		    dw(W_D_TITLE, c->lang), VECHE_DRAFT_MAX_TITLE,
		    f->title != NULL ? f->title : "", dw(W_D_OPENS, c->lang),
		    f->opens != NULL ? f->opens : "", dw(W_D_CLOSES, c->lang),
		    f->closes != NULL ? f->closes : "");
	}
	html_f(&h, "<label for=\"d-text\">%s</label>\n<p class=\"hint\" "
	    "id=\"d-text-hint\">%s</p>\n<textarea id=\"d-text\" name=\"text\" "
	    "rows=\"16\" required aria-describedby=\"d-text-hint\">%s</textarea>"
	    "\n<div class=\"actions\"><button type=\"submit\" name=\"preview\" "
	    "value=\"1\" id=\"draft-preview-button\">%s</button> <button "
	    "type=\"submit\" id=\"draft-publish\">%s</button></div>\n</form>\n",
	    dw(W_D_TEXT, c->lang), dw(W_D_TEXT_HINT, c->lang), f->text != NULL ?
	    f->text : "", dw(W_PREVIEW, c->lang), dw(W_PUBLISH, c->lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
new_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct form f;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&f, 0, sizeof(f));
	return form_page(res, &c, &f, 200);
}

static int
version_page_form(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct loaded o;
	struct web_ctx c;
	struct form f;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 || (id = path_num(req, res, &c,
	    "id")) == -1 || load_draft(req, res, &c, id, &o) == -1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.draft = &o;
	return form_page(res, &c, &f, 200);
}

/* After a write: JSON, or 303 to where with ?done=flash. */
static int
done(struct http_response *res, const struct web_ctx *c, int status,
    json_t *doc, const char *where, const char *flash, const char *anchor)
{
	char loc[160];

	if (!c->html)
		return reply_json(res, status, doc);
	json_decref(doc);
	snprintf(loc, sizeof(loc), "%s?done=%s%s", where, flash, anchor);
	return social_see_other(res, loc);
}

static void tell_participants(struct http_request *req,
    const struct web_ctx *c, int64_t id, int n);

/* POST /drafts and /drafts/{id}/versions (and their API). */
static int
publish(struct http_request *req, struct http_response *res, void *arg,
    int version)
{
	struct draft_input di;
	struct draft_text t;
	struct web_input in;
	struct loaded o;
	struct web_ctx c;
	struct verr e;
	struct form f;
	char where[64];
	int64_t id = 0, now;
	int rc, n = 1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (version && ((id = path_num(req, res, &c, "id")) == -1 ||
	    load_draft(req, res, &c, id, &o) == -1))
		return 0;
	if (web_input_open(req, res, &c, &in) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	memset(&di, 0, sizeof(di));
	memset(&f, 0, sizeof(f));
	now = app_now(c.app);
	f.draft = version ? &o : NULL;
	f.agency = di.agency = web_input_get(&in, "agency");
	f.title = di.title = web_input_get(&in, "title");
	f.opens = di.opens = web_input_get(&in, "opens");
	f.closes = di.closes = web_input_get(&in, "closes");
	f.text = di.text = web_input_get(&in, "text");
	if (c.html && web_input_get(&in, "preview") != NULL) {
		/* The preview: the split, or its error naming the line. */
		if (draft_split(di.text, &t, &e) == -1) {
			f.error = e.message;
			rc = form_page(res, &c, &f, 400);
		} else {
			f.split = &t;
			rc = form_page(res, &c, &f, 200);
			draft_text_free(&t);
		}
		web_input_close(&in);
		return rc;
	}
	if (version)
		rc = draft_version_add(c.store, c.act, id, di.text, now, &n, &e);
	else
		rc = draft_publish(c.store, c.act, &di, now, &id, &e);
	if (rc == -1 && c.html && e.kind == VERR_INVALID) {
		f.error = e.message;
		rc = form_page(res, &c, &f, 400);
	} else if (rc == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else {
		if (version)
			tell_participants(req, &c, id, n);
		snprintf(where, sizeof(where), "/drafts/%lld", (long long)id);
		rc = done(res, &c, 201, json_pack("{s:I, s:i}", "id",
		    (json_int_t)id, "version", n), where, version ? "version" :
		    "created", "");
	}
	web_input_close(&in);
	return rc;
}

static int
create(struct http_request *req, struct http_response *res, void *arg)
{
	return publish(req, res, arg, 0);
}

static int
version_create(struct http_request *req, struct http_response *res,
    void *arg)
{
	return publish(req, res, arg, 1);
}

/* A version's page and its JSON. */

/* The previous version's paragraphs, copied, to compare against. */
struct prev {
	struct prev_para {
		int article, number, seen;
		char *text;
	} *v;
	size_t n, cap;
	int failed;
};

static int
on_prev(const struct draft_para *p, void *arg)
{
	struct prev *pv = arg;
	struct prev_para *nv;

	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 64;
		if ((nv = realloc(pv->v, pv->cap * sizeof(*nv))) == NULL)
			return -1;
		pv->v = nv;
	}
	nv = &pv->v[pv->n];
	nv->article = p->article;
	nv->number = p->number;
	nv->seen = 0;
	if ((nv->text = strdup(p->text)) == NULL)
		return -1;
	pv->n++;
	return 0;
}

static void
prev_free(struct prev *pv)
{
	size_t i;

	for (i = 0; i < pv->n; i++)
		free(pv->v[i].text);
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}

static struct prev_para *
prev_find(struct prev *pv, int article, int number)
{
	size_t i;

	for (i = 0; i < pv->n; i++)
		if (pv->v[i].article == article && pv->v[i].number == number)
			return &pv->v[i];
	return NULL;
}

struct vpage {
	struct html *h;
	const struct web_ctx *c;
	struct prev *prev;              /* the version before, or NULL */
	json_t *arr;                    /* the JSON view, or NULL: HTML */
	int article;                    /* the open article's, 0: none */
};

static int
on_vpara(const struct draft_para *p, void *arg)
{
	struct vpage *v = arg;
	struct html *h = v->h;
	struct prev_para *old = v->prev != NULL ? prev_find(v->prev,
	    p->article, p->number) : NULL;
	const char *change = v->prev == NULL ? NULL : old == NULL ? "added" :
	    strcmp(old->text, p->text) != 0 ? "changed" : "same";
	char num[32];
	json_t *o;

	if (old != NULL)
		old->seen = 1;
	para_number(p, num, sizeof(num));
	if (v->arr != NULL) {
		o = json_pack("{s:I, s:s, s:i, s:s, s:i, s:s, s:I}", "id",
		    (json_int_t)p->id, "number", num, "article", p->article,
		    "article_title", p->article_title, "paragraph", p->number,
		    "text", p->text, "comments", (json_int_t)p->comments);
		if (o != NULL && change != NULL)
			json_object_set_new(o, "change", json_string(change));
		if (o != NULL && old != NULL && strcmp(change, "changed") == 0)
			json_object_set_new(o, "previous", json_string(
			    old->text));
		return json_array_append_new(v->arr, o);
	}
	if (p->article != v->article) {
		html_f(h, "%r<section class=\"draft-article\" id=\"article-%d\" "
		    "aria-labelledby=\"article-%d-title\"><h2 id=\"article-%d-"
		    "title\">%s %d. %s</h2>\n<ol class=\"draft-paras\">\n",
		    v->article != 0 ? "</ol></section>\n" : "", p->article,
		    p->article, p->article, dw(W_ARTICLE, h->lang), p->article,
		    p->article_title);
		v->article = p->article;
	}
	html_f(h, "<li class=\"draft-para%r\" id=\"p-%s\" data-id=\"%D\">"
	    "<span class=\"draft-num\">%s</span> ", change == NULL ? "" :
	    strcmp(change, "added") == 0 ? " draft-added" : strcmp(change,
	    "changed") == 0 ? " draft-changed" : "", num, p->id, num);
	if (change != NULL && strcmp(change, "added") == 0)
		html_f(h, "<span class=\"draft-mark\">(%s)</span> <ins>%s</ins>",
		    dw(W_ADDED, h->lang), p->text);
	else if (change != NULL && strcmp(change, "changed") == 0) {
		html_f(h, "<span class=\"draft-mark\">(%s)</span>",
		    dw(W_CHANGED, h->lang));
		if (diff_write(h, old->text, p->text) == -1)
			return -1;
	} else
		html_text(h, p->text);
	html_f(h, " <a class=\"draft-comments\" href=\"/drafts/p/%D\" "
	    "id=\"comments-%s\">%s: %D</a></li>\n", p->id, num,
	    dw(W_COMMENTS_N, h->lang), p->comments);
	return h->failed ? -1 : 0;
}

static void
versions_nav(struct html *h, const struct draft *d, int n)
{
	int i;

	html_f(h, "<nav class=\"draft-versions\" aria-label=\"%s\"><p>%s:",
	    dw(W_VERSIONS, h->lang), dw(W_VERSIONS, h->lang));
	for (i = 1; i <= d->version; i++)
		html_f(h, " <a href=\"/drafts/%D/v/%d\"%r>%d%r</a>", d->id, i,
		    i == n ? " aria-current=\"page\"" : "", i, i == d->version ?
		    (h->lang == LANG_EN ? " (current)" : " (действующая)") : "");
	html_raw(h, "</p></nav>\n");
}

/* The ?done= flashes after a write, and their words. */
static const struct {
	const char *name;
	enum dw w;
} flashes[] = {
	{ "created", W_CREATED_MSG }, { "version", W_VERSION_MSG },
	{ "decided", W_DECIDED_MSG }, { "commented", W_COMMENTED_MSG },
};

static void
flash(struct html *h, const char *d)
{
	size_t i;

	for (i = 0; d != NULL && i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(d, flashes[i].name) == 0)
			html_f(h, "<p class=\"flash\" role=\"status\" "
			    "id=\"draft-flash\">%s</p>\n", dw(flashes[i].w,
			    h->lang));
}

/* Version n of draft id (0: the current one): its page or JSON. */
static int
show_version(struct http_request *req, struct http_response *res,
    struct web_ctx *c, int64_t id, int64_t n)
{
	struct prev prev;
	struct vpage v;
	struct loaded o;
	struct html h;
	char path[64];
	json_t *doc = NULL;
	int64_t now = app_now(c->app);
	size_t i;
	int rc = -1;

	if (load_draft(req, res, c, id, &o) == -1)
		return 0;
	if (n == 0)
		n = o.d.version;
	if (n < 1 || n > o.d.version)
		return web_fail(req, res, c, 404, "n", "n: no such version");
	memset(&prev, 0, sizeof(prev));
	memset(&v, 0, sizeof(v));
	v.c = c;
	if (n > 1) {
		if (draft_paras(c->store, id, (int)n - 1, on_prev, &prev) != 0)
			goto out;
		v.prev = &prev;
	}
	if (!c->html) {
		if ((doc = draft_json(&o.d, now)) == NULL ||
		    (v.arr = json_array()) == NULL)
			goto out;
		json_object_set_new(doc, "shown_version", json_integer(n));
		json_object_set_new(doc, "paragraphs", v.arr);
		if (draft_paras(c->store, id, (int)n, on_vpara, &v) != 0)
			goto out;
		if (v.prev != NULL) {
			if ((v.arr = json_array()) == NULL)
				goto out;
			json_object_set_new(doc, "removed", v.arr);
			for (i = 0; i < prev.n; i++)
				if (!prev.v[i].seen)
					json_array_append_new(v.arr, json_pack(
					    "{s:i, s:i, s:s}", "article",
					    prev.v[i].article, "paragraph",
					    prev.v[i].number, "text",
					    prev.v[i].text));
		}
		rc = reply_json(res, 200, doc);
		doc = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "/drafts/%lld/v/%lld", (long long)id,
	    (long long)n);
	web_html_init(&h, res, c);
	v.h = &h;
	html_page_begin(&h, o.d.title, "draft", path, c->csrf, 0);
	html_f(&h, "<article class=\"draft\" id=\"draft\" data-id=\"%D\" "
	    "data-version=\"%D\">\n<p><a href=\"/drafts\">%s</a></p>\n", id, n,
	    dw(W_TITLE, c->lang));
	flash(&h, http_request_param(req, "done"));
	html_f(&h, "<h1>%s</h1>\n<p>%s: <a href=\"/agencies/%s\">%s</a> · "
	    "<span id=\"draft-version\">%s %D%r</span></p>\n", o.d.title,
	    dw(W_AGENCY, c->lang), o.d.agency, agency_name(c, o.d.agency),
	    dw(W_VERSION, c->lang), n, n == o.d.version ? (c->lang == LANG_EN ?
	    " (current)" : " (действующая)") : "");
	clock_line(&h, &o.d, now);
	versions_nav(&h, &o.d, (int)n);
	html_f(&h, "<p class=\"draft-links\"><a href=\"/drafts/%D/summary\" "
	    "id=\"draft-summary-link\">%s (%D)</a> · <a href=\"/drafts/%D/"
	    "summary.csv\">%s</a>", id, dw(W_SUMMARY, c->lang), o.d.proposals,
	    id, dw(W_CSV, c->lang));
	if (draft_may_edit(c->act, o.d.agency))
		html_f(&h, " · <a href=\"/drafts/%D/versions/new\" "
		    "id=\"draft-new-version\">%s</a>", id, dw(W_NEW_VERSION,
		    c->lang));
	html_raw(&h, "</p>\n");
	if (n > 1)
		html_f(&h, "<p class=\"hint\" id=\"draft-changes\">%s %D: <ins>%s"
		    "</ins>, <del>%s</del></p>\n", dw(W_CHANGES, c->lang), n - 1,
		    c->lang == LANG_EN ? "inserted" : "добавлено",
		    c->lang == LANG_EN ? "deleted" : "удалено");
	if (draft_paras(c->store, id, (int)n, on_vpara, &v) != 0)
		goto out;
	if (v.article != 0)
		html_raw(&h, "</ol></section>\n");
	for (i = 0; v.prev != NULL && i < prev.n; i++) {
		if (prev.v[i].seen)
			continue;
		if (v.article != -1)
			html_f(&h, "<section class=\"draft-removed\" "
			    "id=\"draft-removed\" aria-labelledby=\"removed-"
			    "title\"><h2 id=\"removed-title\">%s</h2>\n<ul>\n",
			    dw(W_REMOVED_TITLE, c->lang));
		v.article = -1;
		html_f(&h, "<li><span class=\"draft-num\">%d.%d</span> <span "
		    "class=\"draft-mark\">(%s)</span> <del>%s</del></li>\n",
		    prev.v[i].article, prev.v[i].number, dw(W_REMOVED, c->lang),
		    prev.v[i].text);
	}
	if (v.article == -1)
		html_raw(&h, "</ul></section>\n");
	html_raw(&h, "</article>\n");
	html_page_end(&h);
	rc = h.failed ? -1 : 0;
out:
	json_decref(doc);
	prev_free(&prev);
	return rc;
}

static int
page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 || (id = path_num(req, res, &c,
	    "id")) == -1)
		return 0;
	return show_version(req, res, &c, id, 0);
}

static int
api_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1)
		return 0;
	return show_version(req, res, &c, id, 0);
}

static int
version_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	int64_t id, n;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (strncmp(http_request_path(req), "/api/", 5) == 0)
		c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1 || (n = path_num(req,
	    res, &c, "n")) == -1)
		return 0;
	return show_version(req, res, &c, id, n);
}

/* Proposals: on a paragraph's page, in the summary, as JSON and CSV. */

static json_t *
proposal_json(const struct draft_proposal *p)
{
	char num[32];
	json_t *o;

	snprintf(num, sizeof(num), "%d.%d", p->article, p->number);
	o = json_pack("{s:I, s:I, s:i, s:s, s:o, s:s, s:o, s:o, s:o, s:o, "
	    "s:o}", "comment", (json_int_t)p->comment, "paragraph",
	    (json_int_t)p->paragraph, "version", p->version, "number", num,
	    "author", reply_str(p->author), "body", p->body, "wording",
	    reply_str(p->wording), "created", reply_time(p->created),
	    "decision", p->decision != DRAFT_UNDECIDED ?
	    json_string(draft_decision_name(p->decision)) : json_null(),
	    "reason", reply_str(p->reason), "decided", p->decided ?
	    reply_time(p->decided) : json_null());
	return o;
}

struct plist {
	struct html *h;
	const struct web_ctx *c;
	json_t *arr;
	struct http_response *csv;
	const struct loaded *draft;
	int summary;                    /* the summary's table row */
	size_t n;
};

static void
decide_form(struct html *h, const struct web_ctx *c, int64_t comment)
{
	html_f(h, "<form method=\"post\" action=\"/drafts/comments/%D/decision"
	    "\" class=\"stack draft-decide\" id=\"decide-%D\">\n<input type=\""
	    "hidden\" name=\"csrf\" value=\"%s\">\n<fieldset><legend>%s"
	    "</legend>\n<label class=\"check\"><input type=\"radio\" name=\""
	    "decision\" value=\"accepted\" checked> %s</label>\n<label class=\""
	    "check\"><input type=\"radio\" name=\"decision\" value=\"partly\"> "
	    "%s</label>\n<label class=\"check\"><input type=\"radio\" name=\""
	    "decision\" value=\"rejected\"> %s</label>\n</fieldset>\n<label "
	    "for=\"reason-%D\">%s</label><textarea id=\"reason-%D\" name=\""
	    "reason\" rows=\"3\" maxlength=\"%d\"></textarea>\n<button type=\""
	    "submit\">%s</button>\n</form>\n", comment, comment,
	    c->session_csrf, dw(W_DECISION, h->lang), dw(W_DEC_ACCEPTED,
	    h->lang), dw(W_DEC_PARTLY, h->lang), dw(W_DEC_REJECTED, h->lang),
	    comment, dw(W_REASON_HINT, h->lang), comment,
	    VECHE_DRAFT_MAX_REASON, dw(W_ANSWER, h->lang));
}

/* export_csv_field's writer: into the response. */
static int
csv_write(const void *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

static int
csv_row(struct http_response *res, const struct draft_proposal *p)
{
	char num[48], when[DATETIME_LEN];
	const char *f[6];
	size_t i;

	snprintf(num, sizeof(num), "%d.%d", p->article, p->number);
	datetime_format(p->decided, when, sizeof(when));
	f[0] = p->author;
	f[1] = p->body;
	f[2] = p->wording;
	f[3] = draft_decision_name(p->decision);
	f[4] = p->reason;
	f[5] = p->decided ? when : NULL;
	if (http_response_printf(res, "%lld,%d,%s,", (long long)p->comment,
	    p->version, num) == -1)
		return -1;
	for (i = 0; i < 6; i++)
		if (export_csv_field(f[i], 1, csv_write, res) == -1 ||
		    csv_write(i < 5 ? "," : "\r\n", i < 5 ? 1 : 2, res) == -1)
			return -1;
	return 0;
}

static int
on_proposal(const struct draft_proposal *p, void *arg)
{
	struct plist *l = arg;
	struct html *h = l->h;

	l->n++;
	if (l->csv != NULL)
		return csv_row(l->csv, p);
	if (l->arr != NULL)
		return json_array_append_new(l->arr, proposal_json(p));
	if (l->summary) {
		html_f(h, "<tr id=\"row-%D\"><td><a href=\"/drafts/p/%D\">%d.%d"
		    "</a> <span class=\"hint\">(%s %d)</span></td><td>%s</td><td>"
		    "%s", p->comment, p->paragraph, p->article, p->number,
		    dw(W_VERSION, h->lang), p->version, p->author != NULL ?
		    p->author : dw(W_ANON, h->lang), p->body);
		if (p->wording != NULL)
			html_f(h, "<p class=\"draft-wording-text\">%s</p>",
			    p->wording);
		html_f(h, "</td><td class=\"decision-%r\">%s</td><td>%s</td>"
		    "</tr>\n", draft_decision_name(p->decision),
		    dw(decision_word[p->decision], h->lang), p->reason != NULL ?
		    p->reason : "");
		return h->failed ? -1 : 0;
	}
	html_f(h, "<li class=\"draft-proposal\" id=\"proposal-%D\"><p><strong>"
	    "%s</strong> · <a href=\"#comment-%D\">%s</a></p>\n<p>%s</p>\n",
	    p->comment, p->author != NULL ? p->author : dw(W_ANON, h->lang),
	    p->comment, dw(W_PROPOSAL, h->lang), p->body);
	if (p->wording != NULL) {
		html_f(h, "<div class=\"draft-wording\"><p class=\"hint\">%s</p>"
		    "<p class=\"draft-diff\">", dw(W_WORDING_SHOWN, h->lang));
		if (diff_write(h, p->paragraph_text, p->wording) == -1)
			return -1;
		html_raw(h, "</p></div>\n");
	}
	html_f(h, "<p class=\"draft-decision decision-%r\" id=\"decision-%D\">"
	    "%s: <strong>%s</strong>", p->decision == DRAFT_UNDECIDED ? "none" :
	    draft_decision_name(p->decision), p->comment, dw(W_DECISION,
	    h->lang), dw(decision_word[p->decision], h->lang));
	if (p->reason != NULL)
		html_f(h, "<br>%s: %s", dw(W_REASON, h->lang), p->reason);
	html_raw(h, "</p>\n");
	if (p->decision == DRAFT_UNDECIDED && draft_may_edit(l->c->act,
	    l->draft->d.agency))
		decide_form(h, l->c, p->comment);
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* A paragraph's page. */

struct loaded_para {
	struct draft_para p;
	char *text, *title;
	int found;
};

static int
on_para(const struct draft_para *p, void *arg)
{
	struct loaded_para *o = arg;

	o->p = *p;
	o->text = strdup(p->text);
	o->title = strdup(p->article_title);
	o->p.text = o->text;
	o->p.article_title = o->title;
	o->found = 1;
	return o->text != NULL && o->title != NULL ? 0 : -1;
}

static void
para_free(struct loaded_para *o)
{
	free(o->text);
	free(o->title);
}

static int
para_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct loaded_para lp;
	struct loaded o;
	struct web_ctx c;
	struct plist l;
	struct html h;
	char path[64], action[80], num[32];
	int64_t pid, now;
	int rc;

	if (web_begin(req, res, arg, &c) == -1 || (pid = path_num(req, res,
	    &c, "pid")) == -1)
		return 0;
	memset(&lp, 0, sizeof(lp));
	if ((rc = draft_para_get(c.store, pid, on_para, &lp)) != 0 ||
	    !lp.found) {
		para_free(&lp);
		if (rc == -1)
			return -1;
		return web_fail(req, res, &c, 404, "pid", "pid: no such "
		    "paragraph");
	}
	if (load_draft(req, res, &c, lp.p.draft, &o) == -1) {
		para_free(&lp);
		return 0;
	}
	now = app_now(c.app);
	para_number(&lp.p, num, sizeof(num));
	snprintf(path, sizeof(path), "/drafts/p/%lld", (long long)pid);
	snprintf(action, sizeof(action), "/drafts/p/%lld/comments",
	    (long long)pid);
	web_html_init(&h, res, &c);
	html_page_begin(&h, o.d.title, "draft-para", path, c.csrf, 0);
	html_f(&h, "<article class=\"draft\" id=\"draft-para\" data-id=\"%D\">"
	    "\n<p><a href=\"/drafts/%D/v/%d\" id=\"draft-back\">%s: %s, %s %d"
	    "</a></p>\n", pid, o.d.id, lp.p.version, dw(W_BACK, c.lang),
	    o.d.title, dw(W_VERSION, c.lang), lp.p.version);
	flash(&h, http_request_param(req, "done"));
	html_f(&h, "<h1>%s %s</h1>\n<p>%s %d. %s</p>\n<blockquote "
	    "class=\"draft-para-text\" id=\"para-text\">%s</blockquote>\n",
	    dw(W_PARA, c.lang), num, dw(W_ARTICLE, c.lang), lp.p.article,
	    lp.p.article_title, lp.p.text);
	clock_line(&h, &o.d, now);
	html_f(&h, "<section class=\"draft-proposals\" aria-labelledby=\""
	    "proposals-title\"><h2 id=\"proposals-title\">%s</h2>\n<ul "
	    "id=\"proposal-list\">\n", dw(W_PROPOSALS, c.lang));
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.c = &c;
	l.draft = &o;
	if (draft_proposals(c.store, o.d.id, pid, on_proposal, &l) != 0) {
		para_free(&lp);
		return -1;
	}
	html_raw(&h, "</ul>\n");
	if (l.n == 0)
		html_f(&h, "<p class=\"empty\" id=\"no-proposals\">%s</p>\n",
		    dw(W_NO_PROPOSALS, c.lang));
	html_raw(&h, "</section>\n");
	if (lp.p.version != o.d.version)
		html_f(&h, "<p class=\"notice\" id=\"draft-old\">%s <a href=\""
		    "/drafts/%D\">%s</a></p>\n", dw(W_OLD_VERSION, c.lang),
		    o.d.id, dw(W_CURRENT, c.lang));
	else if (!draft_is_open(&o.d, now))
		html_f(&h, "<p class=\"notice\" id=\"draft-closed\">%s</p>\n",
		    dw(W_NOT_OPEN, c.lang));
	else if (c.act == NULL)
		html_f(&h, "<p><a href=\"/login?next=%s\" id=\"draft-sign-in\">"
		    "%s</a></p>\n", path, dw(W_SIGN_IN, c.lang));
	else
		html_f(&h, "<section aria-labelledby=\"propose-title\"><h2 "
		    "id=\"propose-title\">%s</h2>\n<form method=\"post\" "
		    "action=\"%s\" id=\"draft-comment-form\" class=\"stack\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<label "
		    "for=\"dc-author\">%s</label><input id=\"dc-author\" name=\""
		    "author\" maxlength=\"%d\" autocomplete=\"nickname\" value=\""
		    "%s\">\n<label for=\"dc-body\">%s</label><textarea id=\""
		    "dc-body\" name=\"body\" rows=\"3\" required maxlength=\"%d\">"
		    "</textarea>\n<label for=\"dc-wording\">%s</label>\n<p class="
		    "\"hint\" id=\"dc-wording-hint\">%s</p>\n<textarea id=\""
		    "dc-wording\" name=\"wording\" rows=\"5\" maxlength=\"%d\" "
		    "aria-describedby=\"dc-wording-hint\">%s</textarea>\n<button "
		    "type=\"submit\" id=\"dc-send\">%s</button>\n</form>\n"
		    "</section>\n", dw(W_PROPOSE, c.lang), action, c.csrf,
		    dw(W_NAME, c.lang), VECHE_MAX_NAME, c.who, dw(W_BODY, c.lang),
		    VECHE_MAX_COMMENT, dw(W_WORDING, c.lang), dw(W_WORDING_HINT,
		    c.lang), VECHE_DRAFT_MAX_WORDING, lp.p.text, dw(W_SEND,
		    c.lang));
	/* The one comment system: votes, flags, order (web_comments.c). */
	rc = web_comments_section(&h, &c, req, "draft_paragraph", pid, path,
	    action);
	para_free(&lp);
	if (rc == -1)
		return -1;
	html_raw(&h, "</article>\n");
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* Tell the proposal's author of the decision, when the account has an
 * e-mail, in lang (the proposal's, not the deciding staff's page's).
 * Failures are logged: the decision stands. */
static void
tell_author(struct http_request *req, const struct web_ctx *c,
    int64_t author, enum lang lang, int64_t paragraph, const char *decision,
    const char *reason);

/* POST /drafts/p/{pid}/comments: a comment with an optional wording. */
static int
comment(struct http_request *req, struct http_response *res, void *arg)
{
	struct draft_comment_input di;
	const struct http_param *p;
	struct web_input in;
	struct web_ctx c;
	struct verr e;
	const char *held = NULL;
	char where[64], anchor[48];
	int64_t pid, id;
	size_t n, i;
	int rc;

	if (web_begin(req, res, arg, &c) == -1 || (pid = path_num(req, res,
	    &c, "pid")) == -1 || social_write_checks(req, res, &c,
	    RATE_COMMENT) || web_input_open(req, res, &c, &in) == -1)
		return 0;
	p = http_request_params(req, &n);
	for (i = 0; i < n; i++)
		if (strcmp(p[i].name, "photo") == 0 && p[i].filename != NULL &&
		    p[i].value_len > 0) {
			web_input_close(&in);
			return web_fail(req, res, &c, 400, "photo", "photo: a "
			    "paragraph's comment takes no photo");
		}
	memset(&e, 0, sizeof(e));
	memset(&di, 0, sizeof(di));
	di.paragraph = pid;
	di.by = c.act;
	di.author = web_input_get(&in, "author");
	di.body = web_input_get(&in, "body");
	di.wording = web_input_get(&in, "wording");
	di.device = c.device;
	di.lang = c.lang;
	di.now = app_now(c.app);
	if (draft_comment(c.store, &di, &id, &held, &e) == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else {
		snprintf(where, sizeof(where), "/drafts/p/%lld",
		    (long long)pid);
		snprintf(anchor, sizeof(anchor), "#proposal-%lld",
		    (long long)id);
		rc = done(res, &c, 201, json_pack("{s:I, s:s, s:o}", "id",
		    (json_int_t)id, "status", held != NULL ? "pending" :
		    "published", "premark", reply_str(held)), where,
		    "commented", anchor);
	}
	web_input_close(&in);
	return rc;
}

/* POST /drafts/comments/{cid}/decision. */
static int
decide(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_input in;
	struct web_ctx c;
	struct verr e;
	const char *decision, *reason;
	char where[64], anchor[48];
	int64_t cid, author, paragraph;
	enum lang lang;
	int rc;

	if (web_begin(req, res, arg, &c) == -1 || (cid = path_num(req, res,
	    &c, "cid")) == -1 || web_input_open(req, res, &c, &in) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	decision = web_input_get(&in, "decision");
	reason = web_input_get(&in, "reason");
	if (draft_decide(c.store, c.act, cid, decision, reason, app_now(c.app),
	    &author, &lang, &paragraph, &e) == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else {
		if (author > 0)
			tell_author(req, &c, author, lang, paragraph, decision,
			    reason);
		snprintf(where, sizeof(where), "/drafts/p/%lld",
		    (long long)paragraph);
		snprintf(anchor, sizeof(anchor), "#proposal-%lld",
		    (long long)cid);
		rc = done(res, &c, 200, json_pack("{s:I, s:s}", "comment",
		    (json_int_t)cid, "decision", decision), where, "decided",
		    anchor);
	}
	web_input_close(&in);
	return rc;
}

struct who {
	char email[VECHE_MAX_EMAIL + 1];
};

static int
on_user(const struct store_user *u, void *arg)
{
	struct who *w = arg;

	snprintf(w->email, sizeof(w->email), "%s", u->email != NULL ?
	    u->email : "");
	return 0;
}

/*
 * Mail account user, when it has an e-mail, in lang: subject, text, the
 * decision word k and reason (k < 0: none), a link to path.  Failures
 * are logged: what was published stands.
 */
static void
mail_account(struct http_request *req, const struct web_ctx *c,
    int64_t user, enum lang lang, enum dw subj, enum dw text, int k,
    const char *reason, const char *path, enum dw link)
{
	char err[VECHE_MAX_DELIVERY_ERROR];
	const char *url, *subject = dw(subj, lang);
	struct letter l;
	struct who w;

	memset(&w, 0, sizeof(w));
	if (account_get(c->store, user, on_user, &w) != 0 ||
	    w.email[0] == '\0')
		return;
	memset(&l, 0, sizeof(l));
	if ((url = web_url(req, c, http_request_strdup(req, path))) == NULL ||
	    letter_init(&l, lang, subject) == -1) {
		letter_free(&l);
		return;
	}
	letter_para(&l, dw(text, lang));
	if (k >= 0) {
		letter_field(&l, dw(W_DECISION, lang), dw(decision_word[k],
		    lang));
		letter_field(&l, dw(W_REASON, lang), reason);
	}
	letter_link(&l, dw(link, lang), url);
	letter_para(&l, "-- \nВече / Veche");
	letter_end(&l);
	if (delivery_mail_now(c->store, w.email, subject, &l, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "veche: drafts mail: %s\n", err);
	letter_free(&l);
}

static void
tell_author(struct http_request *req, const struct web_ctx *c,
    int64_t author, enum lang lang, int64_t paragraph, const char *decision,
    const char *reason)
{
	char path[64];
	int k = draft_decision_parse(decision);

	if (k < 0)
		return;
	snprintf(path, sizeof(path), "/drafts/p/%lld", (long long)paragraph);
	mail_account(req, c, author, lang, W_MAIL_SUBJECT, W_MAIL_TEXT, k,
	    reason, path, W_MAIL_LINK);
}

/* The participants to tell of a new version, read before any is mailed
 * (the mailer uses the store). */
struct participants {
	struct {
		int64_t user;
		enum lang lang;
	} *v;
	size_t n;
};

static int
on_participant(int64_t user, enum lang lang, void *arg)
{
	struct participants *p = arg;

	if (p->n >= VECHE_DRAFT_SUMMARY)
		return 0;
	p->v[p->n].user = user;
	p->v[p->n].lang = lang;
	p->n++;
	return 0;
}

/*
 * Tell each participant of draft id (an account that commented on it) of
 * version n, once each, with a link to the version's differences.  The
 * version is published once, so each participant hears of it once.
 */
static void
tell_participants(struct http_request *req, const struct web_ctx *c,
    int64_t id, int n)
{
	struct participants p;
	char path[64];
	size_t i;

	memset(&p, 0, sizeof(p));
	if ((p.v = calloc(VECHE_DRAFT_SUMMARY, sizeof(*p.v))) == NULL)
		return;
	if (draft_participants(c->store, id, on_participant, &p) == -1)
		fputs("veche: drafts mail: the participants could not be "
		    "read\n", stderr);
	else {
		snprintf(path, sizeof(path), "/drafts/%lld/v/%d", (long long)id,
		    n);
		for (i = 0; i < p.n; i++)
			mail_account(req, c, p.v[i].user, p.v[i].lang,
			    W_V_MAIL_SUBJECT, W_V_MAIL_TEXT, -1, NULL, path,
			    W_V_MAIL_LINK);
	}
	free(p.v);
}

/* The summary: the page, the CSV, the JSON. */

static int
summary_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct loaded o;
	struct web_ctx c;
	struct plist l;
	struct html h;
	char path[64];
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1 || (id = path_num(req, res, &c,
	    "id")) == -1 || load_draft(req, res, &c, id, &o) == -1)
		return 0;
	snprintf(path, sizeof(path), "/drafts/%lld/summary", (long long)id);
	web_html_init(&h, res, &c);
	html_page_begin(&h, dw(W_SUMMARY, c.lang), "draft-summary", path,
	    c.csrf, 0);
	html_f(&h, "<p class=\"no-print\"><a href=\"/drafts/%D\">%s</a> · <a "
	    "href=\"/drafts/%D/summary.csv\" id=\"summary-csv\">%s</a></p>\n"
	    "<h1>%s «%s»</h1>\n<p>%s: %s</p>\n", id, dw(W_BACK, c.lang), id,
	    dw(W_CSV, c.lang), dw(W_SUMMARY_TITLE, c.lang), o.d.title,
	    dw(W_AGENCY, c.lang), agency_name(&c, o.d.agency));
	clock_line(&h, &o.d, app_now(c.app));
	html_f(&h, "<p class=\"hint no-print\">%s</p>\n<div class=\"table-wrap"
	    "\" tabindex=\"0\" role=\"region\" aria-labelledby=\"summary-"
	    "caption\"><table class=\"draft-summary\" id=\"summary\">\n<caption "
	    "id=\"summary-caption\">%s</caption>\n<thead><tr><th scope=\"col\">"
	    "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
	    "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n"
	    "<tbody>\n", dw(W_PRINT_HINT, c.lang), dw(W_SUMMARY, c.lang),
	    dw(W_PARAGRAPH_COL, c.lang), dw(W_AUTHOR, c.lang),
	    dw(W_PROPOSAL, c.lang), dw(W_DECISION, c.lang), dw(W_REASON,
	    c.lang));
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.c = &c;
	l.draft = &o;
	l.summary = 1;
	if (draft_proposals(c.store, id, 0, on_proposal, &l) != 0)
		return -1;
	html_raw(&h, "</tbody></table></div>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"no-proposals\">%s</p>\n", dw(W_NO_PROPOSALS,
		    c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
summary_csv(struct http_request *req, struct http_response *res, void *arg)
{
	struct loaded o;
	struct web_ctx c;
	struct plist l;
	char disp[96];
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1 || load_draft(req, res,
	    &c, id, &o) == -1)
		return 0;
	http_response_kind(res, HTTP_TYPE_CSV);
	snprintf(disp, sizeof(disp), "attachment; filename=\"draft-%lld-"
	    "summary.csv\"", (long long)id);
	http_response_header(res, "Content-Disposition", disp);
	http_response_printf(res, "comment,version,paragraph,author,proposal,"
	    "wording,decision,reason,decided\r\n");
	memset(&l, 0, sizeof(l));
	l.csv = res;
	return draft_proposals(c.store, id, 0, on_proposal, &l) != 0 ? -1 : 0;
}

static int
api_proposals(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct loaded o;
	struct web_ctx c;
	struct plist l;
	int64_t id;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1 || load_draft(req, res,
	    &c, id, &o) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (draft_proposals(c.store, id, 0, on_proposal, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

static const char *const p_list[] = { "lang", "when", "agency", NULL };
static const char *const p_lang[] = { "lang", NULL };
static const char *const p_page[] = { "lang", "done", "order", "voted",
	"flagged", "held", NULL };
static const char *const p_create[] = { "lang", "csrf", "agency", "title",
	"opens", "closes", "text", "preview", NULL };
static const char *const p_version[] = { "lang", "csrf", "text", "preview",
	NULL };
static const char *const p_comment[] = { "lang", "csrf", "subject",
	"author", "body", "wording", "photo", NULL };
static const char *const p_decide[] = { "lang", "csrf", "decision",
	"reason", NULL };

static const struct http_route drafts_table[] = {
	{ HTTP_GET, "/drafts", list_page, 0, p_list, 0 },
	{ HTTP_GET, "/drafts/new", new_page, 0, p_lang, 0 },
	{ HTTP_POST, "/drafts", create, ACCESS_STAFF, p_create, 0 },
	{ HTTP_GET, "/drafts/{id}", page, 0, p_page, 0 },
	{ HTTP_GET, "/drafts/{id}/v/{n}", version_page, 0, p_page, 0 },
	{ HTTP_GET, "/drafts/{id}/versions/new", version_page_form, 0, p_lang,
	    0 },
	{ HTTP_POST, "/drafts/{id}/versions", version_create, ACCESS_STAFF,
	    p_version, 0 },
	{ HTTP_GET, "/drafts/{id}/summary", summary_page, 0, p_lang, 0 },
	{ HTTP_GET, "/drafts/{id}/summary.csv", summary_csv, 0, p_lang, 0 },
	{ HTTP_GET, "/drafts/p/{pid}", para_page, 0, p_page, 0 },
	/* Open to all as the comment system's are: the form's double-submit
	 * token and the rate limit (social_write_checks); core requires an
	 * account. */
	{ HTTP_POST, "/drafts/p/{pid}/comments", comment, 0, p_comment, 0 },
	{ HTTP_POST, "/drafts/comments/{cid}/decision", decide, ACCESS_STAFF,
	    p_decide, 0 },
	{ HTTP_GET, "/api/v1/drafts", api_list, 0, p_list, 0 },
	{ HTTP_POST, "/api/v1/drafts", create, ACCESS_STAFF, p_create, 0 },
	{ HTTP_GET, "/api/v1/drafts/{id}", api_page, 0, p_lang, 0 },
	{ HTTP_GET, "/api/v1/drafts/{id}/versions/{n}", version_page, 0,
	    p_lang, 0 },
	{ HTTP_POST, "/api/v1/drafts/{id}/versions", version_create,
	    ACCESS_STAFF, p_version, 0 },
	{ HTTP_GET, "/api/v1/drafts/{id}/proposals", api_proposals, 0, p_lang,
	    0 },
	{ HTTP_POST, "/api/v1/drafts/paragraphs/{pid}/comments", comment, 0,
	    p_comment, 0 },
	{ HTTP_POST, "/api/v1/drafts/comments/{cid}/decision", decide,
	    ACCESS_STAFF, p_decide, 0 },
};

const struct http_route *
drafts_routes(size_t *n)
{
	*n = sizeof(drafts_table) / sizeof(drafts_table[0]);
	return drafts_table;
}
