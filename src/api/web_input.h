/*
 * web_input.h: a write's fields, from a JSON body or from the form, so
 * that one handler serves the page's form and the JSON API
 * (web_proposals.c, web_drafts.c).  The request owns what it returns.
 */
#ifndef VECHE_API_WEB_INPUT_H
#define VECHE_API_WEB_INPUT_H

#include <jansson.h>

struct http_request;
struct http_response;
struct web_ctx;

#define WEB_INPUT_FIELDS 8              /* non-string JSON fields read, most */

struct web_input {
	struct http_request *req;
	json_t *doc;                    /* the JSON body, or NULL: the form */
	char buf[WEB_INPUT_FIELDS][32];
	int n;
};

/*
 * Open req's fields: a path under /api/ answers JSON (c->html 0), a JSON
 * body is parsed (and answers JSON).  0, or -1 after a 400 naming "body".
 */
int web_input_open(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct web_input *in);

/* Field name's value, or NULL when absent. */
const char *web_input_get(struct web_input *in, const char *name);

/* Release the JSON body. */
void web_input_close(struct web_input *in);

#endif
