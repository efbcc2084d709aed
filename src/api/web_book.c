/*
 * web_book.c: an agency's complaint book, GET /agencies/{code}: who heads
 * it, the agency above and those under it (a governor's or a mayor's book
 * covers them), its figures for the last twelve months, a monthly trend
 * drawn as SVG on the server (no script needed) with its data as a table,
 * and the reports sent to it with their latest answer, newest first, paged.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_proposals.h"
#include "api/web_ratings.h"
#include "core/book.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "core/ratings.h"
#include "core/report.h"
#include "http/http.h"

#define TREND_MONTHS 12
#define SVG_W 640
#define SVG_H 240
#define SVG_BASE 190                    /* the bars' baseline, y */
#define SVG_TALL 150                    /* the tallest bar, px */

enum bmsg {
	B_SUB, B_HEAD, B_PART_OF, B_UNDER, B_FIGURES, B_TREND, B_TREND_DESC,
	B_TREND_DATA, B_MONTH, B_REPORTS, B_NO_REPORTS, B_PAGES, B_ALL_RATINGS,
	B_LATEST, B_RECEIVED, B_IN_TIME, B__MAX
};

static const char *const btext[B__MAX][LANG__MAX] = {
	[B_SUB] = { "Книга обращений: что направлено в ведомство и как оно "
	    "ответило", "Complaint book: what was sent to this agency and "
	    "how it answered" },
	[B_HEAD] = { "Руководитель", "Head" },
	[B_PART_OF] = { "Входит в", "Part of" },
	[B_UNDER] = { "Подведомственные", "Agencies under it" },
	[B_FIGURES] = { "Показатели за 12 месяцев",
	    "Figures for the last 12 months" },
	[B_TREND] = { "По месяцам", "By month" },
	[B_TREND_DESC] = { "Столбцы — полученные обращения за месяц, точки — "
	    "доля ответов в срок.", "Bars: reports received in the month; "
	    "dots: the share answered in time." },
	[B_TREND_DATA] = { "Данные графика", "The chart's data" },
	[B_MONTH] = { "Месяц", "Month" },
	[B_REPORTS] = { "Обращения", "Reports" },
	[B_NO_REPORTS] = { "Обращений пока нет.", "No reports yet." },
	[B_PAGES] = { "Страницы обращений", "Report pages" },
	[B_ALL_RATINGS] = { "Рейтинг всех ведомств", "All agencies' ratings" },
	[B_LATEST] = { "Последний ответ или заметка", "Latest answer or note" },
	[B_RECEIVED] = { "Получено", "Received" },
	[B_IN_TIME] = { "Ответ в срок", "Answered in time" },
};

static const char *
bt(enum bmsg m, enum lang l)
{
	return btext[m][l] != NULL ? btext[m][l] : btext[m][LANG_RU];
}

static const char *
agency_name(const struct catalog *c, const char *code, enum lang l)
{
	const struct agency *a = catalog_agency(c, code);
	const char *n = a != NULL ? catalog_text(a->name, l) : NULL;

	return n != NULL ? n : code;
}

/* "87 % (80–92 %)" or "—". */
static void
share_text(const struct ratings_share *s, char *buf, size_t len)
{
	if (s->n == 0)
		snprintf(buf, len, "—");
	else
		snprintf(buf, len, "%.0f %% (%.0f–%.0f %%)", s->p * 100,
		    s->lo * 100, s->hi * 100);
}

