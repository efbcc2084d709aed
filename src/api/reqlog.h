/*
 * reqlog.h: one JSON line per request on standard error (serve
 * --log-format json).  A line holds the time, request id, method, route
 * pattern, path without its query string, status, body bytes, duration in
 * microseconds and client address: no query values, bodies, cookies or
 * other headers, which may carry personal data.
 */
#ifndef VECHE_REQLOG_H
#define VECHE_REQLOG_H

#include <stddef.h>
#include <stdint.h>

struct http_exchange;

/*
 * Format ex, finished at Unix time now, as one line ending in '\n' into
 * buf.  Returns its length,
 * or 0 if it does not fit in len bytes.
 */
size_t reqlog_format(const struct http_exchange *ex, int64_t now,
    char *buf, size_t len);

/* Write ex's line to standard error in one write (lines never interleave). */
void reqlog_write(const struct http_exchange *ex, int64_t now);

#endif
