/* clock.c: the settable wall clock (clock.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/clock.h"
#include "core/datetime.h"
#include "core/parse.h"

/*
 * Configuration, written at start-up; in file mode base_ms and mono_ms are
 * re-based under the lock when the file changes.
 */
static struct {
	int set;                 /* 0: the system clock */
	int64_t base_ms;         /* the set instant ... */
	int64_t mono_ms;         /* ... read at this monotonic time */
	char path[1024];         /* file mode: the clock file, else "" */
	struct timespec mtime;   /* the file as last read */
	ino_t ino;
	off_t size;
	pthread_mutex_t lock;
} clk = { .lock = PTHREAD_MUTEX_INITIALIZER };

int64_t
clock_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An instant: "@SECONDS" or a W3C date-time with its zone. */
static int
parse_instant(const char *s, int64_t *out, char *err, size_t errlen)
{
	char why[128];

	if (s[0] == '@') {
		if (parse_int64(s + 1, 0, INT64_C(253402300799), out) == -1) {
			snprintf(err, errlen, "VECHE_CLOCK: '%s' is not @ and a "
			    "number of Unix seconds", s);
			return -1;
		}
		return 0;
	}
	if (datetime_parse(s, out, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "VECHE_CLOCK: '%s': %s (expected e.g. "
		    "2026-12-28T10:00:00+03:00, @1798441200 or file:PATH)",
		    s, why);
		return -1;
	}
	return 0;
}

/* Read the clock file into *out.  0, or -1 with err set. */
static int
read_file(const char *path, int64_t *out, char *err, size_t errlen)
{
	char buf[64];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "VECHE_CLOCK: cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		buf[--n] = '\0';
	return parse_instant(buf, out, err, errlen);
}

static int
same_file(const struct stat *st)
{
	return st->st_ino == clk.ino && st->st_size == clk.size &&
	    st->st_mtim.tv_sec == clk.mtime.tv_sec &&
	    st->st_mtim.tv_nsec == clk.mtime.tv_nsec;
}

/* File mode: re-base when the file changed.  Called with the lock held. */
static void
follow_file(void)
{
	struct stat st;
	char err[256];
	int64_t t;

	if (stat(clk.path, &st) == -1 || same_file(&st))
		return;
	/* A half-written file keeps the old time until it parses. */
	if (read_file(clk.path, &t, err, sizeof(err)) == -1)
		return;
	clk.base_ms = t * 1000;
	clk.mono_ms = clock_monotonic_ms();
	clk.mtime = st.st_mtim;
	clk.ino = st.st_ino;
	clk.size = st.st_size;
}

int64_t
clock_now_ms(void)
{
	struct timespec ts;
	int64_t ms;

	if (!clk.set) {
		clock_gettime(CLOCK_REALTIME, &ts);
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	pthread_mutex_lock(&clk.lock);
	if (clk.path[0] != '\0')
		follow_file();
	ms = clk.base_ms + (clock_monotonic_ms() - clk.mono_ms);
	pthread_mutex_unlock(&clk.lock);
	return ms;
}

int64_t
clock_now(void)
{
	return clock_now_ms() / 1000;
}

int
clock_is_set(void)
{
	return clk.set;
}

int
clock_configure(const char *spec, char *err, size_t errlen)
{
	struct stat st;
	int64_t t;

	if (spec == NULL || spec[0] == '\0') {
		clk.set = 0;
		return 0;
	}
	if (strncmp(spec, "file:", 5) == 0) {
		const char *path = spec + 5;

		if (snprintf(clk.path, sizeof(clk.path), "%s", path) >=
		    (int)sizeof(clk.path)) {
			snprintf(err, errlen, "VECHE_CLOCK: file path too long");
			clk.path[0] = '\0';
			return -1;
		}
		if (stat(path, &st) == -1) {
			snprintf(err, errlen, "VECHE_CLOCK: cannot read %s: %s",
			    path, strerror(errno));
			clk.path[0] = '\0';
			return -1;
		}
		if (read_file(path, &t, err, errlen) == -1) {
			clk.path[0] = '\0';
			return -1;
		}
		clk.mtime = st.st_mtim;
		clk.ino = st.st_ino;
		clk.size = st.st_size;
	} else {
		clk.path[0] = '\0';
		if (parse_instant(spec, &t, err, errlen) == -1)
			return -1;
	}
	clk.base_ms = t * 1000;
	clk.mono_ms = clock_monotonic_ms();
	clk.set = 1;
	return 0;
}
