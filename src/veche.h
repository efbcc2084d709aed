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
#define VECHE_DEFAULT_THREADS   8
#define VECHE_DEFAULT_PORT      8080
#define VECHE_MAX_CONNECTIONS   16384              /* open HTTP connections (less if
                                                      RLIMIT_NOFILE is lower) */
#define VECHE_FD_RESERVE        256                /* descriptors kept for files, DB */
#define VECHE_MAX_CONN_PER_ADDRESS 128             /* open connections from one address */
#define VECHE_HTTP_TIMEOUT      30                 /* seconds a connection may idle */
#define VECHE_HEADER_TIMEOUT    10                 /* seconds to send a whole header block */
#define VECHE_BODY_TIMEOUT      120                /* seconds to send a whole body */
#define VECHE_MAX_PART_HEADER   8192               /* multipart part header block, bytes */
#define VECHE_MAX_HEADER_PARAMS 16                 /* ;name=value pairs in one header */
#define VECHE_MAX_BOUNDARY      70                 /* multipart boundary, bytes (RFC 2046) */
#define VECHE_MAX_REQUEST_MEMORY (32u * 1024 * 1024)/* per-request arena, bytes */

/* SQLite, per connection (one per server thread) */
#define VECHE_SQLITE_CACHE_KIB_NEG  -32768      /* page cache: 32 MiB (negative: KiB) */
#define VECHE_SQLITE_MMAP           2147418112  /* bytes of the file mapped: SQLite's most, 2 GiB */
#define VECHE_WAL_CHECKPOINT_PAGES  1000        /* WAL frames between background checkpoints */
#define VECHE_SEED_CACHE_KIB_NEG    -1048576    /* page cache of a bulk load (seed): 1 GiB */
/*
 * The loader's page cache during a bulk load's loop: it appends but for
 * the tokens' index, so a 1 GiB one was mostly first touches of fresh
 * memory, which this hypervisor makes slow (issue 11).
 */
#define VECHE_SEED_LOOP_CACHE_KIB_NEG -131072   /* 128 MiB */
/*
 * The page cache of a bulk load's side thread (sqlite_bulk.c): it appends,
 * so a small one; a 1 GiB one cost a second of faults and frees and its
 * commit wrote it out at once (issue 11).
 */
#define VECHE_SEED_SIDE_CACHE_KIB_NEG -65536    /* 64 MiB */
#define VECHE_SEED_SORT_THREADS     2           /* helper threads of a bulk load's index sorts */
#define VECHE_STR_(x) #x
#define VECHE_STR(x) VECHE_STR_(x)

/* Response cache (src/api/cache.c) */
#define VECHE_CACHE_SLOTS       256
#define VECHE_CACHE_MAX_ENTRY   (1024u * 1024)   /* bytes per response */
#define VECHE_CACHE_TTL_MS      1000
#define VECHE_CACHE_CHECK_MS    10      /* ask for other processes' commits */
#define VECHE_CHANGES_CHECK_MS  10      /* store_changed: the same, SQLite */

/* The region's figures of every city (src/api/region.c) */
#define VECHE_REGION_FIGURES_TTL 60     /* kept, seconds of veche's clock */

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
#define VECHE_DAYS_REOPEN       30     /* reporter may reopen an answer */
#define VECHE_CALENDAR_WARN_DAYS 60    /* warn of a missing calendar year */

/* Accounts and sessions (src/core/account.c, src/api/auth.c) */
#define VECHE_MAX_LOGIN         64     /* bytes: [a-z0-9._@-] */
#define VECHE_MIN_PASSWORD      8      /* bytes */
#define VECHE_MAX_PASSWORD      1024   /* bytes */
#define VECHE_SESSION_TTL       (12 * 3600)  /* seconds a session lives */
#define VECHE_CONFIRM_TTL       (48 * 3600)  /* an e-mail confirmation link */
#define VECHE_RESET_TTL         3600         /* a password reset link */
#define VECHE_MAX_LETTER        (48 * 1024)  /* bytes of each e-mail part */
#define VECHE_RESET_MAX_ADDRESS 20           /* reset requests per window */
#define VECHE_RESET_MAX_MAIL    3            /* ... per e-mail address */
#define VECHE_MY_REPORTS        200          /* reports on "my reports" */
#define VECHE_HELD_TTL          (7 * 24 * 3600)  /* seconds a report held for
                                                  * confirmation (and its
                                                  * link) lives; then it is
                                                  * removed with its photos */
