/*
 * rtree_pack.c: an R*Tree of points written whole (rtree_pack.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/rtree_pack.h"

#define CELL_BYTES 24           /* an id, then 2 x 2 floats */
#define NODE_HEAD 4             /* the depth (root only), the cell count */

/* rtree.c's rounding of a value to a float: down for a minimum, up for
 * a maximum (rtreeValueDown, rtreeValueUp). */
#define RND_TOWARDS (1.0 - 1.0 / 8388608.0)
#define RND_AWAY (1.0 + 1.0 / 8388608.0)

static float
value_down(double d)
{
	float f = (float)d;

	if (f > d)
		f = (float)(d * (d < 0 ? RND_AWAY : RND_TOWARDS));
	return f;
}

static float
value_up(double d)
{
	float f = (float)d;

	if (f < d)
		f = (float)(d * (d < 0 ? RND_TOWARDS : RND_AWAY));
	return f;
}

/* A cell: its box (min_lat, max_lat, min_lon, max_lon) and its point's id
 * or child node's number; key is what it is being sorted by. */
struct ent {
	float box[4];
	int64_t id;
	double key;
};

/* A point's leaf, for the rowid table. */
struct leaf_of {
	int64_t id, node;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
leaf_cmp(const void *a, const void *b)
{
	const struct leaf_of *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Sort-Tile-Recursive order for nodes of m cells: the cells sorted by
 * longitude into ceil(sqrt(nodes)) vertical slices, each slice by
 * latitude; each m in a row then make a node.
 */
static void
str_order(struct ent *e, size_t n, size_t m)
{
	size_t nodes = (n + m - 1) / m;
	size_t per = (size_t)ceil(sqrt((double)nodes)) * m, i, j, k;

	for (i = 0; i < n; i++)
		e[i].key = ((double)e[i].box[2] + e[i].box[3]) / 2;
	qsort(e, n, sizeof(*e), key_cmp);
	for (i = 0; i < n; i += per) {
		k = n - i < per ? n - i : per;
		for (j = i; j < i + k; j++)
			e[j].key = ((double)e[j].box[0] + e[j].box[1]) / 2;
		qsort(e + i, k, sizeof(*e), key_cmp);
	}
}

static void
put_be(unsigned char *p, uint64_t v, unsigned bytes)
{
	unsigned i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

/* Node blob buf (size bytes) of the n cells c; the depth for the root. */
static void
node_blob(unsigned char *buf, size_t size, unsigned depth,
    const struct ent *c, size_t n)
{
	uint32_t u;
	size_t i;
	int d;

	memset(buf, 0, size);
	put_be(buf, depth, 2);
	put_be(buf + 2, n, 2);
	for (i = 0; i < n; i++) {
		unsigned char *p = buf + NODE_HEAD + i * CELL_BYTES;

		put_be(p, (uint64_t)c[i].id, 8);
		for (d = 0; d < 4; d++) {
			memcpy(&u, &c[i].box[d], sizeof(u));
			put_be(p + 8 + 4 * d, u, 4);
		}
	}
}

/* The box holding the n cells c. */
static void
box_of(const struct ent *c, size_t n, float *box)
{
	size_t i;

	memcpy(box, c[0].box, sizeof(c[0].box));
	for (i = 1; i < n; i++) {
		box[0] = fminf(box[0], c[i].box[0]);
		box[1] = fmaxf(box[1], c[i].box[1]);
		box[2] = fminf(box[2], c[i].box[2]);
		box[3] = fmaxf(box[3], c[i].box[3]);
	}
}

/* Run a prepared statement with two integers, or an integer and a blob. */
static int
put_row(sqlite3_stmt *st, int64_t a, int64_t b, const void *blob,
    size_t len)
{
	int rc;

	sqlite3_bind_int64(st, 1, a);
	if (blob != NULL)
		sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Prepare fmt (one %w: the R*Tree's name) into *st; 0 or -1. */
static int
prepare(sqlite3 *db, const char *fmt, const char *name, sqlite3_stmt **st)
{
	char *sql = sqlite3_mprintf(fmt, name);
	int rc = -1;

	if (sql != NULL && sqlite3_prepare_v2(db, sql, -1, st, NULL) ==
	    SQLITE_OK)
		rc = 0;
	sqlite3_free(sql);
	return rc;
}

/* The root node's size in bytes (every node's), or -1. */
static int
node_size(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int size = -1;

	if (prepare(db, "SELECT length(data) FROM \"%w_node\" WHERE nodeno = "
	    "1", name, &st) == 0 && sqlite3_step(st) == SQLITE_ROW)
		size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return size;
}

int
rtree_pack(sqlite3 *db, const char *name, const struct rtree_point *p,
    size_t n)
{
	sqlite3_stmt *node = NULL, *rowid = NULL, *parent = NULL;
	struct ent *cur = NULL, *up = NULL;
	struct leaf_of *leaves = NULL;
	unsigned char *buf = NULL;
	size_t cap, count, i, j, k, nleaves = 0;
	int64_t next = 2;
	unsigned level = 0;
	int size, rc = -1;

	if (n == 0)
		return 0;
	if ((size = node_size(db, name)) < NODE_HEAD + 2 * CELL_BYTES)
		return -1;
	cap = (size_t)(size - NODE_HEAD) / CELL_BYTES;
	if (prepare(db, "INSERT OR REPLACE INTO \"%w_node\"(nodeno, data) "
	    "VALUES (?1, ?2)", name, &node) == -1 ||
	    prepare(db, "INSERT INTO \"%w_rowid\"(rowid, nodeno) VALUES (?1, "
	    "?2)", name, &rowid) == -1 ||
	    prepare(db, "INSERT INTO \"%w_parent\"(nodeno, parentnode) VALUES "
	    "(?1, ?2)", name, &parent) == -1 ||
	    (buf = malloc((size_t)size)) == NULL ||
	    (cur = malloc(n * sizeof(*cur))) == NULL ||
	    (leaves = malloc(n * sizeof(*leaves))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		cur[i].box[0] = value_down(p[i].lat);
		cur[i].box[1] = value_up(p[i].lat);
		cur[i].box[2] = value_down(p[i].lon);
		cur[i].box[3] = value_up(p[i].lon);
		cur[i].id = p[i].id;
	}
	/* Level by level up, until one node's worth is left: the root. */
	for (count = n; count > cap; count = k, level++) {
		str_order(cur, count, cap);
		k = (count + cap - 1) / cap;
		if ((up = malloc(k * sizeof(*up))) == NULL)
			goto out;
		for (j = 0; j < k; j++) {
			const struct ent *c = cur + j * cap;
			size_t m = count - j * cap < cap ? count - j * cap : cap;
			int64_t no = next++;

			node_blob(buf, (size_t)size, 0, c, m);
			if (put_row(node, no, 0, buf, (size_t)size) == -1)
				goto out;
			box_of(c, m, up[j].box);
			up[j].id = no;
			for (i = 0; i < m; i++) {
				if (level == 0)
					leaves[nleaves++] = (struct leaf_of){
					    c[i].id, no };
				else if (put_row(parent, c[i].id, no, NULL, 0)
				    == -1)
					goto out;
			}
		}
		free(cur);
		cur = up;
		up = NULL;
	}
	node_blob(buf, (size_t)size, level, cur, count);
	if (put_row(node, 1, 0, buf, (size_t)size) == -1)
		goto out;
	for (i = 0; i < count; i++) {
		if (level == 0)
			leaves[nleaves++] = (struct leaf_of){ cur[i].id, 1 };
		else if (put_row(parent, cur[i].id, 1, NULL, 0) == -1)
			goto out;
	}
	/* The rowid table in its key's order: appends. */
	qsort(leaves, nleaves, sizeof(*leaves), leaf_cmp);
	for (i = 0; i < nleaves; i++)
		if (put_row(rowid, leaves[i].id, leaves[i].node, NULL, 0) == -1)
			goto out;
	rc = 0;
out:
	sqlite3_finalize(node);
	sqlite3_finalize(rowid);
	sqlite3_finalize(parent);
	free(up);
	free(cur);
	free(leaves);
	free(buf);
	return rc;
}
