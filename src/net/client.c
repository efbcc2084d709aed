/* client.c: an HTTP POST over libcurl, for webhooks. */
#include <stdio.h>

#include <curl/curl.h>

#include "veche.h"
#include "net/guard.h"
#include "net/net.h"

int
net_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* Discard what the receiver answers. */
static size_t
discard(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

int
net_post(const char *url, const char *const *headers, const char *body,
    size_t len, long timeout_ms, int allow_private, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE];
	struct net_guard guard;
	struct curl_slist *h = NULL, *t;
	long status = 0;
	CURLcode rc;
	CURL *c = NULL;
	int ret = -1;

	for (; headers != NULL && *headers != NULL; headers++) {
		if ((t = curl_slist_append(h, *headers)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		h = t;
	}
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* Only the configured URL: no redirects, no other protocols. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "veche/" VECHE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	net_guard_apply(c, &guard, allow_private);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		snprintf(err, errlen, "%s", guard.refused[0] ? guard.refused :
		    cerr[0] ? cerr : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "HTTP %ld", status);
		goto out;
	}
	ret = 0;
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return ret;
}
