/* render.c: JSON and Open311 XML from one jansson tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "base/coord.h"
#include "api/render.h"
#include "http/http.h"

/* Element names for the items of a list, by the list's name. */
static const struct {
	const char *list;
	const char *item;
} item_names[] = {
	{ "services", "service" },
	{ "service_requests", "request" },
	{ "attributes", "attribute" },
	{ "values", "value" },
	{ "errors", "error" },
	{ "endpoints", "endpoint" },
	{ "formats", "format" },
	{ "service_request_updates", "request_update" },
	{ "media_urls", "media_url" },
};

static const char *
item_name(const char *list)
{
	size_t i;

	for (i = 0; i < sizeof(item_names) / sizeof(item_names[0]); i++)
		if (strcmp(item_names[i].list, list) == 0)
			return item_names[i].item;
	return "item";
}

enum render_format
render_format_parse(const char *ext)
{
	if (ext == NULL)
		return RENDER__MAX;
	if (strcmp(ext, "json") == 0)
		return RENDER_JSON;
	if (strcmp(ext, "xml") == 0)
		return RENDER_XML;
	return RENDER__MAX;
}

static int write_value(xmlTextWriterPtr w, const char *name, const json_t *v);

static int
write_children(xmlTextWriterPtr w, const char *name, const json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_array(v)) {
		const char *item = item_name(name);

		json_array_foreach(v, i, child)
			if (write_value(w, item, child) == -1)
				return -1;
		return 0;
	}
	json_object_foreach((json_t *)v, key, child)
		if (write_value(w, key, child) == -1)
			return -1;
	return 0;
}

static int
write_value(xmlTextWriterPtr w, const char *name, const json_t *v)
{
	char num[64];
	const char *text = NULL;

	if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (write_children(w, name, v) == -1)
			return -1;
		break;
	case JSON_STRING:
		text = json_string_value(v);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		text = num;
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.*f", COORD_DECIMALS,
		    json_real_value(v));
		/* "57.618998", "37.5": no trailing zeros. */
		if (strchr(num, '.') != NULL) {
			size_t k = strlen(num);

			while (k > 0 && num[k - 1] == '0')
				num[--k] = '\0';
			if (k > 0 && num[k - 1] == '.')
				num[--k] = '\0';
		}
		text = num;
		break;
	case JSON_TRUE:
		text = "true";
		break;
	case JSON_FALSE:
		text = "false";
		break;
	case JSON_NULL:
		break;
	}
	if (text != NULL && xmlTextWriterWriteString(w, BAD_CAST text) < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
render_xml(struct http_response *res, const json_t *doc, const char *root)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	int rc = -1;

	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto out;
	if (xmlTextWriterStartDocument(w, "1.0", "utf-8", NULL) < 0 ||
	    write_value(w, root, doc) == -1 ||
	    xmlTextWriterEndDocument(w) < 0)
		goto out;
	xmlFreeTextWriter(w);
	w = NULL;
	http_response_kind(res, HTTP_TYPE_XML);
	rc = http_response_append(res, xmlBufferContent(buf),
	    (size_t)xmlBufferLength(buf));
out:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return rc;
}

/* jansson's dump callback: append to the response. */
static int
dump_to(const char *buf, size_t size, void *data)
{
	return http_response_append(data, buf, size);
}

int
render_doc(struct http_response *res, enum render_format f, const json_t *doc,
    const char *root)
{
	if (f == RENDER_XML)
		return render_xml(res, doc, root);
	http_response_kind(res, HTTP_TYPE_JSON);
	return json_dump_callback(doc, dump_to, res,
	    JSON_COMPACT | JSON_REAL_PRECISION(10));
}
