/*
 * kernel/test/selftests/ipc.c - IPC through endpoints (X2, X3): user
 * programs (user/programs/ipctest.c) call, receive and reply inside one
 * process and across two, and a caller blocked in a call is killed; each
 * time nothing may leak.
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <core/ipc.h>
#include <hal/irq.h>
#include <kernel/process.h>

int selftest_start_ipctest(const char *name, struct kobject *object, uint32_t rights, unsigned part,
			   struct process **out)
{
	const struct boot_module *m = boot_module_find("ipctest.elf");
	struct process *p;
	uint64_t entry, h;
	int status;

	if (m == NULL)
		return PROCESS_BAD_IMAGE;
	status = process_create(name, &p);
	if (status != PROCESS_OK)
		return status;
	status = process_load_elf(p, phys_to_virt(m->phys), m->size, &entry);
	if (status == PROCESS_OK && handle_install(&p->handles, object, rights, &h) != HANDLE_OK)
		status = PROCESS_LIMIT;
	if (status == PROCESS_OK)
		status = process_start(p, entry, h << 8 | part);
	if (status != PROCESS_OK) {
		process_destroy(p);
		return status;
	}
	*out = p;
	return PROCESS_OK;
}

/* Kill *p with `status`, if it is there, and wait for it: *p is NULL afterwards. */
static void kill_and_wait(struct process **p, uint64_t status, struct process_exit *e)
{
	if (*p == NULL)
		return;
	process_kill(*p, status);
	process_wait(*p, e);
	*p = NULL;
}

/*
 * Twice: the first run also warms the heap's size classes and the kernel
 * window's page tables up; the second must leave exactly nothing behind.
 */
static void calls_within_a_process(struct selftest *t)
{
	struct selftest_usage before;
	struct process_exit e;

	for (int run = 0; run < 2; run++) {
		before = selftest_usage_now();
		ST_ASSERT_EQ(t, selftest_run_program("ipctest.elf", 0, &e), PROCESS_OK);
		ST_ASSERT(t, !e.faulted);
		ST_ASSERT_EQ(t, e.status, 0); /* its failed checks */
	}
	selftest_expect_same_usage(t, &before);
}

/* A server and a client process share an endpoint the kernel gave them. */
static void calls_across_processes(struct selftest *t)
{
	struct selftest_usage before = selftest_usage_now();
	struct endpoint *ep = endpoint_create();
	struct process *server = NULL, *client = NULL;
	struct process_exit se, ce;

	ST_ASSERT(t, ep != NULL);
	ST_ASSERT_EQ_GOTO(
		t, selftest_start_ipctest("ipc-server", &ep->object, SYS_RIGHT_READ, 1, &server),
		PROCESS_OK, out);
	ST_ASSERT_EQ_GOTO(
		t, selftest_start_ipctest("ipc-client", &ep->object, SYS_RIGHT_WRITE, 2, &client),
		PROCESS_OK, out);
	process_wait(client, &ce);
	client = NULL;
	process_wait(server, &se);
	server = NULL;
	ST_ASSERT_GOTO(t, !ce.faulted && !se.faulted, out);
	ST_ASSERT_EQ_GOTO(t, ce.status, 0, out);
	ST_ASSERT_EQ_GOTO(t, se.status, 0, out);
out:
	kill_and_wait(&client, 1, &ce); /* a failed check left them running */
	kill_and_wait(&server, 1, &se);
	kobject_put(&ep->object);
	selftest_expect_same_usage(t, &before);
}

/* A client blocked in a call nobody receives, and a server blocked in recv, are killed. */
static void blocked_peers_can_be_killed(struct selftest *t)
{
	struct selftest_usage before = selftest_usage_now();
	struct endpoint *ep = endpoint_create(), *idle = endpoint_create();
	struct process *client = NULL, *server = NULL;
	struct process_exit e;

	ST_ASSERT(t, ep != NULL && idle != NULL);
	ST_ASSERT_EQ_GOTO(
		t, selftest_start_ipctest("ipc-caller", &ep->object, SYS_RIGHT_WRITE, 2, &client),
		PROCESS_OK, out);
	ST_ASSERT_EQ_GOTO(
		t,
		selftest_start_ipctest("ipc-receiver", &idle->object, SYS_RIGHT_READ, 1, &server),
		PROCESS_OK, out);
	thread_sleep_ns(20000000); /* both are blocked by now */
	kill_and_wait(&client, 55, &e);
	ST_ASSERT_EQ_GOTO(t, e.status, 55, out);
	kill_and_wait(&server, 66, &e);
	ST_ASSERT_EQ_GOTO(t, e.status, 66, out);
out:
	kill_and_wait(&client, 1, &e);
	kill_and_wait(&server, 1, &e);
	if (ep != NULL)
		kobject_put(&ep->object);
	if (idle != NULL)
		kobject_put(&idle->object);
	selftest_expect_same_usage(t, &before);
}

/* ---- A notification signalled from interrupt context wakes a user thread. */

static struct notification *timer_target;

static void signal_from_timer(struct ktimer *timer)
{
	(void)timer;
	notification_signal(timer_target, 0x42); /* in the timer interrupt */
}

static void notifications_from_interrupts(struct selftest *t)
{
	struct selftest_usage before = selftest_usage_now();
	struct notification *n = notification_create();
	struct process *p = NULL;
	struct process_exit e;
	static struct ktimer timer;
	bool armed = false;

	ST_ASSERT(t, n != NULL);
	timer_target = n;
	ST_ASSERT_EQ_GOTO(t,
			  selftest_start_ipctest("ipc-waiter", &n->object, SYS_RIGHT_READ, 5, &p),
			  PROCESS_OK, out);
	ktimer_arm(&timer, hal_clock_ns() + 20000000, signal_from_timer);
	armed = true;
	process_wait(p, &e);
	ST_ASSERT_GOTO(t, !e.faulted, out);
	ST_ASSERT_EQ_GOTO(t, e.status, 0x42, out);
out:
	if (armed)
		ktimer_cancel(&timer); /* it ran: the waiter ended with its bits */
	kobject_put(&n->object);
	selftest_expect_same_usage(t, &before);
}

static const struct kernel_selftest_case cases[] = {
	{ "calls_within_a_process", calls_within_a_process },
	{ "calls_across_processes", calls_across_processes },
	{ "blocked_peers_can_be_killed", blocked_peers_can_be_killed },
	{ "notifications_from_interrupts", notifications_from_interrupts },
};

SELFTEST_SUITE(selftest_suite_ipc, "ipc", cases);
