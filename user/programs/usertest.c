/*
 * user/programs/usertest.c - every syscall with good and bad arguments
 * (the `user` selftest suite runs it; requirements Y1-Y3, M6, S4).
 *
 * Each check compares a status and a value with what docs/syscalls.md
 * promises; a mismatch is printed. The exit status is the number of
 * failed checks, so the kernel's suite sees 0 or knows how many.
 */
#include <base/string.h>
#include <keel/check.h>
#include <keel/user.h>

#define PAGE		4096u
#define PROCESS_THREADS 64  /* live threads per process (include/kernel/process.h) */
#define HANDLE_SLOTS	256 /* handles per process (include/kernel/process.h) */
#define KERNEL_ADDRESS	UINT64_C(0xffffffff80000000) /* the kernel image, on every platform */
#define OUTSIDE_WINDOW	UINT64_C(0x100000000)	     /* in the user half, past the process window */
#define IMAGE_BASE	UINT64_C(0x400000)	     /* user/user.ld */

#define BAD(i) SYSCALL_STATUS_BAD_ARGUMENT, (i)

static void test_status_classes(void)
{
	keel_expect_true("0 is success", syscall_status_is_success(SYSCALL_STATUS_OK));
	keel_expect_true("101 is a caller error",
			 syscall_status_is_caller_error(SYSCALL_STATUS_BAD_ARGUMENT) &&
				 !syscall_status_is_success(SYSCALL_STATUS_BAD_ARGUMENT));
	keel_expect_true("201 is a kernel error",
			 syscall_status_is_kernel_error(SYSCALL_STATUS_UNAVAILABLE) &&
				 !syscall_status_is_caller_error(SYSCALL_STATUS_UNAVAILABLE));
}

static void test_dispatch(void)
{
	keel_expect("unknown number", keel_syscall6(SYSCALL_COUNT, 0, 0, 0, 0, 0, 0),
		    SYSCALL_STATUS_UNKNOWN_SYSCALL, SYSCALL_COUNT);
	keel_expect("unknown huge number", keel_syscall6(UINT64_MAX, 1, 2, 3, 4, 5, 6),
		    SYSCALL_STATUS_UNKNOWN_SYSCALL, UINT64_MAX);
	keel_expect("unused argument 0 set", keel_syscall6(SYS_CLOCK_READ, 1, 0, 0, 0, 0, 0),
		    BAD(0));
	keel_expect("unused argument 5 set", keel_syscall6(SYS_DEBUG_WRITE, 0, 0, 0, 0, 0, 7),
		    BAD(5));
}

static void test_debug_write(void)
{
	static const char hello[] = "usertest: hello from user mode\n";
	char stack_text[] = "usertest: and from the stack\n";

	keel_expect("write", sys_debug_write(hello, sizeof(hello) - 1), SYSCALL_STATUS_OK,
		    sizeof(hello) - 1);
	keel_expect("write from the stack", sys_debug_write(stack_text, strlen(stack_text)),
		    SYSCALL_STATUS_OK, strlen(stack_text));
	keel_expect("write 0 bytes from NULL", sys_debug_write(NULL, 0), SYSCALL_STATUS_OK, 0);
	keel_expect("write from NULL", sys_debug_write(NULL, 5), BAD(0));
	keel_expect("write from the null guard", sys_debug_write((void *)0x1000, 5), BAD(0));
	keel_expect("write from the kernel", sys_debug_write((void *)KERNEL_ADDRESS, 5), BAD(0));
	keel_expect("write from unmapped memory", sys_debug_write((void *)OUTSIDE_WINDOW, 5),
		    BAD(0));
	keel_expect("write with a wrapping range",
		    keel_syscall(SYS_DEBUG_WRITE, UINT64_MAX - 8, 64, 0), BAD(0));
	keel_expect("write a huge length", sys_debug_write(hello, UINT64_C(1) << 40), BAD(1));
	keel_expect("write one byte too many", sys_debug_write(hello, SYS_DEBUG_WRITE_MAX + 1),
		    BAD(1));
}

static void test_clock_sleep_yield(void)
{
	uint64_t t0 = sys_clock_read(), t1;

	keel_expect("sleep 2 ms", sys_sleep(2000000), SYSCALL_STATUS_OK, 0);
	t1 = sys_clock_read();
	keel_expect_true("the clock runs", t0 != 0 && t1 >= t0 + 2000000);
	keel_expect("sleep too long", sys_sleep(SYS_SLEEP_MAX + 1), BAD(0));
	keel_expect("sleep 0", sys_sleep(0), SYSCALL_STATUS_OK, 0);
	keel_expect("yield", sys_thread_yield(), SYSCALL_STATUS_OK, 0);
}

