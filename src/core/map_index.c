/*
 * map_index.c: the public map's clusters over an in-memory copy of what the
 * map filters on (map_index.h).  Reports sit in buckets, the grid's cells
 * at zoom BUCKET_ZOOM (about 330 by 180 m here), found by a hash of the
 * cell; a view reads the buckets it covers, so a street costs a street's
 * reports, not the city's.  Each bucket is in time order and keeps running
 * sums (count, latitude, longitude by status) every MARK_EVERY reports, so
 * a bucket wholly inside a view at zoom BUCKET_ZOOM or coarser, with no
 * service or agency filter, is counted for any period from two binary
 * searches and at most 2 * MARK_EVERY reports, not one by one.  Where each
 * report sits is kept by id (ids are dense: INTEGER PRIMARY KEY), so a
 * change is an overwrite; codes of services and agencies are interned as
 * small numbers.  A read-write lock (writers first) lets views run side by
 * side; catching up with the store takes the write lock, and only when
 * the store says something was committed since (store_changed).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/clock.h"
#include "core/map_index.h"
#include "store/store.h"

#define NO_CODE         0xffffu         /* no agency, or a code not interned */
#define MAX_CODES       4096            /* distinct service and agency codes */
#define BUCKET_ZOOM     14              /* buckets: the grid's cells there */
#define NO_BUCKET       UINT32_MAX
#define MARK_EVERY      32              /* reports between running sums */
#define FIX_BITS        32              /* Web Mercator in 2^-32 of the world */
#define DAY             86400
#define HINT_SPAN       3600            /* s: how long a bucket's hints serve */
#define HINTS           4

/*
 * The map's periods end now and start 7, 30 or 90 days before
 * (web_filters_read): where each starts and ends in a bucket is kept for
 * the current hour (hint_at), so a view finds its period's reports in a
 * bucket without a binary search over the whole bucket.
 */
static const int64_t hint_ago[HINTS] = { 0, 7 * DAY, 30 * DAY, 90 * DAY };

struct point {
	int64_t id;
	double lat, lon;
	int64_t requested;
	/*
	 * Web Mercator, 0 to 2^32 - 1: the cell at zoom z is x >> (30 - z),
	 * exactly what floor(merc * grid_scale(z)) gives, so buckets and
	 * views agree on every report's cell.
	 */
	uint32_t x, y;
	uint16_t service, agency;
	uint8_t status;
};

/* Sums of reports by status: how many, and their latitudes and longitudes. */
struct sums {
	double lat[STATUS__MAX], lon[STATUS__MAX];
	int64_t n[STATUS__MAX];
};

/*
 * The reports of one cell at BUCKET_ZOOM, oldest first (by time of
 * request, then id) once catch_up has sorted what came out of order, so a
 * view reads only its period's reports.  marks[k] sums pts[0 .. k *
 * MARK_EVERY), rebuilt by catch_up when the bucket changed (stale).
 */
struct bucket {
	int64_t cx, cy;
	struct point *pts;
	size_t n, cap;
	struct sums *marks;
	size_t nmarks;
	/* pts[hint_lo[k] .. hint_hi[k]): requested in [at, at + HINT_SPAN),
	 * at = the index's hint_at - hint_ago[k]. */
	uint32_t hint_lo[HINTS], hint_hi[HINTS];
	int unsorted;
	int stale;
};

/* Where a report sits: pts[idx] of buckets[bucket], or NO_BUCKET. */
struct loc {
	uint32_t bucket;
	uint32_t idx;
};

struct map_index {
	pthread_rwlock_t lock;
	struct loc *locs;               /* by id; cap entries */
	size_t cap;
	struct bucket *buckets;
	size_t nbuckets, bcap;
	uint32_t *slots;                /* hash of (cx, cy): bucket + 1, 0 free */
	size_t nslots;                  /* a power of two */
	int64_t max_id;                 /* the newest report read */
	int64_t max_updated;            /* the newest change read */
	int loaded;
	_Atomic int retry;              /* the last catch-up failed */
	_Atomic int64_t hint_at;        /* the hour of the buckets' hints; 0 */
	char (*codes)[VECHE_MAX_CODE + 1];
	size_t ncodes;
};

