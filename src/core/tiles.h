/*
 * tiles.h: the map's own tiles, served from a local MBTiles file so that a
 * deployment needs no tile server (veche serve --tiles mbtiles:PATH).  The
 * file is read by the store (store/store_mbtiles.h, read-only); this module
 * turns the web's XYZ tile address into MBTiles' TMS row.
 */
#ifndef VECHE_TILES_H
#define VECHE_TILES_H

#include <stddef.h>

struct tiles;

/* Open an MBTiles file; NULL with a message in err.  Free with tiles_close. */
struct tiles *tiles_open(const char *path, char *err, size_t errlen);
void tiles_close(struct tiles *t);

/*
 * The PNG tile z/x/y (XYZ: y counts from the north), in a new buffer the
 * caller frees (free()).  Returns 0, 1 when there is none (including an
 * address outside the zoom level's 2^z by 2^z grid), or -1 on an error.
 */
int tiles_get(struct tiles *t, int z, int x, int y, unsigned char **data,
    size_t *len);

#endif
