/*
 * web_trends.c: listening's trends for the staff (docs/listening.md): a
 * series' daily posts and share of negative posts over a period, drawn
 * on the server as SVG (no script) with its data table, the spikes of
 * the period, the same as CSV and JSON.  Who may read: as /listen.
 * The words of this page are its own ({ Russian, English } below).
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
#include "api/web_staff.h"
#include "api/web_trends.h"
#include "core/export.h"
#include "core/listen.h"
#include "core/parse.h"
#include "core/trends.h"
#include "http/http.h"

#define READERS (ACCESS_MODERATOR | ACCESS_ADMIN | ACCESS_APIKEY)
#define PAGE_READERS (ACCESS_MODERATOR | ACCESS_ADMIN)
#define SPIKES_MAX 200          /* spikes listed at most */
#define CHART_W 720
#define CHART_H 180
#define CHART_TOP 20            /* room for the largest value's label */

enum tw {
	TW_TITLE, TW_POSTS_LINK, TW_SERIES_ALL, TW_QUERY, TW_AGENCY,
	TW_DISTRICT, TW_SOURCE, TW_SINCE, TW_UNTIL, TW_APPLY, TW_ANY,
	TW_VOLUME, TW_SHARE, TW_VOLUME_DESC, TW_SHARE_DESC, TW_DATA, TW_DATE,
	TW_POSTS, TW_NEGATIVE, TW_NEG_SHARE, TW_SPIKES, TW_NO_SPIKES,
	TW_SERIES, TW_KEY, TW_MEAN, TW_SD, TW_CSV, TW_SPIKES_CSV, TW_RULE,
	TW_MAIL, TW_MAIL_NONE, TW_MAIL_WHICH, TW_MAIL_ALL, TW_MAIL_THIS,
	TW_MAIL_EMAIL, TW_MAIL_SUBSCRIBE, TW_MAIL_UNSUBSCRIBE, TW_MAIL_HOW,
	TW__MAX
};

static const char *const tw[TW__MAX][LANG__MAX] = {
	[TW_TITLE] = { "Динамика", "Trends" },
	[TW_POSTS_LINK] = { "Публикации", "Posts" },
	[TW_SERIES_ALL] = { "Все публикации", "All posts" },
	[TW_QUERY] = { "Запрос", "Query" },
	[TW_AGENCY] = { "Ведомство (код)", "Agency (code)" },
	[TW_DISTRICT] = { "Район", "District" },
	[TW_SOURCE] = { "Источник", "Source" },
	[TW_SINCE] = { "С", "From" },
	[TW_UNTIL] = { "По", "To" },
	[TW_APPLY] = { "Показать", "Show" },
	[TW_ANY] = { "все", "all" },
	[TW_VOLUME] = { "Публикаций в день", "Posts a day" },
	[TW_SHARE] = { "Доля негативных, %", "Negative share, %" },
	[TW_VOLUME_DESC] = { "Столбцы: число публикаций за каждый день "
	    "периода; наибольшее за день:", "Bars: the number of posts on "
	    "each day of the period; the most in a day:" },
	[TW_SHARE_DESC] = { "Линия: доля негативных публикаций за каждый "
	    "день, от 0 до 100 %; наибольшая:", "Line: the share of negative "
	    "posts on each day, 0 to 100 %; the highest:" },
	[TW_DATA] = { "Данные графиков", "The charts' data" },
	[TW_DATE] = { "Дата", "Date" },
	[TW_POSTS] = { "Публикаций", "Posts" },
	[TW_NEGATIVE] = { "Негативных", "Negative" },
	[TW_NEG_SHARE] = { "Доля негативных", "Negative share" },
	[TW_SPIKES] = { "Всплески негатива", "Spikes of negative posts" },
	[TW_NO_SPIKES] = { "За период всплесков не было.",
	    "No spikes in the period." },
	[TW_SERIES] = { "Ряд", "Series" },
	[TW_KEY] = { "Что", "Which" },
	[TW_MEAN] = { "Среднее за 28 дней", "Mean of 28 days" },
	[TW_SD] = { "Ст. отклонение", "Std. deviation" },
	[TW_CSV] = { "Выгрузить таблицу в CSV", "Export the table as CSV" },
	[TW_SPIKES_CSV] = { "Выгрузить всплески в CSV",
	    "Export the spikes as CSV" },
	[TW_RULE] = { "Всплеск: негативных публикаций за сегодня не меньше 5 "
	    "и больше среднего плюс три стандартных отклонения за 28 "
	    "предыдущих дней (по запросу, ведомству или району); проверяется "
	    "после каждой загрузки, не чаще раза в день на ряд.",
	    "A spike: today's negative posts are 5 or more and above the mean "
	    "plus three standard deviations of the 28 days before (per query, "
	    "agency or district); checked after each ingest batch, once a day "
	    "per series at most." },
	[TW_MAIL] = { "Письма о всплесках", "Spike e-mail" },
	[TW_MAIL_NONE] = { "Вы не подписаны на письма о всплесках.",
	    "You get no spike e-mail." },
	[TW_MAIL_WHICH] = { "О каких всплесках писать", "Which spikes" },
	[TW_MAIL_ALL] = { "Всех рядов", "Of every series" },
	[TW_MAIL_THIS] = { "Только этого ряда:", "Of this series only:" },
	[TW_MAIL_EMAIL] = { "Адрес e-mail", "E-mail address" },
	[TW_MAIL_SUBSCRIBE] = { "Подписаться", "Subscribe" },
	[TW_MAIL_UNSUBSCRIBE] = { "Отписаться", "Unsubscribe" },
	[TW_MAIL_HOW] = { "Письмо приходит при каждом всплеске на языке, "
	    "на котором открыта эта страница, со ссылкой на динамику ряда.",
	    "A message comes with every spike, in the language of this page, "
	    "linking the series' trends." },
};

