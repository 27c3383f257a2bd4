/*
 * user/programs/ipctest.c - IPC through endpoints, from user mode (X2, X3).
 *
 * The argument picks the part:
 *   0            everything inside one process: call/reply correctness,
 *                rights, bad arguments, timeouts, handle transfer, a
 *                receiver that dies holding a call, a caller that gives up,
 *                many clients on one server
 *   1 | h << 8   a server on endpoint handle h (placed by the kernel):
 *                answers x with x * 3 + 1 until it gets x == 0
 *   2 | h << 8   a client of that server: ROUNDS calls, then x == 0
 *   3 | h << 8   the same client timed (the kernel's bench suite pins the
 *   4 | h << 8   two processes to one CPU for 3, to two for 4): prints
 *                `bench: user_ipc_round_trip_{same,cross}_cpu N ns`
 *   5 | h << 8   wait on notification handle h; the exit status is the bits
 *   6 | h << 8   part 1 with short messages (SYS_IPC_REPLY_RECV_SHORT)
 *   7 | h << 8   parts 3 and 4 with short messages (SYS_IPC_CALL_SHORT):
 *   8 | h << 8   `bench: user_ipc_short_round_trip_{same,cross}_cpu N ns`
 *   9 | h << 8   IRQ handle h (with SYS_RIGHT_WRITE): BINDERS threads bind
 *                it to notifications of their own and unbind it, at once,
 *                BIND_ROUNDS times each; every answer must be OK
 * Otherwise the exit status is the number of failed checks.
 */
#include <base/printf.h>
#include <base/string.h>
#include <keel/check.h>
#include <keel/user.h>

#define ROUNDS	  200
#define CLIENTS	  6
#define MS	  UINT64_C(1000000)
#define BAD(i)	  SYSCALL_STATUS_BAD_ARGUMENT, (i)
#define FAILED(r) SYSCALL_STATUS_FAILED, (r)

enum op { OP_STOP, OP_ADD, OP_DIE, OP_SLOW, OP_JOIN };

static uint64_t ep;
static volatile uint64_t slow_reply_status = UINT64_MAX;

static struct sys_ipc_message message(uint64_t op, uint64_t x)
{
	return (struct sys_ipc_message){ .words = { op, x }, .word_count = 2 };
}

/* The in-process server: one call at a time, by op. */
static uint64_t serve(uint64_t endpoint)
{
	struct sys_ipc_message m;
	struct syscall_result r = sys_ipc_recv(endpoint, &m, SYS_IPC_FOREVER);

	for (;;) {
		if (r.status != SYSCALL_STATUS_OK)
			return r.status;
		switch (m.words[0]) {
		case OP_STOP:
			m = message(0, 0);
			sys_ipc_reply(&m);
			return 0;
		case OP_ADD:
			m = message(0, m.words[1] + 1);
			break;
		case OP_DIE: /* ends holding the call: its caller must hear of it */
			sys_thread_exit(1);
		case OP_SLOW: { /* the caller gives up meanwhile */
			sys_sleep(30 * MS);
			m = message(0, 0);
			slow_reply_status = sys_ipc_reply(&m).value;
			r = sys_ipc_recv(endpoint, &m, SYS_IPC_FOREVER);
			continue;
		}
		case OP_JOIN: { /* a thread handle came with the call: join through it */
			uint64_t h = m.handle_count == 1 ? m.handles[0] : 0;

			m = message(0, sys_thread_join(h).value);
			break;
		}
		}
		r = sys_ipc_reply_recv(endpoint, &m, SYS_IPC_FOREVER);
	}
}

static uint64_t seven(uint64_t x)
{
	(void)x;
	return 7;
}

static uint64_t client(uint64_t id)
{
	unsigned bad = 0;

	for (uint64_t i = 0; i < ROUNDS; i++) {
		struct sys_ipc_message m = message(OP_ADD, id * 1000 + i);
		struct syscall_result r = sys_ipc_call(ep, &m, SYS_IPC_FOREVER);

		bad += r.status != SYSCALL_STATUS_OK || m.words[1] != id * 1000 + i + 1;
	}
	return bad;
}

static uint64_t start_server(void)
{
	struct syscall_result r = keel_thread_create(serve, ep, 0);

	keel_expect_true("server thread", r.status == SYSCALL_STATUS_OK);
	return r.value;
}

