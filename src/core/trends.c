/*
 * trends.c: daily series of posts and the spike rule (trends.h).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/outbox.h"
#include "core/trends.h"
#include "store/store.h"
#include "store/store_posts.h"

#define TRENDS_MAX_KEY (VECHE_MAX_ALIAS + 1)   /* a district name, a code */

static const char *const dim_names[TREND__MAX] = {
	[TREND_ALL] = "all",
	[TREND_QUERY] = "query",
	[TREND_AGENCY] = "agency",
	[TREND_DISTRICT] = "district",
	[TREND_SOURCE] = "source",
};

const char *
trends_dim_name(enum trend_dim d)
{
	return (unsigned)d < TREND__MAX ? dim_names[d] : "?";
}

enum trend_dim
trends_dim_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < TREND__MAX; i++)
		if (strcmp(s, dim_names[i]) == 0)
			return (enum trend_dim)i;
	return TREND__MAX;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t
trends_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return floor_div(t, 86400);
	return floor_div(t + tm.tm_gmtoff, 86400);
}

char *
trends_day_text(int64_t day, char *buf, size_t len)
{
	time_t tt = (time_t)(day * 86400);
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d",
	    &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

int
trends_day_parse(const char *s, int64_t *day)
{
	struct tm tm;
	int y, m, d;
	char end;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 9999)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*day = floor_div((int64_t)timegm(&tm), 86400);
	return 0;
}

/* A series a batch touched with a negative post of today. */
struct touched {
	enum trend_dim dim;
	char key[TRENDS_MAX_KEY];
};

struct trends_batch {
	struct touched *t;
	size_t n, cap;
};

struct trends_batch *
trends_batch_new(void)
{
	return calloc(1, sizeof(struct trends_batch));
}

void
trends_batch_free(struct trends_batch *tb)
{
	if (tb == NULL)
		return;
	free(tb->t);
	free(tb);
}

void
trends_batch_reset(struct trends_batch *tb)
{
	tb->n = 0;
}

static int
remember(struct trends_batch *tb, enum trend_dim dim, const char *key)
{
	struct touched *grown;
	size_t i;

	if (strlen(key) >= sizeof(tb->t[0].key))
		return 0;       /* longer than any key the city file allows */
	for (i = 0; i < tb->n; i++)
		if (tb->t[i].dim == dim && strcmp(tb->t[i].key, key) == 0)
			return 0;
	if (tb->n == tb->cap) {
		size_t cap = tb->cap ? tb->cap * 2 : 16;

		if ((grown = realloc(tb->t, cap * sizeof(*grown))) == NULL)
			return -1;
		tb->t = grown;
		tb->cap = cap;
	}
	tb->t[tb->n].dim = dim;
	snprintf(tb->t[tb->n].key, sizeof(tb->t[tb->n].key), "%s", key);
	tb->n++;
	return 0;
}

/* Count the post into one series; remember it when a spike may follow. */
static int
count(struct store *s, struct trends_batch *tb, enum trend_dim dim,
    const char *key, int64_t day, int neg, int today)
{
	if (store_trend_add(s, (int)dim, key, day, neg) == -1)
		return -1;
	if (neg && today && dim != TREND_ALL && dim != TREND_SOURCE &&
	    remember(tb, dim, key) == -1)
		return -1;
	return 0;
}

int
trends_post(struct store *s, struct trends_batch *tb, const struct post *p,
    const int64_t *queries, size_t nq, int64_t now)
{
	int64_t day = trends_day(p->published);
	int neg = p->sentiment == POST_NEGATIVE;
	int today = day == trends_day(now);
	char key[24];
	size_t i;

	if (count(s, tb, TREND_ALL, "", day, neg, today) == -1)
		return -1;
	snprintf(key, sizeof(key), "%" PRId64, p->source);
	if (count(s, tb, TREND_SOURCE, key, day, neg, today) == -1)
		return -1;
	for (i = 0; i < nq; i++) {
		snprintf(key, sizeof(key), "%" PRId64, queries[i]);
		if (count(s, tb, TREND_QUERY, key, day, neg, today) == -1)
			return -1;
	}
	if (p->agency != NULL && count(s, tb, TREND_AGENCY, p->agency, day,
	    neg, today) == -1)
		return -1;
	if (p->district != NULL && count(s, tb, TREND_DISTRICT, p->district,
	    day, neg, today) == -1)
		return -1;
	return 0;
}

/* store_trend_each into the days of a window that starts at from. */
struct window {
	struct trend_day *out;
	int64_t from;
};

static int
on_day(int64_t day, int64_t posts, int64_t negative, void *arg)
{
	struct window *w = arg;

	w->out[day - w->from].posts = posts;
	w->out[day - w->from].negative = negative;
	return 0;
}

