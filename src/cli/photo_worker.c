/* photo_worker.c: 'veche photo-worker' (see photo_worker.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "veche.h"
#include "cli/photo_worker.h"
#include "core/parse.h"
#include "core/photo_sandbox.h"
#include "sandbox/sandbox.h"

#define BENCH_MAX_RUNS 10000

static const char usage[] =
    "usage: veche photo-worker [--selftest | --bench N FILE...]\n"
    "\n"
    "The server starts this for each uploaded photo: it decodes the image\n"
    "sent on file descriptor 3 in a sandbox and sends back clean JPEGs.\n"
    "--selftest enters the sandbox, tries to open /etc/passwd (refused) and\n"
    "to make a socket: it must be killed by SIGSYS.  --bench decodes each FILE N times in this process\n"
    "and N times in a photo worker and prints the median and 95th\n"
    "percentile of each (docs/performance.md).  See docs/architecture.md,\n"
    "Untrusted input.\n";

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Decode buf n times one way; print the median and p95 in ms. */
static int
bench_one(const char *name, const char *how, int isolated, const void *buf,
    size_t len, double *t, int n, struct photo *first)
{
	struct photo p;
	struct verr e;
	double t0;
	int i, rc;

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		rc = isolated ? photo_decode_isolated(buf, len, &p, &e) :
		    photo_process(buf, len, &p, &e);
		t[i] = now_ms() - t0;
		if (rc == -1) {
			fprintf(stderr, "veche: %s: %s\n", name, e.message);
			return -1;
		}
		if (i == 0 && first != NULL)
			*first = p;
		else
			photo_clear(&p);
	}
	qsort(t, (size_t)n, sizeof(*t), by_value);
	printf("%-24s %-10s %5d  %8.1f  %8.1f\n", name, how, n, t[n / 2],
	    t[(n * 95 + 99) / 100 - 1]);
	return 0;
}

static int
bench(int n, int argc, char **argv)
{
	struct photo a, b;
	double *t;
	char *buf;
	size_t len;
	int i, rc = 0;
	FILE *f;

	if ((t = calloc((size_t)n, sizeof(*t))) == NULL ||
	    (buf = malloc(VECHE_MAX_PHOTO_BYTES + 1)) == NULL) {
		free(t);
		return 1;
	}
	printf("%-24s %-10s %5s  %8s  %8s\n", "file", "decoded", "runs",
	    "median ms", "p95 ms");
	for (i = 0; i < argc && rc == 0; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			rc = 1;
			break;
		}
		len = fread(buf, 1, VECHE_MAX_PHOTO_BYTES + 1, f);
		fclose(f);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		/* The first in-process run starts libvips: not counted. */
		if (bench_one(argv[i], "warm-up", 0, buf, len, t, 1, NULL) ||
		    bench_one(argv[i], "in-process", 0, buf, len, t, n, &a) ||
		    bench_one(argv[i], "worker", 1, buf, len, t, n, &b))
			rc = 1;
		else
			printf("%-24s same bytes: photo %s, thumbnail %s\n",
			    argv[i], a.jpeg_len == b.jpeg_len &&
			    memcmp(a.jpeg, b.jpeg, a.jpeg_len) == 0 ? "yes" : "no",
			    a.thumb_len == b.thumb_len &&
			    memcmp(a.thumb, b.thumb, a.thumb_len) == 0 ?
			    "yes" : "no");
		photo_clear(&a);
		photo_clear(&b);
	}
	free(buf);
	free(t);
	return rc;
}

int
cli_photo_worker(int argc, char **argv)
{
	int64_t n;

	if (argc == 2 && strcmp(argv[1], "--selftest") == 0)
		return photo_worker_selftest();
	if (argc >= 4 && strcmp(argv[1], "--bench") == 0) {
		if (parse_int64(argv[2], 1, BENCH_MAX_RUNS, &n) == -1) {
			fprintf(stderr, "veche: photo-worker: --bench takes a "
			    "count from 1 to %d\n", BENCH_MAX_RUNS);
			return 2;
		}
		return bench((int)n, argc - 3, argv + 3);
	}
	if (argc != 1) {
		fputs(usage, strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	/* Leave without atexit handlers: they may need calls the filter bars. */
	_exit(photo_worker_main(SANDBOX_FD));
}