static void stop_server(uint64_t server)
{
	struct sys_ipc_message m = message(OP_STOP, 0);

	keel_expect("stop the server", sys_ipc_call(ep, &m, SYS_IPC_FOREVER), SYSCALL_STATUS_OK, 0);
	keel_expect("the server ends", sys_thread_join(server), SYSCALL_STATUS_OK, 0);
}

static void notifications(void);

/* OP_ADD on a page: the server maps the memory object that came with the call and adds. */
static uint64_t serve_memory(uint64_t endpoint)
{
	struct sys_ipc_message m;
	struct syscall_result r = sys_ipc_recv(endpoint, &m, SYS_IPC_FOREVER);
	uint64_t sum = 0;

	if (r.status != SYSCALL_STATUS_OK || m.handle_count != 1)
		return 1;
	r = sys_memory_map(m.handles[0], SYS_PROT_READ | SYS_PROT_WRITE);
	if (r.status == SYSCALL_STATUS_OK) {
		volatile uint64_t *page = (volatile uint64_t *)(uintptr_t)r.value;

		for (unsigned i = 0; i < 512; i++)
			sum += page[i];
		page[511] = sum; /* the answer, through the shared page */
		sys_mem_unmap(r.value);
	}
	sys_handle_close(m.handles[0]);
	m = message(0, sum);
	return sys_ipc_reply(&m).status;
}

/*
 * Shared memory (memory objects): two mappings of one object see the same
 * bytes; rights limit the mapping; a handle sent over IPC lets a thread map
 * it (the same thing works across processes: handles are per process, the
 * object is not).
 */
static void shared_memory(void)
{
	struct syscall_result r = sys_memory_create(4096);
	uint64_t mem = r.value;

	keel_expect_true("memory_create", r.status == SYSCALL_STATUS_OK);
	r = sys_memory_map(mem, SYS_PROT_READ | SYS_PROT_WRITE);
	keel_expect_true("map it", r.status == SYSCALL_STATUS_OK);
	volatile uint64_t *a = (volatile uint64_t *)(uintptr_t)r.value;

	r = sys_memory_map(mem, SYS_PROT_READ);
	keel_expect_true("map it again, read-only",
			 r.status == SYSCALL_STATUS_OK && r.value != (uint64_t)(uintptr_t)a);
	volatile uint64_t *b = (volatile uint64_t *)(uintptr_t)r.value;
	bool zero = true;

	for (unsigned i = 0; i < 512; i++)
		zero = zero && a[i] == 0;
	keel_expect_true("a new object reads as zeroes", zero);
	for (unsigned i = 0; i < 512; i++)
		a[i] = i;
	keel_expect_true("the second mapping sees the first's stores", b[0] == 0 && b[300] == 300);

	uint64_t ro = sys_handle_duplicate(mem, SYS_RIGHT_READ | SYS_RIGHT_GRANT).value;

	keel_expect("a read-only handle cannot map writable",
		    sys_memory_map(ro, SYS_PROT_READ | SYS_PROT_WRITE), BAD(0));
	keel_expect("no executable memory objects",
		    sys_memory_map(mem, SYS_PROT_READ | SYS_PROT_EXEC), BAD(1));
	keel_expect("an endpoint is no memory object", sys_memory_map(ep, SYS_PROT_READ), BAD(0));
	keel_expect("0 bytes", sys_memory_create(0), BAD(0));
	keel_expect("more than SYS_MEMORY_MAX", sys_memory_create(SYS_MEMORY_MAX + 1), BAD(0));
	keel_expect("protect refuses a shared mapping",
		    sys_mem_protect((uint64_t)(uintptr_t)b, SYS_PROT_READ), BAD(0));

	/* Through IPC: the serving thread maps what the call carried and sums it. */
	uint64_t other = sys_endpoint_create().value;
	uint64_t t = keel_thread_create(serve_memory, other, 0).value;
	uint64_t rw = sys_handle_duplicate(mem, SYS_RIGHTS_ALL).value;
	struct sys_ipc_message m = { .handles = { rw }, .handle_count = 1 };

	keel_expect("send the object", sys_ipc_call(other, &m, SYS_IPC_FOREVER), SYSCALL_STATUS_OK,
		    0);
	keel_expect_true("the server summed the page", m.words[1] == 511 * 512 / 2);
	keel_expect_true("and wrote through its own mapping", a[511] == 511 * 512 / 2);
	keel_expect("the server ends", sys_thread_join(t), SYSCALL_STATUS_OK, 0);

	keel_expect("unmap one", sys_mem_unmap((uint64_t)(uintptr_t)a), SYSCALL_STATUS_OK, 0);
	keel_expect("close every handle", sys_handle_close(mem), SYSCALL_STATUS_OK, 0);
	keel_expect_true("the other mapping still holds the pages", b[300] == 300);
	keel_expect("unmap the last", sys_mem_unmap((uint64_t)(uintptr_t)b), SYSCALL_STATUS_OK, 0);
	keel_expect("close the read-only handle", sys_handle_close(ro), SYSCALL_STATUS_OK, 0);
	keel_expect("close the endpoint", sys_handle_close(other), SYSCALL_STATUS_OK, 0);
}

