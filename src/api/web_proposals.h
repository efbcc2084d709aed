/*
 * web_proposals.h: proposals' pages and API, and agencies' "what we
 * changed" notes (web_proposals.c; core/proposals.h; docs/participation.md),
 * with the two hooks other pages call: the report page's block and the
 * agency page's notes.
 */
#ifndef VECHE_API_WEB_PROPOSALS_H
#define VECHE_API_WEB_PROPOSALS_H

#include <stddef.h>
#include <stdint.h>

struct html;
struct http_route;
struct web_ctx;

/* This module's rows of the routing table. */
const struct http_route *proposals_routes(size_t *n);

/*
 * On report's page: the notes that link it and the link "Propose a lasting
 * fix" (/proposals/new?report=ID).  0, or -1 when the store failed.
 */
int web_proposals_report(struct html *h, const struct web_ctx *c,
    int64_t report);

/*
 * On agency's page: its notes and, for those who may publish one, the
 * form.  0, or -1 when the store failed.
 */
int web_proposals_agency(struct html *h, const struct web_ctx *c,
    const char *agency);

/*
 * A write's fields, from a JSON body (Content-Type application/json) or
 * the form's parameters, shared by web_proposals.c and web_officials.c.
 * web_in_open reads the body (a path under /api/ or a JSON body answers
 * in JSON: c->html 0): 0, or -1 after a 400 naming "body".  web_in_get:
 * a field (at most 8 JSON fields a request, each cut to 32 bytes when it
 * is not a string), NULL when absent.  web_in_close frees the body.
 */
struct http_request;
struct http_response;
struct json_t;
struct web_in {
	struct http_request *req;
	struct json_t *doc;
	char buf[8][32];
	int n;
};
int web_in_open(struct http_request *req, struct http_response *res,
    struct web_ctx *c, struct web_in *in);
const char *web_in_get(struct web_in *in, const char *name);
void web_in_close(struct web_in *in);

#endif
