/*
 * web_proposals.c: proposals (petitions) and agencies' "what we changed"
 * notes (core/proposals.h, docs/participation.md): the pages /proposals,
 * /proposals/new and /proposals/{id} (server-rendered, no script needed),
 * the JSON API under /api/v1/proposals and /api/v1/agencies/{code}/notes,
 * and the blocks the report page and the agency page show.
 *
 * Forms and JSON share one handler per write: a JSON body (or a client
 * that asks for JSON) gets JSON, a form gets 303 back to the page.
 * Nothing here names the author: a proposal's public view has no account.
 */
#include <inttypes.h>
#include <stdio.h>
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
#include "core/deadline.h"
#include "core/parse.h"
#include "core/proposals.h"
#include "http/http.h"

/* This module's words (the header's link is web_html.c's M_PROP_NAV). */
enum pw {
	W_TITLE, W_NEW, W_NONE, W_STATE, W_SORT, W_SORT_NEW, W_SORT_SUPPORTS,
	W_S_COLLECTING, W_S_REVIEW, W_S_ACCEPTED, W_S_REJECTED,
	W_S_IMPLEMENTED, W_HEADLINE, W_TEXT, W_SUBMIT, W_FROM_REPORT,
	W_SIGN_IN, W_SUPPORTS, W_OF, W_SUPPORT, W_SUPPORTED, W_COLLECT_UNTIL,
	W_LAPSED, W_ANSWER_DUE, W_DL_OK, W_DL_NEAR, W_DL_PASSED, W_DECISION,
	W_REASON, W_DECIDE, W_ACCEPT, W_REJECT, W_IMPLEMENT, W_EDIT, W_SAVE,
	W_EDIT_HINT, W_CREATED, W_SUPPORTED_MSG, W_REVIEW_MSG, W_EDITED_MSG,
	W_DECIDED_MSG, W_RULE, W_RULE_IN, W_RULE_DAYS, W_RULE_TAIL,
	W_PROPOSE_FIX, W_NOTES, W_NOTE_NEW, W_NOTE_TITLE,
	W_NOTE_TEXT, W_NOTE_DATE, W_NOTE_REPORTS, W_NOTE_PUBLISH, W_NOTES_NONE,
	W_NOTE_LED, W_REPORT_NOTES, W_NOTE_PUBLISHED, W_REPORT_NO,
	W__MAX
};

static const char *const words[W__MAX][LANG__MAX] = {
	[W_TITLE] = { "Предложения", "Proposals" },
	[W_NEW] = { "Новое предложение", "New proposal" },
	[W_NONE] = { "Предложений нет.", "No proposals." },
	[W_STATE] = { "Состояние", "State" },
	[W_SORT] = { "Порядок", "Order" },
	[W_SORT_NEW] = { "сначала новые", "newest first" },
	[W_SORT_SUPPORTS] = { "больше поддержки", "most supported" },
	[W_S_COLLECTING] = { "Сбор поддержки", "Collecting supports" },
	[W_S_REVIEW] = { "На рассмотрении", "Under review" },
	[W_S_ACCEPTED] = { "Принято", "Accepted" },
	[W_S_REJECTED] = { "Отклонено", "Rejected" },
	[W_S_IMPLEMENTED] = { "Реализовано", "Implemented" },
	[W_HEADLINE] = { "Заголовок", "Title" },
	[W_TEXT] = { "Что предлагаете и почему", "What you propose, and why" },
	[W_SUBMIT] = { "Опубликовать предложение", "Publish the proposal" },
	[W_FROM_REPORT] = { "Из обращения №", "From report no. " },
	[W_SIGN_IN] = { "Войдите, чтобы предложить или поддержать.",
	    "Sign in to propose or support." },
	[W_SUPPORTS] = { "Поддержали", "Supports" },
	[W_OF] = { "из", "of" },
	[W_SUPPORT] = { "Поддержать", "Support" },
	[W_SUPPORTED] = { "Вы поддержали это предложение",
	    "You support this proposal" },
	[W_COLLECT_UNTIL] = { "Сбор поддержки до", "Supports collected until" },
	[W_LAPSED] = { "Срок сбора поддержки истёк", "The collection period has "
	    "ended" },
	[W_ANSWER_DUE] = { "Официальный ответ до", "Official answer due by" },
	[W_DL_OK] = { "срок идёт", "on time" },
	[W_DL_NEAR] = { "срок истекает", "due soon" },
	[W_DL_PASSED] = { "срок нарушен", "overdue" },
	[W_DECISION] = { "Решение", "Decision" },
	[W_REASON] = { "Обоснование (публикуется)", "Reasons (published)" },
	[W_DECIDE] = { "Рассмотрение", "Review" },
	[W_ACCEPT] = { "Принять", "Accept" },
	[W_REJECT] = { "Отклонить", "Reject" },
	[W_IMPLEMENT] = { "Отметить реализованным", "Mark implemented" },
	[W_EDIT] = { "Изменить текст", "Edit the text" },
	[W_SAVE] = { "Сохранить", "Save" },
	[W_EDIT_HINT] = { "Текст можно менять, пока никто не поддержал "
	    "предложение.", "The text may change until the first support." },
	[W_CREATED] = { "Предложение опубликовано.", "The proposal is "
	    "published." },
	[W_SUPPORTED_MSG] = { "Спасибо, ваша поддержка учтена.",
	    "Thank you, your support is counted." },
	[W_REVIEW_MSG] = { "Порог достигнут: предложение передано на "
	    "рассмотрение.", "The threshold is reached: the proposal is under "
	    "review." },
	[W_EDITED_MSG] = { "Текст сохранён.", "The text is saved." },
	[W_DECIDED_MSG] = { "Решение опубликовано.", "The decision is "
	    "published." },
	[W_RULE] = { "Порог", "Threshold" },
	[W_RULE_IN] = { "поддержек за", "supports in" },
	[W_RULE_DAYS] = { "дн.", "days" },
	[W_RULE_TAIL] = { "Набравшее порог предложение получает официальный "
	    "ответ в срок, как обращение по 59-ФЗ.", "A proposal that reaches "
	    "it gets an official answer within the 59-FZ deadline." },
	[W_PROPOSE_FIX] = { "Предложить, как решить навсегда",
	    "Propose a lasting fix" },
	[W_NOTES] = { "Что мы изменили", "What we changed" },
	[W_NOTE_NEW] = { "Опубликовать заметку «что мы изменили»",
	    "Publish a \"what we changed\" note" },
	[W_NOTE_TITLE] = { "Заголовок", "Title" },
	[W_NOTE_TEXT] = { "Что изменено", "What changed" },
	[W_NOTE_DATE] = { "Дата (ГГГГ-ММ-ДД)", "Date (YYYY-MM-DD)" },
	[W_NOTE_REPORTS] = { "Номера обращений, которые к этому привели "
	    "(через запятую)", "Numbers of the reports that led to it "
	    "(comma-separated)" },
	[W_NOTE_PUBLISH] = { "Опубликовать", "Publish" },
	[W_NOTES_NONE] = { "Заметок пока нет.", "No notes yet." },
	[W_NOTE_LED] = { "По обращениям", "Following reports" },
	[W_REPORT_NOTES] = { "Что изменили по этому обращению",
	    "What was changed after this report" },
	[W_NOTE_PUBLISHED] = { "Заметка опубликована.", "The note is "
	    "published." },
	[W_REPORT_NO] = { "№", "no. " },
};

