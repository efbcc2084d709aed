/* smtp.c: mail_send over libcurl's SMTP. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "veche.h"
#include "net/net.h"

/* libcurl reads the message from here. */
struct upload {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int
mail_send(const struct mail_server *srv, const char *to, const char *message,
    char *err, size_t errlen)
{
	char from[VECHE_MAX_EMAIL + 3], rcpt[VECHE_MAX_EMAIL + 3];
	char cerr[CURL_ERROR_SIZE];
	struct curl_slist *rcpts = NULL;
	struct upload u = { message, strlen(message) };
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	if (srv->url == NULL || srv->from == NULL) {
		snprintf(err, errlen, "mail is not configured (mail.smtp_url, "
		    "mail.from)");
		return -1;
	}
	if (strncmp(srv->url, "smtp://", 7) != 0 &&
	    strncmp(srv->url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "mail.smtp_url: smtp:// or smtps:// only");
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", srv->from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	cerr[0] = '\0';
	if ((c = curl_easy_init()) == NULL ||
	    (rcpts = curl_slist_append(NULL, rcpt)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, srv->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, srv->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, srv->timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.left);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (srv->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (srv->user != NULL && *srv->user != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, srv->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    srv->password ? srv->password : "");
	}
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		snprintf(err, errlen, "SMTP: %s", cerr[0] ? cerr :
		    curl_easy_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	return ret;
}