#define VECHE_HELD_SWEEP_PERIOD 5            /* seconds between sweeps */
#define VECHE_HELD_SWEEP_BATCH  64           /* held reports per step */
#define VECHE_LOGIN_WINDOW      900    /* seconds failed logins are counted */
#define VECHE_LOGIN_MAX_ACCOUNT 5      /* failures per login per window: 429 */
#define VECHE_LOGIN_MAX_ADDRESS 20     /* failures per address per window */
#define VECHE_LOGIN_DELAY       60     /* first block after too many failures, s */
#define VECHE_LOGIN_MAX_DELAY   3600   /* each block doubles, up to this, s */
#define VECHE_LOGIN_MAX_KEYS    (1u << 16) /* live counters (logins, addresses) */
#define VECHE_MAX_REASON        1000   /* characters: forward/extend reasons */
#define VECHE_MAX_OVERDUE       1000   /* reports in one overdue list */
#define VECHE_MAX_HISTORY       500    /* entries in one report history */
#define VECHE_MAX_AUDIT_FIELD   4096   /* bytes of one audit before/after */
#define VECHE_DEADLINE_NEAR_DAYS 3     /* default "near" warning, working days */
#define VECHE_MAX_NEAR_DAYS     30     /* largest "near" setting, working days */

/* Working-day calendars (src/core/calendar.c, data/calendar/) */
#define VECHE_MAX_CALENDAR_FILE  (64u * 1024) /* bytes per calendar file */
#define VECHE_MAX_CALENDAR_LINE  512          /* bytes per line */
#define VECHE_MAX_CALENDAR_YEARS 32           /* years in one calendar */
#define VECHE_MAX_CALENDAR_NAME  32           /* "ru": bytes, [a-z0-9_] */
#define VECHE_CALENDAR_MIN_YEAR  1970
#define VECHE_CALENDAR_MAX_YEAR  2199
#define VECHE_ESCALATION_BATCH   500          /* reports read per scan step */
#define VECHE_ESCALATION_PERIOD  60           /* seconds between scans in serve */

/* Citizens' web interface (src/api/web*.c, social.c, core/photo.c) */
#define VECHE_MAX_PHOTO_BYTES   (8u * 1024 * 1024)  /* one uploaded file */
#define VECHE_MAX_PHOTO_PIXELS  (40u * 1000 * 1000) /* decoded width x height */
#define VECHE_PHOTO_SIDE        2048   /* re-encoded photo: longest side, px */
#define VECHE_THUMB_SIDE        320    /* thumbnail: longest side, px */
#define VECHE_MAX_PHOTO_OUT     (16u * 1024 * 1024) /* a re-encoded photo */
#define VECHE_PHOTO_WORKER_MS   30000  /* wall time for one photo's worker */
#define VECHE_PHOTO_WORKER_CPU  20     /* its CPU seconds (RLIMIT_CPU) */
#define VECHE_PHOTO_WORKER_MEM  (1024u * 1024 * 1024) /* its address space */
#define VECHE_MAX_COMMENT       2000   /* characters */
#define VECHE_MAX_APPEAL        2000   /* characters: a comment's appeal */
/* Evaluation of comments (docs/participation.md). */
#define VECHE_COMMENT_LIST      1000   /* comments of one subject shown */
#define VECHE_COMMENT_FRESH_DAYS 7     /* an account or device younger is fresh */
#define VECHE_COMMENT_FRESH_WEIGHT 0.1 /* a fresh rater's vote or flag */
#define VECHE_COMMENT_FRESH_CAP 1      /* all fresh votes on a comment, each way */
#define VECHE_COMMENT_DEVICE_WEIGHT 0.5 /* an established anonymous device */
#define VECHE_COMMENT_HELP_WEIGHT 3    /* a need done counts as so many useful */
#define VECHE_NEARBY_RADIUS_M   200    /* "is this yours?" search radius */
#define VECHE_NEARBY_MAX        5      /* reports offered there */
#define VECHE_ADDRESS_RESULTS   10     /* addresses offered for a search */
#define VECHE_WEB_PAGE          20     /* reports per page of /reports */

