/*
 * workflow.h: the workflow routes (see workflow.c).
 */
#ifndef VECHE_API_WORKFLOW_H
#define VECHE_API_WORKFLOW_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *workflow_routes(size_t *n);

#endif
