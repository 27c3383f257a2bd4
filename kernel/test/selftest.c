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

#include <base/stdlib.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <kernel/panic.h>
#include <kernel/watchdog.h>

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
	&selftest_suite_selftest_spin_hang,
	&selftest_suite_selftest_irq_hang,
	&selftest_suite_selftest_step_hang,
	&selftest_suite_selftest_lock_order,
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

/* Seconds a case without a budget of its own may run: kernel.selftest.budget_s= or the default. */
static uint64_t default_budget_s(void)
{
	char text[24];
	uint64_t v;

	if (!boot_cmdline_get("kernel.selftest.budget_s", text, sizeof(text)))
		return SELFTEST_BUDGET_S;
	if (parse_u64(text, strlen(text), 10, &v) != PARSE_OK || v == 0 || v > 86400) {
		log_warn("selftest: kernel.selftest.budget_s=%s is not 1..86400; %u it is\n", text,
			 SELFTEST_BUDGET_S);
		return SELFTEST_BUDGET_S;
	}
	return v;
}

static void run_suite(const struct kernel_selftest_suite *s, unsigned *passed, unsigned *failed)
{
	uint64_t budget_s = s->budget_s != 0 ? s->budget_s : default_budget_s();

	log_info("selftest: suite %s: %zu case(s)\n", s->name, s->count);
	for (size_t i = 0; i < s->count; i++) {
		const struct kernel_selftest_case *c = &s->cases[i];
		struct selftest t = { .suite = s->name, .name = c->name, .failed = false };

		watchdog_step(s->name, c->name, budget_s * UINT64_C(1000000000));
		c->run(&t);
		watchdog_step(NULL, NULL, 0);
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

	panic_note_selftests(true); /* a panic or a hang report from here on fails the run */

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
	panic_note_selftests(false);
	log_info("selftest: result: %s\n", failed == 0 ? "PASS" : "FAIL");
	return failed == 0;
}
