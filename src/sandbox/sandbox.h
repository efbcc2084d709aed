/*
 * sandbox.h: untrusted work in a child process.
 *
 * The parent starts a fresh program with sandbox_spawn (posix_spawn, so it
 * is safe from a server with many threads: nothing of the parent's memory,
 * database or secrets survives the exec) and speaks to it over one end of
 * a socketpair, with a deadline on every transfer.  The child, once it has
 * loaded what it needs, calls sandbox_enter and is from then on confined
 * for good: no file descriptors but its socket and stderr, rlimits, no new
 * privileges, and a seccomp filter that allows only computing in memory and
 * reading and writing what is already open (see sandbox.c for the list and
 * docs/architecture.md, "Untrusted input").
 *
 * This module knows nothing of what the work is; core/photo_sandbox.c uses
 * it for photos.
 */
#ifndef VECHE_SANDBOX_H
#define VECHE_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The file descriptor the child finds its socket on. */
#define SANDBOX_FD 3

struct sandbox_child {
	pid_t pid;
	int fd;          /* the parent's end of the socket, close-on-exec */
};

/*
 * Start path with argv and environment envp (both NULL-terminated; envp
 * is the whole environment, nothing of the parent's is added).  The child
 * has the socket on SANDBOX_FD, /dev/null on 0 and 1 and the parent's
 * stderr on 2.  Returns 0 and fills *c, or -1 with errno set.  The caller
 * ends it with sandbox_finish.
 */
int sandbox_spawn(const char *path, char *const argv[], char *const envp[],
    struct sandbox_child *c);

/* A deadline ms milliseconds from now, on CLOCK_MONOTONIC. */
int64_t sandbox_deadline(int ms);

/*
 * Send len bytes on fd, or receive exactly len bytes, before deadline
 * (sandbox_deadline; 0: none).  Returns 0, or -1 with errno set
 * (ETIMEDOUT past the deadline, EPIPE when the other side is gone).
 */
int sandbox_send(int fd, const void *buf, size_t len, int64_t deadline);
int sandbox_recv(int fd, void *buf, size_t len, int64_t deadline);

/*
 * Close the parent's end, kill the child first if kill_it, and wait for
 * it.  Returns its wait status (as waitpid gives it), or -1.
 */
int sandbox_finish(struct sandbox_child *c, int kill_it);

/* What the child may use once confined. */
struct sandbox_limits {
	unsigned cpu_seconds;     /* CPU time, then SIGXCPU (0: no limit) */
	size_t memory_bytes;      /* address space (0: no limit; ignored in
	                           * AddressSanitizer builds, whose shadow
	                           * memory alone is terabytes) */
};

/*
 * Confine the calling process for good.  Closes every file descriptor but
 * 0, 1, 2 and keep (-1: none), sets the rlimits (CPU, address space, file
 * size 0, no new files, no core dumps), PR_SET_NO_NEW_PRIVS, and loads a
 * seccomp filter under which read works on keep only, write on keep and
 * stderr, threads may be started but not processes, opening a file fails
 * with EACCES, and any other system call (socket, connect, execve ...)
 * kills the process with SIGSYS.  Call it
 * after every library is initialised.  Returns 0, or -1 after saying why
 * on stderr; the caller must then exit.
 */
int sandbox_enter(int keep, const struct sandbox_limits *l);

#endif