struct map_index *
map_index_new(void)
{
	struct map_index *m = calloc(1, sizeof(*m));
	pthread_rwlockattr_t attr;
	int rc;

	if (m == NULL)
		return NULL;
	/* Writers first: a catch-up is not starved by a stream of views. */
	if (pthread_rwlockattr_init(&attr) != 0) {
		free(m);
		return NULL;
	}
	pthread_rwlockattr_setkind_np(&attr,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&m->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if ((m->codes = calloc(MAX_CODES, sizeof(*m->codes))) == NULL ||
	    rc != 0) {
		if (rc == 0)
			pthread_rwlock_destroy(&m->lock);
		free(m->codes);
		free(m);
		return NULL;
	}
	return m;
}

void
map_index_free(struct map_index *m)
{
	if (m == NULL)
		return;
	pthread_rwlock_destroy(&m->lock);
	while (m->nbuckets > 0) {
		m->nbuckets--;
		free(m->buckets[m->nbuckets].pts);
		free(m->buckets[m->nbuckets].marks);
	}
	free(m->buckets);
	free(m->slots);
	free(m->codes);
	free(m->locs);
	free(m);
}

/* The number of code, interning it when add; NO_CODE if none. */
static uint16_t
code_of(struct map_index *m, const char *code, int add)
{
	size_t i;

	if (code == NULL || strlen(code) > VECHE_MAX_CODE)
		return NO_CODE;
	for (i = 0; i < m->ncodes; i++)
		if (strcmp(m->codes[i], code) == 0)
			return (uint16_t)i;
	if (!add || m->ncodes == MAX_CODES)
		return NO_CODE;
	memcpy(m->codes[m->ncodes], code, strlen(code) + 1);
	return (uint16_t)m->ncodes++;
}

static double
merc_x(double lon)
{
	return (lon + 180.0) / 360.0;
}

static double
merc_y(double lat)
{
	double r;

	if (lat > 85.0511)
		lat = 85.0511;
	if (lat < -85.0511)
		lat = -85.0511;
	r = lat * M_PI / 180.0;
	return (1.0 - log(tan(r) + 1.0 / cos(r)) / M_PI) / 2.0;
}

/* A Web Mercator coordinate (0 to 1) in 2^-FIX_BITS of the world. */
static uint32_t
fixed(double v)
{
	double f = floor(ldexp(v, FIX_BITS));

	return f < 0 ? 0 : f >= 4294967295.0 ? UINT32_MAX : (uint32_t)f;
}

/* A zoom's grid has 2^(zoom + CELL_BITS) cells a world side. */
#define CELL_BITS       2
_Static_assert(256 / VECHE_MAP_CELL_PX == 1 << CELL_BITS,
    "VECHE_MAP_CELL_PX: a tile side is 2^CELL_BITS cells");

/* The cell of fixed coordinate v at zoom (0 to VECHE_MAP_MAX_ZOOM). */
static int64_t
cell_at(uint32_t v, int zoom)
{
	return (int64_t)(v >> (FIX_BITS - CELL_BITS - zoom));
}

/* Cells per world side at zoom. */
static double
grid_scale(int zoom)
{
	return ldexp(256.0 / VECHE_MAP_CELL_PX, zoom);
}

/* The grid's cells covering a box: first column and row, and how many. */
struct grid {
	int64_t x0, y0, nx, ny;
	double scale;
};

static int
grid_of(double min_lat, double min_lon, double max_lat, double max_lon,
    int zoom, struct grid *g)
{
	g->scale = grid_scale(zoom);
	g->x0 = (int64_t)floor(merc_x(min_lon) * g->scale);
	g->y0 = (int64_t)floor(merc_y(max_lat) * g->scale);
	g->nx = (int64_t)floor(merc_x(max_lon) * g->scale) - g->x0 + 1;
	g->ny = (int64_t)floor(merc_y(min_lat) * g->scale) - g->y0 + 1;
	return g->nx > 0 && g->ny > 0 &&
	    g->nx * g->ny <= VECHE_MAP_MAX_CELLS ? 0 : -1;
}

int
map_view_check(double min_lat, double min_lon, double max_lat,
    double max_lon, int zoom, const char **field)
{
	struct grid g;

	*field = NULL;
	if (zoom < 0 || zoom > VECHE_MAP_MAX_ZOOM)
		*field = "zoom";
	else if (!(min_lat >= -90 && max_lat <= 90 && min_lon >= -180 &&
	    max_lon <= 180 && min_lat < max_lat && min_lon < max_lon) ||
	    grid_of(min_lat, min_lon, max_lat, max_lon, zoom, &g) == -1)
		*field = "bbox";
	return *field != NULL ? -1 : 0;
}

/* Make room for id's place; -1 when out of memory. */
static int
reserve(struct map_index *m, int64_t id)
{
	size_t cap = m->cap ? m->cap : 1024, i;
	struct loc *l;

	if (id < 0 || (uint64_t)id >= SIZE_MAX / sizeof(*l) / 2)
		return -1;
	if ((size_t)id < m->cap)
		return 0;
	while (cap <= (size_t)id)
		cap *= 2;
	if ((l = realloc(m->locs, cap * sizeof(*l))) == NULL)
		return -1;
	for (i = m->cap; i < cap; i++)
		l[i].bucket = NO_BUCKET;
	m->locs = l;
	m->cap = cap;
	return 0;
}

static size_t
slot_of(const struct map_index *m, int64_t cx, int64_t cy)
{
	uint64_t h = (uint64_t)cx * 0x9e3779b97f4a7c15u ^
	    (uint64_t)cy * 0xc2b2ae3d27d4eb4fu;

	return (size_t)(h ^ (h >> 29)) & (m->nslots - 1);
}

/* The bucket of cell (cx, cy), or NO_BUCKET. */
static uint32_t
bucket_find(const struct map_index *m, int64_t cx, int64_t cy)
{
	size_t i;

	if (m->nslots == 0)
		return NO_BUCKET;
	for (i = slot_of(m, cx, cy); m->slots[i] != 0;
	    i = (i + 1) & (m->nslots - 1)) {
		const struct bucket *b = &m->buckets[m->slots[i] - 1];

		if (b->cx == cx && b->cy == cy)
			return m->slots[i] - 1;
	}
	return NO_BUCKET;
}

/* Index every bucket in a table of n slots; -1 when out of memory. */
static int
rehash(struct map_index *m, size_t n)
{
	uint32_t *slots = calloc(n, sizeof(*slots));
	size_t b, i;

	if (slots == NULL)
		return -1;
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	for (b = 0; b < m->nbuckets; b++) {
		for (i = slot_of(m, m->buckets[b].cx, m->buckets[b].cy);
		    slots[i] != 0; i = (i + 1) & (n - 1))
			;
		slots[i] = (uint32_t)b + 1;
	}
	return 0;
}

/* The bucket of cell (cx, cy), made when missing; NO_BUCKET: no memory. */
static uint32_t
bucket_get(struct map_index *m, int64_t cx, int64_t cy)
{
	uint32_t b = bucket_find(m, cx, cy);
	struct bucket *nb;

	if (b != NO_BUCKET)
		return b;
	if (m->nbuckets == m->bcap) {
		size_t cap = m->bcap ? m->bcap * 2 : 64;

		if (cap >= NO_BUCKET ||
		    (nb = realloc(m->buckets, cap * sizeof(*nb))) == NULL)
			return NO_BUCKET;
		m->buckets = nb;
		m->bcap = cap;
	}
	memset(&m->buckets[m->nbuckets], 0, sizeof(*m->buckets));
	m->buckets[m->nbuckets].cx = cx;
	m->buckets[m->nbuckets].cy = cy;
	m->nbuckets++;
	/* At most half full: short probes. */
	if (rehash(m, m->nslots >= 2 * m->nbuckets ? m->nslots :
	    4 * m->bcap) == -1) {
		m->nbuckets--;
		return NO_BUCKET;
	}
	return (uint32_t)m->nbuckets - 1;
}

/* Whether a was requested before b (ties: the lower id). */
static int
older_point(const struct point *a, const struct point *b)
{
	return a->requested < b->requested ||
	    (a->requested == b->requested && a->id < b->id);
}

static int
point_cmp(const void *a, const void *b)
{
	return older_point(a, b) ? -1 : older_point(b, a) ? 1 : 0;
}

/* The first of pts[l .. h) of b requested at or after t (b in time order). */
static size_t
lower_bound(const struct bucket *b, size_t l, size_t h, int64_t t)
{
	size_t mid;

	while (l < h) {
		mid = l + (h - l) / 2;
		if (b->pts[mid].requested < t)
			l = mid + 1;
		else
			h = mid;
	}
	return l;
}

/* The first report of b requested at or after t, through the hints. */
static size_t
first_from(const struct bucket *b, int64_t hint_at, int64_t t)
{
	int k;

	for (k = 0; hint_at != 0 && k < HINTS; k++) {
		int64_t at = hint_at - hint_ago[k];

		if (t >= at && t < at + HINT_SPAN)
			return lower_bound(b, b->hint_lo[k], b->hint_hi[k], t);
	}
	return lower_bound(b, 0, b->n, t);
}

static void
hint(struct bucket *k, int64_t hint_at)
{
	int i;

	for (i = 0; i < HINTS; i++) {
		k->hint_lo[i] = (uint32_t)lower_bound(k, 0, k->n,
		    hint_at - hint_ago[i]);
		k->hint_hi[i] = (uint32_t)lower_bound(k, k->hint_lo[i], k->n,
		    hint_at - hint_ago[i] + HINT_SPAN);
	}
}

static void
sums_add(struct sums *s, const struct point *p)
{
	s->n[p->status]++;
	s->lat[p->status] += p->lat;
	s->lon[p->status] += p->lon;
}

/* The running sums of bucket k, every MARK_EVERY reports; -1: no memory. */
static int
mark(struct bucket *k)
{
	size_t n = k->n / MARK_EVERY + 1, i;
	struct sums run;

	if (n > k->nmarks) {
		struct sums *nm = realloc(k->marks, n * sizeof(*nm));

		if (nm == NULL)
			return -1;
		k->marks = nm;
	}
	k->nmarks = n;
	memset(&run, 0, sizeof(run));
	for (i = 0; i <= k->n; i++) {
		if (i % MARK_EVERY == 0)
			k->marks[i / MARK_EVERY] = run;
		if (i < k->n)
			sums_add(&run, &k->pts[i]);
	}
	k->stale = 0;
	return 0;
}

/*
 * Sort the buckets that came out of order, note where each report is, and
 * sum the changed ones again; -1: no memory (the bucket stays stale, and
 * views count its reports one by one).  The hints of the changed buckets,
 * or of all when hint_at moved, for hint_at.
 */
static int
sort_buckets(struct map_index *m, int64_t hint_at)
{
	size_t b, i;
	int rehint, rc = 0;

	if (hint_at < atomic_load(&m->hint_at))
		hint_at = atomic_load(&m->hint_at);
	rehint = hint_at != atomic_load(&m->hint_at);

	for (b = 0; b < m->nbuckets; b++) {
		struct bucket *k = &m->buckets[b];

		int changed = k->unsorted || k->stale;

		if (k->unsorted) {
			qsort(k->pts, k->n, sizeof(*k->pts), point_cmp);
			for (i = 0; i < k->n; i++)
				m->locs[k->pts[i].id].idx = (uint32_t)i;
			k->unsorted = 0;
		}
		if (hint_at != 0 && (rehint || changed))
			hint(k, hint_at);
		if (k->stale && mark(k) == -1)
			rc = -1;
	}
	atomic_store(&m->hint_at, hint_at);
	return rc;
}

/* Take report id out of its bucket (the bucket's last one fills its place). */
static void
unplace(struct map_index *m, int64_t id)
{
	struct loc *l = &m->locs[id];
	struct bucket *b;

	if (l->bucket == NO_BUCKET)
		return;
	b = &m->buckets[l->bucket];
	b->pts[l->idx] = b->pts[--b->n];
	m->locs[b->pts[l->idx].id].idx = l->idx;
	b->unsorted |= l->idx < b->n;
	b->stale = 1;
	l->bucket = NO_BUCKET;
}

/* Put p (id and place set) in the bucket of its cell; -1: no memory. */
static int
place(struct map_index *m, const struct point *p)
{
	int64_t cx = cell_at(p->x, BUCKET_ZOOM);
	int64_t cy = cell_at(p->y, BUCKET_ZOOM);
	struct loc *l = &m->locs[p->id];
	struct bucket *b;
	uint32_t bi;

	if (l->bucket != NO_BUCKET && m->buckets[l->bucket].cx == cx &&
	    m->buckets[l->bucket].cy == cy) {
		b = &m->buckets[l->bucket];
		b->unsorted |= b->pts[l->idx].requested != p->requested;
		b->pts[l->idx] = *p;
		b->stale = 1;
		return 0;
	}
	unplace(m, p->id);
	if ((bi = bucket_get(m, cx, cy)) == NO_BUCKET)
		return -1;
	b = &m->buckets[bi];
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct point *np = realloc(b->pts, cap * sizeof(*np));

		if (cap >= UINT32_MAX || np == NULL)
			return -1;
		b->pts = np;
		b->cap = cap;
	}
	b->unsorted |= b->n > 0 && older_point(p, &b->pts[b->n - 1]);
	b->stale = 1;
	b->pts[b->n] = *p;
	l->bucket = bi;
	l->idx = (uint32_t)b->n++;
	return 0;
}

