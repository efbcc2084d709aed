/*
 * map_index.c: the public map's clusters over an in-memory copy of what the
 * map filters on (map_index.h).  Reports sit in buckets, the grid's cells
 * at zoom BUCKET_ZOOM (about 330 by 180 m here), found by a hash of the
 * cell; a view reads the buckets it covers, so a street costs a street's
 * reports, not the city's.  Each bucket is in time order and keeps running
 * sums (count, latitude, longitude by status) every MARK_EVERY reports, so
 * a bucket wholly inside a view at zoom BUCKET_ZOOM or coarser, with no
 * service or agency filter, is counted for any period from two binary
 * searches and at most 2 * MARK_EVERY reports, not one by one.  For the
 * map's standing periods (the last 7, 30 or 90 days) each bucket also keeps
 * their sums, for itself and each of its 16 cells at BUCKET_ZOOM + 2, at
 * one second (win_at) that the first view of a later second moves on
 * (under the read lock alone until a report would leave or come:
 * win_until): a view counts every cell its box holds from one sum, and
 * reads only the reports of the cells its edge cuts: a cell with no
 * report on the unit of the box's edge is held whole (the rims), so a
 * box snapped to the view's grid, as the map page asks, reads none
 * (issue 11).  Its 2 x 2 cells at BUCKET_ZOOM + 1 (quads) keep the
 * periods' sums too.  Where
 * each report sits is kept by id (ids are dense: INTEGER PRIMARY KEY), so
 * a change is an overwrite; codes of services and agencies are interned
 * as small numbers, addresses once per text, so the map's list is written
 * from the index too.  The
 * cells of zooms BUCKET_ZOOM - 1 and - 2 sum their buckets' periods.  A
 * read-write lock (writers first) lets views run side by side; catching
 * up with the store takes the write lock, and only when the store says
 * something was committed since (store_changed), or a view's second is
 * past the periods'.
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
#define NO_ADDRESS      UINT32_MAX      /* a report without an address */
#define MAX_CODES       4096            /* distinct service and agency codes */
#define BUCKET_ZOOM     14              /* buckets: the grid's cells there */
#define NO_BUCKET       UINT32_MAX
#define MARK_EVERY      32              /* reports between running sums */
#define FIX_BITS        32              /* Web Mercator in 2^-32 of the world */
#define DAY             86400
#define HINT_SPAN       3600            /* s: how long a bucket's hints serve */
#define HINTS           4
#define WINDOWS         (HINTS - 1)     /* standing periods: 7, 30, 90 days */
#define SUB_BITS        2               /* a bucket's cells: BUCKET_ZOOM + 2 */
#define SUBS            (1 << (2 * SUB_BITS))
#define QUADS           4               /* its 2 x 2 cells at + 1 */
#define WIN_SKEW        2               /* s: a view's clock behind windows' */
#define E7              1e7             /* sums of degrees in 10^-7 */
#define LEVELS          2               /* coarser: BUCKET_ZOOM - 1 and - 2 */

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
	uint32_t address;               /* the index's addresses[], NO_ADDRESS */
	uint16_t service, agency;
	uint8_t status;
	int8_t fixed;                   /* the reporter's answer; -1: none */
};

/* Sums of reports by status: how many, and their latitudes and longitudes. */
struct sums {
	double lat[STATUS__MAX], lon[STATUS__MAX];
	int64_t n[STATUS__MAX];
};

/*
 * A standing period's reports in a cell: how many by status, and the sums
 * of their latitudes and longitudes in 10^-7 degrees (integers: a report
 * leaving the period takes away exactly what it brought), what a view
 * without a status filter reads; by status in struct wstat beside it.
 */
struct wsum {
	int64_t lat, lon;
	int32_t n[STATUS__MAX];
};

struct wstat {
	int64_t lat[STATUS__MAX], lon[STATUS__MAX];
};

/*
 * The reports of one cell at BUCKET_ZOOM, oldest first (by time of
 * request, then id) once catch_up has sorted what came out of order, so a
 * view reads only its period's reports.  marks[k] sums pts[0 .. k *
 * MARK_EVERY), rebuilt by catch_up when the bucket changed (stale).
 */
struct bucket {
	/* What a view reads of every bucket first, together. */
	int64_t cx, cy;
	/*
	 * The standing periods at the index's win_at: window k is pts[win_lo[k]
	 * .. win_hi), requested from win_at - hint_ago[k + 1] to win_at; its
	 * sums are the index's whole[bucket * WINDOWS + k], its 4 cells' at
	 * BUCKET_ZOOM + 1 win[WINDOWS * SUBS + k * QUADS + quad_of], and its
	 * 16 cells'
	 * at BUCKET_ZOOM + SUB_BITS win[k * SUBS + sub_of].  The newest of
	 * them is (last_t, last_id).  Valid when win_ok and not stale.
	 */
	int64_t last_t, last_id;
	uint32_t win_lo[WINDOWS], win_hi;
	int win_ok;
	int stale;
	/*
	 * Which of its 16 cells hold a report on their rim (rim_of), four
	 * bits a cell, kept with the windows (of every report, not only the
	 * windows'): a cell without one on a side is a unit narrower there.
	 */
	uint64_t rim;
	unsigned brim;                  /* the same for the bucket's sides */
	struct point *pts;
	uint8_t *subs;                  /* sub_of each report, in the windows */
	struct wsum *win;
	struct wstat *win_st;
	size_t n, cap;
	struct sums *marks;
	size_t nmarks;
	/* pts[hint_lo[k] .. hint_hi[k]): requested in [at, at + HINT_SPAN),
	 * at = the index's hint_at - hint_ago[k]. */
	uint32_t hint_lo[HINTS], hint_hi[HINTS];
	int unsorted;
};

/*
 * A cell of zoom BUCKET_ZOOM - k (a level's): its buckets, and the sums of
 * their windows (valid when ok: every one of them has its windows).
 */
struct parent {
	int64_t cy, cx;
	int64_t last_t, last_id;        /* the newest of its buckets' windows */
	uint32_t first, n;              /* its buckets: the level's kids[] */
	int ok;
	unsigned rim;                   /* RIM_* of its buckets on its sides */
	struct wsum sum[WINDOWS];
	struct wstat st[WINDOWS];
};

/* The cells of one coarser zoom, in row order. */
struct level {
	struct parent *p;
	size_t n;
	uint32_t *kids;                 /* bucket numbers, by parent */
	size_t nb;                      /* buckets when built: valid if all */
	int k;                          /* zoom BUCKET_ZOOM - k */
};

/* A bucket's cell, for the buckets in row order (the index's rows). */
struct row_key {
	int64_t cy, cx;
	uint32_t b;
};

/*
 * Where a report sits: pts[idx] of buckets[bucket], or NO_BUCKET; ver
 * counts the times the index read its row (map_index_versions).
 */
