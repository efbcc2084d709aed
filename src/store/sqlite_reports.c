/*
 * sqlite_reports.c: reports in the SQLite backend (see sqlite_internal.h
 * and store.h): insert with media, attributes, contact, spatial and text
 * index entries and the first history row; status changes; reads by id or
 * token; the report query (filters, area, text, order) and the updates
 * feed.  The tables are the core schema's (sqlite.c).
 *
 * Report queries are assembled from fixed fragments chosen by which
 * filters are present; each such shape is prepared once and kept in the
 * connection's statement cache (sq_shape), keyed by the filter bits and
 * the order.  User input is only ever bound.
 *
 * On the statement layer (sql_store.h, docs/scaling.md): every statement
 * runs on SQLite and PostgreSQL (stmt_pg where the dialects differ); the
 * query shapes are built per engine (query_stmt, query_pg), SQLite's
 * stepped as they were.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "base/str.h"
#include "store/sql_store.h"
#include "store/store.h"

#define LIST_SEP        "\x1f"   /* separates media URLs in one column */

/*
 * The columns every report read selects, in this order.  The description is
 * the one written, with the reject reason beside it: what a caller may see
 * of it is core's decision (report_view in core/report_read.c), not the
 * store's.
 */
#define REPORT_COLUMNS \
	"r.id, r.token, r.service, r.agency, r.status, r.status_notes, " \
	"r.lat, r.lon, r.address, r.address_id, r.zipcode, r.description, " \
	"r.requested, r.updated, r.register_due, r.expected, " \
	"(SELECT group_concat(url, '" LIST_SEP "') FROM " \
	"(SELECT url FROM report_media m WHERE m.report = r.id ORDER BY ord)), " \
	"r.reject_reason, r.fixed"

