/*
 * rtree_pack.h: an SQLite R*Tree of points written whole, packed by
 * Sort-Tile-Recursive (Leutenegger, Lopez and Edgington, 1997), instead
 * of one INSERT a point: a bulk load's R*Tree (sqlite_bulk.c).
 *
 * The tree is written into the R*Tree's own tables (NAME_node, NAME_rowid,
 * NAME_parent) in the layout SQLite's rtree.c reads: nodes of the root's
 * size, cells of a 64-bit id and 2 x 2 big-endian 32-bit floats, the
 * root (node 1) holding the tree's depth.  Each point is stored as
 * inserting (id, lat, lat, lon, lon) would store it: each minimum rounded
 * down to a float, each maximum up.  The nodes are full, where SQLite's
 * insertions leave them a third to two thirds full; a later insertion
 * splits a node as usual.  `SELECT rtreecheck('NAME')` checks the result.
 */
#ifndef VECHE_STORE_RTREE_PACK_H
#define VECHE_STORE_RTREE_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* A point of the tree: its row id and place. */
struct rtree_point {
	int64_t id;
	double lat, lon;
};

/*
 * Write the n points p (in any order; n may be 0) as the whole of the
 * R*Tree NAME of db, a 2-dimensional float R*Tree with no auxiliary
 * column (rtree(id, min_lat, max_lat, min_lon, max_lon)) that holds no
 * entry yet, in the caller's transaction.  Returns 0, or -1 (out of
 * memory or an SQLite error: the caller rolls back).
 */
int rtree_pack(sqlite3 *db, const char *name, const struct rtree_point *p,
    size_t n);

#endif
