/*
 * rand.c: random bytes from a per-thread pool (rand.h).  Each request
 * took a request id and each report a token from randombytes_buf, which
 * is one getrandom(2) system call a call: a syscall of each request's
 * three or four, and 2 % of a million-report seed (issue 11,
 * docs/performance.md).  The pool is the same generator's output, taken
 * RAND_POOL bytes at a time.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "base/rand.h"

#define RAND_POOL 512           /* bytes taken from the system at once */
#define RAND_POOLED 64          /* larger requests bypass the pool */

static _Thread_local unsigned char pool[RAND_POOL];
static _Thread_local size_t left;       /* unused bytes at pool's end */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* In a forked child (the forking thread's pool is all it has). */
static void
forget(void)
{
	sodium_memzero(pool, sizeof(pool));
	left = 0;
}

static void
watch_forks(void)
{
	pthread_atfork(NULL, NULL, forget);
}

void
rand_bytes(void *buf, size_t n)
{
	unsigned char *out = buf;
	size_t k;

	pthread_once(&once, watch_forks);
	if (n > RAND_POOLED) {
		randombytes_buf(buf, n);
		return;
	}
	while (n > 0) {
		if (left == 0) {
			randombytes_buf(pool, sizeof(pool));
			left = sizeof(pool);
		}
		k = n < left ? n : left;
		memcpy(out, pool + sizeof(pool) - left, k);
		sodium_memzero(pool + sizeof(pool) - left, k);
		left -= k;
		out += k;
		n -= k;
	}
}
