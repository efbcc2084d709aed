/* fetch.c: the listening sources' GET over libcurl (fetch.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "veche.h"
#include "net/fetch.h"
#include "net/guard.h"

struct sink {
	struct net_got *got;
	size_t cap, max;
	int over;
};

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char *grown;

	if (s->got->len + n > s->max) {
		s->over = 1;
		return 0;               /* aborts the transfer */
	}
	if (s->got->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;

		while (cap < s->got->len + n + 1)
			cap *= 2;
		if (cap > s->max + 1)
			cap = s->max + 1;
		if ((grown = realloc(s->got->body, cap)) == NULL)
			return 0;
		s->got->body = grown;
		s->cap = cap;
	}
	memcpy(s->got->body + s->got->len, p, n);
	s->got->len += n;
	s->got->body[s->got->len] = '\0';
	return n;
}

/* Copy a header's value (trimmed) into buf when the line is name:. */
static void
header_value(const char *line, size_t n, const char *name, char *buf,
    size_t len)
{
	size_t k = strlen(name), v;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && isspace((unsigned char)*line)) {
		line++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	v = n < len - 1 ? n : len - 1;
	memcpy(buf, line, v);
	buf[v] = '\0';
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_got *got = arg;
	size_t n = size * nmemb;
	char ctype[256] = "", *cs;

	/* A redirect's headers are not the final answer's. */
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		got->etag[0] = got->last_modified[0] = got->charset[0] = '\0';
		return n;
	}
	header_value(p, n, "ETag", got->etag, sizeof(got->etag));
	header_value(p, n, "Last-Modified", got->last_modified,
	    sizeof(got->last_modified));
	header_value(p, n, "Content-Type", ctype, sizeof(ctype));
	if (ctype[0] != '\0' && (cs = strcasestr(ctype, "charset=")) != NULL) {
		cs += 8;
		if (*cs == '"')
			cs++;
		snprintf(got->charset, sizeof(got->charset), "%.*s",
		    (int)strcspn(cs, "\"; "), cs);
	}
	return n;
}

void
net_got_free(struct net_got *got)
{
	free(got->body);
	memset(got, 0, sizeof(*got));
}

int
net_get(const struct net_get *rq, struct net_got *got, char *err,
    size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "", inm[300], ims[160];
	struct curl_slist *h = NULL, *t;
	struct sink sink;
	struct net_guard guard;
	CURLcode rc;
	CURL *c;
	int ret = -1;

	memset(got, 0, sizeof(*got));
	memset(&sink, 0, sizeof(sink));
	sink.got = got;
	sink.max = rq->max_bytes;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rq->etag != NULL && rq->etag[0] != '\0') {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", rq->etag);
		if ((t = curl_slist_append(h, inm)) != NULL)
			h = t;
	}
	if (rq->last_modified != NULL && rq->last_modified[0] != '\0') {
		snprintf(ims, sizeof(ims), "If-Modified-Since: %s",
		    rq->last_modified);
		if ((t = curl_slist_append(h, ims)) != NULL)
			h = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	net_guard_apply(c, &guard, rq->allow_private);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, rq->timeout_ms);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "veche/" VECHE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, got);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)rq->max_bytes);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &got->status);
	if (rc != CURLE_OK && guard.refused[0] != '\0')
		snprintf(err, errlen, "%s", guard.refused);
	else if (sink.over || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(err, errlen, "longer than %zu bytes", rq->max_bytes);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "no complete answer within %ld ms",
		    rq->timeout_ms);
	else if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", cerr[0] ? cerr :
		    curl_easy_strerror(rc));
	else if (got->status != 200 && got->status != 304)
		snprintf(err, errlen, "HTTP %ld", got->status);
	else
		ret = 0;
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (ret == -1)
		net_got_free(got);
	return ret;
}
