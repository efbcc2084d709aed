/*
 * render.h: one document, two formats.  Handlers build a jansson tree and
 * render it as JSON or as the XML Open311 specifies: an array becomes a root
 * element holding one element per item, an object becomes child elements,
 * and a key naming a list ("attributes") holds elements named for one of
 * its items ("attribute").
 */
#ifndef VECHE_RENDER_H
#define VECHE_RENDER_H

#include <jansson.h>

struct http_response;

enum render_format {
	RENDER_JSON,
	RENDER_XML,
	RENDER__MAX
};

/* "json" or "xml" to a format; RENDER__MAX for anything else. */
enum render_format render_format_parse(const char *ext);

/*
 * Write doc to res with the content type for f.  root names the XML root
 * element.  Does not take ownership of doc.  Returns 0, or -1 when out of
 * memory or past the response limit.
 */
int render_doc(struct http_response *res, enum render_format f,
    const json_t *doc, const char *root);

#endif