/* The public map's clusters (core/map_index.c, GET /map/clusters.json) */
#define VECHE_MAP_CELL_PX       64     /* a cluster cell's side, screen pixels */
#define VECHE_MAP_MAX_CELLS     4096   /* cells in one view: 400 past it */
#define VECHE_MAP_MAX_ZOOM      19     /* the maps' maxZoom */
#define VECHE_MAP_POINTS        200    /* at most this many in view: each one */
#define VECHE_MAP_LIST          20     /* else the newest this many, for the list */
#define VECHE_MAP_RESCAN        5      /* s: changes re-read behind the newest seen */
#define VECHE_MAP_PAGE_MAX      5000   /* a list page from the map index: offset + limit */
#define VECHE_LIST_ITEMS_BYTES  (256u * 1024 * 1024) /* Open311 area lists' rendered items */
#define VECHE_DESK_PAGE         50     /* reports per page of the agency desk */
#define VECHE_MAX_AREA_FILE     (2u * 1024 * 1024) /* an uploaded GeoJSON area, bytes */
#define VECHE_MAX_SERVICE_ATTRS 32                 /* attributes of a service (admin form) */
#define VECHE_MAX_TILE_BYTES    (1u * 1024 * 1024) /* one map tile from an MBTiles file */
#define VECHE_MAX_TILE_ZOOM     24                 /* deepest zoom level served */
#define VECHE_MODERATION_LIST   100    /* comments on the moderation page */
#define VECHE_RSS_ITEMS         50
#define VECHE_MAX_COOKIE        4096   /* Cookie header, bytes */
#define VECHE_TOKEN_HEX         32     /* CSRF and device tokens: 16 bytes */
/* Writes per client address per hour, past which 429. */
#define VECHE_RATE_WINDOW       3600
#define VECHE_RATE_REPORTS      30
#define VECHE_RATE_VOTES        120
#define VECHE_RATE_COMMENTS     60
#define VECHE_RATE_PHOTOS       120
#define VECHE_RATE_SIGNUPS      10

/* Delivery to agency systems (src/core/delivery.c, mail.c, export.c) */
#define VECHE_DELIVERY_MAX_ATTEMPTS 12          /* attempts, then "dead" */
#define VECHE_DELIVERY_BASE_MS  30000           /* first retry delay, ms */
#define VECHE_DELIVERY_CAP_MS   (6 * 3600 * 1000) /* longest retry delay, ms */
#define VECHE_DELIVERY_TIMEOUT_MS 15000         /* one webhook or SMTP send */
#define VECHE_DELIVERY_POLL_MS  500             /* worker idle wake-up, ms */
#define VECHE_DELIVERY_BATCH    32              /* deliveries claimed at once */
/*
 * A claim's lease: another process may take a delivery still "sending"
 * this long after it was claimed.  Longer than a batch of sends at their
 * timeout (checked in core/delivery.c), so a live worker never loses one.
 */
#define VECHE_DELIVERY_LEASE_MS (10 * 60 * 1000)
#define VECHE_MAX_SECRET        256             /* webhook secret, bytes */
#define VECHE_MIN_SECRET        16
#define VECHE_MAX_SUBSCRIPTIONS 256
#define VECHE_MAX_PAYLOAD       (256u * 1024)   /* event JSON, bytes */
#define VECHE_MAX_MAIL          (512u * 1024)   /* one e-mail message, bytes */
#define VECHE_MAX_DELIVERY_ERROR 500            /* last_error kept, bytes */
#define VECHE_DELIVERY_LIST     1000            /* rows in one admin list */
#define VECHE_EXPORT_MAX_DAYS   400             /* one CSV export's period */