static void test_memory(void)
{
	struct syscall_result r = sys_mem_map(3 * PAGE, SYS_PROT_READ | SYS_PROT_WRITE, 0);
	uint64_t eager = r.value, lazy;

	keel_expect_true("map eager",
			 r.status == SYSCALL_STATUS_OK && eager % PAGE == 0 && eager >= 0x10000);
	if (r.status == SYSCALL_STATUS_OK) {
		volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)eager;

		keel_expect_true("eager memory is zeroed", m[0] == 0 && m[3 * PAGE - 1] == 0);
		m[0] = 1;
		m[3 * PAGE - 1] = 2;
		keel_expect_true("eager memory keeps what is written",
				 m[0] == 1 && m[3 * PAGE - 1] == 2);
		keel_expect("write from the end of a mapping into its neighbour",
			    sys_debug_write((void *)(uintptr_t)(eager + 3 * PAGE - 2), 8), BAD(0));
		keel_expect("protect read-only", sys_mem_protect(eager, SYS_PROT_READ),
			    SYSCALL_STATUS_OK, 0);
		keel_expect_true("read-only memory still reads", m[3 * PAGE - 1] == 2);
		keel_expect("protect W+X",
			    sys_mem_protect(eager, SYS_PROT_READ | SYS_PROT_WRITE | SYS_PROT_EXEC),
			    BAD(1));
		keel_expect("protect not at the start",
			    sys_mem_protect(eager + PAGE, SYS_PROT_READ), BAD(0));
		keel_expect("unmap", sys_mem_unmap(eager), SYSCALL_STATUS_OK, 0);
		keel_expect("unmap again", sys_mem_unmap(eager), BAD(0));
		keel_expect("write from an unmapped range",
			    sys_debug_write((void *)(uintptr_t)eager, 4), BAD(0));
	}

	r = sys_mem_map(64 * PAGE, SYS_PROT_READ | SYS_PROT_WRITE, SYS_MAP_LAZY);
	lazy = r.value;
	keel_expect_true("map lazy", r.status == SYSCALL_STATUS_OK);
	if (r.status == SYSCALL_STATUS_OK) {
		volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)lazy;
		bool ok = true;

		for (unsigned i = 0; i < 64; i++)
			m[i * PAGE + i] = (uint8_t)i;
		for (unsigned i = 0; i < 64; i++)
			ok = ok && m[i * PAGE + i] == (uint8_t)i;
		keel_expect_true("lazy pages fault in", ok);
		keel_expect("unmap lazy", sys_mem_unmap(lazy), SYSCALL_STATUS_OK, 0);
	}

	keel_expect("map 0 bytes", sys_mem_map(0, SYS_PROT_READ, 0), BAD(0));
	keel_expect("map too much", sys_mem_map(SYS_MEM_MAP_MAX + 1, SYS_PROT_READ, 0), BAD(0));
	keel_expect("map without read", sys_mem_map(PAGE, SYS_PROT_WRITE, 0), BAD(1));
	keel_expect("map W+X", sys_mem_map(PAGE, SYS_PROT_READ | SYS_PROT_WRITE | SYS_PROT_EXEC, 0),
		    BAD(1));
	keel_expect("map unknown prot", sys_mem_map(PAGE, SYS_PROT_READ | 0x80, 0), BAD(1));
	keel_expect("map unknown flag", sys_mem_map(PAGE, SYS_PROT_READ, 0x10), BAD(2));
	keel_expect("unmap NULL", sys_mem_unmap(0), BAD(0));
	keel_expect("unmap the kernel", sys_mem_unmap(KERNEL_ADDRESS), BAD(0));
	keel_expect("unmap the program", sys_mem_unmap(IMAGE_BASE), BAD(0));
	keel_expect("protect the program", sys_mem_protect(IMAGE_BASE, SYS_PROT_READ), BAD(0));

	/* Fill the record table: the kernel says so instead of failing silently. */
	static uint64_t maps[300];
	unsigned n = 0;

	for (; n < 300; n++) {
		r = sys_mem_map(PAGE, SYS_PROT_READ, SYS_MAP_LAZY);
		if (r.status != SYSCALL_STATUS_OK)
			break;
		maps[n] = r.value;
	}
	keel_expect_true("many mappings, then a limit", n > 100 && n < 300);
	keel_expect("the limit is a kernel error", r, SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT);
	bool unmapped = true;

	while (n > 0)
		unmapped = sys_mem_unmap(maps[--n]).status == SYSCALL_STATUS_OK && unmapped;
	keel_expect_true("every mapping unmaps", unmapped);
}