enum {
	ST_REPORT_INSERT,
	ST_REPORT_MEDIA_PUT,
	ST_REPORT_ATTR_PUT,
	ST_REPORT_CONTACT_PUT,
	ST_REPORT_GEO_PUT,
	ST_SEARCH_KEY_PUT,
	ST_REPORT_TEXT_PUT,
	ST_REPORT_COUNT,
	ST_REPORT_GET,
	ST_REPORT_BY_TOKEN,
	ST_REPORT_ATTRS,
	ST_REPORT_CONTACT,
	ST_REPORT_SET_STATUS,
	ST_UPDATE_INSERT,
	ST_UPDATE_QUERY,
	ST_GEO_PROBE,
	ST_UPDATED_PROBE,
	ST_REQUESTED_PROBE,
	ST_POINTS_AFTER,
	ST_POINTS_SINCE,
	ST_READ_BEGIN,
	ST_READ_END,
	ST_SEARCH_KEY_GAP,
	ST_NEWEST_IDS,
	ST_WINDOW_IDS,
	ST_CHANGED_IDS,
	ST_REPORT_PAGE,
	ST_TEXT_IDS,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_REPORT_INSERT] = "INSERT INTO reports(token, service, agency, "
	    "status, status_notes, lat, lon, address, address_id, zipcode, "
	    "description, requested, updated, register_due, expected) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15) RETURNING id",
	[ST_REPORT_MEDIA_PUT] = "INSERT INTO report_media(report, ord, url) "
	    "VALUES (?1, ?2, ?3)",
	[ST_REPORT_ATTR_PUT] = "INSERT INTO report_attrs(report, ord, code, "
	    "value) VALUES (?1, ?2, ?3, ?4)",
	[ST_REPORT_CONTACT_PUT] = "INSERT INTO report_contacts(report, "
	    "first_name, last_name, email, phone, device_id, account_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_REPORT_GEO_PUT] = "INSERT INTO report_geo(id, min_lat, max_lat, "
	    "min_lon, max_lon) VALUES (?1, ?2, ?3, ?4, ?5)",
	/*
	 * Report ?2, requested at ?1, under the next free key of that second
	 * in the text index (SEARCH_KEY_SHIFT; core migration 6).
	 */
	[ST_SEARCH_KEY_PUT] = "INSERT INTO report_search_keys(key, report) "
	    "SELECT coalesce(max(key) + 1, ?1 << " SEARCH_KEY_SHIFT "), ?2 "
	    "FROM report_search_keys WHERE key >= ?1 << " SEARCH_KEY_SHIFT
	    " AND key < (?1 + 1) << " SEARCH_KEY_SHIFT " RETURNING key",
	[ST_REPORT_TEXT_PUT] = "INSERT INTO report_text(rowid, description, "
	    "address) VALUES (?1, ?2, ?3)",
	[ST_REPORT_COUNT] = "SELECT count(*) FROM reports",
	[ST_REPORT_GET] = "SELECT " REPORT_COLUMNS " FROM reports r "
	    "WHERE r.id = ?1",
	[ST_REPORT_BY_TOKEN] = "SELECT " REPORT_COLUMNS " FROM reports r "
	    "WHERE r.token = ?1",
	[ST_REPORT_ATTRS] = "SELECT code, value FROM report_attrs "
	    "WHERE report = ?1 ORDER BY ord",
	[ST_REPORT_CONTACT] = "SELECT first_name, last_name, email, phone, "
	    "device_id, account_id FROM report_contacts WHERE report = ?1",
	[ST_REPORT_SET_STATUS] = "UPDATE reports SET status = ?1, "
	    "status_notes = coalesce(?2, status_notes), updated = ?3 "
	    "WHERE id = ?4",
	[ST_UPDATE_INSERT] = "INSERT INTO report_updates(report, status, "
	    "description, media_url, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_UPDATE_QUERY] = "SELECT id, report, status, description, media_url, "
	    "created FROM report_updates WHERE created > ?1 AND created <= ?2 "
	    "ORDER BY created, id LIMIT ?3",
	[ST_GEO_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM report_geo "
	    "WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND "
	    "min_lon <= ?4 LIMIT ?5)",
	[ST_UPDATED_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM reports "
	    "INDEXED BY reports_updated WHERE updated > ?1 LIMIT ?2)",
	[ST_REQUESTED_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM reports "
	    "INDEXED BY reports_requested WHERE requested > ?1 AND "
	    "requested >= ?2 AND requested <= ?3 LIMIT ?4)",
	/* The map's index (store_report_points): by rowid, by reports_updated. */
	[ST_POINTS_AFTER] = "SELECT id, lat, lon, status, service, agency, "
	    "requested, updated, address, fixed FROM reports WHERE id > ?1 "
	    "ORDER BY id",
	[ST_POINTS_SINCE] = "SELECT id, lat, lon, status, service, agency, "
	    "requested, updated, address, fixed FROM reports "
	    "WHERE updated >= ?1",
	/* Rows read one by one in one snapshot (store_report_rows). */
	[ST_READ_BEGIN] = "BEGIN",
	[ST_READ_END] = "COMMIT",
	/* SQLite: the one writer keys a second's reports; never stepped. */
	[ST_SEARCH_KEY_GAP] = "SELECT ?1",
	/* A page of the newest requested and changed after ?1
	 * (store_report_newest): the time index walked, the rows' times
	 * read, nothing else. */
	[ST_NEWEST_IDS] = "SELECT id FROM reports INDEXED BY reports_requested "
	    "WHERE requested > ?1 AND requested >= ?2 AND requested <= ?3 "
	    "AND updated > ?1 "
	    "ORDER BY requested DESC, id DESC LIMIT ?4 OFFSET ?5",
	/* The same without an instant: the covering index alone. */
	[ST_WINDOW_IDS] = "SELECT id FROM reports INDEXED BY reports_requested "
	    "WHERE requested >= ?1 AND requested <= ?2 "
	    "ORDER BY requested DESC, id DESC LIMIT ?3 OFFSET ?4",
	/* A page of those changed after ?1 (store_report_changed): judged
	 * and ordered from reports_updated alone, no row read. */
	[ST_CHANGED_IDS] = "SELECT id FROM reports INDEXED BY reports_updated "
	    "WHERE updated > ?1 AND requested >= ?2 AND requested <= ?3 "
	    "ORDER BY requested DESC, id DESC LIMIT ?4 OFFSET ?5",
	/* SQLite reads a page's rows by key, one by one; never stepped. */
	[ST_REPORT_PAGE] = "SELECT ?1",
	/*
	 * A page of a text search newest first (store_report_text_ids): the
	 * matches walked in key order from the end of the window's keys, as
	 * text_walk_sql does, and only their reports' ids read: no row.
	 */
	[ST_TEXT_IDS] = "SELECT k.report FROM report_text t "
	    "CROSS JOIN report_search_keys k WHERE t.report_text MATCH ?1 "
	    "AND t.rowid >= (?2 << " SEARCH_KEY_SHIFT ") AND t.rowid < "
	    "((?3 + 1) << " SEARCH_KEY_SHIFT ") AND k.key = t.rowid "
	    "ORDER BY t.rowid DESC LIMIT ?4 OFFSET ?5",
};

const struct stmt_table store_reports_stmts = { stmt_sql, ST__MAX };

/*
 * PostgreSQL's texts where the dialects differ (docs/scaling.md): the
 * media list by string_agg; a time shifted into a key as a BIGINT (an
 * untyped parameter would be an INTEGER, and overflow); no INDEXED BY;
 * subqueries in FROM named; LIMIT -1 as nullif; the box probe also as
 * `&&` so report_geo's GiST index serves it; one snapshot for the rows
 * read one by one (READ COMMITTED takes one per statement).
 */
#define REPORT_COLUMNS_PG \
	"r.id, r.token, r.service, r.agency, r.status, r.status_notes, " \
	"r.lat, r.lon, r.address, r.address_id, r.zipcode, r.description, " \
	"r.requested, r.updated, r.register_due, r.expected, " \
	"(SELECT string_agg(url, '" LIST_SEP "' ORDER BY ord) " \
	"FROM report_media m WHERE m.report = r.id), " \
	"r.reject_reason, r.fixed"
#define SEARCH_KEY_PG(p) "(CAST(" p " AS BIGINT) << " SEARCH_KEY_SHIFT ")"
/*
 * On PostgreSQL a report's place in its second is its id modulo
 * 2^24 - 1 (never 2^24 - 1, the place of SQLite's day marks), so writers
 * in several processes never compete for a key: the id is the sequence's
 * and unique.  Within a second ids rise with time, so key order stays
 * (requested, id) order but where the ids of one second cross a multiple
 * of 2^24 - 1.
 */
#define SEARCH_KEY_OWN_PG \
	"(" SEARCH_KEY_PG("?1") " + CAST(?2 AS BIGINT) % 16777215)"

static const char *const stmt_pg[ST__MAX] = {
	/* No row when the key is taken (a copied second's, or a wrap). */
	[ST_SEARCH_KEY_PUT] = "INSERT INTO report_search_keys(key, report) "
	    "VALUES (" SEARCH_KEY_OWN_PG ", CAST(?2 AS BIGINT)) "
	    "ON CONFLICT DO NOTHING RETURNING key",
	/*
	 * Then the first free key after it in the same second: the end of
	 * the run of taken keys from there.  No row when the second is
	 * full, or when another writer took that key first (tried again).
	 */
	[ST_SEARCH_KEY_GAP] = "INSERT INTO report_search_keys(key, report) "
	    "SELECT min(k.key) + 1, CAST(?2 AS BIGINT) FROM report_search_keys k "
	    "WHERE k.key >= " SEARCH_KEY_OWN_PG " AND k.key < "
	    SEARCH_KEY_PG("?1 + 1") " - 2 AND NOT EXISTS (SELECT 1 FROM "
	    "report_search_keys n WHERE n.key = k.key + 1) "
	    "HAVING min(k.key) IS NOT NULL "
	    "ON CONFLICT DO NOTHING RETURNING key",
	[ST_REPORT_GET] = "SELECT " REPORT_COLUMNS_PG " FROM reports r "
	    "WHERE r.id = ?1",
	[ST_REPORT_BY_TOKEN] = "SELECT " REPORT_COLUMNS_PG " FROM reports r "
	    "WHERE r.token = ?1",
	[ST_UPDATE_QUERY] = "SELECT id, report, status, description, media_url, "
	    "created FROM report_updates WHERE created > ?1 AND created <= ?2 "
	    "ORDER BY created, id LIMIT nullif(?3, -1)",
	[ST_GEO_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM report_geo "
	    "WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND "
	    "min_lon <= ?4 AND box(point(min_lon, min_lat), point(max_lon, "
	    "max_lat)) && box(point(?3, ?1), point(?4, ?2)) LIMIT ?5) AS g",
	[ST_UPDATED_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM reports "
	    "WHERE updated > ?1 LIMIT ?2) AS u",
	[ST_REQUESTED_PROBE] = "SELECT count(*) FROM (SELECT 1 FROM reports "
	    "WHERE requested > ?1 AND requested >= ?2 AND requested <= ?3 "
	    "LIMIT ?4) AS q",
	[ST_READ_BEGIN] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	[ST_NEWEST_IDS] = "SELECT id FROM reports WHERE requested > ?1 AND "
	    "requested >= ?2 AND requested <= ?3 AND updated > ?1 "
	    "ORDER BY requested DESC, id DESC LIMIT ?4 OFFSET ?5",
	[ST_WINDOW_IDS] = "SELECT id FROM reports WHERE "
	    "requested >= ?1 AND requested <= ?2 "
	    "ORDER BY requested DESC, id DESC LIMIT ?3 OFFSET ?4",
	/*
	 * The changes (fewer than UPDATED_PROBE_LIMIT: the probe came first)
	 * read from reports_updated alone (core migration 9), then sorted.
	 * Materialized, so no plan walks reports_requested newest first
	 * reading every row's updated: the generic plan of the prepared
	 * statement did, 0.9 s for a poll with one change in 100,000.
	 */
	[ST_CHANGED_IDS] = "WITH c AS MATERIALIZED (SELECT id, requested "
	    "FROM reports WHERE updated > ?1 AND requested >= ?2 AND "
	    "requested <= ?3) SELECT id FROM c "
	    "ORDER BY requested DESC, id DESC LIMIT ?4 OFFSET ?5",
	/*
	 * A page of ids ('{1,2,3}') in one round trip and one snapshot, in
	 * the page's order (store_report_rows): an id twice is a row twice,
	 * an id gone is no row, as the reads by key.
	 */
	[ST_REPORT_PAGE] = "SELECT " REPORT_COLUMNS_PG " FROM "
	    "unnest(CAST(?1 AS BIGINT[])) WITH ORDINALITY AS p(id, ord) "
	    "JOIN reports r ON r.id = p.id ORDER BY p.ord",
	/* store_report_text_ids answers 1 here: never stepped. */
	[ST_TEXT_IDS] = "SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), "
	    "CAST(?3 AS BIGINT), CAST(?4 AS BIGINT), CAST(?5 AS BIGINT)",
};

const struct stmt_table store_reports_stmts_pg = { stmt_pg, ST__MAX };

/*
 * Filters of a report query, each a bit of the statement cache key.
 *
 * An area filter has two plans.  A small area (fewer than GEO_PROBE_LIMIT
 * reports in its box, counted on the R*Tree first) is read from the R*Tree
 * and sorted; a large one is found by walking the time index newest first
 * and testing each row's coordinates, which stops after `limit` rows.  Both
 * cost at most a few thousand rows, where either plan alone costs the whole
 * area or the whole window in the other case.
 */
#define GEO_PROBE_LIMIT 2000

/*
 * updated_after has two plans too.  When fewer than UPDATED_PROBE_LIMIT
 * reports changed since the instant (counted on reports_updated first),
 * those are judged and ordered from that index (migration 6) and only the
 * page's rows are read: a client polling for the last minutes' changes.
 * When more did, the time index is walked newest first, as without the
 * filter: every report requested since the instant changed since, so the
 * page fills from the first rows.  Walked with a recent instant, it read
 * the whole 90-day window's rows to find the few (issue 11).
 */
#define UPDATED_PROBE_LIMIT 2000

enum qfilter {
	QF_IDS,
	QF_SERVICES,
	QF_STATUS,
	QF_START,
	QF_END,
	QF_UPDATED_AFTER,
	QF_UPDATED_RECENT,              /* updated_after, few changes since */
	QF_UPDATED_BEFORE,
	QF_BBOX,
	QF_BBOX_SCAN,
	QF_RADIUS,
	QF_RADIUS_SCAN,
	QF_AGENCY,
	QF_TEXT,
	QF_AFTER_ID,
	QF__MAX
};

static const char *const qfilter_sql[QF__MAX] = {
	[QF_IDS] = "r.id IN (SELECT value FROM json_each(?))",
	[QF_SERVICES] = "r.service IN (SELECT value FROM json_each(?))",
	[QF_STATUS] = "((? >> r.status) & 1)",
	[QF_START] = "r.requested >= ?",
	[QF_END] = "r.requested <= ?",
	[QF_UPDATED_AFTER] = "r.updated > ?",
	[QF_UPDATED_RECENT] = "r.updated > ?",
	[QF_UPDATED_BEFORE] = "r.updated < ?",
	[QF_BBOX] = "r.id IN (SELECT id FROM report_geo WHERE max_lat >= ?"
	    " AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)",
	[QF_BBOX_SCAN] = "r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?",
	[QF_RADIUS] = "r.id IN (SELECT id FROM report_geo WHERE max_lat >= ?"
	    " AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)"
	    " AND veche_distance(r.lat, r.lon, ?, ?) <= ?",
	[QF_RADIUS_SCAN] = "r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?"
	    " AND veche_distance(r.lat, r.lon, ?, ?) <= ?",
	[QF_AGENCY] = "r.agency = ?",
	[QF_TEXT] = "r.id IN (SELECT k.report FROM report_text t"
	    " JOIN report_search_keys k ON k.key = t.rowid"
	    " WHERE t.report_text MATCH ?)",
	[QF_AFTER_ID] = "r.id > ?",
};

/*
 * The same filters on PostgreSQL, each numbering its parameters from ?1
 * (query_pg renumbers them in place): JSON lists read by
 * json_array_elements_text, the status mask's bit compared, the radius's
 * haversine written out as fn_distance computes it (sqlite.c), the words
 * matched on report_text's tsvector through veche_match.  One plan each:
 * PostgreSQL's planner chooses between the indexes itself.
 */
#define DISTANCE_PG \
	"2 * 6371008.8 * asin(least(1.0, sqrt(power(sin(radians(?5 - r.lat)" \
	" / 2), 2) + cos(radians(r.lat)) * cos(radians(?5)) *" \
	" power(sin(radians(?6 - r.lon) / 2), 2)))) <= ?7"
#define BOX_PG \
	"r.id IN (SELECT id FROM report_geo WHERE max_lat >= ?1" \
	" AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4" \
	" AND box(point(min_lon, min_lat), point(max_lon, max_lat)) &&" \
	" box(point(?3, ?1), point(?4, ?2)))"
#define SCAN_PG \
	"r.lat BETWEEN ?1 AND ?2 AND r.lon BETWEEN ?3 AND ?4"

static const char *const qfilter_pg[QF__MAX] = {
	[QF_IDS] = "r.id IN (SELECT CAST(value AS BIGINT) FROM"
	    " json_array_elements_text(CAST(?1 AS JSON)) AS value)",
	[QF_SERVICES] = "r.service IN (SELECT value FROM"
	    " json_array_elements_text(CAST(?1 AS JSON)) AS value)",
	[QF_STATUS] = "((CAST(?1 AS BIGINT) >> r.status) & 1) = 1",
	[QF_START] = "r.requested >= ?1",
	[QF_END] = "r.requested <= ?1",
	[QF_UPDATED_AFTER] = "r.updated > ?1",
	[QF_UPDATED_RECENT] = "r.updated > ?1",
	[QF_UPDATED_BEFORE] = "r.updated < ?1",
	[QF_BBOX] = BOX_PG,
	[QF_BBOX_SCAN] = SCAN_PG,
	[QF_RADIUS] = BOX_PG " AND " DISTANCE_PG,
	[QF_RADIUS_SCAN] = SCAN_PG " AND " DISTANCE_PG,
	[QF_AGENCY] = "r.agency = ?1",
	[QF_TEXT] = "r.id IN (SELECT k.report FROM report_text t"
	    " JOIN report_search_keys k ON k.key = t.rowid"
	    " WHERE t.fts @@ veche_match(?1, 'russian'))",
	[QF_AFTER_ID] = "r.id > ?1",
};

/*
 * Append frag to sql at *len, its parameters ?1, ?2 ... numbered from
 * *next on; *next moves past the highest.  -1 when sql is full.
 */
static int
append_numbered(char *sql, size_t size, size_t *len, const char *frag,
    int *next)
{
	const char *p;
	char *end;
	long n, top = 0;
	int w;

	for (p = frag; *p != '\0'; p++) {
		if (*p == '?' && isdigit((unsigned char)p[1])) {
			n = strtol(p + 1, &end, 10);
			w = snprintf(sql + *len, size - *len, "?%ld",
			    *next + n - 1);
			if (n > top)
				top = n;
			p = end - 1;
		} else
			w = snprintf(sql + *len, size - *len, "%c", *p);
		if (w < 0 || (size_t)w >= size - *len)
			return -1;
		*len += (size_t)w;
	}
	*next += (int)top;
	return 0;
}

/*
 * A text search newest first walks report_text's matches in key order
 * (SEARCH_KEY_SHIFT: time, then id), from the end of the window's key
 * range, and stops at the page: the window is a range of keys, the other
 * filters are judged on each match's row.  Other orders take the matches
 * as a set (QF_TEXT above).
 */
static const char *const text_walk_sql =
    "SELECT " REPORT_COLUMNS " FROM report_text t"
    " CROSS JOIN report_search_keys k CROSS JOIN reports r"
    " WHERE k.key = t.rowid AND r.id = k.report";

static const char *const text_walk_qfilter_sql[QF__MAX] = {
	[QF_START] = "t.rowid >= (? << " SEARCH_KEY_SHIFT ")",
	[QF_END] = "t.rowid < ((? + 1) << " SEARCH_KEY_SHIFT ")",
	[QF_TEXT] = "t.report_text MATCH ?",
};

/*
 * In a small box (or circle), each of its reports is probed for the words
 * instead: at most GEO_PROBE_LIMIT probes, where a walk of a common word
 * read every match in the window to find the few inside the box (160 ms
 * for `дома` in a box of 679 reports at a million reports; 3.4 ms so).
 */
static const char *const text_probe_sql =
    "EXISTS (SELECT 1 FROM report_text t CROSS JOIN report_search_keys k"
    " WHERE t.report_text MATCH ? AND t.rowid >= (r.requested << "
    SEARCH_KEY_SHIFT ") AND t.rowid < ((r.requested + 1) << "
    SEARCH_KEY_SHIFT ") AND k.key = t.rowid AND k.report = r.id)";

/* How a query's text filter is judged. */
enum text_plan {
	TEXT_SET,                       /* the matches as a set (QF_TEXT) */
	TEXT_WALK,                      /* text_walk_sql */
	TEXT_PROBE                      /* text_probe_sql */
};

static enum text_plan
text_plan(unsigned bits, enum report_order order)
{
	if (!(bits & (1u << QF_TEXT)))
		return TEXT_SET;
	if (bits & ((1u << QF_BBOX) | (1u << QF_RADIUS)))
		return TEXT_PROBE;
	return order == ORDER_REQUESTED_DESC ? TEXT_WALK : TEXT_SET;
}

/*
 * The MATCH expression of a walk or a probe: each word of text ("w" or
 * "w"*, as search_terms writes them) ORed with the day mark (core
 * migration 8), so the AND of the words matches at least once a day and
 * FTS5 stops within a day of the key range's start (a walk's, newest
 * first) or end (a probe's), where it checks that bound; the marks have
 * no key and the join drops them.  NULL, and text is bound as it is, for
 * one word of letters and digits alone (each of its matches is a match:
 * FTS5 stops there already), other syntax or no memory; the caller frees
 * it.
 */
static char *
walk_expr(const char *text)
{
	static const char mark[] = " OR \"" SEARCH_DAY_MARK "\")";
	size_t quotes = 0, len = 0, words = 0, cap;
	const char *p, *w;
	char *out;
	int n, phrase = 0;

	for (p = text; *p != '\0'; p++)
		quotes += *p == '"';
	/* Per word at most: " AND (" and the mark. */
	cap = strlen(text) + (quotes / 2 + 1) * (sizeof(mark) + 6) + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (p = text; *p != '\0';) {
		if (*(w = p) != '"')
			goto fail;
		for (p++; *p != '\0' && (*p != '"' || p[1] == '"'); p++) {
			/* Perhaps more than one token: a phrase. */
			if ((unsigned char)*p < 0x80 && !isalnum((unsigned char)*p))
				phrase = 1;
			if (*p == '"')
				p++;
		}
		if (*p++ != '"')
			goto fail;
		words++;
		if (*p == '*')
			p++;
		n = snprintf(out + len, cap - len, "%s(%.*s%s",
		    len > 0 ? " AND " : "", (int)(p - w), w, mark);
		if (n < 0 || (size_t)n >= cap - len)
			goto fail;
		len += (size_t)n;
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			goto fail;
	}
	if (words > 1 || (words == 1 && phrase))
		return out;
fail:
	free(out);
	return NULL;
}

static const char *const order_sql[ORDER__MAX] = {
	[ORDER_REQUESTED_DESC] = " ORDER BY r.requested DESC, r.id DESC",
	[ORDER_UPDATED_DESC] = " ORDER BY r.updated DESC, r.id DESC",
	[ORDER_ID_ASC] = " ORDER BY r.id",
};

_Static_assert((1u << QF__MAX) * ORDER__MAX == STORE_QUERY_SHAPES,
    "STORE_QUERY_SHAPES counts the shapes of a report query");
/* Hold a text index entry for sq_text_flush: 0, or -1 out of memory. */
static int
text_hold(struct store *s, int64_t key, const char *description,
    const char *address)
{
	struct text_entry *x;
	size_t cap;

	if (s->ntext == s->text_cap) {
		cap = s->text_cap ? 2 * s->text_cap : 64;
		if ((x = realloc(s->text, cap * sizeof(*x))) == NULL)
			goto oom;
		s->text = x;
		s->text_cap = cap;
	}
	x = &s->text[s->ntext];
	x->key = key;
	x->description = strdup(description);
	x->address = address != NULL ? strdup(address) : NULL;
	if (x->description == NULL || (address != NULL && x->address == NULL)) {
		free(x->description);
		free(x->address);
		goto oom;
	}
	s->ntext++;
	return 0;
oom:
	snprintf(s->err, sizeof(s->err), "indexing report text: out of memory");
	return -1;
}

/* The words of a report under rowid key. */
static int
text_put(struct store *s, int64_t key, const char *description,
    const char *address)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_TEXT_PUT);

	sql_bind_int64(st, 1, key);
	sql_bind_text(st, 2, description);
	sql_bind_text(st, 3, address);
	return ss_done(s, st, "indexing report text");
}

void
sq_text_drop(struct store *s, size_t keep)
{
	while (s->ntext > keep) {
		s->ntext--;
		free(s->text[s->ntext].description);
		free(s->text[s->ntext].address);
	}
}

int
sq_text_flush(struct store *s)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->ntext && rc == 0; i++)
		rc = text_put(s, s->text[i].key, s->text[i].description,
		    s->text[i].address);
	sq_text_drop(s, 0);
	return rc;
}

/*
 * Report rid's key in the text index, requested at `requested`: SQLite's
 * one writer takes the second's next; PostgreSQL's the id's own place
 * (ST_SEARCH_KEY_PUT), else the first free one after it (ST_SEARCH_KEY_GAP),
 * the two in turn while other writers take the one found
 * (SEARCH_KEY_TRIES in all).
 * No lock: two processes never wait for each other here.
 */
#define SEARCH_KEY_TRIES 16

static int
search_key(struct store *s, int64_t requested, int64_t rid, int64_t *key)
{
	struct sql_stmt *st;
	int i, rc;

	for (i = 0; i < SEARCH_KEY_TRIES; i++) {
		st = ss_stmt(s, STORE_MOD_REPORTS, i % 2 == 0 ? ST_SEARCH_KEY_PUT :
		    ST_SEARCH_KEY_GAP);
		if (st == NULL)
			return -1;
		sql_bind_int64(st, 1, requested);
		sql_bind_int64(st, 2, rid);
		if ((rc = ss_row(s, st, "keying report text", ss_int64_row,
		    key)) != 1)
			return rc;
		if (sql_conn_engine(s->conn) != SQL_PG)
			break;
	}
	snprintf(s->err, sizeof(s->err), "keying report text: no free key "
	    "in second %" PRId64 " after %d tries", requested, i);
	return -1;
}

/* The report's words into report_text under its next key in time order. */
static int
report_index_text(struct store *s, const struct report *r, int64_t rid)
{
	const char *d = r->description ? r->description : "";
	int64_t key;

	if (search_key(s, r->requested, rid, &key) == -1)
		return -1;
	if (s->text_defer)
		return text_hold(s, key, d, r->address);
	return text_put(s, key, d, r->address);
}

int
sq_report_row_insert(struct store *s, const struct report *r, int64_t *id)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_INSERT);

	sql_bind_text(st, 1, r->token);
	sql_bind_text(st, 2, r->service_code);
	sql_bind_text(st, 3, r->agency);
	sql_bind_int(st, 4, (int)r->status);
	sql_bind_text(st, 5, r->status_notes);
	if (r->has_point) {
		sql_bind_double(st, 6, r->lat);
		sql_bind_double(st, 7, r->lon);
	}
	sql_bind_text(st, 8, r->address);
	sql_bind_text(st, 9, r->address_id);
	sql_bind_text(st, 10, r->zipcode);
	sql_bind_text(st, 11, r->description ? r->description : "");
	sql_bind_int64(st, 12, r->requested);
	sql_bind_int64(st, 13, r->updated);
	sql_bind_int64(st, 14, r->register_due);
	sql_bind_int64(st, 15, r->expected);
	return ss_row(s, st, "writing report", ss_int64_row, id) != 0 ? -1 : 0;
}

