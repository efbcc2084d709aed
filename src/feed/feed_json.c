/*
 * feed_json.c: the JSON formats of feed.h through jansson: JSON Feed 1.1,
 * VK API wall.get / wall.getComments responses and Telegram Desktop's
 * result.json.  A wrong shape fails the whole input with the JSON path of
 * the first place at fault ("response.items[2].date: a Unix time"), so
 * nothing of a broken export is stored.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "feed/feed.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Optional string member: 0 (NULL when absent or null), -1 when another type. */
static int
opt_str(json_t *o, const char *key, const char **v, const char *path,
    char *err, size_t errlen)
{
	json_t *j = json_object_get(o, key);

	*v = NULL;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return fail(err, errlen, "%s.%s: a string", path, key);
	*v = json_string_value(j);
	return 0;
}

/* A JSON Feed id may be a string or (loosely) a number. */
static int
id_text(json_t *o, const char *key, char *buf, size_t len, const char *path,
    char *err, size_t errlen)
{
	json_t *j = json_object_get(o, key);

	buf[0] = '\0';
	if (j == NULL || json_is_null(j))
		return 0;
	if (json_is_string(j))
		snprintf(buf, len, "%s", json_string_value(j));
	else if (json_is_integer(j))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(j));
	else
		return fail(err, errlen, "%s.%s: a string", path, key);
	return 0;
}