static int
on_point(const struct report_point *rp, void *arg)
{
	struct map_index *m = arg;
	struct point p;

	if (reserve(m, rp->id) == -1)
		return -1;
	if (rp->id > m->max_id)
		m->max_id = rp->id;
	if (rp->updated > m->max_updated)
		m->max_updated = rp->updated;
	if (!rp->has_point || !(fabs(rp->lat) <= 90 && fabs(rp->lon) <= 180)) {
		unplace(m, rp->id);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.id = rp->id;
	p.lat = rp->lat;
	p.lon = rp->lon;
	p.x = fixed(merc_x(rp->lon));
	p.y = fixed(merc_y(rp->lat));
	p.requested = rp->requested;
	p.status = (unsigned)rp->status < STATUS__MAX ? (uint8_t)rp->status :
	    0;
	p.service = code_of(m, rp->service, 1);
	p.agency = code_of(m, rp->agency, 1);
	return place(m, &p);
}

/* The index's memory in bytes, and the reports and running sums in it. */
static size_t
index_bytes(const struct map_index *m, size_t *reports, size_t *marks)
{
	size_t b, n = sizeof(*m) + m->cap * sizeof(*m->locs) +
	    m->bcap * sizeof(*m->buckets) + m->nslots * sizeof(*m->slots) +
	    MAX_CODES * sizeof(*m->codes);

	*reports = *marks = 0;
	for (b = 0; b < m->nbuckets; b++) {
		n += m->buckets[b].cap * sizeof(struct point) +
		    m->buckets[b].nmarks * sizeof(struct sums);
		*reports += m->buckets[b].n;
		*marks += m->buckets[b].nmarks * sizeof(struct sums);
	}
	return n;
}

/*
 * Read what changed in the store since the last call, and hint the
 * buckets for the hour of now (0: no hints).
 */
static int
catch_up(struct map_index *m, struct store *s, int64_t now)
{
	int64_t since, clk, hint_at = now > 0 ? now - now % HINT_SPAN : 0;
	int rc, changed;

	/* Nothing committed since this connection last looked: the index
	 * already holds it (store_changed). */
	changed = atomic_load(&m->retry) ? 1 : store_changed(s);
	if (changed == -1)
		return -1;
	/* Hints move forward only: a view of the hour before (a thread that
	 * read the clock first) searches its buckets whole. */
	if (!changed && hint_at <= atomic_load(&m->hint_at))
		return 0;
	pthread_rwlock_wrlock(&m->lock);
	/*
	 * The first time every report comes by id: none by time.  Later,
	 * changes a few seconds behind the newest seen too, for a writer
	 * that took its time before another's later change committed; and
	 * never later than now: a change stamped after now (the clock was
	 * set back, or seeded data ahead of it) would otherwise hide every
	 * change made until then.  Open311 lists are read from here.
	 */
	clk = clock_now();
	since = m->loaded ? (m->max_updated < clk ? m->max_updated : clk) -
	    VECHE_MAP_RESCAN : INT64_MAX;
	rc = changed ? store_report_points(s, m->max_id, since, on_point, m) :
	    0;
	if (sort_buckets(m, hint_at) == -1)
		rc = -1;
	if (rc == 0 && !m->loaded) {
		size_t bytes, reports, marks;

		bytes = index_bytes(m, &reports, &marks);
		fprintf(stderr, "veche: map index: %zu reports in %zu buckets, "
		    "%.1f MB (running sums %.1f MB)\n", reports, m->nbuckets,
		    (double)bytes / 1048576.0, (double)marks / 1048576.0);
		m->loaded = 1;
	}
	atomic_store(&m->retry, rc != 0);
	pthread_rwlock_unlock(&m->lock);
	return rc == 0 ? 0 : -1;
}

/* The filters of a view as the index's numbers. */
struct filter {
	double min_lat, min_lon, max_lat, max_lon;
	int64_t start, end;
	unsigned status_mask;
	uint16_t services[8];
	size_t nservices;               /* 0: any */
	int any_agency;
	uint16_t agency;
	int none;                       /* a code no report has: nothing */
};

static void
filter_of(struct map_index *m, const struct report_query *q,
    struct filter *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->min_lat = q->min_lat;
	f->min_lon = q->min_lon;
	f->max_lat = q->max_lat;
	f->max_lon = q->max_lon;
	f->start = q->start ? q->start : INT64_MIN;
	f->end = q->end ? q->end : INT64_MAX;
	f->status_mask = q->status_mask ? q->status_mask : ~0u;
	for (i = 0; i < q->nservices; i++) {
		uint16_t c = code_of(m, q->services[i], 0);

		if (c != NO_CODE && f->nservices < 8)
			f->services[f->nservices++] = c;
	}
	if (q->nservices > 0 && f->nservices == 0)
		f->none = 1;
	f->any_agency = q->agency == NULL;
	if (!f->any_agency && (f->agency = code_of(m, q->agency, 0)) ==
	    NO_CODE)
		f->none = 1;
}

static int
matches(const struct filter *f, const struct point *p)
{
	size_t i;

	if (p->lat < f->min_lat || p->lat > f->max_lat ||
	    p->lon < f->min_lon || p->lon > f->max_lon ||
	    p->requested < f->start || p->requested > f->end ||
	    !((f->status_mask >> p->status) & 1) ||
	    (!f->any_agency && p->agency != f->agency))
		return 0;
	if (f->nservices == 0)
		return 1;
	for (i = 0; i < f->nservices; i++)
		if (p->service == f->services[i])
			return 1;
	return 0;
}

/*
 * The newest cap reports seen, a min-heap on (requested, id): the map's
 * VECHE_MAP_LIST for its list, or a page's offset + limit (map_index_page).
 */
struct newest {
	int64_t *id;
	int64_t *t;
	size_t n, cap;
};

static int
older(const struct newest *h, size_t a, size_t b)
{
	return h->t[a] < h->t[b] || (h->t[a] == h->t[b] && h->id[a] < h->id[b]);
}

static void
swap(struct newest *h, size_t a, size_t b)
{
	int64_t id = h->id[a], t = h->t[a];

	h->id[a] = h->id[b];
	h->t[a] = h->t[b];
	h->id[b] = id;
	h->t[b] = t;
}

/* Whether the heap is full and (t, id) is older than all it holds. */
static int
newest_below(const struct newest *h, int64_t id, int64_t t)
{
	return h->n == h->cap && (t < h->t[0] || (t == h->t[0] &&
	    id < h->id[0]));
}

static void
newest_add(struct newest *h, int64_t id, int64_t t)
{
	size_t i, c;

	if (h->n < h->cap) {
		i = h->n++;
		h->id[i] = id;
		h->t[i] = t;
		while (i > 0 && older(h, i, (i - 1) / 2)) {
			c = (i - 1) / 2;
			swap(h, i, c);
			i = c;
		}
		return;
	}
	if (newest_below(h, id, t))
		return;
	h->id[0] = id;
	h->t[0] = t;
	for (i = 0; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && older(h, c + 1, c))
			c++;
		if (!older(h, c, i))
			break;
		swap(h, i, c);
	}
}

