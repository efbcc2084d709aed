/*
 * map_index.c: the public map's clusters over an in-memory copy of what the
 * map filters on (map_index.h).  Reports sit in buckets, the grid's cells
 * at zoom BUCKET_ZOOM (about 2 by 1 km here), found by a hash of the cell;
 * a view reads the buckets it covers, so a street costs a street's
 * reports, not the city's.  Where each report sits is kept by id (ids are
 * dense: INTEGER PRIMARY KEY), so a change is an overwrite; codes of
 * services and agencies are interned as small numbers.  A read-write lock
 * lets views run side by side; catching up with the store takes the write
 * lock.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/clock.h"
#include "core/map_index.h"
#include "store/store.h"

#define NO_CODE         0xffffu         /* no agency, or a code not interned */
#define MAX_CODES       4096            /* distinct service and agency codes */
#define BUCKET_ZOOM     12              /* buckets: the grid's cells there */
#define NO_BUCKET       UINT32_MAX

struct point {
	int64_t id;
	double lat, lon;
	int64_t requested;
	float x, y;                     /* Web Mercator, 0 to 1 */
	uint16_t service, agency;
	uint8_t status;
};

/*
 * The reports of one cell at BUCKET_ZOOM, oldest first (by time of
 * request, then id) once catch_up has sorted what came out of order, so a
 * view reads only its period's reports.
 */
struct bucket {
	int64_t cx, cy;
	struct point *pts;
	size_t n, cap;
	int unsorted;
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
	char (*codes)[VECHE_MAX_CODE + 1];
	size_t ncodes;
};

