/*
 * web_data.c: the open data catalogue (GET /data) and its files
 * (GET /data/{name}), from the folder veche serve --data-dir dumps into
 * daily (src/cli/dump.c, docs/opendata.md).  The catalogue reads the
 * dump's datapackage.json: every file with its format, size, rows, schema,
 * and the deployment's licence.  Files are sent from disk, never read into
 * memory whole.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_ratings.h"
#include "core/datetime.h"
#include "http/http.h"

enum dmsg {
	D_TITLE, D_INTRO, D_NONE, D_PENDING, D_LICENCE, D_CREATED, D_FILE,
	D_FORMAT, D_SIZE, D_ROWS, D_WHAT, D_SCHEMA, D_FIELDS, D_PACKAGE,
	D_BYTES, D_RATINGS, D__MAX
};

static const char *const dtext[D__MAX][LANG__MAX] = {
	[D_TITLE] = { "Открытые данные", "Open data" },
	[D_INTRO] = { "Все публичные данные города: обращения без "
	    "персональных данных, ответы, история, ведомства, категории и "
	    "рейтинг — в CSV (UTF-8, RFC 4180), JSON Lines и GeoJSON. "
	    "Выгрузка обновляется ежедневно.",
	    "All of the city's public data: reports without personal data, "
	    "answers, histories, agencies, categories and ratings, as CSV "
	    "(UTF-8, RFC 4180), JSON Lines and GeoJSON.  The dump is renewed "
	    "daily." },
	[D_NONE] = { "Этот сервер не публикует выгрузку открытых данных.",
	    "This server publishes no open data dump." },
	[D_PENDING] = { "Первая выгрузка ещё готовится.",
	    "The first dump is still being written." },
	[D_LICENCE] = { "Лицензия", "Licence" },
	[D_CREATED] = { "Выгрузка от", "Dumped on" },
	[D_FILE] = { "Файл", "File" },
	[D_FORMAT] = { "Формат", "Format" },
	[D_SIZE] = { "Размер", "Size" },
	[D_ROWS] = { "Строк", "Rows" },
	[D_WHAT] = { "Что внутри", "Contents" },
	[D_SCHEMA] = { "Схема", "Schema" },
	[D_FIELDS] = { "поля", "fields" },
	[D_PACKAGE] = { "Описание всех файлов (Frictionless Data Package)",
	    "All files described (Frictionless Data Package)" },
	[D_BYTES] = { "байт", "bytes" },
	[D_RATINGS] = { "Как пересчитать рейтинг по этим данным",
	    "How to recompute the ratings from these files" },
};

static const char *
dt(enum dmsg m, enum lang l)
{
	return dtext[m][l] != NULL ? dtext[m][l] : dtext[m][LANG_RU];
}

/* Whether name is one of the dump's files (not a .part being written). */
static int
dump_name_ok(const char *name)
{
	static const char *const exts[] = { ".csv", ".jsonl", ".geojson",
	    ".json" };
	size_t i, n = strlen(name), e;

	if (n == 0 || n > 64 || name[0] == '.' || strchr(name, '/') != NULL)
		return 0;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		e = strlen(exts[i]);
		if (n > e && strcmp(name + n - e, exts[i]) == 0)
			return 1;
	}
	return 0;
}

