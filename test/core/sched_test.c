/*
 * test/core/sched_test.c - the scheduler's policy with a fake HAL (S1, S2, S6).
 *
 * core/sched.c runs unchanged; test/sched/sched_hal_mock.c switches
 * contexts with ucontext, so the threads below really run, as coroutines
 * of the test's host thread. The test itself plays CPU 0's idle thread:
 * thread_yield() from it runs every ready thread of CPU 0 until they all
 * block or exit, then comes back. Other CPUs exist as data: their run
 * queues, their recorded IPIs and timer deadlines, and their idle
 * threads, which the test never runs; stealing is checked by calling the
 * idle loop's balancing step as CPU 1.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <base/string.h>
#include <core/cpu.h>
#include <core/sched.h>
#include <core/sync.h>
#include <hal/cpu.h>
#include <hal/irq.h>

#include "hal/cpu_mock.h"
#include "sched/sched_hal_mock.h"

#define NCPU 2

static struct thread idle[NCPU];
static unsigned released;

static void setup(void)
{
	memset(cpu_table, 0, sizeof(cpu_table));
	sched_online_mask = 0;
	released = 0;
	mock_sched_hal_reset();
	mock_clock_set(1000);
	cpu_count = NCPU;
	for (unsigned i = 0; i < NCPU; i++) {
		memset(&idle[i], 0, sizeof(idle[i]));
		cpu_table[i].self = &cpu_table[i];
		cpu_table[i].id = i;
		mock_cpu_set_local(&cpu_table[i]);
		list_init(&idle[i].link);
		sched_init_cpu(&cpu_table[i], &idle[i]);
	}
	mock_cpu_set_local(&cpu_table[0]);
	mock_irq_reset();
	hal_irq_disable(); /* an idle thread runs its scheduling with interrupts masked */
}

static void teardown(void)
{
	hal_irq_enable();
	mock_cpu_set_local(NULL);
	mock_context_free(idle[0].saved_sp);
}

TestSuite(sched, .init = setup, .fini = teardown);

static void release(struct thread *t)
{
	mock_context_free(t->saved_sp);
	free(t);
	released++;
}

/* A thread pinned to CPU 0 (so the test, CPU 0's idle thread, runs it). */
static struct thread *make(const char *name, void (*fn)(void *), void *arg, unsigned priority)
{
	struct thread *t = malloc(sizeof(*t));

	cr_assert_not_null(t);
	thread_init(t, name, 0x10000, 0x4000, fn, arg, release);
	t->priority = priority;
	t->affinity = 1;
	return t;
}

/* make() a thread nobody joins (released when it exits) and start it. */
static struct thread *spawn(const char *name, void (*fn)(void *), void *arg, unsigned priority)
{
	struct thread *t = make(name, fn, arg, priority);

	thread_detach(t);
	thread_start(t);
	return t;
}

/* Run CPU 0's ready threads until none is left (the test is CPU 0's idle thread). */
static void run_cpu0(void)
{
	while (sched_get_stats(0).nr_ready > 0)
		thread_yield();
	/* The threads share the fake interrupt flag with the test: mask it again. */
	hal_irq_disable();
}

static char trace[64];
static size_t trace_len;

static void note(char c)
{
	trace[trace_len++] = c;
	trace[trace_len] = '\0';
}

static void note_arg(void *arg)
{
	note((char)(uintptr_t)arg);
}

Test(sched, strict_priority_orders_the_ready_threads)
{
	trace_len = 0;
	spawn("a", note_arg, (void *)'a', 5);
	spawn("b", note_arg, (void *)'b', 20);
	spawn("c", note_arg, (void *)'c', 10);
	cr_assert_eq(sched_get_stats(0).nr_ready, 3);
	run_cpu0();
	cr_assert_str_eq(trace, "bca");
	sched_reap();
	cr_assert_eq(released, 3);
}

static void yield_three_times(void *arg)
{
	for (int i = 0; i < 3; i++) {
		note((char)(uintptr_t)arg);
		thread_yield();
	}
}

Test(sched, round_robin_inside_a_level)
{
	trace_len = 0;
	spawn("x", yield_three_times, (void *)'x', 8);
	spawn("y", yield_three_times, (void *)'y', 8);
	run_cpu0();
	cr_assert_str_eq(trace, "xyxyxy");
}

/* A timer interrupt at the end of the slice, as the platform delivers it. */
static void tick_past_slice(void)
{
	unsigned long f = hal_irq_save();

	mock_clock_set(mock_clock_get() + SCHED_SLICE_NS);
	sched_timer_interrupt();
	sched_preempt();
	hal_irq_restore(f);
}

static void spin_with_ticks(void *arg)
{
	hal_irq_enable(); /* a running thread takes interrupts */
	for (int i = 0; i < 3; i++) {
		note((char)(uintptr_t)arg);
		tick_past_slice();
	}
	hal_irq_disable();
}

