/*
 * veche.h: limits and constants shared by every layer.
 *
 * Every bounded buffer in veche takes its size from here, so that a reader
 * can see at a glance what the server accepts and what it refuses.
 */
#ifndef VECHE_H
#define VECHE_H

#ifndef VECHE_VERSION
#define VECHE_VERSION "0.0.0"
#endif

/* HTTP */
#define VECHE_MAX_BODY          (8u * 1024 * 1024) /* request body, bytes: 413 past it */
#define VECHE_MAX_URI           8192               /* request line URI, bytes */
#define VECHE_MAX_PARAMS        256                /* query + form fields per request */
#define VECHE_MAX_PARAM_NAME    256                /* bytes */
#define VECHE_MAX_RESPONSE      (64u * 1024 * 1024)/* response body, bytes */
#define VECHE_MAX_PATH_VARS     8
#define VECHE_DEFAULT_THREADS   4
#define VECHE_DEFAULT_PORT      8080
#define VECHE_MAX_CONNECTIONS   1024               /* open HTTP connections */
#define VECHE_HTTP_TIMEOUT      30                 /* seconds a connection may idle */
#define VECHE_MAX_PART_HEADER   8192               /* multipart part header block, bytes */
#define VECHE_MAX_HEADER_PARAMS 16                 /* ;name=value pairs in one header */
#define VECHE_MAX_BOUNDARY      70                 /* multipart boundary, bytes (RFC 2046) */
#define VECHE_MAX_REQUEST_MEMORY (32u * 1024 * 1024)/* per-request arena, bytes */

/* Response cache (src/api/cache.c) */
#define VECHE_CACHE_SLOTS       256
#define VECHE_CACHE_MAX_ENTRY   (1024u * 1024)   /* bytes per response */
#define VECHE_CACHE_TTL_MS      1000

/* Reports */
#define VECHE_MAX_DESCRIPTION   4000   /* characters (code points), not bytes */
#define VECHE_MAX_ADDRESS       1000   /* characters */
#define VECHE_MAX_MEDIA         10     /* media URLs per report */
#define VECHE_MAX_URL           2048   /* bytes */
#define VECHE_MAX_NAME          200    /* characters: person and agency names */
#define VECHE_MAX_EMAIL         254    /* bytes, RFC 5321 */
#define VECHE_MAX_PHONE         32     /* bytes */
#define VECHE_MAX_CODE          64     /* service, agency, attribute codes, bytes */
#define VECHE_MAX_ATTR_VALUE    1000   /* characters */
#define VECHE_MAX_ATTRS         64     /* attribute values per report */

/* Open311 GeoReport v2 */
#define VECHE_OPEN311_DEFAULT_DAYS   90    /* default GET requests window */
#define VECHE_OPEN311_MAX_RESULTS    1000  /* spec: at most 1000 requests */
#define VECHE_OPEN311_DEFAULT_PAGE   50    /* page_size when page is given */
#define VECHE_MAX_IDS                1000  /* ids in one service_request_id list */
#define VECHE_MAX_RADIUS_M           50000 /* lat/long/radius search, metres */

/* 59-FZ deadlines, in days */
#define VECHE_DAYS_REGISTER     3
#define VECHE_DAYS_ANSWER       30
#define VECHE_DAYS_FORWARD      7
#define VECHE_DAYS_EXTENSION    30

#endif
