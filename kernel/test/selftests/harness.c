/*
 * kernel/test/selftests/harness.c - suites that fail on purpose.
 *
 * They check the harness itself: run one with kernel.selftest.suite=NAME
 * and the run must end in FAIL (selftest_fail) or a panic report
 * (selftest_panic, and selftest_fault for an unresolved kernel page fault),
 * and scripts/run.sh must exit non-zero. None runs when all suites run.
 */
#include "../selftest.h"

#include <kernel/panic.h>
#include <stdint.h>

static void deliberate_failure(struct selftest *t)
{
	ST_ASSERT_EQ(t, 1 + 1, 3);
}

static void deliberate_failure_with_cleanup(struct selftest *t)
{
	int resource = 1;

	ST_ASSERT_EQ_GOTO(t, resource, 0, out);
out:
	resource = 0; /* the cleanup a real test would do */
	ST_ASSERT_EQ(t, resource, 0);
}

static const struct kernel_selftest_case fail_cases[] = {
	{ "deliberate_failure", deliberate_failure },
	{ "deliberate_failure_with_cleanup", deliberate_failure_with_cleanup },
};

const struct kernel_selftest_suite selftest_suite_selftest_fail = {
	.name = "selftest_fail",
	.cases = fail_cases,
	.count = ARRAY_SIZE(fail_cases),
	.explicit_only = true,
};

static void deliberate_panic(struct selftest *t)
{
	(void)t;
	panic("deliberate panic from the selftest_panic suite");
}

static const struct kernel_selftest_case panic_cases[] = {
	{ "deliberate_panic", deliberate_panic },
};

const struct kernel_selftest_suite selftest_suite_selftest_panic = {
	.name = "selftest_panic",
	.cases = panic_cases,
	.count = ARRAY_SIZE(panic_cases),
	.explicit_only = true,
};

/*
 * An address in the kernel half that nothing maps on any platform (and that
 * is not canonical under riscv64 Sv39, which faults just the same).
 */
#define UNMAPPED_KERNEL_ADDRESS UINT64_C(0xffffff0000000123)

static void deliberate_page_fault(struct selftest *t)
{
	(void)t;
	(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_KERNEL_ADDRESS;
}

static const struct kernel_selftest_case fault_cases[] = {
	{ "deliberate_page_fault", deliberate_page_fault },
};

const struct kernel_selftest_suite selftest_suite_selftest_fault = {
	.name = "selftest_fault",
	.cases = fault_cases,
	.count = ARRAY_SIZE(fault_cases),
	.explicit_only = true,
};

/* Each frame keeps a page-sized buffer alive, so a few frames cross the guard. */
static unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[1024];

	frame[0] = (uint8_t)depth;
	return depth == 0 ? frame[0] : recurse(depth - 1) + frame[0];
}

static void deliberate_stack_overflow(struct selftest *t)
{
	(void)t;
	recurse(1u << 20); /* far deeper than any kernel stack */
}

static const struct kernel_selftest_case overflow_cases[] = {
	{ "deliberate_stack_overflow", deliberate_stack_overflow },
};

const struct kernel_selftest_suite selftest_suite_selftest_overflow = {
	.name = "selftest_overflow",
	.cases = overflow_cases,
	.count = ARRAY_SIZE(overflow_cases),
	.explicit_only = true,
};
