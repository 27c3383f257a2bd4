/*
 * kernel/test/selftests/smp.c - every CPU is up and takes interrupts (X1).
 *
 * The HAL's side of scheduling, checked on the machine: the clock, the
 * per-CPU one-shot timer, the IPI, a raw context switch and the TLB
 * shootdown, on every CPU the boot protocol reported.
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/heap.h>
#include <core/sched.h>
#include <core/sync.h>
#include <core/tlb.h>
#include <core/vmm.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/kernel_vmm.h>
#include <kernel/kthread.h>

#define MS UINT64_C(1000000)

static uint64_t online_mask(void)
{
	return __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);
}

static void clock_is_monotonic_and_advances(struct selftest *t)
{
	uint64_t start = hal_clock_ns(), prev = start;

	for (int i = 0; i < 100000 && prev - start < 2 * MS; i++) {
		uint64_t now = hal_clock_ns();

		ST_ASSERT_LE(t, prev, now);
		prev = now;
	}
	ST_ASSERT_LE(t, start + 2 * MS, prev); /* 2 ms passed within the loop's bound */
}

static void every_reported_cpu_is_online(struct selftest *t)
{
	const struct boot_info *bi = boot_info();

	ST_ASSERT_EQ(t, cpu_count, bi->cpu_count);
	for (unsigned i = 0; i < cpu_count; i++) {
		ST_ASSERT(t, __atomic_load_n(&cpu_get(i)->online, __ATOMIC_ACQUIRE));
		ST_ASSERT_EQ(t, cpu_get(i)->id, i);
		ST_ASSERT_EQ(t, cpu_get(i)->hw_id, bi->cpus[i].hw_id);
	}
	ST_ASSERT_EQ(t, online_mask(),
		     cpu_count == 64 ? UINT64_MAX : (UINT64_C(1) << cpu_count) - 1);
}

/* ---- the timer of each CPU */

struct timer_probe {
	struct ktimer timer;
	struct semaphore fired;
	unsigned ran_on;
	uint64_t armed_at, ran_at;
};

static void timer_probe_fn(struct ktimer *k)
{
	struct timer_probe *p = (struct timer_probe *)(void *)k;

	p->ran_on = cpu_id();
	p->ran_at = hal_clock_ns();
	semaphore_post(&p->fired);
}

static void arm_and_wait(void *arg)
{
	struct timer_probe *p = arg;

	p->armed_at = hal_clock_ns();
	ktimer_arm(&p->timer, p->armed_at + 2 * MS, timer_probe_fn);
	if (!semaphore_wait_until(&p->fired, p->armed_at + 2000 * MS))
		ktimer_cancel(&p->timer);
}

static void timer_fires_on_every_cpu(struct selftest *t)
{
	for (unsigned i = 0; i < cpu_count; i++) {
		struct timer_probe p = { .ran_on = CPU_MAX };
		uint64_t before = cpu_get(i)->counters.timer_irqs;

		list_init(&p.timer.link);
		semaphore_init(&p.fired, 0, "timer probe");
		struct thread *th = kthread_create("timer probe", arm_and_wait, &p);

		ST_ASSERT(t, th != NULL);
		ST_ASSERT(t, thread_set_affinity(th, UINT64_C(1) << i));
		thread_start(th);
		ST_ASSERT_EQ(t, thread_join(th, NULL), 0);
		ST_ASSERT_EQ(t, p.ran_on, i);
		ST_ASSERT_LE(t, p.armed_at + 2 * MS, p.ran_at);
		ST_ASSERT_LT(t, before, cpu_get(i)->counters.timer_irqs);
	}
}

