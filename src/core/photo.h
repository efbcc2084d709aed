/*
 * photo.h: citizens' photos.  An upload is accepted only when its bytes
 * are a JPEG, PNG or WebP image (by magic number, whatever its name or
 * declared type says) of at most VECHE_MAX_PHOTO_BYTES and
 * VECHE_MAX_PHOTO_PIXELS.  It is decoded and re-encoded with libvips:
 * turned upright by its EXIF orientation, shrunk to VECHE_PHOTO_SIDE,
 * written as JPEG with every metadata block (EXIF, XMP, ICC, GPS) removed,
 * and a VECHE_THUMB_SIDE thumbnail is made beside it.  Nothing of the
 * original is kept.
 *
 * The decoding happens in a confined child process (core/photo_sandbox.h,
 * core/photo_decode.h); this module, in the server, writes the clean bytes
 * it gets back to files and rows.
 */
#ifndef VECHE_PHOTO_H
#define VECHE_PHOTO_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "core/error.h"
#include "core/photo_decode.h"

struct store;

#define PHOTO_ID_LEN (VECHE_TOKEN_HEX + 1)

/* A photo written to the media folder. */
struct photo_file {
	char id[PHOTO_ID_LEN];    /* random hex name */
	int width;
	int height;
	int64_t bytes;            /* of <id>.jpg */
};

/*
 * Process buf in the photo worker (photo_decode_isolated) and write
 * <dir>/<id>.jpg and <dir>/<id>-thumb.jpg (dir is created if missing), no
 * row in the store yet.  Returns 0 and fills *out,
 * or -1 with e set and no file left.  The caller records it with
 * photo_record or takes it back with photo_remove.
 */
int photo_save(const char *dir, const void *buf, size_t len,
    struct photo_file *out, struct verr *e);

/*
 * The store's row of a saved photo (inside the caller's transaction, if
 * any).  Returns 0, or -1 with e set (VERR_INTERNAL).
 */
int photo_record(struct store *s, const struct photo_file *f, int64_t now,
    struct verr *e);

/* Delete the files of photo id from dir, if there; errors are ignored. */
void photo_remove(const char *dir, const char *id);

/*
 * photo_save and photo_record in one: the photo is kept, row and files,
 * or nothing is.  id receives the new photo's random hex name.  Returns 0,
 * or -1 with e set.
 */
int photo_store(struct store *s, const char *dir, const void *buf,
    size_t len, int64_t now, char id[PHOTO_ID_LEN], struct verr *e);

/*
 * Whether name is a photo file name photo_store makes: "<id>.jpg" or
 * "<id>-thumb.jpg" with id VECHE_TOKEN_HEX lowercase hex digits.
 */
int photo_name_ok(const char *name);

#endif