static const char *
w(enum tw m, enum lang lang)
{
	return tw[m][(unsigned)lang < LANG__MAX ? lang : LANG_RU];
}

/* The series and period a request asks for. */
struct ask {
	enum trend_dim dim;
	char key[VECHE_MAX_ALIAS + 1];
	int64_t from, to;               /* local days */
	int64_t query, source;          /* the filters as numbers, or 0 */
	const char *agency, *district;
};

/*
 * The series (the first of query, agency, district, source given; else
 * all posts) and the period (since, until: default the 90 days to
 * today).  0, or -1 with e naming the parameter.
 */
static int
read_ask(struct http_request *req, int64_t now, struct ask *a,
    struct verr *e)
{
	const char *q = http_request_param(req, "query");
	const char *src = http_request_param(req, "source");
	const char *since = http_request_param(req, "since");
	const char *until = http_request_param(req, "until");

	memset(a, 0, sizeof(*a));
	a->agency = http_request_param(req, "agency");
	a->district = http_request_param(req, "district");
	if (a->agency != NULL && a->agency[0] == '\0')
		a->agency = NULL;
	if (a->district != NULL && a->district[0] == '\0')
		a->district = NULL;
	if (q != NULL && q[0] != '\0' && parse_int64(q, 1, INT64_MAX,
	    &a->query) == -1)
		return verr_set(e, VERR_INVALID, "query", "query: a saved "
		    "query's id");
	if (src != NULL && src[0] != '\0' && parse_int64(src, 1, INT64_MAX,
	    &a->source) == -1)
		return verr_set(e, VERR_INVALID, "source", "source: a source's "
		    "id");
	if ((a->agency && strlen(a->agency) > VECHE_MAX_CODE) ||
	    (a->district && strlen(a->district) > VECHE_MAX_ALIAS))
		return verr_set(e, VERR_INVALID, a->agency ? "agency" :
		    "district", "%s: too long", a->agency ? "agency" :
		    "district");
	a->dim = TREND_ALL;
	if (a->query > 0) {
		a->dim = TREND_QUERY;
		snprintf(a->key, sizeof(a->key), "%" PRId64, a->query);
	} else if (a->agency != NULL) {
		a->dim = TREND_AGENCY;
		snprintf(a->key, sizeof(a->key), "%s", a->agency);
	} else if (a->district != NULL) {
		a->dim = TREND_DISTRICT;
		snprintf(a->key, sizeof(a->key), "%s", a->district);
	} else if (a->source > 0) {
		a->dim = TREND_SOURCE;
		snprintf(a->key, sizeof(a->key), "%" PRId64, a->source);
	}
	a->to = trends_day(now);
	if (until != NULL && until[0] != '\0' && trends_day_parse(until,
	    &a->to) == -1)
		return verr_set(e, VERR_INVALID, "until", "until: a date as "
		    "2026-06-15");
	a->from = a->to - TRENDS_DEFAULT_DAYS + 1;
	if (since != NULL && since[0] != '\0' && trends_day_parse(since,
	    &a->from) == -1)
		return verr_set(e, VERR_INVALID, "since", "since: a date as "
		    "2026-06-15");
	if (a->from > a->to || a->to - a->from + 1 > TRENDS_MAX_DAYS)
		return verr_set(e, VERR_INVALID, "since", "since: a period of "
		    "1 to %d days ending at until", TRENDS_MAX_DAYS);
	return 0;
}

