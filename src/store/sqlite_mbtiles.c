/*
 * sqlite_mbtiles.c: the MBTiles reader (store_mbtiles.h): one read-only
 * connection and one prepared statement, used under a mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_mbtiles.h"

struct store_mbtiles {
	sqlite3 *db;
	sqlite3_stmt *get;
	pthread_mutex_t lock;
};

#define SQL_TILE "SELECT tile_data FROM tiles WHERE zoom_level = ?1 " \
	"AND tile_column = ?2 AND tile_row = ?3"

struct store_mbtiles *
store_mbtiles_open(const char *path, char *err, size_t errlen)
{
	struct store_mbtiles *m = NULL;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, m->db != NULL ?
		    sqlite3_errmsg(m->db) : "cannot open");
		goto fail;
	}
	/* Preparing reads the schema: a file that is not SQLite, or has no
	 * tiles table, fails here rather than at the first tile. */
	if (sqlite3_prepare_v3(m->db, SQL_TILE, -1, SQLITE_PREPARE_PERSISTENT,
	    &m->get, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: not an MBTiles file (%s)", path,
		    sqlite3_errmsg(m->db));
		goto fail;
	}
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		snprintf(err, errlen, "cannot make a lock");
		goto fail;
	}
	return m;
fail:
	sqlite3_finalize(m->get);
	sqlite3_close(m->db);
	free(m);
	return NULL;
}

void
store_mbtiles_close(struct store_mbtiles *m)
{
	if (m == NULL)
		return;
	sqlite3_finalize(m->get);
	sqlite3_close(m->db);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

int
store_mbtiles_get(struct store_mbtiles *m, int z, int x, int y, size_t max,
    unsigned char **data, size_t *len)
{
	const void *blob;
	int rc, ret = 1;
	int n;

	*data = NULL;
	*len = 0;
	pthread_mutex_lock(&m->lock);
	sqlite3_bind_int(m->get, 1, z);
	sqlite3_bind_int(m->get, 2, x);
	sqlite3_bind_int(m->get, 3, y);
	rc = sqlite3_step(m->get);
	if (rc == SQLITE_ROW) {
		blob = sqlite3_column_blob(m->get, 0);
		n = sqlite3_column_bytes(m->get, 0);
		if (blob != NULL && n > 0 && (size_t)n <= max) {
			if ((*data = malloc((size_t)n)) == NULL)
				ret = -1;
			else {
				memcpy(*data, blob, (size_t)n);
				*len = (size_t)n;
				ret = 0;
			}
		}
	} else if (rc != SQLITE_DONE) {
		fprintf(stderr, "veche: mbtiles: %s\n", sqlite3_errmsg(m->db));
		ret = -1;
	}
	sqlite3_reset(m->get);
	sqlite3_clear_bindings(m->get);
	pthread_mutex_unlock(&m->lock);
	return ret;
}
