/*
 * kernel/test/selftests/bench.c - scheduler and user-mode figures from the kernel itself.
 *
 * Each case prints `bench: <name> <value> <unit>` lines. The unit is the
 * nanosecond of hal_clock_ns(); under QEMU with `-icount shift=0` (how
 * `scripts/run.sh --bench` boots this suite, DECISIONS D5) guest time
 * advances one nanosecond per instruction, so the figure is instructions
 * per operation, the same on every run and every host. Without -icount
 * it is emulated wall time and says little. docs/benchmarks.md keeps the
 * table. The cases only check that the measurement ran.
 */
#include "../selftest.h"

#include <core/cpu.h>
#include <core/ipc.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/sync.h>
#include <hal/irq.h>
#include <hal/paging.h>
#include <kernel/kthread.h>
#include <kernel/process.h>

#define ROUNDS 500 /* -icount makes each figure exact: more rounds change nothing */

static void report(const char *name, uint64_t total_ns, unsigned ops)
{
	log_info("bench: %s %llu ns\n", name, (unsigned long long)(total_ns / ops));
}

/* ---- switch round trip on one CPU */

static volatile bool pong_stop;
static uint64_t pong_t0, pong_t1, pong_switches;

static void yielder(void *arg)
{
	(void)arg;
	while (!pong_stop)
		thread_yield();
}

/* The measuring half of the pair: each of its yields is one round trip. */
static void yielder_measuring(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++)
		thread_yield(); /* warm up: both threads have run */
	uint64_t s0 = cpu_current()->counters.context_switches;

	pong_t0 = hal_clock_ns();
	for (int i = 0; i < ROUNDS; i++)
		thread_yield();
	pong_t1 = hal_clock_ns();
	pong_switches = cpu_current()->counters.context_switches - s0; /* pinned: same CPU */
	pong_stop = true;
}

/*
 * Two threads near the top priority, pinned to one CPU, yield to each
 * other: one round trip is two switches, timed by one of them while the
 * other CPUs sleep (the caller waits in thread_join). With `spaces`, each
 * runs in its own address space, so every switch also loads page tables.
 */
static bool switch_round_trip(const char *name, bool spaces)
{
	struct hal_paging *space[2] = { NULL, NULL };
	struct thread *th[2];
	struct thread *self = thread_current();
	unsigned cpu = cpu_count > 1 ? 1 : 0;
	bool ok = true;

	/* Off the pair's CPU: they would starve this thread there before both started. */
	if (cpu_count > 1)
		thread_set_affinity(self, 1);

	for (int i = 0; i < 2 && spaces; i++) {
		if (hal_paging_create(&space[i]) != HAL_PAGING_OK)
			ok = false;
	}
	pong_stop = false;
	pong_t0 = pong_t1 = 0;
	for (int i = 0; i < 2; i++) {
		th[i] = kthread_create("pingpong", i == 0 ? yielder_measuring : yielder, NULL);
		if (th[i] == NULL)
			return false;
		th[i]->space = space[i];
		thread_set_priority(th[i], SCHED_PRIORITIES - 2);
		thread_set_affinity(th[i], UINT64_C(1) << cpu);
	}
	thread_start(th[1]); /* the plain one first: the measuring one then always has a partner */
	thread_start(th[0]);
	thread_join(th[0], NULL);
	thread_join(th[1], NULL);
	thread_set_affinity(self, __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE));
	for (int i = 0; i < 2; i++) {
		if (space[i] != NULL)
			hal_paging_destroy(space[i]);
	}
	if (pong_t1 <= pong_t0 || pong_switches != 2 * ROUNDS)
		return false; /* every yield must have been two real switches */
	report(name, pong_t1 - pong_t0, ROUNDS);
	return ok;
}

static void thread_switch_same_space(struct selftest *t)
{
	ST_ASSERT(t, switch_round_trip("thread_switch_round_trip_same_space", false));
}

static void thread_switch_other_space(struct selftest *t)
{
	ST_ASSERT(t, switch_round_trip("thread_switch_round_trip_other_space", true));
}

/* ---- wake-up across CPUs */

struct wake_probe {
	struct semaphore go, back;
	volatile uint64_t posted_at;
	uint64_t total;
	unsigned rounds;
};

static void wakee(void *arg)
{
	struct wake_probe *p = arg;

	for (unsigned i = 0; i < p->rounds; i++) {
		semaphore_wait(&p->go);
		p->total += hal_clock_ns() - p->posted_at;
		semaphore_post(&p->back);
	}
}

static void cross_cpu_wakeup_latency(struct selftest *t)
{
	static struct wake_probe p;
	struct thread *self = thread_current();

	if (cpu_count < 2)
		return;
	p = (struct wake_probe){ .rounds = ROUNDS / 4 };
	semaphore_init(&p.go, 0, "go");
	semaphore_init(&p.back, 0, "back");
	ST_ASSERT(t, thread_set_affinity(self, 1));
	struct thread *w = kthread_create("wakee", wakee, &p);

	ST_ASSERT(t, w != NULL);
	thread_set_affinity(w, 2); /* CPU 1: it idles there between rounds */
	thread_start(w);
	for (unsigned i = 0; i < p.rounds; i++) {
		thread_sleep_ns(100000); /* let CPU 1 go idle */
		p.posted_at = hal_clock_ns();
		semaphore_post(&p.go);
		semaphore_wait(&p.back);
	}
	thread_join(w, NULL);
	thread_set_affinity(self, __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE));
	report("cross_cpu_wakeup_latency", p.total, p.rounds);
	ST_ASSERT_NE(t, p.total, 0);
}