/* The grid's running sums. */
struct cell {
	int64_t count;
	double lat, lon;
	int64_t by_status[STATUS__MAX];
};

/* Turn the cells with reports into out->clusters. */
static int
clusters_of(const struct cell *cells, size_t ncells, struct map_result *out)
{
	size_t i, n = 0;

	for (i = 0; i < ncells; i++)
		n += cells[i].count > 0;
	if (n > 0 && (out->clusters = calloc(n, sizeof(*out->clusters))) ==
	    NULL)
		return -1;
	for (i = 0; i < ncells; i++) {
		struct map_cluster *c;

		if (cells[i].count == 0)
			continue;
		c = &out->clusters[out->nclusters++];
		c->count = cells[i].count;
		c->lat = cells[i].lat / (double)cells[i].count;
		c->lon = cells[i].lon / (double)cells[i].count;
		memcpy(c->by_status, cells[i].by_status,
		    sizeof(c->by_status));
	}
	return 0;
}

/* Where a view counts: its filter and grid, its cells, the newest. */
struct tally {
	const struct filter *f;
	const struct grid *g;
	int zoom;
	int64_t hint_at;                /* the buckets' hints' hour, or 0 */
	struct cell *cells;
	struct newest newest;
	struct map_result *out;
};

/* The view's cell of fixed point (x, y), the nearest when outside. */
static struct cell *
cell_of(struct tally *t, uint32_t x, uint32_t y)
{
	int64_t cx = cell_at(x, t->zoom) - t->g->x0;
	int64_t cy = cell_at(y, t->zoom) - t->g->y0;

	/* A report on the box's edge whose cell rounds outside the grid. */
	cx = cx < 0 ? 0 : cx >= t->g->nx ? t->g->nx - 1 : cx;
	cy = cy < 0 ? 0 : cy >= t->g->ny ? t->g->ny - 1 : cy;
	return &t->cells[cy * t->g->nx + cx];
}

