/* sandbox.c: spawning and confining untrusted work (see sandbox.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox/sandbox.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#endif

int64_t
sandbox_deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ms;
}

/* Wait until fd is ready for events or the deadline passes. */
static int
await(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int64_t left;
	int n;

	for (;;) {
		left = deadline == 0 ? -1 : deadline - sandbox_deadline(0);
		if (deadline != 0 && left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* Send (out) or receive len bytes before the deadline. */
static int
transfer(int fd, void *buf, size_t len, int64_t deadline, int out)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (await(fd, out ? POLLOUT : POLLIN, deadline) == -1)
			return -1;
		/* MSG_NOSIGNAL: a dead child is an error, not a SIGPIPE. */
		n = out ? send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) :
		    recv(fd, p, len, MSG_DONTWAIT);
		if (n == 0 && !out) {
			errno = EPIPE;
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
sandbox_send(int fd, const void *buf, size_t len, int64_t deadline)
{
	return transfer(fd, (void *)buf, len, deadline, 1);
}

int
sandbox_recv(int fd, void *buf, size_t len, int64_t deadline)
{
	return transfer(fd, buf, len, deadline, 0);
}

int
sandbox_spawn(const char *path, char *const argv[], char *const envp[],
    struct sandbox_child *c)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int sv[2], child, rc, saved;

	c->pid = -1;
	c->fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	/* dup2 onto itself would keep close-on-exec: never let it be 3. */
	child = sv[1];
	if (child == SANDBOX_FD) {
		child = fcntl(sv[1], F_DUPFD_CLOEXEC, SANDBOX_FD + 1);
		close(sv[1]);
		if (child == -1) {
			saved = errno;
			close(sv[0]);
			errno = saved;
			return -1;
		}
	}
	/*
	 * The calling thread's signal mask and the server's ignored signals
	 * (SIGPIPE) are not the child's: it starts with none blocked and
	 * every signal at its default, so SIGXCPU and SIGABRT act.
	 */
	sigemptyset(&none);
	sigfillset(&all);
	if ((rc = posix_spawnattr_init(&at)) != 0)
		goto out;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		posix_spawnattr_destroy(&at);
		goto out;
	}
	if ((rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&at, &all)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
	    O_WRONLY, 0)) != 0 ||
	    /*
	     * Not the server's stderr either: a decoder taken over could
	     * write lines there that pass for the server's JSON request log.
	     * The worker says what it refuses in its answer (checked).
	     */
	    (rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
	    O_WRONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, child,
	    SANDBOX_FD)) != 0 ||
	    (rc = posix_spawn(&c->pid, path, &fa, &at, argv, envp)) != 0)
		c->pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
out:
	close(child);
	if (rc != 0) {
		close(sv[0]);
		errno = rc;
		return -1;
	}
	c->fd = sv[0];
	return 0;
}

int
sandbox_finish(struct sandbox_child *c, int kill_it)
{
	int status;

	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	if (c->pid <= 0)
		return -1;
	if (kill_it)
		kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) == -1)
		if (errno != EINTR) {
			c->pid = -1;
			return -1;
		}
	c->pid = -1;
	return status;
}

/* Close every descriptor from 3 up but keep. */
static int
close_others(int keep)
{
	if (keep < SANDBOX_FD)
		return close_range(3, ~0u, 0);
	if (keep > 3 && close_range(3, (unsigned)keep - 1, 0) == -1)
		return -1;
	return close_range((unsigned)keep + 1, ~0u, 0);
}

static int
limit(int resource, rlim_t value)
{
	struct rlimit r = { value, value };

	return setrlimit(resource, &r);
}

/* A condition on argument n of a system call. */
static struct scmp_arg_cmp
arg(unsigned n, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = { n, op, a, b };

	return c;
}

/*
 * The system calls a confined libvips decode makes, found by running the
 * photo worker under strace -f over JPEG, PNG and WebP inputs (and
 * strace -k where a library made a call lazily; docs/architecture.md).  Memory may be mapped
 * but never executable; clone is allowed for threads only (libvips runs
 * its pipeline on worker threads even at concurrency 1) and clone3, whose
 * flags a filter cannot read, fails with ENOSYS so glibc falls back to
 * clone.
 */
