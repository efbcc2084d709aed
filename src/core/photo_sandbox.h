/*
 * photo_sandbox.h: citizens' photos decoded where a libvips bug cannot
 * reach the database or any secret.
 *
 * The server runs a fresh photo worker for each photo: the veche binary
 * itself (/proc/self/exe) as 'veche photo-worker', started with
 * posix_spawn and an environment of nothing but test and sanitizer
 * options.  The worker starts libvips, confines itself (sandbox/sandbox.h:
 * rlimits, no new privileges, a seccomp filter), reads the upload from its
 * socket, decodes and re-encodes it in memory, and writes back either the
 * clean JPEGs or the refusal.  The server checks that answer as it would
 * any outside input, then writes files and rows itself.  Both ends of the
 * wire format are in photo_sandbox.c.
 */
#ifndef VECHE_PHOTO_SANDBOX_H
#define VECHE_PHOTO_SANDBOX_H

#include <stddef.h>

#include "core/error.h"
#include "core/photo_decode.h"

/*
 * photo_process in a photo worker: the same result and errors, plus, with
 * field "photo", VERR_INVALID when the worker ran out of time (wall or
 * CPU) and VERR_INTERNAL when it could not start, died (a crash, a signal,
 * SIGSYS from its filter) or answered nonsense; the message says which and
 * is for the log.  Returns 0 and fills *out (free with photo_clear), or -1.
 * Only the veche binary can call it: it runs /proc/self/exe.
 */
int photo_decode_isolated(const void *buf, size_t len, struct photo *out,
    struct verr *e);

/*
 * The worker's side ('veche photo-worker'): start libvips, confine the
 * process, answer one request on fd.  Returns the exit status (0 when it
 * answered, a refusal included).
 */
int photo_worker_main(int fd);

/*
 * 'veche photo-worker --selftest': confine the process as the worker does,
 * then try to open /etc/passwd, which must fail (it says so on stderr),
 * then to make a socket, which must kill it with SIGSYS.  If it returns,
 * the filter let a call through: it says which on stderr and returns 1.
 */
int photo_worker_selftest(void);

#endif
