/*
 * delivery.h: the delivery routes (see delivery.c).
 */
#ifndef VECHE_API_DELIVERY_H
#define VECHE_API_DELIVERY_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *delivery_routes(size_t *n);

#endif
