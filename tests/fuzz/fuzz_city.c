/*
 * fuzz_city.c: the city file (JSON, GeoJSON areas through GEOS, address
 * registry) and the search-term builder.
 *
 * The whole input is one city file, imported into an in-memory store: it is
 * either refused with a message saying where, or imported whole, after which
 * the catalogue loads and routes a point without trouble.  One store serves
 * every input (opening one, with its migrations, costs far more than an
 * import): an import replaces what an earlier one wrote, as it does for a
 * deployment that imports its city file again.  The same bytes,
 * as text, go through search_terms, whose output must stay within its
 * documented bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/address.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
terms(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out = NULL;
	size_t n;

	if (in == NULL)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	/* The bound is on the text up to its first NUL. */
	n = 3 * strlen(in) + 4;
	if ((out = malloc(n)) == NULL) {
		free(in);
		return;
	}
	if (search_terms(in, 1, out, n) == 0 && strlen(out) >= n)
		abort();
	/* Too small a buffer is refused, never overrun. */
	if (search_terms(in, 1, out, n - 1) == 0)
		abort();
	free(out);
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store *s;
	static unsigned runs;
	struct catalog *c;
	struct verr e;
	char err[512];

	terms(data, size);
	/*
	 * An import adds to what earlier ones left (agencies not in a file
	 * stay), so a store kept for ever makes every catalog_load slower:
	 * start a fresh one every 1,024 inputs.
	 */
	if (s != NULL && ++runs % 1024 == 0) {
		store_close(s);
		s = NULL;
	}
	if (s == NULL && (s = store_open(":memory:", err, sizeof(err))) == NULL)
		abort();
	memset(&e, 0, sizeof(e));
	if (city_import_json(s, (const char *)data, size, &e) == -1) {
		if (e.message[0] == '\0')
			abort();
	} else {
		if ((c = catalog_load(s, err, sizeof(err))) == NULL)
			abort();
		(void)catalog_route(c, "x", 1, 60.0, 30.0);
		catalog_free(c);
	}
	return 0;
}
