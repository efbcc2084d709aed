/*
 * photo_decode.c: checking and re-encoding photos with libvips (see
 * photo_decode.h).  Runs in the confined photo worker.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vips/vips.h>
#include <vips/vector.h>

#include "core/photo_decode.h"

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

int
photo_decoder_start(void)
{
	pthread_once(&vips_once, vips_start);
	return vips_ready ? 0 : -1;
}

/*
 * glib's messages, plainly on stderr: its own writer looks at what stderr
 * is (getpeername, isatty) and at the time zone file, none of which the
 * sandbox allows.
 */
static GLogWriterOutput
log_plain(GLogLevelFlags level, const GLogField *fields, gsize n,
    gpointer data)
{
	const char *domain = "glib", *msg = NULL;
	gsize i;

	if (level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
		return G_LOG_WRITER_HANDLED;
	for (i = 0; i < n; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0)
			msg = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
	}
	if (msg != NULL)
		fprintf(stderr, "veche: photo-worker: %s: %s\n", domain, msg);
	return G_LOG_WRITER_HANDLED;
}

int
photo_decoder_sandbox(void)
{
	if (photo_decoder_start() == -1)
		return -1;
	/*
	 * No run-time code generation: liborc would write its programs to a
	 * temporary file and map them executable, which the filter forbids.
	 */
	vips_vector_set_enabled(FALSE);
	g_log_set_writer_func(log_plain, NULL, NULL);
	/*
	 * lcms dates the colour profiles it makes (gmtime_r) when a saved
	 * image carries one, and glibc reads /etc/localtime on the first such
	 * call: read it now (found by a browser's JPEG in tests/e2e).
	 */
	tzset();
	return 0;
}

int
photo_check(const void *buf, size_t len, struct verr *e)
{
	if (len > VECHE_MAX_PHOTO_BYTES)
		return verr_set(e, VERR_INVALID, "photo", "photo: %zu bytes, "
		    "at most %u allowed", len, VECHE_MAX_PHOTO_BYTES);
	if (photo_sniff(buf, len) == PHOTO_KIND__MAX)
		return verr_set(e, VERR_INVALID, "photo", "photo: not a JPEG, "
		    "PNG or WebP image");
	return 0;
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
	if (photo_check(buf, len, e) == -1)
		return -1;
	if (photo_decoder_start() == -1)
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