struct loc {
	uint32_t bucket;
	uint32_t idx;
	uint32_t ver;
	int64_t updated;                /* the row's, as last read */
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
	int64_t caught_at;              /* the clock at the last reading */
	int loaded;
	_Atomic int retry;              /* the last catch-up failed */
	_Atomic int64_t hint_at;        /* the hour of the buckets' hints; 0 */
	_Atomic int64_t win_at;         /* the second of the windows; 0: none */
	/*
	 * The first second after win_at at which a bucket's windows change
	 * (a report leaves or comes: win_next); until then win_at moves on
	 * under the read lock alone (win_skip).  Set with the write lock.
	 */
	_Atomic int64_t win_until;
	struct wsum *whole;             /* bcap * WINDOWS: buckets' windows */
	struct row_key *rows;           /* every bucket, by (cy, cx) */
	size_t nrows;
	struct level levels[LEVELS];    /* zooms BUCKET_ZOOM - 1 and - 2 */
	struct wstat *whole_st;
	char (*codes)[VECHE_MAX_CODE + 1];
	size_t ncodes;
	/*
	 * Addresses, each once (the map's list shows them without asking the
	 * store): found by a hash of the text, never freed before the index.
	 */
	char **addresses;
	size_t naddresses, acap;
	uint32_t *aslots;               /* address + 1, 0 free */
	size_t naslots;                 /* a power of two */
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
	size_t b;

	if (m == NULL)
		return;
	pthread_rwlock_destroy(&m->lock);
	while (m->nbuckets > 0) {
		m->nbuckets--;
		free(m->buckets[m->nbuckets].pts);
		free(m->buckets[m->nbuckets].marks);
		free(m->buckets[m->nbuckets].win);
		free(m->buckets[m->nbuckets].win_st);
		free(m->buckets[m->nbuckets].subs);
	}
	free(m->buckets);
	free(m->whole);
	free(m->rows);
	for (b = 0; b < LEVELS; b++) {
		free(m->levels[b].p);
		free(m->levels[b].kids);
	}
	free(m->whole_st);
	free(m->slots);
	free(m->codes);
	while (m->naddresses > 0)
		free(m->addresses[--m->naddresses]);
	free(m->addresses);
	free(m->aslots);
	free(m->locs);
	free(m);
}

static size_t
text_slot(const char *t, size_t nslots)
{
	uint64_t h = 14695981039346656037u;

	while (*t != '\0')
		h = (h ^ (unsigned char)*t++) * 1099511628211u;
	return (size_t)(h ^ (h >> 32)) & (nslots - 1);
}

/*
 * The number of address a, kept when new: NO_ADDRESS for NULL, -1 in *rc
 * when out of memory.
 */
