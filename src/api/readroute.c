/*
 * readroute.c: reads on a streaming replica, each client reading its own
 * writes (readroute.h; docs/scaling.md, "Read replicas").
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/readroute.h"
#include "api/web.h"
#include "core/clock.h"
#include "core/apikey.h"
#include "core/db.h"
#include "core/worker.h"
#include "http/http.h"

/* What the checker last found of the replica; each change is logged. */
enum rr_state {
	RR_UNKNOWN,
	RR_OK,
	RR_DOWN,
	RR_LAGGING,
	RR_NOT_STANDBY,
	RR__MAX
};

static const char *const state_text[RR__MAX] = {
	[RR_UNKNOWN] = "not checked yet",
	[RR_OK] = "reads go to the replica",
	[RR_DOWN] = "replica unreachable: reads go to the primary",
	[RR_LAGGING] = "replica further behind than --db-read-lag: reads go "
	    "to the primary",
	[RR_NOT_STANDBY] = "replica is not a standby (promoted?): reads go to "
	    "the primary",
};

/* GET routes that write (links followed from e-mail): the primary's. */
static const char *const writing_gets[] = {
	"/account/confirm",
	"/account/confirm-report",
	"/alerts/confirm",
};

#define SAMPLES 64              /* the primary's positions, for the lag */

struct sample {
	int64_t ms;                     /* monotonic */
	uint64_t lsn;
};

/* A client's last write: its position, kept until until_ms (monotonic). */
struct slot {
	uint64_t lsn;
	int64_t until_ms;
};

/* The calling thread's connections and its current request's route. */
struct rr_thread {
	struct store *replica;          /* opened on first use */
	struct store_wal *primary;      /* the primary's position after writes */
	int64_t retry_ms;               /* reopen the replica not before */
	int on_replica;                 /* this request reads there */
	int checked;                    /* its connection checked this request */
	int own;                        /* its client wrote within the window */
	int writes;                     /* this request writes */
};

struct readroute {
	char *primary_url, *replica_url;
	int64_t max_lag_ms, window_ms, sample_ms;
	unsigned char sign[crypto_auth_KEYBYTES];       /* the cookie's key */
	_Atomic uint64_t replayed;      /* the replica's position, last check */
	_Atomic int usable;             /* up, a standby, within the bound */
	pthread_key_t key;              /* struct rr_thread */
	struct worker *checker;
	/* The checker's own (its thread only). */
	struct store_wal *pw, *rw;
	enum rr_state state;
	struct sample ring[SAMPLES];
	size_t head, nsamples;
	/* The clients' writes. */
	pthread_mutex_t lock;
	struct slot slots[READROUTE_SLOTS];
};

static void
thread_free(void *p)
{
	struct rr_thread *t = p;

	if (t == NULL)
		return;
	db_close(t->replica);
	db_wal_close(t->primary);
	free(t);
}