/* A row of a report's history (a bulk load's beside it, sqlite_bulk.c). */
static int
update_insert(struct store *s, const struct report_update *u)
{
	struct sql_stmt *st;
	int rc;

	if (s->bulk != NULL && (rc = sq_bulk_update(s, u)) != 1)
		return rc;
	st = ss_stmt(s, STORE_MOD_REPORTS, ST_UPDATE_INSERT);
	sql_bind_int64(st, 1, u->report_id);
	sql_bind_int(st, 2, (int)u->status);
	sql_bind_text(st, 3, u->description);
	sql_bind_text(st, 4, u->media_url);
	sql_bind_int64(st, 5, u->created);
	return ss_done(s, st, "recording report history");
}

static int
report_insert(struct store *s, const struct report *r, const struct contact *c,
    int64_t *id)
{
	struct report_update u = { 0 };
	struct sql_stmt *st;
	int64_t rid;
	size_t i;
	int held = 1;

	/* A bulk load may hold the row until its status is final. */
	if (s->bulk != NULL && (held = sq_bulk_report_hold(s, r, &rid)) == -1)
		return -1;
	if (held == 1 && sq_report_row_insert(s, r, &rid) == -1)
		return -1;
	for (i = 0; i < r->nmedia; i++) {
		st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_MEDIA_PUT);
		sql_bind_int64(st, 1, rid);
		sql_bind_int64(st, 2, (int64_t)i);
		sql_bind_text(st, 3, r->media[i]);
		if (ss_done(s, st, "writing report media") == -1)
			return -1;
	}
	for (i = 0; i < r->nattrs; i++) {
		st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_ATTR_PUT);
		sql_bind_int64(st, 1, rid);
		sql_bind_int64(st, 2, (int64_t)i);
		sql_bind_text(st, 3, r->attrs[i].code);
		sql_bind_text(st, 4, r->attrs[i].value);
		if (ss_done(s, st, "writing report attribute") == -1)
			return -1;
	}
	if (c != NULL) {
		st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_CONTACT_PUT);
		sql_bind_int64(st, 1, rid);
		sql_bind_text(st, 2, c->first_name);
		sql_bind_text(st, 3, c->last_name);
		sql_bind_text(st, 4, c->email);
		sql_bind_text(st, 5, c->phone);
		sql_bind_text(st, 6, c->device_id);
		sql_bind_text(st, 7, c->account_id);
		if (ss_done(s, st, "writing report contact") == -1)
			return -1;
	}
	/* A bulk load (sqlite_bulk.c) adds both entries at its end. */
	if (r->has_point && s->defer_index && s->bulk != NULL)
		sq_bulk_point(s, rid, r->lat, r->lon);
	if (s->defer_index && s->bulk != NULL)
		sq_bulk_text(s, rid, r->requested, r->description, r->address);
	if (r->has_point && !s->defer_index) {
		st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_GEO_PUT);
		sql_bind_int64(st, 1, rid);
		sql_bind_double(st, 2, r->lat);
		sql_bind_double(st, 3, r->lat);
		sql_bind_double(st, 4, r->lon);
		sql_bind_double(st, 5, r->lon);
		if (ss_done(s, st, "indexing report location") == -1)
			return -1;
	}
	if (!s->defer_index && report_index_text(s, r, rid) == -1)
		return -1;
	u.report_id = rid;
	u.status = r->status;
	u.description = r->status_notes;
	u.media_url = r->nmedia > 0 ? r->media[0] : NULL;
	u.created = r->requested;
	if (update_insert(s, &u) == -1)
		return -1;
	*id = rid;
	return 0;
}