Test(sched, the_timer_preempts_at_the_end_of_a_slice)
{
	trace_len = 0;
	spawn("x", spin_with_ticks, (void *)'x', 8);
	spawn("y", spin_with_ticks, (void *)'y', 8);
	run_cpu0();
	cr_assert_str_eq(trace, "xyxyxy");
}

Test(sched, a_lone_thread_keeps_its_cpu_when_its_slice_ends)
{
	trace_len = 0;
	spawn("x", spin_with_ticks, (void *)'x', 8);
	uint64_t before = cpu_table[0].counters.context_switches;

	run_cpu0();
	cr_assert_str_eq(trace, "xxx");
	/* In and out once: the ticks did not switch. */
	cr_assert_eq(cpu_table[0].counters.context_switches - before, 2);
}

static unsigned ipis_seen;

static void tick_and_count_ipis(void *arg)
{
	(void)arg;
	hal_irq_enable();
	tick_past_slice();
	ipis_seen = mock_ipis(1);
	hal_irq_disable();
}

Test(sched, a_busy_cpu_wakes_an_idle_one_on_its_tick)
{
	ipis_seen = 0;
	spawn("waiting", note_arg, (void *)'w', 4);
	spawn("x", tick_and_count_ipis, NULL, 8);
	run_cpu0();
	/* x ran with `waiting` queued behind it and CPU 1 idle: the tick sent CPU 1 an IPI. */
	cr_assert_eq(ipis_seen, 1);
	cr_assert(cpu_table[1].ipi_pending & CPU_IPI_RESCHEDULE);
	sched_reap();
	cr_assert_eq(released, 2);
}

static uint64_t latest_deadline;

static void yield_with_time_passing(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++) {
		mock_clock_set(mock_clock_get() + 1000000); /* 1 ms per turn */
		if (mock_timer_deadline(0) > latest_deadline)
			latest_deadline = mock_timer_deadline(0);
		thread_yield();
	}
}

Test(sched, switching_does_not_push_the_balance_tick_away)
{
	uint64_t start = mock_clock_get();

	latest_deadline = 0;
	spawn("x", yield_with_time_passing, NULL, 8);
	spawn("y", yield_with_time_passing, NULL, 8);
	run_cpu0();
	/*
	 * Each switch starts a new slice, 10 ms after it; with a thread
	 * always waiting, the timer stays armed for the first balance tick.
	 */
	cr_assert_leq(latest_deadline, start + SCHED_BALANCE_NS);
	sched_reap();
}

static struct wait_queue wq;
static enum wait_result results[4];

static void wait_once(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	unsigned long f = spin_lock_irqsave(&wq.lock);

	results[i] = wait_queue_wait_locked(&wq, i == 3 ? 5000 : WAIT_FOREVER,
					    i == 2 ? WAIT_CANCELLABLE : 0);
	spin_unlock_irqrestore(&wq.lock, f);
	note((char)('0' + i));
}

Test(sched, wait_queues_wake_in_order_time_out_and_cancel)
{
	struct thread *t[4];

	trace_len = 0;
	wait_queue_init(&wq, "test");
	for (unsigned i = 0; i < 4; i++) {
		t[i] = make("waiter", wait_once, (void *)(uintptr_t)i, 8);
		thread_start(t[i]);
	}
	run_cpu0();
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(t[i]->state, THREAD_BLOCKED);
	cr_assert_eq(mock_timer_deadline(0), 5000); /* waiter 3's timeout is armed */

	cr_assert_eq(wait_queue_wake_one(&wq), 1); /* FIFO: waiter 0 */
	run_cpu0();
	cr_assert_str_eq(trace, "0");

	thread_cancel(t[1]); /* not cancellable: stays */
	thread_cancel(t[2]);
	run_cpu0();
	cr_assert_str_eq(trace, "02");
	cr_assert_eq(t[1]->state, THREAD_BLOCKED);

	unsigned long f = hal_irq_save();

	mock_clock_set(5000);
	sched_timer_interrupt();
	hal_irq_restore(f);
	run_cpu0();
	cr_assert_str_eq(trace, "023");

	cr_assert_eq(wait_queue_wake_all(&wq), 1);
	run_cpu0();
	cr_assert_str_eq(trace, "0231");
	cr_assert_eq(results[0], WAIT_WOKEN);
	cr_assert_eq(results[1], WAIT_WOKEN);
	cr_assert_eq(results[2], WAIT_CANCELLED);
	cr_assert_eq(results[3], WAIT_TIMEOUT);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(t[i]->state, THREAD_EXITED);
		thread_detach(t[i]); /* exited joinable: detaching releases it */
	}
	cr_assert_eq(released, 4);
}

