/*
 * web_report.c: a citizen's report from the web, POST /api/v1/reports:
 * the form of /new (or the page's script) into report_submit.  Answers as
 * social.c's writes do: JSON to the scripts, a 303 to the report's page to
 * a plain form post; the same CSRF check and per-address limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/web.h"
#include "core/datetime.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/report.h"
#include "core/social.h"
#include "core/workflow.h"
#include "http/form.h"
#include "http/http.h"

/* Whether url names one of this site's photos. */
static int
own_media(const struct web_ctx *c, const char *url)
{
	const char *base = c->app->public_url != NULL ? c->app->public_url : "";
	size_t n = strlen(base);

	return strncmp(url, base, n) == 0 &&
	    strncmp(url + n, WEB_MEDIA_PREFIX, strlen(WEB_MEDIA_PREFIX)) == 0 &&
	    photo_name_ok(url + n + strlen(WEB_MEDIA_PREFIX)) &&
	    strstr(url, "-thumb") == NULL;
}

/*
 * A datetime-local value ("2026-11-27T14:30") in the deployment's zone as
 * W3C with the zone's offset; other values are returned unchanged.
 */
static const char *
local_datetime(struct http_request *req, const char *v)
{
	struct tm tm;
	char *out;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(v) != 16 || v[10] != 'T' ||
	    sscanf(v, "%4d-%2d-%2dT%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5)
		return v;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 ||
	    (out = http_request_alloc(req, DATETIME_LEN)) == NULL)
		return v;
	return datetime_format((int64_t)t, out, DATETIME_LEN);
}

/*
 * attr[service][code] or attr[service][code][]: the code when service is
 * svc, else NULL.  The form names attributes by service so that the
 * fields of the services not chosen are ignored without JavaScript.
 */
static const char *
attr_code(struct http_request *req, const char *name, const char *svc)
{
	struct form_segment seg[2];
	char *out;
	int list;

	if (form_name_segments(name, "attr", seg, 2, &list) == -1 ||
	    seg[0].len != strlen(svc) || memcmp(seg[0].s, svc, seg[0].len) != 0 ||
	    (out = http_request_alloc(req, seg[1].len + 1)) == NULL)
		return NULL;
	memcpy(out, seg[1].s, seg[1].len);
	out[seg[1].len] = '\0';
	return out;
}

/*
 * The report's media URLs, attributes and uploaded photos from the form;
 * the photos are only collected here: report_submit keeps them once the
 * report is valid.  Returns 0, or -1 with e set.
 */
static int
report_lists(struct http_request *req, const struct web_ctx *c,
    struct report_input *in, struct verr *e)
{
	const struct http_param *p;
	struct report_upload *photos;
	struct attr_value *attrs;
	const char **media;
	size_t n, i;

	p = http_request_params(req, &n);
	attrs = http_request_alloc(req, (n + 1) * sizeof(*attrs));
	media = http_request_alloc(req, (n + 1) * sizeof(*media));
	photos = http_request_alloc(req, (n + 1) * sizeof(*photos));
	in->photo_url = web_url(req, c, WEB_MEDIA_PREFIX);
	if (attrs == NULL || media == NULL || photos == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		const char *code;

		if (strcmp(p[i].name, "photo") == 0 && p[i].filename != NULL) {
			if (p[i].value_len == 0)
				continue;       /* an untouched file input */
			photos[in->nphotos].data = p[i].value;
			photos[in->nphotos++].len = p[i].value_len;
		} else if (strcmp(p[i].name, "media_url") == 0) {
			if (!own_media(c, p[i].value))
				return verr_set(e, VERR_INVALID, "media_url",
				    "media_url: only photos uploaded to this "
				    "site (POST /api/v1/photos)");
			media[in->nmedia++] = p[i].value;
		} else if (in->service_code != NULL && p[i].value[0] != '\0' &&
		    (code = attr_code(req, p[i].name,
		    in->service_code)) != NULL) {
			attrs[in->nattrs].code = code;
			attrs[in->nattrs++].value = local_datetime(req,
			    p[i].value);
		}
	}
	in->attrs = attrs;
	in->media = media;
	in->photos = photos;
	in->photo_dir = c->app->media_dir;
	return 0;
}

int
web_report_submit(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_receipt rc;
	struct report_input in;
	struct web_ctx c;
	struct verr e;
	const char *related;
	char reg[DATETIME_LEN], ans[DATETIME_LEN], loc[64];

	if (web_begin(req, res, arg, &c) == -1 ||
	    social_write_checks(req, res, &c, RATE_REPORT))
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.now = app_now(c.app);
	in.service_code = http_request_param(req, "service_code");
	if (in.service_code == NULL)
		return web_fail(req, res, &c, 400, "service_code",
		    "service_code: choose what is wrong");
	if (social_coordinate(req, "lat", &in.lat, &e) == -1 ||
	    social_coordinate(req, "long", &in.lon, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	in.has_point = 1;
	in.address = http_request_param(req, "address_string");
	in.description = http_request_param(req, "description");
	in.contact.first_name = http_request_param(req, "first_name");
	in.contact.last_name = http_request_param(req, "last_name");
	in.contact.email = http_request_param(req, "email");
	in.contact.phone = http_request_param(req, "phone");
	in.contact.device_id = c.device;
	in.actor = auth_actor(req, c.app);      /* links the report to an account */
	/* A follow-up of an earlier report ("not fixed" after 30 days). */
	related = http_request_param(req, "related");
	if (related != NULL && *related != '\0' && parse_int64(related, 1,
	    INT64_MAX, &in.related) == -1)
		return web_fail(req, res, &c, 400, "related", "related: a "
		    "report number");
	in.lang = c.lang;                       /* the reporter's e-mail */
	if (report_lists(req, &c, &in, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	/* Without an account, held until the e-mail is confirmed. */
	if (c.app->confirm_reports && in.actor == NULL)
		return web_account_hold(req, res, &c, &in);
	if (workflow_submit(c.store, c.app->catalog, &in, &rc, &e) == -1)
		return social_fail_verr(req, res, &c, &e);
	cache_bump(c.app->cache);
	snprintf(loc, sizeof(loc), "/reports/%lld?created=1", (long long)rc.id);
	if (c.html)
		return social_see_other(res, loc);
	datetime_format(rc.register_due, reg, sizeof(reg));
	datetime_format(rc.expected, ans, sizeof(ans));
	return social_send_json(res, 201, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s}",
	    "id", (json_int_t)rc.id, "token", rc.token, "url", loc,
	    "agency", rc.agency != NULL ? json_string(rc.agency) : json_null(),
	    "register_due", reg, "expected", ans));
}