static const enum pw state_word[PROPOSAL_STATE__MAX] = {
	W_S_COLLECTING, W_S_REVIEW, W_S_ACCEPTED, W_S_REJECTED,
	W_S_IMPLEMENTED,
};

static const char *
pw(enum pw w, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_RU;
	return (unsigned)w < W__MAX ? words[w][l] : "";
}

#define DECIDERS (ACCESS_MODERATOR | ACCESS_ADMIN | ACCESS_OPERATOR | \
	ACCESS_HEAD)
#define PUBLISHERS (ACCESS_ADMIN | ACCESS_OPERATOR | ACCESS_HEAD)

/* The {id} of the path, or -1 after a 404. */
static int64_t
path_id(struct http_request *req, struct http_response *res,
    const struct web_ctx *c)
{
	int64_t id;

	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1) {
		web_fail(req, res, c, 404, "id", "id: no such proposal");
		return -1;
	}
	return id;
}

static const char *
agency_name(const struct web_ctx *c, const char *code)
{
	const struct agency *a;

	if (code == NULL || (a = catalog_agency(c->app->catalog, code)) ==
	    NULL)
		return NULL;
	return a->name[c->lang] != NULL ? a->name[c->lang] : a->name[LANG_RU];
}

/* JSON */

static json_t *
proposal_json(const struct proposal *p, int64_t now, int supported)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:b}",
	    "id", (json_int_t)p->id, "title", p->title, "text", p->text,
	    "state", proposal_state_name(p->state), "supports",
	    (json_int_t)p->supports, "threshold", (json_int_t)p->threshold,
	    "created", reply_time(p->created), "closes", reply_time(p->closes),
	    "lapsed", proposal_lapsed(p, now));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "report", p->report > 0 ?
	    json_integer((json_int_t)p->report) : json_null());
	json_object_set_new(o, "agency", reply_str(p->agency));
	json_object_set_new(o, "reached", p->reached ? reply_time(p->reached) :
	    json_null());
	json_object_set_new(o, "answer_due", p->answer_due ?
	    reply_time(p->answer_due) : json_null());
	json_object_set_new(o, "deadline", p->state == PROPOSAL_REVIEW ?
	    json_string(deadline_state_name(deadline_state(p->answer_due, now,
	    deadline_near_days()))) : json_null());
	json_object_set_new(o, "decided", p->decided ? reply_time(p->decided) :
	    json_null());
	json_object_set_new(o, "reason", reply_str(p->reason));
	if (supported >= 0)
		json_object_set_new(o, "supported", json_boolean(supported));
	return o;
}