/* A short server: each answer word is 2 * word + its index; w[0] == 0 stops it. */
static uint64_t serve_short(uint64_t endpoint)
{
	uint64_t w[4] = { 0 };
	struct syscall_result r = sys_ipc_reply_recv_short(endpoint, SYS_IPC_FOREVER, w);

	while (r.status == SYSCALL_STATUS_OK && w[0] != 0) {
		for (unsigned i = 0; i < 4; i++)
			w[i] = 2 * w[i] + i;
		r = sys_ipc_reply_recv_short(endpoint, SYS_IPC_FOREVER, w);
	}
	struct sys_ipc_message m = message(0, 0);

	return r.status == SYSCALL_STATUS_OK ? sys_ipc_reply(&m).status : r.status;
}

/*
 * Short messages (SYS_IPC_*_SHORT): four words each way in registers,
 * against a short server and against the buffer server on ep (running);
 * each kind of client and server meets the other.
 */
static void short_messages(void)
{
	uint64_t w[4] = { OP_ADD, 41, 7, 9 };
	struct sys_ipc_message m;

	keel_expect("short call to the buffer server", sys_ipc_call_short(ep, SYS_IPC_FOREVER, w),
		    SYSCALL_STATUS_OK, 0);
	keel_expect_true("its two-word answer, zero-padded",
			 w[0] == 0 && w[1] == 42 && w[2] == 0 && w[3] == 0);

	uint64_t other = sys_endpoint_create().value;
	uint64_t s = keel_thread_create(serve_short, other, 0).value;
	bool all = true;

	for (uint64_t i = 1; i <= 50; i++) {
		uint64_t v[4] = { i, i + 1, i + 2, UINT64_MAX - i };

		all = all &&
		      sys_ipc_call_short(other, SYS_IPC_FOREVER, v).status == SYSCALL_STATUS_OK &&
		      v[0] == 2 * i && v[1] == 2 * (i + 1) + 1 && v[2] == 2 * (i + 2) + 2 &&
		      v[3] == 2 * (UINT64_MAX - i) + 3;
	}
	keel_expect_true("50 short calls, every word of every answer right", all);

	/* A buffer call to the short server: it sees four words, the handle is dropped. */
	m = (struct sys_ipc_message){
		.words = { 3, 4, 5, 6, 7, 8 },
		.word_count = 6,
		.handles = { sys_handle_duplicate(other, SYS_RIGHT_GRANT).value },
		.handle_count = 1
	};
	keel_expect("buffer call to the short server", sys_ipc_call(other, &m, SYS_IPC_FOREVER),
		    SYSCALL_STATUS_OK, 0);
	keel_expect_true("its four-word answer from the first four words",
			 m.word_count == 4 && m.handle_count == 0 && m.words[0] == 6 &&
				 m.words[1] == 9 && m.words[2] == 12 && m.words[3] == 15);

	uint64_t v[4] = { 0 };

	keel_expect("stop the short server", sys_ipc_call_short(other, SYS_IPC_FOREVER, v),
		    SYSCALL_STATUS_OK, 0);
	keel_expect("it ends", sys_thread_join(s), SYSCALL_STATUS_OK, 0);

	uint64_t u[4] = { 1, 2, 3, 4 };

	keel_expect("short call, nobody receiving", sys_ipc_call_short(other, 0, u),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect_true("a failed call leaves the words",
			 u[0] == 1 && u[1] == 2 && u[2] == 3 && u[3] == 4);
	keel_expect("short call, bad endpoint", sys_ipc_call_short(0, 0, u), BAD(0));
	keel_expect("short call, timeout past an hour",
		    sys_ipc_call_short(other, SYS_SLEEP_MAX + 1, u), BAD(1));
	keel_expect("short receive, timeout past an hour",
		    sys_ipc_reply_recv_short(other, SYS_SLEEP_MAX + 1, u), BAD(1));
	keel_expect("short receive, nobody calling", sys_ipc_reply_recv_short(other, 0, u),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect("close the short endpoint", sys_handle_close(other), SYSCALL_STATUS_OK, 0);
}

/* Whether h still names an object (h needs SYS_RIGHT_DUPLICATE). */
static bool handle_is_live(uint64_t h)
{
	struct syscall_result r = sys_handle_duplicate(h, 0);

	if (r.status != SYSCALL_STATUS_OK)
		return false;
	sys_handle_close(r.value);
	return true;
}
static void in_one_process(void)
{
	struct sys_ipc_message m = message(OP_ADD, 41);
	struct syscall_result r = sys_endpoint_create();
	uint64_t server, other;

	keel_expect_true("endpoint_create", r.status == SYSCALL_STATUS_OK);
	ep = r.value;
	other = sys_endpoint_create().value;
	server = start_server();

	keel_expect("call", sys_ipc_call(ep, &m, SYS_IPC_FOREVER), SYSCALL_STATUS_OK, 0);
	keel_expect_true("the reply replaced the message", m.words[1] == 42 && m.word_count == 2);

	/* Rights and arguments. */
	uint64_t recv_only = sys_handle_duplicate(ep, SYS_RIGHT_READ).value;

	m = message(OP_ADD, 1);
	keel_expect("call without SYS_RIGHT_WRITE", sys_ipc_call(recv_only, &m, MS), BAD(0));
	keel_expect("recv without SYS_RIGHT_READ",
		    sys_ipc_recv(sys_handle_duplicate(ep, SYS_RIGHT_WRITE).value, &m, 0), BAD(0));
	keel_expect("call a thread handle", sys_ipc_call(server, &m, MS), BAD(0));
	keel_expect("call handle 0", sys_ipc_call(0, &m, MS), BAD(0));
	keel_expect("call with a NULL message", sys_ipc_call(ep, NULL, MS), BAD(1));
	keel_expect("call with a kernel message",
		    sys_ipc_call(ep, (void *)(uintptr_t)UINT64_C(0xffffffff80000000), MS), BAD(1));
	m.word_count = SYS_IPC_WORDS + 1;
	keel_expect("call with too many words", sys_ipc_call(ep, &m, MS), BAD(1));
	m = message(OP_ADD, 1);
	m.handle_count = SYS_IPC_HANDLES + 1;
	keel_expect("call with too many handles", sys_ipc_call(ep, &m, MS), BAD(1));
	m = message(OP_ADD, 1);
	keel_expect("call with a timeout past an hour", sys_ipc_call(ep, &m, SYS_SLEEP_MAX + 1),
		    BAD(2));
	keel_expect("reply without a call", sys_ipc_reply(&m), SYSCALL_STATUS_UNAVAILABLE, 0);
	uint64_t keep =
		sys_handle_duplicate(ep, SYS_RIGHT_READ | SYS_RIGHT_GRANT | SYS_RIGHT_DUPLICATE)
			.value;

	/* Issue 13: the refused reply took the message's handles out of the table. */
	m = message(OP_ADD, 1);
	m.handles[0] = keep;
	m.handle_count = 1;
	keel_expect("reply with a handle, without a call", sys_ipc_reply(&m),
		    SYSCALL_STATUS_UNAVAILABLE, 0);
	keel_expect("reply without a call twice", sys_ipc_reply(&m), SYSCALL_STATUS_UNAVAILABLE, 0);
	keel_expect_true("the refused reply left the handle", handle_is_live(keep));
	keel_expect("reply_recv with a handle, without a call, nobody calling",
		    sys_ipc_reply_recv(other, &m, 0), FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect_true("nothing was sent, the handle stays", handle_is_live(keep));

	m = message(OP_ADD, 1);
	m.handles[0] = keep;
	m.handle_count = 1;
	keel_expect("reply_recv with a timeout past an hour",
		    sys_ipc_reply_recv(ep, &m, SYS_SLEEP_MAX + 1), BAD(2));
	keel_expect("keeps the handle it would have sent", sys_handle_close(keep),
		    SYSCALL_STATUS_OK, 0);
	m = message(OP_ADD, 1);

	/* Timeouts: nobody receives on `other`, nobody calls it. */
	keel_expect("recv times out", sys_ipc_recv(other, &m, 2 * MS),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect("recv without waiting", sys_ipc_recv(other, &m, 0),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect("call times out", sys_ipc_call(other, &m, 2 * MS),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));

	/* Handles travel: a thread handle goes to the server, which joins it. */
	uint64_t worker = keel_thread_create(seven, 0, 0).value;
	uint64_t no_grant = sys_handle_duplicate(worker, SYS_RIGHT_READ).value;

	m = message(OP_JOIN, 0);
	m.handles[0] = no_grant;
	m.handle_count = 1;
	keel_expect("send a handle without SYS_RIGHT_GRANT", sys_ipc_call(ep, &m, MS), BAD(1));
	keel_expect("which stays with its owner", sys_handle_close(no_grant), SYSCALL_STATUS_OK, 0);
	m = message(OP_JOIN, 0);
	m.handles[0] = worker;
	m.handles[1] = worker;
	m.handle_count = 2;
	keel_expect("send one handle twice", sys_ipc_call(ep, &m, MS), BAD(1));
	m.handle_count = 1;
	keel_expect("send a thread handle", sys_ipc_call(ep, &m, SYS_IPC_FOREVER),
		    SYSCALL_STATUS_OK, 0);
	keel_expect_true("the receiver joined through it", m.words[1] == 7);
	keel_expect("it left the sender's table", sys_handle_close(worker), BAD(0));

	/* A receiver that ends holding the call: the caller hears of it. */
	m = message(OP_DIE, 0);
	keel_expect("the receiver dies mid-call", sys_ipc_call(ep, &m, SYS_IPC_FOREVER),
		    FAILED(SYSCALL_FAILED_PEER_GONE));
	keel_expect("it ended", sys_thread_join(server), SYSCALL_STATUS_OK, 1);
	server = start_server();

	/* A caller that gives up: the late reply finds nobody. */
	m = message(OP_SLOW, 0);
	keel_expect("the caller gives up", sys_ipc_call(ep, &m, 5 * MS),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	while (slow_reply_status == UINT64_MAX)
		sys_sleep(MS);
	keel_expect_true("the late reply is told", slow_reply_status == SYSCALL_FAILED_PEER_GONE);

	/* Many clients, one server. */
	uint64_t clients[CLIENTS];
	bool all = true;

	for (unsigned i = 0; i < CLIENTS; i++)
		clients[i] = keel_thread_create(client, i, 0).value;
	for (unsigned i = 0; i < CLIENTS; i++)
		all = all && sys_thread_join(clients[i]).value == 0;
	keel_expect_true("every client got every answer", all);
	short_messages();
	shared_memory();
	stop_server(server);

	notifications();
	keel_expect("close the endpoint", sys_handle_close(ep), SYSCALL_STATUS_OK, 0);
	keel_expect("close the other", sys_handle_close(other), SYSCALL_STATUS_OK, 0);
	keel_expect("close the read-only duplicate", sys_handle_close(recv_only), SYSCALL_STATUS_OK,
		    0);
}

static uint64_t notify_after(uint64_t n)
{
	sys_sleep(2 * MS);
	return sys_notification_signal(n, 0x80).status;
}

static unsigned woken; /* waiters that took their bits */

static uint64_t wait_for_bits(uint64_t n)
{
	uint64_t bits = sys_notification_wait(n, SYS_IPC_FOREVER).value;

	__atomic_fetch_add(&woken, 1, __ATOMIC_RELEASE);
	return bits;
}

static void notifications(void)
{
	struct syscall_result r = sys_notification_create();
	uint64_t n = r.value, ro;

	keel_expect_true("notification_create", r.status == SYSCALL_STATUS_OK);
	ro = sys_handle_duplicate(n, SYS_RIGHT_READ).value;
	keel_expect("signal", sys_notification_signal(n, 0x5), SYSCALL_STATUS_OK, 0);
	keel_expect("signal again", sys_notification_signal(n, 0x100), SYSCALL_STATUS_OK, 0);
	keel_expect("wait takes every bit", sys_notification_wait(ro, 0), SYSCALL_STATUS_OK, 0x105);
	keel_expect("and clears them", sys_notification_wait(n, 0),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect("wait times out", sys_notification_wait(n, MS),
		    FAILED(SYSCALL_FAILED_TIMED_OUT));
	keel_expect("signal without SYS_RIGHT_WRITE", sys_notification_signal(ro, 1), BAD(0));
	keel_expect("signal no bits", sys_notification_signal(n, 0), BAD(1));
	keel_expect("signal an endpoint", sys_notification_signal(ep, 1), BAD(0));
	keel_expect("wait with a timeout past an hour", sys_notification_wait(n, SYS_SLEEP_MAX + 1),
		    BAD(1));

	/* A waiter is woken by a signal from another thread. */
	uint64_t signaller = keel_thread_create(notify_after, n, 0).value;

	keel_expect("a blocked wait gets the bits", sys_notification_wait(n, SYS_IPC_FOREVER),
		    SYSCALL_STATUS_OK, 0x80);
	keel_expect("the signaller", sys_thread_join(signaller), SYSCALL_STATUS_OK, 0);

	/*
	 * Two waiters, two signals: each bit goes to exactly one of them. The
	 * second signal waits until a waiter took the first, or one waiter
	 * could take both and leave the other waiting forever.
	 */
	uint64_t w1 = keel_thread_create(wait_for_bits, n, 0).value;
	uint64_t w2 = keel_thread_create(wait_for_bits, n, 0).value;

	sys_sleep(2 * MS);
	sys_notification_signal(n, 0x1);
	while (__atomic_load_n(&woken, __ATOMIC_ACQUIRE) == 0)
		sys_sleep(MS / 4);
	sys_notification_signal(n, 0x2);
	uint64_t b1 = sys_thread_join(w1).value, b2 = sys_thread_join(w2).value;

	keel_expect_true("each waiter took one signal", (b1 | b2) == 0x3 && (b1 & b2) == 0);
	keel_expect("close", sys_handle_close(n), SYSCALL_STATUS_OK, 0);
	keel_expect("close the duplicate", sys_handle_close(ro), SYSCALL_STATUS_OK, 0);
}

/* Parts 6-8: the server and the timed clients of parts 1, 3 and 4, in registers. */
static unsigned short_across_processes(unsigned part, uint64_t endpoint)
{
	uint64_t w[4] = { 0 };

	if (part == 6) {
		struct syscall_result r = sys_ipc_reply_recv_short(endpoint, SYS_IPC_FOREVER, w);

		while (r.status == SYSCALL_STATUS_OK) {
			uint64_t x = w[1];
			struct sys_ipc_message m = message(0, x * 3 + 1);

			if (x == 0)
				return sys_ipc_reply(&m).status;
			w[0] = 0;
			w[1] = x * 3 + 1;
			r = sys_ipc_reply_recv_short(endpoint, SYS_IPC_FOREVER, w);
		}
		return 1;
	}
	uint64_t t0 = 0;
	unsigned bad = 0;

	for (uint64_t x = 1; x <= ROUNDS; x++) {
		if (x == ROUNDS / 2)
			t0 = sys_clock_read();
		w[0] = OP_ADD;
		w[1] = x;
		bad += sys_ipc_call_short(endpoint, SYS_IPC_FOREVER, w).status !=
			       SYSCALL_STATUS_OK ||
		       w[1] != x * 3 + 1;
	}
	uint64_t per_call = (sys_clock_read() - t0) / (ROUNDS - ROUNDS / 2 + 1);

	w[0] = OP_ADD;
	w[1] = 0;
	bad += sys_ipc_call_short(endpoint, SYS_IPC_FOREVER, w).status != SYSCALL_STATUS_OK;
	printf("bench: user_ipc_short_round_trip_%s_cpu %llu ns\n", part == 7 ? "same" : "cross",
	       (unsigned long long)per_call);
	return bad;
}

static unsigned across_processes(unsigned part, uint64_t endpoint)
{
	struct sys_ipc_message m;
	unsigned bad = 0;

	if (part == 1) {
		struct syscall_result r = sys_ipc_recv(endpoint, &m, SYS_IPC_FOREVER);

		while (r.status == SYSCALL_STATUS_OK) {
			uint64_t x = m.words[1];

			m = message(0, x * 3 + 1);
			if (x == 0) {
				sys_ipc_reply(&m);
				return 0;
			}
			r = sys_ipc_reply_recv(endpoint, &m, SYS_IPC_FOREVER);
		}
		return 1;
	}
	uint64_t t0 = 0;

	for (uint64_t x = 1; x <= ROUNDS; x++) {
		if (x == ROUNDS / 2)
			t0 = sys_clock_read(); /* the first half warms caches and TLBs up */
		m = message(OP_ADD, x);
		bad += sys_ipc_call(endpoint, &m, SYS_IPC_FOREVER).status != SYSCALL_STATUS_OK ||
		       m.words[1] != x * 3 + 1;
	}
	uint64_t per_call = (sys_clock_read() - t0) / (ROUNDS - ROUNDS / 2 + 1);

	m = message(OP_ADD, 0);
	bad += sys_ipc_call(endpoint, &m, SYS_IPC_FOREVER).status != SYSCALL_STATUS_OK;
	if (part == 2)
		printf("ipctest: client: %u calls across processes, %u wrong\n", ROUNDS + 1, bad);
	else
		printf("bench: user_ipc_round_trip_%s_cpu %llu ns\n", part == 3 ? "same" : "cross",
		       (unsigned long long)per_call);
	return bad;
}

/*
 * Part 9 (issue 13): binding was not atomic against a second binder, so
 * threads racing through SYS_IRQ_BIND dropped a notification's reference
 * twice and the kernel panicked in kobject_get(). Each binder binds the
 * line to its own notification and, every second round, unbinds it; the
 * answer is OK every time, as each call takes effect whole, in some order.
 */
#define BINDERS	    3
#define BIND_ROUNDS 500

static uint64_t bind_irq;

static uint64_t binder(uint64_t bit)
{
	uint64_t n = sys_notification_create().value, wrong = 0;

	for (unsigned i = 0; i < BIND_ROUNDS; i++) {
		wrong += sys_irq_bind(bind_irq, n, UINT64_C(1) << bit).status != SYSCALL_STATUS_OK;
		if (i % 2 == 1)
			wrong += sys_irq_bind(bind_irq, 0, 0).status != SYSCALL_STATUS_OK;
	}
	sys_handle_close(n); /* the binding, if it is this one's, keeps it alive */
	return wrong;
}

static unsigned racing_irq_binders(uint64_t irq)
{
	uint64_t threads[BINDERS], wrong = 0;

	bind_irq = irq;
	for (unsigned i = 0; i < BINDERS; i++)
		threads[i] = keel_thread_create(binder, i, 0).value;
	for (unsigned i = 0; i < BINDERS; i++) {
		struct syscall_result r = sys_thread_join(threads[i]);

		wrong += r.status != SYSCALL_STATUS_OK ? 1 : r.value;
	}
	wrong += sys_irq_bind(irq, 0, 0).status != SYSCALL_STATUS_OK; /* leave it unbound */
	if (wrong != 0)
		printf("ipctest: %llu IRQ binds answered other than OK\n",
		       (unsigned long long)wrong);
	return (unsigned)(wrong < 255 ? wrong : 255);
}

uint64_t main(uint64_t arg)
{
	if ((arg & 0xff) == 9)
		return racing_irq_binders(arg >> 8);
	if ((arg & 0xff) == 5)
		return sys_notification_wait(arg >> 8, SYS_IPC_FOREVER).value;
	if ((arg & 0xff) >= 6)
		return short_across_processes(arg & 0xff, arg >> 8);
	if ((arg & 0xff) != 0)
		return across_processes(arg & 0xff, arg >> 8);
	keel_check_begin("ipctest");
	in_one_process();
	return keel_check_summary();
}
