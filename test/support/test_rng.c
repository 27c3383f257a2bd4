/*
 * test/support/test_rng.c - seeded pseudo-random numbers for randomized tests.
 *
 * Built without base_names.h: it uses the host C library (getenv, strtoull).
 */
#include "test_rng.h"

#include <stdlib.h>

static uint64_t state;

uint64_t test_rng_seed(uint64_t default_seed)
{
	const char *env = getenv("KEEL_TEST_SEED");
	char *end;
	uint64_t seed = default_seed;

	if (env != NULL && *env != '\0') {
		unsigned long long v = strtoull(env, &end, 0);

		if (*end == '\0')
			seed = v;
	}
	state = seed;
	return seed;
}

uint64_t test_rng_next(void)
{
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t test_rng_below(uint64_t n)
{
	return test_rng_next() % n;
}

bool test_rng_chance(unsigned percent)
{
	return test_rng_below(100) < percent;
}