/* pts[*lo .. *hi) of b: its reports of f's period (b is in time order). */
static void
period_of(const struct bucket *b, const struct filter *f, int64_t hint_at,
    size_t *lo, size_t *hi)
{
	*lo = f->start == INT64_MIN ? 0 : first_from(b, hint_at, f->start);
	*hi = f->end == INT64_MAX ? b->n : first_from(b, hint_at, f->end + 1);
	if (*hi < *lo)
		*hi = *lo;
}

static void
count_point(struct tally *t, const struct point *p)
{
	struct cell *c = cell_of(t, p->x, p->y);

	if (t->out->total < VECHE_MAP_POINTS)
		t->out->ids[t->out->nids++] = p->id;
	t->out->total++;
	newest_add(&t->newest, p->id, p->requested);
	c->count++;
	c->lat += p->lat;
	c->lon += p->lon;
	c->by_status[p->status]++;
}

/* Count the reports of bucket b that match the filter, one by one. */
static void
count_bucket(struct tally *t, const struct bucket *b)
{
	size_t lo, hi, i;

	period_of(b, t->f, t->hint_at, &lo, &hi);
	for (i = lo; i < hi; i++)
		if (matches(t->f, &b->pts[i]))
			count_point(t, &b->pts[i]);
}

/* Add the sums of b->pts[lo .. hi) to s: the marks between, the ends
 * one by one. */
