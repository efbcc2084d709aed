/*
 * web_ratings.c: the ratings of agencies as a page (/ratings), its
 * methodology (/ratings/methodology) and JSON (/api/v1/ratings.json).  All
 * three call ratings_compute (core/ratings.c); docs/ratings.md says what
 * each figure means.  The pages' own words are in this file's table, in
 * Russian and English.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_ratings.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/incident.h"
#include "core/ratings.h"
#include "http/http.h"

/* This module's words. */
enum rmsg {
	R_TITLE, R_METHOD_TITLE, R_PERIOD, R_PERIOD_HINT, R_SHOW, R_AS_OF,
	R_RANKING, R_FEW, R_METHOD_LINK, R_JSON, R_CAPTION, R_RANK,
	R_AGENCY, R_RECEIVED, R_REGISTERED, R_IN_TIME, R_EXTENDED_OF,
	R_MEDIAN_ANSWER, R_MEDIAN_CLOSE, R_EXTENSIONS, R_FORWARDED,
	R_REOPENED, R_FIXED, R_OF, R_DAYS, R_NONE, R_NO_AGENCIES,
	/* Online activity (incidents, core/incident.h). */
	R_ONLINE, R_ONLINE_NOTE, R_INCIDENTS, R_REACTION, R_ANSWERED_INC,
	R_MEDIAN_HOURS, R__MAX
};

static const char *const rtext[R__MAX][LANG__MAX] = {
	[R_TITLE] = { "Рейтинг ведомств", "Ratings of agencies" },
	[R_METHOD_TITLE] = { "Как считается рейтинг",
	    "How the ratings are computed" },
	[R_PERIOD] = { "Период", "Period" },
	[R_PERIOD_HINT] = { "ГГГГ-ММ..ГГГГ-ММ, например 2026-01..2026-06",
	    "YYYY-MM..YYYY-MM, e.g. 2026-01..2026-06" },
	[R_SHOW] = { "Показать", "Show" },
	[R_AS_OF] = { "Сроки оценены на", "Deadlines judged as of" },
	[R_RANKING] = { "Место — по нижней границе 95-процентного интервала "
	    "Уилсона для доли ответов в срок: ведомство с немногими "
	    "обращениями не обгоняет того, у кого их много.",
	    "Rank: by the lower bound of the 95 % Wilson score interval of "
	    "the share answered in time, so that an agency with few reports "
	    "does not overtake one with many." },
	[R_FEW] = { "мало обращений: меньше " VECHE_STR(VECHE_RATINGS_MIN_REPORTS)
	    ", без места", "too few reports: under "
	    VECHE_STR(VECHE_RATINGS_MIN_REPORTS) ", not ranked" },
	[R_METHOD_LINK] = { "Методика и как проверить по открытым данным",
	    "Methodology, and how to check it from the open data" },
	[R_JSON] = { "Эти данные в JSON", "These figures as JSON" },
	[R_CAPTION] = { "Показатели ведомств за период",
	    "Agencies' figures for the period" },
	[R_RANK] = { "Место", "Rank" },
	[R_AGENCY] = { "Ведомство", "Agency" },
	[R_RECEIVED] = { "Получено обращений", "Reports received" },
	[R_REGISTERED] = { "Зарегистрировано за 3 рабочих дня",
	    "Registered within 3 working days" },
	[R_IN_TIME] = { "Ответ в срок", "Answered in time" },
	[R_EXTENDED_OF] = { "из них после продления",
	    "of which after an extension" },
	[R_MEDIAN_ANSWER] = { "Медиана дней до ответа",
	    "Median days to the answer" },
	[R_MEDIAN_CLOSE] = { "Медиана дней до закрытия",
	    "Median days to closing" },
	[R_EXTENSIONS] = { "Продлений", "Extensions" },
	[R_FORWARDED] = { "Перенаправлено", "Forwarded away" },
	[R_REOPENED] = { "Возобновлено", "Reopened" },
	[R_FIXED] = { "«Решено?» — да", "\"Is it fixed?\" — yes" },
	[R_OF] = { "из", "of" },
	[R_DAYS] = { "дн.", "days" },
	[R_NONE] = { "нет данных", "no data" },
	[R_NO_AGENCIES] = { "В городе нет ведомств.",
	    "The city has no agencies." },
	[R_ONLINE] = { "Работа с сообщениями в соцсетях",
	    "Online activity: answers to posts" },
	[R_ONLINE_NOTE] = { "Инциденты — посты горожан, переданные "
	    "ведомству; время реакции отсчитывается в календарных часах от "
	    "публикации поста.", "Incidents are citizens' posts sent to an "
	    "agency; the reaction time runs in calendar hours from the "
	    "post's time." },
	[R_INCIDENTS] = { "Инцидентов", "Incidents" },
	[R_REACTION] = { "Первый ответ за время реакции",
	    "First answer within the reaction time" },
	[R_ANSWERED_INC] = { "С ответом", "Answered" },
	[R_MEDIAN_HOURS] = { "Медиана часов до первого ответа",
	    "Median hours to the first answer" },
};