/* Ratings and open data (src/core/ratings.c, opendata.c; docs/ratings.md) */
#define VECHE_RATINGS_MIN_REPORTS 10           /* fewer: "too few to rank" */
#define VECHE_RATINGS_MAX_MONTHS  120          /* one period at most */
#define VECHE_GEOJSON_PAGE        100          /* features per page, default */
#define VECHE_GEOJSON_MAX_PAGE    1000         /* features per page at most */
#define VECHE_GEOJSON_MAX_PAGE_NUMBER 10       /* page=N at most; then after= */
#define VECHE_DUMP_PERIOD_MS (24 * 3600 * 1000)  /* serve --data-dir: daily */
/* Service suggestions (core/suggest.h): services with fewer reports are
 * not learnt; serve retrains every --suggest-hours (default 24, 0: never). */
#define VECHE_SUGGEST_MIN_REPORTS 10
#define VECHE_SUGGEST_HOURS     24
#define VECHE_SUGGEST_MAX       3     /* services one suggestion offers */
#define VECHE_DUMP_RETRY_MS  (15 * 60 * 1000)    /* after a failed dump */
/* Retry-After of a 503 while the database is away (seconds, as text). */
#define VECHE_RETRY_AFTER    "2"
#define VECHE_DUMP_CACHE_KIB_NEG  -4096        /* a dump's page cache: 4 MiB */
#define VECHE_BOOK_MAX_CHILDREN   64           /* agencies a book's trend covers */

/* Operations (src/api/metrics.c, reqlog.c, src/cli/backup.c; docs/operations.md) */
#define VECHE_REQUEST_ID_HEX    32     /* a generated request id: 16 random bytes */
#define VECHE_MIN_REQUEST_ID    8      /* an incoming X-Request-Id, bytes */
#define VECHE_MAX_REQUEST_ID    64
#define VECHE_MIN_METRICS_TOKEN 16     /* the /metrics bearer token, bytes */
#define VECHE_MAX_METRICS_TOKEN 256
#define VECHE_MAX_LOG_LINE      2048   /* one JSON request log line, bytes */
#define VECHE_LOG_MAX_PATH      512    /* bytes of the path a log line keeps */
#define VECHE_BACKUP_STEP_PAGES 1024   /* pages 'veche backup' copies per step */

/* Listening: sources, posts, saved queries (src/feed, src/core/listen*.c; docs/listening.md) */
#define VECHE_FEED_MAX_BYTES    (4u * 1024 * 1024) /* one fetched or uploaded feed, bytes (after gzip) */
#define VECHE_FEED_TIMEOUT_MS   10000  /* one fetch at most (a source may ask for less) */
#define VECHE_FEED_MIN_TIMEOUT_MS 100
#define VECHE_FEED_MAX_ITEMS    2000   /* items read from one feed or export */
#define VECHE_FEED_MAX_ITEM     (64u * 1024) /* one item's text, bytes: longer items are skipped */
#define VECHE_FEED_MAX_FIELD    2048   /* a title, URL, guid or author, bytes */
#define VECHE_FEED_MIN_INTERVAL 60     /* seconds between fetches of a source, least */
#define VECHE_FEED_MAX_INTERVAL 86400  /* and most */
#define VECHE_FEED_MAX_BACKOFF  (7 * 86400) /* the longest wait after failures, seconds */
#define VECHE_FEED_POLL_MS      200    /* the fetcher looks for due sources this often */
#define VECHE_MAX_SOURCES       1000
#define VECHE_MAX_SOURCE_NAME   120    /* bytes */
#define VECHE_MAX_SOURCE_URL    2048   /* bytes */
#define VECHE_MAX_SAVED_QUERIES 1000
#define VECHE_MAX_QUERY_NAME    120    /* bytes of a saved query's name */
#define VECHE_MAX_ALIASES       32     /* aliases of one agency */
#define VECHE_MAX_ALIAS         200    /* bytes of one alias */
#define VECHE_MAX_CITY_SOURCES  256    /* sources in the city file */
#define VECHE_MAX_DISTRICTS     256    /* districts in the city file (names: VECHE_MAX_ALIASES) */
#define VECHE_LISTEN_DEDUPE_LOAD 200000 /* newest posts whose signatures are loaded at start */
#define VECHE_LISTEN_PAGE       50     /* posts per page of /listen */
#define VECHE_LISTEN_CSV_MAX    10000  /* posts in one CSV export */
#define VECHE_MAX_SPIKE_SUBS    256    /* spike e-mails of one spike at most */
#define VECHE_INCIDENT_HOURS    24     /* first public answer to an incident due, hours */
#define VECHE_INCIDENT_MAX_HOURS 720   /* --reaction-hours at most */
#define VECHE_INCIDENT_GROUP    500    /* posts of one near-copy group in one incident */
#define VECHE_INCIDENT_DESK     50     /* incidents awaiting an answer on the desk */