static void
sums_range(const struct bucket *b, size_t lo, size_t hi, struct sums *s)
{
	size_t k1, k2, i;
	int st;

	if (hi - lo < 2 * MARK_EVERY) {
		for (i = lo; i < hi; i++)
			sums_add(s, &b->pts[i]);
		return;
	}
	k1 = (lo + MARK_EVERY - 1) / MARK_EVERY;
	k2 = hi / MARK_EVERY;
	for (i = lo; i < k1 * MARK_EVERY; i++)
		sums_add(s, &b->pts[i]);
	for (st = 0; st < STATUS__MAX; st++) {
		s->n[st] += b->marks[k2].n[st] - b->marks[k1].n[st];
		s->lat[st] += b->marks[k2].lat[st] - b->marks[k1].lat[st];
		s->lon[st] += b->marks[k2].lon[st] - b->marks[k1].lon[st];
	}
	for (i = k2 * MARK_EVERY; i < hi; i++)
		sums_add(s, &b->pts[i]);
}

/*
 * Count bucket b, wholly inside the view's box at the bucket's zoom or a
 * coarser one (so in one of its cells) with no service or agency filter,
 * from its running sums.  Its reports are read one by one only while the
 * view may list them all (VECHE_MAP_POINTS) and for the newest.
 */
static void
count_whole(struct tally *t, const struct bucket *b)
{
	struct map_result *out = t->out;
	unsigned mask = t->f->status_mask;
	struct newest *h = &t->newest;
	struct sums s;
	struct cell *c;
	size_t lo, hi, i;
	int64_t n = 0;
	int st;

	period_of(b, t->f, t->hint_at, &lo, &hi);
	if (lo == hi)
		return;
	memset(&s, 0, sizeof(s));
	sums_range(b, lo, hi, &s);
	c = cell_of(t, b->pts[lo].x, b->pts[lo].y);
	for (st = 0; st < STATUS__MAX; st++) {
		if (!((mask >> st) & 1))
			continue;
		c->by_status[st] += s.n[st];
		c->lat += s.lat[st];
		c->lon += s.lon[st];
		n += s.n[st];
	}
	c->count += n;
	/* nids is min(total, VECHE_MAP_POINTS): the first ones listed. */
	for (i = lo; i < hi && out->nids < VECHE_MAP_POINTS; i++)
		if ((mask >> b->pts[i].status) & 1)
			out->ids[out->nids++] = b->pts[i].id;
	out->total += n;
	/* The newest, from the period's end back to the heap's oldest. */
	for (i = hi; i-- > lo;) {
		const struct point *p = &b->pts[i];

		if (!((mask >> p->status) & 1))
			continue;
		if (h->n == h->cap && (p->requested < h->t[0] ||
		    (p->requested == h->t[0] && p->id < h->id[0])))
			break;
		newest_add(h, p->id, p->requested);
	}
}

/* The buckets of a view: those it touches, those wholly inside. */
struct reach {
	int64_t x0, y0, x1, y1;         /* touched, one more all round */
	int64_t ix0, iy0, ix1, iy1;     /* wholly inside the box */
};