/* The series' days (TRENDS_MAX_DAYS slots); 0 or -1 with e. */
static int
load(struct store *s, const struct ask *a, struct trend_day *days,
    struct verr *e)
{
	return trends_series(s, a->dim, a->key, a->from, a->to, days, e);
}

/* Per mille of negative posts of a day (0 without posts). */
static int
share_pm(const struct trend_day *d)
{
	return d->posts > 0 ? (int)((d->negative * 1000 + d->posts / 2) /
	    d->posts) : 0;
}

static void
share_text(const struct trend_day *d, char *buf, size_t len)
{
	int pm = share_pm(d);

	snprintf(buf, len, "%d.%d", pm / 10, pm % 10);
}

/* ---- The page ---- */

struct qname {
	int64_t id;
	char name[VECHE_MAX_QUERY_NAME + 1];
	struct html *h;
	int64_t chosen;
};

static int
on_query_option(const struct saved_query *q, void *arg)
{
	struct qname *o = arg;

	html_f(o->h, "<option value=\"%D\"%r>%s</option>\n", q->id,
	    q->id == o->chosen ? " selected" : "", q->name);
	return 0;
}

static int
on_source_option(const struct source *src, void *arg)
{
	struct qname *o = arg;

	html_f(o->h, "<option value=\"%D\"%r>%s</option>\n", src->id,
	    src->id == o->chosen ? " selected" : "", src->name);
	return 0;
}

static void
filter_form(struct staff *st, struct http_request *req, const struct ask *a)
{
	struct html *h = &st->h;
	enum lang l = h->lang;
	struct qname o = { 0, "", h, a->query };
	char since[16], until[16];

	trends_day_text(a->from, since, sizeof(since));
	trends_day_text(a->to, until, sizeof(until));
	(void)req;
	html_f(h, "<form method=\"get\" action=\"/listen/trends\" class=\""
	    "filters\" id=\"trends-filters\">\n<label for=\"t-query\">%s</label>"
	    "<select id=\"t-query\" name=\"query\"><option value=\"\">%s"
	    "</option>\n", w(TW_QUERY, l), w(TW_ANY, l));
	listen_query_each(st->c.store, 0, on_query_option, &o);
	html_f(h, "</select>\n<label for=\"t-source\">%s</label><select id=\""
	    "t-source\" name=\"source\"><option value=\"\">%s</option>\n",
	    w(TW_SOURCE, l), w(TW_ANY, l));
	o.chosen = a->source;
	listen_source_each(st->c.store, 0, on_source_option, &o);
	html_f(h, "</select>\n<label for=\"t-agency\">%s</label><input id=\""
	    "t-agency\" name=\"agency\" value=\"%s\">\n<label for=\"t-district"
	    "\">%s</label><input id=\"t-district\" name=\"district\" value=\""
	    "%s\">\n<label for=\"t-since\">%s</label><input type=\"date\" id=\""
	    "t-since\" name=\"since\" value=\"%s\">\n<label for=\"t-until\">%s"
	    "</label><input type=\"date\" id=\"t-until\" name=\"until\" value="
	    "\"%s\">\n<button type=\"submit\">%s</button></form>\n",
	    w(TW_AGENCY, l), a->agency ? a->agency : "", w(TW_DISTRICT, l),
	    a->district ? a->district : "", w(TW_SINCE, l), since,
	    w(TW_UNTIL, l), until, w(TW_APPLY, l));
}