int
store_report_insert(struct store *s, const struct report *r,
    const struct contact *c, int64_t *id)
{
	int own;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, report_insert(s, r, c, id) == 0);
}

int
store_report_count(struct store *s, int64_t *count)
{
	return ss_row(s, ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_COUNT),
	    "counting reports", ss_int64_row, count) == 0 ? 0 : -1;
}

static int
set_status(struct store *s, int64_t id, enum report_status status,
    const char *note, int64_t now)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_SET_STATUS);
	struct report_update u = { 0 };
	int held = 1;

	/* A bulk load's held row takes the change before it is written. */
	if (s->bulk != NULL && (held = sq_bulk_report_status(s, id, status,
	    note, now)) == -1)
		return -1;
	if (held == 1) {
		sql_bind_int(st, 1, (int)status);
		sql_bind_text(st, 2, note);
		sql_bind_int64(st, 3, now);
		sql_bind_int64(st, 4, id);
		if (ss_done(s, st, "changing report status") == -1)
			return -1;
		if (sql_changes(s->conn) == 0)
			return 1;
	}
	u.report_id = id;
	u.status = status;
	u.description = note;
	u.media_url = NULL;
	u.created = now;
	return update_insert(s, &u);
}

int
store_report_set_status(struct store *s, int64_t id,
    enum report_status status, const char *note, int64_t now)
{
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	rc = set_status(s, id, status, note, now);
	return ss_tx_finish(s, own, rc);
}

