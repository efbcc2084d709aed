/*
 * web_input.c: a write's fields from a JSON body or the form
 * (web_input.h).
 */
#include <string.h>

#include "api/body.h"
#include "api/web.h"
#include "api/web_input.h"
#include "http/http.h"

int
web_input_open(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct web_input *in)
{
	const char *type = http_request_header(req, "Content-Type");
	char err[256];
	const void *body;
	size_t len;

	memset(in, 0, sizeof(*in));
	in->req = req;
	if (strncmp(http_request_path(req), "/api/", 5) == 0)
		c->html = 0;
	if (type == NULL || strncmp(type, "application/json", 16) != 0)
		return 0;
	c->html = 0;
	body = http_request_body(req, &len);
	if ((in->doc = body_json_parse(body, len, err, sizeof(err))) == NULL) {
		web_fail(req, res, c, 400, "body", err);
		return -1;
	}
	return 0;
}

const char *
web_input_get(struct web_input *in, const char *name)
{
	if (in->doc == NULL)
		return http_request_param(in->req, name);
	if (in->n >= WEB_INPUT_FIELDS)
		return NULL;
	return body_json_field(in->doc, name, in->buf[in->n++],
	    sizeof(in->buf[0]));
}

void
web_input_close(struct web_input *in)
{
	json_decref(in->doc);
	in->doc = NULL;
}
