/*
 * test_rand.c: random bytes from a per-thread pool (base/rand.h): what
 * ids and tokens are made of never repeats, across calls, threads, a
 * refill of the pool and a fork.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/rand.h"

#define ID 16                   /* a report token's bytes */
#define IDS 200                 /* several refills of the pool */

/* No two of the n ids are equal (16 random bytes never meet). */
static void
assert_all_differ(unsigned char (*ids)[ID], size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_memory_not_equal(ids[i], ids[j], ID);
}

static void
test_calls_differ(void **state)
{
	static unsigned char ids[IDS][ID];
	unsigned char big[256], zero[256];
	size_t i;

	(void)state;
	for (i = 0; i < IDS; i++)
		rand_bytes(ids[i], ID);
	assert_all_differ(ids, IDS);
	/* Past the pool's share: still random, not zeros. */
	memset(big, 0, sizeof(big));
	memset(zero, 0, sizeof(zero));
	rand_bytes(big, sizeof(big));
	assert_memory_not_equal(big, zero, sizeof(big));
}

static void *
take(void *arg)
{
	rand_bytes(arg, ID);
	return NULL;
}

static void
test_threads_differ(void **state)
{
	unsigned char ids[4][ID];
	pthread_t t[3];
	size_t i;

	(void)state;
	rand_bytes(ids[0], ID);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, take, ids[i + 1]),
		    0);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_all_differ(ids, 4);
}

/*
 * A child forked with a pool half used takes other bytes than its parent
 * takes next: without the reset at fork both would hand out the same.
 */
static void
test_fork_differs(void **state)
{
	unsigned char ids[2][ID];
	int fd[2], status;
	pid_t pid;

	(void)state;
	rand_bytes(ids[0], ID);         /* the pool is filled */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char mine[ID];

		close(fd[0]);
		rand_bytes(mine, ID);
		_exit(write(fd[1], mine, ID) == ID ? 0 : 1);
	}
	close(fd[1]);
	rand_bytes(ids[0], ID);
	assert_int_equal(read(fd[0], ids[1], ID), ID);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_not_equal(ids[0], ids[1], ID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_differ),
		cmocka_unit_test(test_threads_differ),
		cmocka_unit_test(test_fork_differs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