static const char *
rt(enum rmsg m, enum lang l)
{
	return rtext[m][l] != NULL ? rtext[m][l] : rtext[m][LANG_RU];
}

/*
 * The methodology, paragraph by paragraph (trusted markup).  Each figure is
 * defined as core/ratings.c and scripts/ratings_from_dump.py compute it.
 */
static const char *const method[][LANG__MAX] = {
	{ "<p>Единица счёта — пребывание обращения в одном ведомстве: от "
	  "поступления (или от перенаправления в это ведомство) до "
	  "перенаправления дальше либо до сегодняшнего дня. Пребывание "
	  "относится к периоду, в котором оно началось (по местному времени "
	  "города); учитывается всё, что случилось с ним до момента расчёта.</p>",
	  "<p>The unit is a report's stay at one agency: from its receipt (or "
	  "from being forwarded to that agency) until it is forwarded on, or "
	  "until now.  A stay belongs to the period in which it began (in the "
	  "city's local time); all that happened in it up to the time of the "
	  "computation counts.</p>" },
	{ "<dl><dt>Получено обращений</dt><dd>число пребываний, начавшихся в "
	  "периоде.</dd>"
	  "<dt>Зарегистрировано за 3 рабочих дня</dt><dd>доля пребываний, "
	  "зарегистрированных не позже срока регистрации (ст. 8 59-ФЗ, "
	  "docs/deadlines.md), среди тех, что были зарегистрированы или чей "
	  "срок регистрации уже истёк (не считая перенаправленных и "
	  "отклонённых до регистрации).</dd>"
	  "<dt>Ответ в срок</dt><dd>доля пребываний с первым ответом не позже "
	  "срока ответа, действовавшего в момент ответа (с продлением — "
	  "продлённого), среди зарегистрированных, получивших ответ или чей "
	  "срок ответа истёк (не считая перенаправленных и отклонённых без "
	  "ответа). Ответы в срок после продления показаны отдельно.</dd>"
	  "<dt>Медиана дней до ответа и до закрытия</dt><dd>медиана "
	  "(при чётном числе — среднее двух средних) времени от начала "
	  "пребывания до первого ответа и до первого закрытия, в сутках.</dd>"
	  "<dt>Продлений, перенаправлено, возобновлено</dt><dd>число "
	  "продлений срока, перенаправлений в другое ведомство и возобновлений "
	  "заявителем («не решено»).</dd>"
	  "<dt>«Решено?» — да</dt><dd>доля ответов «да» среди ответов "
	  "заявителей на вопрос «Решена ли проблема?».</dd></dl>",
	  "<dl><dt>Reports received</dt><dd>the stays that began in the "
	  "period.</dd>"
	  "<dt>Registered within 3 working days</dt><dd>the share of stays "
	  "registered by the registration deadline (59-FZ art. 8, "
	  "docs/deadlines.md), of those registered or whose deadline has "
	  "passed (not counting those forwarded or rejected before "
	  "registration).</dd>"
	  "<dt>Answered in time</dt><dd>the share of stays whose first "
	  "answer came by the answer deadline in force at the time (the "
	  "extended one after an extension), of the registered stays that "
	  "were answered or whose deadline has passed (not counting those "
	  "forwarded or rejected unanswered).  Those answered in time after "
	  "an extension are counted apart.</dd>"
	  "<dt>Median days to the answer and to closing</dt><dd>the median "
	  "(for an even count the mean of the middle two) of the time from "
	  "the start of the stay to its first answer and to its first "
	  "closing, in days of 24 hours.</dd>"
	  "<dt>Extensions, forwarded away, reopened</dt><dd>the deadline "
	  "extensions, forwards to another agency, and reopenings by the "
	  "reporter (\"not fixed\").</dd>"
	  "<dt>\"Is it fixed?\" — yes</dt><dd>the share of \"yes\" among "
	  "the reporters' answers to \"Is the problem fixed?\".</dd></dl>" },
	{ "<h2>Интервалы и место</h2><p>Рядом с каждой долей — 95-процентный "
	  "интервал Уилсона: для k из n, p = k/n, z = 1,959964: центр "
	  "(p + z²/2n) / (1 + z²/n), полуширина z·√(p(1−p)/n + z²/4n²) / "
	  "(1 + z²/n). Место ведомства — по убыванию нижней границы интервала "
	  "доли ответов в срок, при равенстве — по числу обращений, затем по "
	  "коду. Ведомства, получившие меньше "
	  VECHE_STR(VECHE_RATINGS_MIN_REPORTS) " обращений за период, "
	  "показаны без места.</p>",
	  "<h2>Intervals and rank</h2><p>Each share comes with its 95 % "
	  "Wilson score interval: for k of n, p = k/n, z = 1.959964: centre "
	  "(p + z²/2n) / (1 + z²/n), half-width z·√(p(1−p)/n + z²/4n²) / "
	  "(1 + z²/n).  Agencies are ranked by the lower bound of the "
	  "interval of the share answered in time, highest first; ties by "
	  "reports received, then by code.  Agencies with fewer than "
	  VECHE_STR(VECHE_RATINGS_MIN_REPORTS) " reports in the period are "
	  "shown without a rank.</p>" },
	{ "<h2>Работа с сообщениями в соцсетях</h2><p>Инцидент — пост горожанина "
	  "(или группа его копий), переданный ведомству как обращение. Он "
	  "относится к ведомству, которому передан, и к периоду, в котором "
	  "создан. <strong>Первый ответ за время реакции</strong> — доля "
	  "инцидентов, получивших первый публичный ответ не позже срока "
	  "(время поста плюс время реакции, по умолчанию 24 календарных "
	  "часа), среди получивших ответ или чей срок истёк; "
	  "<strong>медиана часов до первого ответа</strong> — от времени "
	  "поста. На место в рейтинге не влияет; в открытых данных — "
	  "<code>incidents.csv</code>.</p>",
	  "<h2>Online activity</h2><p>An incident is a citizen's post (or a "
	  "group of its near-copies) sent to an agency as a report.  It "
	  "counts for the agency it was sent to, in the period in which it "
	  "was made.  <strong>First answer within the reaction time</strong>: "
	  "the share of incidents whose first public answer came by the due "
	  "time (the post's time plus the reaction time, 24 calendar hours "
	  "by default), of those answered or whose due time has passed; "
	  "<strong>median hours to the first answer</strong>: from the "
	  "post's time.  It does not enter the rank; the open data hold it "
	  "as <code>incidents.csv</code>.</p>" },
	{ "<h2>Как проверить</h2><p>Все показатели воспроизводятся по "
	  "открытым данным: выгрузка <code>veche dump</code> содержит "
	  "обращения (<code>reports.csv</code>) и историю с действовавшими "
	  "сроками (<code>history.csv</code>). Скрипт "
	  "<code>scripts/ratings_from_dump.py ПАПКА --period "
	  "2026-01..2026-06</code> (только стандартная библиотека Python) "
	  "пересчитывает рейтинг и печатает его в том же виде, что "
	  "<code>/api/v1/ratings.json</code>.</p>",
	  "<h2>How to check</h2><p>Every figure is reproducible from the "
	  "open data: the dump made by <code>veche dump</code> holds the "
	  "reports (<code>reports.csv</code>) and their history with the "
	  "deadlines in force (<code>history.csv</code>).  The script "
	  "<code>scripts/ratings_from_dump.py DIR --period "
	  "2026-01..2026-06</code> (Python's standard library only) "
	  "recomputes the ratings and prints them as "
	  "<code>/api/v1/ratings.json</code> does.</p>" },
};

