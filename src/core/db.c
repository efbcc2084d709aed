/*
 * db.c: the connection verbs of db.h, passed through to the store: there is
 * no policy here, only the layer boundary.
 */
#include <string.h>

#include <sodium.h>

#include "core/db.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "store/store_replica.h"

struct store *
db_open(const char *path, char *err, size_t errlen)
{
	return store_open(path, err, errlen);
}

int
db_is_url(const char *path)
{
	return store_is_url(path);
}

void
db_close(struct store *s)
{
	store_close(s);
}

const char *
db_error(const struct store *s)
{
	return store_error(s);
}

int
db_key(struct store *s, const char *name, unsigned char key[DB_KEY_BYTES])
{
	char hex[2 * DB_KEY_BYTES + 1];
	unsigned char raw[DB_KEY_BYTES];
	size_t n;
	int tries, rc = -1;

	/* Read again after writing: of processes making it at once, the
	 * one written last is the one every later start reads. */
	for (tries = 0; tries < 2; tries++) {
		if (store_setting_get(s, name, hex, sizeof(hex)) == 0 &&
		    sodium_hex2bin(key, DB_KEY_BYTES, hex, strlen(hex), NULL,
		    &n, NULL) == 0 && n == DB_KEY_BYTES) {
			rc = 0;
			goto out;
		}
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
		if (store_setting_put(s, name, hex) == -1)
			goto out;
		memcpy(key, raw, sizeof(raw));
		rc = 0;
	}
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

struct store_writer *
db_writer_new(void)
{
	return store_writer_new();
}

void
db_writer_free(struct store_writer *w)
{
	store_writer_free(w);
}

void
db_set_writer(struct store *s, struct store_writer *w)
{
	store_set_writer(s, w);
}

void
db_defer_sync(struct store *s, int on)
{
	store_defer_sync(s, on);
}

uint64_t
db_write_pending(struct store *s)
{
	return store_write_pending(s);
}

int
db_durable_notify(struct store *s, uint64_t ticket, void (*fn)(void *, int),
    void *arg)
{
	return store_durable_notify(s, ticket, fn, arg);
}

int
db_durable_wait(struct store *s, uint64_t ticket)
{
	return store_durable_wait(s, ticket);
}

int
db_changed(struct store *s)
{
	return store_changed(s, STORE_WATCH_CACHE);
}

uint64_t
db_busy_retries(void)
{
	return store_busy_retries();
}

int
db_backup(struct store *s, const char *path, int step,
    void (*progress)(int done, int total, void *), void *arg)
{
	return store_backup(s, path, step, progress, arg);
}

int
db_restore_file(const char *from, const char *db, char *err, size_t errlen)
{
	return store_restore_file(from, db, err, errlen);
}

int
db_integrity(struct store *s, char *buf, size_t len)
{
	return store_integrity(s, buf, len);
}

struct store *
db_copy_target(const char *url, char *skipped, size_t skippedlen,
    char *err, size_t errlen)
{
	return store_copy_open_pg(url, skipped, skippedlen, err, errlen);
}

struct store *
db_copy_open_full(const char *url, char *err, size_t errlen)
{
	return store_copy_open_full(url, err, errlen);
}

int
db_copy(struct store *from, struct store *to, const struct copy_opts *o,
    struct copy_report *r, char *err, size_t errlen)
{
	return store_copy(from, to, o, r, err, errlen);
}

int
db_copy_verify(struct store *from, struct store *to, struct copy_report *r,
    char *err, size_t errlen)
{
	return store_copy_verify(from, to, r, err, errlen);
}

int
db_copy_has_audit(struct store *s)
{
	return store_copy_has_audit(s);
}

struct store_wal *
db_wal_open(const char *url, char *err, size_t errlen)
{
	return store_wal_open(url, err, errlen);
}

void
db_wal_close(struct store_wal *w)
{
	store_wal_close(w);
}

int
db_wal_position(struct store_wal *w, uint64_t *lsn, int *standby)
{
	return store_wal_position(w, lsn, standby);
}

const char *
db_wal_error(const struct store_wal *w)
{
	return store_wal_error(w);
}

int
db_idle_ok(struct store *s)
{
	return store_idle_ok(s);
}

int
db_unavailable(const struct store *s)
{
	return store_unavailable(s);
}

int
db_outage(void)
{
	return store_outage();
}
