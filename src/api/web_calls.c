/*
 * web_calls.c: open calls for a public post (core/calls.h,
 * docs/participation.md "Open calls"): the pages /calls, /calls/new (an
 * administrator announces), /calls/{id} (the call, its candidates, the
 * decision; the administrator's decision form), /calls/{id}/apply (the
 * application form) and /calls/{id}/candidates/{cid} (a candidate's
 * profile, programme, supports and comments), the JSON API under
 * /api/v1/calls, and /candidates/{cid}, the comment system's address of a
 * candidate (a redirect to the page).
 *
 * Forms and JSON share one handler per write: a JSON body (or a path under
 * /api/) gets JSON, a form gets 303 back to the page.  Nothing here names a
 * candidate's account: only the public name they typed for this call.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/body.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_calls.h"
#include "api/web_html.h"
#include "core/account.h"
#include "core/calls.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "core/parse.h"
#include "http/http.h"

/* This module's words (the header's link is web_html.c's M_CALL_NAV). */
enum cw {
	W_TITLE, W_NONE, W_ANNOUNCE, W_POST, W_BODY, W_MEMBERS, W_REQS,
	W_OPENS, W_APPS_CLOSE, W_DISC_CLOSE, W_DECISION_DAY, W_PUBLISH,
	W_P_ANNOUNCED, W_P_APPLICATIONS, W_P_DISCUSSION, W_P_PENDING,
	W_P_DECIDED, W_PHASE, W_CANDIDATES, W_NO_CANDIDATES, W_NAME,
	W_EXPERIENCE, W_EDUCATION, W_PROGRAMME, W_SUPPORTS, W_STATE,
	W_S_ACTIVE, W_S_WITHDRAWN, W_S_REJECTED, W_APPLY, W_APPLY_TITLE,
	W_SIGN_IN, W_YOURS, W_SUPPORT, W_SUPPORTED, W_EDIT, W_SAVE,
	W_WITHDRAW, W_REJECT, W_REJECT_REASON, W_DECIDE, W_CHOSEN, W_NOBODY,
	W_REASONS, W_VOTE, W_DECISION, W_CHOSEN_IS, W_NOBODY_CHOSEN,
	W_ART11, W_APPLIED_MSG, W_EDITED_MSG, W_WITHDRAWN_MSG,
	W_REJECTED_MSG, W_SUPPORTED_MSG, W_DECIDED_MSG, W_ANNOUNCED_MSG,
	W_REJECT_WHY, W_BACK, W_APPS_NOT_OPEN, W_PROGRAMME_MAX, W_CHARS,
	W_SUPPORT_HINT, W_DATE_HINT, W_COUNT_AT_CLOSE,
	W_HAVE_APPLIED, W_SEE_EDIT, W_REAPPLY_HINT, W_MAIL_SUBJECT,
	W_MAIL_CANDIDATE, W_MAIL_SUPPORTER, W_MAIL_LINK,
	W__MAX
};

static const char *const words[W__MAX][LANG__MAX] = {
	[W_TITLE] = { "Открытые конкурсы на должности",
	    "Open calls for public posts" },
	[W_NONE] = { "Конкурсов пока нет.", "No calls yet." },
	[W_ANNOUNCE] = { "Объявить конкурс", "Announce a call" },
	[W_POST] = { "Должность", "Post" },
	[W_BODY] = { "Кто решает (комиссия)", "Who decides (the commission)" },
	[W_MEMBERS] = { "Члены комиссии", "Members of the commission" },
	[W_REQS] = { "Требования к кандидатам", "Requirements" },
	[W_OPENS] = { "Приём заявок с", "Applications open" },
	[W_APPS_CLOSE] = { "Приём заявок до", "Applications close" },
	[W_DISC_CLOSE] = { "Обсуждение до", "Public discussion until" },
	[W_DECISION_DAY] = { "Решение комиссии", "The commission's decision" },
	[W_PUBLISH] = { "Объявить", "Announce" },
	[W_P_ANNOUNCED] = { "Объявлен", "Announced" },
	[W_P_APPLICATIONS] = { "Приём заявок", "Taking applications" },
	[W_P_DISCUSSION] = { "Обсуждение кандидатов",
	    "Discussion of candidates" },
	[W_P_PENDING] = { "Ожидается решение", "Decision pending" },
	[W_P_DECIDED] = { "Решение принято", "Decided" },
	[W_PHASE] = { "Этап", "Phase" },
	[W_CANDIDATES] = { "Кандидаты", "Candidates" },
	[W_NO_CANDIDATES] = { "Заявок пока нет.", "No applications yet." },
	[W_NAME] = { "Имя (публикуется)", "Name (published)" },
	[W_EXPERIENCE] = { "Опыт работы", "Experience" },
	[W_EDUCATION] = { "Образование", "Education" },
	[W_PROGRAMME] = { "Программа", "Programme" },
	[W_SUPPORTS] = { "Поддержали", "Supports" },
	[W_STATE] = { "Заявка", "Application" },
	[W_S_ACTIVE] = { "участвует", "in the call" },
	[W_S_WITHDRAWN] = { "отозвана кандидатом", "withdrawn" },
	[W_S_REJECTED] = { "отклонена", "rejected" },
	[W_APPLY] = { "Подать заявку", "Apply" },
	[W_APPLY_TITLE] = { "Заявка на конкурс", "Application" },
	[W_SIGN_IN] = { "Войдите, чтобы подать заявку или поддержать "
	    "кандидата.", "Sign in to apply or to support a candidate." },
	[W_YOURS] = { "Ваша заявка", "Your application" },
	[W_SUPPORT] = { "Поддержать кандидата", "Support the candidate" },
	[W_SUPPORTED] = { "Вы поддержали этого кандидата",
	    "You support this candidate" },
	[W_EDIT] = { "Изменить заявку", "Edit the application" },
	[W_SAVE] = { "Сохранить", "Save" },
	[W_WITHDRAW] = { "Отозвать заявку", "Withdraw the application" },
	[W_REJECT] = { "Отклонить заявку (не соответствует формальным "
	    "требованиям)", "Reject the application (formal requirements "
	    "not met)" },
	[W_REJECT_REASON] = { "Причина (публикуется)", "Reason (published)" },
	[W_DECIDE] = { "Опубликовать решение комиссии",
	    "Publish the commission's decision" },
	[W_CHOSEN] = { "Кого выбрала комиссия", "Whom the commission chose" },
	[W_NOBODY] = { "никого", "nobody" },
	[W_REASONS] = { "Обоснование решения", "Reasons for the decision" },
	[W_VOTE] = { "Голосование комиссии", "The commission's vote" },
	[W_DECISION] = { "Решение комиссии", "The commission's decision" },
	[W_CHOSEN_IS] = { "Выбран(а)", "Chosen" },
	[W_NOBODY_CHOSEN] = { "Комиссия никого не выбрала.",
	    "The commission chose nobody." },
	[W_ART11] = { "Критические и отрицательные комментарии не скрываются. "
	    "Скрыть можно только комментарий с нецензурными или "
	    "оскорбительными выражениями либо угрозами (ст. 11 59-ФЗ): такие "
	    "комментарии до решения модератора не публикуются.",
	    "Critical and negative comments are not hidden. Only a comment "
	    "with obscene or offensive words or threats (59-FZ art. 11) may "
	    "be hidden: such comments wait for a moderator before they are "
	    "published." },
	[W_APPLIED_MSG] = { "Заявка подана.", "The application is filed." },
	[W_EDITED_MSG] = { "Заявка сохранена.", "The application is saved." },
	[W_WITHDRAWN_MSG] = { "Заявка отозвана.",
	    "The application is withdrawn." },
	[W_REJECTED_MSG] = { "Заявка отклонена.",
	    "The application is rejected." },
	[W_SUPPORTED_MSG] = { "Спасибо, ваша поддержка учтена.",
	    "Thank you, your support is counted." },
	[W_DECIDED_MSG] = { "Решение опубликовано.",
	    "The decision is published." },
	[W_ANNOUNCED_MSG] = { "Конкурс объявлен.", "The call is announced." },
	[W_REJECT_WHY] = { "Причина отклонения", "Why it was rejected" },
	[W_BACK] = { "Все конкурсы", "All calls" },
	[W_APPS_NOT_OPEN] = { "Сейчас заявки не принимаются.",
	    "Applications are not taken now." },
	[W_PROGRAMME_MAX] = { "не более", "at most" },
	[W_CHARS] = { "знаков", "characters" },
	[W_SUPPORT_HINT] = { "Один голос поддержки от учётной записи; "
	    "репутация на поддержку не влияет.", "One support per account; "
	    "reputation does not weigh in supports." },
	[W_DATE_HINT] = { "ГГГГ-ММ-ДД", "YYYY-MM-DD" },
	[W_COUNT_AT_CLOSE] = { "Поддержка на момент закрытия обсуждения",
	    "Supports when the discussion closed" },
	[W_HAVE_APPLIED] = { "Вы подали заявку на этот конкурс.",
	    "You have applied to this call." },
	[W_SEE_EDIT] = { "Ваша заявка: посмотреть и изменить",
	    "Your application: see and edit it" },
	[W_REAPPLY_HINT] = { "Вы отозвали заявку. Подав её снова, вы "
	    "восстановите её: страница кандидата, комментарии и поддержка "
	    "остаются прежними.", "You withdrew your application. Applying "
	    "again restores it: the candidate's page, comments and supports "
	    "stay as they were." },
	[W_MAIL_SUBJECT] = { "Решение по конкурсу",
	    "The decision on the open call" },
	[W_MAIL_CANDIDATE] = { "Комиссия приняла решение по конкурсу, в "
	    "котором вы подали заявку.", "The commission decided the open "
	    "call you applied to." },
	[W_MAIL_SUPPORTER] = { "Комиссия приняла решение по конкурсу, "
	    "кандидата которого вы поддержали.", "The commission decided the "
	    "open call whose candidate you supported." },
	[W_MAIL_LINK] = { "Решение", "The decision" },
};

