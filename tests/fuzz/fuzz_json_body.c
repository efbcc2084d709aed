/*
 * fuzz_json_body.c: the JSON bodies of the action routes (api/body.h):
 * POST /api/v1/reports/{id}/{action} and servicerequestupdates.
 *
 * The input is a request body.  A refusal must say so in words naming the
 * body; an accepted body must be an object whose every member reads as
 * text without a NUL inside and without reading past its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The members the action routes read (api/workflow.c). */
	static const char *const names[] = { "text", "reason", "days",
	    "agency", "note", "token", "fixed", "status", "description",
	    "service_request_id", "api_key", "updated_datetime" };
	char err[256], buf[32];
	const char *key, *v;
	json_t *body, *member;
	size_t i;

	err[0] = '\0';
	if ((body = body_json_parse(data, size, err, sizeof(err))) == NULL) {
		if (strncmp(err, "body: ", 6) != 0 ||
		    memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		return 0;
	}
	if (!json_is_object(body))
		abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = body_json_field(body, names[i], buf,
		    sizeof(buf))) != NULL && v[0] == '\0')
			abort();
	json_object_foreach(body, key, member) {
		v = body_json_field(body, key, buf, sizeof(buf));
		if (v != NULL && json_is_string(member) &&
		    strlen(v) != json_string_length(member))
			abort();
	}
	json_decref(body);
	return 0;
}
