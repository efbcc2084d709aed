/* photo.c: checking and re-encoding photos with libvips (see photo.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>

#include "core/photo.h"
#include "store/store.h"
#include "store/store_social.h"

#define PHOTO_QUALITY   82
#define THUMB_QUALITY   75

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ready;

/*
 * libvips is started once per process.  Only the three loaders veche sniffs
 * for ever see outside bytes; untrusted loaders (ImageMagick, PDF ...) are
 * blocked besides, and the operation cache is off so that no decoded
 * pixels outlive a request.
 */
static void
vips_start(void)
{
	if (VIPS_INIT("veche") != 0)
		return;
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	vips_block_untrusted_set(TRUE);
	vips_ready = 1;
}

enum photo_kind
photo_sniff(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return PHOTO_JPEG;
	if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return PHOTO_PNG;
	if (len >= 12 && memcmp(b, "RIFF", 4) == 0 &&
	    memcmp(b + 8, "WEBP", 4) == 0)
		return PHOTO_WEBP;
	return PHOTO_KIND__MAX;
}

void
photo_clear(struct photo *p)
{
	if (p == NULL)
		return;
	g_free(p->jpeg);
	g_free(p->thumb);
	memset(p, 0, sizeof(*p));
}

/* Load the header only, through the loader for kind. */
static VipsImage *
load_header(enum photo_kind kind, const void *buf, size_t len)
{
	VipsImage *img = NULL;
	int rc = -1;

	switch (kind) {
	case PHOTO_JPEG:
		rc = vips_jpegload_buffer((void *)buf, len, &img, NULL);
		break;
	case PHOTO_PNG:
		rc = vips_pngload_buffer((void *)buf, len, &img, NULL);
		break;
	case PHOTO_WEBP:
		rc = vips_webpload_buffer((void *)buf, len, &img, NULL);
		break;
	default:
		break;
	}
	return rc == 0 ? img : NULL;
}

/* Shrink to side, upright, flattened onto white, as stripped JPEG. */
static int
encode(const void *buf, size_t len, int side, int quality, void **out,
    size_t *outlen, int *w, int *h)
{
	VipsImage *img = NULL, *flat = NULL, *srgb = NULL;
	VipsArrayDouble *white = NULL;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	if (vips_thumbnail_buffer((void *)buf, len, &img, side, "height", side,
	    "size", VIPS_SIZE_DOWN, NULL) != 0)
		goto out;
	if (vips_image_hasalpha(img)) {
		white = vips_array_double_newv(1, 255.0);
		if (vips_flatten(img, &flat, "background", white, NULL) != 0)
			goto out;
	} else {
		flat = img;
		g_object_ref(flat);
	}
	if (vips_colourspace(flat, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
		goto out;
	/* Wait for every pixel: a truncated file fails here, not later. */
	if (vips_jpegsave_buffer(srgb, out, outlen, "Q", quality, "strip",
	    TRUE, "optimize_coding", TRUE, NULL) != 0)
		goto out;
	*w = vips_image_get_width(srgb);
	*h = vips_image_get_height(srgb);
	rc = 0;
out:
	if (white != NULL)
		vips_area_unref(VIPS_AREA(white));
	if (srgb != NULL)
		g_object_unref(srgb);
	if (flat != NULL)
		g_object_unref(flat);
	if (img != NULL)
		g_object_unref(img);
	if (rc == -1) {
		g_free(*out);
		*out = NULL;
	}
	return rc;
}

int
photo_process(const void *buf, size_t len, struct photo *out,
    struct verr *e)
{
	enum photo_kind kind = photo_sniff(buf, len);
	VipsImage *hdr;
	uint64_t pixels;
	int tw, th;

	memset(out, 0, sizeof(*out));
	if (len > VECHE_MAX_PHOTO_BYTES)
		return verr_set(e, VERR_INVALID, "photo", "photo: %zu bytes, "
		    "at most %u allowed", len, VECHE_MAX_PHOTO_BYTES);
	if (kind == PHOTO_KIND__MAX)
		return verr_set(e, VERR_INVALID, "photo", "photo: not a JPEG, "
		    "PNG or WebP image");
	pthread_once(&vips_once, vips_start);
	if (!vips_ready)
		return verr_set(e, VERR_INTERNAL, NULL, "photo: libvips did "
		    "not start");
	if ((hdr = load_header(kind, buf, len)) == NULL) {
		vips_error_clear();
		return verr_set(e, VERR_INVALID, "photo", "photo: the image "
		    "cannot be read");
	}
	pixels = (uint64_t)vips_image_get_width(hdr) *
	    (uint64_t)vips_image_get_height(hdr);
	g_object_unref(hdr);
	if (pixels > VECHE_MAX_PHOTO_PIXELS)
		return verr_set(e, VERR_INVALID, "photo", "photo: %llu pixels, "
		    "at most %u allowed", (unsigned long long)pixels,
		    VECHE_MAX_PHOTO_PIXELS);
	if (encode(buf, len, VECHE_PHOTO_SIDE, PHOTO_QUALITY, &out->jpeg,
	    &out->jpeg_len, &out->width, &out->height) == -1 ||
	    encode(buf, len, VECHE_THUMB_SIDE, THUMB_QUALITY, &out->thumb,
	    &out->thumb_len, &tw, &th) == -1) {
		vips_error_clear();
		photo_clear(out);
		return verr_set(e, VERR_INVALID, "photo", "photo: the image "
		    "is damaged or cannot be decoded");
	}
	return 0;
}

/* Write data to path through a temporary file and a rename. */
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
	return write_file(path, data, len);
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
	if (photo_process(buf, len, &p, e) == -1)
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