static void
figures(struct html *h, const struct ratings_agency *a)
{
	char buf[64];

	html_f(h, "<dl class=\"figures\"><dt>%s</dt><dd>%D</dd>",
	    bt(B_RECEIVED, h->lang), a->received);
	share_text(&a->registered, buf, sizeof(buf));
	html_f(h, "<dt>%s</dt><dd>%s</dd>", h->lang == LANG_EN ?
	    "Registered within 3 working days" :
	    "Зарегистрировано за 3 рабочих дня", buf);
	share_text(&a->in_time, buf, sizeof(buf));
	html_f(h, "<dt>%s</dt><dd>%s</dd>", bt(B_IN_TIME, h->lang), buf);
	if (a->median_answer_days >= 0) {
		snprintf(buf, sizeof(buf), "%.1f", a->median_answer_days);
		html_f(h, "<dt>%s</dt><dd>%s</dd>", h->lang == LANG_EN ?
		    "Median days to the answer" : "Медиана дней до ответа",
		    buf);
	}
	html_f(h, "<dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%D</dd>"
	    "<dt>%s</dt><dd>%D</dd>", h->lang == LANG_EN ? "Extensions" :
	    "Продлений", a->extensions, h->lang == LANG_EN ?
	    "Forwarded away" : "Перенаправлено", a->forwarded,
	    h->lang == LANG_EN ? "Reopened" : "Возобновлено", a->reopened);
	share_text(&a->fixed, buf, sizeof(buf));
	html_f(h, "<dt>%s</dt><dd>%s</dd></dl>\n", h->lang == LANG_EN ?
	    "\"Is it fixed?\" — yes" : "«Решено?» — да", buf);
}

/* The monthly bars and dots, and the same figures as a table. */
static void
trend(struct html *h, const struct ratings_month *m, size_t n)
{
	int64_t top = 1;
	char label[16], buf[160];
	size_t i;
	int x, bh, y;

	for (i = 0; i < n; i++)
		if (m[i].figures.received > top)
			top = m[i].figures.received;
	html_f(h, "<figure class=\"trend\"><svg viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"trend-title trend-desc\" "
	    "focusable=\"false\"><title id=\"trend-title\">%s</title>"
	    "<desc id=\"trend-desc\">%s</desc>\n", SVG_W, SVG_H,
	    bt(B_TREND, h->lang), bt(B_TREND_DESC, h->lang));
	snprintf(buf, sizeof(buf), "<line class=\"axis\" x1=\"30\" y1=\"%d\" "
	    "x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n", SVG_BASE, SVG_W - 10,
	    SVG_BASE);
	html_raw(h, buf);
	for (i = 0; i < n; i++) {
		const struct ratings_agency *f = &m[i].figures;

		x = 40 + (int)i * ((SVG_W - 50) / (int)n);
		bh = (int)(f->received * SVG_TALL / top);
		snprintf(label, sizeof(label), "%02d.%02d", m[i].month,
		    m[i].year % 100);
		snprintf(buf, sizeof(buf), "<rect class=\"bar\" x=\"%d\" "
		    "y=\"%d\" width=\"28\" height=\"%d\" fill=\"#3b6ea8\"/>",
		    x, SVG_BASE - bh, bh);
		html_raw(h, buf);
		snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" font-size=\"12\">%lld</text>"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"11\">%s</text>", x + 14, SVG_BASE - bh - 4,
		    (long long)f->received, x + 14, SVG_BASE + 16, label);
		html_raw(h, buf);
		if (f->in_time.n > 0) {
			y = SVG_BASE - (int)(f->in_time.p * SVG_TALL);
			snprintf(buf, sizeof(buf), "<circle class=\"dot\" "
			    "cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#b5451b\"/>",
			    x + 14, y);
			html_raw(h, buf);
		}
		html_raw(h, "\n");
	}
	html_f(h, "</svg><figcaption>%s</figcaption></figure>\n"
	    "<details class=\"trend-data\"><summary>%s</summary>"
	    "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
	    "</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
	    bt(B_TREND_DESC, h->lang), bt(B_TREND_DATA, h->lang),
	    bt(B_MONTH, h->lang), bt(B_RECEIVED, h->lang),
	    bt(B_IN_TIME, h->lang));
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "%04d-%02d", m[i].year,
		    m[i].month);
		share_text(&m[i].figures.in_time, buf, sizeof(buf));
		html_f(h, "<tr><th scope=\"row\">%s</th><td>%D</td><td>%s</td>"
		    "</tr>\n", label, m[i].figures.received, buf);
	}
	html_raw(h, "</tbody></table></details>\n");
}

struct listing {
	struct html *h;
	const struct catalog *c;
	size_t n, limit;
	int more;
};

