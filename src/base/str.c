/* str.c: small string helpers (see str.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

char *
str_dup_or_null(const char *s, int *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = 1;
	return d;
}

int
str_utf8_valid(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned c, n, i;
	uint32_t cp;

	while ((c = *s++) != 0) {
		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		/* A NUL ends the string inside a sequence: not 10xxxxxx. */
		for (i = 0; i < n; i++, s++) {
			if ((*s & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (*s & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 &&
		    cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 ||
		    cp > 0x10FFFF)))
			return 0;
	}
	return 1;
}
