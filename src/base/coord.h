/*
 * coord.h: coordinates as veche shows and emits them: WGS84 degrees to
 * 6 decimal places (about 0.1 m), so that 57.618998 is not written as
 * 57.618997999999998.  JSON writers pair it with JSON_REAL_PRECISION(10)
 * and the XML writer prints "%.6f" without trailing zeros.
 */
#ifndef VECHE_BASE_COORD_H
#define VECHE_BASE_COORD_H

#include <math.h>

#define COORD_DECIMALS 6

/* v rounded to COORD_DECIMALS places. */
static inline double
coord_round(double v)
{
	return isfinite(v) ? round(v * 1e6) / 1e6 : v;
}

#endif
