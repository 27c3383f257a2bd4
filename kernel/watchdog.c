/*
 * kernel/watchdog.c - hangs become reports (include/kernel/watchdog.h).
 *
 * Heartbeats are per-CPU words that only their own CPU writes (in its
 * tick) and every tick reads; a relaxed atomic is enough, as each is a
 * clock reading compared with another, and ordering nothing else. A CPU's
 * heartbeat is 0 until its watchdog starts, so CPUs that never came online
 * are never called stalled.
 */
#include <core/cpu.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <hal/irq.h>
#include <kernel/panic.h>
#include <kernel/watchdog.h>

static uint64_t heartbeat[CPU_MAX];
static struct ktimer ticks[CPU_MAX];

/* The watched step (under step_lock; the tick takes it with interrupts masked). */
static struct spinlock step_lock = SPINLOCK_INIT("watchdog step");
static struct {
	const char *suite, *name;
	uint64_t since, budget;
	struct thread *thread; /* the one running the step */
} step;

static int reporting; /* the first CPU to see a hang reports it, once */

/* Whether this CPU is the one to report (the first to see a hang). */
static bool claim_report(void)
{
	return __atomic_exchange_n(&reporting, 1, __ATOMIC_ACQ_REL) == 0;
}

/* Has any online CPU but this one been silent for too long? */
static void check_cpus(unsigned self, uint64_t now)
{
	uint64_t online = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < cpu_count; i++) {
		uint64_t beat = __atomic_load_n(&heartbeat[i], __ATOMIC_RELAXED);

		if (i == self || !((online >> i) & 1) || beat == 0 || now <= beat)
			continue;
		if (now - beat > WATCHDOG_STALL_NS && claim_report())
			panic("watchdog: cpu %u took no timer tick for %llu ms (interrupts masked "
			      "for good, or stuck)",
			      i, (unsigned long long)((now - beat) / 1000000));
	}
}

static void check_step(uint64_t now)
{
	spin_lock(&step_lock);
	bool over = step.budget != 0 && now > step.since && now - step.since > step.budget;
	const char *suite = step.suite, *name = step.name;
	uint64_t ran = now - step.since, budget = step.budget;
	struct thread *t = step.thread;

	spin_unlock(&step_lock);
	if (!over || !claim_report())
		return;
	const char *wq, *state = thread_state_name(t, &wq);

	panic("watchdog: selftest %s.%s still runs after %llu s (its budget: %llu s): its thread "
	      "'%s' is %s%s%s",
	      suite, name, (unsigned long long)(ran / 1000000000),
	      (unsigned long long)(budget / 1000000000), t->name, state, wq != NULL ? " on " : "",
	      wq != NULL ? wq : "");
}

static void tick(struct ktimer *t)
{
	unsigned self = cpu_id();
	uint64_t now = hal_clock_ns();

	__atomic_store_n(&heartbeat[self], now, __ATOMIC_RELAXED);
	ktimer_arm(t, now + WATCHDOG_TICK_NS, tick);
	if (__atomic_load_n(&reporting, __ATOMIC_RELAXED))
		return;
	check_cpus(self, now);
	check_step(now);
}

void watchdog_start_cpu(void)
{
	unsigned self = cpu_id();
	uint64_t now = hal_clock_ns();

	__atomic_store_n(&heartbeat[self], now, __ATOMIC_RELAXED);
	ktimer_arm(&ticks[self], now + WATCHDOG_TICK_NS, tick);
}

void watchdog_step(const char *suite, const char *name, uint64_t budget_ns)
{
	unsigned long irq = spin_lock_irqsave(&step_lock);

	step.suite = suite;
	step.name = name;
	step.since = hal_clock_ns();
	step.budget = name != NULL ? budget_ns : 0;
	step.thread = thread_current();
	spin_unlock_irqrestore(&step_lock, irq);
}
