/*
 * photo_sandbox.c: both ends of the photo worker (see photo_sandbox.h).
 *
 * The wire, one request and one answer on a stream socket, in the host's
 * byte order (both ends are the same binary):
 *   request: struct wire_request, then len bytes of the upload;
 *   answer:  struct wire_answer, then a_len and b_len bytes: the photo and
 *            its thumbnail (kind VERR_NONE), or the field and the message
 *            of a refusal.
 * The server trusts nothing of the answer: lengths, sizes, the kind and the
 * message are checked before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "veche.h"
#include "core/photo_sandbox.h"
#include "sandbox/sandbox.h"

#define WIRE_MAGIC      0x31485056u     /* "VPH1" */
#define WORKER_PATH     "/proc/self/exe"
/* A test hook: "abort" makes the worker abort once confined. */
#define FAULT_ENV       "VECHE_TEST_PHOTO_WORKER"

struct wire_request {
	uint32_t magic;
	uint32_t len;
};

struct wire_answer {
	uint32_t magic;
	uint32_t kind;          /* enum verr_kind */
	int32_t width;
	int32_t height;
	uint32_t a_len;
	uint32_t b_len;
};

static const struct sandbox_limits worker_limits = {
	VECHE_PHOTO_WORKER_CPU, VECHE_PHOTO_WORKER_MEM
};

/*
 * The worker's environment: VIPSHOME names a prefix without libvips's
 * loadable modules, so ImageMagick, poppler, OpenSlide, libheif and
 * libjxl are never mapped into it (veche's three loaders are built in, and
 * the worker starts 45 ms sooner); then the test hook and sanitizer
 * options, if set.  Nothing else of the server's environment.
 */
static void
worker_env(char vars[][256], char *envp[], size_t max)
{
	static const char *const names[] = {
		FAULT_ENV, "ASAN_OPTIONS", "UBSAN_OPTIONS",
	};
	const char *v;
	size_t i, n = 0;
	int w;

	envp[n++] = "VIPSHOME=/nonexistent";

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && n + 1 < max;
	    i++) {
		if ((v = getenv(names[i])) == NULL)
			continue;
		w = snprintf(vars[n], 256, "%s=%s", names[i], v);
		if (w > 0 && w < 256) {
			envp[n] = vars[n];
			n++;
		}
	}
	envp[n] = NULL;
}

/* Whether msg is one of the worker's messages: "photo: ", printable. */
static int
message_ok(const char *msg, size_t len)
{
	size_t i;

	if (len < 7 || memcmp(msg, "photo: ", 7) != 0)
		return 0;
	for (i = 0; i < len; i++)
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			return 0;
	return 1;
}

/* Read the answer's two parts into out, or a refusal into e. */
static int
read_answer(int fd, int64_t deadline, struct photo *out, struct verr *e,
    int *answered)
{
	struct wire_answer a;
	char field[sizeof(e->field)], msg[sizeof(e->message)];
	const unsigned char *j, *t;

	if (sandbox_recv(fd, &a, sizeof(a), deadline) == -1)
		return -1;
	if (a.magic != WIRE_MAGIC)
		return -1;
	if (a.kind == VERR_INVALID || a.kind == VERR_INTERNAL) {
		if (a.a_len >= sizeof(field) || a.b_len >= sizeof(msg) ||
		    sandbox_recv(fd, field, a.a_len, deadline) == -1 ||
		    sandbox_recv(fd, msg, a.b_len, deadline) == -1 ||
		    !message_ok(msg, a.b_len))
			return -1;
		msg[a.b_len] = '\0';
		*answered = 1;
		/* The worker refuses only the photo, whatever field it says. */
		return verr_set(e, (enum verr_kind)a.kind, "photo", "%s", msg);
	}
	if (a.kind != VERR_NONE || a.a_len < 3 || a.b_len < 3 ||
	    a.a_len > VECHE_MAX_PHOTO_OUT || a.b_len > VECHE_MAX_PHOTO_OUT ||
	    a.width <= 0 || a.width > VECHE_PHOTO_SIDE ||
	    a.height <= 0 || a.height > VECHE_PHOTO_SIDE)
		return -1;
	if ((out->jpeg = g_try_malloc(a.a_len)) == NULL ||
	    (out->thumb = g_try_malloc(a.b_len)) == NULL ||
	    sandbox_recv(fd, out->jpeg, a.a_len, deadline) == -1 ||
	    sandbox_recv(fd, out->thumb, a.b_len, deadline) == -1) {
		photo_clear(out);
		return -1;
	}
	j = out->jpeg;
	t = out->thumb;
	/* Whole JPEGs: the start (SOI) and end (EOI) markers of both. */
	if (j[0] != 0xff || j[1] != 0xd8 || t[0] != 0xff || t[1] != 0xd8 ||
	    j[a.a_len - 2] != 0xff || j[a.a_len - 1] != 0xd9 ||
	    t[a.b_len - 2] != 0xff || t[a.b_len - 1] != 0xd9) {
		photo_clear(out);
		return -1;
	}
	out->jpeg_len = a.a_len;
	out->thumb_len = a.b_len;
	out->width = a.width;
	out->height = a.height;
	*answered = 1;
	return 0;
}