static int
json_feed(json_t *root, struct feed *f, char *err, size_t errlen)
{
	json_t *items, *it, *au;
	const char *url, *title, *text, *html, *date, *author = NULL;
	char path[64], id[VECHE_FEED_MAX_FIELD + 1], *body;
	size_t i;
	int rc;

	if (!json_is_object(root) || !json_is_string(json_object_get(root,
	    "version")) || strncmp(json_string_value(json_object_get(root,
	    "version")), "https://jsonfeed.org/version/", 29) != 0)
		return fail(err, errlen, "version: \"https://jsonfeed.org/"
		    "version/1.1\" (not a JSON Feed)");
	items = json_object_get(root, "items");
	if (!json_is_array(items))
		return fail(err, errlen, "items: an array");
	json_array_foreach(items, i, it) {
		snprintf(path, sizeof(path), "items[%zu]", i);
		if (!json_is_object(it))
			return fail(err, errlen, "%s: an object", path);
		if (id_text(it, "id", id, sizeof(id), path, err, errlen) ||
		    opt_str(it, "url", &url, path, err, errlen) ||
		    opt_str(it, "title", &title, path, err, errlen) ||
		    opt_str(it, "content_text", &text, path, err, errlen) ||
		    opt_str(it, "content_html", &html, path, err, errlen) ||
		    opt_str(it, "date_published", &date, path, err, errlen))
			return -1;
		author = NULL;
		au = json_object_get(it, "authors");
		if (json_is_array(au))
			au = json_array_get(au, 0);
		else
			au = json_object_get(it, "author");
		if (json_is_object(au) && opt_str(au, "name", &author, path,
		    err, errlen) == -1)
			return -1;
		body = text != NULL ? NULL : html != NULL ?
		    feed_strip_html(html, strlen(html)) : NULL;
		rc = feed_add(f, id[0] ? id : NULL, url, author, title,
		    text != NULL ? text : body, feed_date_rfc3339(date), err,
		    errlen);
		free(body);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* A VK id member (an integer). */
static int
vk_int(json_t *o, const char *key, json_int_t *v, int required,
    const char *path, char *err, size_t errlen)
{
	json_t *j = json_object_get(o, key);

	*v = 0;
	if (j == NULL && !required)
		return 0;
	if (!json_is_integer(j))
		return fail(err, errlen, "%s.%s: %s", path, key, strcmp(key,
		    "date") == 0 ? "a Unix time" : "an integer");
	*v = json_integer_value(j);
	return 0;
}

/* The screen_name of profile (or group) id in list, or NULL. */
static const char *
vk_screen_name(json_t *list, json_int_t id)
{
	json_t *p;
	size_t i;

	json_array_foreach(list, i, p)
		if (json_integer_value(json_object_get(p, "id")) == id &&
		    json_is_string(json_object_get(p, "screen_name")))
			return json_string_value(json_object_get(p,
			    "screen_name"));
	return NULL;
}

static int
vk_wall(json_t *root, struct feed *f, char *err, size_t errlen)
{
	json_t *resp, *items, *it, *e;
	json_int_t id, owner, from, date, post;
	const char *text, *handle;
	char path[64], guid[96], url[96], who[96];
	size_t i;

	if (!json_is_object(root))
		return fail(err, errlen, "(top): an object {\"response\": ...}");
	if ((e = json_object_get(root, "error")) != NULL)
		return fail(err, errlen, "error: VK answered an error: %.200s",
		    json_is_string(json_object_get(e, "error_msg")) ?
		    json_string_value(json_object_get(e, "error_msg")) : "?");
	resp = json_object_get(root, "response");
	if (!json_is_object(resp))
		return fail(err, errlen, "response: an object with count and "
		    "items");
	items = json_object_get(resp, "items");
	if (!json_is_array(items))
		return fail(err, errlen, "response.items: an array");
	json_array_foreach(items, i, it) {
		snprintf(path, sizeof(path), "response.items[%zu]", i);
		if (!json_is_object(it))
			return fail(err, errlen, "%s: an object", path);
		if (vk_int(it, "id", &id, 1, path, err, errlen) ||
		    vk_int(it, "owner_id", &owner, 1, path, err, errlen) ||
		    vk_int(it, "from_id", &from, 0, path, err, errlen) ||
		    vk_int(it, "date", &date, 1, path, err, errlen) ||
		    vk_int(it, "post_id", &post, 0, path, err, errlen))
			return -1;
		if (!json_is_string(json_object_get(it, "text")))
			return fail(err, errlen, "%s.text: a string", path);
		text = json_string_value(json_object_get(it, "text"));
		if (from == 0)
			from = owner;
		/* Its negation names a group: it must have one. */
		if (from == INT64_MIN || owner == INT64_MIN)
			return fail(err, errlen, "%s.from_id: a VK id", path);
		/* A public handle only: screen_name, else idN / clubN. */
		handle = vk_screen_name(json_object_get(resp, from > 0 ?
		    "profiles" : "groups"), from > 0 ? from : -from);
		if (handle != NULL)
			snprintf(who, sizeof(who), "%s", handle);
		else
			snprintf(who, sizeof(who), "%s%" JSON_INTEGER_FORMAT,
			    from > 0 ? "id" : "club", from > 0 ? from : -from);
		if (post != 0) {
			snprintf(guid, sizeof(guid), "vk:wall%" JSON_INTEGER_FORMAT
			    "_%" JSON_INTEGER_FORMAT "?reply=%" JSON_INTEGER_FORMAT,
			    owner, post, id);
			snprintf(url, sizeof(url), "https://vk.com/wall%"
			    JSON_INTEGER_FORMAT "_%" JSON_INTEGER_FORMAT
			    "?reply=%" JSON_INTEGER_FORMAT, owner, post, id);
		} else {
			snprintf(guid, sizeof(guid), "vk:wall%" JSON_INTEGER_FORMAT
			    "_%" JSON_INTEGER_FORMAT, owner, id);
			snprintf(url, sizeof(url), "https://vk.com/wall%"
			    JSON_INTEGER_FORMAT "_%" JSON_INTEGER_FORMAT, owner,
			    id);
		}
		if (feed_add(f, guid, url, who, NULL, text, (int64_t)date, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

/* Telegram's "text": a string, or an array of strings and {type, text}. */
static int
tg_text(json_t *t, char **out, const char *path, char *err, size_t errlen)
{
	json_t *part;
	size_t i, n = 0, k;
	const char *s;
	char *buf;

	*out = NULL;
	if (json_is_string(t))
		return (*out = strdup(json_string_value(t))) != NULL ? 0 :
		    fail(err, errlen, "out of memory");
	if (!json_is_array(t))
		return fail(err, errlen, "%s.text: a string or an array of "
		    "text entities", path);
	json_array_foreach(t, i, part) {
		s = json_is_string(part) ? json_string_value(part) :
		    json_string_value(json_object_get(part, "text"));
		if (s == NULL)
			return fail(err, errlen, "%s.text[%zu]: a string or "
			    "{\"type\", \"text\"}", path, i);
		n += strlen(s);
	}
	if (n > VECHE_FEED_MAX_ITEM)
		n = VECHE_FEED_MAX_ITEM + 1;
	if ((buf = malloc(n + 1)) == NULL)
		return fail(err, errlen, "out of memory");
	k = 0;
	json_array_foreach(t, i, part) {
		s = json_is_string(part) ? json_string_value(part) :
		    json_string_value(json_object_get(part, "text"));
		while (*s != '\0' && k < n)
			buf[k++] = *s++;
	}
	buf[k] = '\0';
	*out = buf;
	return 0;
}

static int
telegram(json_t *root, struct feed *f, char *err, size_t errlen)
{
	json_t *msgs, *m, *id;
	json_int_t chat;
	const char *type, *from_id, *unixtime, *date;
	char path[64], guid[96], *text;
	size_t i;
	int64_t when;
	int rc;

	if (!json_is_object(root))
		return fail(err, errlen, "(top): an object {\"name\", \"type\","
		    " \"id\", \"messages\"}");
	if (!json_is_integer(json_object_get(root, "id")))
		return fail(err, errlen, "id: the chat's id, an integer");
	chat = json_integer_value(json_object_get(root, "id"));
	msgs = json_object_get(root, "messages");
	if (!json_is_array(msgs))
		return fail(err, errlen, "messages: an array");
	json_array_foreach(msgs, i, m) {
		snprintf(path, sizeof(path), "messages[%zu]", i);
		if (!json_is_object(m))
			return fail(err, errlen, "%s: an object", path);
		id = json_object_get(m, "id");
		if (!json_is_integer(id))
			return fail(err, errlen, "%s.id: an integer", path);
		if (opt_str(m, "type", &type, path, err, errlen) ||
		    opt_str(m, "from_id", &from_id, path, err, errlen) ||
		    opt_str(m, "date_unixtime", &unixtime, path, err, errlen) ||
		    opt_str(m, "date", &date, path, err, errlen))
			return -1;
		if (type == NULL || strcmp(type, "message") != 0)
			continue;       /* service messages: joins, pins ... */
		if (unixtime != NULL) {
			char *end;

			when = (int64_t)strtoll(unixtime, &end, 10);
			if (*unixtime == '\0' || *end != '\0' || when < 0)
				return fail(err, errlen, "%s.date_unixtime: "
				    "digits", path);
		} else if ((when = feed_date_rfc3339(date)) == 0)
			return fail(err, errlen, "%s.date: a date as "
			    "\"2026-06-15T10:00:00\"", path);
		if (tg_text(json_object_get(m, "text"), &text, path, err,
		    errlen) == -1)
			return -1;
		snprintf(guid, sizeof(guid), "tg:%" JSON_INTEGER_FORMAT "/%"
		    JSON_INTEGER_FORMAT, chat, json_integer_value(id));
		/* from_id ("user123", "channel456") is the public handle;
		 * "from" is a person's display name and is not kept. */
		rc = feed_add(f, guid, NULL, from_id, NULL, text, when, err,
		    errlen);
		free(text);
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
feed_parse_json(enum feed_kind kind, const char *body, size_t len,
    struct feed *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	int rc;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return fail(err, errlen, "not JSON: line %d, column %d: %s",
		    je.line, je.column, je.text);
	out->kind = kind;
	rc = kind == FEED_VK ? vk_wall(root, out, err, errlen) :
	    kind == FEED_TELEGRAM ? telegram(root, out, err, errlen) :
	    json_feed(root, out, err, errlen);
	json_decref(root);
	return rc;
}
