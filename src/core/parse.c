/* parse.c: strict parsing of numbers and checks on outside text. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "core/parse.h"

int
parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;
	char *end;
	long long v;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int
parse_double(const char *s, double *out)
{
	const char *p = s;
	char *end;
	double v;
	int digits = 0;

	/* Only [+-]digits[.digits][e[+-]digits]: strtod alone takes more. */
	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
parse_utf8(const char *s, int multiline, size_t *chars, size_t *bad)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t off = 0, n = 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t len;

	while (p[off] != '\0') {
		len = utf8proc_iterate(p + off, -1, &cp);
		if (len < 0 || cp < 0)
			goto fail;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			if (!multiline || (cp != '\n' && cp != '\r' &&
			    cp != '\t'))
				goto fail;
		}
		off += (size_t)len;
		n++;
	}
	*chars = n;
	return 0;
fail:
	*bad = off;
	return -1;
}

int
parse_email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot, *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	dot = strrchr(at, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"')
			return 0;
	return 1;
}

int
parse_phone_ok(const char *s)
{
	int digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr("+()- ", *s) == NULL)
			return 0;
	}
	return digits >= 5 && digits <= 15;
}

int
parse_url_ok(const char *s)
{
	const char *p;

	if (strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	if (*p == '\0' || *p == '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f ||
		    *p == '"' || *p == '<' || *p == '>')
			return 0;
	return 1;
}
