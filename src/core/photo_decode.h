/*
 * photo_decode.h: turning untrusted image bytes into clean JPEGs with
 * libvips, in the calling process.  Only the photo worker (a confined
 * child, core/photo_sandbox.h) and the fuzz target call photo_process; the
 * server goes through photo_decode_isolated.  Nothing here touches files,
 * the store or the network.
 */
#ifndef VECHE_PHOTO_DECODE_H
#define VECHE_PHOTO_DECODE_H

#include <stddef.h>

#include "veche.h"
#include "core/error.h"

enum photo_kind {
	PHOTO_JPEG,
	PHOTO_PNG,
	PHOTO_WEBP,
	PHOTO_KIND__MAX
};

/* The kind of image buf holds by its magic number, or PHOTO_KIND__MAX. */
enum photo_kind photo_sniff(const void *buf, size_t len);

/*
 * The checks made before any decoding: at most VECHE_MAX_PHOTO_BYTES and a
 * JPEG, PNG or WebP magic number.  Returns 0, or -1 with e set
 * (VERR_INVALID naming field "photo").
 */
int photo_check(const void *buf, size_t len, struct verr *e);

/*
 * A re-encoded photo: JPEG bytes of the photo and its thumbnail (malloc'd,
 * owned by the struct; free with photo_clear) and the photo's size.
 */
struct photo {
	void *jpeg;
	size_t jpeg_len;
	void *thumb;
	size_t thumb_len;
	int width;
	int height;
};

/*
 * Start libvips for this process (once; later calls return at once), with
 * only veche's three loaders open to outside bytes and no operation cache.
 * Returns 0, or -1 if it did not start.
 */
int photo_decoder_start(void);

/*
 * photo_decoder_start, then what must happen before the process is
 * confined (sandbox_enter): libvips's run-time code generator (liborc),
 * which writes its programs to a temporary file and maps them executable,
 * is turned off, glib's messages go plainly to stderr, and the time zone
 * is loaded.  Returns 0, or -1 if libvips did not start.
 */
int photo_decoder_sandbox(void);

/*
 * Check and re-encode the image in buf.  Returns 0 and fills *out, or -1
 * with e set: VERR_INVALID naming field "photo" for what is not a JPEG,
 * PNG or WebP image within the limits, VERR_INTERNAL otherwise.
 */
int photo_process(const void *buf, size_t len, struct photo *out,
    struct verr *e);

/* Free what photo_process made; accepts a zeroed or cleared struct. */
void photo_clear(struct photo *p);

#endif