static struct thread *target;
static void *joined_value;
static int join_status;

static void joiner(void *arg)
{
	(void)arg;
	join_status = thread_join(target, &joined_value);
}

static void exit_with_42(void *arg)
{
	(void)arg;
	thread_exit((void *)42);
}

Test(sched, join_waits_for_the_exit_value_and_releases)
{
	target = make("target", exit_with_42, NULL, 4);
	struct thread *j = spawn("joiner", joiner, NULL, 10);

	run_cpu0(); /* the joiner blocks: its target is not started */
	cr_assert_eq(j->state, THREAD_BLOCKED);
	thread_start(target);
	run_cpu0();
	cr_assert_eq(join_status, 0);
	cr_assert_eq((uintptr_t)joined_value, 42);
	sched_reap();
	cr_assert_eq(released, 2);
}

static struct semaphore sem;

static void wait_on_sem(void *arg)
{
	(void)arg;
	semaphore_wait(&sem);
	note('!'); /* never: cancelled */
}

static void note_then_wait_then_testcancel(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&wq.lock);

		note('r');
		wait_queue_wait_locked(&wq, WAIT_FOREVER, 0); /* not a cancellation point */
		spin_unlock_irqrestore(&wq.lock, f);
		thread_testcancel(); /* is one */
	}
}

Test(sched, cancelled_threads_stop_and_joiners_see_it)
{
	trace_len = 0;
	semaphore_init(&sem, 0, "sem");
	wait_queue_init(&wq, "test");
	struct thread *blocked = make("blocked", wait_on_sem, NULL, 8);
	struct thread *running = make("running", note_then_wait_then_testcancel, NULL, 8);

	thread_start(blocked);
	thread_start(running);
	run_cpu0();
	cr_assert_eq(blocked->state, THREAD_BLOCKED);
	cr_assert_eq(running->state, THREAD_BLOCKED);
	thread_cancel(blocked); /* ends its cancellable wait */
	thread_cancel(running); /* only marks it */
	run_cpu0();
	cr_assert_eq(blocked->state, THREAD_EXITED);
	cr_assert_eq(blocked->exit_value, THREAD_CANCELLED);
	cr_assert_eq(running->state, THREAD_BLOCKED);
	wait_queue_wake_all(&wq); /* it runs on to its next cancellation point */
	run_cpu0();
	cr_assert_eq(running->state, THREAD_EXITED);
	cr_assert_eq(running->exit_value, THREAD_CANCELLED);
	cr_assert_str_eq(trace, "r");
	thread_detach(blocked);
	thread_detach(running);
	cr_assert_eq(released, 2);
}

Test(sched, a_wake_up_for_another_cpu_sends_it_an_ipi)
{
	struct thread *t = make("remote", note_arg, (void *)'r', 8);

	t->affinity = 2; /* CPU 1 only */
	thread_start(t);
	cr_assert_eq(t->cpu, 1);
	cr_assert_eq(sched_get_stats(1).nr_ready, 1);
	cr_assert_eq(mock_ipis(1), 1);
	cr_assert(cpu_table[1].ipi_pending & CPU_IPI_RESCHEDULE);
	cr_assert(cpu_table[1].sched.need_resched);
	/* Tidy up: CPU 1 never runs in this test, so take it back by hand. */
	cr_assert(thread_set_affinity(t, 1));
	cr_assert_eq(t->cpu, 0);
	thread_detach(t);
	run_cpu0();
	sched_reap();
	cr_assert_eq(released, 1);
}

static struct thread *pushed;

static void start_another(void *arg)
{
	(void)arg;
	pushed = make("pushed", note_arg, (void *)'p', 8);
	pushed->affinity = UINT64_MAX;
	thread_start(pushed);
}

Test(sched, a_busy_cpu_pushes_new_work_to_an_idle_one)
{
	spawn("parent", start_another, NULL, 8);
	run_cpu0();
	/* CPU 0 was busy running the parent, CPU 1 idle: the child went there. */
	cr_assert_eq(pushed->cpu, 1);
	cr_assert_eq(mock_ipis(1), 1);
	thread_set_affinity(pushed, 1);
	thread_detach(pushed);
	run_cpu0();
	sched_reap();
	cr_assert_eq(released, 2);
}