/*
 * One chart: bars of posts a day (share 0) or the line of the negative
 * share (share 1), with a title, a description naming the scale and the
 * first and last dates under it.
 */
static void
chart(struct html *h, const char *id, int share, const struct trend_day *d,
    size_t n)
{
	enum lang l = h->lang;
	char first[16], last[16], top[32];
	int64_t max = 0;
	size_t i;
	int x, y, bw;

	for (i = 0; i < n; i++) {
		int64_t v = share ? share_pm(&d[i]) : d[i].posts;

		if (v > max)
			max = v;
	}
	if (share)
		snprintf(top, sizeof(top), "%d.%d %%", (int)(max / 10),
		    (int)(max % 10));
	else
		snprintf(top, sizeof(top), "%" PRId64, max);
	trends_day_text(d[0].day, first, sizeof(first));
	trends_day_text(d[n - 1].day, last, sizeof(last));
	bw = CHART_W / (int)n;
	if (bw < 1)
		bw = 1;
	html_f(h, "<figure class=\"trend-chart\"><svg id=\"%s\" role=\"img\" "
	    "aria-labelledby=\"%s-t %s-d\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
	    "preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "<title id=\"%s-t\">%s</title><desc id=\"%s-d\">%s %s; %s — %s"
	    "</desc>\n<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\""
	    "#555\"/>\n", id, id, id, CHART_W, CHART_H + 20, id,
	    w(share ? TW_SHARE : TW_VOLUME, l), id, w(share ? TW_SHARE_DESC :
	    TW_VOLUME_DESC, l), top, first, last, CHART_H, CHART_W, CHART_H);
	if (share)
		html_raw(h, "<polyline fill=\"none\" stroke=\"#b3261e\" "
		    "stroke-width=\"2\" points=\"");
	for (i = 0; i < n; i++) {
		int64_t v = share ? share_pm(&d[i]) : d[i].posts;

		y = max > 0 ? (int)(v * (CHART_H - CHART_TOP) / max) : 0;
		x = (int)((int64_t)i * CHART_W / (int64_t)n);
		if (share)
			html_f(h, "%d,%d ", x + bw / 2, CHART_H - y);
		else if (y > 0)
			html_f(h, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height="
			    "\"%d\" fill=\"#1f5fa8\"/>", x, CHART_H - y,
			    bw > 2 ? bw - 1 : bw, y);
	}
	if (share)
		html_raw(h, "\"/>");
	html_f(h, "\n<text x=\"2\" y=\"14\" font-size=\"14\" fill=\"#222\">%s"
	    "</text><text x=\"2\" y=\"%d\" font-size=\"14\" fill=\"#222\">%s"
	    "</text><text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"#222\" "
	    "text-anchor=\"end\">%s</text></svg><figcaption>%s</figcaption>"
	    "</figure>\n", top, CHART_H + 16, first, CHART_W - 2, CHART_H + 16,
	    last, w(share ? TW_SHARE : TW_VOLUME, l));
}

struct spikes {
	struct staff *st;
	size_t n;
};

/* A spike's series and key in words: a query by its name. */
static int
on_qname(const struct saved_query *q, void *arg)
{
	struct qname *o = arg;

	snprintf(o->name, sizeof(o->name), "%s", q->name);
	return 0;
}

static const char *
key_text(struct store *s, const struct trend_spike *sp, struct qname *o)
{
	int64_t id;

	if (sp->dim == TREND_QUERY && parse_int64(sp->key, 1, INT64_MAX, &id)
	    == 0 && listen_query_each(s, id, on_qname, o) == 0)
		return o->name;
	return sp->key;
}

static const enum tw dim_word[TREND__MAX] = {
	TW_SERIES_ALL, TW_QUERY, TW_AGENCY, TW_DISTRICT, TW_SOURCE,
};

