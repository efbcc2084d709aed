/* reply.c: answers of the JSON routes. */
#include <stdarg.h>
#include <stdio.h>

#include "api/render.h"
#include "api/reply.h"
#include "core/datetime.h"
#include "core/db.h"
#include "http/http.h"

int
reply_json(struct http_response *res, int status, json_t *doc)
{
	int rc;

	if (doc == NULL)
		return -1;
	http_response_status(res, status);
	http_response_header(res, "Cache-Control", "no-store");
	rc = render_doc(res, RENDER_JSON, doc, "response");
	json_decref(doc);
	return rc;
}

int
reply_bad(struct http_request *req, struct http_response *res, int status,
    const char *field, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_response_error(req, res, status, field, msg);
	return 0;
}

int
reply_status(enum verr_kind kind)
{
	static const int status[VERR__MAX] = {
		[VERR_NONE] = 500, [VERR_INVALID] = 400, [VERR_FORBIDDEN] = 403,
		[VERR_NOT_FOUND] = 404, [VERR_CONFLICT] = 409,
		[VERR_INTERNAL] = 500,
	};

	return (unsigned)kind < VERR__MAX ? status[kind] : 500;
}

int
reply_verr(struct http_request *req, struct http_response *res,
    const struct verr *e)
{
	int st = reply_status(e->kind);

	/* While a database server is away, the store logged it once. */
	if (st == 500 && !db_outage())
		fprintf(stderr, "veche: %s\n", e->message);
	http_response_error(req, res, st, e->field[0] ? e->field : NULL,
	    st == 500 ? "internal error: try again later" : e->message);
	return 0;
}

json_t *
reply_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *
reply_time(int64_t t)
{
	char buf[DATETIME_LEN];

	return t != 0 ? json_string(datetime_format(t, buf, sizeof(buf))) :
	    json_null();
}