/* The period and ratings a request asks for; -1 after answering. */
static struct ratings *
request_ratings(struct http_request *req, struct http_response *res,
    struct web_ctx *c, int *answered)
{
	struct ratings_period p;
	struct ratings *r;
	struct verr e;
	const char *agency = http_request_param(req, "agency");

	*answered = 0;
	memset(&e, 0, sizeof(e));
	if (agency != NULL && catalog_agency(c->app->catalog, agency) == NULL) {
		*answered = 1;
		web_fail(req, res, c, 400, "agency", "agency: no such agency");
		return NULL;
	}
	if (ratings_period_parse(http_request_param(req, "period"),
	    http_request_param(req, "from"), http_request_param(req, "to"),
	    app_now(c->app), &p, &e) == -1) {
		*answered = 1;
		web_fail(req, res, c, 400, e.field, e.message);
		return NULL;
	}
	if ((r = ratings_compute(c->store, c->app->catalog, &p,
	    app_now(c->app), &e)) == NULL)
		fprintf(stderr, "veche: ratings: %s\n", e.message);
	return r;
}

/* The online activity of r's period and time; NULL (logged) on failure. */
static struct incident_ratings *
request_online(struct web_ctx *c, const struct ratings *r)
{
	struct incident_ratings *ir;
	struct verr e;

	memset(&e, 0, sizeof(e));
	if ((ir = incident_ratings_compute(c->store, c->app->catalog,
	    r->period.from, r->period.to, r->now, &e)) == NULL)
		fprintf(stderr, "veche: ratings: %s\n", e.message);
	return ir;
}