/* The list's filters from the query string: 0, or -1 after a 400. */
static int
read_filter(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, struct proposal_filter *f)
{
	const char *state = http_request_param(req, "state");
	const char *sort = http_request_param(req, "sort");
	int k;

	memset(f, 0, sizeof(*f));
	f->limit = VECHE_PROPOSAL_LIST;
	if (state != NULL && state[0] != '\0') {
		if ((k = proposal_state_parse(state)) < 0) {
			web_fail(req, res, c, 400, "state", "state: collecting, "
			    "review, accepted, rejected or implemented");
			return -1;
		}
		f->state = k + 1;
	}
	if (sort != NULL && sort[0] != '\0') {
		if (strcmp(sort, "supports") == 0)
			f->sort = PROPOSAL_SORT_SUPPORTS;
		else if (strcmp(sort, "new") != 0) {
			web_fail(req, res, c, 400, "sort", "sort: new or "
			    "supports");
			return -1;
		}
	}
	return 0;
}

struct list {
	struct html *h;
	json_t *arr;
	int64_t now;
	size_t n;
};

static void
progress(struct html *h, const struct proposal *p, const char *id)
{
	int64_t v = p->supports < p->threshold ? p->supports : p->threshold;

	html_f(h, "<p class=\"proposal-count\"><span id=\"%r-count\">%s: "
	    "<strong>%D</strong> %s %D</span> <progress id=\"%r\" max=\"%D\" "
	    "value=\"%D\" aria-labelledby=\"%r-count\">%D / %D</progress>"
	    "</p>\n", id, pw(W_SUPPORTS, h->lang), p->supports,
	    pw(W_OF, h->lang), p->threshold, id, p->threshold, v, id,
	    p->supports, p->threshold);
}

static int
on_item(const struct proposal *p, void *arg)
{
	struct list *l = arg;
	struct html *h = l->h;

	if (l->arr != NULL)
		return json_array_append_new(l->arr, proposal_json(p, l->now,
		    -1));
	html_f(h, "<li class=\"proposal-item\" id=\"proposal-%D\"><a "
	    "href=\"/proposals/%D\">%s</a> <span class=\"proposal-state "
	    "proposal-%r\">%s</span> <span class=\"proposal-supports\">%s: %D "
	    "%s %D</span></li>\n", p->id, p->id, p->title,
	    proposal_state_name(p->state), pw(state_word[p->state], h->lang),
	    pw(W_SUPPORTS, h->lang), p->supports, pw(W_OF, h->lang),
	    p->threshold);
	l->n++;
	return h->failed ? -1 : 0;
}

static void
rule_line(struct html *h)
{
	html_f(h, "<p class=\"hint\" id=\"proposal-rule\">%s: <strong>%D"
	    "</strong> %s %d %s. %s</p>\n", pw(W_RULE, h->lang),
	    proposals_threshold(), pw(W_RULE_IN, h->lang), proposals_days(),
	    pw(W_RULE_DAYS, h->lang), pw(W_RULE_TAIL, h->lang));
}