/*
 * Fill a report from a row of REPORT_COLUMNS.  media points into the caller's
 * array of VECHE_MAX_MEDIA entries, split from a copy in mbuf.
 */
static void
report_from_row(struct sql_stmt *st, struct report *r, const char **media,
    char *mbuf, size_t mbuflen)
{
	const char *m;

	memset(r, 0, sizeof(*r));
	r->id = sql_column_int64(st, 0);
	r->token = sql_column_text(st, 1);
	r->service_code = sql_column_text(st, 2);
	r->agency = sql_column_text(st, 3);
	r->status = (enum report_status)sql_column_int(st, 4);
	r->status_notes = sql_column_text(st, 5);
	if (!sql_column_is_null(st, 6)) {
		r->has_point = 1;
		r->lat = sql_column_double(st, 6);
		r->lon = sql_column_double(st, 7);
	}
	r->address = sql_column_text(st, 8);
	r->address_id = sql_column_text(st, 9);
	r->zipcode = sql_column_text(st, 10);
	r->description = sql_column_text(st, 11);
	r->requested = sql_column_int64(st, 12);
	r->updated = sql_column_int64(st, 13);
	r->register_due = sql_column_int64(st, 14);
	r->expected = sql_column_int64(st, 15);
	r->reject_reason = sql_column_is_null(st, 17) ? -1 :
	    sql_column_int(st, 17);
	r->fixed = sql_column_is_null(st, 18) ? -1 :
	    sql_column_int(st, 18) != 0;
	m = sql_column_text(st, 16);
	if (m != NULL && snprintf(mbuf, mbuflen, "%s", m) < (int)mbuflen) {
		char *p = mbuf, *sep;

		while (r->nmedia < VECHE_MAX_MEDIA) {
			media[r->nmedia++] = p;
			if ((sep = strchr(p, LIST_SEP[0])) == NULL)
				break;
			*sep = '\0';
			p = sep + 1;
		}
		r->media = media;
	}
}

#define MEDIA_BUF (VECHE_MAX_MEDIA * (VECHE_MAX_URL + 1))

/* What report_row hands a report to. */
struct report_rows {
	struct store *s;
	int (*fn)(const struct report *, void *);
	void *arg;
	const char **media;             /* VECHE_MAX_MEDIA entries */
	char *mbuf;                     /* MEDIA_BUF bytes */
};

/* A row of REPORT_COLUMNS, with its attributes, to fn. */
static int
report_row(struct sql_stmt *st, void *arg)
{
	struct report_rows *e = arg;
	struct sql_stmt *as = ss_stmt(e->s, STORE_MOD_REPORTS, ST_REPORT_ATTRS);
	struct attr_value attrs[VECHE_MAX_ATTRS];
	size_t at[VECHE_MAX_ATTRS][2], len = 0, cap = 0, n[2], i;
	const char *v[2];
	struct report r;
	char *buf = NULL, *nb;
	int ret = 0;

	report_from_row(st, &r, e->media, e->mbuf, MEDIA_BUF);
	/*
	 * A row's text lives until the next step (sql.h), so each attribute
	 * is copied into buf (code and value, each ended by a zero byte) and
	 * handed to fn after the last; a failing step ends the list.
	 */
	sql_bind_int64(as, 1, r.id);
	while (r.nattrs < VECHE_MAX_ATTRS && sql_step(as) == SQL_ROW) {
		for (i = 0; i < 2; i++) {
			v[i] = sql_column_text(as, (int)i);
			n[i] = v[i] != NULL ? strlen(v[i]) + 1 : 1;
		}
		if (len + n[0] + n[1] > cap) {
			cap = 2 * (len + n[0] + n[1]);
			if ((nb = realloc(buf, cap)) == NULL) {
				snprintf(e->s->err, sizeof(e->s->err),
				    "reading report attributes: out of memory");
				ret = -1;
				goto out;
			}
			buf = nb;
		}
		for (i = 0; i < 2; i++) {
			at[r.nattrs][i] = len;
			memcpy(buf + len, v[i] != NULL ? v[i] : "", n[i]);
			len += n[i];
		}
		r.nattrs++;
	}
	for (i = 0; i < r.nattrs; i++) {
		attrs[i].code = buf + at[i][0];
		attrs[i].value = buf + at[i][1];
	}
	r.attrs = attrs;
	ret = e->fn(&r, e->arg);
out:
	sql_reset(as);
	free(buf);
	return ret;
}

