/*
 * fuzz_photo.c: photo uploads (core/photo.c): magic-number sniffing, then
 * libvips decoding and re-encoding within the pixel limits.  Whatever it is
 * given, photo_process either refuses it or returns two JPEGs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/photo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct photo p;
	struct verr e;

	memset(&e, 0, sizeof(e));
	if (photo_process(data, size, &p, &e) == 0) {
		const unsigned char *j = p.jpeg, *t = p.thumb;

		if (p.jpeg_len < 3 || j[0] != 0xff || j[1] != 0xd8 ||
		    p.thumb_len < 3 || t[0] != 0xff || t[1] != 0xd8 ||
		    p.width <= 0 || p.width > VECHE_PHOTO_SIDE ||
		    p.height <= 0 || p.height > VECHE_PHOTO_SIDE)
			abort();
		photo_clear(&p);
	} else if (e.kind == VERR_NONE)
		abort();
	return 0;
}
