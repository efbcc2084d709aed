/*
 * web_incident.c: incidents on the web (web_incident.h).  The post page's
 * form posts to /listen/posts/{id}/incident (moderators and admins, the
 * roles of /listen; the session's CSRF token as every staff form); the
 * answer is 303 to the new report's page, 409 naming the report when the
 * post (or one of its near-copies) is an incident already.  The words of
 * these blocks are this file's, in Russian and English.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_incident.h"
#include "api/web_staff.h"
#include "base/post.h"
#include "core/catalog.h"
#include "core/incident.h"
#include "core/parse.h"
#include "http/http.h"

#define MAKERS (ACCESS_MODERATOR | ACCESS_ADMIN)

enum iw {
	I_MAKE_TITLE, I_SERVICE, I_SERVICE_HINT, I_PLACE, I_PLACE_TEXT,
	I_PLACE_HINT, I_LAT, I_LON, I_GROUP, I_MAKE, I_MADE, I_REPORT,
	I_FROM, I_ON, I_SOURCE, I_POSTED, I_CLOCK, I_DUE_IN, I_OVERDUE_BY,
	I_ANSWERED_IN, I_ANSWERED_LATE, I_HOURS, I_DESK_TITLE, I_DESK_EMPTY,
	I_AUTHOR, I_POSTS, I_NO_AUTHOR, I_MAP,
	I__MAX
};

static const char *const words[I__MAX][LANG__MAX] = {
	[I_MAKE_TITLE] = { "Инцидент: передать в ведомство",
	    "Incident: send to an agency" },
	[I_SERVICE] = { "Категория", "Category" },
	[I_SERVICE_HINT] = { "Предложена по тексту: обученным классификатором "
	    "обращений, без него — по ключевым словам и упомянутому ведомству",
	    "Suggested from the text: by the classifier trained on the "
	    "reports, without one by keywords and the agency named" },
	[I_PLACE] = { "Место", "Place" },
	[I_PLACE_TEXT] = { "По тексту", "From the text" },
	[I_PLACE_HINT] = { "Точка по тексту; выберите на карте или введите "
	    "свою, если её нет или она неверна.", "The point found in the "
	    "text; choose one on the map or type your own if there is none or "
	    "it is wrong." },
	[I_LAT] = { "Широта", "Latitude" },
	[I_LON] = { "Долгота", "Longitude" },
	[I_GROUP] = { "Вместе со всеми копиями этого поста",
	    "With every near-copy of this post" },
	[I_MAKE] = { "Создать обращение", "Make the report" },
	[I_MADE] = { "Инцидент — обращение", "Incident: report" },
	[I_REPORT] = { "№", "no. " },
	[I_FROM] = { "Из соцсетей", "From social media" },
	[I_ON] = { "в", "on" },
	[I_SOURCE] = { "Исходная публикация", "The original post" },
	[I_POSTED] = { "Опубликовано", "Posted" },
	[I_CLOCK] = { "Первый публичный ответ", "First public answer" },
	[I_DUE_IN] = { "ожидается в течение", "due in" },
	[I_OVERDUE_BY] = { "просрочен на", "overdue by" },
	[I_ANSWERED_IN] = { "дан через", "given after" },
	[I_ANSWERED_LATE] = { "дан с опозданием, через",
	    "given late, after" },
	[I_HOURS] = { "ч", "h" },
	[I_DESK_TITLE] = { "Инциденты без первого ответа",
	    "Incidents awaiting a first answer" },
	[I_DESK_EMPTY] = { "Все инциденты получили ответ.",
	    "Every incident has an answer." },
	[I_AUTHOR] = { "Автор", "Author" },
	[I_POSTS] = { "Постов", "Posts" },
	[I_NO_AUTHOR] = { "автор не указан", "no author given" },
	[I_MAP] = { "Карта: нажмите, чтобы выбрать место",
	    "Map: click to choose the place" },
};

static const char *
iw(enum iw w, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_RU;
	return (unsigned)w < I__MAX ? words[w][l] : "";
}

/* ---- The post page's block ---- */