static json_t *
share_json(const struct ratings_share *s)
{
	if (s->n == 0)
		return json_pack("{s:I, s:I, s:n, s:n, s:n}", "count",
		    (json_int_t)s->k, "of", (json_int_t)s->n, "share", "low",
		    "high");
	return json_pack("{s:I, s:I, s:f, s:f, s:f}", "count",
	    (json_int_t)s->k, "of", (json_int_t)s->n, "share", s->p, "low",
	    s->lo, "high", s->hi);
}

static json_t *
days_json(double d)
{
	return d < 0 ? json_null() : json_real(d);
}

/* One agency's online activity (incidents) as the API writes it. */
static json_t *
online_json(const struct incident_figures *f)
{
	return json_pack("{s:I, s:o, s:I, s:o}", "incidents",
	    (json_int_t)f->received, "answered_in_reaction_time",
	    share_json(&f->in_time), "answered", (json_int_t)f->answered,
	    "median_hours_to_answer", days_json(f->median_answer_hours));
}

static json_t *
agency_json(const struct ratings_agency *a, const struct catalog *cat,
    enum lang l)
{
	const struct agency *ag = catalog_agency(cat, a->code);
	json_t *o, *in_time;

	if ((in_time = share_json(&a->in_time)) == NULL ||
	    json_object_set_new(in_time, "extended",
	    json_integer(a->in_time_extended)) == -1)
		return NULL;
	o = json_pack("{s:s, s:s?, s:o, s:b, s:I, s:o, s:o, s:I, s:o, s:I, "
	    "s:o, s:I, s:I, s:I, s:I, s:o, s:f}",
	    "code", a->code, "name", ag ? catalog_text(ag->name, l) : NULL,
	    "rank", a->rank ? json_integer(a->rank) : json_null(),
	    "too_few", a->few, "received", (json_int_t)a->received,
	    "registered_in_time", share_json(&a->registered),
	    "answered_in_time", in_time,
	    "answered", (json_int_t)a->answered,
	    "median_days_to_answer", days_json(a->median_answer_days),
	    "closed", (json_int_t)a->closed,
	    "median_days_to_close", days_json(a->median_close_days),
	    "extensions", (json_int_t)a->extensions,
	    "forwarded", (json_int_t)a->forwarded,
	    "rejected", (json_int_t)a->rejected,
	    "reopened", (json_int_t)a->reopened,
	    "fixed", share_json(&a->fixed), "score", a->score);
	return o;
}