static int
on_report(const struct report *r, void *arg)
{
	struct listing *l = arg;
	struct html *h = l->h;
	const struct service *svc;

	if (l->n == l->limit) {
		l->more = 1;
		return 1;
	}
	l->n++;
	svc = catalog_service(l->c, r->service_code);
	html_f(h, "<li><a href=\"/reports/%D\">%m %D</a>: %s", r->id,
	    M_REPORT_NO, r->id, svc != NULL ? catalog_text(svc->name,
	    h->lang) : r->service_code);
	if (r->address != NULL)
		html_f(h, ", %s", r->address);
	html_raw(h, " — ");
	html_date(h, r->requested);
	html_f(h, " — <span class=\"status\">%s</span>",
	    web_status_text(r->status, h->lang));
	if (r->status_notes != NULL)
		html_f(h, "<blockquote title=\"%s\">%s</blockquote>",
		    bt(B_LATEST, h->lang), r->status_notes);
	html_raw(h, "</li>\n");
	return 0;
}

static int
reports(struct html *h, struct web_ctx *c, const char *code, int64_t page)
{
	struct report_query q;
	struct listing l;

	memset(&q, 0, sizeof(q));
	memset(&l, 0, sizeof(l));
	q.agency = code;
	q.order = ORDER_REQUESTED_DESC;
	q.limit = VECHE_WEB_PAGE + 1;
	q.offset = (size_t)(page - 1) * VECHE_WEB_PAGE;
	l.h = h;
	l.c = c->app->catalog;
	l.limit = VECHE_WEB_PAGE;
	html_f(h, "<section aria-labelledby=\"reports-title\"><h2 "
	    "id=\"reports-title\">%s</h2>\n<ol class=\"book-reports\">\n",
	    bt(B_REPORTS, h->lang));
	if (report_list(c->store, NULL, &q, on_report, &l) == -1)
		return -1;
	html_raw(h, "</ol>\n");
	if (l.n == 0)
		html_f(h, "<p>%s</p>\n", bt(B_NO_REPORTS, h->lang));
	html_f(h, "<nav class=\"pages\" aria-label=\"%s\"><p>",
	    bt(B_PAGES, h->lang));
	if (page > 1)
		html_f(h, "<a rel=\"prev\" href=\"/agencies/%s?page=%D\">%m</a> ",
		    code, page - 1, M_PREV);
	html_f(h, "<span>%m %D</span>", M_PAGE, page);
	if (l.more)
		html_f(h, " <a rel=\"next\" href=\"/agencies/%s?page=%D\">%m</a>",
		    code, page + 1, M_NEXT);
	html_raw(h, "</p></nav></section>\n");
	return 0;
}

static void
people(struct html *h, const struct catalog *c, const struct book *b,
    const struct ratings *r)
{
	const struct ratings_agency *a;
	char buf[64];
	size_t i;

	if (b->head_name[LANG_RU] != NULL) {
		html_f(h, "<p class=\"head\">%s: <strong>%s</strong>",
		    bt(B_HEAD, h->lang), b->head_name[h->lang] ?
		    b->head_name[h->lang] : b->head_name[LANG_RU]);
		if (b->head_title[LANG_RU] != NULL)
			html_f(h, ", %s", b->head_title[h->lang] ?
			    b->head_title[h->lang] : b->head_title[LANG_RU]);
		html_raw(h, "</p>\n");
	}
	if (b->parent[0] != '\0')
		html_f(h, "<p class=\"parent\">%s: <a href=\"/agencies/%s\">%s"
		    "</a></p>\n", bt(B_PART_OF, h->lang), b->parent,
		    agency_name(c, b->parent, h->lang));
	if (b->nchildren == 0)
		return;
	html_f(h, "<section aria-labelledby=\"under-title\"><h2 "
	    "id=\"under-title\">%s</h2><ul class=\"children\">\n",
	    bt(B_UNDER, h->lang));
	for (i = 0; i < b->nchildren; i++) {
		html_f(h, "<li><a href=\"/agencies/%s\">%s</a>",
		    b->children[i], agency_name(c, b->children[i], h->lang));
		if ((a = ratings_find(r, b->children[i])) != NULL) {
			share_text(&a->in_time, buf, sizeof(buf));
			html_f(h, ": %s %D, %s %s", bt(B_RECEIVED, h->lang),
			    a->received, bt(B_IN_TIME, h->lang), buf);
		}
		html_raw(h, "</li>\n");
	}
	html_raw(h, "</ul></section>\n");
}