int
web_incident_post(struct staff *st, const struct post *p)
{
	const struct catalog *cat = st->c.app->catalog;
	const struct service *best;
	struct html *h = &st->h;
	enum lang l = h->lang;
	double b[4];
	int64_t report = 0;
	size_t i;
	int rc;

	if ((rc = incident_of_post(st->c.store, p->id, &report)) == -1)
		return -1;
	if (rc == 0) {
		html_f(h, "<p class=\"notice\" id=\"post-incident\">%s <a "
		    "href=\"/reports/%D\">%s%D</a></p>\n", iw(I_MADE, l),
		    report, iw(I_REPORT, l), report);
		return h->failed ? -1 : 0;
	}
	best = incident_suggest(cat, st->c.app->suggest, p->body, p->agency);
	html_f(h, "<section class=\"incident-make\" aria-labelledby=\""
	    "incident-title\"><h2 id=\"incident-title\">%s</h2>\n<form "
	    "method=\"post\" action=\"/listen/posts/%D/incident\" "
	    "id=\"incident-form\">\n", iw(I_MAKE_TITLE, l), p->id);
	staff_csrf_field(st);
	html_f(h, "<div class=\"field\"><label for=\"i-service\">%s</label>\n"
	    "<select id=\"i-service\" name=\"service_code\" aria-describedby="
	    "\"i-service-hint\">\n", iw(I_SERVICE, l));
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *sv = catalog_service_at(cat, i);

		if (sv->disabled)
			continue;
		html_f(h, "<option value=\"%s\"%r>%s</option>\n", sv->code,
		    sv == best ? " selected" : "", catalog_text(sv->name, l));
	}
	html_f(h, "</select>\n<span class=\"hint\" id=\"i-service-hint\">%s"
	    "</span></div>\n<fieldset class=\"incident-place\"><legend>%s"
	    "</legend>\n<p>%s: <strong id=\"i-place-text\">%s</strong></p>\n"
	    "<p class=\"hint\" id=\"i-place-hint\">%s</p>\n",
	    iw(I_SERVICE_HINT, l), iw(I_PLACE, l), iw(I_PLACE_TEXT, l),
	    p->place != NULL ? p->place : p->district != NULL ? p->district :
	    "—", iw(I_PLACE_HINT, l));
	/* The picker (veche.js) fills lat/long; without script they are typed. */
	catalog_bounds(cat, &b[0], &b[1], &b[2], &b[3]);
	html_f(h, "<div id=\"i-pick-map\" class=\"map pick\" role=\"region\" "
	    "aria-label=\"%s\" aria-describedby=\"i-place-hint\" "
	    "data-tiles=\"%s\" data-bounds=\"%f,%f,%f,%f\"></div>\n",
	    iw(I_MAP, l), st->c.app->tiles_url != NULL ?
	    st->c.app->tiles_url : "none", b[0], b[1], b[2], b[3]);
	if (p->place != NULL)
		html_f(h, "<div class=\"field\"><label for=\"i-lat\">%s</label>"
		    "<input id=\"i-lat\" name=\"lat\" inputmode=\"decimal\" "
		    "aria-describedby=\"i-place-hint\" value=\"%f\"></div>\n"
		    "<div class=\"field\"><label for=\"i-lon\">%s</label>"
		    "<input id=\"i-lon\" name=\"long\" inputmode=\"decimal\" "
		    "aria-describedby=\"i-place-hint\" value=\"%f\"></div>\n",
		    iw(I_LAT, l), p->lat, iw(I_LON, l), p->lon);
	else
		html_f(h, "<div class=\"field\"><label for=\"i-lat\">%s</label>"
		    "<input id=\"i-lat\" name=\"lat\" inputmode=\"decimal\" "
		    "aria-describedby=\"i-place-hint\"></div>\n"
		    "<div class=\"field\"><label for=\"i-lon\">%s</label>"
		    "<input id=\"i-lon\" name=\"long\" inputmode=\"decimal\" "
		    "aria-describedby=\"i-place-hint\"></div>\n",
		    iw(I_LAT, l), iw(I_LON, l));
	html_f(h, "</fieldset>\n<div class=\"check\"><input type=\"checkbox\" "
	    "id=\"i-group\" name=\"group\" value=\"1\" checked><label "
	    "for=\"i-group\">%s</label></div>\n<button type=\"submit\" "
	    "id=\"incident-make\">%s</button>\n</form>\n</section>\n",
	    iw(I_GROUP, l), iw(I_MAKE, l));
	return h->failed ? -1 : 0;
}

