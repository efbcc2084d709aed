/*
 * static.c: files under cfg->static_dir served at /static/<path>.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

/* Browsers may keep static files an hour. */
#define STATIC_CACHE_CONTROL "public, max-age=3600"

static const struct {
	const char *ext;
	const char *type;
} static_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".csv", "text/csv; charset=utf-8; header=present" },
	{ ".jsonl", "application/jsonl" },
	{ ".geojson", "application/geo+json" },
};

static const char *
static_type(const char *rel)
{
	size_t i, len = strlen(rel);

	for (i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++) {
		size_t el = strlen(static_types[i].ext);

		if (len > el && strcmp(rel + len - el, static_types[i].ext) == 0)
			return static_types[i].type;
	}
	return "application/octet-stream";
}

/*
 * Whether rel is a plain relative path: segments that are not empty, not
 * "." or "..", and no backslashes.  Hidden names give 404 further on.
 */
static int
static_path_ok(const char *rel)
{
	const char *s = rel, *e;

	if (*s == '\0' || strchr(rel, '\\') != NULL)
		return 0;
	for (;;) {
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s || (e - s == 1 && s[0] == '.') ||
		    (e - s == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (*e == '\0')
			return 1;
		s = e + 1;
	}
}

int
http_static_serve(struct http_request *req, const char *dir, const char *rel,
    const char **message)
{
	char path[PATH_MAX];
	struct stat st;
	int n, fd;

	if (!static_path_ok(rel)) {
		*message = "path must be relative, without '.' or '..'";
		return 400;
	}
	if (rel[0] == '.' || strstr(rel, "/.") != NULL) {
		*message = "no such file";
		return 404;
	}
	n = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		*message = "no such file";
		return 404;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		*message = "no such file";
		return (errno == ENOMEM || errno == EMFILE || errno == ENFILE) ?
		    500 : 404;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		*message = "no such file";
		return 404;
	}
	req->res.fd = fd;
	req->res.fd_size = (uint64_t)st.st_size;
	http_response_type(&req->res, static_type(rel));
	if (http_response_header(&req->res, "Cache-Control",
	    STATIC_CACHE_CONTROL) == -1) {
		*message = "out of memory";
		return 500;
	}
	return 0;
}

int
http_response_file(struct http_request *req, const char *dir,
    const char *rel, const char **message)
{
	return http_static_serve(req, dir, rel, message);
}