Test(sched, an_idle_cpu_steals_from_the_busiest)
{
	struct thread *t[3];

	for (int i = 0; i < 3; i++) {
		t[i] = spawn("victim", note_arg, (void *)'v', 8); /* pinned to CPU 0 */
		t[i]->affinity = UINT64_MAX;
	}
	t[1]->affinity = 1; /* this one may not move */
	cr_assert_eq(sched_get_stats(0).nr_ready, 3);

	mock_cpu_set_local(&cpu_table[1]); /* be CPU 1, idle */
	cr_assert(sched_steal());
	cr_assert(sched_steal());
	cr_assert_not(sched_steal()); /* only the pinned one is left */
	mock_cpu_set_local(&cpu_table[0]);
	cr_assert_eq(sched_get_stats(0).nr_ready, 1);
	cr_assert_eq(sched_get_stats(1).nr_ready, 2);
	cr_assert_eq(sched_get_stats(1).steals, 2);
	cr_assert_eq(t[0]->cpu, 1);
	cr_assert_eq(t[1]->cpu, 0);
	cr_assert_eq(t[2]->cpu, 1);
	/* Bring them home to run and be released. */
	thread_set_affinity(t[0], 1);
	thread_set_affinity(t[2], 1);
	run_cpu0();
	sched_reap();
	cr_assert_eq(released, 3);
}

static void move_to_cpu1(void *arg)
{
	(void)arg;
	thread_set_affinity(thread_current(), 2);
	note('m'); /* only runs on CPU 1, which the test never runs */
}

Test(sched, a_running_thread_leaves_a_cpu_its_affinity_drops)
{
	trace_len = 0;
	struct thread *t = make("mover", move_to_cpu1, NULL, 8);

	t->affinity = UINT64_MAX & ~UINT64_C(2); /* start on CPU 0 */
	thread_start(t);
	cr_assert_eq(t->cpu, 0);
	run_cpu0();
	cr_assert_str_eq(trace, "");
	cr_assert_eq(t->state, THREAD_READY);
	cr_assert_eq(t->cpu, 1);
	cr_assert_eq(sched_get_stats(1).nr_ready, 1);
	thread_set_affinity(t, 1);
	thread_detach(t);
	run_cpu0();
	cr_assert_str_eq(trace, "m");
	sched_reap();
}

Test(sched, address_spaces_switch_only_when_needed)
{
	struct hal_paging *other = (struct hal_paging *)&sem; /* any distinct pointer */
	struct thread *k1 = make("k1", note_arg, (void *)'1', 8);
	struct thread *k2 = make("k2", note_arg, (void *)'2', 8);
	struct thread *u1 = make("u1", note_arg, (void *)'3', 8);
	struct thread *u2 = make("u2", note_arg, (void *)'4', 8);

	u1->space = other;
	u2->space = other;
	struct thread *all[] = { k1, k2, u1, u2 };

	for (int i = 0; i < 4; i++) {
		thread_detach(all[i]);
		thread_start(all[i]);
	}
	run_cpu0();
	/* k1, k2: kernel space already loaded; u1: load `other`; u2: keep it; idle: kernel. */
	cr_assert_eq(mock_space_switches(), 2);
	sched_reap();
}

static struct mutex mtx;

static void lock_note_unlock(void *arg)
{
	mutex_lock(&mtx);
	note((char)(uintptr_t)arg);
	thread_yield(); /* hold it across a switch */
	mutex_unlock(&mtx);
}

Test(sched, a_mutex_serves_its_waiters_in_order)
{
	trace_len = 0;
	mutex_init(&mtx, "test");
	for (char c = 'a'; c <= 'd'; c++) {
		spawn("locker", lock_note_unlock, (void *)(uintptr_t)c, 8);
	}
	run_cpu0();
	cr_assert_str_eq(trace, "abcd");
	cr_assert_null(mtx.owner);
	sched_reap();
	cr_assert_eq(released, 4);
}

static void lock_twice_barging(void *arg)
{
	(void)arg;
	mutex_lock(&mtx);
	note('a');
	thread_yield();	    /* b and c queue up */
	mutex_unlock(&mtx); /* wakes b ... */
	mutex_lock(&mtx);   /* ... but a, still running, takes it first */
	note('A');
	thread_yield(); /* b runs, finds it taken, waits again at the front */
	mutex_unlock(&mtx);
}

Test(sched, a_running_thread_may_take_a_mutex_before_a_woken_waiter)
{
	trace_len = 0;
	mutex_init(&mtx, "test");
	spawn("a", lock_twice_barging, NULL, 8);
	spawn("b", lock_note_unlock, (void *)'b', 8);
	spawn("c", lock_note_unlock, (void *)'c', 8);
	run_cpu0();
	/* b, woken first and beaten by a, still comes before c. */
	cr_assert_str_eq(trace, "aAbc");
	cr_assert_null(mtx.owner);
	sched_reap();
	cr_assert_eq(released, 3);
}

Test(sched, semaphores_count)
{
	semaphore_init(&sem, 2, "count");
	hal_irq_enable();
	cr_assert(semaphore_trywait(&sem));
	cr_assert(semaphore_trywait(&sem));
	cr_assert_not(semaphore_trywait(&sem));
	semaphore_post(&sem);
	cr_assert(semaphore_trywait(&sem));
	hal_irq_disable();
}