static uint64_t square(uint64_t x)
{
	return x * x;
}

static volatile int release_threads;

static uint64_t wait_for_release(uint64_t x)
{
	while (!__atomic_load_n(&release_threads, __ATOMIC_ACQUIRE))
		sys_sleep(100000);
	return x + 1;
}

static uint64_t exit_early(uint64_t x)
{
	sys_thread_exit(x * 3);
}

static void test_threads(void)
{
	struct syscall_result r = keel_thread_create(square, 12, 0);
	uint64_t handles[PROCESS_THREADS];
	unsigned n;

	keel_expect_true("create", r.status == SYSCALL_STATUS_OK);
	keel_expect("join", sys_thread_join(r.value), SYSCALL_STATUS_OK, 144);
	keel_expect("join again", sys_thread_join(r.value), BAD(0));

	r = keel_thread_create(exit_early, 5, 8192);
	keel_expect_true("create with a small stack", r.status == SYSCALL_STATUS_OK);
	keel_expect("thread_exit value", sys_thread_join(r.value), SYSCALL_STATUS_OK, 15);

	keel_expect("create at NULL", sys_thread_create(0, 0, 0), BAD(0));
	keel_expect("create in the kernel", sys_thread_create(KERNEL_ADDRESS, 0, 0), BAD(0));
	keel_expect("create with a huge stack", sys_thread_create(IMAGE_BASE, 0, SYS_STACK_MAX + 1),
		    BAD(2));
	keel_expect("join a bad handle", sys_thread_join(12345), BAD(0));
	keel_expect("join handle 0", sys_thread_join(0), BAD(0));
	keel_expect("thread_exit with an extra argument",
		    keel_syscall6(SYS_THREAD_EXIT, 0, 1, 0, 0, 0, 0), BAD(1));

	/* The handle table has room for 64 threads, this one included. */
	release_threads = 0;
	for (n = 0; n < PROCESS_THREADS; n++) {
		r = keel_thread_create(wait_for_release, n, 0);
		if (r.status != SYSCALL_STATUS_OK)
			break;
		handles[n] = r.value;
	}
	keel_expect_true("63 more threads", n == PROCESS_THREADS - 1);
	keel_expect("then the table is full", r, SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT);
	__atomic_store_n(&release_threads, 1, __ATOMIC_RELEASE);
	bool joined = true;

	for (unsigned i = 0; i < n; i++)
		joined = joined && sys_thread_join(handles[i]).value == i + 1;
	keel_expect_true("every thread joins with its value", joined);
}

/* Handles (X3): duplicates with fewer rights, rights enforced, close, a full table. */
static void test_handles(void)
{
	struct syscall_result r = keel_thread_create(square, 7, 0);
	uint64_t h = r.value, ro, wo, extra[HANDLE_SLOTS];
	unsigned n;

	keel_expect_true("create for handles", r.status == SYSCALL_STATUS_OK);
	r = sys_handle_duplicate(h, SYS_RIGHT_READ | SYS_RIGHT_DUPLICATE);
	keel_expect_true("duplicate read-only", r.status == SYSCALL_STATUS_OK && r.value != h);
	ro = r.value;
	r = sys_handle_duplicate(h, SYS_RIGHT_WRITE);
	keel_expect_true("duplicate write-only", r.status == SYSCALL_STATUS_OK);
	wo = r.value;
	keel_expect("duplicate without the right to", sys_handle_duplicate(wo, SYS_RIGHT_WRITE),
		    BAD(0));
	keel_expect("duplicate with more rights", sys_handle_duplicate(ro, SYS_RIGHTS_ALL), BAD(1));
	keel_expect("duplicate with unknown rights", sys_handle_duplicate(h, 1u << 7), BAD(1));
	keel_expect("duplicate a bad handle", sys_handle_duplicate(h ^ (1u << 16), 0), BAD(0));
	keel_expect("duplicate handle 0", sys_handle_duplicate(0, 0), BAD(0));
	keel_expect("join without the right to", sys_thread_join(wo), BAD(0));
	keel_expect("join through the read-only duplicate", sys_thread_join(ro), SYSCALL_STATUS_OK,
		    49);
	keel_expect("the join closed it", sys_handle_close(ro), BAD(0));
	keel_expect("the original joins too", sys_thread_join(h), SYSCALL_STATUS_OK, 49);
	keel_expect("close", sys_handle_close(wo), SYSCALL_STATUS_OK, 0);
	keel_expect("close again", sys_handle_close(wo), BAD(0));
	keel_expect("close handle 0", sys_handle_close(0), BAD(0));
	keel_expect("close a huge value", sys_handle_close(UINT64_MAX), BAD(0));
	keel_expect("close with an extra argument", keel_syscall(SYS_HANDLE_CLOSE, h, 1, 0),
		    BAD(1));

	/* The table holds HANDLE_SLOTS handles. */
	r = keel_thread_create(square, 3, 0);
	h = r.value;
	extra[0] = h;
	for (n = 1; n < HANDLE_SLOTS; n++) {
		r = sys_handle_duplicate(h, SYS_RIGHTS_ALL);
		if (r.status != SYSCALL_STATUS_OK)
			break;
		extra[n] = r.value;
	}
	keel_expect_true("the table fills up", n == HANDLE_SLOTS);
	keel_expect("then it is full", sys_handle_duplicate(h, SYS_RIGHT_READ),
		    SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT);
	keel_expect("a thread needs a handle", keel_thread_create(square, 1, 0),
		    SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT);
	bool closed = true;

	for (unsigned i = 1; i < n; i++)
		closed = closed && sys_handle_close(extra[i]).status == SYSCALL_STATUS_OK;
	keel_expect_true("every duplicate closes", closed);
	keel_expect("and the first joins", sys_thread_join(h), SYSCALL_STATUS_OK, 9);
}

