/*
 * open311.h: the Open311 GeoReport v2 handlers (see open311.c and
 * docs/api.md).  The routing table in routes.c wires them to paths.
 */
#ifndef VECHE_OPEN311_H
#define VECHE_OPEN311_H

#include <stddef.h>

struct http_request;
struct http_response;
struct http_route;

/* Open311's rows of the routing table. */
const struct http_route *open311_routes(size_t *n);

int open311_discovery(struct http_request *, struct http_response *, void *);
int open311_services(struct http_request *, struct http_response *, void *);
int open311_service(struct http_request *, struct http_response *, void *);
int open311_requests(struct http_request *, struct http_response *, void *);
int open311_request(struct http_request *, struct http_response *, void *);
int open311_post_request(struct http_request *, struct http_response *,
    void *);
/*
 * Whether route refuses req's body for its type: POST requests takes the
 * spec's form bodies only (application/x-www-form-urlencoded, or
 * multipart/form-data), as a JSON body would otherwise read as no fields.
 * Returns NULL when the body is fine, else a 415 message naming the type,
 * in request memory.
 */
const char *open311_body_refusal(struct http_request *req,
    const struct http_route *route);

int open311_token(struct http_request *, struct http_response *, void *);
int open311_updates(struct http_request *, struct http_response *, void *);

#endif