static int
on_spike_row(const struct trend_spike *sp, void *arg)
{
	struct spikes *sk = arg;
	struct html *h = &sk->st->h;
	struct qname o;
	char day[16];

	memset(&o, 0, sizeof(o));
	if (sk->n == 0)
		html_f(h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\""
		    "spikes\"><caption class=\"visually-hidden\">%s</caption>\n"
		    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
		    "</thead>\n<tbody>\n", w(TW_SPIKES, h->lang),
		    w(TW_DATE, h->lang), w(TW_SERIES, h->lang), w(TW_KEY,
		    h->lang), w(TW_NEGATIVE, h->lang), w(TW_MEAN, h->lang),
		    w(TW_SD, h->lang));
	html_f(h, "<tr id=\"spike-%D\"><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%D</td><td>%f</td><td>%f</td></tr>\n", sp->id,
	    trends_day_text(sp->day, day, sizeof(day)), w(dim_word[sp->dim],
	    h->lang), key_text(sk->st->c.store, sp, &o), sp->negative, sp->mean,
	    sp->sd);
	sk->n++;
	return h->failed ? -1 : 0;
}

/* ---- Spike e-mail ---- */

struct subs {
	struct staff *st;
	size_t n;
};

static int
on_sub_row(const struct spike_sub *sub, void *arg)
{
	struct subs *sb = arg;
	struct html *h = &sb->st->h;
	struct trend_spike sp;
	struct qname o;

	memset(&o, 0, sizeof(o));
	memset(&sp, 0, sizeof(sp));
	sp.dim = (unsigned)sub->dim < TREND__MAX ? sub->dim : TREND_ALL;
	sp.key = sub->key;
	if (sb->n == 0)
		html_raw(h, "<ul id=\"spike-subs\">\n");
	html_f(h, "<li id=\"spike-sub-%D\">%s%r%s: %s <form method=\"post\" "
	    "action=\"/listen/trends/mail/%D/delete\" class=\"inline\">",
	    sub->id, sp.dim == TREND_ALL ? w(TW_MAIL_ALL, h->lang) :
	    w(dim_word[sp.dim], h->lang), sp.dim == TREND_ALL ? "" : " ",
	    sp.dim == TREND_ALL ? "" : key_text(sb->st->c.store, &sp, &o),
	    sub->email, sub->id);
	staff_csrf_field(sb->st);
	html_f(h, "<button type=\"submit\">%s</button></form></li>\n",
	    w(TW_MAIL_UNSUBSCRIBE, h->lang));
	sb->n++;
	return h->failed ? -1 : 0;
}

/*
 * The signed-in staff member's spike e-mail: their subscriptions, each
 * with its unsubscribe button, and the form to subscribe to every
 * series or to the one shown (a query, agency or district).
 */
static int
mail_section(struct staff *st, const struct ask *a)
{
	struct html *h = &st->h;
	enum lang l = h->lang;
	struct trend_spike sp;
	struct subs sb = { st, 0 };
	struct qname o;
	int one = a->dim == TREND_QUERY || a->dim == TREND_AGENCY ||
	    a->dim == TREND_DISTRICT;

	html_f(h, "<section id=\"spike-mail\" aria-labelledby=\"spike-mail-h"
	    "\"><h2 id=\"spike-mail-h\">%s</h2>\n<p>%s</p>\n", w(TW_MAIL, l),
	    w(TW_MAIL_HOW, l));
	if (trends_mail_each(st->c.store, st->act, on_sub_row, &sb) == -1)
		return -1;
	if (sb.n > 0)
		html_raw(h, "</ul>\n");
	else
		html_f(h, "<p id=\"spike-subs-empty\">%s</p>\n",
		    w(TW_MAIL_NONE, l));
	html_raw(h, "<form method=\"post\" action=\"/listen/trends/mail\" "
	    "id=\"spike-mail-form\">\n");
	staff_csrf_field(st);
	html_f(h, "<fieldset><legend>%s</legend>\n<input type=\"radio\" "
	    "id=\"sm-all\" name=\"series\" value=\"all\"%r><label for=\""
	    "sm-all\">%s</label>\n", w(TW_MAIL_WHICH, l), one ? "" :
	    " checked", w(TW_MAIL_ALL, l));
	if (one) {
		memset(&o, 0, sizeof(o));
		memset(&sp, 0, sizeof(sp));
		sp.dim = a->dim;
		sp.key = a->key;
		html_f(h, "<input type=\"radio\" id=\"sm-this\" name=\"series"
		    "\" value=\"%s\" checked><label for=\"sm-this\">%s %s %s"
		    "</label>\n<input type=\"hidden\" name=\"key\" value=\"%s"
		    "\">\n", trends_dim_name(a->dim), w(TW_MAIL_THIS, l),
		    w(dim_word[a->dim], l), key_text(st->c.store, &sp, &o),
		    a->key);
	}
	html_f(h, "</fieldset>\n<label for=\"sm-email\">%s</label><input "
	    "type=\"email\" id=\"sm-email\" name=\"email\" required "
	    "autocomplete=\"email\" maxlength=\"%d\">\n<button type=\""
	    "submit\">%s</button></form>\n</section>\n", w(TW_MAIL_EMAIL, l),
	    VECHE_MAX_EMAIL, w(TW_MAIL_SUBSCRIBE, l));
	return h->failed ? -1 : 0;
}