static int
data_file(struct http_request *req, struct http_response *res, void *arg)
{
	const char *name = http_request_var(req, "name"), *why = "no such file";
	struct app *a = arg;
	int status = 404;

	if (a->data_dir != NULL && name != NULL && dump_name_ok(name) &&
	    (status = http_response_file(req, a->data_dir, name, &why)) == 0)
		return http_response_header(res, "Cache-Control",
		    "public, max-age=3600");
	http_response_error(req, res, status, "name", why);
	return 0;
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
schema_details(struct html *h, json_t *schema)
{
	json_t *fields = json_object_get(schema, "fields"), *f;
	size_t i;

	html_f(h, "<details><summary>%D %s</summary><dl class=\"schema\">",
	    (int64_t)json_array_size(fields), dt(D_FIELDS, h->lang));
	json_array_foreach(fields, i, f)
		html_f(h, "<dt><code>%s</code> <span>(%s)</span></dt><dd>%s</dd>",
		    str(f, "name"), str(f, "type"), str(f, "description"));
	html_raw(h, "</dl></details>");
}

static void
catalogue(struct html *h, json_t *pkg)
{
	json_t *lic = json_array_get(json_object_get(pkg, "licenses"), 0);
	json_t *res = json_object_get(pkg, "resources"), *r;
	const char *path;
	size_t i;

	html_f(h, "<p>%s: ", dt(D_LICENCE, h->lang));
	if (*str(lic, "path") != '\0')
		html_f(h, "<a href=\"%s\" rel=\"license\">%s</a>",
		    str(lic, "path"), *str(lic, "title") ? str(lic, "title") :
		    str(lic, "name"));
	else
		html_f(h, "<span>%s</span>", str(lic, "name"));
	html_f(h, " (<code>%s</code>). %s <time>%s</time>.</p>\n",
	    str(lic, "name"), dt(D_CREATED, h->lang), str(pkg, "created"));
	html_f(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
	    "aria-labelledby=\"data-caption\">\n<table class=\"data-files\">"
	    "<caption id=\"data-caption\">%s</caption>\n<thead><tr>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n"
	    "<tbody>\n", dt(D_TITLE, h->lang), dt(D_FILE, h->lang),
	    dt(D_FORMAT, h->lang), dt(D_SIZE, h->lang), dt(D_ROWS, h->lang),
	    dt(D_WHAT, h->lang), dt(D_SCHEMA, h->lang));
	json_array_foreach(res, i, r) {
		path = str(r, "path");
		if (!dump_name_ok(path))
			continue;
		html_f(h, "<tr><th scope=\"row\"><a href=\"/data/%s\" "
		    "download>%s</a></th><td>%s</td><td>%D %s</td><td>%D</td>"
		    "<td>%s</td><td>", path, path, str(r, "format"),
		    (int64_t)json_integer_value(json_object_get(r, "bytes")),
		    dt(D_BYTES, h->lang),
		    (int64_t)json_integer_value(json_object_get(r, "rows")),
		    str(r, "title"));
		schema_details(h, json_object_get(r, "schema"));
		html_raw(h, "</td></tr>\n");
	}
	html_f(h, "</tbody></table></div>\n<p><a href=\"/data/"
	    "datapackage.json\">%s</a> · <a href=\"/ratings/methodology\">"
	    "%s</a></p>\n", dt(D_PACKAGE, h->lang), dt(D_RATINGS, h->lang));
}

static int
data_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;
	json_t *pkg = NULL;
	char path[1024];

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (c.app->data_dir == NULL)
		return web_fail(req, res, &c, 404, NULL, dt(D_NONE, c.lang));
	snprintf(path, sizeof(path), "%s/datapackage.json", c.app->data_dir);
	pkg = json_load_file(path, 0, NULL);
	ratings_page_begin(res, &h, &c, dt(D_TITLE, c.lang), "data",
	    "/data");
	html_f(&h, "<h1>%s</h1>\n<p>%s</p>\n", dt(D_TITLE, c.lang),
	    dt(D_INTRO, c.lang));
	if (pkg == NULL)
		html_f(&h, "<p id=\"data-pending\">%s</p>\n",
		    dt(D_PENDING, c.lang));
	else
		catalogue(&h, pkg);
	html_page_end(&h);
	json_decref(pkg);
	return h.failed ? -1 : 0;
}

static const char *const p_lang[] = { "lang", NULL };

static const struct http_route data_table[] = {
	{ HTTP_GET, "/data", data_page, 0, p_lang, 0 },
	{ HTTP_GET, "/data/{name}", data_file, 0, NULL, 0 },
};

const struct http_route *
data_routes(size_t *n)
{
	*n = sizeof(data_table) / sizeof(data_table[0]);
	return data_table;
}
