/*
 * fuzz_datetime.c: the W3C date-time parser (datetime_parse), which reads
 * Open311's start_date/end_date, datetime attributes, --now and
 * VECHE_CLOCK.
 *
 * A refusal must leave a message; an accepted time must format and parse
 * back to the same instant (the round trip a client relies on), and the
 * memo the lists format through (datetime_format_memo) must write the same
 * text as datetime_format.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zoned;
	static struct datetime_memo memo;
	char *s, err[256], buf[DATETIME_LEN], mbuf[DATETIME_LEN];
	int64_t t, back;

	if (!zoned) {
		if (datetime_set_zone("Europe/Moscow") == -1)
			abort();
		zoned = 1;
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	if (datetime_parse(s, &t, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort();
	} else {
		datetime_format(t, buf, sizeof(buf));
		if (strcmp(datetime_format_memo(&memo, t, mbuf, sizeof(mbuf)),
		    buf) != 0)
			abort();
		if (datetime_parse(buf, &back, err, sizeof(err)) == -1 ||
		    back != t)
			abort();
	}
	free(s);
	return 0;
}
