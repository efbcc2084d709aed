/*
 * ratings.h: how agencies answer citizens, in figures (docs/ratings.md).
 *
 * The unit is a stay of a report at one agency: from its receipt (or from
 * the moment another agency forwarded it there) until it is forwarded on,
 * or until now.  A stay belongs to the period in which it began; all that
 * happened in it up to now counts.  Every figure is computed from the
 * public history alone (store_ratings.h), so that the open data dump
 * reproduces it (scripts/ratings_from_dump.py).
 */
#ifndef VECHE_RATINGS_H
#define VECHE_RATINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct catalog;
struct store;

/* The normal quantile of a two-sided 95 % interval. */
#define RATINGS_Z 1.959963984540054

/* A period: [from, to] in Unix seconds, and its local dates. */
struct ratings_period {
	int64_t from;
	int64_t to;
	char from_date[11];             /* "YYYY-MM-DD" */
	char to_date[11];
};

/*
 * The period a request asks for: period "YYYY-MM..YYYY-MM" (or one month
 * "YYYY-MM"), or from/to "YYYY-MM-DD" (either may be left out: the first
 * day of the default period, or its last), or none of them: the twelve
 * calendar months up to and including the one of now, in the deployment's
 * time zone.  Returns 0, or -1 with e naming the field (period, from, to).
 */
int ratings_period_parse(const char *period, const char *from,
    const char *to, int64_t now, struct ratings_period *p, struct verr *e);

/* A share k of n with its Wilson score interval; all 0 when n is 0. */
struct ratings_share {
	int64_t k;
	int64_t n;
	double p;
	double lo;
	double hi;
};

/* k of n with its 95 % Wilson score interval. */
void ratings_wilson(int64_t k, int64_t n, struct ratings_share *out);

/*
 * The same for weighed counts (k of n, 0 <= k <= n): k and n in out are
 * rounded.  Comments' scores and reputations (core/social.c).
 */
void ratings_wilson_weighed(double k, double n, struct ratings_share *out);

/* One agency's figures for a period. */
struct ratings_agency {
	const char *code;               /* the catalogue's */
	int64_t received;               /* stays that began in the period */
	struct ratings_share registered;  /* in 3 working days, of those due */
	struct ratings_share in_time;   /* answered by the deadline, of due */
	int64_t in_time_extended;       /* of in_time.k: after an extension */
	int64_t answered;               /* stays with a first answer */
	double median_answer_days;      /* receipt to first answer; -1: none */
	int64_t closed;
	double median_close_days;       /* receipt to closing; -1: none */
	int64_t extensions;
	int64_t forwarded;              /* forwarded away to another agency */
	int64_t rejected;
	int64_t reopened;               /* "not fixed" reopenings */
	struct ratings_share fixed;     /* "is it fixed?": yes of answers */
	int few;                        /* received < VECHE_RATINGS_MIN_REPORTS */
	int rank;                       /* 1, 2, ...; 0 when few */
	double score;                   /* in_time.lo, the ranking's key */
};

/* Every agency's figures, ranked. */
struct ratings {
	struct ratings_period period;
	int64_t now;                    /* deadlines are judged at this time */
	size_t n;
	struct ratings_agency *agencies;  /* ranked, then the few by code */
};

/*
 * The ratings of every agency of c for period p as of now: the past whole
 * months from their kept figures where these hold (computed and kept
 * where not), the rest from the histories of the reports with a stay in
 * it.  Returns a struct the caller frees with ratings_free, or NULL with e
 * set (VERR_INTERNAL).
 */
struct ratings *ratings_compute(struct store *s, const struct catalog *c,
    const struct ratings_period *p, int64_t now, struct verr *e);

void ratings_free(struct ratings *r);

/* The most months ratings_months counts. */
#define RATINGS_MAX_MONTHS 24

/* One calendar month's figures of a group of agencies. */
struct ratings_month {
	int year, month;
	struct ratings_agency figures;  /* code NULL, rank 0 */
};

/*
 * The figures of the stays at the agencies codes (together) by the month
 * they began, for the nmonths calendar months up to and including now's
 * (1 to RATINGS_MAX_MONTHS), oldest first, into out[0..nmonths-1]; past
 * months kept as ratings_compute keeps them.  Returns 0, or -1 with e set.
 */
int ratings_months(struct store *s, const char *const *codes, size_t ncodes,
    int64_t now, size_t nmonths, struct ratings_month *out, struct verr *e);

/* The figures of agency code, or NULL. */
const struct ratings_agency *ratings_find(const struct ratings *r,
    const char *code);

#endif
