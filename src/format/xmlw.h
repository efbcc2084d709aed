/*
 * xmlw.h: XML written straight into a struct outbuf, for hot documents
 * (Open311 lists in XML, the RSS feed of reports), byte for byte what
 * libxml2's xmlTextWriter writes for the same calls: text escaped as
 * xmlTextWriterWriteString escapes it ("<", ">", "&", '"' and CR as
 * references, every other byte as it is), an element with no content
 * closed as "<name/>".  Element and attribute names are the caller's
 * literals, written as given.
 */
#ifndef VECHE_FORMAT_XMLW_H
#define VECHE_FORMAT_XMLW_H

#include <stddef.h>

#include "format/outbuf.h"

/* The XML declaration libxml2 writes for encoding enc, and its newline
 * at the end of the document. */
void xmlw_declaration(struct outbuf *o, const char *enc);
void xmlw_end_document(struct outbuf *o);

/* The n bytes at s as element content. */
void xmlw_text_n(struct outbuf *o, const char *s, size_t n);
void xmlw_text(struct outbuf *o, const char *s);

/* "<name>" and "</name>". */
void xmlw_open(struct outbuf *o, const char *name);
void xmlw_close(struct outbuf *o, const char *name);

/* <name>text</name>; "<name/>" when text is NULL. */
void xmlw_element(struct outbuf *o, const char *name, const char *text);

#endif
