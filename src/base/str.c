/* str.c: small string helpers (see str.h). */
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

char *
str_dup_or_null(const char *s, int *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = 1;
	return d;
}
