/* error.c: filling a struct verr. */
#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

int
verr_set(struct verr *e, enum verr_kind kind, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->kind = kind;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}