static int
load_filter(int keep)
{
	static const int plain[] = {
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
		SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(set_robust_list),
		SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(sigaltstack), SCMP_SYS(sched_yield),
		SCMP_SYS(sched_getaffinity), SCMP_SYS(getpid),
		SCMP_SYS(gettid), SCMP_SYS(getrandom),
		SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep), SCMP_SYS(exit), SCMP_SYS(exit_group),
		SCMP_SYS(close), SCMP_SYS(fstat),
		SCMP_SYS(lseek), SCMP_SYS(poll), SCMP_SYS(ppoll),
	};
	static const int io[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(recvfrom),
		SCMP_SYS(sendto),
	};
	static const int err[] = { SCMP_SYS(write), SCMP_SYS(writev) };
	static const int opens[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2),
		SCMP_SYS(creat),
	};
	scmp_filter_ctx f;
	size_t i;
	int rc = -1;

	if ((f = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return -1;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, plain[i], 0) != 0)
			goto out;
	/* I/O only on what is open: the socket, and stderr (/dev/null). */
	if (keep >= 0)
		for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
			if (seccomp_rule_add(f, SCMP_ACT_ALLOW, io[i], 1,
			    arg(0, SCMP_CMP_EQ, (scmp_datum_t)keep, 0)) != 0)
				goto out;
	for (i = 0; i < sizeof(err) / sizeof(err[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, err[i], 1,
		    arg(0, SCMP_CMP_EQ, 2, 0)) != 0)
			goto out;
	/* Memory, never executable. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0)
		goto out;
	/*
	 * Opening a file fails (EACCES) rather than kills: libraries look
	 * for files lazily (glibc's malloc reads /proc/sys/vm/overcommit_memory
	 * the first time a thread's heap shrinks) and cope when they cannot.
	 */
	for (i = 0; i < sizeof(opens) / sizeof(opens[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), opens[i],
		    0) != 0)
			goto out;
	/*
	 * fstat by descriptor (glibc's fstat is newfstatat with an empty path
	 * and AT_EMPTY_PATH); by path it fails as opening does, so a decoder
	 * taken over cannot probe which files exist.
	 */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
	    arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(newfstatat), 1,
	    arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0)) != 0)
		goto out;
	/* Threads, not processes. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) != 0)
		goto out;
	/* Thread names (glib), and signals to itself only (abort). */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    arg(0, SCMP_CMP_EQ, PR_SET_NAME, 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    arg(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0)) != 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 0) != 0)
		goto out;
	rc = seccomp_load(f);
out:
	seccomp_release(f);
	return rc == 0 ? 0 : -1;
}

int
sandbox_enter(int keep, const struct sandbox_limits *l)
{
	const char *step;

	step = "closing descriptors";
	if (close_others(keep) == -1)
		goto fail;
	step = "setting rlimits";
	/*
	 * No file may grow.  A stderr that is a regular file then refuses
	 * messages (EFBIG) rather than killing the process with SIGXFSZ.
	 */
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR ||
	    limit(RLIMIT_FSIZE, 0) == -1 || limit(RLIMIT_CORE, 0) == -1 ||
	    limit(RLIMIT_NOFILE, (rlim_t)(keep > 2 ? keep + 1 : 3)) == -1)
		goto fail;
	if (l->cpu_seconds > 0) {
		/* SIGXCPU at the soft limit, SIGKILL a second later. */
		struct rlimit r = { l->cpu_seconds, l->cpu_seconds + 1 };

		if (setrlimit(RLIMIT_CPU, &r) == -1)
			goto fail;
	}
#ifndef SANDBOX_ASAN
	if (l->memory_bytes > 0 && limit(RLIMIT_AS, l->memory_bytes) == -1)
		goto fail;
#endif
	step = "PR_SET_NO_NEW_PRIVS";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		goto fail;
	step = "loading the seccomp filter";
	if (load_filter(keep) == -1)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "veche: sandbox: %s: %s\n", step, strerror(errno));
	return -1;
}
