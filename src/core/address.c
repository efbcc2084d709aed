/* address.c: searching the address registry. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/address.h"
#include "store/store.h"

int
search_terms(const char *in, int prefix, char *out, size_t outlen)
{
	size_t len = 0;
	int inword = 0;

	/* Worst case per input byte: a doubled quote; per word: 4 more. */
	if (outlen < 3 * strlen(in) + 4)
		return -1;
	for (; *in != '\0'; in++) {
		unsigned char ch = (unsigned char)*in;

		if (isspace(ch) || ch == ',') {
			if (inword) {
				out[len++] = '"';
				if (prefix)
					out[len++] = '*';
			}
			inword = 0;
			continue;
		}
		if (!inword) {
			if (len > 0)
				out[len++] = ' ';
			out[len++] = '"';
			inword = 1;
		}
		if (ch == '"')
			out[len++] = '"';
		out[len++] = (char)ch;
	}
	if (inword) {
		out[len++] = '"';
		if (prefix)
			out[len++] = '*';
	}
	out[len] = '\0';
	return len > 0 ? 0 : -1;
}

int
address_search(struct store *s, const char *text, size_t limit,
    int (*fn)(const char *address, double lat, double lon, void *arg),
    void *arg, struct verr *e)
{
	size_t n = strlen(text) * 3 + 4;
	char *match;
	int rc;

	if (strlen(text) > VECHE_MAX_ADDRESS)
		return verr_set(e, VERR_INVALID, "q", "q: at most %d bytes",
		    VECHE_MAX_ADDRESS);
	if ((match = malloc(n)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	if (search_terms(text, 1, match, n) == -1) {
		free(match);
		return verr_set(e, VERR_INVALID, "q", "q: type a street and a "
		    "house number");
	}
	rc = store_address_search(s, match, limit, fn, arg);
	free(match);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "address search: %s",
		    store_error(s));
	return rc;
}