/* Read one report by a bound single-row statement, with its attributes. */
static int
report_get(struct store *s, struct sql_stmt *st,
    int (*fn)(const struct report *, void *), void *arg)
{
	const char *media[VECHE_MAX_MEDIA];
	struct report_rows e = { s, fn, arg, media, NULL };
	int ret;

	if ((e.mbuf = malloc(MEDIA_BUF)) == NULL) {
		sql_clear(st);
		snprintf(s->err, sizeof(s->err), "out of memory");
		return -1;
	}
	ret = ss_row(s, st, "reading report", report_row, &e);
	free(e.mbuf);
	return ret;
}

int
store_report_get(struct store *s, int64_t id,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_GET);

	sql_bind_int64(st, 1, id);
	return report_get(s, st, fn, arg);
}

int
store_report_by_token(struct store *s, const char *token,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_BY_TOKEN);

	sql_bind_text(st, 1, token);
	return report_get(s, st, fn, arg);
}

/* What contact_row hands a contact to. */
struct contact_rows {
	int (*fn)(const struct contact *, void *);
	void *arg;
};

static int
contact_row(struct sql_stmt *st, void *arg)
{
	const struct contact_rows *e = arg;
	struct contact c;

	c.first_name = sql_column_text(st, 0);
	c.last_name = sql_column_text(st, 1);
	c.email = sql_column_text(st, 2);
	c.phone = sql_column_text(st, 3);
	c.device_id = sql_column_text(st, 4);
	c.account_id = sql_column_text(st, 5);
	return e->fn(&c, e->arg);
}

int
store_report_contact(struct store *s, int64_t id,
    int (*fn)(const struct contact *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_CONTACT);
	struct contact_rows e = { fn, arg };

	sql_bind_int64(st, 1, id);
	return ss_row(s, st, "reading report contact", contact_row, &e);
}

/*
 * A JSON array of strings or integers for json_each(): the binding format of
 * list filters, not output.  Returns a malloc'd string or NULL.
 */
static char *
json_list(const char *const *strs, const int64_t *ints, size_t n)
{
	size_t cap = 2, i, len = 0;
	const char *p;
	char *b;

	for (i = 0; i < n; i++)
		cap += (strs ? 6 * strlen(strs[i]) + 3 : 21) + 1;
	if ((b = malloc(cap + 1)) == NULL)
		return NULL;
	b[len++] = '[';
	for (i = 0; i < n; i++) {
		if (i > 0)
			b[len++] = ',';
		if (ints != NULL) {
			len += (size_t)snprintf(b + len, cap - len, "%lld",
			    (long long)ints[i]);
			continue;
		}
		b[len++] = '"';
		for (p = strs[i]; *p != '\0'; p++) {
			unsigned char ch = (unsigned char)*p;

			if (ch == '"' || ch == '\\') {
				b[len++] = '\\';
				b[len++] = (char)ch;
			} else if (ch < 0x20)
				len += (size_t)snprintf(b + len, cap - len,
				    "\\u%04x", ch);
			else
				b[len++] = (char)ch;
		}
		b[len++] = '"';
	}
	b[len++] = ']';
	b[len] = '\0';
	return b;
}

/*
 * The prepared statement for a query shape on SQLite, preparing it on
 * first use into sqlite.c's shape cache (sq_shape); store_report_query
 * steps it through the layer (a struct sql_stmt around it).  Its texts,
 * their bare parameters and their plans are issue 11's, unchanged;
 * PostgreSQL's shapes are query_pg's.
 */
static sqlite3_stmt *
query_stmt(struct store *s, unsigned bits, enum report_order order)
{
	size_t key = (size_t)order * (1u << QF__MAX) + bits;
	const char *via;
	sqlite3_stmt *st;
	char sql[4096];
	size_t len;
	enum text_plan plan;
	int i, first = 1, area, walk;

	if ((st = sq_shape(s, key, NULL)) != NULL)
		return st;
	plan = text_plan(bits, order);
	walk = plan == TEXT_WALK;
	/*
	 * A small box: the R*Tree's reports are judged (time, status) and
	 * ordered from reports_area_cover (migration 5), and only the page's
	 * rows are read.  Judged from their rows instead, a box of a thousand
	 * reports read a thousand rows scattered over the whole table, most
	 * of them outside the page cache (issue 11).  A filter on another
	 * column (service, agency) reads the rows it needs as before, and
	 * the words are probed for on each (text_probe_sql).  Outside a
	 * small box, a text search newest first walks its matches instead
	 * (text_walk_sql).
	 * The reports changed since a recent instant are judged from
	 * reports_updated (migration 7) as a box is from its cover.
	 */
	via = walk ? NULL : (bits & (1u << QF_BBOX)) ? "reports_area_cover" :
	    (bits & (1u << QF_UPDATED_RECENT)) ? "reports_updated" : NULL;
	area = via != NULL;
	if (walk) {
		len = (size_t)snprintf(sql, sizeof(sql), "%s", text_walk_sql);
		first = 0;
	} else
		len = (size_t)snprintf(sql, sizeof(sql), area ? "SELECT %s "
		    "FROM reports r WHERE r.id IN (SELECT r.id FROM reports r "
		    "INDEXED BY %s" : "SELECT %s FROM reports r",
		    REPORT_COLUMNS, via);
	for (i = 0; i < QF__MAX; i++) {
		if (!(bits & (1u << i)))
			continue;
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
		    first ? " WHERE " : " AND ", walk &&
		    text_walk_qfilter_sql[i] != NULL ? text_walk_qfilter_sql[i] :
		    plan == TEXT_PROBE && i == QF_TEXT ? text_probe_sql :
		    qfilter_sql[i]);
		first = 0;
	}
	len += (size_t)snprintf(sql + len, sizeof(sql) - len,
	    "%s LIMIT ? OFFSET ?%s%s", walk ? " ORDER BY t.rowid DESC" :
	    order_sql[order], area ? ")" : "", area ? order_sql[order] : "");
	if (len >= sizeof(sql)) {
		snprintf(s->err, sizeof(s->err), "query too long");
		return NULL;
	}
	return sq_shape(s, key, sql);
}

/*
 * The query shape on PostgreSQL (ss_shape), preparing it on first use:
 * the filters of bits (qfilter_pg) in the same order, so the parameters
 * are bound as on SQLite, then the order and the page.
 */
static struct sql_stmt *
query_pg(struct store *s, unsigned bits, enum report_order order)
{
	size_t key = (size_t)order * (1u << QF__MAX) + bits, len;
	struct sql_stmt *st;
	char sql[4096];
	int i, next = 1, first = 1;

	if ((st = ss_shape(s, key, NULL)) != NULL)
		return st;
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT %s FROM reports r",
	    REPORT_COLUMNS_PG);
	for (i = 0; i < QF__MAX; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (append_numbered(sql, sizeof(sql), &len, first ? " WHERE " :
		    " AND ", &next) == -1 || append_numbered(sql, sizeof(sql),
		    &len, qfilter_pg[i], &next) == -1)
			goto long_;
		first = 0;
	}
	if (append_numbered(sql, sizeof(sql), &len, order_sql[order],
	    &next) == -1 || append_numbered(sql, sizeof(sql), &len,
	    " LIMIT nullif(?1, -1) OFFSET ?2", &next) == -1)
		goto long_;
	return ss_shape(s, key, sql);
long_:
	snprintf(s->err, sizeof(s->err), "query too long");
	return NULL;
}

/* The box to search: the bbox, or the box around the radius circle. */
static void
query_box(const struct report_query *q, double box[4])
{
	if (q->has_radius) {
		double dlat = q->radius_m / 111195.0;
		double c = cos(q->lat * M_PI / 180.0);
		double dlon = c > 1e-6 ? dlat / c : 360.0;

		box[0] = q->lat - dlat;
		box[1] = q->lat + dlat;
		box[2] = q->lon - dlon;
		box[3] = q->lon + dlon;
	} else {
		box[0] = q->min_lat;
		box[1] = q->max_lat;
		box[2] = q->min_lon;
		box[3] = q->max_lon;
	}
}

/* What probe_row compares a count with. */
struct probe {
	int limit;
	int below;
};

static int
probe_row(struct sql_stmt *st, void *arg)
{
	struct probe *p = arg;

	p->below = sql_column_int(st, 0) < p->limit;
	return 0;
}

