/*
 * clock.h: the one wall clock of the program.
 *
 * Every part of veche that needs "now" (the server, the command line, the
 * deadline scanner, the outbox) reads clock_now().  By default it is the
 * system's clock.  VECHE_CLOCK (read once at start-up by main) sets it:
 *
 *   VECHE_CLOCK=2026-12-28T10:00:00+03:00   start at that instant and run
 *   VECHE_CLOCK=@1798441200                 the same, in Unix seconds
 *   VECHE_CLOCK=file:/path/to/clock         the file holds one of the two
 *                                           forms above; whenever the file
 *                                           changes the clock jumps to it
 *
 * A set clock keeps running at the speed of CLOCK_MONOTONIC from the set
 * instant, so intervals stay real; a test moves it on by rewriting the file.
 * Timers and waits never use this clock: they use CLOCK_MONOTONIC.
 */
#ifndef VECHE_CLOCK_H
#define VECHE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* The current time in Unix seconds. */
int64_t clock_now(void);

/* The current time in Unix milliseconds. */
int64_t clock_now_ms(void);

/*
 * Set the clock from spec (the forms above; NULL or "" keeps the system
 * clock).  Start-up only, before threads start.  Returns 0, or -1 with a
 * message in err naming what was expected.
 */
int clock_configure(const char *spec, char *err, size_t errlen);

/* Whether the clock was set (1) or is the system's (0). */
int clock_is_set(void);

/* Milliseconds on CLOCK_MONOTONIC, for intervals and timers. */
int64_t clock_monotonic_ms(void);

#endif
