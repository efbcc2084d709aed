/*
 * fuzz_ratings_period.c: the ratings' period parser (ratings_period_parse),
 * which reads ?period=, ?from= and ?to= of /ratings and
 * /api/v1/ratings.json.  The input is split at NUL bytes into period, from
 * and to; an empty part stands for a parameter not given.
 *
 * A refusal must name a field and say why; an accepted period must start
 * no later than it ends, with two dates of ten characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/ratings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zoned;
	const char *part[3] = { NULL, NULL, NULL };
	struct ratings_period p;
	struct verr e;
	char *s, *at;
	size_t i;

	if (!zoned) {
		if (datetime_set_zone("Europe/Moscow") == -1)
			abort();
		zoned = 1;
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0, at = s; i < 3 && at <= s + size; i++) {
		if (*at != '\0')
			part[i] = at;
		at += strlen(at) + 1;
	}
	memset(&e, 0, sizeof(e));
	/* 2026-06-15T10:00:00+03:00, the tests' instant. */
	if (ratings_period_parse(part[0], part[1], part[2], 1781506800, &p,
	    &e) == -1) {
		if (e.field[0] == '\0' || e.message[0] == '\0')
			abort();
	} else if (p.from > p.to || strlen(p.from_date) != 10 ||
	    strlen(p.to_date) != 10) {
		abort();
	}
	free(s);
	return 0;
}
