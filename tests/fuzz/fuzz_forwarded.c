/*
 * fuzz_forwarded.c: X-Forwarded-For and address parsing (src/http/remote.c).
 *
 * The input, split at its NUL bytes, is a list of header values (at most
 * 16, as the server keeps); the first value is also tried as a trusted-proxy
 * list.  The client found must be an address that is none of the proxies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/remote.h"

#define MAX_VALUES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *values[MAX_VALUES];
	struct in6_addr proxies[2], client, *list = NULL;
	char *buf, *p, *end, err[200];
	size_t n = 0, nlist = 0, i;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf, end = buf + size; p <= end && n < MAX_VALUES;
	    p += strlen(p) + 1)
		values[n++] = p;

	if (remote_parse_proxies(values[0], &list, &nlist, err,
	    sizeof(err)) == 0) {
		if ((list == NULL) != (nlist == 0))
			abort();
	} else if (list != NULL || memchr(err, '\0', sizeof(err)) == NULL) {
		abort();
	}
	free(list);

	remote_parse_addr("10.0.0.1", 8, &proxies[0]);
	remote_parse_addr("::1", 3, &proxies[1]);
	if (remote_forwarded(values, n, proxies, 2, &client) == 0)
		for (i = 0; i < 2; i++)
			if (memcmp(&client, &proxies[i], sizeof(client)) == 0)
				abort();
	free(buf);
	return 0;
}
