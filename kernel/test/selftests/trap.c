/*
 * kernel/test/selftests/trap.c - exceptions reach the kernel and come back.
 */
#include "../selftest.h"

#include <kernel/trap.h>

static void breakpoints_are_counted_and_stepped_over(struct selftest *t)
{
	uint64_t before = trap_breakpoint_count();
	volatile uint64_t survivor = 0x5eed;

	__builtin_debugtrap();
	ST_ASSERT_EQ(t, trap_breakpoint_count(), before + 1);
	__builtin_debugtrap();
	__builtin_debugtrap();
	ST_ASSERT_EQ(t, trap_breakpoint_count(), before + 3);
	/* The trapped context came back intact: its stack still holds our value. */
	ST_ASSERT_EQ(t, survivor, 0x5eed);
}

static const struct kernel_selftest_case cases[] = {
	{ "breakpoints_are_counted_and_stepped_over", breakpoints_are_counted_and_stepped_over },
};

SELFTEST_SUITE(selftest_suite_trap, "trap", cases);