struct map_index *
map_index_new(void)
{
	struct map_index *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if ((m->codes = calloc(MAX_CODES, sizeof(*m->codes))) == NULL ||
	    pthread_rwlock_init(&m->lock, NULL) != 0) {
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
	while (m->nbuckets > 0)
		free(m->buckets[--m->nbuckets].pts);
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

/* Sort the buckets that came out of order, and note where each report is. */
static void
sort_buckets(struct map_index *m)
{
	size_t b, i;

	for (b = 0; b < m->nbuckets; b++) {
		struct bucket *k = &m->buckets[b];

		if (!k->unsorted)
			continue;
		qsort(k->pts, k->n, sizeof(*k->pts), point_cmp);
		for (i = 0; i < k->n; i++)
			m->locs[k->pts[i].id].idx = (uint32_t)i;
		k->unsorted = 0;
	}
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
	l->bucket = NO_BUCKET;
}

/* Put p (id and place set) in the bucket of its cell; -1: no memory. */
static int
place(struct map_index *m, const struct point *p)
{
	double scale = grid_scale(BUCKET_ZOOM);
	int64_t cx = (int64_t)floor(merc_x(p->lon) * scale);
	int64_t cy = (int64_t)floor(merc_y(p->lat) * scale);
	struct loc *l = &m->locs[p->id];
	struct bucket *b;
	uint32_t bi;

	if (l->bucket != NO_BUCKET && m->buckets[l->bucket].cx == cx &&
	    m->buckets[l->bucket].cy == cy) {
		b = &m->buckets[l->bucket];
		b->unsorted |= b->pts[l->idx].requested != p->requested;
		b->pts[l->idx] = *p;
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
	p.x = (float)merc_x(rp->lon);
	p.y = (float)merc_y(rp->lat);
	p.requested = rp->requested;
	p.status = (unsigned)rp->status < STATUS__MAX ? (uint8_t)rp->status :
	    0;
	p.service = code_of(m, rp->service, 1);
	p.agency = code_of(m, rp->agency, 1);
	return place(m, &p);
}

/* Read what changed in the store since the last call. */
static int
catch_up(struct map_index *m, struct store *s)
{
	int64_t since, now = clock_now();
	int rc;

	pthread_rwlock_wrlock(&m->lock);
	/*
	 * The first time every report comes by id: none by time.  Later,
	 * changes a few seconds behind the newest seen too, for a writer
	 * that took its time before another's later change committed; and
	 * never later than now: a change stamped after now (the clock was
	 * set back, or seeded data ahead of it) would otherwise hide every
	 * change made until then.  Open311 lists are read from here.
	 */
	since = m->loaded ? (m->max_updated < now ? m->max_updated : now) -
	    VECHE_MAP_RESCAN : INT64_MAX;
	rc = store_report_points(s, m->max_id, since, on_point, m);
	sort_buckets(m);
	if (rc == 0)
		m->loaded = 1;
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

/* What count_bucket counts into. */
struct counting {
	const struct filter *f;
	const struct grid *g;
	struct cell *cells;
	struct newest *newest;
	struct map_result *out;
};

/* The first report of bucket b requested at or after t (time order). */
static size_t
first_at(const struct bucket *b, int64_t t)
{
	size_t lo = 0, hi = b->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->pts[mid].requested < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Count the reports of bucket b that match the view into its cells. */
static void
count_bucket(const struct bucket *b, void *arg)
{
	struct counting *k = arg;
	const struct filter *f = k->f;
	const struct grid *g = k->g;
	struct map_result *out = k->out;
	int64_t cx, cy;
	size_t i;

	for (i = first_at(b, f->start); i < b->n &&
	    b->pts[i].requested <= f->end; i++) {
		const struct point *p = &b->pts[i];
		struct cell *c;

		if (!matches(f, p))
			continue;
		if (out->total < VECHE_MAP_POINTS)
			out->ids[out->nids++] = p->id;
		out->total++;
		newest_add(k->newest, p->id, p->requested);
		cx = (int64_t)floor(p->x * g->scale) - g->x0;
		cy = (int64_t)floor(p->y * g->scale) - g->y0;
		/* A float's rounding at a cell's edge: the nearest cell. */
		cx = cx < 0 ? 0 : cx >= g->nx ? g->nx - 1 : cx;
		cy = cy < 0 ? 0 : cy >= g->ny ? g->ny - 1 : cy;
		c = &k->cells[cy * g->nx + cx];
		c->count++;
		c->lat += p->lat;
		c->lon += p->lon;
		c->by_status[p->status]++;
	}
}

/*
 * fn for each bucket the box of q covers, one more all round (the box
 * test of each report decides; the margin only absorbs rounding), or for
 * every bucket when the box covers more cells than there are buckets.
 * The caller holds the lock.
 */
static void
each_bucket(const struct map_index *m, const struct report_query *q,
    void (*fn)(const struct bucket *, void *), void *arg)
{
	struct grid bg;
	int64_t bx, by;
	size_t i;

	bg.scale = grid_scale(BUCKET_ZOOM);
	bg.x0 = (int64_t)floor(merc_x(q->min_lon) * bg.scale) - 1;
	bg.y0 = (int64_t)floor(merc_y(q->max_lat) * bg.scale) - 1;
	bg.nx = (int64_t)floor(merc_x(q->max_lon) * bg.scale) + 2 - bg.x0;
	bg.ny = (int64_t)floor(merc_y(q->min_lat) * bg.scale) + 2 - bg.y0;
	if ((double)bg.nx * (double)bg.ny > (double)m->nbuckets) {
		for (i = 0; i < m->nbuckets; i++)
			fn(&m->buckets[i], arg);
		return;
	}
	for (by = bg.y0; by < bg.y0 + bg.ny; by++)
		for (bx = bg.x0; bx < bg.x0 + bg.nx; bx++) {
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
	struct newest newest = { nid, nt, 0, VECHE_MAP_LIST };
	struct cell *cells = NULL;
	struct counting k;
	struct filter f;
	struct grid g;
	const char *field;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!q->has_bbox || map_view_check(q->min_lat, q->min_lon, q->max_lat,
	    q->max_lon, zoom, &field) == -1)
		return -1;
	grid_of(q->min_lat, q->min_lon, q->max_lat, q->max_lon, zoom, &g);
	if (catch_up(m, s) == -1)
		return -1;
	if ((cells = calloc((size_t)(g.nx * g.ny), sizeof(*cells))) == NULL ||
	    (out->ids = calloc(VECHE_MAP_POINTS, sizeof(*out->ids))) == NULL)
		goto out;
	k = (struct counting){ &f, &g, cells, &newest, out };
	pthread_rwlock_rdlock(&m->lock);
	filter_of(m, q, &f);
	/* A service or agency no report has: nothing to count. */
	if (!f.none)
		each_bucket(m, q, count_bucket, &k);
	pthread_rwlock_unlock(&m->lock);
	out->all = out->total <= VECHE_MAP_POINTS;
	if (!out->all) {
		memcpy(out->ids, newest.id, newest.n * sizeof(*out->ids));
		out->nids = newest.n;
		if (clusters_of(cells, (size_t)(g.nx * g.ny), out) == -1)
			goto out;
	}
	rc = 0;
out:
	free(cells);
	if (rc == -1)
		map_result_free(out);
	return rc;
}

/* What page_bucket keeps: the newest offset + limit matching reports. */
struct paging {
	const struct filter *f;
	struct newest *newest;
};

/*
 * The reports of bucket b that match, newest first, into the heap, until
 * the heap is full and the bucket's next report is older than all it
 * holds (every report after it is older still).
 */
static void
page_bucket(const struct bucket *b, void *arg)
{
	struct paging *k = arg;
	size_t i = first_at(b, k->f->end == INT64_MAX ? INT64_MAX :
	    k->f->end + 1);

	while (i-- > 0) {
		const struct point *p = &b->pts[i];

		if (p->requested < k->f->start ||
		    newest_below(k->newest, p->id, p->requested))
			break;
		if (matches(k->f, p))
			newest_add(k->newest, p->id, p->requested);
	}
}

/* Newest first: (requested, id) descending. */
static int
pair_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? 1 : -1;
	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0;
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
	struct newest newest = { NULL, NULL, 0, 0 };
	struct paging k;
	struct filter f;
	int64_t *pairs = NULL;
	size_t i;
	int rc = -1;

	*ids = NULL;
	*nids = 0;
	if (!pages(q))
		return 1;
	if (catch_up(m, s) == -1)
		return -1;
	newest.cap = q->offset + q->limit;
	if ((newest.id = calloc(newest.cap, sizeof(int64_t))) == NULL ||
	    (newest.t = calloc(newest.cap, sizeof(int64_t))) == NULL)
		goto out;
	k = (struct paging){ &f, &newest };
	pthread_rwlock_rdlock(&m->lock);
	filter_of(m, q, &f);
	each_bucket(m, q, page_bucket, &k);
	pthread_rwlock_unlock(&m->lock);
	rc = 0;
	if (newest.n <= q->offset)
		goto out;
	if ((pairs = calloc(newest.n, 2 * sizeof(int64_t))) == NULL) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < newest.n; i++) {
		pairs[2 * i] = newest.t[i];
		pairs[2 * i + 1] = newest.id[i];
	}
	qsort(pairs, newest.n, 2 * sizeof(int64_t), pair_cmp);
	/* The heap's id array is as long as the page: the answer. */
	for (i = q->offset; i < newest.n; i++)
		newest.id[(*nids)++] = pairs[2 * i + 1];
	*ids = newest.id;
	newest.id = NULL;
out:
	free(pairs);
	free(newest.t);
	free(newest.id);
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
