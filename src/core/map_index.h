/*
 * map_index.h: the public map's clusters (issue 11).  Every report in a
 * view is counted: a grid per zoom level (cells of VECHE_MAP_CELL_PX screen
 * pixels, anchored to the Web Mercator world so a pan keeps the cells)
 * counts the reports of each cell by status, or, when the view holds at
 * most VECHE_MAP_POINTS reports, each one is listed.
 *
 * The index keeps, in memory, what the map filters on for every report
 * (place, status, service, agency, time of request), in buckets by cell
 * and time: at a million reports a view takes a few milliseconds, where
 * reading the same rows from SQLite takes up to a second and more
 * (docs/performance.md).  It follows the store:
 * each call first reads the reports added since (by id) and those changed
 * since (by updated time, VECHE_MAP_RESCAN seconds behind the newest seen
 * or now, whichever is earlier),
 * so a report filed or moved on is on the map at the next call.  The first
 * call reads every report (about a second at a million).
 */
#ifndef VECHE_MAP_INDEX_H
#define VECHE_MAP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct map_index;
struct store;

/* A new, empty index (filled on first use), or NULL.  Free with _free. */
struct map_index *map_index_new(void);
void map_index_free(struct map_index *m);

/* One cell of the grid with reports in it. */
struct map_cluster {
	double lat, lon;                /* the mean of its reports' points */
	int64_t count;
	int64_t by_status[STATUS__MAX];
};

/*
 * A report of a view's list: what the map shows of it, all public.  The
 * strings are the index's and live as long as it does.
 */
struct map_report {
	int64_t id;
	double lat, lon;
	enum report_status status;
	const char *service;            /* its code */
	const char *address;            /* NULL: none */
	int64_t requested;
	int fixed;                      /* the reporter's answer; -1: none */
};

/* What a view holds. */
struct map_result {
	int64_t total;                  /* reports in the view */
	struct map_cluster *clusters;   /* total > VECHE_MAP_POINTS: the cells */
	size_t nclusters;
	int64_t *ids;                   /* every report (all) or the newest */
	size_t nids;                    /*   VECHE_MAP_LIST, for the list */
	struct map_report *reports;     /* the same, newest first, from the */
	size_t nreports;                /*   index; 0 with nids > 0: ask the */
	int all;                        /*   store for them by id */
};

/*
 * Whether zoom (0 to VECHE_MAP_MAX_ZOOM) and the box are a view: a box
 * within the world, min below max, of at most VECHE_MAP_MAX_CELLS cells at
 * that zoom.  Returns 0, or -1 with *field naming the one at fault.
 */
int map_view_check(double min_lat, double min_lon, double max_lat,
    double max_lon, int zoom, const char **field);

/*
 * The reports of q in its box (q->has_bbox; q's services, status_mask,
 * agency, start and end filter; nothing else of q is read) at zoom, into
 * out, whose arrays the caller frees with map_result_free.  Returns 0, or
 * -1 (store error, out of memory, or a view map_view_check refuses).
 */
int map_index_view(struct map_index *m, struct store *s,
    const struct report_query *q, int zoom, struct map_result *out);
void map_result_free(struct map_result *r);

/*
 * The ids of a page of q, newest first, from the index (issue 11): an
 * Open311 list by box (q->has_bbox), period and status, in the order
 * ORDER_REQUESTED_DESC, q->offset + q->limit at most VECHE_MAP_PAGE_MAX.
 * The box test is exact, as SQL's comparisons of the rows' columns.
 * Returns 0 with *ids (malloc'd, the caller frees; NULL when the page is
 * empty) and *nids, 1 when q has another filter or order (ask the store),
 * or -1 (store error, out of memory).
 */
int map_index_page(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, size_t *nids);

/*
 * The version of each of the n reports ids as the index last read it,
 * after catching up with s (NULL: as it stands, as map_index_page left
 * it): it grows each time the index reads a report's row again (a change
 * it caught up with), so what was rendered from a row at version v is
 * current while the version is v (api/list_items.h).  0: a report the
 * index has not read.  vers holds n; so does updated, unless NULL: each
 * report's time of change as the index last read it (0 with version 0).
 * Returns 0, or -1 (store error).
 */
int map_index_versions(struct map_index *m, struct store *s,
    const int64_t *ids, size_t n, uint32_t *vers, int64_t *updated);

#endif