/* Syscalls 21-28 take handles of one kind each: every other kind is refused as argument 0. */
static void test_object_kinds(void)
{
	struct syscall_result r = sys_notification_create();
	uint64_t n = r.value;

	keel_expect_true("a notification for the kinds", r.status == SYSCALL_STATUS_OK);
	keel_expect("spawn from a notification", sys_process_spawn(n, 0), BAD(0));
	keel_expect("spawn from handle 0", sys_process_spawn(0, 0), BAD(0));
	keel_expect("wait for a notification", sys_process_wait(n, 0), BAD(0));
	keel_expect("kill a notification", sys_process_kill(n, 1), BAD(0));
	keel_expect("bind a notification as an IRQ", sys_irq_bind(n, n, 1), BAD(0));
	keel_expect("ack a notification", sys_irq_ack(n), BAD(0));
	keel_expect("map a notification", sys_device_map(n), BAD(0));
	keel_expect("read ports of a notification", sys_port_read(n, 0, 1), BAD(0));
	keel_expect("write ports of a notification", sys_port_write(n, 0, 1, 0), BAD(0));
	keel_expect("bind with an unused argument set",
		    keel_syscall6(SYS_IRQ_BIND, n, n, 1, 1, 0, 0), BAD(3));
	keel_expect("close it", sys_handle_close(n), SYSCALL_STATUS_OK, 0);
}

/*
 * Issue 13: generations were 16 bits, so after 65535 rounds of create and
 * close in one slot the first handle's value named the newest endpoint.
 * An old value must stay refused however often its slot is reused.
 */
static void test_stale_handles_stay_stale(void)
{
	struct syscall_result r = sys_endpoint_create();
	uint64_t old = r.value, h = 0;
	unsigned same_slot = 0, rounds = 70000, refused = 0, checked = 0;

	keel_expect("an endpoint to close", sys_handle_close(old), SYSCALL_STATUS_OK, 0);
	for (unsigned i = 0; i < rounds; i++) {
		r = sys_endpoint_create();
		if (r.status != SYSCALL_STATUS_OK)
			break;
		h = r.value;
		same_slot += (h & 0xffff) == (old & 0xffff);
		/* Around where a 16-bit generation wrapped, and now and then elsewhere. */
		if ((i >= 65530 && i <= 65540) || i % 8192 == 0) {
			checked++;
			refused +=
				sys_handle_duplicate(old, 0).status == SYSCALL_STATUS_BAD_ARGUMENT;
		}
		sys_handle_close(h);
	}
	keel_expect_true("every round reused the old handle's slot", same_slot == rounds);
	keel_expect_true("the old handle was refused every time",
			 checked > 0 && refused == checked);
	keel_expect("and is refused afterwards", sys_handle_close(old), BAD(0));
}

uint64_t main(uint64_t arg)
{
	(void)arg;
	keel_check_begin("usertest");
	test_status_classes();
	test_dispatch();
	test_debug_write();
	test_clock_sleep_yield();
	test_memory();
	test_threads();
	test_handles();
	test_stale_handles_stay_stale();
	test_object_kinds();
	return keel_check_summary();
}
