/*
 * kernel/test/selftests/sched.c - the scheduler on real CPUs (S1-S3, S6, X1).
 *
 * Threads on every CPU, priorities and round robin, sleeping, joining and
 * cancelling, mutexes and semaphores under contention, stealing, and a
 * thousand threads created and joined. Every wait a case makes has a
 * deadline, so a lost wake-up fails the case instead of hanging the run.
 */
#include "../selftest.h"

#include <core/cpu.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/sync.h>
#include <core/vmm.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/kernel_vmm.h>
#include <kernel/kthread.h>

#define MS UINT64_C(1000000)

static uint64_t all_cpus(void)
{
	return __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);
}

/* Busy-wait `ns` (the thread stays runnable, so the timer may preempt it). */
static void spin_for(uint64_t ns)
{
	uint64_t end = hal_clock_ns() + ns;

	while (hal_clock_ns() < end)
		;
}

/* ---- every CPU runs work */

static uint64_t seen_cpus;

static void note_cpu(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		__atomic_fetch_or(&seen_cpus, UINT64_C(1) << cpu_id(), __ATOMIC_RELAXED);
		spin_for(MS);
	}
}

static void threads_run_on_every_cpu(struct selftest *t)
{
	enum { PER_CPU = 2 };
	struct thread *th[CPU_MAX * PER_CPU];
	unsigned n = cpu_count * PER_CPU;

	seen_cpus = 0;
	for (unsigned i = 0; i < n; i++) {
		th[i] = kthread_run("spread", note_cpu, NULL);
		ST_ASSERT(t, th[i] != NULL);
	}
	for (unsigned i = 0; i < n; i++)
		ST_ASSERT_EQ(t, thread_join(th[i], NULL), 0);
	/* Push on wake and stealing spread them: no CPU may sit idle. */
	ST_ASSERT_EQ(t, seen_cpus, all_cpus());
}

static void pinned(void *arg)
{
	unsigned *where = arg;

	*where = cpu_id();
	thread_yield();
	spin_for(MS);
	if (cpu_id() != *where)
		*where = CPU_MAX; /* moved: affinity was not honoured */
}

static void affinity_is_honoured(struct selftest *t)
{
	unsigned where[CPU_MAX];
	struct thread *th[CPU_MAX];

	for (unsigned i = 0; i < cpu_count; i++) {
		where[i] = CPU_MAX;
		th[i] = kthread_create("pinned", pinned, &where[i]);
		ST_ASSERT(t, th[i] != NULL);
		ST_ASSERT(t, thread_set_affinity(th[i], UINT64_C(1) << i));
		thread_start(th[i]);
	}
	for (unsigned i = 0; i < cpu_count; i++) {
		ST_ASSERT_EQ(t, thread_join(th[i], NULL), 0);
		ST_ASSERT_EQ(t, where[i], i);
	}
	ST_ASSERT(t, !thread_set_affinity(thread_current(), 0));
}

/* ---- 1000 threads */

static void return_arg(void *arg)
{
	thread_exit(arg);
}

static void thousand_threads_created_and_joined(struct selftest *t)
{
	enum { TOTAL = 1000, BATCH = 50 };
	struct thread *th[BATCH];
	uint64_t before = kthread_stacks_live();

	for (unsigned done = 0; done < TOTAL; done += BATCH) {
		for (unsigned i = 0; i < BATCH; i++) {
			th[i] = kthread_run("many", return_arg, (void *)(uintptr_t)(done + i));
			ST_ASSERT(t, th[i] != NULL);
		}
		for (unsigned i = 0; i < BATCH; i++) {
			void *v = NULL;

			ST_ASSERT_EQ(t, thread_join(th[i], &v), 0);
			ST_ASSERT_EQ(t, (uintptr_t)v, done + i);
		}
	}
	/* Every stack went back to the kernel VMM. */
	ST_ASSERT_EQ(t, kthread_stacks_live(), before);
}