static const enum cw phase_word[CALL_PHASE__MAX] = {
	W_P_ANNOUNCED, W_P_APPLICATIONS, W_P_DISCUSSION, W_P_PENDING,
	W_P_DECIDED,
};

static const enum cw state_word[CANDIDATE_STATE__MAX] = {
	W_S_ACTIVE, W_S_WITHDRAWN, W_S_REJECTED,
};

static const char *
cw(enum cw w, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_RU;
	return (unsigned)w < W__MAX ? words[w][l] : "";
}

/*
 * The fields names[] of a write, from its JSON body or its form, into v[]
 * (NULL: absent); numbers of a JSON body are written into num[].  *doc
 * holds the body until the caller releases it.  0, or -1 after a 400.
 */
#define MAX_FIELDS 8
static int
read_fields(struct http_request *req, struct http_response *res,
    struct web_ctx *c, const char *const *names, const char **v,
    char num[][32], json_t **doc)
{
	const char *type = http_request_header(req, "Content-Type");
	char err[256];
	const void *body;
	size_t i, len;

	*doc = NULL;
	if (strncmp(http_request_path(req), "/api/", 5) == 0)
		c->html = 0;
	if (type != NULL && strncmp(type, "application/json", 16) == 0) {
		c->html = 0;
		body = http_request_body(req, &len);
		if ((*doc = body_json_parse(body, len, err, sizeof(err))) ==
		    NULL) {
			web_fail(req, res, c, 400, "body", err);
			return -1;
		}
	}
	for (i = 0; names[i] != NULL && i < MAX_FIELDS; i++)
		v[i] = *doc != NULL ? body_json_field(*doc, names[i], num[i],
		    32) : http_request_param(req, names[i]);
	return 0;
}

/* Path variable name as an id, or -1 after a 404. */
static int64_t
path_num(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const char *name)
{
	int64_t id;

	if (parse_int64(http_request_var(req, name), 1, INT64_MAX, &id) == -1) {
		web_fail(req, res, c, 404, name, strcmp(name, "id") == 0 ?
		    "id: no such call" : "cid: no such candidate");
		return -1;
	}
	return id;
}

/* JSON */

static json_t *
call_json(const struct call *k, int64_t now)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, "
	    "s:o, s:o, s:I}", "id", (json_int_t)k->id, "post", k->post,
	    "body", k->body, "members", k->members, "requirements",
	    k->requirements, "phase", call_phase_name(call_phase(k, now)),
	    "opens", reply_time(k->opens), "applications_close",
	    reply_time(k->apps_close), "discussion_close",
	    reply_time(k->discussion_close), "decision",
	    reply_time(k->decision_due), "created", reply_time(k->created),
	    "candidates", (json_int_t)k->candidates);

	if (o != NULL)
		json_object_set_new(o, "decided", k->decided != 0 ?
		    json_pack("{s:o, s:o, s:s, s:s}", "at",
		    reply_time(k->decided), "chosen", k->chosen > 0 ?
		    json_integer((json_int_t)k->chosen) : json_null(),
		    "reasons", k->reasons != NULL ? k->reasons : "", "vote",
		    k->vote != NULL ? k->vote : "") : json_null());
	return o;
}

static json_t *
candidate_json(const struct candidate *k, int supported)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, "
	    "s:o}", "id", (json_int_t)k->id, "call", (json_int_t)k->call,
	    "name", k->name, "experience", k->experience, "education",
	    k->education, "programme", k->programme, "state",
	    candidate_state_name(k->state), "supports",
	    (json_int_t)k->supports, "applied", reply_time(k->created),
	    "updated", reply_time(k->updated));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "reason", reply_str(k->reason));
	if (supported >= 0)
		json_object_set_new(o, "supported", json_boolean(supported));
	return o;
}

/* Lists */

struct list {
	struct html *h;
	json_t *arr;
	int64_t now;
	size_t n;
};

static void
phase_badge(struct html *h, enum call_phase ph, const char *id)
{
	html_f(h, "<span class=\"call-phase call-%r\"%r%r%r>%s</span>",
	    call_phase_name(ph), id != NULL ? " id=\"" : "", id != NULL ? id :
	    "", id != NULL ? "\"" : "", cw(phase_word[ph], h->lang));
}

