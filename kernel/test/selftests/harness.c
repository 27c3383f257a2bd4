/*
 * kernel/test/selftests/harness.c - suites that fail on purpose.
 *
 * They check the harness itself: run one with kernel.selftest.suite=NAME
 * and the run must end in FAIL (selftest_fail) or a panic report
 * (selftest_panic, and selftest_fault for an unresolved kernel page fault),
 * and scripts/run.sh must exit non-zero. None runs when all suites run.
 * The hang suites (selftest_spin_hang, selftest_irq_hang, selftest_step_hang)
 * hang on purpose and must end in the spinlock's or the watchdog's report.
 */
#include "../selftest.h"

#include <core/ipc.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/sync.h>
#include <core/syscall.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/kthread.h>
#include <kernel/panic.h>
#include <kernel/process.h>
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

/*
 * Hangs on purpose (issue 13: a hang must end in a report, not a timeout).
 * Each needs two CPUs: the case's thread stays on CPU 0 and the culprit
 * runs alone on the last online CPU.
 */
static struct spinlock never_released = SPINLOCK_INIT("selftest: held for ever");
static bool culprit_started; /* atomic */

/* The last online CPU, or 0 when only CPU 0 is. */
static unsigned last_online_cpu(void)
{
	uint64_t online = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	return online != 0 ? 63u - (unsigned)__builtin_clzll(online) : 0;
}

/* Run fn alone on the last online CPU and wait until it started; false with one CPU. */
static bool start_culprit(struct selftest *t, void (*fn)(void *))
{
	unsigned cpu = last_online_cpu();

	if (cpu == 0) {
		ST_FAIL_(t, "a hang on purpose needs two CPUs");
		return false;
	}
	thread_set_affinity(thread_current(), 1); /* this thread: CPU 0 */
	struct thread *culprit = kthread_create("culprit", fn, NULL);

	if (culprit == NULL || !thread_set_affinity(culprit, UINT64_C(1) << cpu)) {
		ST_FAIL_(t, "no culprit thread");
		return false;
	}
	thread_start(culprit);
	while (!__atomic_load_n(&culprit_started, __ATOMIC_ACQUIRE))
		thread_sleep_ns(1000000);
	return true;
}

static void hold_for_ever(void *arg)
{
	(void)arg;
	spin_lock_irqsave(&never_released);
	__atomic_store_n(&culprit_started, true, __ATOMIC_RELEASE);
	for (;;)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* The wait for a lock never released: the spinlock's own report, after SPIN_TIMEOUT_NS. */
static void waits_for_a_lock_never_released(struct selftest *t)
{
	if (!start_culprit(t, hold_for_ever))
		return;
	unsigned long irq = spin_lock_irqsave(&never_released);

	spin_unlock_irqrestore(&never_released, irq);
	ST_FAIL_(t, "took a lock that another CPU holds for ever");
}

static const struct kernel_selftest_case spin_hang_cases[] = {
	{ "waits_for_a_lock_never_released", waits_for_a_lock_never_released },
};

const struct kernel_selftest_suite selftest_suite_selftest_spin_hang = {
	.name = "selftest_spin_hang",
	.cases = spin_hang_cases,
	.count = ARRAY_SIZE(spin_hang_cases),
	.explicit_only = true,
};

static void spin_with_interrupts_off(void *arg)
{
	(void)arg;
	hal_irq_disable();
	__atomic_store_n(&culprit_started, true, __ATOMIC_RELEASE);
	for (;;)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* A CPU that spins with interrupts masked takes no ticks: the watchdog's report. */
static void a_cpu_spins_with_interrupts_off(struct selftest *t)
{
	struct semaphore never;

	if (!start_culprit(t, spin_with_interrupts_off))
		return;
	semaphore_init(&never, 0, "selftest: never posted");
	semaphore_wait(&never);
	ST_FAIL_(t, "a semaphore nobody posts was taken");
}

static const struct kernel_selftest_case irq_hang_cases[] = {
	{ "a_cpu_spins_with_interrupts_off", a_cpu_spins_with_interrupts_off },
};

const struct kernel_selftest_suite selftest_suite_selftest_irq_hang = {
	.name = "selftest_irq_hang",
	.cases = irq_hang_cases,
	.count = ARRAY_SIZE(irq_hang_cases),
	.explicit_only = true,
};

/*
 * A case that blocks for ever, every CPU healthy: its budget runs out. A
 * user process waits for ever too (ipctest part 5 on a notification
 * nobody signals): the report must show its thread and what it waits on.
 */
static void waits_for_ever(struct selftest *t)
{
	struct notification *n = notification_create();
	struct semaphore never;
	struct process *p;

	ST_ASSERT(t, n != NULL);
	ST_ASSERT_EQ(t, selftest_start_ipctest("waiter", &n->object, SYS_RIGHT_READ, 5, &p),
		     PROCESS_OK);
	semaphore_init(&never, 0, "selftest: never posted");
	semaphore_wait(&never);
	ST_FAIL_(t, "a semaphore nobody posts was taken");
}

static const struct kernel_selftest_case step_hang_cases[] = {
	{ "waits_for_ever", waits_for_ever },
};

const struct kernel_selftest_suite selftest_suite_selftest_step_hang = {
	.name = "selftest_step_hang",
	.cases = step_hang_cases,
	.count = ARRAY_SIZE(step_hang_cases),
	.explicit_only = true,
	.budget_s = 3,
};

/*
 * Two locks taken in both orders, one after the other on one CPU: no
 * deadlock happens, but two CPUs doing it at once could. With lock checks
 * built in (-Dkernel_lock_checks=true) the second order is reported, with
 * the first order's backtrace; without them the case fails, saying so.
 */
static struct spinlock order_a = SPINLOCK_INIT("selftest: order A");
static struct spinlock order_b = SPINLOCK_INIT("selftest: order B");

static void takes_two_locks_in_both_orders(struct selftest *t)
{
	unsigned long irq = spin_lock_irqsave(&order_a);

	spin_lock(&order_b);
	spin_unlock(&order_b);
	spin_unlock_irqrestore(&order_a, irq);
	irq = spin_lock_irqsave(&order_b);
	spin_lock(&order_a); /* the inversion */
	spin_unlock(&order_a);
	spin_unlock_irqrestore(&order_b, irq);
	ST_FAIL_(t, "no lock-order report: is this build without -Dkernel_lock_checks=true?");
}

static const struct kernel_selftest_case lock_order_cases[] = {
	{ "takes_two_locks_in_both_orders", takes_two_locks_in_both_orders },
};

const struct kernel_selftest_suite selftest_suite_selftest_lock_order = {
	.name = "selftest_lock_order",
	.cases = lock_order_cases,
	.count = ARRAY_SIZE(lock_order_cases),
	.explicit_only = true,
};
