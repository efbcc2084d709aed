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
#include "core/delivery.h"
#include "core/letter.h"
#include "core/outbox.h"
#include "core/parse.h"
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

/*
 * A batch's counts of one series' day, summed in memory so that each
 * (series, day) is written once per batch (docs/performance.md: a post
 * touches about ten series; a batch's posts are of a few days).
 */
struct day_count {
	enum trend_dim dim;
	int64_t day, posts, negative;
	char key[TRENDS_MAX_KEY];
};

/* An open-addressing table of day_count: slot holds index + 1, or 0. */
struct trends_batch {
	struct day_count *c;
	size_t n, cap;
	uint32_t *slot;
	size_t nslots;                  /* a power of two, > 2 * cap */
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
	free(tb->c);
	free(tb->slot);
	free(tb);
}

void
trends_batch_reset(struct trends_batch *tb)
{
	tb->n = 0;
	if (tb->slot != NULL)
		memset(tb->slot, 0, tb->nslots * sizeof(*tb->slot));
}

/* FNV-1a of the series and day. */
static uint64_t
count_hash(enum trend_dim dim, const char *key, int64_t day)
{
	uint64_t h = 14695981039346656037ull ^ (uint64_t)dim;
	const unsigned char *p;
	int i;

	for (p = (const unsigned char *)key; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ull;
	for (i = 0; i < 8; i++)
		h = (h ^ (((uint64_t)day >> (i * 8)) & 0xff)) * 1099511628211ull;
	return h;
}

/* Grow the counts and rebuild the slots: 0 or -1 (out of memory). */
static int
grow(struct trends_batch *tb)
{
	size_t cap = tb->cap ? tb->cap * 2 : 256, nslots = 1, i, j;
	struct day_count *c;
	uint32_t *slot;

	while (nslots <= 2 * cap)
		nslots *= 2;
	if (cap > UINT32_MAX / 4 || (c = realloc(tb->c, cap *
	    sizeof(*c))) == NULL)
		return -1;
	tb->c = c;
	tb->cap = cap;
	if ((slot = calloc(nslots, sizeof(*slot))) == NULL)
		return -1;
	free(tb->slot);
	tb->slot = slot;
	tb->nslots = nslots;
	for (i = 0; i < tb->n; i++) {
		j = (size_t)count_hash(c[i].dim, c[i].key, c[i].day) &
		    (nslots - 1);
		while (slot[j] != 0)
			j = (j + 1) & (nslots - 1);
		slot[j] = (uint32_t)i + 1;
	}
	return 0;
}

/* Add one post to series (dim, key) on day in memory. */
static int
count(struct trends_batch *tb, enum trend_dim dim, const char *key,
    int64_t day, int neg)
{
	struct day_count *dc;
	size_t j;

	if (strlen(key) >= sizeof(tb->c[0].key))
		return 0;       /* longer than any key the city file allows */
	if (tb->n == tb->cap && grow(tb) == -1)
		return -1;
	j = (size_t)count_hash(dim, key, day) & (tb->nslots - 1);
	for (; tb->slot[j] != 0; j = (j + 1) & (tb->nslots - 1)) {
		dc = &tb->c[tb->slot[j] - 1];
		if (dc->dim == dim && dc->day == day &&
		    strcmp(dc->key, key) == 0)
			goto add;
	}
	dc = &tb->c[tb->n];
	dc->dim = dim;
	dc->day = day;
	dc->posts = dc->negative = 0;
	snprintf(dc->key, sizeof(dc->key), "%s", key);
	tb->slot[j] = (uint32_t)++tb->n;
add:
	dc->posts++;
	dc->negative += neg;
	return 0;
}

/*
 * Call fn with every series post p counts in (all, its source, each of
 * the queries it matched, its agency, its district) and its day: 0, or
 * fn's first -1.
 */
static int
each_series(const struct post *p, const int64_t *queries, size_t nq,
    int (*fn)(enum trend_dim, const char *key, int64_t day, void *),
    void *arg)
{
	int64_t day = trends_day(p->published);
	char key[24];
	size_t i;

	if (fn(TREND_ALL, "", day, arg) == -1)
		return -1;
	snprintf(key, sizeof(key), "%" PRId64, p->source);
	if (fn(TREND_SOURCE, key, day, arg) == -1)
		return -1;
	for (i = 0; i < nq; i++) {
		snprintf(key, sizeof(key), "%" PRId64, queries[i]);
		if (fn(TREND_QUERY, key, day, arg) == -1)
			return -1;
	}
	if (p->agency != NULL && fn(TREND_AGENCY, p->agency, day, arg) == -1)
		return -1;
	if (p->district != NULL && fn(TREND_DISTRICT, p->district, day,
	    arg) == -1)
		return -1;
	return 0;
}

struct counting {
	struct trends_batch *tb;
	int neg;
};

static int
count_series(enum trend_dim dim, const char *key, int64_t day, void *arg)
{
	struct counting *c = arg;

	return count(c->tb, dim, key, day, c->neg);
}

int
trends_post(struct trends_batch *tb, const struct post *p,
    const int64_t *queries, size_t nq)
{
	struct counting c = { tb, p->sentiment == POST_NEGATIVE };

	return each_series(p, queries, nq, count_series, &c);
}

struct moving {
	struct store *s;
	int64_t negative;
};

static int
move_series(enum trend_dim dim, const char *key, int64_t day, void *arg)
{
	struct moving *m = arg;

	return store_trend_add(m->s, (int)dim, key, day, 0, m->negative);
}

int
trends_resentiment(struct store *s, const struct post *p,
    const int64_t *queries, size_t nq, enum post_sentiment to,
    struct verr *e)
{
	struct moving m = { s, 0 };

	if ((p->sentiment == POST_NEGATIVE) == (to == POST_NEGATIVE))
		return 0;       /* the days count negative posts only */
	m.negative = to == POST_NEGATIVE ? 1 : -1;
	if (each_series(p, queries, nq, move_series, &m) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

/* The primary key's order of post_days: neighbours share B-tree pages. */
static int
count_cmp(const void *a, const void *b)
{
	const struct day_count *x = a, *y = b;
	int c;

	if (x->dim != y->dim)
		return x->dim < y->dim ? -1 : 1;
	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->day < y->day ? -1 : x->day > y->day;
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
	char key[TRENDS_MAX_KEY * 6 + 1], day[16];
	char members[sizeof(key) * 2 + 256];
	int64_t id, event;
	size_t mails;
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
	    sp->key : NULL, members, sp->created, &event, e) == -1)
		return -1;
	/* The subscribed staff's e-mail, each in its own delivery. */
	if (delivery_mail_configured(s) && store_spike_mail_fanout(s, event,
	    id, (int)sp->dim, sp->key, sp->created * 1000, &mails) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	(*raised)++;
	return 0;
}

int
trends_check(struct store *s, struct trends_batch *tb, int64_t now,
    size_t *raised, struct verr *e)
{
	struct trend_day days[TRENDS_SPIKE_DAYS + 1];
	struct trend_spike sp;
	const struct day_count *dc;
	int64_t today = trends_day(now);
	size_t i, n = 0;
	double sum, sq, mean, sd;
	int d;

	/* The slots die with the order; the batch is spent after this. */
	if (tb->n > 1)
		qsort(tb->c, tb->n, sizeof(tb->c[0]), count_cmp);
	for (i = 0; i < tb->n; i++) {
		dc = &tb->c[i];
		if (store_trend_add(s, (int)dc->dim, dc->key, dc->day,
		    dc->posts, dc->negative) == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "%s",
			    store_error(s));
	}
	for (i = 0; i < tb->n; i++) {
		dc = &tb->c[i];
		if (dc->day != today || dc->negative == 0 ||
		    dc->dim == TREND_ALL || dc->dim == TREND_SOURCE)
			continue;
		if (trends_series(s, dc->dim, dc->key, today -
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
		sp.dim = dc->dim;
		sp.key = dc->key;
		sp.day = today;
		sp.negative = days[TRENDS_SPIKE_DAYS].negative;
		sp.mean = mean;
		sp.sd = sd;
		sp.created = now;
		if (raise_spike(s, &sp, &n, e) == -1)
			return -1;
	}
	trends_batch_reset(tb);
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

/* ---- Spike e-mail ---- */

int
trends_mail_subscribe(struct store *s, const struct actor *act,
    const char *email, enum lang lang, enum trend_dim dim, const char *key,
    int64_t now, int64_t *id, struct verr *e)
{
	struct spike_sub sub;

	if (act == NULL || act->user_id == 0)
		return verr_set(e, VERR_FORBIDDEN, NULL, "spike e-mail is for "
		    "signed-in staff");
	if (email == NULL || strlen(email) > VECHE_MAX_EMAIL ||
	    !parse_email_ok(email))
		return verr_set(e, VERR_INVALID, "email", "email: an e-mail "
		    "address such as name@example.ru");
	if (dim == TREND_ALL)
		key = "";
	else if (dim != TREND_QUERY && dim != TREND_AGENCY &&
	    dim != TREND_DISTRICT)
		return verr_set(e, VERR_INVALID, "series", "series: all, "
		    "query, agency or district (the series that spike)");
	else if (key == NULL || key[0] == '\0' || strlen(key) >=
	    TRENDS_MAX_KEY)
		return verr_set(e, VERR_INVALID, "key", "key: the series' query "
		    "id, agency code or district, at most %d bytes",
		    TRENDS_MAX_KEY - 1);
	memset(&sub, 0, sizeof(sub));
	sub.user = act->user_id;
	sub.email = email;
	sub.lang = lang == LANG_EN ? "en" : "ru";
	sub.dim = dim;
	sub.key = key;
	sub.created = now;
	if (store_spike_sub_put(s, &sub, id) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

struct unsub {
	int64_t id, user;
	int rc;
};

/* The unsent mail and the subscription go together (store_atomic). */
static int
unsub_unit(struct store *s, void *arg)
{
	struct unsub *u = arg;

	u->rc = store_spike_sub_remove(s, u->id, u->user);
	return u->rc == -1 ? -1 : 0;
}

int
trends_mail_unsubscribe(struct store *s, const struct actor *act,
    int64_t id, struct verr *e)
{
	struct unsub u;
	int rc;

	if (act == NULL || act->user_id == 0)
		return verr_set(e, VERR_FORBIDDEN, NULL, "spike e-mail is for "
		    "signed-in staff");
	u.id = id;
	u.user = act->user_id;
	u.rc = -1;
	if (store_atomic(s, unsub_unit, &u) != 0 || (rc = u.rc) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no such "
		    "subscription of yours");
	return 0;
}

int
trends_mail_each(struct store *s, const struct actor *act,
    int (*fn)(const struct spike_sub *, void *), void *arg)
{
	if (act == NULL || act->user_id == 0)
		return 0;
	return store_spike_sub_each(s, act->user_id, fn, arg);
}

/* The words of spike e-mail: { Russian, English }. */
enum mw {
	MW_SUBJECT, MW_INTRO, MW_SERIES, MW_DAY, MW_NEGATIVE, MW_MEAN,
	MW_PAGE, MW_WHY, MW_FOOTER, MW__MAX
};

static const char *const mwords[MW__MAX][LANG__MAX] = {
	[MW_SUBJECT] = { "Всплеск негативных публикаций", "Spike of negative "
	    "posts" },
	[MW_INTRO] = { "Сегодня негативных публикаций намного больше "
	    "обычного.", "Today's negative posts are far above the usual." },
	[MW_SERIES] = { "Ряд", "Series" },
	[MW_DAY] = { "Дата", "Date" },
	[MW_NEGATIVE] = { "Негативных за день", "Negative posts that day" },
	[MW_MEAN] = { "Среднее за 28 дней (ст. отклонение)",
	    "Mean of the 28 days before (std. deviation)" },
	[MW_PAGE] = { "Динамика этого ряда", "This series' trends" },
	[MW_WHY] = { "Вы получили это письмо, потому что подписались на "
	    "письма о всплесках на странице «Динамика». Отписаться можно там "
	    "же.", "You get this message because you subscribed to spike "
	    "e-mail on the Trends page, where you can unsubscribe." },
	[MW_FOOTER] = { "-- \nВече: это письмо отправлено автоматически.",
	    "-- \nVeche: this message was sent automatically." },
};

static const char *const dim_words[TREND__MAX][LANG__MAX] = {
	[TREND_ALL] = { "все публикации", "all posts" },
	[TREND_QUERY] = { "запрос", "query" },
	[TREND_AGENCY] = { "ведомство", "agency" },
	[TREND_DISTRICT] = { "район", "district" },
	[TREND_SOURCE] = { "источник", "source" },
};

/* text percent-encoded for a query string into out (len bytes). */
static void
percent(const char *text, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t k = 0;

	for (p = (const unsigned char *)text; *p != '\0' && k + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			out[k++] = (char)*p;
		else {
			out[k++] = '%';
			out[k++] = hex[*p >> 4];
			out[k++] = hex[*p & 15];
		}
	}
	out[k] = '\0';
}

/* A saved query's name (store_query_each callback). */
static int
on_query_name(const struct saved_query *q, void *arg)
{
	snprintf(arg, VECHE_MAX_QUERY_NAME + 1, "%s", q->name);
	return 0;
}

struct spike_letter {
	struct store *s;
	const char *public_url;
	char *to, *subject;
	size_t tolen, slen;
	struct letter *l;
	int failed;
};

static int
write_spike(const struct spike_sub *sub, const struct trend_spike *sp,
    void *arg)
{
	struct spike_letter *m = arg;
	enum lang lang = strcmp(sub->lang, "en") == 0 ? LANG_EN : LANG_RU;
	char name[VECHE_MAX_QUERY_NAME + 1], series[VECHE_MAX_QUERY_NAME + 64];
	char day[16], num[64], enc[TRENDS_MAX_KEY * 3 + 1];
	char url[VECHE_MAX_URL + TRENDS_MAX_KEY * 3 + 64];
	int64_t qid;
	size_t n;

	if ((unsigned)sp->dim >= TREND__MAX)
		return 0;
	name[0] = '\0';
	if (sp->dim == TREND_QUERY && parse_int64(sp->key, 1, INT64_MAX,
	    &qid) == 0)
		(void)store_query_each(m->s, qid, on_query_name, name);
	snprintf(series, sizeof(series), "%s: %s", dim_words[sp->dim][lang],
	    name[0] ? name : sp->key);
	snprintf(m->to, m->tolen, "%s", sub->email);
	snprintf(m->subject, m->slen, "%s: %s", mwords[MW_SUBJECT][lang],
	    series);
	if (letter_init(m->l, lang, m->subject) == -1) {
		m->failed = 1;
		return 0;
	}
	letter_para(m->l, mwords[MW_INTRO][lang]);
	letter_field(m->l, mwords[MW_SERIES][lang], series);
	letter_field(m->l, mwords[MW_DAY][lang], trends_day_text(sp->day, day,
	    sizeof(day)));
	snprintf(num, sizeof(num), "%" PRId64, sp->negative);
	letter_field(m->l, mwords[MW_NEGATIVE][lang], num);
	snprintf(num, sizeof(num), "%.1f (%.1f)", sp->mean, sp->sd);
	letter_field(m->l, mwords[MW_MEAN][lang], num);
	if (m->public_url != NULL) {
		n = strlen(m->public_url);
		while (n > 0 && m->public_url[n - 1] == '/')
			n--;
		percent(sp->key, enc, sizeof(enc));
		snprintf(url, sizeof(url), "%.*s/listen/trends?%s%s%s%s",
		    (int)n, m->public_url, sp->dim == TREND_ALL ? "" :
		    trends_dim_name(sp->dim), sp->dim == TREND_ALL ? "" : "=",
		    sp->dim == TREND_ALL ? "" : enc, lang == LANG_EN ?
		    (sp->dim == TREND_ALL ? "lang=en" : "&lang=en") : "");
		letter_link(m->l, mwords[MW_PAGE][lang], url);
	}
	letter_para(m->l, mwords[MW_WHY][lang]);
	letter_para(m->l, mwords[MW_FOOTER][lang]);
	letter_end(m->l);
	return 0;
}

int
trends_mail(struct store *s, const char *public_url, int64_t delivery,
    char *to, size_t tolen, char *subject, size_t slen, struct letter *l)
{
	struct spike_letter m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.s = s;
	m.public_url = public_url;
	m.to = to;
	m.tolen = tolen;
	m.subject = subject;
	m.slen = slen;
	m.l = l;
	rc = store_spike_mail_get(s, delivery, write_spike, &m);
	if (rc == 0 && m.failed)
		return -1;
	return rc;
}