/* Help map (src/core/help.c, src/store/sqlite_help.c; docs/participation.md) */
#define VECHE_HELP_MAX_SLUG     40     /* bytes of a situation's code (a-z 0-9 -) */
#define VECHE_HELP_MAX_TITLE    200    /* characters of a situation's title */
#define VECHE_HELP_MAX_AREA     (256u * 1024) /* bytes of a situation's GeoJSON area */
#define VECHE_HELP_MAX_RADIUS   500000 /* metres of a centre+radius area, most */
#define VECHE_HELP_MAX_COUNT    1000000 /* "how many" of one post, most */
#define VECHE_HELP_MAX_UNTIL    (90 * 86400) /* how far ahead a post may run, seconds */
#define VECHE_HELP_MAX_TEXT     2000   /* characters of a post's description */
#define VECHE_HELP_URGENT       86400  /* a need due within this many seconds is urgent */
#define VECHE_HELP_MATCH_RADIUS 20000  /* metres around a need searched for offers */
#define VECHE_HELP_MATCHES      20     /* offers listed for one need */
#define VECHE_HELP_BBOX_MAX     5000   /* posts in one map viewport answer */
#define VECHE_HELP_LIST         100    /* posts listed on a situation's page */
#define VECHE_HELP_CSV_MAX      200000 /* posts in one export */
#define VECHE_HELP_CSV_PAGE     500    /* posts read at a time (streamed) */

/* Proposals and agency notes (src/core/proposals.c; docs/participation.md) */
#define VECHE_PROPOSAL_MAX_TITLE 200   /* characters of a proposal's title */
#define VECHE_PROPOSAL_MAX_TEXT  5000  /* characters of a proposal's text */
#define VECHE_PROPOSAL_MAX_REASON 5000 /* characters of a decision's reason */
#define VECHE_PROPOSAL_LIST      100   /* proposals listed on one page */
#define VECHE_PROPOSAL_MAX_THRESHOLD 100000000 /* supports a rule may ask, most */
#define VECHE_PROPOSAL_MAX_DAYS  3650  /* days a rule's period may run, most */
#define VECHE_NOTE_MAX_TITLE     200   /* characters of a "what we changed" title */
#define VECHE_NOTE_MAX_TEXT      5000  /* characters of its text */
#define VECHE_NOTE_MAX_REPORTS   50    /* reports one note links */
#define VECHE_NOTE_LIST          50    /* notes shown on a page */

