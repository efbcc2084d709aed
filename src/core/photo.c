/*
 * photo.c: keeping citizens' photos (see photo.h): the bytes go to the
 * confined photo worker, what comes back goes to files and rows.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/photo.h"
#include "core/photo_sandbox.h"
#include "store/store.h"
#include "store/store_social.h"

/* fsync the folder dir, so that a rename into it survives a power cut. */
static int
sync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Write data to path through a temporary file, an fsync and a rename: the
 * report's row is committed after this, and a committed report must not
 * name a photo a power cut took (the folder is synced by the caller).
 */
static int
write_file(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
save(const char *dir, const char *id, const char *suffix, const void *data,
    size_t len)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s%s.jpg", dir, id, suffix);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return write_file(path, data, len) == -1 || sync_dir(dir) == -1 ?
	    -1 : 0;
}

void
photo_remove(const char *dir, const char *id)
{
	char path[PATH_MAX];
	int n;

	if (dir == NULL || id == NULL || id[0] == '\0')
		return;
	n = snprintf(path, sizeof(path), "%s/%s.jpg", dir, id);
	if (n > 0 && (size_t)n < sizeof(path))
		unlink(path);
	n = snprintf(path, sizeof(path), "%s/%s-thumb.jpg", dir, id);
	if (n > 0 && (size_t)n < sizeof(path))
		unlink(path);
}

int
photo_save(const char *dir, const void *buf, size_t len,
    struct photo_file *out, struct verr *e)
{
	unsigned char raw[VECHE_TOKEN_HEX / 2];
	struct photo p;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (dir == NULL || dir[0] == '\0')
		return verr_set(e, VERR_INTERNAL, NULL, "photo: no media "
		    "folder configured");
	if (photo_decode_isolated(buf, len, &p, e) == -1)
		return -1;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out->id, PHOTO_ID_LEN, raw, sizeof(raw));
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		verr_set(e, VERR_INTERNAL, NULL, "photo: cannot create %s: %s",
		    dir, strerror(errno));
		goto out;
	}
	if (save(dir, out->id, "", p.jpeg, p.jpeg_len) == -1 ||
	    save(dir, out->id, "-thumb", p.thumb, p.thumb_len) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "photo: cannot write to %s: "
		    "%s", dir, strerror(errno));
		photo_remove(dir, out->id);
		goto out;
	}
	out->width = p.width;
	out->height = p.height;
	out->bytes = (int64_t)p.jpeg_len;
	rc = 0;
out:
	photo_clear(&p);
	if (rc == -1)
		out->id[0] = '\0';
	return rc;
}

int
photo_record(struct store *s, const struct photo_file *f, int64_t now,
    struct verr *e)
{
	if (store_photo_insert(s, f->id, f->width, f->height, f->bytes,
	    now) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "photo: %s",
		    store_error(s));
	return 0;
}

int
photo_store(struct store *s, const char *dir, const void *buf, size_t len,
    int64_t now, char id[PHOTO_ID_LEN], struct verr *e)
{
	struct photo_file f;

	id[0] = '\0';
	if (photo_save(dir, buf, len, &f, e) == -1)
		return -1;
	if (photo_record(s, &f, now, e) == -1) {
		photo_remove(dir, f.id);
		return -1;
	}
	memcpy(id, f.id, PHOTO_ID_LEN);
	return 0;
}

int
photo_name_ok(const char *name)
{
	size_t i;

	for (i = 0; i < VECHE_TOKEN_HEX; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return strcmp(name + i, ".jpg") == 0 ||
	    strcmp(name + i, "-thumb.jpg") == 0;
}