/* ---- priorities and round robin on one CPU */

static unsigned order[3], order_len;

static void record_priority(void *arg)
{
	order[__atomic_fetch_add(&order_len, 1, __ATOMIC_RELAXED)] = (unsigned)(uintptr_t)arg;
}

static void higher_priority_runs_first(struct selftest *t)
{
	struct thread *self = thread_current();
	unsigned cpu = cpu_id();
	unsigned prio[3] = { 5, 15, 10 };
	struct thread *th[3];

	/* Stay here, above them all, until every one of them is queued. */
	thread_set_priority(self, SCHED_PRIORITIES - 1);
	ST_ASSERT(t, thread_set_affinity(self, UINT64_C(1) << cpu));
	order_len = 0;
	for (int i = 0; i < 3; i++) {
		th[i] = kthread_create("prio", record_priority, (void *)(uintptr_t)prio[i]);
		ST_ASSERT(t, th[i] != NULL);
		thread_set_priority(th[i], prio[i]);
		thread_set_affinity(th[i], UINT64_C(1) << cpu);
		thread_start(th[i]);
	}
	for (int i = 0; i < 3; i++)
		thread_join(th[i], NULL);
	thread_set_priority(self, SCHED_PRIORITY_DEFAULT);
	thread_set_affinity(self, all_cpus());
	ST_ASSERT_EQ(t, order_len, 3);
	ST_ASSERT_EQ(t, order[0], 15);
	ST_ASSERT_EQ(t, order[1], 10);
	ST_ASSERT_EQ(t, order[2], 5);
}

static volatile bool rr_stop;

static void count_until_stopped(void *arg)
{
	volatile uint64_t *count = arg;

	while (!rr_stop)
		(*count)++;
}

static void round_robin_shares_a_cpu(struct selftest *t)
{
	volatile uint64_t counts[2] = { 0, 0 };
	struct thread *th[2];
	unsigned cpu = cpu_count > 1 ? cpu_count - 1 : 0;

	rr_stop = false;
	for (int i = 0; i < 2; i++) {
		th[i] = kthread_create("rr", count_until_stopped, (void *)&counts[i]);
		ST_ASSERT(t, th[i] != NULL);
		thread_set_affinity(th[i], UINT64_C(1) << cpu);
		thread_start(th[i]);
	}
	/*
	 * Six timer interrupts taken by that CPU (its slice ends): each thread
	 * must have had the CPU by then. Counted on the CPU, not on the clock:
	 * under an overloaded emulator the vCPU may get little of 50 ms of
	 * guest time (loongarch64 with two QEMUs once ran only one thread in
	 * five slices' worth of time). A CPU that never ends a slice makes
	 * this wait the watchdog's to report.
	 */
	const volatile uint64_t *ticks = &cpu_get(cpu)->counters.timer_irqs;
	uint64_t ticks0 = *ticks;

	while (*ticks - ticks0 < 6)
		thread_sleep_ns(SCHED_SLICE_NS);
	uint64_t c0 = counts[0], c1 = counts[1];

	rr_stop = true;
	thread_join(th[0], NULL);
	thread_join(th[1], NULL);
	ST_ASSERT_NE(t, c0, 0);
	ST_ASSERT_NE(t, c1, 0);
}

/* ---- sleeping, waking, joining, cancelling */

static void sleep_lasts_at_least_its_time(struct selftest *t)
{
	struct semaphore s;
	uint64_t start = hal_clock_ns();

	thread_sleep_ns(5 * MS);
	ST_ASSERT_LE(t, start + 5 * MS, hal_clock_ns());
	semaphore_init(&s, 0, "timeout");
	start = hal_clock_ns();
	ST_ASSERT(t, !semaphore_wait_until(&s, start + 3 * MS));
	ST_ASSERT_LE(t, start + 3 * MS, hal_clock_ns());
	ST_ASSERT(t, !semaphore_wait_until(&s, start)); /* already past */
	semaphore_post(&s);
	ST_ASSERT(t, semaphore_wait_until(&s, hal_clock_ns() + 1000 * MS));
}

