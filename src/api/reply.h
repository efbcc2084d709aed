/*
 * reply.h: how the JSON routes (open311.c, auth.c, workflow.c, delivery.c)
 * answer:
 * a document with a status, or an error through the routing table's error
 * format naming the field.
 */
#ifndef VECHE_REPLY_H
#define VECHE_REPLY_H

#include <jansson.h>

#include "core/error.h"

struct http_request;
struct http_response;

/*
 * Send doc as JSON with status; takes ownership of doc (NULL: out of
 * memory).  Returns 0, or -1 for the handler to return (a 500).
 */
int reply_json(struct http_response *res, int status, json_t *doc);

/* Send a refusal: status, field (may be NULL), printf message.  Returns 0. */
int reply_bad(struct http_request *req, struct http_response *res,
    int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The HTTP status for a kind of core refusal (500 for internal ones). */
int reply_status(enum verr_kind kind);

/* Send core's refusal e with the status of its kind; logs internal ones. */
int reply_verr(struct http_request *req, struct http_response *res,
    const struct verr *e);

/* A string or JSON null; a W3C time or null (0). */
json_t *reply_str(const char *s);
json_t *reply_time(int64_t t);

#endif
