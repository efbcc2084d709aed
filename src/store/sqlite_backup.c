/*
 * sqlite_backup.c: whole-database copies for 'veche backup' and 'veche
 * restore', and the integrity check run on a copy.
 *
 * A backup is SQLite's online backup API run inside a read transaction on
 * the source connection.  In WAL mode a reader sees one snapshot for as long
 * as its transaction lasts and never blocks writers, so the copy is the
 * database as it was when the backup began, however long it takes and
 * however much is written meanwhile.  (Without the transaction each step
 * would start a new read and a write in between would restart the copy
 * from the first page, which under steady load may never finish.)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

/* fsync a file, or the directory it is in when dir is set. */
static int
sync_path(const char *path, int dir)
{
	char buf[4096];
	const char *p = path;
	int fd, rc;

	if (dir) {
		if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
			return -1;
		p = dirname(buf);
	}
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* A new empty file "path.tmp-XXXXXX" next to path, its name in buf. */
static int
temp_next_to(const char *path, char *buf, size_t len)
{
	int fd;

	if (snprintf(buf, len, "%s.tmp-XXXXXX", path) >= (int)len)
		return -1;
	if ((fd = mkstemp(buf)) == -1)
		return -1;
	close(fd);
	return 0;
}

static void
remove_temp(const char *tmp)
{
	char side[4096 + 16];

	unlink(tmp);
	snprintf(side, sizeof(side), "%s-journal", tmp);
	unlink(side);
}

/*
 * Copy src into dst with the backup API, npages a step (-1: all at once).
 * Returns SQLite's result (SQLITE_DONE on success).
 */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, int npages,
    void (*progress)(int, int, void *), void *arg)
{
	sqlite3_backup *b;
	int rc, total;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		return sqlite3_errcode(dst);
	do {
		rc = sqlite3_backup_step(b, npages);
		total = sqlite3_backup_pagecount(b);
		if (progress != NULL && (rc == SQLITE_OK || rc == SQLITE_DONE))
			progress(total - sqlite3_backup_remaining(b), total, arg);
	} while (rc == SQLITE_OK);
	if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
		rc = sqlite3_errcode(dst);
	return rc;
}

int
store_backup(struct store *s, const char *path, int step,
    void (*progress)(int, int, void *), void *arg)
{
	char tmp[4096];
	sqlite3 *dst = NULL;
	int rc, in_read = 0;

	if (s->db == NULL) {
		snprintf(s->err, sizeof(s->err), "a PostgreSQL database is "
		    "backed up with pg_dump or pg_basebackup");
		return -1;
	}
	if (temp_next_to(path, tmp, sizeof(tmp)) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot create a file next to "
		    "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "cannot open %.300s: %s", tmp,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
		goto fail;
	}
	/* Pin one snapshot of the source for the whole copy. */
	if (sqlite3_exec(s->db, "BEGIN; SELECT count(*) FROM sqlite_schema",
	    NULL, NULL, NULL) != SQLITE_OK) {
		sq_set_err(s, "starting the backup");
		goto fail;
	}
	in_read = 1;
	rc = copy_pages(dst, s->db, step > 0 ? step : 1, progress, arg);
	if (rc != SQLITE_DONE) {
		snprintf(s->err, sizeof(s->err), "backup to %.300s: %s", tmp,
		    sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	in_read = 0;
	/*
	 * The copy keeps the source's WAL flag; a backup is better one
	 * self-contained file that a read-only open leaves alone.
	 */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "backup to %.300s: %s", tmp,
		    sqlite3_errmsg(dst));
		goto fail;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		dst = NULL;
		snprintf(s->err, sizeof(s->err), "closing %.300s", tmp);
		goto fail;
	}
	dst = NULL;
	if (sync_path(tmp, 0) == -1 || rename(tmp, path) == -1 ||
	    sync_path(path, 1) == -1) {
		snprintf(s->err, sizeof(s->err), "writing %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (in_read)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(dst);
	remove_temp(tmp);
	return -1;
}

int
store_restore_file(const char *from, const char *db, char *err,
    size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc, ret = -1;

	sq_init();
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", from,
		    src != NULL ? sqlite3_errmsg(src) : "out of memory");
		goto out;
	}
	if (sqlite3_open_v2(db, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", db,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	/*
	 * An exclusive lock, kept until close, is only granted when no other
	 * connection has the file open (every WAL connection holds a shared
	 * lock on it): a running server makes this fail at once.
	 */
	rc = sqlite3_exec(dst, "PRAGMA locking_mode = EXCLUSIVE; "
	    "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		ret = 1;
		goto out;
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db, sqlite3_errmsg(dst));
		goto out;
	}
	/* One step: the whole copy is one transaction on db. */
	rc = copy_pages(dst, src, -1, NULL, NULL);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		ret = 1;
		goto out;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "copying %s into %s: %s", from, db,
		    sqlite3_errstr(rc));
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	return ret;
}

int
store_integrity(struct store *s, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;
	const char *v;
	int rc = -1;

	/* PostgreSQL checks its pages itself (data checksums, amcheck). */
	if (s->db == NULL) {
		snprintf(buf, len, "ok");
		return 0;
	}
	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(1)", -1, &st,
	    NULL) != SQLITE_OK) {
		sq_set_err(s, "integrity check");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = sq_col_text(st, 0);
		snprintf(buf, len, "%s", v != NULL ? v : "");
		rc = v != NULL && strcmp(v, "ok") == 0 ? 0 : 1;
	} else
		sq_set_err(s, "integrity check");
	sqlite3_finalize(st);
	return rc;
}
