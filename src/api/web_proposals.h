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

#endif