/* POST /listen/trends/mail: subscribe, back to the trends page. */
static int
mail_subscribe(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct staff st;
	struct verr e;
	enum trend_dim dim;
	int64_t id;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	dim = trends_dim_parse(http_request_param(req, "series"));
	if (dim == TREND__MAX || dim == TREND_SOURCE)
		return web_fail(req, res, &st.c, 400, "series", "series: all, "
		    "query, agency or district");
	if (trends_mail_subscribe(st.c.store, st.act, http_request_param(req,
	    "email"), st.c.lang, dim, http_request_param(req, "key"),
	    app_now(st.c.app), &id, &e) == -1)
		return staff_fail(req, res, &st, &e);
	return staff_redirect(res, "/listen/trends#spike-mail");
}

/* POST /listen/trends/mail/{id}/delete: unsubscribe. */
static int
mail_unsubscribe(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct staff st;
	struct verr e;
	int64_t id;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such "
		    "subscription");
	if (trends_mail_unsubscribe(st.c.store, st.act, id, &e) == -1)
		return staff_fail(req, res, &st, &e);
	return staff_redirect(res, "/listen/trends#spike-mail");
}

static int
trends_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct trend_day *d;
	struct spikes sk;
	struct staff st;
	struct verr e;
	struct ask a;
	enum lang l;
	const char *q;
	char day[16], share[16];
	size_t n, i;
	int rc;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (read_ask(req, app_now(st.c.app), &a, &e) == -1)
		return staff_fail(req, res, &st, &e);
	n = (size_t)(a.to - a.from + 1);
	if ((d = calloc(n, sizeof(*d))) == NULL)
		return -1;
	if (load(st.c.store, &a, d, &e) == -1) {
		free(d);
		return staff_fail(req, res, &st, &e);
	}
	l = st.h.lang;
	staff_page_begin(&st, w(TW_TITLE, l), "listen-trends", "/listen", 0);
	html_f(&st.h, "<h1>%s</h1>\n<p><a href=\"/listen\">%s</a></p>\n",
	    w(TW_TITLE, l), w(TW_POSTS_LINK, l));
	filter_form(&st, req, &a);
	chart(&st.h, "chart-volume", 0, d, n);
	chart(&st.h, "chart-share", 1, d, n);
	q = http_request_query(req);
	html_f(&st.h, "<details id=\"trend-data\"><summary>%s</summary>\n"
	    "<p><a id=\"trends-csv\" href=\"/listen/trends.csv%r%s\">%s</a></p>"
	    "\n<div class=\"table-wrap\" tabindex=\"0\"><table id=\"trend-table"
	    "\"><caption class=\"visually-hidden\">%s</caption>\n<thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col"
	    "\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	    w(TW_DATA, l), q[0] ? "?" : "", q, w(TW_CSV, l), w(TW_DATA, l),
	    w(TW_DATE, l), w(TW_POSTS, l), w(TW_NEGATIVE, l),
	    w(TW_NEG_SHARE, l));
	for (i = 0; i < n; i++) {
		share_text(&d[i], share, sizeof(share));
		html_f(&st.h, "<tr><td>%s</td><td>%D</td><td>%D</td><td>%s %%"
		    "</td></tr>\n", trends_day_text(d[i].day, day, sizeof(day)),
		    d[i].posts, d[i].negative, share);
	}
	free(d);
	html_f(&st.h, "</tbody></table></div>\n</details>\n<h2>%s</h2>\n"
	    "<p id=\"spike-rule\">%s</p>\n<p><a id=\"spikes-csv\" href=\""
	    "/listen/spikes.csv%r%s\">%s</a></p>\n", w(TW_SPIKES, l),
	    w(TW_RULE, l), q[0] ? "?" : "", q, w(TW_SPIKES_CSV, l));
	memset(&sk, 0, sizeof(sk));
	sk.st = &st;
	rc = trends_spike_each(st.c.store, a.from, a.to, SPIKES_MAX,
	    on_spike_row, &sk);
	if (rc != 0)
		return -1;
	if (sk.n > 0)
		html_raw(&st.h, "</tbody></table></div>\n");
	else
		html_f(&st.h, "<p id=\"spikes-empty\">%s</p>\n",
		    w(TW_NO_SPIKES, l));
	if (mail_section(&st, &a) == -1)
		return -1;
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* ---- CSV and JSON ---- */

