/*
 * fuzz_web_cookie.c: the Cookie header parser of the web pages (web.c).
 * The input is a header value; every cookie name veche reads is looked up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "veche_csrf", "veche_device",
	    "veche_lang" };
	char *header, buf[WEB_TOKEN_LEN];
	size_t i;

	if ((header = malloc(size + 1)) == NULL)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		if (web_cookie(header, names[i], buf, sizeof(buf)) == 0 &&
		    memchr(buf, '\0', sizeof(buf)) == NULL)
			abort();
		if (web_cookie(header, names[i], buf, sizeof(buf)) == 0)
			(void)web_token_ok(buf);
	}
	free(header);
	return 0;
}
