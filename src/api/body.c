/* body.c: JSON request bodies (body.h). */
#include <stdio.h>

#include "api/body.h"

json_t *
body_json_parse(const void *body, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j;

	/* No JSON_ALLOW_NUL: "\u0000" is refused, as a NUL in a form is. */
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		snprintf(err, errlen, "body: expected a JSON object (%s at line "
		    "%d, column %d)", jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		snprintf(err, errlen, "body: expected a JSON object, not %s",
		    json_is_array(j) ? "an array" : "a single value");
		json_decref(j);
		return NULL;
	}
	return j;
}

const char *
body_json_field(const json_t *body, const char *name, char *buf,
    size_t buflen)
{
	const json_t *j = json_object_get(body, name);
	const char *v;

	if (j == NULL)
		return NULL;
	if (json_is_string(j))
		v = json_string_value(j);
	else if (json_is_integer(j)) {
		snprintf(buf, buflen, "%lld", (long long)json_integer_value(j));
		v = buf;
	} else if (json_is_boolean(j))
		v = json_is_true(j) ? "true" : "false";
	else
		return NULL;
	return *v != '\0' ? v : NULL;
}