static struct rr_thread *
thread_state(struct readroute *r)
{
	struct rr_thread *t = pthread_getspecific(r->key);

	if (t != NULL)
		return t;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (pthread_setspecific(r->key, t) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

static void
set_state(struct readroute *r, enum rr_state st, const char *why)
{
	atomic_store(&r->usable, st == RR_OK);
	if (st == r->state)
		return;
	r->state = st;
	fprintf(stderr, "veche: --db-read: %s%s%s\n", state_text[st],
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

/*
 * How far behind the replica is, in ms: it holds everything the primary
 * had written by the newest sample at or below its position, so the time
 * since that sample bounds the lag from above (to within one sample
 * interval); below every sample, at least the time since the oldest.
 */
static int64_t
lag_ms(const struct readroute *r, uint64_t replica, uint64_t primary,
    int64_t now)
{
	size_t i, k;

	if (replica >= primary || r->nsamples == 0)
		return 0;
	for (i = 0; i < r->nsamples; i++) {
		k = (r->head + SAMPLES - 1 - i) % SAMPLES;
		if (r->ring[k].lsn <= replica)
			return now - r->ring[k].ms;
	}
	k = (r->head + SAMPLES - r->nsamples) % SAMPLES;
	return now - r->ring[k].ms;
}

static void
sample(struct readroute *r, uint64_t lsn, int64_t now)
{
	size_t last = (r->head + SAMPLES - 1) % SAMPLES;

	if (r->nsamples > 0 && (r->ring[last].lsn == lsn ||
	    now - r->ring[last].ms < r->sample_ms))
		return;
	r->ring[r->head].ms = now;
	r->ring[r->head].lsn = lsn;
	r->head = (r->head + 1) % SAMPLES;
	if (r->nsamples < SAMPLES)
		r->nsamples++;
}

/* Open w's reader of url if closed; 0, or -1 with err. */
static int
reader(struct store_wal **w, const char *url, char *err, size_t errlen)
{
	if (*w == NULL)
		*w = db_wal_open(url, err, errlen);
	return *w != NULL ? 0 : -1;
}

/* The position from *w, closing it on an error (reopened next time). */
static int
position(struct store_wal **w, uint64_t *lsn, int *standby, char *err,
    size_t errlen)
{
	if (db_wal_position(*w, lsn, standby) == 0)
		return 0;
	snprintf(err, errlen, "%s", db_wal_error(*w));
	db_wal_close(*w);
	*w = NULL;
	return -1;
}

/* One look at both servers (the checker's round). */
static int64_t
check_round(struct worker *w, void *arg)
{
	struct readroute *r = arg;
	uint64_t p, rep;
	int64_t now = clock_monotonic_ms(), lag;
	int standby;
	char err[512], why[64];

	(void)w;
	if (reader(&r->pw, r->primary_url, err, sizeof(err)) == -1 ||
	    position(&r->pw, &p, &standby, err, sizeof(err)) == -1) {
		/* Without the primary's position the lag is unknown. */
		set_state(r, RR_DOWN, "the primary's position: cannot be read");
		return READROUTE_CHECK_MS;
	}
	sample(r, p, now);
	if (reader(&r->rw, r->replica_url, err, sizeof(err)) == -1 ||
	    position(&r->rw, &rep, &standby, err, sizeof(err)) == -1) {
		set_state(r, RR_DOWN, err);
		return READROUTE_CHECK_MS;
	}
	if (!standby) {
		set_state(r, RR_NOT_STANDBY, NULL);
		return READROUTE_CHECK_MS;
	}
	atomic_store(&r->replayed, rep);
	if ((lag = lag_ms(r, rep, p, now)) > r->max_lag_ms) {
		snprintf(why, sizeof(why), "about %" PRId64 " ms", lag);
		set_state(r, RR_LAGGING, why);
	} else
		set_state(r, RR_OK, NULL);
	return READROUTE_CHECK_MS;
}

static int
is_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0;
}

struct readroute *
readroute_new(struct store *primary, const char *primary_url,
    const char *replica_url, int64_t max_lag_ms, char *err, size_t errlen)
{
	struct readroute *r;

	if (!is_url(primary_url) || !is_url(replica_url)) {
		snprintf(err, errlen, "--db-read: read replicas are "
		    "PostgreSQL's: --db and --db-read both postgresql:// URLs");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->primary_url = strdup(primary_url)) == NULL ||
	    (r->replica_url = strdup(replica_url)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r->max_lag_ms = max_lag_ms;
	/* The fleet's key: a cookie one process set, another verifies. */
	_Static_assert(crypto_auth_KEYBYTES == DB_KEY_BYTES, "key size");
	if (db_key(primary, READROUTE_KEY, r->sign) == -1) {
		snprintf(err, errlen, "--db-read: the cookie's key: %s",
		    db_error(primary));
		goto fail;
	}
	/*
	 * A client's write is remembered past the bound and past two cache
	 * lifetimes: by then the replica has it (or is skipped), and so has
	 * every cached response rendered from it.
	 */
	r->window_ms = max_lag_ms + 2 * VECHE_CACHE_TTL_MS + 1000;
	r->sample_ms = max_lag_ms / (SAMPLES / 4);
	if (r->sample_ms < READROUTE_CHECK_MS)
		r->sample_ms = READROUTE_CHECK_MS;
	if (pthread_key_create(&r->key, thread_free) != 0) {
		snprintf(err, errlen, "cannot make a thread key");
		goto fail;
	}
	pthread_mutex_init(&r->lock, NULL);
	if ((r->checker = worker_start("read replica checker", check_round, r,
	    err, errlen)) == NULL) {
		pthread_mutex_destroy(&r->lock);
		pthread_key_delete(r->key);
		goto fail;
	}
	return r;
fail:
	if (r != NULL) {
		sodium_memzero(r->sign, sizeof(r->sign));
		free(r->primary_url);
		free(r->replica_url);
	}
	free(r);
	return NULL;
}

void
readroute_free(struct readroute *r)
{
	if (r == NULL)
		return;
	worker_stop(r->checker);
	db_wal_close(r->pw);
	db_wal_close(r->rw);
	/* The calling thread's own; the server's threads freed theirs. */
	thread_free(pthread_getspecific(r->key));
	pthread_setspecific(r->key, NULL);
	pthread_key_delete(r->key);
	pthread_mutex_destroy(&r->lock);
	sodium_memzero(r->sign, sizeof(r->sign));
	free(r->primary_url);
	free(r->replica_url);
	free(r);
}

/* FNV-1a of a kind letter and a client's name. */
static size_t
slot_of(char kind, const char *name)
{
	uint64_t h = 1469598103934665603ULL;

	h = (h ^ (unsigned char)kind) * 1099511628211ULL;
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return (size_t)(h % READROUTE_SLOTS);
}

/*
 * Two clients may share a slot: it keeps the later position and the
 * later end, so a write is never forgotten early (the other client only
 * reads from the primary a little more).
 */
static void
remember(struct readroute *r, char kind, const char *name, uint64_t lsn,
    int64_t now)
{
	struct slot *s;

	if (name == NULL || *name == '\0')
		return;
	s = &r->slots[slot_of(kind, name)];
	pthread_mutex_lock(&r->lock);
	if (s->until_ms <= now || lsn > s->lsn)
		s->lsn = lsn;
	if (s->until_ms < now + r->window_ms)
		s->until_ms = now + r->window_ms;
	pthread_mutex_unlock(&r->lock);
}

static uint64_t
recall(struct readroute *r, char kind, const char *name, int64_t now)
{
	struct slot *s;
	uint64_t lsn = 0;

	if (name == NULL || *name == '\0')
		return 0;
	s = &r->slots[slot_of(kind, name)];
	pthread_mutex_lock(&r->lock);
	if (s->until_ms > now)
		lsn = s->lsn;
	pthread_mutex_unlock(&r->lock);
	return lsn;
}

/*
 * The cookie's value: the position and the end of its window (veche's
 * clock, ms), 16 hex digits each, then their MAC under the fleet's key
 * (crypto_auth, 64 hex digits): COOKIE_HEX digits in all.
 */
#define COOKIE_HEX (16 + 16 + 2 * crypto_auth_BYTES)

static void
cookie_sign(const struct readroute *r, uint64_t lsn, int64_t until,
    char out[COOKIE_HEX + 1])
{
	unsigned char mac[crypto_auth_BYTES];

	snprintf(out, COOKIE_HEX + 1, "%016" PRIx64 "%016" PRIx64, lsn,
	    (uint64_t)until);
	crypto_auth(mac, (const unsigned char *)out, 32, r->sign);
	sodium_bin2hex(out + 32, COOKIE_HEX + 1 - 32, mac, sizeof(mac));
}

/* 16 hex digits at p as a number. */
static uint64_t
hex16(const char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 4 | (uint64_t)(p[i] <= '9' ? p[i] - '0' :
		    p[i] - 'a' + 10);
	return v;
}

/*
 * The position the cookie asks for: 0 without one; UINT64_MAX (the
 * primary) for one that is forged, malformed or past its window (its
 * client is not believed, and the primary has every write); else its
 * position.
 */
static uint64_t
cookie_lsn(const struct readroute *r, struct http_request *req)
{
	const char *h = http_request_header(req, "Cookie");
	char v[2 * COOKIE_HEX];
	unsigned char mac[crypto_auth_BYTES];
	size_t n;

	if (h == NULL || web_cookie(h, READROUTE_COOKIE, v, sizeof(v)) != 0)
		return 0;
	if (strlen(v) != COOKIE_HEX ||
	    strspn(v, "0123456789abcdef") != COOKIE_HEX ||
	    sodium_hex2bin(mac, sizeof(mac), v + 32, 2 * crypto_auth_BYTES,
	    NULL, &n, NULL) != 0 || n != sizeof(mac) ||
	    crypto_auth_verify(mac, (const unsigned char *)v, 32,
	    r->sign) != 0 || (int64_t)hex16(v + 16) <= clock_now_ms())
		return UINT64_MAX;
	return hex16(v);
}

/*
 * The client's API key: the declared parameter, else X-Api-Key, else the
 * query's api_key even where the route declares none (a read with the
 * key that wrote).  Keys are URL-safe (vk_ and base64url): the raw value
 * is the key.  NULL for none.
 */
static const char *
api_key(struct http_request *req, char *buf, size_t len)
{
	const char *k = http_request_param(req, "api_key"), *q, *p;
	size_t n;

	if (k == NULL)
		k = http_request_header(req, "X-Api-Key");
	if (k != NULL)
		return k;
	for (q = http_request_query(req); (p = strstr(q, "api_key=")) != NULL;
	    q = p + 8)
		if (p == http_request_query(req) || p[-1] == '&') {
			p += 8;
			if ((n = strcspn(p, "&")) == 0 || n >= len)
				return NULL;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
	return NULL;
}

static int
writes(struct http_request *req)
{
	enum http_method m = http_request_method(req);
	const struct http_route *route = http_request_route(req);
	size_t i;

	if (m != HTTP_GET && m != HTTP_HEAD)
		return 1;
	for (i = 0; route != NULL &&
	    i < sizeof(writing_gets) / sizeof(writing_gets[0]); i++)
		if (strcmp(route->pattern, writing_gets[i]) == 0)
			return 1;
	return 0;
}

void
readroute_choose(struct readroute *r, struct http_request *req)
{
	struct rr_thread *t = thread_state(r);
	int64_t now = clock_monotonic_ms();
	uint64_t need, k;
	char key[APIKEY_LEN];

	if (t == NULL)
		return;
	t->on_replica = 0;
	t->checked = 0;
	t->own = 0;
	if ((t->writes = writes(req)))
		return;
	need = cookie_lsn(r, req);
	if ((k = recall(r, 'a', http_request_remote(req), now)) > need)
		need = k;
	if ((k = recall(r, 'k', api_key(req, key, sizeof(key)), now)) > need)
		need = k;
	t->own = need > 0;
	t->on_replica = atomic_load(&r->usable) &&
	    atomic_load(&r->replayed) >= need;
}

struct store *
readroute_store(struct readroute *r)
{
	struct rr_thread *t = pthread_getspecific(r->key);
	int64_t now;
	char err[512];

	if (t == NULL || !t->on_replica)
		return NULL;
	/* Once a request: a stopped server's farewell waits on the socket. */
	if (!t->checked && t->replica != NULL && !db_idle_ok(t->replica)) {
		db_close(t->replica);
		t->replica = NULL;
	}
	t->checked = 1;
	if (t->replica != NULL)
		return t->replica;
	now = clock_monotonic_ms();
	if (now >= t->retry_ms &&
	    (t->replica = db_open(r->replica_url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --db-read: %s\n", err);
		t->retry_ms = now + 1000;
	}
	if (t->replica == NULL)
		t->on_replica = 0;
	return t->replica;
}

int
readroute_own(struct readroute *r)
{
	struct rr_thread *t = pthread_getspecific(r->key);

	return t != NULL && t->own;
}

void
readroute_answered(struct readroute *r, struct http_request *req,
    struct http_response *res)
{
	struct rr_thread *t = pthread_getspecific(r->key);
	uint64_t lsn = UINT64_MAX;
	int64_t now;
	int standby, status = http_response_get_status(res);
	char err[512], cookie[200], value[COOKIE_HEX + 1], key[APIKEY_LEN];
	int64_t age;

	if (t == NULL)
		return;
	http_response_header(res, "X-Veche-Read", t->on_replica ? "replica" :
	    "primary");
	if (!t->writes || status >= 400)
		return;
	/* Unknown position: the client reads from the primary a while. */
	if (reader(&t->primary, r->primary_url, err, sizeof(err)) == -1 ||
	    position(&t->primary, &lsn, &standby, err, sizeof(err)) == -1) {
		fprintf(stderr, "veche: --db-read: the primary's position: %s\n",
		    err);
		lsn = UINT64_MAX;
	}
	now = clock_monotonic_ms();
	remember(r, 'a', http_request_remote(req), lsn, now);
	remember(r, 'k', api_key(req, key, sizeof(key)), lsn, now);
	age = (r->window_ms + 999) / 1000;
	cookie_sign(r, lsn, clock_now_ms() + age * 1000, value);
	snprintf(cookie, sizeof(cookie), READROUTE_COOKIE "=%s; Path=/; "
	    "Max-Age=%" PRId64 "; HttpOnly; SameSite=Lax", value, age);
	http_response_header(res, "Set-Cookie", cookie);
}