static int
list_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct proposal_filter f;
	struct web_ctx c;
	struct html h;
	struct list l;
	int k;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (read_filter(req, res, &c, &f) == -1)
		return 0;
	web_html_init(&h, res, &c);
	html_page_begin(&h, pw(W_TITLE, c.lang), "proposals", "/proposals",
	    c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n", pw(W_TITLE, c.lang));
	rule_line(&h);
	html_f(&h, "<p><a class=\"button\" href=\"/proposals/new\" "
	    "id=\"proposal-new\">%s</a></p>\n<form method=\"get\" "
	    "action=\"/proposals\" class=\"filters\" id=\"proposal-filters\">\n"
	    "<label for=\"f-state\">%s</label><select id=\"f-state\" "
	    "name=\"state\">\n<option value=\"\">%m</option>\n",
	    pw(W_NEW, c.lang), pw(W_STATE, c.lang), M_F_ALL);
	for (k = 0; k < PROPOSAL_STATE__MAX; k++)
		html_f(&h, "<option value=\"%r\"%r>%s</option>\n",
		    proposal_state_name((enum proposal_state)k), f.state == k + 1 ?
		    " selected" : "", pw(state_word[k], c.lang));
	html_f(&h, "</select>\n<label for=\"f-sort\">%s</label><select "
	    "id=\"f-sort\" name=\"sort\">\n<option value=\"new\"%r>%s</option>\n"
	    "<option value=\"supports\"%r>%s</option>\n</select>\n<button "
	    "type=\"submit\">%m</button>\n</form>\n<ol class=\"proposals\" "
	    "id=\"proposal-list\">\n", pw(W_SORT, c.lang), f.sort ==
	    PROPOSAL_SORT_NEW ? " selected" : "", pw(W_SORT_NEW, c.lang),
	    f.sort == PROPOSAL_SORT_SUPPORTS ? " selected" : "",
	    pw(W_SORT_SUPPORTS, c.lang), M_F_APPLY);
	memset(&l, 0, sizeof(l));
	l.h = &h;
	l.now = app_now(c.app);
	if (proposal_each(c.store, &f, on_item, &l) != 0)
		return -1;
	html_raw(&h, "</ol>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"proposal-none\">%s</p>\n", pw(W_NONE, c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
api_list(struct http_request *req, struct http_response *res, void *arg)
{
	struct proposal_filter f;
	struct web_ctx c;
	struct list l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if (read_filter(req, res, &c, &f) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	l.now = app_now(c.app);
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (proposal_each(c.store, &f, on_item, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

/* /proposals/new: the form (signed in), from a report when ?report=. */
static int
new_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *rp = http_request_param(req, "report");
	struct web_ctx c;
	struct html h;
	int64_t report = 0;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (rp != NULL && rp[0] != '\0' && parse_int64(rp, 1, INT64_MAX,
	    &report) == -1)
		return web_fail(req, res, &c, 400, "report", "report: a report "
		    "number");
	web_html_init(&h, res, &c);
	html_page_begin(&h, pw(W_NEW, c.lang), "proposal-new",
	    "/proposals/new", c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n", pw(W_NEW, c.lang));
	rule_line(&h);
	if (c.act == NULL) {
		html_f(&h, "<p><a href=\"/login?next=/proposals/new\" "
		    "id=\"proposal-sign-in\">%s</a></p>\n",
		    pw(W_SIGN_IN, c.lang));
		html_page_end(&h);
		return h.failed ? -1 : 0;
	}
	html_f(&h, "<form method=\"post\" action=\"/proposals\" "
	    "id=\"proposal-form\" class=\"stack\">\n<input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\">\n", c.session_csrf);
	if (report > 0)
		html_f(&h, "<input type=\"hidden\" name=\"report\" value=\"%D\">"
		    "\n<p id=\"proposal-from\">%s<a href=\"/reports/%D\">%D</a>"
		    "</p>\n", report, pw(W_FROM_REPORT, c.lang), report, report);
	html_f(&h, "<label for=\"p-title\">%s</label><input id=\"p-title\" "
	    "name=\"title\" required maxlength=\"%d\">\n<label for=\"p-text\">"
	    "%s</label><textarea id=\"p-text\" name=\"text\" rows=\"8\" "
	    "required maxlength=\"%d\"></textarea>\n<button type=\"submit\" "
	    "id=\"proposal-submit\">%s</button>\n</form>\n",
	    pw(W_HEADLINE, c.lang), VECHE_PROPOSAL_MAX_TITLE,
	    pw(W_TEXT, c.lang), VECHE_PROPOSAL_MAX_TEXT, pw(W_SUBMIT, c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* Writes: one handler for the form and for JSON. */

static int
done(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, int status, int64_t id, const char *flash)
{
	char where[96];
	json_t *o;

	if (!c->html) {
		o = json_pack("{s:I}", "id", (json_int_t)id);
		if (o != NULL && flash != NULL)
			json_object_set_new(o, "done", json_string(flash));
		return reply_json(res, status, o);
	}
	(void)req;
	snprintf(where, sizeof(where), "/proposals/%" PRId64 "?done=%s", id,
	    flash != NULL ? flash : "");
	return social_see_other(res, where);
}

enum write { WR_CREATE, WR_EDIT, WR_SUPPORT, WR_DECIDE };

/* Every write on proposals: read the fields, call core, answer. */
static int
proposal_write(struct http_request *req, struct http_response *res, void *arg,
    enum write what)
{
	struct proposal_input pi;
	const char *flash = NULL;
	struct web_ctx c;
	struct verr e;
	struct web_input in;
	int64_t id = 0, now;
	int rc, review;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if ((what != WR_CREATE && (id = path_id(req, res, &c)) == -1) ||
	    web_input_open(req, res, &c, &in) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	memset(&pi, 0, sizeof(pi));
	now = app_now(c.app);
	pi.title = web_input_get(&in, "title");
	pi.text = web_input_get(&in, "text");
	switch (what) {
	case WR_CREATE:
		pi.report = web_input_get(&in, "report");
		rc = proposal_submit(c.store, c.act, &pi, now, &id, &e);
		flash = "created";
		break;
	case WR_EDIT:
		rc = proposal_edit(c.store, c.act, id, &pi, now, &e);
		flash = "edited";
		break;
	case WR_SUPPORT:
		rc = proposal_support(c.store, c.act, id, now, &review, &e);
		flash = rc == 0 && review ? "review" : "supported";
		break;
	default:
		rc = proposal_decide(c.store, c.act, id,
		    web_input_get(&in, "state"), web_input_get(&in, "reason"),
		    now, &e);
		flash = "decided";
		break;
	}
	if (rc == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else
		rc = done(req, res, &c, what == WR_CREATE ? 201 : 200, id,
		    flash);
	web_input_close(&in);
	return rc;
}

static int
create(struct http_request *req, struct http_response *res, void *arg)
{
	return proposal_write(req, res, arg, WR_CREATE);
}

static int
edit(struct http_request *req, struct http_response *res, void *arg)
{
	return proposal_write(req, res, arg, WR_EDIT);
}

static int
support(struct http_request *req, struct http_response *res, void *arg)
{
	return proposal_write(req, res, arg, WR_SUPPORT);
}

static int
decide(struct http_request *req, struct http_response *res, void *arg)
{
	return proposal_write(req, res, arg, WR_DECIDE);
}

/* A proposal's page and its JSON. */

struct page {
	struct web_ctx *c;
	struct html *h;
	struct http_request *req;
	int64_t now;
	int found;
	json_t *doc;                    /* the JSON view, or NULL: HTML */
};

static void
deadline_line(struct html *h, const struct proposal *p, int64_t now)
{
	enum deadline_state st = deadline_state(p->answer_due, now,
	    deadline_near_days());

	html_f(h, "<p class=\"proposal-due due-%r\" id=\"proposal-due\">%s: "
	    "<strong>", deadline_state_name(st), pw(W_ANSWER_DUE, h->lang));
	html_date(h, p->answer_due);
	html_f(h, "</strong> — <span class=\"%r\">%s</span></p>\n",
	    st == DEADLINE_PASSED ? "late" : "due-state", pw(st == DEADLINE_OK ?
	    W_DL_OK : st == DEADLINE_NEAR ? W_DL_NEAR : W_DL_PASSED, h->lang));
}

static void
decide_form(struct html *h, const struct web_ctx *c, const struct proposal *p)
{
	html_f(h, "<section aria-labelledby=\"decide-title\"><h2 "
	    "id=\"decide-title\">%s</h2>\n<form method=\"post\" "
	    "action=\"/proposals/%D/decision\" id=\"decision-form\" "
	    "class=\"stack\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n<fieldset><legend>%s</legend>\n",
	    pw(W_DECIDE, h->lang), p->id, c->session_csrf,
	    pw(W_DECISION, h->lang));
	if (p->state == PROPOSAL_REVIEW)
		html_f(h, "<label class=\"check\"><input type=\"radio\" "
		    "name=\"state\" value=\"accepted\" checked> %s</label>\n"
		    "<label class=\"check\"><input type=\"radio\" name=\"state\" "
		    "value=\"rejected\"> %s</label>\n", pw(W_ACCEPT, h->lang),
		    pw(W_REJECT, h->lang));
	else
		html_f(h, "<label class=\"check\"><input type=\"radio\" "
		    "name=\"state\" value=\"implemented\" checked> %s</label>\n",
		    pw(W_IMPLEMENT, h->lang));
	html_f(h, "</fieldset>\n<label for=\"d-reason\">%s</label><textarea "
	    "id=\"d-reason\" name=\"reason\" rows=\"4\" required maxlength=\"%d"
	    "\"></textarea>\n<button type=\"submit\" id=\"decision-submit\">"
	    "%s</button>\n</form>\n</section>\n", pw(W_REASON, h->lang),
	    VECHE_PROPOSAL_MAX_REASON, pw(W_DECIDE, h->lang));
}

static void
flash(struct html *h, const char *d)
{
	enum pw w;

	if (d == NULL)
		return;
	if (strcmp(d, "created") == 0)
		w = W_CREATED;
	else if (strcmp(d, "supported") == 0)
		w = W_SUPPORTED_MSG;
	else if (strcmp(d, "review") == 0)
		w = W_REVIEW_MSG;
	else if (strcmp(d, "edited") == 0)
		w = W_EDITED_MSG;
	else if (strcmp(d, "decided") == 0)
		w = W_DECIDED_MSG;
	else
		return;
	html_f(h, "<p class=\"flash\" role=\"status\" id=\"proposal-flash\">"
	    "%s</p>\n", pw(w, h->lang));
}

static int
on_page(const struct proposal *p, void *arg)
{
	struct page *pg = arg;
	struct web_ctx *c = pg->c;
	struct html *h = pg->h;
	const char *an;
	char path[64];
	int supported;

	pg->found = 1;
	if ((supported = proposal_supported(c->store, c->act, p->id)) == -1)
		return -1;
	if (pg->doc != NULL || !c->html) {
		pg->doc = proposal_json(p, pg->now, c->act != NULL ? supported :
		    -1);
		return pg->doc != NULL ? 0 : -1;
	}
	snprintf(path, sizeof(path), "/proposals/%lld", (long long)p->id);
	web_html_init(h, pg->h->res, c);
	html_page_begin(h, p->title, "proposal", path, c->csrf, 0);
	html_f(h, "<article class=\"proposal\" id=\"proposal\" data-id=\"%D\">"
	    "\n<p><a href=\"/proposals\">%s</a></p>\n",
	    p->id, pw(W_TITLE, h->lang));
	flash(h, http_request_param(pg->req, "done"));
	html_f(h, "<h1>%s</h1>\n<p><span class=\"proposal-state proposal-%r\" "
	    "id=\"proposal-state\">%s</span></p>\n", p->title,
	    proposal_state_name(p->state), pw(state_word[p->state], h->lang));
	if (p->report > 0)
		html_f(h, "<p id=\"proposal-from\">%s<a href=\"/reports/%D\">%D"
		    "</a></p>\n", pw(W_FROM_REPORT, h->lang), p->report,
		    p->report);
	if ((an = agency_name(c, p->agency)) != NULL)
		html_f(h, "<p>%m: <a href=\"/agencies/%s\">%s</a></p>\n",
		    M_AGENCY, p->agency, an);
	html_f(h, "<div class=\"proposal-text\" id=\"proposal-text\">%s</div>\n",
	    p->text);
	progress(h, p, "proposal-progress");
	if (p->state == PROPOSAL_COLLECTING) {
		if (proposal_lapsed(p, pg->now)) {
			html_f(h, "<p id=\"proposal-lapsed\">%s: ",
			    pw(W_LAPSED, h->lang));
			html_date(h, p->closes - 1);
			html_raw(h, "</p>\n");
		} else {
			html_f(h, "<p id=\"proposal-closes\">%s ",
			    pw(W_COLLECT_UNTIL, h->lang));
			html_date(h, p->closes - 1);
			html_raw(h, "</p>\n");
		}
	}
	if (p->state == PROPOSAL_REVIEW)
		deadline_line(h, p, pg->now);
	if (p->decided != 0 && p->reason != NULL) {
		html_f(h, "<section class=\"proposal-decision\" "
		    "id=\"proposal-decision\" aria-labelledby=\"decision-title\">"
		    "<h2 id=\"decision-title\">%s: %s</h2>\n<p>",
		    pw(W_DECISION, h->lang), pw(state_word[p->state], h->lang));
		html_date(h, p->decided);
		html_f(h, "</p>\n<div class=\"proposal-text\" "
		    "id=\"proposal-reason\">%s</div>\n</section>\n", p->reason);
	}
	/* What this caller may do. */
	if (supported == 1)
		html_f(h, "<p class=\"voted\" id=\"proposal-supported\">%s</p>\n",
		    pw(W_SUPPORTED, h->lang));
	else if (p->state == PROPOSAL_COLLECTING &&
	    !proposal_lapsed(p, pg->now)) {
		if (c->act == NULL)
			html_f(h, "<p><a href=\"/login?next=/proposals/%D\" "
			    "id=\"proposal-sign-in\">%s</a></p>\n", p->id,
			    pw(W_SIGN_IN, h->lang));
		else
			html_f(h, "<form method=\"post\" action=\"/proposals/%D/"
			    "support\" id=\"support-form\"><input type=\"hidden\""
			    " name=\"csrf\" value=\"%s\"><button type=\"submit\" "
			    "id=\"support-button\">%s</button></form>\n", p->id,
			    c->session_csrf, pw(W_SUPPORT, h->lang));
	}
	if (c->act != NULL && c->act->user_id == p->author &&
	    p->supports == 0 && p->state == PROPOSAL_COLLECTING)
		html_f(h, "<details id=\"proposal-edit\"><summary>%s</summary>\n"
		    "<p class=\"hint\">%s</p>\n<form method=\"post\" action=\""
		    "/proposals/%D/edit\" id=\"edit-form\" class=\"stack\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<label "
		    "for=\"e-title\">%s</label><input id=\"e-title\" name=\"title"
		    "\" required maxlength=\"%d\" value=\"%s\">\n<label for=\""
		    "e-text\">%s</label><textarea id=\"e-text\" name=\"text\" "
		    "rows=\"8\" required maxlength=\"%d\">%s</textarea>\n<button "
		    "type=\"submit\">%s</button>\n</form>\n</details>\n",
		    pw(W_EDIT, h->lang), pw(W_EDIT_HINT, h->lang), p->id,
		    c->session_csrf, pw(W_HEADLINE, h->lang),
		    VECHE_PROPOSAL_MAX_TITLE, p->title, pw(W_TEXT, h->lang),
		    VECHE_PROPOSAL_MAX_TEXT, p->text, pw(W_SAVE, h->lang));
	if ((p->state == PROPOSAL_REVIEW || p->state == PROPOSAL_ACCEPTED) &&
	    proposal_may_decide(c->act, p))
		decide_form(h, c, p);
	/* Comments, as on a report's page (web_comments.c). */
	if (web_comments_section(h, c, pg->req, "proposal", p->id, path,
	    "/api/v1/comments") == -1)
		return -1;
	html_raw(h, "</article>\n");
	html_page_end(h);
	return h->failed ? -1 : 0;
}

static int
show(struct http_request *req, struct http_response *res, void *arg,
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
	if ((id = path_id(req, res, &c)) == -1)
		return 0;
	memset(&h, 0, sizeof(h));
	h.res = res;
	memset(&pg, 0, sizeof(pg));
	pg.c = &c;
	pg.h = &h;
	pg.req = req;
	pg.now = app_now(c.app);
	rc = proposal_get(c.store, id, on_page, &pg);
	if (rc == 1 || (rc == 0 && !pg.found)) {
		json_decref(pg.doc);
		return web_fail(req, res, &c, 404, "id", "id: no such proposal");
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
page(struct http_request *req, struct http_response *res, void *arg)
{
	return show(req, res, arg, 0);
}

static int
api_show(struct http_request *req, struct http_response *res, void *arg)
{
	return show(req, res, arg, 1);
}

/* Agencies' notes. */

struct notes {
	struct html *h;
	const struct web_ctx *c;
	json_t *arr;
	size_t n;
	int with_agency;                /* the report page names the agency */
};

static int
on_note(const struct agency_note *n, void *arg)
{
	struct notes *l = arg;
	struct html *h = l->h;
	const char *an;
	json_t *ids;
	size_t i;

	l->n++;
	if (l->arr != NULL) {
		if ((ids = json_array()) == NULL)
			return -1;
		for (i = 0; i < n->nreports; i++)
			json_array_append_new(ids, json_integer((json_int_t)
			    n->reports[i]));
		return json_array_append_new(l->arr, json_pack("{s:I, s:s, s:s, "
		    "s:s, s:o, s:o}", "id", (json_int_t)n->id, "agency",
		    n->agency, "title", n->title, "text", n->text, "date",
		    reply_time(n->date), "reports", ids));
	}
	html_f(h, "<li class=\"note\" id=\"note-%D\"><h3>%s</h3>\n<p "
	    "class=\"note-meta\">", n->id, n->title);
	html_date(h, n->date);
	if (l->with_agency && (an = agency_name(l->c, n->agency)) != NULL)
		html_f(h, " · <a href=\"/agencies/%s\">%s</a>", n->agency, an);
	html_f(h, "</p>\n<div class=\"proposal-text\">%s</div>\n<p>%s:",
	    n->text, pw(W_NOTE_LED, h->lang));
	for (i = 0; i < n->nreports; i++)
		html_f(h, " <a href=\"/reports/%D\">%s%D</a>", n->reports[i],
		    pw(W_REPORT_NO, h->lang), n->reports[i]);
	html_raw(h, "</p></li>\n");
	return h->failed ? -1 : 0;
}

int
web_proposals_report(struct html *h, const struct web_ctx *c,
    int64_t report)
{
	struct notes l;
	size_t start;

	memset(&l, 0, sizeof(l));
	l.h = h;
	l.c = c;
	l.with_agency = 1;
	html_f(h, "<section class=\"report-notes\" id=\"report-notes\" "
	    "aria-labelledby=\"report-notes-title\">\n<h2 "
	    "id=\"report-notes-title\">%s</h2>\n<ul class=\"notes\">\n",
	    pw(W_REPORT_NOTES, h->lang));
	start = l.n;
	if (note_each(c->store, NULL, report, on_note, &l) != 0)
		return -1;
	html_raw(h, "</ul>\n");
	if (l.n == start)
		html_f(h, "<p class=\"empty\">%s</p>\n", pw(W_NOTES_NONE,
		    h->lang));
	html_f(h, "<p><a class=\"button\" href=\"/proposals/new?report=%D\" "
	    "id=\"propose-fix\">%s</a></p>\n</section>\n", report,
	    pw(W_PROPOSE_FIX, h->lang));
	return h->failed ? -1 : 0;
}

int
web_proposals_agency(struct html *h, const struct web_ctx *c,
    const char *agency)
{
	struct notes l;

	memset(&l, 0, sizeof(l));
	l.h = h;
	l.c = c;
	html_f(h, "<section class=\"agency-notes\" id=\"notes\" "
	    "aria-labelledby=\"notes-title\">\n<h2 id=\"notes-title\">%s</h2>\n"
	    "<ul class=\"notes\" id=\"note-list\">\n", pw(W_NOTES, h->lang));
	if (note_each(c->store, agency, 0, on_note, &l) != 0)
		return -1;
	html_raw(h, "</ul>\n");
	if (l.n == 0)
		html_f(h, "<p class=\"empty\" id=\"notes-none\">%s</p>\n",
		    pw(W_NOTES_NONE, h->lang));
	if (note_may_publish(c->act, agency))
		html_f(h, "<h3 id=\"note-new-title\">%s</h3>\n<form method=\"post\""
		    " action=\"/agencies/%s/notes\" id=\"note-form\" class=\"stack"
		    "\" aria-labelledby=\"note-new-title\">\n<input type=\"hidden"
		    "\" name=\"csrf\" value=\"%s\">\n<label for=\"n-title\">%s"
		    "</label><input id=\"n-title\" name=\"title\" required "
		    "maxlength=\"%d\">\n<label for=\"n-text\">%s</label><textarea "
		    "id=\"n-text\" name=\"text\" rows=\"4\" required maxlength=\""
		    "%d\"></textarea>\n<label for=\"n-date\">%s</label><input "
		    "id=\"n-date\" name=\"date\" type=\"date\">\n<label for=\""
		    "n-reports\">%s</label><input id=\"n-reports\" name=\"reports"
		    "\" required inputmode=\"numeric\">\n<button type=\"submit\">"
		    "%s</button>\n</form>\n", pw(W_NOTE_NEW, h->lang), agency,
		    c->session_csrf, pw(W_NOTE_TITLE, h->lang),
		    VECHE_NOTE_MAX_TITLE, pw(W_NOTE_TEXT, h->lang),
		    VECHE_NOTE_MAX_TEXT, pw(W_NOTE_DATE, h->lang),
		    pw(W_NOTE_REPORTS, h->lang), pw(W_NOTE_PUBLISH, h->lang));
	html_raw(h, "</section>\n");
	return h->failed ? -1 : 0;
}

/* The agency of the path, or NULL after a 404. */
static const char *
path_agency(struct http_request *req, struct http_response *res,
    const struct web_ctx *c)
{
	const char *code = http_request_var(req, "code");

	if (code == NULL || catalog_agency(c->app->catalog, code) == NULL) {
		web_fail(req, res, c, 404, "code", "code: no such agency");
		return NULL;
	}
	return code;
}

static int
note_create(struct http_request *req, struct http_response *res, void *arg)
{
	struct note_input ni;
	const char *code;
	struct web_ctx c;
	struct verr e;
	struct web_input in;
	char where[96];
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if ((code = path_agency(req, res, &c)) == NULL ||
	    web_input_open(req, res, &c, &in) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	ni.title = web_input_get(&in, "title");
	ni.text = web_input_get(&in, "text");
	ni.date = web_input_get(&in, "date");
	ni.reports = web_input_get(&in, "reports");
	if (note_publish(c.store, c.act, code, &ni, app_now(c.app), &id,
	    &e) == -1)
		rc = social_fail_verr(req, res, &c, &e);
	else if (!c.html)
		rc = reply_json(res, 201, json_pack("{s:I}", "id",
		    (json_int_t)id));
	else {
		snprintf(where, sizeof(where), "/agencies/%s#note-%" PRId64,
		    code, id);
		rc = social_see_other(res, where);
	}
	web_input_close(&in);
	return rc;
}

static int
api_notes(struct http_request *req, struct http_response *res, void *arg)
{
	const char *code;
	struct web_ctx c;
	struct notes l;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((code = path_agency(req, res, &c)) == NULL)
		return 0;
	memset(&l, 0, sizeof(l));
	if ((l.arr = json_array()) == NULL)
		return -1;
	if (note_each(c.store, code, 0, on_note, &l) != 0) {
		json_decref(l.arr);
		return -1;
	}
	return reply_json(res, 200, l.arr);
}

static const char *const p_list[] = { "lang", "state", "sort", NULL };
static const char *const p_new[] = { "lang", "report", NULL };
static const char *const p_page[] = { "lang", "done", "order", "voted",
	"flagged", "held", NULL };
static const char *const p_create[] = { "lang", "csrf", "title", "text",
	"report", NULL };
static const char *const p_edit[] = { "lang", "csrf", "title", "text",
	NULL };
static const char *const p_csrf[] = { "lang", "csrf", NULL };
static const char *const p_decide[] = { "lang", "csrf", "state", "reason",
	NULL };
static const char *const p_note[] = { "lang", "csrf", "title", "text",
	"date", "reports", NULL };

static const struct http_route proposals_table[] = {
	{ HTTP_GET, "/proposals", list_page, 0, p_list, 0 },
	{ HTTP_GET, "/proposals/new", new_page, 0, p_new, 0 },
	{ HTTP_POST, "/proposals", create, ACCESS_USER, p_create, 0 },
	{ HTTP_GET, "/proposals/{id}", page, 0, p_page, 0 },
	{ HTTP_POST, "/proposals/{id}/edit", edit, ACCESS_USER, p_edit, 0 },
	{ HTTP_POST, "/proposals/{id}/support", support, ACCESS_USER, p_csrf,
	    0 },
	{ HTTP_POST, "/proposals/{id}/decision", decide, DECIDERS, p_decide,
	    0 },
	{ HTTP_POST, "/agencies/{code}/notes", note_create, PUBLISHERS,
	    p_note, 0 },
	{ HTTP_GET, "/api/v1/proposals", api_list, 0, p_list, 0 },
	{ HTTP_POST, "/api/v1/proposals", create, ACCESS_USER, p_create, 0 },
	{ HTTP_GET, "/api/v1/proposals/{id}", api_show, 0, NULL, 0 },
	{ HTTP_PUT, "/api/v1/proposals/{id}", edit, ACCESS_USER, p_edit, 0 },
	{ HTTP_POST, "/api/v1/proposals/{id}/support", support, ACCESS_USER,
	    p_csrf, 0 },
	{ HTTP_POST, "/api/v1/proposals/{id}/decision", decide, DECIDERS,
	    p_decide, 0 },
	{ HTTP_GET, "/api/v1/agencies/{code}/notes", api_notes, 0, NULL, 0 },
	{ HTTP_POST, "/api/v1/agencies/{code}/notes", note_create, PUBLISHERS,
	    p_note, 0 },
};

const struct http_route *
proposals_routes(size_t *n)
{
	*n = sizeof(proposals_table) / sizeof(proposals_table[0]);
	return proposals_table;
}