/* export_write_fn onto the response. */
static int
to_response(const void *data, size_t len, void *arg)
{
	http_response_append(arg, data, len);
	return 0;
}

/* One CSV row of n fields (text[i]: a text field), CRLF-ended. */
static void
csv_row(struct http_response *res, const char *const *v, const int *text,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			http_response_append(res, ",", 1);
		(void)export_csv_field(v[i], text[i], to_response, res);
	}
	http_response_append(res, "\r\n", 2);
}

/* The series and period, or a refusal sent (-1). */
static int
api_ask(struct http_request *req, struct http_response *res, struct app *ap,
    struct ask *a)
{
	struct verr e;

	memset(&e, 0, sizeof(e));
	if (app_store(ap) == NULL) {
		http_response_error(req, res, 503, NULL, "try again later");
		return -1;
	}
	if (read_ask(req, app_now(ap), a, &e) == -1) {
		reply_verr(req, res, &e);
		return -1;
	}
	return 0;
}

static int
trends_csv(struct http_request *req, struct http_response *res, void *arg)
{
	static const char *const head[] = { "date", "series", "key", "posts",
	    "negative", "negative_share" };
	static const int text[] = { 0, 0, 1, 0, 0, 0 };
	static const int zero[] = { 0, 0, 0, 0, 0, 0 };
	struct trend_day *d;
	struct verr e;
	struct ask a;
	char day[16], posts[24], neg[24], share[16];
	const char *v[6];
	size_t n, i;

	if (api_ask(req, res, arg, &a) == -1)
		return 0;
	n = (size_t)(a.to - a.from + 1);
	if ((d = calloc(n, sizeof(*d))) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	if (load(app_store(arg), &a, d, &e) == -1) {
		free(d);
		return reply_verr(req, res, &e);
	}
	http_response_kind(res, HTTP_TYPE_CSV);
	http_response_header(res, "Content-Disposition",
	    "attachment; filename=\"trends.csv\"");
	csv_row(res, head, zero, 6);
	for (i = 0; i < n; i++) {
		snprintf(posts, sizeof(posts), "%" PRId64, d[i].posts);
		snprintf(neg, sizeof(neg), "%" PRId64, d[i].negative);
		share_text(&d[i], share, sizeof(share));
		v[0] = trends_day_text(d[i].day, day, sizeof(day));
		v[1] = trends_dim_name(a.dim);
		v[2] = a.key;
		v[3] = posts;
		v[4] = neg;
		v[5] = share;
		csv_row(res, v, text, 6);
	}
	free(d);
	return 0;
}

static int
on_spike_csv(const struct trend_spike *sp, void *arg)
{
	static const int text[] = { 0, 0, 0, 1, 0, 0, 0 };
	char id[24], day[16], neg[24], mean[32], sd[32];
	const char *v[7];

	snprintf(id, sizeof(id), "%" PRId64, sp->id);
	snprintf(neg, sizeof(neg), "%" PRId64, sp->negative);
	snprintf(mean, sizeof(mean), "%.3f", sp->mean);
	snprintf(sd, sizeof(sd), "%.3f", sp->sd);
	v[0] = id;
	v[1] = trends_day_text(sp->day, day, sizeof(day));
	v[2] = trends_dim_name(sp->dim);
	v[3] = sp->key;
	v[4] = neg;
	v[5] = mean;
	v[6] = sd;
	csv_row(arg, v, text, 7);
	return 0;
}

static int
spikes_csv(struct http_request *req, struct http_response *res, void *arg)
{
	static const char *const head[] = { "id", "date", "series", "key",
	    "negative", "mean", "sd" };
	static const int text[] = { 0, 0, 0, 0, 0, 0, 0 };
	struct ask a;

	if (api_ask(req, res, arg, &a) == -1)
		return 0;
	http_response_kind(res, HTTP_TYPE_CSV);
	http_response_header(res, "Content-Disposition",
	    "attachment; filename=\"spikes.csv\"");
	csv_row(res, head, text, 7);
	return trends_spike_each(app_store(arg), a.from, a.to, SPIKES_MAX,
	    on_spike_csv, res) != 0 ? -1 : 0;
}

static int
trends_json(struct http_request *req, struct http_response *res, void *arg)
{
	struct trend_day *d;
	struct verr e;
	struct ask a;
	json_t *list;
	char day[16], from[16], to[16];
	size_t n, i;

	if (api_ask(req, res, arg, &a) == -1)
		return 0;
	n = (size_t)(a.to - a.from + 1);
	if ((d = calloc(n, sizeof(*d))) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	if (load(app_store(arg), &a, d, &e) == -1) {
		free(d);
		return reply_verr(req, res, &e);
	}
	if ((list = json_array()) == NULL) {
		free(d);
		return -1;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:f}",
		    "date", trends_day_text(d[i].day, day, sizeof(day)),
		    "posts", (json_int_t)d[i].posts, "negative",
		    (json_int_t)d[i].negative, "negative_share",
		    share_pm(&d[i]) / 1000.0));
	free(d);
	return reply_json(res, 200, json_pack("{s:s, s:s, s:s, s:s, s:o}",
	    "series", trends_dim_name(a.dim), "key", a.key, "since",
	    trends_day_text(a.from, from, sizeof(from)), "until",
	    trends_day_text(a.to, to, sizeof(to)), "days", list));
}