/* ---- The reaction clock ---- */

static void
clock_text(struct html *h, const struct incident *in, int64_t now)
{
	enum lang l = h->lang;
	int64_t hours;
	enum incident_clock k = incident_clock(in, now, &hours);
	static const enum iw said[] = {
		[INCIDENT_RUNNING] = I_DUE_IN,
		[INCIDENT_OVERDUE] = I_OVERDUE_BY,
		[INCIDENT_ANSWERED_IN_TIME] = I_ANSWERED_IN,
		[INCIDENT_ANSWERED_LATE] = I_ANSWERED_LATE,
	};
	static const char *const cls[] = {
		[INCIDENT_RUNNING] = "running",
		[INCIDENT_OVERDUE] = "overdue",
		[INCIDENT_ANSWERED_IN_TIME] = "answered",
		[INCIDENT_ANSWERED_LATE] = "answered-late",
	};

	html_f(h, "<span class=\"reaction reaction-%r\" data-due=\"%D\">%s "
	    "%s %D %s</span>", cls[k], in->due, iw(I_CLOCK, l), iw(said[k], l),
	    hours, iw(I_HOURS, l));
}

/* ---- The report pages' block ---- */

struct shown {
	struct html *h;
	int64_t now;
};

static int
on_report_incident(const struct incident *in, void *arg)
{
	struct shown *s = arg;
	struct html *h = s->h;
	enum lang l = h->lang;

	html_f(h, "<section class=\"incident\" id=\"incident\" "
	    "aria-labelledby=\"incident-from\"><h2 id=\"incident-from\">%s"
	    "</h2>\n<dl class=\"facts\">\n<dt>%s</dt><dd id=\"incident-author\">",
	    iw(I_FROM, l), iw(I_AUTHOR, l));
	if (in->author != NULL)
		html_f(h, "@%s %s %s", in->author, iw(I_ON, l), in->network);
	else
		html_f(h, "%s (%s)", iw(I_NO_AUTHOR, l), in->network);
	html_raw(h, "</dd>\n");
	if (in->source_url != NULL)
		html_f(h, "<dt>%s</dt><dd><a id=\"incident-source\" href=\"%s\" "
		    "rel=\"noopener noreferrer nofollow ugc\">%s</a></dd>\n",
		    iw(I_SOURCE, l), in->source_url, in->source_url);
	html_f(h, "<dt>%s</dt><dd>", iw(I_POSTED, l));
	html_date(h, in->posted);
	html_f(h, "</dd>\n<dt>%s</dt><dd id=\"incident-clock\">",
	    iw(I_CLOCK, l));
	clock_text(h, in, s->now);
	html_raw(h, "</dd>\n</dl>\n</section>\n");
	return h->failed ? -1 : 0;
}

int
web_incident_report(struct html *h, const struct web_ctx *c,
    int64_t report)
{
	struct shown s = { h, app_now(c->app) };
	int rc = incident_by_report(c->store, report, on_report_incident, &s);

	return rc == 1 ? 0 : rc;
}

/* ---- The desk's block ---- */

struct desk_view {
	struct staff *st;
	int64_t now;
	size_t n;
};

