/*
 * post.h: the plain records of listening (docs/listening.md) that core,
 * store and api share: sources, posts with their analysis, saved topic
 * queries and the filters of the analysts' list.  Strings handed to
 * callbacks live only during the call.
 */
#ifndef VECHE_BASE_POST_H
#define VECHE_BASE_POST_H

#include <stddef.h>
#include <stdint.h>

/* A source and its fetch state (url NULL: an upload source, vk/telegram). */
struct source {
	int64_t id;
	const char *name;
	const char *kind;               /* feed_kind_name: rss, atom, ... */
	const char *url;
	int64_t interval;               /* seconds between fetches */
	int64_t timeout_ms;
	const char *etag, *last_modified;
	int64_t next_fetch;             /* Unix seconds; 0: not fetched */
	int64_t failures;               /* in a row */
	int64_t last_success, last_attempt; /* 0: never */
	const char *last_error;         /* NULL after a success */
	int64_t fetches, not_modified;  /* fetches made, answered 304 */
	int64_t posts;                  /* posts stored from it */
	int64_t created;
};

/* What one fetch (or upload) did to a source. */
struct source_result {
	int ok;
	int not_modified;
	const char *etag, *last_modified; /* the new validators, or NULL: keep */
	const char *error;              /* when !ok */
	int64_t at, next_fetch;
	int64_t failures;
};

/* Sentiment labels, in text/sentiment.h's order. */
enum post_sentiment {
	POST_NEGATIVE, POST_NEUTRAL, POST_POSITIVE, POST_SENTIMENT__MAX
};

/* A post and its analysis at ingest. */
struct post {
	int64_t id;
	int64_t source;
	const char *source_name;        /* read only */
	const char *guid, *url;
	const char *author;             /* public handle, or NULL */
	int64_t published, fetched;
	const char *body;
	const char *lang;               /* "ru", "en", "und" */
	enum post_sentiment sentiment;
	double negative;                /* P(negative) */
	double complaint;               /* the complaint score, 0..1 */
	const char *agency;             /* agency code, or NULL */
	const char *place;              /* an address of the registry, or NULL */
	double lat, lon;                /* the place's point when place */
	int64_t group;                  /* near-copies share it (the first's id) */
	const char *district;           /* a district named (no house), or NULL */
	const unsigned char *signature; /* MinHash, for the dedupe index */
	size_t signature_len;
};

/*
 * An analyst's correction of a post's analysis (core/listen.h): the
 * sentiment and the service before and after (a service NULL: none).
 */
struct post_correction {
	int64_t id;
	int64_t post;
	const char *by;                 /* the analyst's login */
	int64_t at;
	enum post_sentiment old_sentiment, new_sentiment;
	const char *old_service, *new_service;
	const char *body;               /* the post's text (read only) */
};

/* The filters of the analysts' list (0 / NULL: any). */
struct post_filter {
	int64_t source;
	int64_t query;                  /* a saved query's id */
	int sentiment;                  /* enum post_sentiment + 1; 0: any */
	const char *agency;
	const char *district;           /* a district named, or NULL: any */
	int64_t since, until;           /* published in [since, until) */
	size_t limit, offset;
};

/* A saved topic query (the language of text/query.h). */
struct saved_query {
	int64_t id;
	const char *name;
	const char *query;
	const char *owner;              /* login of who saved it */
	int64_t created;
};

/*
 * Trends (core/trends.h): the series a day's posts are counted in, and a
 * spike of negative posts raised on one of them.
 */
enum trend_dim {
	TREND_ALL,                      /* every post (key "") */
	TREND_QUERY,                    /* a saved query (key: its id) */
	TREND_AGENCY,                   /* the agency named (key: its code) */
	TREND_DISTRICT,                 /* the district named (key: its name) */
	TREND_SOURCE,                   /* the source (key: its id) */
	TREND__MAX
};

struct trend_spike {
	int64_t id;
	enum trend_dim dim;
	const char *key;
	int64_t day;                    /* local days since 1970-01-01 */
	int64_t negative;               /* that day's negative posts */
	double mean, sd;                /* of the 28 days before */
	int64_t created;
};

/*
 * A staff member's subscription to spike e-mail (core/trends.h): dim
 * TREND_ALL for every series, else one series (dim, key).
 */
struct spike_sub {
	int64_t id;
	int64_t user;
	const char *email;
	const char *lang;               /* "ru", "en": the mail's language */
	enum trend_dim dim;
	const char *key;
	int64_t created;
};

#endif