static void wait_forever(void *arg)
{
	semaphore_wait(arg);
}

static void spin_with_cancellation_points(void *arg)
{
	volatile bool *started = arg;

	*started = true;
	for (;;)
		thread_testcancel();
}

static void sleep_long(void *arg)
{
	(void)arg;
	thread_sleep_ns(UINT64_C(60000000000));
}

static void cancel_stops_blocked_running_and_sleeping_threads(struct selftest *t)
{
	struct semaphore never;
	volatile bool started = false;
	void *v = NULL;

	semaphore_init(&never, 0, "never");
	struct thread *blocked = kthread_run("blocked", wait_forever, &never);
	struct thread *running =
		kthread_run("running", spin_with_cancellation_points, (void *)&started);
	struct thread *sleeping = kthread_run("sleeping", sleep_long, NULL);

	ST_ASSERT(t, blocked != NULL && running != NULL && sleeping != NULL);
	thread_sleep_ns(2 * MS); /* let them block, spin and sleep */
	uint64_t start = hal_clock_ns();

	thread_cancel(blocked);
	thread_cancel(running);
	thread_cancel(sleeping);
	ST_ASSERT_EQ(t, thread_join(blocked, &v), 0);
	ST_ASSERT(t, v == THREAD_CANCELLED);
	ST_ASSERT_EQ(t, thread_join(running, &v), 0);
	ST_ASSERT(t, v == THREAD_CANCELLED);
	ST_ASSERT(t, started);
	ST_ASSERT_EQ(t, thread_join(sleeping, &v), 0);
	ST_ASSERT(t, v == THREAD_CANCELLED);
	ST_ASSERT_LT(t, hal_clock_ns() - start, 1000 * MS); /* not the 60 s sleep */
}

static void join_rules(struct selftest *t)
{
	struct thread *th = kthread_create("join", return_arg, (void *)7);

	ST_ASSERT(t, th != NULL);
	ST_ASSERT_EQ(t, thread_join(thread_current(), NULL), (unsigned long long)-1);
	thread_start(th);
	void *v = NULL;

	ST_ASSERT_EQ(t, thread_join(th, &v), 0);
	ST_ASSERT_EQ(t, (uintptr_t)v, 7);

	/* Detached threads are released by the scheduler: their stacks come back. */
	uint64_t before = kthread_stacks_live();

	for (int i = 0; i < 20; i++) {
		struct thread *d = kthread_run("detached", return_arg, NULL);

		ST_ASSERT(t, d != NULL);
		thread_detach(d);
	}
	uint64_t deadline = hal_clock_ns() + 1000 * MS;

	while (kthread_stacks_live() != before && hal_clock_ns() < deadline) {
		thread_sleep_ns(MS);
		sched_reap();
	}
	ST_ASSERT_EQ(t, kthread_stacks_live(), before);
}

/* ---- mutexes and a producer/consumer stress */

struct counter {
	struct mutex lock;
	uint64_t value;
	unsigned rounds;
};

static void add_under_mutex(void *arg)
{
	struct counter *c = arg;

	for (unsigned i = 0; i < c->rounds; i++) {
		mutex_lock(&c->lock);
		uint64_t v = c->value;

		if ((i & 63) == 0)
			thread_yield(); /* hold it across a switch now and then */
		c->value = v + 1;
		mutex_unlock(&c->lock);
	}
}

static void mutex_excludes(struct selftest *t)
{
	struct counter c = { .rounds = 5000 };
	struct thread *th[8];
	unsigned n = cpu_count * 2 < 8 ? cpu_count * 2 : 8;

	mutex_init(&c.lock, "counter");
	for (unsigned i = 0; i < n; i++) {
		th[i] = kthread_run("adder", add_under_mutex, &c);
		ST_ASSERT(t, th[i] != NULL);
	}
	for (unsigned i = 0; i < n; i++)
		thread_join(th[i], NULL);
	ST_ASSERT_EQ(t, c.value, (uint64_t)n * c.rounds);
	ST_ASSERT(t, mutex_trylock(&c.lock));
	ST_ASSERT(t, mutex_held(&c.lock));
	mutex_unlock(&c.lock);
}