static int
ratings_json(struct http_request *req, struct http_response *res, void *arg)
{
	const char *only = http_request_param(req, "agency");
	const struct incident_figures *f;
	struct incident_ratings *ir;
	struct ratings *r;
	struct web_ctx c;
	json_t *doc, *list, *one;
	char now[DATETIME_LEN];
	int answered;
	size_t i;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	if ((r = request_ratings(req, res, &c, &answered)) == NULL)
		return answered ? 0 : -1;
	if ((ir = request_online(&c, r)) == NULL) {
		ratings_free(r);
		return -1;
	}
	list = json_array();
	for (i = 0; list != NULL && i < r->n; i++) {
		if (only != NULL && strcmp(only, r->agencies[i].code) != 0)
			continue;
		f = incident_ratings_find(ir, r->agencies[i].code);
		if ((one = agency_json(&r->agencies[i], c.app->catalog,
		    c.lang)) == NULL || f == NULL || json_object_set_new(one,
		    "online", online_json(f)) == -1 ||
		    json_array_append_new(list, one) == -1) {
			json_decref(list);
			list = NULL;
		}
	}
	doc = list == NULL ? NULL : json_pack("{s:{s:s, s:s}, s:s, s:i, s:s, "
	    "s:o}", "period", "from", r->period.from_date, "to",
	    r->period.to_date, "as_of", datetime_format(r->now, now,
	    sizeof(now)), "min_reports", VECHE_RATINGS_MIN_REPORTS, "ranking",
	    "answered_in_time.low", "agencies", list);
	incident_ratings_free(ir);
	ratings_free(r);
	return social_send_json(res, 200, doc);
}

/* A share as "87 % (80–92 %), 26 of 30", or "no data". */
static void
share_cell(struct html *h, const struct ratings_share *s)
{
	char buf[96];

	if (s->n == 0) {
		html_f(h, "<td class=\"none\">%s</td>", rt(R_NONE, h->lang));
		return;
	}
	snprintf(buf, sizeof(buf), "%.0f %%", s->p * 100);
	html_f(h, "<td><strong>%s</strong>", buf);
	snprintf(buf, sizeof(buf), " <span class=\"ci\">(%.0f–%.0f %%)</span>",
	    s->lo * 100, s->hi * 100);
	html_raw(h, buf);
	html_f(h, "<br><span class=\"count\">%D %s %D</span></td>", s->k,
	    rt(R_OF, h->lang), s->n);
}

static void
days_cell(struct html *h, double d)
{
	char buf[32];

	if (d < 0) {
		html_f(h, "<td class=\"none\">%s</td>", rt(R_NONE, h->lang));
		return;
	}
	snprintf(buf, sizeof(buf), "%.1f", d);
	html_f(h, "<td>%s</td>", buf);
}

void
ratings_page_begin(struct http_response *res, struct html *h,
    const struct web_ctx *c, const char *title, const char *page,
    const char *path)
{
	web_html_init(h, res, c);
	html_page_begin(h, title, page, path, c->csrf, 0);
}