int
trends_series(struct store *s, enum trend_dim dim, const char *key,
    int64_t from, int64_t to, struct trend_day *out, struct verr *e)
{
	struct window w = { out, from };
	int64_t d;

	if ((unsigned)dim >= TREND__MAX || key == NULL)
		return verr_set(e, VERR_INVALID, "series", "series: all, query, "
		    "agency, district or source");
	if (to < from || to - from + 1 > TRENDS_MAX_DAYS)
		return verr_set(e, VERR_INVALID, "since", "since: a period of 1 "
		    "to %d days ending at until", TRENDS_MAX_DAYS);
	for (d = from; d <= to; d++) {
		out[d - from].day = d;
		out[d - from].posts = out[d - from].negative = 0;
	}
	if (store_trend_each(s, (int)dim, key, from, to, on_day, &w) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

/* key as a JSON string's content into out (len bytes). */
static void
json_text(const char *key, char *out, size_t len)
{
	size_t k = 0;
	const char *p;

	for (p = key; *p != '\0' && k + 7 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			out[k++] = '\\';
			out[k++] = (char)c;
		} else if (c < 0x20)
			k += (size_t)snprintf(out + k, len - k, "\\u%04x", c);
		else
			out[k++] = (char)c;
	}
	out[k] = '\0';
}

/* Record and announce a spike of one series. */
static int
raise_spike(struct store *s, const struct trend_spike *sp, size_t *raised,
    struct verr *e)
{
	char members[1024], key[TRENDS_MAX_KEY * 6 + 1], day[16];
	int64_t id;
	int rc;

	if ((rc = store_spike_add(s, sp, &id)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 2)
		return 0;       /* raised already today */
	json_text(sp->key, key, sizeof(key));
	snprintf(members, sizeof(members), "\"agency\": %s%s%s, \"spike\": "
	    "{\"id\": %" PRId64 ", \"series\": \"%s\", \"key\": \"%s\", "
	    "\"day\": \"%s\", \"negative\": %" PRId64 ", \"mean\": %.3f, "
	    "\"sd\": %.3f}", sp->dim == TREND_AGENCY ? "\"" : "",
	    sp->dim == TREND_AGENCY ? key : "null",
	    sp->dim == TREND_AGENCY ? "\"" : "", id, trends_dim_name(sp->dim),
	    key, trends_day_text(sp->day, day, sizeof(day)), sp->negative,
	    sp->mean, sp->sd);
	if (outbox_emit_json(s, EVENT_LISTEN_SPIKE, sp->dim == TREND_AGENCY ?
	    sp->key : NULL, members, sp->created, e) == -1)
		return -1;
	(*raised)++;
	return 0;
}

int
trends_check(struct store *s, struct trends_batch *tb, int64_t now,
    size_t *raised, struct verr *e)
{
	struct trend_day days[TRENDS_SPIKE_DAYS + 1];
	struct trend_spike sp;
	int64_t today = trends_day(now);
	size_t i, n = 0;
	double sum, sq, mean, sd;
	int d;

	for (i = 0; i < tb->n; i++) {
		if (trends_series(s, tb->t[i].dim, tb->t[i].key, today -
		    TRENDS_SPIKE_DAYS, today, days, e) == -1)
			return -1;
		sum = sq = 0;
		for (d = 0; d < TRENDS_SPIKE_DAYS; d++) {
			sum += (double)days[d].negative;
			sq += (double)days[d].negative * (double)days[d].negative;
		}
		mean = sum / TRENDS_SPIKE_DAYS;
		sd = sq / TRENDS_SPIKE_DAYS - mean * mean;
		sd = sd > 0 ? sqrt(sd) : 0;
		if (days[TRENDS_SPIKE_DAYS].negative < TRENDS_SPIKE_MIN ||
		    (double)days[TRENDS_SPIKE_DAYS].negative <= mean +
		    TRENDS_SPIKE_SIGMAS * sd)
			continue;
		memset(&sp, 0, sizeof(sp));
		sp.dim = tb->t[i].dim;
		sp.key = tb->t[i].key;
		sp.day = today;
		sp.negative = days[TRENDS_SPIKE_DAYS].negative;
		sp.mean = mean;
		sp.sd = sd;
		sp.created = now;
		if (raise_spike(s, &sp, &n, e) == -1)
			return -1;
	}
	if (raised != NULL)
		*raised = n;
	return 0;
}

int
trends_spike_each(struct store *s, int64_t from, int64_t to, size_t limit,
    int (*fn)(const struct trend_spike *, void *), void *arg)
{
	return store_spike_each(s, from, to, limit, fn, arg);
}
