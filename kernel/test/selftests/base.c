/*
 * kernel/test/selftests/base.c - base/ as cross-compiled for this CPU.
 *
 * The native tests cover base/ thoroughly on the build machine; these cases
 * check the same code as the kernel's compiler built it for this
 * architecture (code model, alignment rules, no FP registers).
 */
#include "../selftest.h"

#include <base/printf.h>
#include <base/stdlib.h>
#include <base/string.h>
#include <stdint.h>

static void memcpy_and_memmove_every_alignment(struct selftest *t)
{
	static uint8_t src[96], dst[128];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	for (size_t s = 0; s < 8; s++) {
		for (size_t d = 0; d < 8; d++) {
			for (size_t n = 0; n + s <= 64; n += 5) {
				memset(dst, 0xee, sizeof(dst));
				memcpy(dst + d, src + s, n);
				for (size_t i = 0; i < n; i++)
					ST_ASSERT_EQ(t, dst[d + i], src[s + i]);
				ST_ASSERT_EQ(t, dst[d + n], 0xee);
			}
		}
	}
	/* Overlapping both ways. */
	for (size_t i = 0; i < 64; i++)
		dst[i] = (uint8_t)i;
	memmove(dst + 3, dst, 40);
	for (size_t i = 0; i < 40; i++)
		ST_ASSERT_EQ(t, dst[3 + i], i);
	memmove(dst, dst + 3, 40);
	for (size_t i = 0; i < 40; i++)
		ST_ASSERT_EQ(t, dst[i], i);
}

static void memset_and_memcmp(struct selftest *t)
{
	static uint8_t a[80], b[80];

	memset(a, 0x5a, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	ST_ASSERT_EQ(t, memcmp(a, b, sizeof(a)), 0);
	b[77] = 0x80;
	ST_ASSERT(t, memcmp(a, b, sizeof(a)) < 0); /* bytes compare unsigned */
	ST_ASSERT(t, memcmp(b, a, sizeof(a)) > 0);
}

static void snprintf_formats(struct selftest *t)
{
	char buf[64];

	ST_ASSERT_EQ(t,
		     snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%#llx", -42, 7u, 0xabu,
			      0xffffffff80000000ull),
		     33);
	ST_ASSERT_STR_EQ(t, buf, "-42|    7|ab  |0xffffffff80000000");
	ST_ASSERT_EQ(t, snprintf(buf, 4, "%s", "truncated"), 9);
	ST_ASSERT_STR_EQ(t, buf, "tru");
	snprintf(buf, sizeof(buf), "%p %s", (void *)0, (const char *)0);
	ST_ASSERT_STR_EQ(t, buf, "(nil) (null)");
}

static void parsers(struct selftest *t)
{
	uint64_t u;
	int64_t i;
	bool b;

	ST_ASSERT_EQ(t, parse_u64("0x1000", 6, 0, &u), PARSE_OK);
	ST_ASSERT_EQ(t, u, 0x1000);
	ST_ASSERT_EQ(t, parse_u64("18446744073709551616", 20, 10, &u), PARSE_OVERFLOW);
	ST_ASSERT_EQ(t, parse_i64("-9223372036854775808", 20, 10, &i), PARSE_OK);
	ST_ASSERT_EQ(t, i, INT64_MIN);
	ST_ASSERT_EQ(t, parse_bool("on", 2, &b), PARSE_OK);
	ST_ASSERT(t, b);
	ST_ASSERT_EQ(t, strtoul("  077", NULL, 0), 63);
}

static const struct kernel_selftest_case cases[] = {
	{ "memcpy_and_memmove_every_alignment", memcpy_and_memmove_every_alignment },
	{ "memset_and_memcmp", memset_and_memcmp },
	{ "snprintf_formats", snprintf_formats },
	{ "parsers", parsers },
};

SELFTEST_SUITE(selftest_suite_base, "base", cases);