/*
 * Run a probe (a count of at most limit rows, its other parameters bound,
 * limit the last): 1 if it counts fewer than limit, 0 if not, -1.
 */
static int
probe_below(struct store *s, struct sql_stmt *st, int param, int limit,
    const char *what)
{
	struct probe p = { limit, -1 };

	sql_bind_int(st, param, limit);
	if (ss_row(s, st, what, probe_row, &p) != 0)
		return -1;
	return p.below;
}

/* 1 if the box holds fewer reports than GEO_PROBE_LIMIT, 0 if not, -1. */
static int
box_is_small(struct store *s, const double box[4])
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_GEO_PROBE);
	int i;

	for (i = 0; i < 4; i++)
		sql_bind_double(st, i + 1, box[i]);
	return probe_below(s, st, 5, GEO_PROBE_LIMIT, "probing the area");
}

/* 1 if fewer than UPDATED_PROBE_LIMIT reports changed after t, 0, -1. */
static int
few_changed_after(struct store *s, int64_t t)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_UPDATED_PROBE);

	sql_bind_int64(st, 1, t);
	return probe_below(s, st, 2, UPDATED_PROBE_LIMIT,
	    "probing the changes");
}

/*
 * 1 if at least offset + limit reports of q's window were requested after
 * q->updated_after, 0 if not, -1.  Each changed since then (a report's
 * updated time is never before its request), so the page is the window's
 * newest, and the walk newest first fills it from its first rows, where
 * the probe on reports_updated would count up to UPDATED_PROBE_LIMIT
 * changes first (issue 11).  For a poll with no other filter.
 */
static int
many_requested_after(struct store *s, const struct report_query *q)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REQUESTED_PROBE);
	int64_t n = (int64_t)(q->offset + q->limit);

	if (q->limit == 0 || n > UPDATED_PROBE_LIMIT)
		return 0;
	sql_bind_int64(st, 1, q->updated_after);
	sql_bind_int64(st, 2, q->start ? q->start : INT64_MIN);
	sql_bind_int64(st, 3, q->end ? q->end : INT64_MAX);
	switch (probe_below(s, st, 4, (int)n, "probing the requests")) {
	case -1:
		return -1;
	case 0:
		return 1;
	default:
		return 0;
	}
}

/* A row of REPORT_COLUMNS, without attributes, to fn. */
static int
query_row(struct sql_stmt *st, void *arg)
{
	struct report_rows *e = arg;
	struct report r;

	report_from_row(st, &r, e->media, e->mbuf, MEDIA_BUF);
	return e->fn(&r, e->arg);
}

int
store_report_query(struct store *s, const struct report_query *q,
    int (*fn)(const struct report *, void *), void *arg)
{
	const char *media[VECHE_MAX_MEDIA];
	struct report_rows e = { s, fn, arg, media, NULL };
	char *ids = NULL, *svcs = NULL, *mbuf = NULL, *expr = NULL;
	struct sql_stmt shape = { NULL, NULL }, *st = &shape;
	int pg = s->db == NULL;
	double box[4];
	unsigned bits = 0;
	int i = 1, ret = 0;

	if (q->nids > 0)
		bits |= 1u << QF_IDS;
	if (q->nservices > 0)
		bits |= 1u << QF_SERVICES;
	if (q->status_mask != 0)
		bits |= 1u << QF_STATUS;
	if (q->start != 0)
		bits |= 1u << QF_START;
	if (q->end != 0)
		bits |= 1u << QF_END;
	if (q->updated_before != 0)
		bits |= 1u << QF_UPDATED_BEFORE;
	if (q->has_bbox || q->has_radius) {
		int small;

		query_box(q, box);
		if ((small = box_is_small(s, box)) == -1)
			return -1;
		if (q->has_radius)
			bits |= 1u << (small ? QF_RADIUS : QF_RADIUS_SCAN);
		else
			bits |= 1u << (small ? QF_BBOX : QF_BBOX_SCAN);
	}
	if (q->updated_after != 0) {
		int few = 0, many = 0;

		/* A poll with no other filter: many requested since is
		 * cheaper to ask, and then the walk is right. */
		if (bits == (bits & ((1u << QF_START) | (1u << QF_END))) &&
		    q->nservices == 0 && q->agency == NULL && q->text == NULL &&
		    q->after_id == 0 && q->order == ORDER_REQUESTED_DESC &&
		    (many = many_requested_after(s, q)) == -1)
			return -1;
		/* A small box has its own plan (query_stmt): no probe. */
		if (!many && !(bits & (1u << QF_BBOX)) &&
		    (few = few_changed_after(s, q->updated_after)) == -1)
			return -1;
		bits |= 1u << (few ? QF_UPDATED_RECENT : QF_UPDATED_AFTER);
	}
	if (q->agency != NULL)
		bits |= 1u << QF_AGENCY;
	if (q->text != NULL)
		bits |= 1u << QF_TEXT;
	if (q->after_id != 0)
		bits |= 1u << QF_AFTER_ID;
	if ((unsigned)q->order >= ORDER__MAX)
		return -1;
	/* PostgreSQL refuses words that are not UTF-8; no report's text
	 * holds them, so nothing matches (SQLite's answer). */
	if (pg && q->text != NULL && !str_utf8_valid(q->text))
		return 0;
	if (pg ? (st = query_pg(s, bits, q->order)) == NULL :
	    (shape.lite = query_stmt(s, bits, q->order)) == NULL)
		return -1;
	if ((q->nids > 0 && (ids = json_list(NULL, q->ids, q->nids)) == NULL) ||
	    (q->nservices > 0 &&
	    (svcs = json_list(q->services, NULL, q->nservices)) == NULL) ||
	    (mbuf = malloc(MEDIA_BUF)) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		ret = -1;
		goto out;
	}
	if (ids != NULL)
		sql_bind_text(st, i++, ids);
	if (svcs != NULL)
		sql_bind_text(st, i++, svcs);
	if (q->status_mask != 0)
		sql_bind_int64(st, i++, q->status_mask);
	if (q->start != 0)
		sql_bind_int64(st, i++, q->start);
	if (q->end != 0)
		sql_bind_int64(st, i++, q->end);
	if (q->updated_after != 0)
		sql_bind_int64(st, i++, q->updated_after);
	if (q->updated_before != 0)
		sql_bind_int64(st, i++, q->updated_before);
	if (q->has_bbox || q->has_radius) {
		int k;

		for (k = 0; k < 4; k++)
			sql_bind_double(st, i++, box[k]);
		if (q->has_radius) {
			sql_bind_double(st, i++, q->lat);
			sql_bind_double(st, i++, q->lon);
			sql_bind_double(st, i++, q->radius_m);
		}
	}
	if (q->agency != NULL)
		sql_bind_text(st, i++, q->agency);
	if (q->text != NULL) {
		if (!pg && text_plan(bits, q->order) != TEXT_SET)
			expr = walk_expr(q->text);
		sql_bind_text(st, i++, expr != NULL ? expr : q->text);
	}
	if (q->after_id != 0)
		sql_bind_int64(st, i++, q->after_id);
	sql_bind_int64(st, i++, q->limit ? (int64_t)q->limit : -1);
	sql_bind_int64(st, i++, (int64_t)q->offset);
	e.mbuf = mbuf;
	ret = ss_rows(s, st, "querying reports", query_row, &e);
out:
	free(expr);
	free(mbuf);
	free(svcs);
	free(ids);
	return ret;
}

/* A page's ids as a PostgreSQL array's text, '{1,2,3}'; NULL: no memory. */
static char *
id_array(const int64_t *ids, size_t n)
{
	size_t cap = 2 + n * 21, len = 0, i;
	char *t;
	int w;

	if ((t = malloc(cap)) == NULL)
		return NULL;
	t[len++] = '{';
	for (i = 0; i < n; i++) {
		w = snprintf(t + len, cap - len, "%s%" PRId64, i > 0 ? "," : "",
		    ids[i]);
		if (w < 0 || (size_t)w >= cap - len) {
			free(t);
			return NULL;
		}
		len += (size_t)w;
	}
	t[len++] = '}';
	t[len] = '\0';
	return t;
}

