/*
 * kernel/test/selftest.c - the in-kernel selftest runner.
 *
 * Output on the kernel log (serial), one line per case, then a verdict line
 * that scripts/run.sh --kernel-selftest waits for:
 *   selftest: boot.memmap_is_sorted: PASS
 *   selftest: boot.memmap_is_sorted: FAIL kernel/test/selftests/boot.c:42: <expr>
 *   selftest: result: PASS          (or FAIL)
 */
#include "selftest.h"

#include <base/string.h>
#include <core/log.h>

/* Every suite, in the order they run. Register new suites here. */
static const struct kernel_selftest_suite *const suites[] = {
	&selftest_suite_base,
	&selftest_suite_boot,
	&selftest_suite_pmm,
	&selftest_suite_heap,
	&selftest_suite_trap,
	&selftest_suite_paging,
	&selftest_suite_vmm,
	&selftest_suite_smp,
	&selftest_suite_sched,
	&selftest_suite_irq,
	&selftest_suite_user,
	&selftest_suite_ipc,
	&selftest_suite_init,
	&selftest_suite_bench,
	&selftest_suite_selftest_fail,
	&selftest_suite_selftest_panic,
	&selftest_suite_selftest_fault,
	&selftest_suite_selftest_overflow,
};

bool selftest_str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

void selftest_fail(struct selftest *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* Only the first failure of a case is reported: the rest follow from it. */
	if (t->failed)
		return;
	t->failed = true;
	log_error("selftest: %s.%s: FAIL %s:%d: ", t->suite, t->name, file, line);
	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	log_error("\n");
}

static void run_suite(const struct kernel_selftest_suite *s, unsigned *passed, unsigned *failed)
{
	log_info("selftest: suite %s: %zu case(s)\n", s->name, s->count);
	for (size_t i = 0; i < s->count; i++) {
		struct selftest t = { .suite = s->name, .name = s->cases[i].name, .failed = false };

		s->cases[i].run(&t);
		if (t.failed) {
			(*failed)++;
		} else {
			(*passed)++;
			log_info("selftest: %s.%s: PASS\n", s->name, t.name);
		}
	}
}

bool selftest_run(const char *suite)
{
	unsigned passed = 0, failed = 0, ran = 0;

	for (size_t i = 0; i < ARRAY_SIZE(suites); i++) {
		const struct kernel_selftest_suite *s = suites[i];

		if (suite != NULL ? strcmp(s->name, suite) != 0 : s->explicit_only)
			continue;
		run_suite(s, &passed, &failed);
		ran++;
	}
	if (ran == 0) {
		log_error("selftest: no suite named '%s'; the suites are:", suite);
		for (size_t i = 0; i < ARRAY_SIZE(suites); i++)
			log_error(" %s", suites[i]->name);
		log_error("\n");
		failed++;
	}
	log_info("selftest: %u passed, %u failed\n", passed, failed);
	log_info("selftest: result: %s\n", failed == 0 ? "PASS" : "FAIL");
	return failed == 0;
}
