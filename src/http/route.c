/*
 * route.c: matching a path against the routing table, and the parameters a
 * route declares.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "http/internal.h"

struct span {
	const char *name;
	size_t nlen;
	const char *value;
	size_t vlen;
};

/*
 * Match path against pattern; a {name} takes one or more bytes up to the
 * next literal byte of the pattern (or the end) and never a '/'.  Returns
 * the number of variables (into sp) plus one, or 0 for no match.
 */
static size_t
match(const char *pat, const char *path, struct span *sp)
{
	const char *p = pat, *s = path;
	size_t n = 0;

	while (*p != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}'), *v = s;
			char stop;

			if (close == NULL || n == VECHE_MAX_PATH_VARS)
				return 0;
			stop = close[1];
			while (*s != '\0' && *s != '/' && *s != stop)
				s++;
			if (s == v)
				return 0;
			sp[n].name = p + 1;
			sp[n].nlen = (size_t)(close - p - 1);
			sp[n].value = v;
			sp[n].vlen = (size_t)(s - v);
			n++;
			p = close + 1;
		} else {
			if (*p != *s)
				return 0;
			p++;
			s++;
		}
	}
	return *s == '\0' ? n + 1 : 0;
}

const struct http_route *
http_route_find(const struct http_route *routes, size_t nroutes,
    enum http_method method, const char *path, struct arena *arena,
    struct path_var *vars, size_t *nvars, unsigned *allowed)
{
	struct span sp[VECHE_MAX_PATH_VARS], best[VECHE_MAX_PATH_VARS];
	const struct http_route *found = NULL, *get = NULL;
	size_t i, m, nbest = 0, nget = 0;
	struct span getsp[VECHE_MAX_PATH_VARS];

	*nvars = 0;
	*allowed = 0;
	for (i = 0; i < nroutes; i++) {
		const struct http_route *r = &routes[i];

		if ((m = match(r->pattern, path, sp)) == 0)
			continue;
		*allowed |= 1u << r->method;
		if (r->method == HTTP_GET)
			*allowed |= 1u << HTTP_HEAD;
		if (found == NULL && r->method == method) {
			found = r;
			nbest = m - 1;
			memcpy(best, sp, nbest * sizeof(sp[0]));
		} else if (get == NULL && r->method == HTTP_GET &&
		    method == HTTP_HEAD) {
			get = r;
			nget = m - 1;
			memcpy(getsp, sp, nget * sizeof(sp[0]));
		}
	}
	if (found == NULL && get != NULL) {
		found = get;
		nbest = nget;
		memcpy(best, getsp, nget * sizeof(sp[0]));
	}
	if (found == NULL)
		return NULL;

	for (i = 0; i < nbest; i++) {
		vars[i].name = arena_strndup(arena, best[i].name, best[i].nlen);
		vars[i].value = arena_strndup(arena, best[i].value,
		    best[i].vlen);
		if (vars[i].name == NULL || vars[i].value == NULL) {
			*allowed = 0;
			return NULL;
		}
	}
	*nvars = nbest;
	return found;
}

/* How route declares name: 0 not at all, PARAM_ONE or PARAM_LIST. */
enum { PARAM_NONE, PARAM_ONE, PARAM_LIST };

static int
declared(const struct http_route *route, const char *name)
{
	const char *const *d;
	size_t nlen = strlen(name);

	if (route == NULL || route->params == NULL)
		return PARAM_NONE;
	for (d = route->params; *d != NULL; d++) {
		size_t len = strlen(*d);

		if (len > 0 && (*d)[len - 1] == '[') {
			/* A prefix: "attribute[x][]" is a list, as its
			 * brackets say; "attribute[x]" is one value. */
			if (strncmp(name, *d, len) == 0)
				return nlen >= 2 && strcmp(name + nlen - 2,
				    "[]") == 0 ? PARAM_LIST : PARAM_ONE;
		} else if (len > 0 && (*d)[len - 1] == '*') {
			if (nlen == len - 1 && strncmp(name, *d, nlen) == 0)
				return PARAM_LIST;
		} else if (strcmp(name, *d) == 0) {
			return PARAM_ONE;
		}
	}
	return PARAM_NONE;
}

int
http_route_filter(const struct http_route *route, struct form_params *params,
    const char **repeated)
{
	size_t i, j, k;

	*repeated = NULL;
	for (i = j = 0; i < params->n; i++) {
		const struct http_param *p = &params->v[i];
		int how = declared(route, p->name);

		if (how == PARAM_NONE)
			continue;
		if (how == PARAM_ONE)
			for (k = 0; k < j; k++)
				if (strcmp(params->v[k].name, p->name) == 0) {
					*repeated = p->name;
					return -1;
				}
		params->v[j++] = *p;
	}
	params->n = j;
	return 0;
}

int
http_route_allow(unsigned allowed, char *buf, size_t size)
{
	size_t used = 0;
	int m, n;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (m = 0; m < HTTP_METHOD__MAX; m++) {
		if ((allowed & (1u << m)) == 0)
			continue;
		n = snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? ", " : "", http_method_name(m));
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}