/*
 * ---- user mode: user/programs/ubench.c times the null syscall (a 0-byte
 * SYS_DEBUG_WRITE) and first touches of lazy pages with SYS_CLOCK_READ and
 * prints the same `bench:` lines, through the debug console.
 */
static void user_syscall_and_fault(struct selftest *t)
{
	struct process_exit e;

	ST_ASSERT_EQ(t, selftest_run_program("ubench.elf", ROUNDS, &e), PROCESS_OK);
	ST_ASSERT(t, !e.faulted);
	ST_ASSERT_EQ(t, e.status, 0);
}

/*
 * ---- IPC call + reply round trip (core/ipc.c), client and server pinned
 * to one CPU or to two: first between kthreads (ipc_call against
 * ipc_reply_recv: the IPC path and its hand-offs alone), then
 * between two user processes (ipctest.elf parts 1 and 3/4: the syscalls,
 * message copies and handle lookups as well; parts 6 and 7/8: the same with
 * four-word messages in registers, no copies).
 */
struct ipc_probe {
	struct endpoint *ep;
	unsigned server_cpu;
};

static void ipc_server(void *arg)
{
	struct ipc_probe *p = arg;
	struct ipc_thread self = { 0 };
	struct ipc_message m;

	thread_set_affinity(thread_current(), UINT64_C(1) << p->server_cpu);
	if (ipc_recv(&self, p->ep, &m, WAIT_FOREVER) != IPC_OK)
		return;
	while (m.words[0] != 0) {
		m.words[1]++;
		if (ipc_reply_recv(&self, p->ep, &m, WAIT_FOREVER) != IPC_OK)
			return;
	}
	ipc_reply(&self, &m); /* the last call: stop */
}

static bool kernel_ipc_round_trip(const char *name, unsigned server_cpu)
{
	struct ipc_probe p = { endpoint_create(), server_cpu };
	struct thread *self = thread_current(), *server;
	struct ipc_message m = { .word_count = 2 };
	uint64_t t0 = 0;
	bool ok = true;

	if (p.ep == NULL || !thread_set_affinity(self, 2)) /* the client on CPU 1 */
		return false;
	server = kthread_create("ipc-server", ipc_server, &p);
	if (server == NULL)
		return false;
	thread_start(server);
	for (unsigned i = 0; i < ROUNDS + 50; i++) {
		if (i == 50)
			t0 = hal_clock_ns(); /* both have run and are where they stay */
		m.words[0] = 1;
		m.words[1] = i;
		ok = ok && ipc_call(p.ep, &m, WAIT_FOREVER) == IPC_OK && m.words[1] == i + 1;
	}
	report(name, hal_clock_ns() - t0, ROUNDS);
	m.words[0] = 0;
	ok = ok && ipc_call(p.ep, &m, WAIT_FOREVER) == IPC_OK;
	thread_join(server, NULL);
	kobject_put(&p.ep->object);
	thread_set_affinity(self, __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE));
	return ok;
}

static bool user_ipc_round_trip(unsigned server_part, unsigned part, unsigned server_cpu)
{
	struct endpoint *ep = endpoint_create();
	struct process *server, *client;
	struct process_exit se, ce;

	if (ep == NULL)
		return false;
	if (selftest_start_ipctest("bench-server", &ep->object, SYS_RIGHT_READ, server_part,
				   &server) != PROCESS_OK) {
		kobject_put(&ep->object);
		return false;
	}
	thread_set_affinity(&server->threads[0]->thread, UINT64_C(1) << server_cpu);
	if (selftest_start_ipctest("bench-client", &ep->object, SYS_RIGHT_WRITE, part, &client) ==
	    PROCESS_OK) {
		thread_set_affinity(&client->threads[0]->thread, 2);
		process_wait(client, &ce);
	} else {
		process_kill(server, 1);
		ce.status = 1;
	}
	process_wait(server, &se);
	kobject_put(&ep->object);
	return ce.status == 0 && se.status == 0;
}

static void ipc_round_trip(struct selftest *t)
{
	if (cpu_count < 3)
		return;
	ST_ASSERT(t, kernel_ipc_round_trip("kernel_ipc_round_trip_same_cpu", 1));
	ST_ASSERT(t, kernel_ipc_round_trip("kernel_ipc_round_trip_cross_cpu", 2));
	ST_ASSERT(t, user_ipc_round_trip(1, 3, 1));
	ST_ASSERT(t, user_ipc_round_trip(1, 4, 2));
	ST_ASSERT(t, user_ipc_round_trip(6, 7, 1)); /* four words in registers */
	ST_ASSERT(t, user_ipc_round_trip(6, 8, 2));
}

static const struct kernel_selftest_case cases[] = {
	{ "thread_switch_same_space", thread_switch_same_space },
	{ "thread_switch_other_space", thread_switch_other_space },
	{ "cross_cpu_wakeup_latency", cross_cpu_wakeup_latency },
	{ "user_syscall_and_fault", user_syscall_and_fault },
	{ "ipc_round_trip", ipc_round_trip },
};

const struct kernel_selftest_suite selftest_suite_bench = {
	.name = "bench",
	.cases = cases,
	.count = ARRAY_SIZE(cases),
	.explicit_only = true, /* run with scripts/run.sh --bench */
};
