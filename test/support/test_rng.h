/*
 * test/support/test_rng.h - seeded pseudo-random numbers for randomized tests.
 *
 * The model-based and differential tests draw from one splitmix64 stream:
 * tiny, fast, and good enough to explore a state space. The seed is fixed by
 * default so CI runs are repeatable; the environment variable KEEL_TEST_SEED
 * (decimal or 0x-hex) replays a failure or explores another stream. Tests
 * print the seed in every failure message.
 */
#ifndef TEST_SUPPORT_TEST_RNG_H
#define TEST_SUPPORT_TEST_RNG_H

#include <stdbool.h>
#include <stdint.h>

/* Start the stream: KEEL_TEST_SEED if set and valid, else default_seed. Returns the seed. */
uint64_t test_rng_seed(uint64_t default_seed);

/* The next 64 random bits. */
uint64_t test_rng_next(void);

/* A value in 0..n-1 (n > 0; the modulo bias is irrelevant here). */
uint64_t test_rng_below(uint64_t n);

/* True with probability percent / 100. */
bool test_rng_chance(unsigned percent);

#endif /* TEST_SUPPORT_TEST_RNG_H */