/* Open calls for a public post (src/core/calls.c; docs/participation.md) */
#define VECHE_CALL_MAX_POST      200   /* characters of the post's name */
#define VECHE_CALL_MAX_BODY      300   /* characters of the deciding body's name */
#define VECHE_CALL_MAX_MEMBERS   3000  /* characters of the list of its members */
#define VECHE_CALL_MAX_REQUIREMENTS 5000 /* characters of the requirements */
#define VECHE_CALL_MAX_NAME      120   /* characters of a candidate's public name */
#define VECHE_CALL_MAX_EXPERIENCE 5000 /* characters of a candidate's experience */
#define VECHE_CALL_MAX_EDUCATION 3000  /* characters of a candidate's education */
#define VECHE_CALL_MAX_PROGRAMME 10000 /* characters of a candidate's programme */
#define VECHE_CALL_AUDIENCE      5000  /* accounts told of a call's decision */
#define VECHE_CALL_MAX_REASON    5000  /* characters of a decision or refusal */
#define VECHE_CALL_LIST          100   /* calls listed on one page */
#define VECHE_CALL_CANDIDATES    500   /* candidates shown for one call */
/* Drafts of regulations (src/core/drafts.c; docs/participation.md) */
#define VECHE_DRAFT_MAX_TITLE    300    /* characters of a draft's title */
#define VECHE_DRAFT_MAX_TEXT     200000 /* bytes of a draft's pasted text */
#define VECHE_DRAFT_MAX_LINE     4000   /* bytes of one line of it */
#define VECHE_DRAFT_MAX_ARTICLES 300    /* articles in one version */
#define VECHE_DRAFT_MAX_PARAS    2000   /* paragraphs in one version */
#define VECHE_DRAFT_MAX_PARA     8000   /* bytes of one paragraph */
#define VECHE_DRAFT_MAX_VERSIONS 50     /* versions of one draft */
#define VECHE_DRAFT_MAX_WORDING  8000   /* characters of a proposed wording */
#define VECHE_DRAFT_MAX_REASON   5000   /* characters of a decision's reason */
#define VECHE_DRAFT_DIFF_WORDS   1500   /* words a diff compares, each side */
#define VECHE_DRAFT_LIST         100    /* drafts listed on one page */
#define VECHE_DRAFT_SUMMARY      5000   /* proposals in one summary */

/* Citizens' e-mail alerts (core/alerts.c) */
#define VECHE_ALERT_DIGEST_HOUR  8            /* local hour of the daily digest */
#define VECHE_ALERT_POLL_MS      500          /* the digest worker's wake-up */
#define VECHE_ALERT_MAX_MAIL     3            /* subscriptions per e-mail a window */
#define VECHE_ALERT_MAX_ADDRESS  20           /* ... per client address */

/* Security review fixes (branch fixes) */
#define VECHE_RATE_HELP_POSTS    20    /* help map posts per address an hour (web form) */
#define VECHE_HELP_MAX_TAKEN     3     /* needs one account holds taken at once */
#define VECHE_HELP_PUBLIC_DECIMALS 3   /* decimals of a post's public point (~100 m) */

/* Officials' pages (core/officials.c, docs/officials.md). */
#define VECHE_OFFICIAL_MAX_NAME  200   /* characters of a display name, position */
#define VECHE_OFFICIAL_MAX_BIO   1000  /* characters of a short bio */
#define VECHE_OFFICIAL_MAX_NOTE  1000  /* characters of a short note */
#define VECHE_OFFICIAL_MAX_QUESTION 500 /* characters of a question of the day */
#define VECHE_OFFICIAL_MAX_ANSWER 1000 /* characters of a citizen's answer */
#define VECHE_OFFICIAL_MAX_PHONE 32    /* bytes of a (private) phone */
#define VECHE_OFFICIAL_LIST      50    /* notes, questions listed on a page */
#define VECHE_OFFICIAL_WINDOW_DAYS 7   /* a question stays open at most */
#define VECHE_OFFICIAL_TOPICS    5     /* topic groups of a digest */
#define VECHE_OFFICIAL_SAMPLES   3     /* representative answers a group shows */
#define VECHE_OFFICIAL_ANSWERS   5000  /* answers a digest reads, most */
#define VECHE_OFFICIAL_DUE       20    /* digests the worker mails a round */
#define VECHE_OFFICIAL_POLL_MS   500   /* the digest worker's wake-up */

#endif