#define RING 64

struct ring {
	struct semaphore slots, items;
	struct mutex lock;
	uint64_t buf[RING];
	unsigned head, tail;
	unsigned per_producer;
	uint64_t consumed_sum;
	unsigned consumed;
	struct semaphore done;
	unsigned to_consume;
};

static void produce(void *arg)
{
	struct ring *r = arg;

	for (unsigned i = 1; i <= r->per_producer; i++) {
		semaphore_wait(&r->slots);
		mutex_lock(&r->lock);
		r->buf[r->head++ % RING] = i;
		mutex_unlock(&r->lock);
		semaphore_post(&r->items);
	}
}

static void consume(void *arg)
{
	struct ring *r = arg;

	for (;;) {
		semaphore_wait(&r->items);
		mutex_lock(&r->lock);
		uint64_t v = r->buf[r->tail++ % RING];
		bool last = ++r->consumed == r->to_consume;

		r->consumed_sum += v;
		mutex_unlock(&r->lock);
		semaphore_post(&r->slots);
		if (last)
			semaphore_post(&r->done);
	}
}

/* Whether no thread of ts[n] can run: each blocked or ended (read without locks: see below). */
static bool none_can_run(struct thread *const *ts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		enum thread_state s = __atomic_load_n(&ts[i]->state, __ATOMIC_ACQUIRE);

		if (s != THREAD_BLOCKED && s != THREAD_EXITED)
			return false;
	}
	return true;
}

/*
 * Items produced and consumed so far: it moves whenever any worker gets
 * anywhere. Read without the mutex, which would wake a waiter of a
 * mutex whose wakeup was lost and so hide the bug this test looks for.
 */
static uint64_t ring_progress(const struct ring *r)
{
	return (uint64_t)__atomic_load_n(&r->head, __ATOMIC_RELAXED) +
	       __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
}

static void producer_consumer_loses_no_wakeup(struct selftest *t)
{
	/*
	 * Two of each, so that with the test's own thread most CPUs block
	 * rather than spin: under TCG on a loaded host, a spinning vCPU can
	 * hold up the vCPU it waits for (the next ticket holder) for a whole
	 * host time slice.
	 */
	enum { PRODUCERS = 2, CONSUMERS = 2, WORKERS = PRODUCERS + CONSUMERS };
	static struct ring r;
	struct thread *w[WORKERS];
	unsigned stuck_looks = 0;

	/*
	 * Sized for emulation: every item costs a few contended lock hand-offs.
	 */
	r = (struct ring){ .per_producer = 2000 };
	r.to_consume = PRODUCERS * r.per_producer;
	semaphore_init(&r.slots, RING, "slots");
	semaphore_init(&r.items, 0, "items");
	semaphore_init(&r.done, 0, "done");
	mutex_init(&r.lock, "ring");
	for (int i = 0; i < CONSUMERS; i++)
		w[i] = kthread_run("consumer", consume, &r);
	for (int i = 0; i < PRODUCERS; i++)
		w[CONSUMERS + i] = kthread_run("producer", produce, &r);
	uint64_t start = hal_clock_ns();

	/*
	 * A lost wakeup is a state, not a duration: every worker blocked (or
	 * ended) with work left, so that nobody will ever post again (only
	 * workers post). Look for that state once a second, instead of putting a
	 * deadline on a run whose speed is the host's (each cross-CPU wakeup
	 * under an overloaded TCG host waits for the host to schedule the
	 * woken vCPU: 10-20 ms per item was seen, 4000 items in 60-80 s). The
	 * two looks must agree, a second apart, with no progress between:
	 * a thread read as blocked just before another woke it is then ready
	 * or running at the second look, or the ring moved. A run that is
	 * stuck any other way is the watchdog's (its case budget).
	 */
	bool finished = false;
	uint64_t seen = UINT64_MAX;

	while (!finished && stuck_looks < 2) {
		finished = semaphore_wait_until(&r.done, hal_clock_ns() + 1000 * MS);
		uint64_t now_seen = ring_progress(&r);

		stuck_looks = !finished && now_seen == seen && none_can_run(w, WORKERS)
				      ? stuck_looks + 1
				      : 0;
		seen = now_seen;
	}
	log_info("selftest: producer/consumer: %u items in %llu ms\n", r.consumed,
		 (unsigned long long)((hal_clock_ns() - start) / MS));

	for (int i = 0; i < WORKERS; i++) {
		if (!finished || i < CONSUMERS)
			thread_cancel(
				w[i]); /* they block in semaphore_wait: a cancellation point */
		thread_join(w[i], NULL);
	}
	ST_ASSERT(t, finished); /* else: no worker could run with work left: a wakeup was lost */
	ST_ASSERT_EQ(t, r.consumed, r.to_consume);
	/* Each producer sent 1..n: the sum shows that nothing was lost or doubled. */
	ST_ASSERT_EQ(t, r.consumed_sum,
		     (uint64_t)PRODUCERS * r.per_producer * (r.per_producer + 1) / 2);
}

