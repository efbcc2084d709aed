/*
 * rand.h: random bytes for ids and tokens, from a pool of the system's
 * generator's output kept per thread (rand.c).
 */
#ifndef VECHE_RAND_H
#define VECHE_RAND_H

#include <stddef.h>

/*
 * n random bytes into buf, as libsodium's randombytes_buf gives them:
 * small requests are served from the calling thread's pool, refilled by
 * one randombytes_buf call when used up (one getrandom(2) for many ids,
 * not one each); larger ones go to randombytes_buf directly.  A byte is
 * handed out once and wiped from the pool; a forked child starts with
 * an empty pool, so it never repeats its parent's bytes.  Never fails.
 */
void rand_bytes(void *buf, size_t n);

#endif