static void ipi_reaches_every_cpu(struct selftest *t)
{
	for (unsigned i = 0; i < cpu_count; i++) {
		uint64_t before = __atomic_load_n(&cpu_get(i)->counters.ipis, __ATOMIC_RELAXED);
		uint64_t deadline = hal_clock_ns() + 1000 * MS;

		cpu_send_ipi(i, 0); /* no work: only the interrupt itself */
		while (__atomic_load_n(&cpu_get(i)->counters.ipis, __ATOMIC_RELAXED) == before &&
		       hal_clock_ns() < deadline)
			;
		ST_ASSERT_LT(t, before,
			     __atomic_load_n(&cpu_get(i)->counters.ipis, __ATOMIC_RELAXED));
	}
}

/* ---- a raw context switch, without the scheduler */

static uintptr_t main_sp, other_sp;
static volatile int pingpong_steps;

static void pingpong_entry(void *arg)
{
	(void)arg;
	for (;;) {
		pingpong_steps++;
		hal_context_switch(&other_sp, main_sp);
	}
}

static void context_switch_round_trips(struct selftest *t)
{
	enum { STACK = 16384 };
	uint8_t *stack = kmalloc(STACK);

	ST_ASSERT(t, stack != NULL);
	pingpong_steps = 0;
	unsigned long flags = hal_irq_save();

	other_sp = hal_context_init((uintptr_t)stack + STACK, pingpong_entry, NULL);
	for (int i = 1; i <= 100; i++) {
		hal_context_switch(&main_sp, other_sp);
		if (pingpong_steps != i)
			break;
	}
	hal_irq_restore(flags);
	kfree(stack);
	ST_ASSERT_EQ(t, pingpong_steps, 100);
}

/* ---- shootdown */

struct reader {
	volatile uint64_t *word;
	uint64_t seen;
};

static void read_word(void *arg)
{
	struct reader *r = arg;

	r->seen = *r->word; /* this CPU's TLB now holds the page */
}

static void shootdown_reaches_every_other_cpu(struct selftest *t)
{
	uint64_t va, id;
	struct reader readers[CPU_MAX];
	struct tlb_stats before[CPU_MAX];

	ST_ASSERT_EQ(t, vmm_alloc(vmm_kernel(), 1, VMM_READ | VMM_WRITE, VMM_EAGER, &va, &id),
		     VMM_OK);
	*(volatile uint64_t *)va = 0x5107;
	for (unsigned i = 0; i < cpu_count; i++) {
		readers[i] = (struct reader){ .word = (volatile uint64_t *)va };
		struct thread *th = kthread_create("reader", read_word, &readers[i]);

		ST_ASSERT_GOTO(t, th != NULL, out);
		thread_set_affinity(th, UINT64_C(1) << i);
		thread_start(th);
		thread_join(th, NULL);
		ST_ASSERT_EQ_GOTO(t, readers[i].seen, 0x5107, out);
	}
	for (unsigned i = 0; i < cpu_count; i++)
		before[i] = tlb_get_stats(i);
	ST_ASSERT_EQ(t, vmm_free(vmm_kernel(), id), VMM_OK);
	uint64_t sent = 0, answered = 0;

	for (unsigned i = 0; i < cpu_count; i++) {
		struct tlb_stats now = tlb_get_stats(i);

		sent += now.sent - before[i].sent;
		if (now.answered > before[i].answered)
			answered++;
	}
	ST_ASSERT_EQ(t, sent, cpu_count > 1 ? 1 : 0);
	ST_ASSERT_EQ(t, answered, cpu_count - 1);
	return;
out:
	vmm_free(vmm_kernel(), id);
}

static const struct kernel_selftest_case cases[] = {
	{ "clock_is_monotonic_and_advances", clock_is_monotonic_and_advances },
	{ "every_reported_cpu_is_online", every_reported_cpu_is_online },
	{ "timer_fires_on_every_cpu", timer_fires_on_every_cpu },
	{ "ipi_reaches_every_cpu", ipi_reaches_every_cpu },
	{ "context_switch_round_trips", context_switch_round_trips },
	{ "shootdown_reaches_every_other_cpu", shootdown_reaches_every_other_cpu },
};

SELFTEST_SUITE(selftest_suite_smp, "smp", cases);
