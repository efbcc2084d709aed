/* tiles.c: XYZ tile addresses to MBTiles' TMS rows (tiles.h). */
#include <stdlib.h>

#include "veche.h"
#include "core/tiles.h"
#include "store/store_mbtiles.h"

struct tiles {
	struct store_mbtiles *m;
};

struct tiles *
tiles_open(const char *path, char *err, size_t errlen)
{
	struct tiles *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->m = store_mbtiles_open(path, err, errlen)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
tiles_close(struct tiles *t)
{
	if (t == NULL)
		return;
	store_mbtiles_close(t->m);
	free(t);
}

int
tiles_get(struct tiles *t, int z, int x, int y, unsigned char **data,
    size_t *len)
{
	long n;

	*data = NULL;
	*len = 0;
	if (z < 0 || z > VECHE_MAX_TILE_ZOOM)
		return 1;
	n = 1L << z;
	if (x < 0 || y < 0 || x >= n || y >= n)
		return 1;
	/* MBTiles rows count from the south (TMS). */
	return store_mbtiles_get(t->m, z, x, (int)(n - 1 - y),
	    VECHE_MAX_TILE_BYTES, data, len);
}