static void
ratings_row(struct html *h, const struct ratings_agency *a,
    const struct catalog *cat)
{
	const struct agency *ag = catalog_agency(cat, a->code);
	enum lang l = h->lang;

	html_f(h, "<tr data-agency=\"%s\"%r>", a->code, a->few ?
	    " class=\"few\"" : "");
	if (a->rank)
		html_f(h, "<td>%d</td>", a->rank);
	else
		html_raw(h, "<td>—</td>");
	html_f(h, "<th scope=\"row\"><a href=\"/agencies/%s\">%s</a>",
	    a->code, ag ? catalog_text(ag->name, l) : a->code);
	if (a->few)
		html_f(h, "<br><span class=\"few-note\">%s</span>",
		    rt(R_FEW, l));
	html_f(h, "</th><td>%D</td>", a->received);
	share_cell(h, &a->registered);
	share_cell(h, &a->in_time);
	html_f(h, "<td>%D</td>", a->in_time_extended);
	days_cell(h, a->median_answer_days);
	days_cell(h, a->median_close_days);
	html_f(h, "<td>%D</td><td>%D</td><td>%D</td>", a->extensions,
	    a->forwarded, a->reopened);
	share_cell(h, &a->fixed);
	html_raw(h, "</tr>\n");
}

/* The agencies' online activity, in the ratings' order; 0 or -1. */
static int
online_table(struct html *h, struct web_ctx *c, const struct ratings *r)
{
	static const enum rmsg cols[] = { R_AGENCY, R_INCIDENTS, R_REACTION,
	    R_ANSWERED_INC, R_MEDIAN_HOURS };
	const struct incident_figures *f;
	struct incident_ratings *ir;
	size_t i;

	if (r->n == 0)
		return 0;
	if ((ir = request_online(c, r)) == NULL)
		return -1;
	html_f(h, "<h2 id=\"online-title\">%s</h2>\n<p>%s</p>\n<div "
	    "class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
	    "aria-labelledby=\"online-caption\">\n<table class=\"ratings "
	    "online\" id=\"online\"><caption id=\"online-caption\">%s"
	    "</caption>\n<thead><tr>", rt(R_ONLINE, c->lang),
	    rt(R_ONLINE_NOTE, c->lang), rt(R_ONLINE, c->lang));
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		html_f(h, "<th scope=\"col\">%s</th>", rt(cols[i], c->lang));
	html_raw(h, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n; i++) {
		const struct agency *ag = catalog_agency(c->app->catalog,
		    r->agencies[i].code);

		if ((f = incident_ratings_find(ir, r->agencies[i].code)) == NULL)
			continue;
		html_f(h, "<tr data-agency=\"%s\"><th scope=\"row\">%s</th>"
		    "<td>%D</td>", f->code, ag ? catalog_text(ag->name,
		    c->lang) : f->code, f->received);
		share_cell(h, &f->in_time);
		html_f(h, "<td>%D</td>", f->answered);
		days_cell(h, f->median_answer_hours);
		html_raw(h, "</tr>\n");
	}
	html_raw(h, "</tbody></table></div>\n");
	incident_ratings_free(ir);
	return h->failed ? -1 : 0;
}