static int
book_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *code = http_request_var(req, "code"), *v;
	struct ratings_month months[TREND_MONTHS];
	const char *group[1 + VECHE_BOOK_MAX_CHILDREN];
	struct ratings_period p;
	struct ratings *r = NULL;
	struct book *b = NULL;
	struct web_ctx c;
	struct html h;
	struct verr e;
	char path[96];
	int64_t page = 1;
	size_t i, ng;
	int rc = -1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (code == NULL || catalog_agency(c.app->catalog, code) == NULL)
		return web_fail(req, res, &c, 404, "code", "no such agency");
	if ((v = http_request_param(req, "page")) != NULL &&
	    parse_int64(v, 1, 100000, &page) == -1)
		return web_fail(req, res, &c, 400, "page", "page: a number "
		    "from 1 to 100000");
	if ((b = book_get(c.store, code, &e)) == NULL ||
	    ratings_period_parse(NULL, NULL, NULL, app_now(c.app), &p, &e) ==
	    -1 || (r = ratings_compute(c.store, c.app->catalog, &p,
	    app_now(c.app), &e)) == NULL)
		goto out;
	/* The trend covers the agency and those under it. */
	group[0] = code;
	for (ng = 1, i = 0; i < b->nchildren && ng < 1 +
	    VECHE_BOOK_MAX_CHILDREN; i++)
		group[ng++] = b->children[i];
	if (ratings_months(c.store, group, ng, app_now(c.app), TREND_MONTHS,
	    months, &e) == -1)
		goto out;
	snprintf(path, sizeof(path), "/agencies/%s", code);
	ratings_page_begin(res, &h, &c, agency_name(c.app->catalog, code,
	    c.lang), "book", path);
	html_f(&h, "<h1>%s</h1>\n<p class=\"book-sub\">%s</p>\n",
	    agency_name(c.app->catalog, code, c.lang), bt(B_SUB, c.lang));
	people(&h, c.app->catalog, b, r);
	/* Its head's and staff's public pages (web_officials.c). */
	if (web_officials_agency(&h, &c, code) == -1)
		goto out;
	html_f(&h, "<section aria-labelledby=\"figures-title\"><h2 "
	    "id=\"figures-title\">%s</h2>\n", bt(B_FIGURES, c.lang));
	figures(&h, ratings_find(r, code));
	html_f(&h, "<p><a href=\"/ratings\">%s</a></p></section>\n"
	    "<section aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">%s</h2>\n",
	    bt(B_ALL_RATINGS, c.lang), bt(B_TREND, c.lang));
	trend(&h, months, TREND_MONTHS);
	html_raw(&h, "</section>\n");
	web_alerts_link(&h, "agency", code, agency_name(c.app->catalog, code,
	    c.lang));
	if (reports(&h, &c, code, page) == -1)
		goto out;
	/* "What we changed" notes (web_proposals.c). */
	if (web_proposals_agency(&h, &c, code) == -1)
		goto out;
	html_page_end(&h);
	rc = h.failed ? -1 : 0;
out:
	if (rc == -1 && e.message[0])
		fprintf(stderr, "veche: agency page: %s\n", e.message);
	ratings_free(r);
	book_free(b);
	return rc;
}

static const char *const p_book[] = { "lang", "page", NULL };

static const struct http_route book_table[] = {
	{ HTTP_GET, "/agencies/{code}", book_page, 0, p_book, 0 },
};

const struct http_route *
book_routes(size_t *n)
{
	*n = sizeof(book_table) / sizeof(book_table[0]);
	return book_table;
}