static int
on_desk_incident(const struct incident *in, void *arg)
{
	struct desk_view *v = arg;
	struct html *h = &v->st->h;
	int64_t hours;
	enum incident_clock k = incident_clock(in, v->now, &hours);

	if (v->n++ == 0)
		html_f(h, "<div class=\"table-wrap\" tabindex=\"0\"><table "
		    "class=\"incidents\" id=\"incidents\">\n<caption "
		    "class=\"visually-hidden\">%s</caption>\n<thead><tr><th "
		    "scope=\"col\">№</th><th scope=\"col\">%s</th><th "
		    "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
		    "</thead>\n<tbody>\n", iw(I_DESK_TITLE, h->lang),
		    iw(I_AUTHOR, h->lang), iw(I_POSTS, h->lang),
		    iw(I_CLOCK, h->lang));
	html_f(h, "<tr class=\"%r\" data-id=\"%D\"><td><a href=\"/desk/"
	    "reports/%D\">%D</a></td><td>", k == INCIDENT_OVERDUE ? "overdue" :
	    "on-time", in->report, in->report, in->report);
	if (in->author != NULL)
		html_f(h, "@%s %s %s", in->author, iw(I_ON, h->lang),
		    in->network);
	else
		html_f(h, "%s", in->network);
	html_f(h, "</td><td>%D</td><td>", in->nposts);
	clock_text(h, in, v->now);
	html_raw(h, "</td></tr>\n");
	return h->failed ? -1 : 0;
}

int
web_incident_desk(struct staff *st)
{
	struct desk_view v = { st, app_now(st->c.app), 0 };
	struct html *h = &st->h;

	html_f(h, "<section class=\"desk-incidents\" aria-labelledby=\""
	    "incidents-title\"><h2 id=\"incidents-title\">%s</h2>\n",
	    iw(I_DESK_TITLE, h->lang));
	if (incident_open_each(st->c.store, st->act, on_desk_incident,
	    &v) != 0)
		return -1;
	if (v.n > 0)
		html_raw(h, "</tbody>\n</table></div>\n");
	else
		html_f(h, "<p class=\"empty\" id=\"incidents-empty\">%s</p>\n",
		    iw(I_DESK_EMPTY, h->lang));
	html_raw(h, "</section>\n");
	return h->failed ? -1 : 0;
}

/* ---- POST /listen/posts/{id}/incident ---- */

/* An optional coordinate: 0 (absent: *given 0), or -1 with e. */
static int
coordinate(struct http_request *req, const char *name, double *out,
    int *given, struct verr *e)
{
	const char *v = http_request_param(req, name);

	*given = v != NULL && *v != '\0';
	if (!*given)
		return 0;
	return social_coordinate(req, name, out, e);
}

static int
make(struct http_request *req, struct http_response *res, void *arg)
{
	struct incident_input in;
	struct incident_receipt out;
	struct staff st;
	struct verr e;
	const char *g;
	char loc[64];
	int has_lat, has_lon;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX,
	    &in.post) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such post");
	if (coordinate(req, "lat", &in.lat, &has_lat, &e) == -1 ||
	    coordinate(req, "long", &in.lon, &has_lon, &e) == -1)
		return staff_fail(req, res, &st, &e);
	if (has_lat != has_lon)
		return web_fail(req, res, &st.c, 400, has_lat ? "long" : "lat",
		    has_lat ? "long: give both coordinates or none" :
		    "lat: give both coordinates or none");
	in.has_point = has_lat;
	in.service_code = http_request_param(req, "service_code");
	in.suggest = st.c.app->suggest;
	g = http_request_param(req, "group");
	in.group = g != NULL && strcmp(g, "1") == 0;
	in.report_url = web_url(req, &st.c, "/reports/");
	in.hours = st.c.app->reaction_hours;
	in.actor = st.act;
	in.lang = st.c.lang;
	in.now = app_now(st.c.app);
	if (incident_create(st.c.store, st.c.app->catalog, &in, &out,
	    &e) == -1)
		return staff_fail(req, res, &st, &e);
	cache_bump(st.c.app->cache);
	snprintf(loc, sizeof(loc), "/reports/%lld", (long long)out.report);
	return staff_redirect(res, loc);
}

static const char *const p_make[] = { "lang", "csrf", "service_code", "lat",
	"long", "group", NULL };

static const struct http_route incident_table[] = {
	{ HTTP_POST, "/listen/posts/{id}/incident", make, MAKERS, p_make, 0 },
};

const struct http_route *
incident_routes(size_t *n)
{
	*n = sizeof(incident_table) / sizeof(incident_table[0]);
	return incident_table;
}
