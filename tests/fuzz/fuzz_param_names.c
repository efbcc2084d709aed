/*
 * fuzz_param_names.c: the bracketed field names of report forms
 * (form_name_segments): Open311's attribute[code] and attribute[code][],
 * the web form's attr[service][code] and attr[service][code][].
 *
 * The input is a field name.  Accepted segments must be non-empty, inside
 * the name, free of brackets, and put back together give the name again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *name, const char *prefix, size_t nseg)
{
	struct form_segment seg[2];
	char again[4200];
	size_t i, at;
	int list;

	if (form_name_segments(name, prefix, seg, nseg, &list) == -1)
		return;
	at = (size_t)snprintf(again, sizeof(again), "%s", prefix);
	for (i = 0; i < nseg; i++) {
		if (seg[i].len == 0 || seg[i].s < name ||
		    seg[i].s + seg[i].len > name + strlen(name) ||
		    memchr(seg[i].s, '[', seg[i].len) != NULL ||
		    memchr(seg[i].s, ']', seg[i].len) != NULL)
			abort();
		at += (size_t)snprintf(again + at, sizeof(again) - at, "[%.*s]",
		    (int)seg[i].len, seg[i].s);
	}
	snprintf(again + at, sizeof(again) - at, "%s", list ? "[]" : "");
	if (strcmp(again, name) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name;

	if (size > 4000 || (name = malloc(size + 1)) == NULL)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	check(name, "attribute", 1);
	check(name, "attr", 2);
	free(name);
	return 0;
}