static void
reach_of(const struct report_query *q, struct reach *r)
{
	double bs = grid_scale(BUCKET_ZOOM);
	int64_t w = (int64_t)floor(merc_x(q->min_lon) * bs);
	int64_t e = (int64_t)floor(merc_x(q->max_lon) * bs);
	int64_t n = (int64_t)floor(merc_y(q->max_lat) * bs);
	int64_t s = (int64_t)floor(merc_y(q->min_lat) * bs);

	/* The margin only absorbs rounding: each report's box test decides. */
	r->x0 = w - 1;
	r->x1 = e + 1;
	r->y0 = n - 1;
	r->y1 = s + 1;
	r->ix0 = w + 1;
	r->ix1 = e - 1;
	r->iy0 = n + 1;
	r->iy1 = s - 1;
}

static void
count_view(struct tally *t, const struct reach *r, const struct bucket *b)
{
	if (t->zoom <= BUCKET_ZOOM && t->f->nservices == 0 &&
	    t->f->any_agency && !b->stale && b->cx >= r->ix0 &&
	    b->cx <= r->ix1 && b->cy >= r->iy0 && b->cy <= r->iy1)
		count_whole(t, b);
	else
		count_bucket(t, b);
}

/*
 * The first and last cell at BUCKET_ZOOM of the coordinates lo to hi
 * (scaled: cells from 0), one more at an end within a millionth of a cell
 * of a cell's edge: the rounding of the buckets' own Mercator cannot put
 * a report of the box past that (each report's box test decides).
 */
static void
cell_span(double lo, double hi, int64_t *first, int64_t *last)
{
	double f = floor(lo), l = floor(hi);

	*first = (int64_t)f - (lo - f < 1e-6);
	*last = (int64_t)l + (l + 1 - hi < 1e-6);
}

/*
 * fn for each bucket the box of q covers (cell_span), or for every bucket
 * when the box covers more cells than there are buckets.  The caller
 * holds the lock.
 */
static void
each_bucket(const struct map_index *m, const struct report_query *q,
    void (*fn)(const struct bucket *, void *), void *arg)
{
	double scale = grid_scale(BUCKET_ZOOM);
	int64_t x0, x1, y0, y1, bx, by;
	size_t i;

	cell_span(merc_x(q->min_lon) * scale, merc_x(q->max_lon) * scale, &x0,
	    &x1);
	/* Mercator's y grows southwards. */
	cell_span(merc_y(q->max_lat) * scale, merc_y(q->min_lat) * scale, &y0,
	    &y1);
	if ((double)(x1 - x0 + 1) * (double)(y1 - y0 + 1) >
	    (double)m->nbuckets) {
		for (i = 0; i < m->nbuckets; i++)
			fn(&m->buckets[i], arg);
		return;
	}
	for (by = y0; by <= y1; by++)
		for (bx = x0; bx <= x1; bx++) {
			uint32_t b = bucket_find(m, bx, by);

			if (b != NO_BUCKET)
				fn(&m->buckets[b], arg);
		}
}

int
map_index_view(struct map_index *m, struct store *s,
    const struct report_query *q, int zoom, struct map_result *out)
{
	int64_t nid[VECHE_MAP_LIST], nt[VECHE_MAP_LIST];
	struct tally t;
	struct filter f;
	struct grid g;
	struct reach r;
	const char *field;
	int64_t bx, by;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (!q->has_bbox || map_view_check(q->min_lat, q->min_lon, q->max_lat,
	    q->max_lon, zoom, &field) == -1)
		return -1;
	grid_of(q->min_lat, q->min_lon, q->max_lat, q->max_lon, zoom, &g);
	if (catch_up(m, s, q->end) == -1)
		return -1;
	t.f = &f;
	t.g = &g;
	t.zoom = zoom;
	t.out = out;
	if ((t.cells = calloc((size_t)(g.nx * g.ny), sizeof(*t.cells))) ==
	    NULL || (out->ids = calloc(VECHE_MAP_POINTS, sizeof(*out->ids))) ==
	    NULL)
		goto out;
	t.newest = (struct newest){ nid, nt, 0, VECHE_MAP_LIST };
	reach_of(q, &r);
	pthread_rwlock_rdlock(&m->lock);
	t.hint_at = atomic_load(&m->hint_at);
	filter_of(m, q, &f);
	if (f.none) {
		/* A service or agency no report has: nothing to count. */
	} else if ((double)(r.x1 - r.x0 + 1) * (double)(r.y1 - r.y0 + 1) >
	    (double)m->nbuckets) {
		/* More cells than buckets: every bucket. */
		for (i = 0; i < m->nbuckets; i++)
			if (m->buckets[i].cx >= r.x0 &&
			    m->buckets[i].cx <= r.x1 &&
			    m->buckets[i].cy >= r.y0 &&
			    m->buckets[i].cy <= r.y1)
				count_view(&t, &r, &m->buckets[i]);
	} else {
		for (by = r.y0; by <= r.y1; by++)
			for (bx = r.x0; bx <= r.x1; bx++) {
				uint32_t b = bucket_find(m, bx, by);

				if (b != NO_BUCKET)
					count_view(&t, &r, &m->buckets[b]);
			}
	}
	pthread_rwlock_unlock(&m->lock);
	out->all = out->total <= VECHE_MAP_POINTS;
	if (!out->all) {
		memcpy(out->ids, t.newest.id, t.newest.n * sizeof(*out->ids));
		out->nids = t.newest.n;
		if (clusters_of(t.cells, (size_t)(g.nx * g.ny), out) == -1)
			goto out;
	}
	rc = 0;
out:
	free(t.cells);
	if (rc == -1)
		map_result_free(out);
	return rc;
}