static uint32_t
address_of(struct map_index *m, const char *a, int *rc)
{
	size_t i, n, k;
	uint32_t *slots;
	char **na;

	if (a == NULL)
		return NO_ADDRESS;
	for (i = m->naslots ? text_slot(a, m->naslots) : 0; m->naslots > 0 &&
	    m->aslots[i] != 0; i = (i + 1) & (m->naslots - 1))
		if (strcmp(m->addresses[m->aslots[i] - 1], a) == 0)
			return m->aslots[i] - 1;
	if (m->naddresses == m->acap) {
		n = m->acap ? m->acap * 2 : 1024;
		if (n >= NO_ADDRESS ||
		    (na = realloc(m->addresses, n * sizeof(*na))) == NULL)
			goto fail;
		m->addresses = na;
		m->acap = n;
	}
	if ((m->addresses[m->naddresses] = strdup(a)) == NULL)
		goto fail;
	m->naddresses++;
	/* At most half full: short probes. */
	if (2 * m->naddresses > m->naslots) {
		n = m->naslots ? m->naslots * 2 : 2048;
		if ((slots = calloc(n, sizeof(*slots))) == NULL) {
			free(m->addresses[--m->naddresses]);
			goto fail;
		}
		free(m->aslots);
		m->aslots = slots;
		m->naslots = n;
		for (k = 0; k + 1 < m->naddresses; k++) {
			for (i = text_slot(m->addresses[k], n); slots[i] != 0;
			    i = (i + 1) & (n - 1))
				;
			slots[i] = (uint32_t)k + 1;
		}
	}
	for (i = text_slot(a, m->naslots); m->aslots[i] != 0;
	    i = (i + 1) & (m->naslots - 1))
		;
	m->aslots[i] = (uint32_t)m->naddresses;
	return (uint32_t)m->naddresses - 1;
fail:
	*rc = -1;
	return NO_ADDRESS;
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
	for (i = m->cap; i < cap; i++) {
		l[i].bucket = NO_BUCKET;
		l[i].ver = 0;
		l[i].updated = 0;
	}
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

		struct wstat *ns;
		struct wsum *nw;

		if (cap >= NO_BUCKET ||
		    (nb = realloc(m->buckets, cap * sizeof(*nb))) == NULL)
			return NO_BUCKET;
		m->buckets = nb;
		if ((nw = realloc(m->whole, cap * WINDOWS * sizeof(*nw))) ==
		    NULL)
			return NO_BUCKET;
		m->whole = nw;
		if ((ns = realloc(m->whole_st, cap * WINDOWS * sizeof(*ns))) ==
		    NULL)
			return NO_BUCKET;
		m->whole_st = ns;
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

static int
row_cmp(const void *a, const void *b)
{
	const struct row_key *x = a, *y = b;

	if (x->cy != y->cy)
		return x->cy < y->cy ? -1 : 1;
	return x->cx < y->cx ? -1 : x->cx > y->cx ? 1 : 0;
}

/* The buckets in row order again (a bucket was added); -1: no memory,
 * and views find buckets through every bucket meanwhile. */
static int
rows_sort(struct map_index *m)
{
	struct row_key *r;
	size_t b;

	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
	if (m->nbuckets == 0)
		return 0;
	if ((r = calloc(m->nbuckets, sizeof(*r))) == NULL)
		return -1;
	for (b = 0; b < m->nbuckets; b++)
		r[b] = (struct row_key){ m->buckets[b].cy, m->buckets[b].cx,
		    (uint32_t)b };
	qsort(r, m->nbuckets, sizeof(*r), row_cmp);
	m->rows = r;
	m->nrows = m->nbuckets;
	return 0;
}

/*
 * The coarser cells of level l again from the buckets in row order (a
 * bucket was added); -1: no memory, and views count buckets meanwhile.
 */
static int
level_build(struct map_index *m, struct level *l)
{
	struct row_key *r = NULL;
	struct parent *p = NULL;
	uint32_t *kids = NULL;
	size_t i, n = 0;

	free(l->p);
	free(l->kids);
	l->p = NULL;
	l->kids = NULL;
	l->n = 0;
	l->nb = 0;
	if (m->nrows == 0)
		return 0;
	if ((r = calloc(m->nrows, sizeof(*r))) == NULL ||
	    (p = calloc(m->nrows, sizeof(*p))) == NULL ||
	    (kids = calloc(m->nrows, sizeof(*kids))) == NULL) {
		free(r);
		free(p);
		free(kids);
		return -1;
	}
	for (i = 0; i < m->nrows; i++)
		r[i] = (struct row_key){ m->rows[i].cy >> l->k,
		    m->rows[i].cx >> l->k, m->rows[i].b };
	qsort(r, m->nrows, sizeof(*r), row_cmp);
	for (i = 0; i < m->nrows; i++) {
		if (n == 0 || p[n - 1].cy != r[i].cy || p[n - 1].cx != r[i].cx)
			p[n++] = (struct parent){ .cy = r[i].cy, .cx = r[i].cx,
			    .first = (uint32_t)i };
		p[n - 1].n++;
		kids[i] = r[i].b;
	}
	free(r);
	l->p = p;
	l->n = n;
	l->kids = kids;
	l->nb = m->nrows;
	return 0;
}

static void
wsum_merge(struct wsum *w, struct wstat *ws, const struct wsum *a,
    const struct wstat *as)
{
	int st;

	w->lat += a->lat;
	w->lon += a->lon;
	for (st = 0; st < STATUS__MAX; st++) {
		w->n[st] += a->n[st];
		ws->lat[st] += as->lat[st];
		ws->lon[st] += as->lon[st];
	}
}

/*
 * A cell's rim: its first and last unit (2^-32 of the world) of x and y.
 * A box's edge in fixed units (bx0 and so on) decides every report but
 * those on the edge's own unit (their degrees decide), so a cell with no
 * report on a side's unit is, for the box, a unit narrower there: a box
 * snapped to the grid (its edge on a cell's rim, the map's requests) then
 * holds its cells whole, and none of their reports is read (issue 11).
 */
#define RIM_W           1u              /* x on the cell's first unit */
#define RIM_E           2u              /*   its last */
#define RIM_N           4u              /* y on its first */
#define RIM_S           8u              /*   its last */
#define RIM_ALL         15u

/* Which rims of its cell of 2^bits units p lies on. */
static unsigned
rim_of(const struct point *p, unsigned bits)
{
	uint32_t mask = (1u << bits) - 1;

	return ((p->x & mask) == 0 ? RIM_W : 0) |
	    ((p->x & mask) == mask ? RIM_E : 0) |
	    ((p->y & mask) == 0 ? RIM_N : 0) |
	    ((p->y & mask) == mask ? RIM_S : 0);
}

/*
 * The rims of bucket k's sides that lie on the sides of its cell (cx, cy)
 * at BUCKET_ZOOM - lk.
 */
static unsigned
rim_within(const struct bucket *k, int64_t cx, int64_t cy, int lk)
{
	int64_t last = ((int64_t)1 << lk) - 1;
	int64_t dx = k->cx - (cx << lk), dy = k->cy - (cy << lk);

	return k->brim & ((dx == 0 ? RIM_W : 0) | (dx == last ? RIM_E : 0) |
	    (dy == 0 ? RIM_N : 0) | (dy == last ? RIM_S : 0));
}

/* The sums of level l's cells from their buckets' windows. */
static void
level_sum(struct map_index *m, struct level *l)
{
	size_t i, j;
	int w;

	for (i = 0; i < l->n; i++) {
		struct parent *p = &l->p[i];

		memset(p->sum, 0, sizeof(p->sum));
		memset(p->st, 0, sizeof(p->st));
		p->ok = 1;
		p->rim = 0;
		p->last_t = INT64_MIN;
		p->last_id = 0;
		for (j = p->first; j < p->first + p->n; j++) {
			size_t b = l->kids[j];
			const struct bucket *k = &m->buckets[b];

			if (!k->win_ok || k->stale) {
				/* Its buckets are counted: no rim known. */
				p->ok = 0;
				p->rim = RIM_ALL;
				break;
			}
			p->rim |= rim_within(k, p->cx, p->cy, l->k);
			for (w = 0; w < WINDOWS; w++)
				wsum_merge(&p->sum[w], &p->st[w],
				    &m->whole[b * WINDOWS + w],
				    &m->whole_st[b * WINDOWS + w]);
			if (k->win_hi > 0 && (k->last_t > p->last_t ||
			    (k->last_t == p->last_t && k->last_id > p->last_id))) {
				p->last_t = k->last_t;
				p->last_id = k->last_id;
			}
		}
	}
}

/* The cell of p at BUCKET_ZOOM + SUB_BITS within its bucket: 0 to 15. */
static unsigned
sub_of(const struct point *p)
{
	unsigned sh = FIX_BITS - CELL_BITS - BUCKET_ZOOM - SUB_BITS;
	unsigned mask = (1u << SUB_BITS) - 1;

	return ((p->x >> sh) & mask) | ((p->y >> sh) & mask) << SUB_BITS;
}

/* The quad (0 to 3) of a bucket's cell k: its 2 x 2 cell at BUCKET_ZOOM +
 * 1 (cells at + 2 by 2 bits of x, then 2 of y). */
static unsigned
quad_of(unsigned k)
{
	_Static_assert(SUB_BITS == 2 && QUADS == 4, "a bucket's quads");
	return ((k % 4) >> 1) | ((k / 4) >> 1) << 1;
}

static void
wsum_add(struct wsum *w, struct wstat *ws, const struct point *p,
    int64_t sign)
{
	int64_t lat = sign * llround(p->lat * E7);
	int64_t lon = sign * llround(p->lon * E7);

	w->n[p->status] += (int32_t)sign;
	w->lat += lat;
	w->lon += lon;
	ws->lat[p->status] += lat;
	ws->lon[p->status] += lon;
}

/* Add (sign 1) or take away (-1) pts[lo .. hi) of bucket b to window
 * w's sums. */
static void
win_range(struct map_index *m, size_t b, int w, size_t lo, size_t hi,
    int64_t sign)
{
	struct bucket *k = &m->buckets[b];
	struct wsum *whole = &m->whole[b * WINDOWS + w];
	struct wstat *whole_st = &m->whole_st[b * WINDOWS + w];
	struct wsum *cells = &k->win[w * SUBS];
	struct wstat *cells_st = &k->win_st[w * SUBS];
	struct wsum *quads = &k->win[WINDOWS * SUBS + w * QUADS];
	struct wstat *quads_st = &k->win_st[WINDOWS * SUBS + w * QUADS];
	size_t i, c, q;

	for (i = lo; i < hi; i++) {
		c = k->subs[i];
		q = quad_of((unsigned)c);
		wsum_add(whole, whole_st, &k->pts[i], sign);
		wsum_add(&quads[q], &quads_st[q], &k->pts[i], sign);
		wsum_add(&cells[c], &cells_st[c], &k->pts[i], sign);
	}
}

/* The newest report of bucket k's windows. */
static void
win_last(struct bucket *k)
{
	k->last_t = k->win_hi > 0 ? k->pts[k->win_hi - 1].requested :
	    INT64_MIN;
	k->last_id = k->win_hi > 0 ? k->pts[k->win_hi - 1].id : 0;
}

/* The windows of bucket b at second at, summed anew; -1: no memory. */
static int
win_build(struct map_index *m, size_t b, int64_t at)
{
	const unsigned sb = FIX_BITS - CELL_BITS - BUCKET_ZOOM - SUB_BITS;
	struct bucket *k = &m->buckets[b];
	int w;

	size_t i;
	uint8_t *subs;

	k->win_ok = 0;
	if (k->win == NULL &&
	    (k->win = calloc(WINDOWS * (SUBS + QUADS), sizeof(*k->win))) ==
	    NULL)
		return -1;
	if (k->win_st == NULL && (k->win_st = calloc(WINDOWS * (SUBS + QUADS),
	    sizeof(*k->win_st))) == NULL)
		return -1;
	if ((subs = realloc(k->subs, k->cap > 0 ? k->cap : 1)) == NULL)
		return -1;
	k->subs = subs;
	k->rim = 0;
	k->brim = 0;
	for (i = 0; i < k->n; i++) {
		const struct point *p = &k->pts[i];

		subs[i] = (uint8_t)sub_of(p);
		k->rim |= (uint64_t)rim_of(p, sb) << (4 * subs[i]);
		k->brim |= rim_of(p, sb + SUB_BITS);
	}
	memset(k->win, 0, WINDOWS * (SUBS + QUADS) * sizeof(*k->win));
	memset(k->win_st, 0, WINDOWS * (SUBS + QUADS) * sizeof(*k->win_st));
	memset(&m->whole[b * WINDOWS], 0, WINDOWS * sizeof(*m->whole));
	memset(&m->whole_st[b * WINDOWS], 0, WINDOWS * sizeof(*m->whole_st));
	k->win_hi = (uint32_t)lower_bound(k, 0, k->n, at + 1);
	for (w = 0; w < WINDOWS; w++) {
		k->win_lo[w] = (uint32_t)lower_bound(k, 0, k->win_hi,
		    at - hint_ago[w + 1]);
		win_range(m, b, w, k->win_lo[w], k->win_hi, 1);
	}
	win_last(k);
	k->win_ok = 1;
	return 0;
}

/*
 * The windows of bucket b moved forward to second at: the reports that
 * left taken away, those that came added (b unchanged since they were
 * built).
 */
static void
win_move(struct map_index *m, size_t b, int64_t at)
{
	struct bucket *k = &m->buckets[b];
	size_t hi = lower_bound(k, k->win_hi, k->n, at + 1), lo, cut;
	int w;

	for (w = 0; w < WINDOWS; w++) {
		lo = lower_bound(k, k->win_lo[w], hi, at - hint_ago[w + 1]);
		cut = lo < k->win_hi ? lo : k->win_hi;
		win_range(m, b, w, k->win_lo[w], cut, -1);
		win_range(m, b, w, lo > k->win_hi ? lo : k->win_hi, hi, 1);
		k->win_lo[w] = (uint32_t)lo;
	}
	k->win_hi = (uint32_t)hi;
	win_last(k);
}

/*
 * The first second after the windows' at which bucket k's change: its
 * next report comes (pts[win_hi]), or a window's first leaves (the second
 * after it is hint_ago older than that report).  INT64_MAX: never.
 */
static int64_t
win_next(const struct bucket *k)
{
	int64_t next = k->win_hi < k->n ? k->pts[k->win_hi].requested :
	    INT64_MAX, t;
	int w;

	for (w = 0; w < WINDOWS; w++)
		if (k->win_lo[w] < k->n && (t = k->pts[k->win_lo[w]].requested +
		    hint_ago[w + 1] + 1) < next)
			next = t;
	return next;
}

/*
 * Sort the buckets that came out of order, note where each report is, and
 * sum the changed ones again; -1: no memory (the bucket stays stale, and
 * views count its reports one by one).  The hints of the changed buckets,
 * or of all when hint_at moved, for hint_at; the windows of the changed
 * ones, or of all when win_at moved (0: where they are), for win_at.
 */
static int
sort_buckets(struct map_index *m, int64_t hint_at, int64_t win_at)
{
	int64_t was = atomic_load(&m->win_at), until = INT64_MAX;
	size_t b, i;
	int rehint, rc = 0;

	if (hint_at < atomic_load(&m->hint_at))
		hint_at = atomic_load(&m->hint_at);
	rehint = hint_at != atomic_load(&m->hint_at);
	if (win_at == 0)
		win_at = was;
	/* Without rows (no memory), views look buckets up by their cells;
	 * without a level's cells, they count its buckets. */
	if (m->nrows != m->nbuckets && rows_sort(m) == 0)
		for (i = 0; i < LEVELS; i++) {
			m->levels[i].k = (int)i + 1;
			(void)level_build(m, &m->levels[i]);
		}

	for (b = 0; b < m->nbuckets; b++) {
		struct bucket *k = &m->buckets[b];

		int changed = k->unsorted || k->stale;
		int64_t next;

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
		/* A bucket without windows is counted as before: no error. */
		if (win_at == 0 || k->stale)
			continue;
		if (changed || !k->win_ok || win_at < was)
			win_build(m, b, win_at);
		else if (win_at > was)
			win_move(m, b, win_at);
		/* A bucket without windows is counted one by one: no bound. */
		if (k->win_ok && (next = win_next(k)) < until)
			until = next;
	}
	for (i = 0; i < LEVELS; i++)
		level_sum(m, &m->levels[i]);
	atomic_store(&m->hint_at, hint_at);
	atomic_store(&m->win_at, win_at);
	atomic_store(&m->win_until, until);
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
	int rc = 0;

	if (reserve(m, rp->id) == -1)
		return -1;
	/* Whatever changed, a rendered item of it is old now. */
	m->locs[rp->id].ver++;
	m->locs[rp->id].updated = rp->updated;
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
	p.fixed = (int8_t)(rp->fixed < 0 ? -1 : rp->fixed != 0);
	p.address = address_of(m, rp->address, &rc);
	if (rc == -1)
		return -1;
	return place(m, &p);
}

/* The index's memory in bytes, and the reports and running sums in it. */
static size_t
index_bytes(const struct map_index *m, size_t *reports, size_t *marks)
{
	size_t b, n = sizeof(*m) + m->cap * sizeof(*m->locs) +
	    m->bcap * (sizeof(*m->buckets) + WINDOWS *
	    (sizeof(*m->whole) + sizeof(*m->whole_st))) +
	    m->nslots * sizeof(*m->slots) +
	    MAX_CODES * sizeof(*m->codes) +
	    m->acap * sizeof(*m->addresses) + m->naslots * sizeof(*m->aslots);

	for (b = 0; b < m->naddresses; b++)
		n += strlen(m->addresses[b]) + 1;
	for (b = 0; b < LEVELS; b++)
		n += m->levels[b].n * sizeof(struct parent) +
		    m->levels[b].nb * sizeof(uint32_t);
	n += m->nrows * sizeof(*m->rows);

	*reports = *marks = 0;
	for (b = 0; b < m->nbuckets; b++) {
		n += m->buckets[b].cap * sizeof(struct point) +
		    m->buckets[b].nmarks * sizeof(struct sums) +
		    (m->buckets[b].win != NULL ? WINDOWS * (SUBS + QUADS) *
		    (sizeof(struct wsum) + sizeof(struct wstat)) +
		    m->buckets[b].cap : 0);
		*reports += m->buckets[b].n;
		*marks += m->buckets[b].nmarks * sizeof(struct sums);
	}
	return n;
}

/*
 * Move the windows on to second at when no bucket's change before it
 * (win_until): the same reports, so the same sums, and no write lock (a
 * second's move of every bucket held the views for milliseconds).  Under
 * the read lock no writer moves win_until; views racing here only move
 * win_at forward.  0 when moved (or already there), -1: the caller moves
 * them under the write lock.
 */
static int
win_skip(struct map_index *m, int64_t at)
{
	int64_t cur;
	int rc = -1;

	pthread_rwlock_rdlock(&m->lock);
	cur = atomic_load(&m->win_at);
	while (cur != 0 && at > cur && at < atomic_load(&m->win_until)) {
		if (atomic_compare_exchange_weak(&m->win_at, &cur, at)) {
			rc = 0;
			break;
		}
	}
	if (cur != 0 && at <= cur && at >= cur - WIN_SKEW)
		rc = 0;         /* another view moved them: counted as before */
	pthread_rwlock_unlock(&m->lock);
	return rc;
}

/*
 * Read what changed in the store since the last call, and hint the
 * buckets for the hour of now (0: no hints); with windows, move the
 * periods' sums to now too (the map's views).  Lists leave the sums
 * where they are: moving them takes the write lock each second, and
 * every reader waits for it (issue 11, Open311 area reads' p99).
 */
static int
catch_up(struct map_index *m, struct store *s, int64_t now, int windows)
{
	int64_t since, clk, hint_at = now > 0 ? now - now % HINT_SPAN : 0;
	int64_t win_at;
	int rc, changed;

	/* Nothing committed since this connection last looked: the index
	 * already holds it (store_changed). */
	changed = atomic_load(&m->retry) ? 1 : store_changed(s, STORE_WATCH_MAP);
	if (changed == -1)
		return -1;
	/* Hints move forward only: a view of the hour before (a thread that
	 * read the clock first) searches its buckets whole.  So do the
	 * windows, unless the clock went back further than threads read it
	 * apart: a view of a second they left is counted as before. */
	win_at = atomic_load(&m->win_at);
	win_at = windows && (now > win_at || now < win_at - WIN_SKEW) ? now :
	    0;
	if (!changed && hint_at <= atomic_load(&m->hint_at) && win_at == 0)
		return 0;
	if (!changed && hint_at <= atomic_load(&m->hint_at) &&
	    win_skip(m, win_at) == 0)
		return 0;
	pthread_rwlock_wrlock(&m->lock);
	/* Another thread may have moved them meanwhile. */
	if (win_at != 0 && win_at < atomic_load(&m->win_at) &&
	    win_at >= atomic_load(&m->win_at) - WIN_SKEW)
		win_at = 0;
	/*
	 * The first time every report comes by id: none by time.  Later,
	 * changes a few seconds behind the newest seen too, for a writer
	 * that took its time before another's later change committed; and
	 * never later than now: a change stamped after now (the clock was
	 * set back, or seeded data ahead of it) would otherwise hide every
	 * change made until then; nor later than the clock at the last
	 * catch-up, after which every change read now was stamped (with
	 * seeded data ahead of the clock, a change made more than a rescan
	 * before the next read was missed).  Open311 lists and their items
	 * (map_index_versions) are read from here.
	 */
	clk = clock_now();
	since = m->max_updated < clk ? m->max_updated : clk;
	if (m->caught_at != 0 && m->caught_at < since)
		since = m->caught_at;
	since = m->loaded ? since - VECHE_MAP_RESCAN : INT64_MAX;
	rc = changed ? store_report_points(s, m->max_id, since, on_point, m) :
	    0;
	if (changed && rc == 0)
		m->caught_at = clk;
	if (sort_buckets(m, hint_at, win_at) == -1)
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

/* Whether p is in f's box and status (a window's report: in its period;
 * no service or agency filter). */
static int
in_box(const struct filter *f, const struct point *p)
{
	return p->lat >= f->min_lat && p->lat <= f->max_lat &&
	    p->lon >= f->min_lon && p->lon <= f->max_lon &&
	    ((f->status_mask >> p->status) & 1);
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

/*
 * What may hold some of a view's newest: a bucket's cells in (counted from
 * their sums) or a level's cell (its buckets), by the newest it holds.  A
 * view keeps them while it counts and reads them newest first at the end
 * (leads_read), so it reads the few newer than its list's oldest, not each
 * cell the box holds whole in the order of the box (issue 11).
 */
struct lead {
	int64_t t, id;
	const struct bucket *b;         /* NULL: the level's cell p */
	const struct parent *p;
	unsigned in;
};

/* Where a view counts: its filter and grid, its cells, the newest. */
struct tally {
	const struct filter *f;
	const struct grid *g;
	int zoom;
	int64_t hint_at;                /* the buckets' hints' hour, or 0 */
	int win;                        /* the buckets' window of f, or -1 */
	const struct bucket *base;      /* the index's buckets */
	const struct wsum *whole;       /*   and their windows' sums */
	const struct wstat *whole_st;
	uint32_t bx0, bx1, by0, by1;    /* f's box in fixed Web Mercator */
	struct cell *cells;
	struct newest newest;
	struct map_result *out;
	const struct level *level;      /* the level the leads' cells are of */
	struct lead *leads;             /* malloc'd */
	size_t nleads, leadcap;
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

enum side { OUTSIDE, CUT, INSIDE };

/*
 * Where the cell of 2^bits by 2^bits fixed units from (x, y) lies against
 * the view's box, its reports on the sides in rim (RIM_*) and no others
 * on its first and last units.  Only a cell strictly inside (or outside)
 * in fixed units is inside (or outside) in degrees too: floor keeps order.
 */
static enum side
side_of(const struct tally *t, uint32_t x, uint32_t y, unsigned bits,
    unsigned rim)
{
	uint32_t x1 = x + ((1u << bits) - 1), y1 = y + ((1u << bits) - 1);

	/* No report on a side's unit: the cell's reports are a unit in. */
	x += !(rim & RIM_W);
	x1 -= !(rim & RIM_E);
	y += !(rim & RIM_N);
	y1 -= !(rim & RIM_S);

	if (x1 < t->bx0 || x > t->bx1 || y1 < t->by0 || y > t->by1)
		return OUTSIDE;
	if (x > t->bx0 && x1 < t->bx1 && y > t->by0 && y1 < t->by1)
		return INSIDE;
	return CUT;
}

/* Add a window's sums w, reports all in the view's cell of (x, y); how
 * many were added. */
static int64_t
count_sums(struct tally *t, const struct wsum *w, const struct wstat *ws,
    uint32_t x, uint32_t y)
{
	const unsigned every = (1u << STATUS__MAX) - 1;
	unsigned mask = t->f->status_mask;
	struct cell *c;
	int64_t n = 0;
	int st;

	for (st = 0; st < STATUS__MAX; st++)
		if ((mask >> st) & 1)
			n += w->n[st];
	if (n == 0)
		return 0;
	c = cell_of(t, x, y);
	for (st = 0; st < STATUS__MAX; st++)
		if ((mask >> st) & 1)
			c->by_status[st] += w->n[st];
	if ((mask & every) == every) {
		c->lat += (double)w->lat / E7;
		c->lon += (double)w->lon / E7;
	} else {
		/* A status filter: the cold sums by status. */
		for (st = 0; st < STATUS__MAX; st++)
			if (((mask >> st) & 1) && w->n[st] != 0) {
				c->lat += (double)ws->lat[st] / E7;
				c->lon += (double)ws->lon[st] / E7;
			}
	}
	c->count += n;
	t->out->total += n;
	return n;
}

/*
 * The newest of bucket b's window t->win in its cells in (bits by
 * sub_of), from the window's end back; none when the bucket's newest is
 * older than all the heap holds.
 */
static void
newest_of(struct tally *t, const struct bucket *b, unsigned in)
{
	struct newest *h = &t->newest;
	unsigned mask = t->f->status_mask;
	size_t lo = b->win_lo[t->win], i;

	if (in == 0 || newest_below(h, b->last_id, b->last_t))
		return;
	for (i = b->win_hi; i-- > lo;) {
		const struct point *p = &b->pts[i];

		if (newest_below(h, p->id, p->requested))
			break;
		if (((in >> b->subs[i]) & 1) && ((mask >> p->status) & 1))
			newest_add(h, p->id, p->requested);
	}
}

static void lead_add(struct tally *t, const struct bucket *b,
    const struct parent *p, unsigned in);

/* Whether lead a holds a newer report than b. */
static int
lead_newer(const struct lead *a, const struct lead *b)
{
	return a->t > b->t || (a->t == b->t && a->id > b->id);
}

static void
lead_sift(struct lead *h, size_t n, size_t i)
{
	size_t c;
	struct lead x;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && lead_newer(&h[c + 1], &h[c]))
			c++;
		if (!lead_newer(&h[c], &h[i]))
			break;
		x = h[i];
		h[i] = h[c];
		h[c] = x;
	}
}

/* A level's cell's buckets as leads (or read, when no room). */
static void
lead_kids(struct tally *t, const struct parent *p)
{
	const struct level *l = t->level;
	size_t j;

	for (j = p->first; j < p->first + p->n; j++)
		lead_add(t, &t->base[l->kids[j]], NULL, (1u << SUBS) - 1);
}

/*
 * Read the leads newest first into the view's newest, until the newest a
 * lead holds is older than all the list holds.  The heap of leads is
 * built once: the view counted them all first.
 */
static void
leads_read(struct tally *t)
{
	struct lead top;
	size_t i;

	for (i = t->nleads / 2; i-- > 0;)
		lead_sift(t->leads, t->nleads, i);
	while (t->nleads > 0) {
		top = t->leads[0];
		if (newest_below(&t->newest, top.id, top.t))
			break;
		t->leads[0] = t->leads[--t->nleads];
		lead_sift(t->leads, t->nleads, 0);
		if (top.b != NULL) {
			newest_of(t, top.b, top.in);
			continue;
		}
		/* Its buckets in among the leads, each to its place. */
		i = t->nleads;
		lead_kids(t, top.p);
		for (; i < t->nleads; i++) {
			size_t k = i;

			while (k > 0 && lead_newer(&t->leads[k],
			    &t->leads[(k - 1) / 2])) {
				struct lead x = t->leads[k];

				t->leads[k] = t->leads[(k - 1) / 2];
				t->leads[(k - 1) / 2] = x;
				k = (k - 1) / 2;
			}
		}
	}
	t->nleads = 0;
}

/*
 * Note bucket b's cells in (b not NULL) or level cell p as a lead; none
 * when what it holds is older than all the list holds already (its oldest
 * only grows).  Without room, read at once as before.
 */
static void
lead_add(struct tally *t, const struct bucket *b, const struct parent *p,
    unsigned in)
{
	int64_t last_t = b != NULL ? b->last_t : p->last_t;
	int64_t last_id = b != NULL ? b->last_id : p->last_id;
	struct lead *nl;
	size_t cap;

	if (in == 0 || newest_below(&t->newest, last_id, last_t))
		return;
	if (t->nleads == t->leadcap) {
		cap = t->leadcap ? 2 * t->leadcap : 256;
		if ((nl = realloc(t->leads, cap * sizeof(*nl))) == NULL) {
			if (b != NULL)
				newest_of(t, b, in);
			else
				lead_kids(t, p);
			return;
		}
		t->leads = nl;
		t->leadcap = cap;
	}
	t->leads[t->nleads++] = (struct lead){ last_t, last_id, b, p, in };
}

/*
 * Count bucket b for one of its windows (t->win: no service or agency
 * filter): the bucket from its sums when the box holds it whole and the
 * view's cell does too, else each of its 16 cells from theirs when the box
 * holds it, and only the reports of the cells the box's edge cuts one by
 * one (at zooms finer than those cells, of every cell the box touches).
 * Ids are not listed (a view of at most VECHE_MAP_POINTS is counted again
 * one by one); the newest of the reports counted from sums are read from
 * the window's end back (newest_of).
 */
/*
 * Cell k of bucket b (of 16) for t->win: counted from its sums when the
 * box holds it (bit k in *in when it had reports), else bit k in *cut
 * when the box's edge cuts it (or the view is finer than it).
 */
static void
count_sub(struct tally *t, const struct bucket *b, unsigned k, unsigned *in,
    unsigned *cut)
{
	const unsigned bb = FIX_BITS - CELL_BITS - BUCKET_ZOOM;
	const unsigned sb = bb - SUB_BITS, side = 1u << SUB_BITS;
	uint32_t sx = ((uint32_t)b->cx << bb) + ((k % side) << sb);
	uint32_t sy = ((uint32_t)b->cy << bb) + ((k / side) << sb);
	size_t at = (size_t)t->win * SUBS + k;

	switch (side_of(t, sx, sy, sb, (unsigned)(b->rim >> (4 * k)) &
	    RIM_ALL)) {
	case INSIDE:
		/* Finer than the cell, the view counts its reports one by
		 * one. */
		if (t->zoom > BUCKET_ZOOM + SUB_BITS)
			*cut |= 1u << k;
		else if (count_sums(t, &b->win[at], &b->win_st[at], sx, sy) > 0)
			*in |= 1u << k;
		break;
	case CUT:
		*cut |= 1u << k;
		break;
	case OUTSIDE:
		break;
	}
}

/* The rims (RIM_*) of quad q of a bucket whose cells' rims are rim. */
static unsigned
quad_rim(uint64_t rim, unsigned q)
{
	unsigned x = 2 * (q % 2), y = 2 * (q / 2), i, r = 0;

	for (i = 0; i < 2; i++) {
		r |= (unsigned)(rim >> (4 * (x + 4 * (y + i)))) & RIM_W;
		r |= (unsigned)(rim >> (4 * (x + 1 + 4 * (y + i)))) & RIM_E;
		r |= (unsigned)(rim >> (4 * (x + i + 4 * y))) & RIM_N;
		r |= (unsigned)(rim >> (4 * (x + i + 4 * (y + 1)))) & RIM_S;
	}
	return r;
}

/*
 * Bucket b's quads for a view at BUCKET_ZOOM + 1, whose cells they are:
 * each the box holds from its sums, the cells of the others one by one
 * (count_sub).
 */
static void
count_quads(struct tally *t, const struct bucket *b, unsigned *in,
    unsigned *cut)
{
	const unsigned qb = FIX_BITS - CELL_BITS - BUCKET_ZOOM - 1;
	size_t at = WINDOWS * SUBS + (size_t)t->win * QUADS;
	unsigned q, k;

	for (q = 0; q < QUADS; q++) {
		uint32_t qx = ((uint32_t)b->cx << (qb + 1)) + ((q % 2) << qb);
		uint32_t qy = ((uint32_t)b->cy << (qb + 1)) + ((q / 2) << qb);

		switch (side_of(t, qx, qy, qb, quad_rim(b->rim, q))) {
		case INSIDE:
			if (count_sums(t, &b->win[at + q], &b->win_st[at + q],
			    qx, qy) > 0)
				for (k = 0; k < SUBS; k++)
					*in |= (unsigned)(quad_of(k) == q) << k;
			break;
		case CUT:
			for (k = 0; k < SUBS; k++)
				if (quad_of(k) == q)
					count_sub(t, b, k, in, cut);
			break;
		case OUTSIDE:
			break;
		}
	}
}

static void
count_fast(struct tally *t, const struct bucket *b)
{
	const unsigned bb = FIX_BITS - CELL_BITS - BUCKET_ZOOM;
	size_t bw = (size_t)(b - t->base) * WINDOWS + (size_t)t->win;
	uint32_t x = (uint32_t)b->cx << bb, y = (uint32_t)b->cy << bb;
	unsigned in = 0, cut = 0, k;
	enum side whole = side_of(t, x, y, bb, b->brim);
	size_t lo = b->win_lo[t->win], hi = b->win_hi, i;

	if (whole == OUTSIDE || lo == hi)
		return;
	if (whole == INSIDE && t->zoom <= BUCKET_ZOOM) {
		if (count_sums(t, &t->whole[bw], &t->whole_st[bw], x, y) > 0)
			in = (1u << SUBS) - 1;
	} else if (t->zoom == BUCKET_ZOOM + 1)
		count_quads(t, b, &in, &cut);
	else
		for (k = 0; k < SUBS; k++)
			count_sub(t, b, k, &in, &cut);
	/* The cells' numbers first: a report's point is read only when its
	 * cell is cut. */
	if (cut != 0)
		for (i = lo; i < hi; i++)
			if (((cut >> b->subs[i]) & 1) &&
			    in_box(t->f, &b->pts[i]))
				count_point(t, &b->pts[i]);
	lead_add(t, b, NULL, in);
}

static void
count_view(struct tally *t, const struct reach *r, const struct bucket *b)
{
	if (t->win >= 0 && b->win_ok && !b->stale)
		count_fast(t, b);
	else if (t->zoom <= BUCKET_ZOOM && t->f->nservices == 0 &&
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

/* Newest first: requested, then id, descending. */
static int
report_cmp(const void *a, const void *b)
{
	const struct map_report *x = a, *y = b;

	if (x->requested != y->requested)
		return x->requested < y->requested ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/*
 * out->reports from the index, for out->ids, newest first; none when one
 * of them has a service code the index did not keep (the caller asks the
 * store).  The caller holds the lock.  Returns 0, or -1: no memory.
 */
static int
list_of(const struct map_index *m, struct map_result *out)
{
	size_t i;

	if (out->nids == 0)
		return 0;
	if ((out->reports = calloc(out->nids, sizeof(*out->reports))) == NULL)
		return -1;
	for (i = 0; i < out->nids; i++) {
		const struct loc *l = &m->locs[out->ids[i]];
		const struct point *p;
		struct map_report *r = &out->reports[i];

		if (l->bucket == NO_BUCKET ||
		    (p = &m->buckets[l->bucket].pts[l->idx])->service ==
		    NO_CODE) {
			free(out->reports);
			out->reports = NULL;
			return 0;
		}
		r->id = p->id;
		r->lat = p->lat;
		r->lon = p->lon;
		r->status = (enum report_status)p->status;
		r->service = m->codes[p->service];
		r->address = p->address == NO_ADDRESS ? NULL :
		    m->addresses[p->address];
		r->requested = p->requested;
		r->fixed = p->fixed;
	}
	qsort(out->reports, out->nids, sizeof(*out->reports), report_cmp);
	out->nreports = out->nids;
	return 0;
}

/*
 * Which of the buckets' windows is f's period (its standing periods end at
 * the windows' second), with no service or agency filter; -1: none.
 */
static int
window_of(const struct map_index *m, const struct filter *f)
{
	int64_t at = atomic_load(&m->win_at);
	int w;

	if (at == 0 || f->end != at || f->nservices != 0 || !f->any_agency ||
	    f->none)
		return -1;
	for (w = 0; w < WINDOWS; w++)
		if (f->start == at - hint_ago[w + 1])
			return w;
	return -1;
}

/*
 * Count view t (reach r, one of the buckets' windows, at zoom BUCKET_ZOOM -
 * l->k or coarser) by level l's cells: each the box holds whole from its
 * sums, the others by their buckets.  The caller holds the read lock.
 */
static void
tally_level(const struct map_index *m, const struct level *l,
    struct tally *t, const struct reach *r)
{
	const unsigned bits = FIX_BITS - CELL_BITS - BUCKET_ZOOM +
	    (unsigned)l->k;
	int64_t x0 = r->x0 >> l->k, x1 = r->x1 >> l->k;
	int64_t y0 = r->y0 >> l->k, y1 = r->y1 >> l->k, py;
	size_t lo, hi, mid, j;

	for (py = y0; py <= y1; py++) {
		for (lo = 0, hi = l->n; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (l->p[mid].cy < py || (l->p[mid].cy == py &&
			    l->p[mid].cx < x0))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < l->n && l->p[lo].cy == py && l->p[lo].cx <= x1;
		    lo++) {
			const struct parent *p = &l->p[lo];
			uint32_t x = (uint32_t)p->cx << bits;
			uint32_t y = (uint32_t)p->cy << bits;
			enum side side = side_of(t, x, y, bits, p->rim);

			if (side == OUTSIDE)
				continue;
			if (side == INSIDE && p->ok) {
				if (count_sums(t, &p->sum[t->win],
				    &p->st[t->win], x, y) > 0)
					lead_add(t, NULL, p, 1);
				continue;
			}
			for (j = p->first; j < p->first + p->n; j++)
				count_view(t, r, &m->buckets[l->kids[j]]);
		}
	}
}

/* Count the buckets of view t (reach r) into t.  The caller holds the
 * read lock. */
static void
tally_view(const struct map_index *m, struct tally *t, const struct reach *r)
{
	int64_t bx, by;
	size_t i, lo, hi, mid;

	if (m->nrows == m->nbuckets && m->nrows > 0 &&
	    (double)(r->x1 - r->x0 + 1) * (double)(r->y1 - r->y0 + 1) <=
	    (double)m->nbuckets) {
		/* Each row of the reach: where it starts, then along it. */
		for (by = r->y0; by <= r->y1; by++) {
			struct row_key k = { by, r->x0, 0 };

			for (lo = 0, hi = m->nrows; lo < hi;) {
				mid = lo + (hi - lo) / 2;
				if (row_cmp(&m->rows[mid], &k) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < m->nrows && m->rows[lo].cy == by &&
			    m->rows[lo].cx <= r->x1; lo++)
				count_view(t, r, &m->buckets[m->rows[lo].b]);
		}
		return;
	}
	if ((double)(r->x1 - r->x0 + 1) * (double)(r->y1 - r->y0 + 1) >
	    (double)m->nbuckets) {
		/* More cells than buckets: every bucket. */
		for (i = 0; i < m->nbuckets; i++)
			if (m->buckets[i].cx >= r->x0 &&
			    m->buckets[i].cx <= r->x1 &&
			    m->buckets[i].cy >= r->y0 &&
			    m->buckets[i].cy <= r->y1)
				count_view(t, r, &m->buckets[i]);
		return;
	}
	for (by = r->y0; by <= r->y1; by++)
		for (bx = r->x0; bx <= r->x1; bx++) {
			uint32_t b = bucket_find(m, bx, by);

			if (b != NO_BUCKET)
				count_view(t, r, &m->buckets[b]);
		}
}

/* Count view t (reach r): by a level's cells when one serves its zoom
 * and window, else by buckets.  The caller holds the read lock. */
static void
tally_coarse(const struct map_index *m, struct tally *t,
    const struct reach *r)
{
	const struct level *l;
	int k = BUCKET_ZOOM - t->zoom;

	if (k > LEVELS)
		k = LEVELS;
	l = k >= 1 ? &m->levels[k - 1] : NULL;
	if (t->win >= 0 && l != NULL && l->k == k && l->n > 0 &&
	    l->nb == m->nbuckets) {
		t->level = l;
		tally_level(m, l, t, r);
	} else
		tally_view(m, t, r);
	leads_read(t);
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
	int rc = -1, listed;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (!q->has_bbox || map_view_check(q->min_lat, q->min_lon, q->max_lat,
	    q->max_lon, zoom, &field) == -1)
		return -1;
	grid_of(q->min_lat, q->min_lon, q->max_lat, q->max_lon, zoom, &g);
	if (catch_up(m, s, q->end, 1) == -1)
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
	t.win = window_of(m, &f);
	t.base = m->buckets;
	t.whole = m->whole;
	t.whole_st = m->whole_st;
	t.bx0 = fixed(merc_x(f.min_lon));
	t.bx1 = fixed(merc_x(f.max_lon));
	t.by0 = fixed(merc_y(f.max_lat));
	t.by1 = fixed(merc_y(f.min_lat));
	if (!f.none)
		tally_coarse(m, &t, &r);
	if (t.win >= 0 && out->total <= VECHE_MAP_POINTS) {
		/* Few enough to list them all: counted again one by one. */
		memset(t.cells, 0, (size_t)(g.nx * g.ny) * sizeof(*t.cells));
		out->total = 0;
		out->nids = 0;
		t.newest.n = 0;
		t.win = -1;
		tally_view(m, &t, &r);
	}
	out->all = out->total <= VECHE_MAP_POINTS;
	if (!out->all) {
		memcpy(out->ids, t.newest.id, t.newest.n * sizeof(*out->ids));
		out->nids = t.newest.n;
	}
	listed = list_of(m, out);
	pthread_rwlock_unlock(&m->lock);
	if (listed == -1 || (!out->all &&
	    clusters_of(t.cells, (size_t)(g.nx * g.ny), out) == -1))
		goto out;
	rc = 0;
out:
	free(t.cells);
	free(t.leads);
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
	if (catch_up(m, s, clock_now(), 0) == -1)
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

int
map_index_versions(struct map_index *m, struct store *s, const int64_t *ids,
    size_t n, uint32_t *vers, int64_t *updated)
{
	size_t i;

	if (s != NULL && catch_up(m, s, clock_now(), 0) == -1)
		return -1;
	pthread_rwlock_rdlock(&m->lock);
	for (i = 0; i < n; i++) {
		const struct loc *l = ids[i] >= 0 && (size_t)ids[i] < m->cap ?
		    &m->locs[ids[i]] : NULL;

		vers[i] = l != NULL ? l->ver : 0;
		if (updated != NULL)
			updated[i] = l != NULL ? l->updated : 0;
	}
	pthread_rwlock_unlock(&m->lock);
	return 0;
}

void
map_result_free(struct map_result *r)
{
	if (r == NULL)
		return;
	free(r->clusters);
	free(r->ids);
	free(r->reports);
	memset(r, 0, sizeof(*r));
}