/* PostgreSQL: the page's rows by one statement (ST_REPORT_PAGE). */
static int
report_rows_pg(struct store *s, const int64_t *ids, size_t n,
    struct report_rows *e)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_PAGE);
	char *arr;
	int ret;

	if (st == NULL)
		return -1;
	if ((arr = id_array(ids, n)) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return -1;
	}
	sql_bind_text(st, 1, arr);
	ret = ss_rows(s, st, "reading reports", query_row, e);
	free(arr);
	return ret;
}

int
store_report_rows(struct store *s, const int64_t *ids, size_t n,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_REPORT_GET);
	const char *media[VECHE_MAX_MEDIA];
	struct report_rows e = { s, fn, arg, media, NULL };
	size_t i;
	int own, rc, ret = 0;

	if (st == NULL)
		return -1;
	if ((e.mbuf = malloc(MEDIA_BUF)) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return -1;
	}
	if (n > 0 && sql_conn_engine(s->conn) == SQL_PG) {
		ret = report_rows_pg(s, ids, n, &e);
		free(e.mbuf);
		return ret;
	}
	/*
	 * One read transaction for the page, unless the caller holds one:
	 * alone, each row would take and drop the WAL's read lock (fcntl
	 * calls, a quarter of the request's time).
	 */
	own = !sql_in_transaction(s->conn);
	if (own && ss_done(s, ss_stmt(s, STORE_MOD_REPORTS,
	    ST_READ_BEGIN), "beginning a read") == -1) {
		free(e.mbuf);
		return -1;
	}
	for (i = 0; i < n && ret == 0; i++) {
		sql_bind_int64(st, 1, ids[i]);
		if ((rc = sql_step(st)) == SQL_ROW)
			ret = query_row(st, &e);
		else if (rc != SQL_DONE) {
			ss_set_err(s, "reading reports");
			ret = -1;
		}
		sql_reset(st);
	}
	sql_clear(st);
	free(e.mbuf);
	if (own && ss_done(s, ss_stmt(s, STORE_MOD_REPORTS,
	    ST_READ_END), "ending a read") == -1)
		return -1;
	return ret;
}

int
store_report_newest(struct store *s, int64_t after, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS,
	    after == INT64_MIN ? ST_WINDOW_IDS : ST_NEWEST_IDS);
	struct sq_ids r = { ids, limit, n };
	int i = 1;

	*n = 0;
	if (st == NULL)
		return -1;
	if (after != INT64_MIN)
		sql_bind_int64(st, i++, after);
	sql_bind_int64(st, i++, start);
	sql_bind_int64(st, i++, end);
	sql_bind_int64(st, i++, (int64_t)limit);
	sql_bind_int64(st, i, (int64_t)offset);
	return ss_rows(s, st, "reading the newest reports", ss_ids_row, &r) ==
	    -1 ? -1 : 0;
}

/* A time as far as a text search's window reaches: a key stays an int64_t. */
#define TEXT_IDS_FAR ((int64_t)1 << (62 - SEARCH_KEY_BITS))

int
store_report_text_ids(struct store *s, const char *text, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n)
{
	struct sql_stmt *st;
	struct sq_ids r = { ids, limit, n };
	char *expr;
	int rc;

	*n = 0;
	/* PostgreSQL's plans choose between its indexes: store_report_query. */
	if (s->db == NULL)
		return 1;
	if ((st = ss_stmt(s, STORE_MOD_REPORTS, ST_TEXT_IDS)) == NULL)
		return -1;
	/* The words ANDed with the day marks, as a walk's (walk_expr). */
	expr = walk_expr(text);
	sql_bind_text(st, 1, expr != NULL ? expr : text);
	sql_bind_int64(st, 2, start != 0 && start > -TEXT_IDS_FAR ? start :
	    -TEXT_IDS_FAR);
	sql_bind_int64(st, 3, end != 0 && end < TEXT_IDS_FAR ? end :
	    TEXT_IDS_FAR);
	sql_bind_int64(st, 4, (int64_t)limit);
	sql_bind_int64(st, 5, (int64_t)offset);
	rc = ss_rows(s, st, "searching reports' text", ss_ids_row, &r) == -1 ?
	    -1 : 0;
	sql_clear(st);
	free(expr);
	return rc;
}

int
store_report_changed(struct store *s, int64_t after, int64_t start,
    int64_t end, size_t offset, size_t limit, int64_t *ids, size_t *n)
{
	struct sql_stmt *st;
	struct sq_ids r = { ids, limit, n };
	int rc;

	*n = 0;
	if ((rc = few_changed_after(s, after)) != 1)
		return rc == 0 ? 1 : -1;
	if ((st = ss_stmt(s, STORE_MOD_REPORTS, ST_CHANGED_IDS)) == NULL)
		return -1;
	sql_bind_int64(st, 1, after);
	sql_bind_int64(st, 2, start);
	sql_bind_int64(st, 3, end);
	sql_bind_int64(st, 4, (int64_t)limit);
	sql_bind_int64(st, 5, (int64_t)offset);
	return ss_rows(s, st, "reading the changed reports", ss_ids_row, &r) ==
	    -1 ? -1 : 0;
}

/* What update_row hands an update to. */
struct update_rows {
	int (*fn)(const struct report_update *, void *);
	void *arg;
};

static int
update_row(struct sql_stmt *st, void *arg)
{
	const struct update_rows *e = arg;
	struct report_update u;

	u.id = sql_column_int64(st, 0);
	u.report_id = sql_column_int64(st, 1);
	u.status = (enum report_status)sql_column_int(st, 2);
	u.description = sql_column_text(st, 3);
	u.media_url = sql_column_text(st, 4);
	u.created = sql_column_int64(st, 5);
	return e->fn(&u, e->arg);
}

int
store_update_query(struct store *s, int64_t after, int64_t before,
    size_t limit, int (*fn)(const struct report_update *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_REPORTS, ST_UPDATE_QUERY);
	struct update_rows e = { fn, arg };

	sql_bind_int64(st, 1, after ? after : INT64_MIN);
	sql_bind_int64(st, 2, before ? before : INT64_MAX);
	sql_bind_int64(st, 3, limit ? (int64_t)limit : -1);
	return ss_rows(s, st, "querying updates", update_row, &e);
}

/* What point_row hands a point to. */
struct point_rows {
	int (*fn)(const struct report_point *, void *);
	void *arg;
};

static int
point_row(struct sql_stmt *st, void *arg)
{
	const struct point_rows *e = arg;
	struct report_point p;

	p.id = sql_column_int64(st, 0);
	p.has_point = !sql_column_is_null(st, 1) &&
	    !sql_column_is_null(st, 2);
	p.lat = sql_column_double(st, 1);
	p.lon = sql_column_double(st, 2);
	p.status = (enum report_status)sql_column_int(st, 3);
	p.service = sql_column_text(st, 4);
	p.agency = sql_column_text(st, 5);
	p.requested = sql_column_int64(st, 6);
	p.updated = sql_column_int64(st, 7);
	p.address = sql_column_text(st, 8);
	p.fixed = sql_column_is_null(st, 9) ? -1 :
	    sql_column_int(st, 9) != 0;
	return e->fn(&p, e->arg);
}

int
store_report_points(struct store *s, int64_t after_id, int64_t since,
    int (*fn)(const struct report_point *, void *), void *arg)
{
	struct point_rows e = { fn, arg };
	struct sql_stmt *st;
	int rc;

	st = ss_stmt(s, STORE_MOD_REPORTS, ST_POINTS_AFTER);
	sql_bind_int64(st, 1, after_id);
	if ((rc = ss_rows(s, st, "reading the map's reports", point_row,
	    &e)) != 0)
		return rc;
	st = ss_stmt(s, STORE_MOD_REPORTS, ST_POINTS_SINCE);
	sql_bind_int64(st, 1, since);
	return ss_rows(s, st, "reading the map's changes", point_row, &e);
}