/* Why a worker that gave no answer stopped, in e. */
static int
worker_failed(int status, int timed_out, struct verr *e)
{
	if (timed_out || (status != -1 && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGXCPU))
		return verr_set(e, VERR_INVALID, "photo", "photo: the image "
		    "takes too long to decode");
	if (status != -1 && WIFSIGNALED(status))
		return verr_set(e, VERR_INTERNAL, "photo", "photo: the photo "
		    "worker died on this image (signal %d: %s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	return verr_set(e, VERR_INTERNAL, "photo", "photo: the photo worker "
	    "gave no answer (exit status %d)",
	    status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int
photo_decode_isolated(const void *buf, size_t len, struct photo *out,
    struct verr *e)
{
	char *argv[] = { "veche", "photo-worker", NULL };
	char vars[5][256], *envp[5];
	struct sandbox_child c;
	struct wire_request q;
	int64_t deadline;
	int rc, status, answered = 0, timed_out = 0;

	memset(out, 0, sizeof(*out));
	if (photo_check(buf, len, e) == -1)
		return -1;
	worker_env(vars, envp, 5);
	if (sandbox_spawn(WORKER_PATH, argv, envp, &c) == -1)
		return verr_set(e, VERR_INTERNAL, "photo", "photo: cannot start "
		    "the photo worker: %s", strerror(errno));
	deadline = sandbox_deadline(VECHE_PHOTO_WORKER_MS);
	q.magic = WIRE_MAGIC;
	q.len = (uint32_t)len;
	errno = 0;
	rc = sandbox_send(c.fd, &q, sizeof(q), deadline) == -1 ||
	    sandbox_send(c.fd, buf, len, deadline) == -1 ? -1 : 0;
	if (rc == 0)
		rc = read_answer(c.fd, deadline, out, e, &answered);
	if (!answered && errno == ETIMEDOUT)
		timed_out = 1;
	/* Killing it is always safe: once answered it has nothing to do. */
	status = sandbox_finish(&c, 1);
	if (answered)
		return rc;
	return worker_failed(status, timed_out, e);
}

/* Write the answer: the photo, or e's refusal. */
static int
write_answer(int fd, const struct photo *p, const struct verr *e)
{
	struct wire_answer a;
	const void *x, *y;

	memset(&a, 0, sizeof(a));
	a.magic = WIRE_MAGIC;
	if (p != NULL) {
		a.kind = VERR_NONE;
		a.width = p->width;
		a.height = p->height;
		a.a_len = (uint32_t)p->jpeg_len;
		a.b_len = (uint32_t)p->thumb_len;
		x = p->jpeg;
		y = p->thumb;
	} else {
		a.kind = e->kind == VERR_INVALID ? VERR_INVALID :
		    VERR_INTERNAL;
		a.a_len = (uint32_t)strlen(e->field);
		a.b_len = (uint32_t)strlen(e->message);
		x = e->field;
		y = e->message;
	}
	return sandbox_send(fd, &a, sizeof(a), 0) == -1 ||
	    sandbox_send(fd, x, a.a_len, 0) == -1 ||
	    sandbox_send(fd, y, a.b_len, 0) == -1 ? -1 : 0;
}

int
photo_worker_main(int fd)
{
	const char *fault = getenv(FAULT_ENV);
	struct wire_request q;
	struct photo p;
	struct verr e;
	void *buf = NULL;
	int rc = 1;

	memset(&e, 0, sizeof(e));
	if (photo_decoder_sandbox() == -1) {
		verr_set(&e, VERR_INTERNAL, "photo", "photo: libvips did not "
		    "start");
		return write_answer(fd, NULL, &e) == -1 ? 1 : 0;
	}
	if (sandbox_enter(fd, &worker_limits) == -1)
		return 1;
	if (fault != NULL && strcmp(fault, "abort") == 0)
		abort();
	if (sandbox_recv(fd, &q, sizeof(q), 0) == -1 ||
	    q.magic != WIRE_MAGIC || q.len > VECHE_MAX_PHOTO_BYTES ||
	    (buf = malloc(q.len > 0 ? q.len : 1)) == NULL ||
	    sandbox_recv(fd, buf, q.len, 0) == -1)
		goto out;
	if (photo_process(buf, q.len, &p, &e) == 0) {
		rc = write_answer(fd, &p, NULL) == -1 ? 1 : 0;
		photo_clear(&p);
	} else
		rc = write_answer(fd, NULL, &e) == -1 ? 1 : 0;
out:
	free(buf);
	return rc;
}

int
photo_worker_selftest(void)
{
	int fd;

	if (photo_decoder_sandbox() == -1 ||
	    sandbox_enter(-1, &worker_limits) == -1)
		return 1;
	if ((fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC)) != -1) {
		fprintf(stderr, "veche: photo-worker: the sandbox let open(2) "
		    "through\n");
		return 1;
	}
	fprintf(stderr, "veche: photo-worker: open(\"/etc/passwd\") refused "
	    "(errno %d)\n", errno);
	/* Any call outside the list kills: a socket. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	fprintf(stderr, "veche: photo-worker: the sandbox let socket(2) "
	    "through\n");
	return 1;
}