/* ---- stealing */

static void busy_then_note(void *arg)
{
	(void)arg;
	spin_for(20 * MS);
	__atomic_fetch_or(&seen_cpus, UINT64_C(1) << cpu_id(), __ATOMIC_RELAXED);
}

static void idle_cpus_steal_queued_work(struct selftest *t)
{
	enum { N = 8 };
	struct thread *th[N];
	uint64_t steals = 0;

	if (cpu_count < 2)
		return; /* nothing to steal from */
	for (unsigned i = 0; i < cpu_count; i++)
		steals -= sched_get_stats(i).steals;
	seen_cpus = 0;
	/* Queue them all on CPU 0, then let them run anywhere: idle CPUs must take them. */
	for (int i = 0; i < N; i++) {
		th[i] = kthread_create("steal me", busy_then_note, NULL);
		ST_ASSERT(t, th[i] != NULL);
		thread_set_affinity(th[i], 1);
		thread_start(th[i]);
	}
	for (int i = 0; i < N; i++)
		thread_set_affinity(th[i], all_cpus());
	for (int i = 0; i < N; i++)
		thread_join(th[i], NULL);
	for (unsigned i = 0; i < cpu_count; i++)
		steals += sched_get_stats(i).steals;
	ST_ASSERT_LT(t, 0, steals);
	ST_ASSERT_NE(t, seen_cpus & ~UINT64_C(1), 0);
}

static const struct kernel_selftest_case cases[] = {
	{ "threads_run_on_every_cpu", threads_run_on_every_cpu },
	{ "affinity_is_honoured", affinity_is_honoured },
	{ "thousand_threads_created_and_joined", thousand_threads_created_and_joined },
	{ "higher_priority_runs_first", higher_priority_runs_first },
	{ "round_robin_shares_a_cpu", round_robin_shares_a_cpu },
	{ "sleep_lasts_at_least_its_time", sleep_lasts_at_least_its_time },
	{ "cancel_stops_blocked_running_and_sleeping_threads",
	  cancel_stops_blocked_running_and_sleeping_threads },
	{ "join_rules", join_rules },
	{ "mutex_excludes", mutex_excludes },
	{ "producer_consumer_loses_no_wakeup", producer_consumer_loses_no_wakeup },
	{ "idle_cpus_steal_queued_work", idle_cpus_steal_queued_work },
};

SELFTEST_SUITE(selftest_suite_sched, "sched", cases);
