/*
 * str.h: small string helpers every layer may call (no policy, no I/O).
 */
#ifndef VECHE_STR_H
#define VECHE_STR_H

/*
 * A malloc'd copy of s (the caller frees it), or NULL for a NULL s.  When
 * memory runs out it returns NULL and sets *failed to 1, so a caller can
 * copy several fields and check once.
 */
char *str_dup_or_null(const char *s, int *failed);

/*
 * Whether the string s is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF): what PostgreSQL accepts as text.
 */
int str_utf8_valid(const char *s);

#endif
