/*
 * open311_list.h: Open311 lists of service requests (GET requests.json,
 * requests/{id}.json, and their .xml) and of their updates
 * (servicerequestupdates.json/.xml) written straight
 * into the response, one report at a time as the store hands them over:
 * no jansson tree, no libxml2 tree (docs/performance.md, issue 11).
 *
 * The output is what render_doc wrote for the same document before
 * (tests/unit/test_open311_list.c renders both and compares): JSON as
 * jansson's compact dump (a coordinate never in exponent form), XML byte
 * for byte as libxml2's writer.  Only public fields are written: the
 * report's contact never reaches this module.
 */
#ifndef VECHE_OPEN311_LIST_H
#define VECHE_OPEN311_LIST_H

#include "api/render.h"
#include "base/model.h"
#include "core/datetime.h"
#include "format/jsonw.h"

struct catalog;
struct list_items;
struct map_index;
struct report_query;
struct store;

struct open311_list {
	enum render_format fmt;
	const char *root;               /* XML root: "service_requests" ... */
	const struct catalog *catalog;  /* service names */
	enum lang lang;
	int extensions;                 /* extensions=true: extended_attributes */
	size_t n;                       /* reports written */
	struct datetime_memo dates;
	struct jsonw j;                 /* XML writes to j.out */
};

/*
 * Start a list in f (JSON or XML) written to sink(arg): the caller's
 * buffer lives in l, so l should not be copied.
 */
void open311_list_begin(struct open311_list *l, enum render_format f,
    const struct catalog *catalog, enum lang lang, int extensions,
    outbuf_sink sink, void *arg);

/*
 * Start a list of FixMyStreet's service request updates
 * (servicerequestupdates.json/.xml) instead; add them with
 * open311_list_update.
 */
void open311_list_begin_updates(struct open311_list *l, enum render_format f,
    outbuf_sink sink, void *arg);

/* Append u.  Returns 0, or -1 once the sink has failed. */
int open311_list_update(struct open311_list *l, const struct report_update *u);

/* Append r.  Returns 0, or -1 once the sink has failed. */
int open311_list_report(struct open311_list *l, const struct report *r);

/*
 * Append the reports of q as the public sees them (report_list_area): a
 * page by box, period and status from the map's index m, or the newest
 * of a period or a poll of what changed since an instant whose page the
 * time index gives (report_page_newest) or a text search newest first
 * whose page the text index gives (report_page_text), each report's item
 * copied from items when they hold it at the index's version of the
 * report, else read from s,
 * rendered and kept there (list_items.h); any other q read from s.
 * items NULL: every row read and rendered.  The same bytes either way.
 * Returns 0, or -1 (db_error(s) or no memory).
 */
int open311_list_area(struct open311_list *l, struct list_items *items,
    struct map_index *m, struct store *s, const struct report_query *q);

/* Close the list and flush.  Returns 0, or -1 when the sink failed. */
int open311_list_end(struct open311_list *l);

#endif