static int
ratings_page(struct http_request *req, struct http_response *res, void *arg)
{
	static const enum rmsg cols[] = { R_RANK, R_AGENCY, R_RECEIVED,
	    R_REGISTERED, R_IN_TIME, R_EXTENDED_OF, R_MEDIAN_ANSWER,
	    R_MEDIAN_CLOSE, R_EXTENSIONS, R_FORWARDED, R_REOPENED, R_FIXED };
	struct ratings *r;
	struct web_ctx c;
	struct html h;
	char period[32];
	int answered;
	size_t i;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 1;
	if ((r = request_ratings(req, res, &c, &answered)) == NULL)
		return answered ? 0 : -1;
	snprintf(period, sizeof(period), "%.7s..%.7s", r->period.from_date,
	    r->period.to_date);
	ratings_page_begin(res, &h, &c, rt(R_TITLE, c.lang), "ratings",
	    "/ratings");
	html_f(&h, "<h1>%s</h1>\n<form class=\"period\" method=\"get\" "
	    "action=\"/ratings\"><label for=\"period\">%s</label> "
	    "<input id=\"period\" name=\"period\" value=\"%s\" "
	    "aria-describedby=\"period-hint\" pattern=\"[0-9]{4}-[0-9]{2}"
	    "(\\.\\.[0-9]{4}-[0-9]{2})?\"> <button type=\"submit\">%s</button>"
	    "<br><span id=\"period-hint\" class=\"hint\">%s</span></form>\n",
	    rt(R_TITLE, c.lang), rt(R_PERIOD, c.lang), period,
	    rt(R_SHOW, c.lang), rt(R_PERIOD_HINT, c.lang));
	html_f(&h, "<p class=\"period-shown\">%s: ", rt(R_PERIOD, c.lang));
	html_date(&h, r->period.from);
	html_raw(&h, " — ");
	html_date(&h, r->period.to);
	html_f(&h, ". %s ", rt(R_AS_OF, c.lang));
	html_date(&h, r->now);
	html_f(&h, ".</p>\n<p>%s %s.</p>\n<p><a href=\"/ratings/methodology"
	    "\">%s</a> · <a href=\"/api/v1/ratings.json?from=%s&amp;to=%s\">"
	    "%s</a></p>\n", rt(R_RANKING, c.lang), rt(R_FEW, c.lang),
	    rt(R_METHOD_LINK, c.lang), r->period.from_date, r->period.to_date,
	    rt(R_JSON, c.lang));
	if (r->n == 0)
		html_f(&h, "<p>%s</p>\n", rt(R_NO_AGENCIES, c.lang));
	else {
		html_f(&h, "<div class=\"table-scroll\" role=\"region\" "
		    "tabindex=\"0\" aria-labelledby=\"ratings-caption\">\n"
		    "<table class=\"ratings\"><caption id=\"ratings-caption\">"
		    "%s</caption>\n<thead><tr>", rt(R_CAPTION, c.lang));
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			html_f(&h, "<th scope=\"col\">%s</th>",
			    rt(cols[i], c.lang));
		html_raw(&h, "</tr></thead>\n<tbody>\n");
		for (i = 0; i < r->n; i++)
			ratings_row(&h, &r->agencies[i], c.app->catalog);
		html_raw(&h, "</tbody></table></div>\n");
	}
	if (online_table(&h, &c, r) == -1) {
		ratings_free(r);
		return -1;
	}
	html_page_end(&h);
	ratings_free(r);
	return h.failed ? -1 : 0;
}

static int
methodology_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct web_ctx c;
	struct html h;
	size_t i;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	ratings_page_begin(res, &h, &c, rt(R_METHOD_TITLE, c.lang),
	    "methodology", "/ratings/methodology");
	html_f(&h, "<h1>%s</h1>\n", rt(R_METHOD_TITLE, c.lang));
	for (i = 0; i < sizeof(method) / sizeof(method[0]); i++) {
		html_raw(&h, method[i][c.lang]);
		html_raw(&h, "\n");
	}
	html_f(&h, "<p><a href=\"/ratings\">%s</a></p>\n", rt(R_TITLE,
	    c.lang));
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static const char *const p_ratings[] = {
	"lang", "period", "from", "to", "agency", NULL
};
static const char *const p_lang[] = { "lang", NULL };
static const char *const p_geojson[] = {
	"lang", "bbox", "service_code", "status", "agency", "days", "from",
	"to", "limit", "page", "after", NULL
};

static const struct http_route ratings_table[] = {
	{ HTTP_GET, "/ratings", ratings_page, 0, p_ratings, 0 },
	{ HTTP_GET, "/ratings/methodology", methodology_page, 0, p_lang, 0 },
	{ HTTP_GET, "/api/v1/ratings.json", ratings_json, 0, p_ratings, 0 },
	{ HTTP_GET, "/api/v1/reports.geojson", web_reports_geojson, 0,
	    p_geojson, 0 },
};

const struct http_route *
ratings_routes(size_t *n)
{
	*n = sizeof(ratings_table) / sizeof(ratings_table[0]);
	return ratings_table;
}