static int
on_list(const struct call *k, void *arg)
{
	struct list *l = arg;
	struct html *h = l->h;

	l->n++;
	if (l->arr != NULL)
		return json_array_append_new(l->arr, call_json(k, l->now));
	html_f(h, "<li class=\"call-item\" id=\"call-%D\"><a href=\"/calls/%D\">"
	    "%s</a> ", k->id, k->id, k->post);
	phase_badge(h, call_phase(k, l->now), NULL);
	html_f(h, " <span class=\"call-meta\">%s: %s · %s: %D · %s ",
	    cw(W_BODY, h->lang), k->body, cw(W_CANDIDATES, h->lang),
	    k->candidates, cw(W_APPS_CLOSE, h->lang));
	html_date(h, k->apps_close);
	html_raw(h, "</span></li>\n");
	return h->failed ? -1 : 0;
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
	html_page_begin(&h, cw(W_TITLE, c.lang), "calls", "/calls", c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n", cw(W_TITLE, c.lang));
	if (call_may_manage(c.act))
		html_f(&h, "<p><a class=\"button\" href=\"/calls/new\" "
		    "id=\"call-new\">%s</a></p>\n", cw(W_ANNOUNCE, c.lang));
	html_raw(&h, "<ol class=\"calls\" id=\"call-list\">\n");
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.now = app_now(c.app);
	if (call_each(c.store, 0, on_list, &l) != 0)
		return -1;
	html_raw(&h, "</ol>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"call-none\">%s</p>\n", cw(W_NONE, c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
api_list(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct list l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	l.now = app_now(c.app);
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (call_each(c.store, 0, on_list, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

/* /calls/new: an administrator's announcement form. */
static int
new_page(struct http_request *req, struct http_response *res, void *arg)
{
	static const struct { const char *name; enum cw label; } dates[] = {
		{ "opens", W_OPENS }, { "applications_close", W_APPS_CLOSE },
		{ "discussion_close", W_DISC_CLOSE },
		{ "decision", W_DECISION_DAY },
	};
	struct web_ctx c;
	struct html h;
	size_t i;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	web_html_init(&h, res, &c);
	html_page_begin(&h, cw(W_ANNOUNCE, c.lang), "call-new", "/calls/new",
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<form method=\"post\" action=\"/calls\" "
	    "id=\"call-form\" class=\"stack\">\n<input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\">\n<label for=\"c-post\">%s</label>"
	    "<input id=\"c-post\" name=\"post\" required maxlength=\"%d\">\n"
	    "<label for=\"c-body\">%s</label><input id=\"c-body\" name=\"body\" "
	    "required maxlength=\"%d\">\n<label for=\"c-members\">%s</label>"
	    "<textarea id=\"c-members\" name=\"members\" rows=\"3\" required "
	    "maxlength=\"%d\"></textarea>\n<label for=\"c-reqs\">%s</label>"
	    "<textarea id=\"c-reqs\" name=\"requirements\" rows=\"6\" required "
	    "maxlength=\"%d\"></textarea>\n", cw(W_ANNOUNCE, c.lang),
	    c.session_csrf != NULL ? c.session_csrf : "", cw(W_POST, c.lang),
	    VECHE_CALL_MAX_POST, cw(W_BODY, c.lang), VECHE_CALL_MAX_BODY,
	    cw(W_MEMBERS, c.lang), VECHE_CALL_MAX_MEMBERS, cw(W_REQS, c.lang),
	    VECHE_CALL_MAX_REQUIREMENTS);
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		html_f(&h, "<label for=\"c-%r\">%s (%s)</label><input "
		    "id=\"c-%r\" name=\"%r\" type=\"date\" required>\n",
		    dates[i].name, cw(dates[i].label, c.lang),
		    cw(W_DATE_HINT, c.lang), dates[i].name, dates[i].name);
	html_f(&h, "<button type=\"submit\" id=\"call-submit\">%s</button>\n"
	    "</form>\n", cw(W_PUBLISH, c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* Writes */

static void
flash(struct html *h, const char *d)
{
	static const struct { const char *name; enum cw w; } flashes[] = {
		{ "announced", W_ANNOUNCED_MSG }, { "applied", W_APPLIED_MSG },
		{ "edited", W_EDITED_MSG }, { "withdrawn", W_WITHDRAWN_MSG },
		{ "rejected", W_REJECTED_MSG }, { "supported", W_SUPPORTED_MSG },
		{ "decided", W_DECIDED_MSG },
	};
	size_t i;

	for (i = 0; d != NULL && i < sizeof(flashes) / sizeof(flashes[0]);
	    i++)
		if (strcmp(d, flashes[i].name) == 0)
			html_f(h, "<p class=\"flash\" role=\"status\" "
			    "id=\"call-flash\">%s</p>\n", cw(flashes[i].w,
			    h->lang));
}

/* Answer a write done: JSON, or 303 to the page it changed. */
static int
written(struct http_response *res, const struct web_ctx *c, int status,
    int64_t call, int64_t cid, const char *what)
{
	char where[128];

	if (!c->html)
		return reply_json(res, status, json_pack("{s:I, s:o, s:s}", "id",
		    (json_int_t)(cid > 0 ? cid : call), "call", json_integer(
		    (json_int_t)call), "done", what));
	if (cid > 0)
		snprintf(where, sizeof(where), "/calls/%" PRId64 "/candidates/%"
		    PRId64 "?done=%s", call, cid, what);
	else
		snprintf(where, sizeof(where), "/calls/%" PRId64 "?done=%s",
		    call, what);
	return social_see_other(res, where);
}

enum write { WR_ANNOUNCE, WR_APPLY, WR_EDIT, WR_WITHDRAW, WR_REJECT,
	WR_SUPPORT, WR_DECIDE, WR__MAX };

static const char *const write_done[WR__MAX] = {
	"announced", "applied", "edited", "withdrawn", "rejected", "supported",
	"decided",
};

/* Each write's fields, in the order the switch below reads them. */
static const char *const f_announce[] = { "post", "body", "members",
	"requirements", "opens", "applications_close", "discussion_close",
	"decision", NULL };
static const char *const f_apply[] = { "name", "experience", "education",
	"programme", NULL };
static const char *const f_reject[] = { "reason", NULL };
static const char *const f_decide[] = { "chosen", "reasons", "vote", NULL };
static const char *const f_none[] = { NULL };

static const char *const *const write_fields[WR__MAX] = {
	f_announce, f_apply, f_apply, f_none, f_reject, f_none, f_decide,
};

/* Candidate cid's call, for the check that the path names the pair. */
static int
on_call_of(const struct candidate *k, void *arg)
{
	*(int64_t *)arg = k->call;
	return 0;
}

/* {cid} of call: 0, or -1 after a 404 (no such candidate of call). */
static int
path_candidate(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int64_t call, int64_t *cid)
{
	int64_t of = 0;
	int rc;

	if ((*cid = path_num(req, res, c, "cid")) == -1)
		return -1;
	if ((rc = candidate_get(c->store, *cid, on_call_of, &of)) == -1)
		return -2;
	if (rc == 1 || of != call) {
		web_fail(req, res, c, 404, "cid", "cid: no such candidate of "
		    "this call");
		return -1;
	}
	return 0;
}

static void tell_decision(struct http_request *req,
    const struct web_ctx *c, int64_t call);

static int
call_write(struct http_request *req, struct http_response *res, void *arg,
    enum write what)
{
	const char *v[MAX_FIELDS] = { NULL };
	char num[MAX_FIELDS][32];
	struct candidate_input ki;
	struct call_input ci;
	struct web_ctx c;
	struct verr e;
	json_t *doc = NULL;
	int64_t id = 0, cid = 0, now;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (what != WR_ANNOUNCE && (id = path_num(req, res, &c, "id")) == -1)
		return 0;
	if (what != WR_ANNOUNCE && what != WR_APPLY && what != WR_DECIDE &&
	    (rc = path_candidate(req, res, &c, id, &cid)) != 0)
		return rc == -1 ? 0 : -1;
	if (read_fields(req, res, &c, write_fields[what], v, num, &doc) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	memset(&ki, 0, sizeof(ki));
	memset(&ci, 0, sizeof(ci));
	now = app_now(c.app);
	ki.name = v[0];
	ki.experience = v[1];
	ki.education = v[2];
	ki.programme = v[3];
	switch (what) {
	case WR_ANNOUNCE:
		ci.post = v[0];
		ci.body = v[1];
		ci.members = v[2];
		ci.requirements = v[3];
		ci.opens = v[4];
		ci.apps_close = v[5];
		ci.discussion_close = v[6];
		ci.decision = v[7];
		rc = call_announce(c.store, c.act, &ci, now, &id, &e);
		break;
	case WR_APPLY:
		rc = call_apply(c.store, c.act, id, &ki, now, &cid, &e);
		break;
	case WR_EDIT:
		rc = candidate_edit(c.store, c.act, cid, &ki, now, &e);
		break;
	case WR_WITHDRAW:
		rc = candidate_withdraw(c.store, c.act, cid, now, &e);
		break;
	case WR_REJECT:
		rc = candidate_reject(c.store, c.act, cid, v[0], now, &e);
		break;
	case WR_SUPPORT:
		rc = candidate_support(c.store, c.act, cid, now, &e);
		break;
	default:
		rc = call_decide(c.store, c.act, id, v[0], v[1], v[2], now, &e);
		break;
	}
	if (rc == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else {
		if (what == WR_DECIDE)
			tell_decision(req, &c, id);
		rc = written(res, &c, what == WR_ANNOUNCE || what == WR_APPLY ?
		    201 : 200, id, cid, write_done[what]);
	}
	json_decref(doc);
	return rc;
}

static int
announce(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_ANNOUNCE);
}

static int
apply(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_APPLY);
}

static int
edit(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_EDIT);
}

static int
withdraw(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_WITHDRAW);
}

static int
reject(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_REJECT);
}

static int
support(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_SUPPORT);
}

static int
decide(struct http_request *req, struct http_response *res, void *arg)
{
	return call_write(req, res, arg, WR_DECIDE);
}

/* A call's page and its JSON. */

/* The call, copied out of the store's callback. */
struct shown {
	struct call k;
	char *post, *body, *members, *requirements, *reasons, *vote;
	int found;
};

static char *
dup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
on_shown(const struct call *k, void *arg)
{
	struct shown *sh = arg;

	sh->k = *k;
	sh->k.post = sh->post = dup(k->post);
	sh->k.body = sh->body = dup(k->body);
	sh->k.members = sh->members = dup(k->members);
	sh->k.requirements = sh->requirements = dup(k->requirements);
	sh->k.reasons = sh->reasons = dup(k->reasons);
	sh->k.vote = sh->vote = dup(k->vote);
	sh->found = 1;
	return sh->post == NULL || sh->body == NULL || sh->members == NULL ||
	    sh->requirements == NULL ? -1 : 0;
}

static void
shown_clear(struct shown *sh)
{
	free(sh->post);
	free(sh->body);
	free(sh->members);
	free(sh->requirements);
	free(sh->reasons);
	free(sh->vote);
	memset(sh, 0, sizeof(*sh));
}

/* Call id into sh: 0, or -1 after an answer (404) or with rc -2 (store). */
static int
load_shown(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int64_t id, struct shown *sh)
{
	int rc;

	memset(sh, 0, sizeof(*sh));
	rc = call_get(c->store, id, on_shown, sh);
	if (rc == 0 && sh->found)
		return 0;
	shown_clear(sh);
	if (rc == -1)
		return -2;
	web_fail(req, res, c, 404, "id", "id: no such call");
	return -1;
}

/* The candidates' rows of a call's page (or its JSON array). */
struct rows {
	struct html *h;
	const struct web_ctx *c;
	json_t *arr;
	int64_t call, chosen, mine;
	int decide;                     /* options of the decision form */
	size_t n;
};

static int
on_row(const struct candidate *k, void *arg)
{
	struct rows *r = arg;
	struct html *h = r->h;

	r->n++;
	if (r->c->act != NULL && k->user == r->c->act->user_id)
		r->mine = k->id;
	if (r->arr != NULL)
		return json_array_append_new(r->arr, candidate_json(k, -1));
	if (r->decide) {
		if (k->state == CANDIDATE_ACTIVE)
			html_f(h, "<option value=\"%D\">%s</option>\n", k->id,
			    k->name);
		return h->failed ? -1 : 0;
	}
	html_f(h, "<tr id=\"candidate-%D\"%r><td><a href=\"/calls/%D/"
	    "candidates/%D\">%s</a>%r%s%r</td><td class=\"candidate-%r\">%s"
	    "</td><td class=\"num\">%D</td></tr>\n", k->id, k->id == r->chosen ?
	    " class=\"chosen\"" : "", r->call, k->id, k->name, k->id ==
	    r->chosen ? " — <strong>" : "", k->id == r->chosen ?
	    cw(W_CHOSEN_IS, h->lang) : "", k->id == r->chosen ? "</strong>" : "",
	    candidate_state_name(k->state), cw(state_word[k->state], h->lang),
	    k->supports);
	return h->failed ? -1 : 0;
}

static void
dates_list(struct html *h, const struct call *k)
{
	html_f(h, "<dl class=\"call-dates\" id=\"call-dates\">\n<dt>%s</dt><dd>",
	    cw(W_OPENS, h->lang));
	html_date(h, k->opens);
	html_f(h, "</dd>\n<dt>%s</dt><dd>", cw(W_APPS_CLOSE, h->lang));
	html_date(h, k->apps_close);
	html_f(h, "</dd>\n<dt>%s</dt><dd>", cw(W_DISC_CLOSE, h->lang));
	html_date(h, k->discussion_close);
	html_f(h, "</dd>\n<dt>%s</dt><dd>", cw(W_DECISION_DAY, h->lang));
	html_date(h, k->decision_due);
	html_raw(h, "</dd>\n</dl>\n");
}

static int
decision_form(struct html *h, const struct web_ctx *c, const struct call *k)
{
	struct rows r;

	html_f(h, "<section aria-labelledby=\"decide-title\"><h2 "
	    "id=\"decide-title\">%s</h2>\n<form method=\"post\" "
	    "action=\"/calls/%D/decision\" id=\"decision-form\" "
	    "class=\"stack\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n<label for=\"d-chosen\">%s</label><select "
	    "id=\"d-chosen\" name=\"chosen\">\n<option value=\"none\">%s"
	    "</option>\n", cw(W_DECIDE, h->lang), k->id, c->session_csrf,
	    cw(W_CHOSEN, h->lang), cw(W_NOBODY, h->lang));
	memset(&r, 0, sizeof(r));
	r.h = h;
	r.c = c;
	r.decide = 1;
	if (candidate_each(c->store, k->id, on_row, &r) != 0)
		return -1;
	html_f(h, "</select>\n<label for=\"d-reasons\">%s</label><textarea "
	    "id=\"d-reasons\" name=\"reasons\" rows=\"5\" required "
	    "maxlength=\"%d\"></textarea>\n<label for=\"d-vote\">%s</label>"
	    "<textarea id=\"d-vote\" name=\"vote\" rows=\"3\" required "
	    "maxlength=\"%d\"></textarea>\n<button type=\"submit\" "
	    "id=\"decision-submit\">%s</button>\n</form>\n</section>\n",
	    cw(W_REASONS, h->lang), VECHE_CALL_MAX_REASON,
	    cw(W_VOTE, h->lang), VECHE_CALL_MAX_REASON, cw(W_DECIDE, h->lang));
	return h->failed ? -1 : 0;
}

/* The name of candidate chosen, into buf. */
struct name_buf {
	char name[VECHE_CALL_MAX_NAME * 4 + 1];
};

static int
on_name(const struct candidate *k, void *arg)
{
	struct name_buf *b = arg;

	snprintf(b->name, sizeof(b->name), "%s", k->name);
	return 0;
}

/* The accounts told of a decision, read before any is mailed. */
struct audience {
	struct {
		int64_t user;
		int candidate;
	} *v;
	size_t n;
};

static int
on_audience(int64_t user, int candidate, void *arg)
{
	struct audience *a = arg;

	if (a->n >= VECHE_CALL_AUDIENCE)
		return 0;
	a->v[a->n].user = user;
	a->v[a->n].candidate = candidate;
	a->n++;
	return 0;
}

static int
on_email(const struct store_user *u, void *arg)
{
	char *to = arg;

	snprintf(to, VECHE_MAX_EMAIL + 1, "%s", u->email != NULL ? u->email :
	    "");
	return 0;
}

/* One account's letter of call k's decision, in Russian and English. */
static void
mail_decision(const struct web_ctx *c, const struct call *k,
    const char *chosen, const char *url, int64_t user, int candidate)
{
	char to[VECHE_MAX_EMAIL + 1], subject[160], err[VECHE_MAX_DELIVERY_ERROR];
	struct letter l;
	int lang;

	to[0] = '\0';
	if (account_get(c->store, user, on_email, to) != 0 || to[0] == '\0')
		return;
	snprintf(subject, sizeof(subject), "%s / %s", cw(W_MAIL_SUBJECT,
	    LANG_RU), cw(W_MAIL_SUBJECT, LANG_EN));
	memset(&l, 0, sizeof(l));
	if (letter_init(&l, LANG_RU, subject) == -1) {
		letter_free(&l);
		return;
	}
	for (lang = 0; lang < LANG__MAX; lang++) {
		letter_para(&l, cw(candidate ? W_MAIL_CANDIDATE :
		    W_MAIL_SUPPORTER, (enum lang)lang));
		letter_field(&l, cw(W_POST, (enum lang)lang), k->post);
		letter_field(&l, cw(W_CHOSEN_IS, (enum lang)lang), chosen !=
		    NULL ? chosen : cw(W_NOBODY, (enum lang)lang));
		letter_field(&l, cw(W_REASONS, (enum lang)lang), k->reasons);
	}
	letter_link(&l, cw(W_MAIL_LINK, LANG_RU), url);
	letter_para(&l, "-- \nВече / Veche");
	letter_end(&l);
	if (delivery_mail_now(c->store, to, subject, &l, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "veche: call decision mail: %s\n", err);
	letter_free(&l);
}

/*
 * Tell the candidates and supporters of call (each account once, if it
 * has an e-mail) of its decision, just published.  Failures are logged:
 * the decision stands.
 */
static void
tell_decision(struct http_request *req, const struct web_ctx *c,
    int64_t call)
{
	struct audience a;
	struct name_buf b;
	struct shown sh;
	const char *url;
	char path[64];
	size_t i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&sh, 0, sizeof(sh));
	snprintf(path, sizeof(path), "/calls/%lld", (long long)call);
	if (call_get(c->store, call, on_shown, &sh) != 0 || !sh.found ||
	    (sh.k.chosen > 0 && candidate_get(c->store, sh.k.chosen, on_name,
	    &b) != 0) || (url = web_url(req, c, http_request_strdup(req,
	    path))) == NULL || (a.v = calloc(VECHE_CALL_AUDIENCE,
	    sizeof(*a.v))) == NULL || call_audience(c->store, call,
	    on_audience, &a) == -1)
		fputs("veche: call decision mail: the call could not be read\n",
		    stderr);
	else
		for (i = 0; i < a.n; i++)
			mail_decision(c, &sh.k, sh.k.chosen > 0 ? b.name : NULL,
			    url, a.v[i].user, a.v[i].candidate);
	free(a.v);
	shown_clear(&sh);
}

static int
decision_section(struct html *h, const struct web_ctx *c,
    const struct call *k)
{
	struct name_buf b;

	html_f(h, "<section class=\"call-decision\" id=\"call-decision\" "
	    "aria-labelledby=\"decision-title\"><h2 id=\"decision-title\">%s"
	    "</h2>\n<p>", cw(W_DECISION, h->lang));
	html_date(h, k->decided);
	html_raw(h, "</p>\n");
	memset(&b, 0, sizeof(b));
	if (k->chosen > 0) {
		if (candidate_get(c->store, k->chosen, on_name, &b) == -1)
			return -1;
		html_f(h, "<p id=\"call-chosen\">%s: <a href=\"/calls/%D/"
		    "candidates/%D\">%s</a></p>\n", cw(W_CHOSEN_IS, h->lang),
		    k->id, k->chosen, b.name);
	} else
		html_f(h, "<p id=\"call-chosen\">%s</p>\n",
		    cw(W_NOBODY_CHOSEN, h->lang));
	html_f(h, "<h3>%s</h3>\n<div class=\"call-text\" id=\"call-reasons\">"
	    "%s</div>\n<h3>%s</h3>\n<div class=\"call-text\" id=\"call-vote\">"
	    "%s</div>\n</section>\n", cw(W_REASONS, h->lang), k->reasons,
	    cw(W_VOTE, h->lang), k->vote);
	return h->failed ? -1 : 0;
}

static int
call_page(struct html *h, struct http_request *req, struct web_ctx *c,
    const struct call *k, int64_t now)
{
	enum call_phase ph = call_phase(k, now);
	struct rows r;
	char path[48];

	snprintf(path, sizeof(path), "/calls/%lld", (long long)k->id);
	html_page_begin(h, k->post, "call", path, c->csrf, 0);
	html_f(h, "<article class=\"call\" id=\"call\" data-id=\"%D\">\n<p><a "
	    "href=\"/calls\">%s</a></p>\n", k->id, cw(W_BACK, h->lang));
	flash(h, http_request_param(req, "done"));
	html_f(h, "<h1>%s</h1>\n<p>%s: ", k->post, cw(W_PHASE, h->lang));
	phase_badge(h, ph, "call-phase");
	html_f(h, "</p>\n<p id=\"call-body\"><strong>%s:</strong> %s</p>\n"
	    "<h2>%s</h2>\n<div class=\"call-text\" id=\"call-members\">%s</div>\n"
	    "<h2>%s</h2>\n<div class=\"call-text\" id=\"call-requirements\">%s"
	    "</div>\n", cw(W_BODY, h->lang), k->body, cw(W_MEMBERS, h->lang),
	    k->members, cw(W_REQS, h->lang), k->requirements);
	dates_list(h, k);
	if (k->decided != 0 && decision_section(h, c, k) == -1)
		return -1;
	html_f(h, "<section aria-labelledby=\"cand-title\"><h2 "
	    "id=\"cand-title\">%s</h2>\n", cw(W_CANDIDATES, h->lang));
	if (ph >= CALL_PENDING)
		html_f(h, "<p class=\"hint\">%s</p>\n", cw(W_COUNT_AT_CLOSE,
		    h->lang));
	html_f(h, "<div class=\"table-wrap\" tabindex=\"0\"><table "
	    "id=\"candidates\"><thead><tr><th scope=\"col\">%s</th><th "
	    "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n"
	    "<tbody>\n", cw(W_NAME, h->lang), cw(W_STATE, h->lang),
	    cw(W_SUPPORTS, h->lang));
	memset(&r, 0, sizeof(r));
	r.h = h;
	r.c = c;
	r.call = k->id;
	r.chosen = k->chosen;
	if (candidate_each(c->store, k->id, on_row, &r) != 0)
		return -1;
	html_raw(h, "</tbody></table></div>\n");
	if (r.n == 0)
		html_f(h, "<p id=\"candidates-none\">%s</p>\n",
		    cw(W_NO_CANDIDATES, h->lang));
	if (r.mine > 0)
		html_f(h, "<p><a href=\"/calls/%D/candidates/%D\" "
		    "id=\"call-mine\">%s</a></p>\n", k->id, r.mine,
		    cw(W_YOURS, h->lang));
	else if (ph == CALL_APPLICATIONS)
		html_f(h, "<p><a class=\"button\" href=\"/calls/%D/apply\" "
		    "id=\"call-apply\">%s</a></p>\n", k->id,
		    cw(W_APPLY, h->lang));
	html_f(h, "<p class=\"hint\" id=\"call-art11\">%s</p>\n</section>\n",
	    cw(W_ART11, h->lang));
	if (ph == CALL_PENDING && call_may_manage(c->act) &&
	    decision_form(h, c, k) == -1)
		return -1;
	html_raw(h, "</article>\n");
	html_page_end(h);
	return h->failed ? -1 : 0;
}

static int
show(struct http_request *req, struct http_response *res, void *arg,
    int api)
{
	struct shown sh;
	struct web_ctx c;
	struct html h;
	struct rows r;
	json_t *doc;
	int64_t id, now;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (api)
		c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1)
		return 0;
	if ((rc = load_shown(req, res, &c, id, &sh)) != 0)
		return rc == -1 ? 0 : -1;
	now = app_now(c.app);
	if (c.html) {
		web_html_init(&h, res, &c);
		rc = call_page(&h, req, &c, &sh.k, now);
		shown_clear(&sh);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.c = &c;
	doc = call_json(&sh.k, now);
	shown_clear(&sh);
	if (doc == NULL || (r.arr = json_array()) == NULL ||
	    candidate_each(c.store, id, on_row, &r) != 0) {
		json_decref(doc);
		json_decref(r.arr);
		return -1;
	}
	json_object_set_new(doc, "candidates", r.arr);
	return reply_json(res, 200, doc);
}

static int
page(struct http_request *req, struct http_response *res, void *arg)
{
	return show(req, res, arg, 0);
}

static int
api_show(struct http_request *req, struct http_response *res, void *arg)
{
	return show(req, res, arg, 1);
}

/* The signed-in account's application, copied out of the callback. */
struct mine {
	struct candidate k;
	char *name, *experience, *education, *programme;
};

static int
on_mine(const struct candidate *k, void *arg)
{
	struct mine *m = arg;

	m->k = *k;
	m->k.name = m->k.experience = m->k.education = m->k.programme =
	    m->k.reason = NULL;
	m->name = dup(k->name);
	m->experience = dup(k->experience);
	m->education = dup(k->education);
	m->programme = dup(k->programme);
	return m->name == NULL || m->experience == NULL ||
	    m->education == NULL || m->programme == NULL ? -1 : 0;
}

static void
mine_clear(struct mine *m)
{
	free(m->name);
	free(m->experience);
	free(m->education);
	free(m->programme);
	memset(m, 0, sizeof(*m));
}

/* /calls/{id}/apply: the application form, or the account's application. */
static int
apply_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct mine mine;
	struct shown sh;
	struct web_ctx c;
	struct html h;
	char path[64];
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if ((id = path_num(req, res, &c, "id")) == -1)
		return 0;
	if ((rc = load_shown(req, res, &c, id, &sh)) != 0)
		return rc == -1 ? 0 : -1;
	snprintf(path, sizeof(path), "/calls/%lld/apply", (long long)id);
	web_html_init(&h, res, &c);
	html_page_begin(&h, cw(W_APPLY_TITLE, c.lang), "call-apply", path,
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<p><a href=\"/calls/%D\">%s</a></p>\n",
	    cw(W_APPLY_TITLE, c.lang), id, sh.k.post);
	memset(&mine, 0, sizeof(mine));
	if ((rc = candidate_mine(c.store, c.act, id, on_mine, &mine)) == -1) {
		shown_clear(&sh);
		return -1;
	}
	if (rc == 0 && mine.k.state != CANDIDATE_WITHDRAWN)
		/* One application per account: its page has the edit form. */
		html_f(&h, "<p id=\"apply-have\">%s</p>\n<p><a href=\"/calls/%D/"
		    "candidates/%D#candidate-edit\" id=\"apply-mine\">%s</a></p>\n",
		    cw(W_HAVE_APPLIED, c.lang), id, mine.k.id, cw(W_SEE_EDIT,
		    c.lang));
	else if (call_phase(&sh.k, app_now(c.app)) != CALL_APPLICATIONS)
		html_f(&h, "<p id=\"apply-closed\">%s</p>\n",
		    cw(W_APPS_NOT_OPEN, c.lang));
	else if (c.act == NULL)
		html_f(&h, "<p><a href=\"/login?next=%r\" id=\"apply-sign-in\">"
		    "%s</a></p>\n", path, cw(W_SIGN_IN, c.lang));
	else {
		/* A withdrawn application is restored by applying again: the
		 * form starts from it. */
		if (rc == 0)
			html_f(&h, "<p class=\"notice\" id=\"apply-again\">%s</p>\n",
			    cw(W_REAPPLY_HINT, c.lang));
		html_f(&h, "<form method=\"post\" action=\"/calls/%D/candidates\" "
		    "id=\"apply-form\" class=\"stack\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n<label for=\"a-name\">%s</label>"
		    "<input id=\"a-name\" name=\"name\" required maxlength=\"%d\" "
		    "value=\"%s\">\n<label for=\"a-exp\">%s</label><textarea "
		    "id=\"a-exp\" name=\"experience\" rows=\"5\" required "
		    "maxlength=\"%d\">%s</textarea>\n<label for=\"a-edu\">%s"
		    "</label><textarea id=\"a-edu\" name=\"education\" rows=\"3\" "
		    "required maxlength=\"%d\">%s</textarea>\n<label for=\"a-prog\">"
		    "%s (%s %d %s)</label><textarea id=\"a-prog\" name=\"programme\""
		    " rows=\"10\" required maxlength=\"%d\">%s</textarea>\n<button "
		    "type=\"submit\" id=\"apply-submit\">%s</button>\n</form>\n",
		    id, c.session_csrf, cw(W_NAME, c.lang), VECHE_CALL_MAX_NAME,
		    mine.name, cw(W_EXPERIENCE, c.lang),
		    VECHE_CALL_MAX_EXPERIENCE, mine.experience,
		    cw(W_EDUCATION, c.lang), VECHE_CALL_MAX_EDUCATION,
		    mine.education, cw(W_PROGRAMME, c.lang), cw(W_PROGRAMME_MAX,
		    c.lang), VECHE_CALL_MAX_PROGRAMME, cw(W_CHARS, c.lang),
		    VECHE_CALL_MAX_PROGRAMME, mine.programme, cw(W_APPLY, c.lang));
	}
	mine_clear(&mine);
	shown_clear(&sh);
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* A candidate's page and its JSON. */

struct cpage {
	struct web_ctx *c;
	struct http_request *req;
	struct http_response *res;
	const struct call *call;
	int64_t now;
	json_t *doc;
	int found, rc;
};

static void
own_forms(struct html *h, const struct web_ctx *c, const struct candidate *k,
    enum call_phase ph)
{
	if (ph == CALL_APPLICATIONS)
		html_f(h, "<details id=\"candidate-edit\"><summary>%s</summary>\n"
		    "<form method=\"post\" action=\"/calls/%D/candidates/%D/edit\""
		    " id=\"edit-form\" class=\"stack\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n<label for=\"e-name\">%s</label>"
		    "<input id=\"e-name\" name=\"name\" required maxlength=\"%d\" "
		    "value=\"%s\">\n<label for=\"e-exp\">%s</label><textarea "
		    "id=\"e-exp\" name=\"experience\" rows=\"5\" required "
		    "maxlength=\"%d\">%s</textarea>\n<label for=\"e-edu\">%s"
		    "</label><textarea id=\"e-edu\" name=\"education\" rows=\"3\" "
		    "required maxlength=\"%d\">%s</textarea>\n<label for=\"e-prog"
		    "\">%s</label><textarea id=\"e-prog\" name=\"programme\" "
		    "rows=\"10\" required maxlength=\"%d\">%s</textarea>\n<button "
		    "type=\"submit\">%s</button>\n</form>\n</details>\n",
		    cw(W_EDIT, h->lang), k->call, k->id, c->session_csrf,
		    cw(W_NAME, h->lang), VECHE_CALL_MAX_NAME, k->name,
		    cw(W_EXPERIENCE, h->lang), VECHE_CALL_MAX_EXPERIENCE,
		    k->experience, cw(W_EDUCATION, h->lang),
		    VECHE_CALL_MAX_EDUCATION, k->education,
		    cw(W_PROGRAMME, h->lang), VECHE_CALL_MAX_PROGRAMME,
		    k->programme, cw(W_SAVE, h->lang));
	html_f(h, "<form method=\"post\" action=\"/calls/%D/candidates/%D/"
	    "withdraw\" id=\"withdraw-form\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\"><button type=\"submit\" "
	    "id=\"withdraw-button\">%s</button></form>\n", k->call, k->id,
	    c->session_csrf, cw(W_WITHDRAW, h->lang));
}

static void
candidate_body(struct html *h, const struct cpage *pg,
    const struct candidate *k, int supported)
{
	const struct web_ctx *c = pg->c;
	enum call_phase ph = call_phase(pg->call, pg->now);

	html_f(h, "<article class=\"candidate\" id=\"candidate\" data-id=\"%D\">"
	    "\n<p><a href=\"/calls/%D\">%s</a></p>\n", k->id, k->call,
	    pg->call->post);
	flash(h, http_request_param(pg->req, "done"));
	html_f(h, "<h1 id=\"candidate-name\">%s</h1>\n<p>%s: <span "
	    "class=\"candidate-%r\" id=\"candidate-state\">%s</span> · %s: ",
	    k->name, cw(W_STATE, h->lang), candidate_state_name(k->state),
	    cw(state_word[k->state], h->lang), cw(W_PHASE, h->lang));
	phase_badge(h, ph, NULL);
	html_raw(h, "</p>\n");
	if (k->state == CANDIDATE_REJECTED && k->reason != NULL)
		html_f(h, "<p class=\"notice\" id=\"candidate-reason\">%s: %s"
		    "</p>\n", cw(W_REJECT_WHY, h->lang), k->reason);
	html_f(h, "<h2>%s</h2>\n<div class=\"call-text\" id=\"candidate-"
	    "experience\">%s</div>\n<h2>%s</h2>\n<div class=\"call-text\" "
	    "id=\"candidate-education\">%s</div>\n<h2>%s</h2>\n<div "
	    "class=\"call-text\" id=\"candidate-programme\">%s</div>\n<p "
	    "class=\"candidate-supports\">%s: <strong id=\"candidate-supports\">"
	    "%D</strong></p>\n<p class=\"hint\">%s</p>\n",
	    cw(W_EXPERIENCE, h->lang), k->experience, cw(W_EDUCATION, h->lang),
	    k->education, cw(W_PROGRAMME, h->lang), k->programme,
	    cw(W_SUPPORTS, h->lang), k->supports, cw(W_SUPPORT_HINT, h->lang));
	if (supported == 1)
		html_f(h, "<p class=\"voted\" id=\"candidate-supported\">%s</p>\n",
		    cw(W_SUPPORTED, h->lang));
	else if (k->state == CANDIDATE_ACTIVE && (ph == CALL_APPLICATIONS ||
	    ph == CALL_DISCUSSION)) {
		if (c->act == NULL)
			html_f(h, "<p><a href=\"/login?next=/calls/%D/candidates/"
			    "%D\" id=\"candidate-sign-in\">%s</a></p>\n",
			    k->call, k->id, cw(W_SIGN_IN, h->lang));
		else
			html_f(h, "<form method=\"post\" action=\"/calls/%D/"
			    "candidates/%D/support\" id=\"support-form\"><input "
			    "type=\"hidden\" name=\"csrf\" value=\"%s\"><button "
			    "type=\"submit\" id=\"support-button\">%s</button>"
			    "</form>\n", k->call, k->id, c->session_csrf,
			    cw(W_SUPPORT, h->lang));
	}
	if (k->state == CANDIDATE_ACTIVE && ph < CALL_DECIDED &&
	    c->act != NULL && c->act->user_id == k->user)
		own_forms(h, c, k, ph);
	if (k->state == CANDIDATE_ACTIVE && ph < CALL_DECIDED &&
	    call_may_manage(c->act))
		html_f(h, "<details id=\"candidate-reject\"><summary>%s</summary>"
		    "\n<form method=\"post\" action=\"/calls/%D/candidates/%D/"
		    "reject\" id=\"reject-form\" class=\"stack\">\n<input "
		    "type=\"hidden\" name=\"csrf\" value=\"%s\">\n<label "
		    "for=\"r-reason\">%s</label><textarea id=\"r-reason\" "
		    "name=\"reason\" rows=\"3\" required maxlength=\"%d\">"
		    "</textarea>\n<button type=\"submit\">%s</button>\n</form>\n"
		    "</details>\n", cw(W_REJECT, h->lang), k->call, k->id,
		    c->session_csrf, cw(W_REJECT_REASON, h->lang),
		    VECHE_CALL_MAX_REASON, cw(W_REJECT, h->lang));
	html_f(h, "<p class=\"hint\" id=\"call-art11\">%s</p>\n",
	    cw(W_ART11, h->lang));
}

static int
on_candidate_page(const struct candidate *k, void *arg)
{
	struct cpage *pg = arg;
	struct web_ctx *c = pg->c;
	struct html h;
	char path[96];
	int supported;

	if (k->call != pg->call->id)
		return 0;
	pg->found = 1;
	if ((supported = candidate_supported(c->store, c->act, k->id)) == -1)
		return -1;
	if (!c->html) {
		pg->doc = candidate_json(k, c->act != NULL ? supported : -1);
		return pg->doc != NULL ? 0 : -1;
	}
	snprintf(path, sizeof(path), "/calls/%lld/candidates/%lld",
	    (long long)k->call, (long long)k->id);
	web_html_init(&h, pg->res, c);
	html_page_begin(&h, k->name, "candidate", path, c->csrf, 0);
	candidate_body(&h, pg, k, supported);
	/* Comments: the one comment system (web_comments.c). */
	if (web_comments_section(&h, c, pg->req, "call_candidate", k->id,
	    path, "/api/v1/comments") == -1)
		return -1;
	html_raw(&h, "</article>\n");
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
candidate_show(struct http_request *req, struct http_response *res,
    void *arg, int api)
{
	struct cpage pg;
	struct shown sh;
	struct web_ctx c;
	int64_t id, cid;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (api)
		c.html = 0;
	if ((id = path_num(req, res, &c, "id")) == -1 ||
	    (cid = path_num(req, res, &c, "cid")) == -1)
		return 0;
	if ((rc = load_shown(req, res, &c, id, &sh)) != 0)
		return rc == -1 ? 0 : -1;
	memset(&pg, 0, sizeof(pg));
	pg.c = &c;
	pg.req = req;
	pg.res = res;
	pg.call = &sh.k;
	pg.now = app_now(c.app);
	rc = candidate_get(c.store, cid, on_candidate_page, &pg);
	shown_clear(&sh);
	if (rc == 1 || (rc == 0 && !pg.found)) {
		json_decref(pg.doc);
		return web_fail(req, res, &c, 404, "cid", "cid: no such "
		    "candidate of this call");
	}
	if (rc != 0) {
		json_decref(pg.doc);
		return -1;
	}
	return c.html ? 0 : reply_json(res, 200, pg.doc);
}

static int
candidate_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	return candidate_show(req, res, arg, 0);
}

static int
api_candidate(struct http_request *req, struct http_response *res, void *arg)
{
	return candidate_show(req, res, arg, 1);
}

/*
 * /candidates/{cid}: the comment system's address of a candidate
 * (core/social.c's kinds), sent on to the page with the comment notices.
 */
static int
candidate_redirect(struct http_request *req, struct http_response *res,
    void *arg)
{
	static const char *const keep[] = { "held", "voted", "flagged",
		"order" };
	struct web_ctx c;
	char where[256];
	const char *v;
	int64_t cid, call = 0;
	size_t i, n;
	int rc, k;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if ((cid = path_num(req, res, &c, "cid")) == -1)
		return 0;
	if ((rc = candidate_get(c.store, cid, on_call_of, &call)) == -1)
		return -1;
	if (rc == 1 || call == 0)
		return web_fail(req, res, &c, 404, "cid", "cid: no such "
		    "candidate");
	n = (size_t)snprintf(where, sizeof(where), "/calls/%" PRId64
	    "/candidates/%" PRId64, call, cid);
	for (i = 0, k = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		v = http_request_param(req, keep[i]);
		if (v == NULL || strlen(v) > 20 || strspn(v,
		    "0123456789abcdefghijklmnopqrstuvwxyz") != strlen(v))
			continue;
		n += (size_t)snprintf(where + n, sizeof(where) - n, "%c%s=%s",
		    k++ ? '&' : '?', keep[i], v);
		if (n >= sizeof(where))
			return -1;
	}
	return social_see_other(res, where);
}

static const char *const p_lang[] = { "lang", NULL };
static const char *const p_page[] = { "lang", "done", NULL };
static const char *const p_cand[] = { "lang", "done", "order", "voted",
	"flagged", "held", NULL };
static const char *const p_announce[] = { "lang", "csrf", "post", "body",
	"members", "requirements", "opens", "applications_close",
	"discussion_close", "decision", NULL };
static const char *const p_apply[] = { "lang", "csrf", "name",
	"experience", "education", "programme", NULL };
static const char *const p_csrf[] = { "lang", "csrf", NULL };
static const char *const p_reject[] = { "lang", "csrf", "reason", NULL };
static const char *const p_decide[] = { "lang", "csrf", "chosen",
	"reasons", "vote", NULL };

#define ADMIN ACCESS_ADMIN

static const struct http_route calls_table[] = {
	{ HTTP_GET, "/calls", list_page, 0, p_lang, 0 },
	{ HTTP_GET, "/calls/new", new_page, ADMIN, p_lang, 0 },
	{ HTTP_POST, "/calls", announce, ADMIN, p_announce, 0 },
	{ HTTP_GET, "/calls/{id}", page, 0, p_page, 0 },
	{ HTTP_GET, "/calls/{id}/apply", apply_page, 0, p_lang, 0 },
	{ HTTP_POST, "/calls/{id}/candidates", apply, ACCESS_USER, p_apply, 0 },
	{ HTTP_GET, "/calls/{id}/candidates/{cid}", candidate_page, 0, p_cand,
	    0 },
	{ HTTP_POST, "/calls/{id}/candidates/{cid}/edit", edit, ACCESS_USER,
	    p_apply, 0 },
	{ HTTP_POST, "/calls/{id}/candidates/{cid}/withdraw", withdraw,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/calls/{id}/candidates/{cid}/reject", reject, ADMIN,
	    p_reject, 0 },
	{ HTTP_POST, "/calls/{id}/candidates/{cid}/support", support,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/calls/{id}/decision", decide, ADMIN, p_decide, 0 },
	{ HTTP_GET, "/candidates/{cid}", candidate_redirect, 0, p_cand, 0 },
	{ HTTP_GET, "/api/v1/calls", api_list, 0, p_lang, 0 },
	{ HTTP_POST, "/api/v1/calls", announce, ADMIN, p_announce, 0 },
	{ HTTP_GET, "/api/v1/calls/{id}", api_show, 0, p_lang, 0 },
	{ HTTP_POST, "/api/v1/calls/{id}/candidates", apply, ACCESS_USER,
	    p_apply, 0 },
	{ HTTP_GET, "/api/v1/calls/{id}/candidates/{cid}", api_candidate, 0,
	    p_lang, 0 },
	{ HTTP_PUT, "/api/v1/calls/{id}/candidates/{cid}", edit, ACCESS_USER,
	    p_apply, 0 },
	{ HTTP_POST, "/api/v1/calls/{id}/candidates/{cid}/withdraw", withdraw,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/api/v1/calls/{id}/candidates/{cid}/reject", reject,
	    ADMIN, p_reject, 0 },
	{ HTTP_POST, "/api/v1/calls/{id}/candidates/{cid}/support", support,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/api/v1/calls/{id}/decision", decide, ADMIN, p_decide,
	    0 },
};

const struct http_route *
calls_routes(size_t *n)
{
	*n = sizeof(calls_table) / sizeof(calls_table[0]);
	return calls_table;
}