static int
on_spike_json(const struct trend_spike *sp, void *arg)
{
	char day[16];

	return json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:I,"
	    " s:f, s:f}", "id", (json_int_t)sp->id, "date",
	    trends_day_text(sp->day, day, sizeof(day)), "series",
	    trends_dim_name(sp->dim), "key", sp->key, "negative",
	    (json_int_t)sp->negative, "mean", sp->mean, "sd", sp->sd)) == 0 ?
	    0 : -1;
}

static int
spikes_json(struct http_request *req, struct http_response *res, void *arg)
{
	struct ask a;
	json_t *list;

	if (api_ask(req, res, arg, &a) == -1)
		return 0;
	if ((list = json_array()) == NULL)
		return -1;
	if (trends_spike_each(app_store(arg), a.from, a.to, SPIKES_MAX,
	    on_spike_json, list) != 0) {
		json_decref(list);
		return -1;
	}
	return reply_json(res, 200, json_pack("{s:o}", "spikes", list));
}

static const char *const p_trends[] = { "api_key", "lang", "query",
	"source", "agency", "district", "since", "until", NULL };

static const char *const p_mail[] = { "lang", "csrf", "series", "key",
	"email", NULL };
static const char *const p_unsub[] = { "lang", "csrf", NULL };

static const struct http_route trends_table[] = {
	{ HTTP_POST, "/listen/trends/mail", mail_subscribe, PAGE_READERS,
	    p_mail, 0 },
	{ HTTP_POST, "/listen/trends/mail/{id}/delete", mail_unsubscribe,
	    PAGE_READERS, p_unsub, 0 },
	{ HTTP_GET, "/listen/trends", trends_page, PAGE_READERS, p_trends, 0 },
	{ HTTP_GET, "/listen/trends.csv", trends_csv, READERS, p_trends, 0 },
	{ HTTP_GET, "/listen/spikes.csv", spikes_csv, READERS, p_trends, 0 },
	{ HTTP_GET, "/api/v1/trends.json", trends_json, READERS, p_trends, 0 },
	{ HTTP_GET, "/api/v1/spikes.json", spikes_json, READERS, p_trends, 0 },
};

const struct http_route *
trends_routes(size_t *n)
{
	*n = sizeof(trends_table) / sizeof(trends_table[0]);
	return trends_table;
}