/*
 * A page is a merge of the covered buckets, each newest first: a cursor
 * per bucket on its newest report of the period not yet taken, in a heap
 * by (requested, id), newest on top.  The page's reports come off the top
 * in order and the merge stops at offset + limit, so a page reads the
 * reports newer than its last one, not offset + limit in every bucket and
 * then a sort (issue 11: at a million reports a dense box covers 30
 * buckets of thousands).
 */
struct cursor {
	int64_t t, id;                  /* pts[i - 1]'s: the heap's key */
	const struct point *pts;        /* the bucket's */
	size_t lo, i;                   /* pts[lo .. i) still to read, i > lo */
};

struct paging {
	const struct filter *f;
	int64_t hint_at;
	struct cursor *c;               /* a heap on c[k].pts[c[k].i - 1] */
	size_t n, cap;
	int failed;                     /* out of memory */
};

/* Whether cursor a's next report is newer than b's (keys kept in the
 * heap: a sift reads no bucket). */
static int
newer_cursor(const struct cursor *a, const struct cursor *b)
{
	return a->t > b->t || (a->t == b->t && a->id > b->id);
}

/* The key of c's next report. */
static void
cursor_key(struct cursor *c)
{
	c->t = c->pts[c->i - 1].requested;
	c->id = c->pts[c->i - 1].id;
}

static void
cursor_sift_down(struct paging *k, size_t i)
{
	struct cursor t;
	size_t c;

	for (; (c = 2 * i + 1) < k->n; i = c) {
		if (c + 1 < k->n && newer_cursor(&k->c[c + 1], &k->c[c]))
			c++;
		if (!newer_cursor(&k->c[c], &k->c[i]))
			break;
		t = k->c[i];
		k->c[i] = k->c[c];
		k->c[c] = t;
	}
}

/* each_bucket's fn: a cursor on bucket b's period, when it has one. */
static void
page_bucket(const struct bucket *b, void *arg)
{
	struct paging *k = arg;
	struct cursor c;

	if (k->failed)
		return;
	period_of(b, k->f, k->hint_at, &c.lo, &c.i);
	c.pts = b->pts;
	if (c.i == c.lo)
		return;
	cursor_key(&c);
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct cursor *nc = realloc(k->c, cap * sizeof(*nc));

		if (nc == NULL) {
			k->failed = 1;
			return;
		}
		k->c = nc;
		k->cap = cap;
	}
	k->c[k->n++] = c;
}

/* Whether the index answers q (map_index.h, map_index_page). */
static int
pages(const struct report_query *q)
{
	return q->has_bbox && !q->has_radius && q->nids == 0 &&
	    q->nservices == 0 && q->agency == NULL && q->text == NULL &&
	    q->updated_after == 0 && q->updated_before == 0 &&
	    q->after_id == 0 && q->order == ORDER_REQUESTED_DESC &&
	    q->limit > 0 && q->limit <= VECHE_MAP_PAGE_MAX &&
	    q->offset <= VECHE_MAP_PAGE_MAX - q->limit &&
	    q->min_lat >= -90 && q->max_lat <= 90 && q->min_lon >= -180 &&
	    q->max_lon <= 180 && q->min_lat <= q->max_lat &&
	    q->min_lon <= q->max_lon;
}

int
map_index_page(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, size_t *nids)
{
	struct paging k;
	struct filter f;
	size_t seen = 0, i;
	int rc = -1;

	*ids = NULL;
	*nids = 0;
	if (!pages(q))
		return 1;
	/* The hour's hints find each bucket's period (the map's periods and
	 * the Open311 default window both end now). */
	if (catch_up(m, s, clock_now()) == -1)
		return -1;
	memset(&k, 0, sizeof(k));
	if ((*ids = calloc(q->limit, sizeof(**ids))) == NULL)
		return -1;
	k.f = &f;
	pthread_rwlock_rdlock(&m->lock);
	k.hint_at = atomic_load(&m->hint_at);
	filter_of(m, q, &f);
	each_bucket(m, q, page_bucket, &k);
	for (i = k.n / 2; i-- > 0;)
		cursor_sift_down(&k, i);
	/* A report that does not match (outside the box: the buckets
	 * round it; another status) is passed over as it comes: only those
	 * newer than the page's last are read. */
	while (!k.failed && k.n > 0 && *nids < q->limit) {
		struct cursor *top = &k.c[0];
		const struct point *p = &top->pts[--top->i];

		if (matches(&f, p) && seen++ >= q->offset)
			(*ids)[(*nids)++] = p->id;
		if (top->i == top->lo)
			k.c[0] = k.c[--k.n];
		else
			cursor_key(top);
		cursor_sift_down(&k, 0);
	}
	pthread_rwlock_unlock(&m->lock);
	rc = k.failed ? -1 : 0;
	free(k.c);
	if (rc == -1 || *nids == 0) {
		free(*ids);
		*ids = NULL;
		*nids = 0;
	}
	return rc;
}

void
map_result_free(struct map_result *r)
{
	if (r == NULL)
		return;
	free(r->clusters);
	free(r->ids);
	memset(r, 0, sizeof(*r));
}
