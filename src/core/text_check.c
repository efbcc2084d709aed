/* text_check.c: the check of a typed text field (text_check.h). */
#include <stddef.h>

#include "core/error.h"
#include "core/parse.h"
#include "core/text_check.h"

int
text_check(const char *field, const char *v, int flags, size_t max,
    struct verr *e)
{
	size_t chars, bad;

	if (v == NULL || *v == '\0') {
		if (flags & TEXT_CHECK_REQUIRED)
			return verr_set(e, VERR_INVALID, field, "%s: required",
			    field);
		return 0;
	}
	if (parse_utf8(v, (flags & TEXT_CHECK_MULTILINE) != 0, &chars,
	    &bad) == -1)
		return verr_set(e, VERR_INVALID, field, "%s: invalid UTF-8 or "
		    "a control character at byte %zu", field, bad);
	if (chars > max)
		return verr_set(e, VERR_INVALID, field, "%s: %zu characters, "
		    "at most %zu allowed", field, chars, max);
	return 0;
}
