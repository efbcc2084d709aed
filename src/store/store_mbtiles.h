/*
 * store_mbtiles.h: map tiles read from an MBTiles file (SQLite, the
 * "tiles" table of the MBTiles 1.3 specification, rows in TMS order).
 * A separate read-only connection: it never touches veche's database.
 * Used through core/tiles.h.
 */
#ifndef VECHE_STORE_MBTILES_H
#define VECHE_STORE_MBTILES_H

#include <stddef.h>

struct store_mbtiles;

/*
 * Open path read-only and check that it has a tiles table.  Returns the
 * reader (free with store_mbtiles_close), or NULL with a message in err.
 * The reader may be used from several threads at once.
 */
struct store_mbtiles *store_mbtiles_open(const char *path, char *err,
    size_t errlen);
void store_mbtiles_close(struct store_mbtiles *m);

/*
 * The tile at zoom z, column x, TMS row y, copied into a new buffer that
 * the caller frees (free()).  Returns 0 with *data and *len, 1 when there
 * is no such tile (or it is larger than max), -1 on a database error.
 */
int store_mbtiles_get(struct store_mbtiles *m, int z, int x, int y,
    size_t max, unsigned char **data, size_t *len);

#endif
