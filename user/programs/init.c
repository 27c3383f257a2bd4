/*
 * user/programs/init.c - the first user process (X4): starts the name
 * service and the console service, and prints through them.
 *
 * main(arg): arg is the address of the kernel's struct sys_boot_info
 * (read-only), which lists the handles already in init's table: the boot
 * images, and the console UART's device and interrupt line.
 *
 *  1. namesrv: spawned with a bootstrap endpoint (keel/service.h); its
 *     BOOT_HELLO carries the name service's endpoint, which init keeps.
 *  2. console: spawned likewise; its BOOT_HELLO is answered with the
 *     device, the line and a handle to the name service, and the device's
 *     description. Its BOOT_READY says it registered "console".
 *  3. init looks "console" up and prints its two lines through it.
 *
 * Then, normally, init watches the services and reports through the
 * kernel's debug console any that ends; it never returns. With
 * SYS_BOOT_TEST in the boot info's flags it checks the services' protocols
 * and the process syscalls instead, kills both services, and exits with
 * the number of failed checks.
 */
#include <base/printf.h>
#include <base/string.h>
#include <keel/check.h>
#include <keel/service.h>
#include <keel/user.h>

#define MS		 UINT64_C(1000000)
#define HELLO_TIMEOUT_NS (10000 * MS) /* a started service talks to init within this */
#define HELLO_POLL_NS	 (100 * MS)   /* how often init looks whether it died meanwhile */
#define KILL_STATUS	 0x99	      /* test mode: the status init kills the services with */

static const char hello_line[] = "init: hello from user space, through the console service\n";
static const char services_line[] = "init: services: namesrv, console\n";

struct service {
	const char *name; /* of its boot image */
	uint64_t process; /* 0 until spawned */
	uint64_t boot;	  /* init's end of its bootstrap endpoint */
};

static struct service services[] = { { .name = "namesrv" }, { .name = "console" } };
static struct service *const namesrv = &services[0];
static struct service *const console = &services[1];

static const struct sys_boot_info *info;
static bool test_mode;

/*
 * A step that must succeed: a check in test mode, and reported with its
 * status in either mode when it fails. Returns whether it succeeded.
 */
static bool step(const char *what, struct syscall_result r)
{
	bool good = r.status == SYSCALL_STATUS_OK;

	if (test_mode)
		keel_expect_true(what, good);
	if (!good)
		printf("init: %s: status %llu value 0x%llx\n", what, (unsigned long long)r.status,
		       (unsigned long long)r.value);
	return good;
}

/* A service call that must succeed: the call and the service's status (the value) both. */
static bool service_step(const char *what, struct syscall_result r)
{
	return step(what, r.status == SYSCALL_STATUS_OK && r.value != 0
				  ? (struct syscall_result){ SYSCALL_STATUS_FAILED, r.value }
				  : r);
}

static const struct sys_boot_handle *boot_handle(uint32_t kind, const char *name)
{
	uint32_t count = info->handle_count;

	if (count > SYS_BOOT_HANDLES_MAX)
		count = SYS_BOOT_HANDLES_MAX;
	for (uint32_t i = 0; i < count; i++) {
		const struct sys_boot_handle *h = &info->handles[i];

		if (h->kind == kind && strncmp(h->name, name, SYS_BOOT_NAME_MAX) == 0)
			return h;
	}
	printf("init: the boot info has no %s \"%s\"\n",
	       kind == SYS_BOOT_IMAGE	 ? "image"
	       : kind == SYS_BOOT_DEVICE ? "device"
					 : "irq",
	       name);
	if (test_mode)
		keel_expect_true("a boot handle is missing", false);
	return NULL;
}

static void close_received(const struct sys_ipc_message *m, uint32_t from)
{
	for (uint32_t i = from; i < m->handle_count && i < SYS_IPC_HANDLES; i++)
		if (m->handles[i] != 0)
			sys_handle_close(m->handles[i]);
}

/*
 * Spawn the service from `image` with a bootstrap endpoint: init keeps the
 * endpoint's first handle (to receive on) and gives the child a duplicate
 * it can only call through (and that spawn can move: GRANT).
 */
static bool spawn(struct service *s, const struct sys_boot_handle *image)
{
	struct syscall_result r = sys_endpoint_create();

	if (!step("create a bootstrap endpoint", r))
		return false;
	s->boot = r.value;
	r = sys_handle_duplicate(s->boot, SYS_RIGHT_WRITE | SYS_RIGHT_GRANT);
	if (!step("duplicate the bootstrap endpoint", r))
		return false;
	uint64_t child_end = r.value;

	r = sys_process_spawn(image->handle, child_end);
	if (!step(s == namesrv ? "spawn namesrv" : "spawn console", r)) {
		sys_handle_close(child_end); /* in case a refused spawn left it here */
		return false;
	}
	s->process = r.value;
	return true;
}

/*
 * Receive the service's next bootstrap message (`op`), looking every
 * HELLO_POLL_NS whether it ended instead. The call is then held: the caller
 * replies. False (nothing held) when it ended, timed out or sent another op.
 */
static bool receive_from(struct service *s, uint64_t op, struct sys_ipc_message *m)
{
	uint64_t deadline = sys_clock_read() + HELLO_TIMEOUT_NS;
	struct syscall_result r;

	for (;;) {
		r = sys_ipc_recv(s->boot, m, HELLO_POLL_NS);
		if (r.status == SYSCALL_STATUS_OK)
			break;
		if (r.status != SYSCALL_STATUS_FAILED || r.value != SYSCALL_FAILED_TIMED_OUT)
			return step("receive from a service", r);
		struct syscall_result w = sys_process_wait(s->process, 0);

		if (w.status == SYSCALL_STATUS_OK) {
			printf("init: %s ended with status 0x%llx before it was ready\n", s->name,
			       (unsigned long long)w.value);
			return step("a service starts",
				    (struct syscall_result){ SYSCALL_STATUS_FAILED,
							     SYSCALL_FAILED_PEER_GONE });
		}
		if (sys_clock_read() > deadline)
			return step("a service says hello in time", r);
	}
	if (m->word_count < 1 || m->words[0] != op) {
		close_received(m, 0);
		struct sys_ipc_message no = { .words = { 1 }, .word_count = 1 };

		sys_ipc_reply(&no);
		printf("init: %s sent op 0x%llx, not 0x%llx\n", s->name,
		       (unsigned long long)(m->word_count ? m->words[0] : 0),
		       (unsigned long long)op);
		return step("a service follows the bootstrap protocol",
			    (struct syscall_result){ SYSCALL_STATUS_FAILED, 0 });
	}
	return true;
}

/* Start the name service; its endpoint (NAME_RIGHTS) in *ns. */
static bool start_namesrv(const struct sys_boot_handle *image, uint64_t *ns)
{
	struct sys_ipc_message m;

	if (!spawn(namesrv, image) || !receive_from(namesrv, BOOT_HELLO, &m))
		return false;
	*ns = m.handle_count >= 1 ? m.handles[0] : 0;
	close_received(&m, 1);
	m = (struct sys_ipc_message){ .words = { *ns != 0 ? BOOT_OK : 1 }, .word_count = 1 };
	bool replied = step("reply to namesrv's hello", sys_ipc_reply(&m));

	if (test_mode)
		keel_expect_true("namesrv's hello carries its endpoint", *ns != 0);
	sys_handle_close(namesrv->boot);
	return replied && *ns != 0;
}

/* Start the console service on `device` and `irq`, with a handle to the name service. */
static bool start_console(const struct sys_boot_handle *image, const struct sys_boot_handle *device,
			  const struct sys_boot_handle *irq, uint64_t ns)
{
	struct sys_ipc_message m;

	if (!spawn(console, image) || !receive_from(console, BOOT_HELLO, &m))
		return false;
	close_received(&m, 0);

	/* It only calls the name service (WRITE), and GRANT lets the handle travel. */
	struct syscall_result r = sys_handle_duplicate(ns, SYS_RIGHT_WRITE | SYS_RIGHT_GRANT);
	uint64_t names = r.status == SYSCALL_STATUS_OK ? r.value : 0;

	step("duplicate the name service for console", r);
	m = (struct sys_ipc_message){
		.words = { [0] = names != 0 ? BOOT_OK : 1,
			   [BOOT_CONSOLE_TYPE] = device->device.type,
			   [BOOT_CONSOLE_FLAGS] = device->device.flags,
			   [BOOT_CONSOLE_REG_SHIFT] = device->device.reg_shift,
			   [BOOT_CONSOLE_REG_WIDTH] = device->device.reg_width,
			   [BOOT_CONSOLE_SIZE] = device->device.size },
		.handles = { [BOOT_CONSOLE_DEVICE] = device->handle,
			     [BOOT_CONSOLE_IRQ] = irq->handle,
			     [BOOT_CONSOLE_NAMES] = names },
		.word_count = BOOT_CONSOLE_WORDS,
		.handle_count = names != 0 ? BOOT_CONSOLE_HANDLES : 0,
	};
	if (!step("reply to console's hello with the device", sys_ipc_reply(&m)) || names == 0)
		return false;

	if (!receive_from(console, BOOT_READY, &m))
		return false;
	uint64_t failure = m.word_count >= 2 ? m.words[1] : UINT64_MAX;

	close_received(&m, 0);
	m = (struct sys_ipc_message){ .words = { BOOT_OK }, .word_count = 1 };
	step("reply to console's ready", sys_ipc_reply(&m));
	sys_handle_close(console->boot);
	if (failure != BOOT_OK)
		printf("init: console could not start: failure %llu\n",
		       (unsigned long long)failure);
	return step("console is ready",
		    (struct syscall_result){ failure == BOOT_OK ? SYSCALL_STATUS_OK
								: SYSCALL_STATUS_FAILED,
					     failure });
}

/* Call a service with a raw message; the value is its status word. */
static struct syscall_result raw_call(uint64_t ep, struct sys_ipc_message *m)
{
	struct syscall_result r = sys_ipc_call(ep, m, SERVICE_CALL_TIMEOUT_NS);

	if (r.status == SYSCALL_STATUS_OK) {
		close_received(m, 0);
		r.value = m->word_count >= 1 ? m->words[0] : UINT64_MAX;
	}
	return r;
}

/* Test mode: the name service's answers to good and bad requests. */
static void check_names(uint64_t ns)
{
	uint64_t h, ep = sys_endpoint_create().value;

	keel_expect("look an unknown name up", keel_name_lookup(ns, "no.such.service", &h),
		    SYSCALL_STATUS_OK, NAME_NOT_FOUND);
	keel_expect_true("which brings no handle", h == 0);
	keel_expect("register \"console\" again",
		    keel_name_register(ns, "console", sys_handle_duplicate(ep, NAME_RIGHTS).value),
		    SYSCALL_STATUS_OK, NAME_TAKEN);
	keel_expect("register a handle without SYS_RIGHT_DUPLICATE",
		    keel_name_register(
			    ns, "test.weak",
			    sys_handle_duplicate(ep, SYS_RIGHT_WRITE | SYS_RIGHT_GRANT).value),
		    SYSCALL_STATUS_OK, NAME_BAD_REQUEST);
	keel_expect("register a new name",
		    keel_name_register(ns, "test.endpoint",
				       sys_handle_duplicate(ep, NAME_RIGHTS).value),
		    SYSCALL_STATUS_OK, NAME_OK);
	keel_expect("look it up", keel_name_lookup(ns, "test.endpoint", &h), SYSCALL_STATUS_OK,
		    NAME_OK);
	keel_expect("which brings a handle", sys_handle_close(h), SYSCALL_STATUS_OK, 0);
	keel_expect("a weak registration left no name", keel_name_lookup(ns, "test.weak", &h),
		    SYSCALL_STATUS_OK, NAME_NOT_FOUND);

	struct sys_ipc_message m = { .words = { NAME_REGISTER }, .word_count = 4 };

	keel_expect("register an empty name", raw_call(ns, &m), SYSCALL_STATUS_OK,
		    NAME_BAD_REQUEST);
	m = (struct sys_ipc_message){ .words = { NAME_REGISTER, 'x', 0, 'y' }, .word_count = 4 };
	m.handles[0] = sys_handle_duplicate(ep, NAME_RIGHTS).value;
	m.handle_count = 1;
	keel_expect("register a name with a hole", raw_call(ns, &m), SYSCALL_STATUS_OK,
		    NAME_BAD_REQUEST);
	m = (struct sys_ipc_message){ .words = { NAME_LOOKUP, 'x' }, .word_count = 2 };
	keel_expect("look up with too few words", raw_call(ns, &m), SYSCALL_STATUS_OK,
		    NAME_BAD_REQUEST);
	m = (struct sys_ipc_message){ .words = { CONSOLE_STATS }, .word_count = 1 };
	keel_expect("an unknown op", raw_call(ns, &m), SYSCALL_STATUS_OK, NAME_BAD_REQUEST);
	keel_expect("close the test endpoint", sys_handle_close(ep), SYSCALL_STATUS_OK, 0);
}

/* Test mode: the console service's answers; `printed` bytes went through it so far. */
static void check_console(uint64_t con, uint64_t printed)
{
	struct sys_ipc_message m = { .words = { CONSOLE_WRITE, CONSOLE_WRITE_MAX + 1 },
				     .word_count = SYS_IPC_WORDS };
	uint64_t bytes = 0, interrupts = 0;

	keel_expect("write 49 bytes in one message", raw_call(con, &m), SYSCALL_STATUS_OK,
		    CONSOLE_BAD_REQUEST);
	m = (struct sys_ipc_message){ .words = { CONSOLE_WRITE, 20 }, .word_count = 3 };
	keel_expect("write with too few words", raw_call(con, &m), SYSCALL_STATUS_OK,
		    CONSOLE_BAD_REQUEST);
	m = (struct sys_ipc_message){ .words = { NAME_LOOKUP }, .word_count = 1 };
	keel_expect("an unknown op", raw_call(con, &m), SYSCALL_STATUS_OK, CONSOLE_BAD_REQUEST);
	keel_expect("stats", keel_console_stats(con, &bytes, &interrupts), SYSCALL_STATUS_OK,
		    CONSOLE_OK);
	keel_expect_true("count every byte written", bytes >= printed);
	keel_expect_true("count the transmit interrupts", interrupts >= 1);
	printf("init: console wrote %llu bytes, took %llu interrupts\n", (unsigned long long)bytes,
	       (unsigned long long)interrupts);
}

/* Test mode: wait, kill. Every started service is killed and waited for. */
static void check_processes(void)
{
	uint64_t closed = sys_endpoint_create().value;

	sys_handle_close(closed);
	keel_expect("wait for handle 0", sys_process_wait(0, MS), SYSCALL_STATUS_BAD_ARGUMENT, 0);
	keel_expect("wait for a closed handle", sys_process_wait(closed, MS),
		    SYSCALL_STATUS_BAD_ARGUMENT, 0);
	uint64_t ep = sys_endpoint_create().value;

	keel_expect("wait for an endpoint", sys_process_wait(ep, MS), SYSCALL_STATUS_BAD_ARGUMENT,
		    0);
	sys_handle_close(ep);
	for (unsigned i = 0; i < ARRAY_SIZE(services); i++) {
		struct service *s = &services[i];

		if (s->process == 0)
			continue;
		keel_expect("wait for a live service", sys_process_wait(s->process, MS),
			    SYSCALL_STATUS_FAILED, SYSCALL_FAILED_TIMED_OUT);
		keel_expect("kill a service", sys_process_kill(s->process, KILL_STATUS),
			    SYSCALL_STATUS_OK, 0);
		keel_expect("it ends with the status it was killed with",
			    sys_process_wait(s->process, SYS_IPC_FOREVER), SYSCALL_STATUS_OK,
			    KILL_STATUS);
		keel_expect("close the process", sys_handle_close(s->process), SYSCALL_STATUS_OK,
			    0);
		s->process = 0;
	}
}

/* Normal mode: report when the service ends (through SYS_DEBUG_WRITE: printf's output). */
static uint64_t watch(uint64_t index)
{
	struct service *s = &services[index];
	struct syscall_result r = sys_process_wait(s->process, SYS_IPC_FOREVER);

	if (r.status == SYSCALL_STATUS_OK)
		printf("init: service %s ended with status 0x%llx\n", s->name,
		       (unsigned long long)r.value);
	else
		printf("init: cannot wait for service %s: status %llu value 0x%llx\n", s->name,
		       (unsigned long long)r.status, (unsigned long long)r.value);
	return 0;
}

/* Normal mode: watch every started service, each from a thread of its own; stay forever. */
static __noreturn void stay(void)
{
	for (uint64_t i = 0; i < ARRAY_SIZE(services); i++) {
		if (services[i].process == 0)
			continue;
		if (keel_thread_create(watch, i, 0).status != SYSCALL_STATUS_OK)
			watch(i); /* no thread: watch them one after the other */
	}
	for (;;)
		sys_sleep(SYS_SLEEP_MAX);
}

/* Bring the services up and print through the console; the console's handle or 0. */
static uint64_t start(uint64_t *ns, uint64_t *printed)
{
	const struct sys_boot_handle *ns_image = boot_handle(SYS_BOOT_IMAGE, "namesrv");
	const struct sys_boot_handle *con_image = boot_handle(SYS_BOOT_IMAGE, "console");
	const struct sys_boot_handle *device = boot_handle(SYS_BOOT_DEVICE, "console");
	const struct sys_boot_handle *irq = boot_handle(SYS_BOOT_IRQ, "console");
	uint64_t con;

	if (ns_image == NULL || !start_namesrv(ns_image, ns))
		return 0;
	if (con_image == NULL || device == NULL || irq == NULL ||
	    !start_console(con_image, device, irq, *ns))
		return 0;
	if (!service_step("look \"console\" up", keel_name_lookup(*ns, "console", &con)))
		return 0;
	if (service_step("print through the console service",
			 keel_console_write(con, hello_line, sizeof(hello_line) - 1)))
		*printed += sizeof(hello_line) - 1;
	if (service_step("print the services",
			 keel_console_write(con, services_line, sizeof(services_line) - 1)))
		*printed += sizeof(services_line) - 1;
	return con;
}

uint64_t main(uint64_t arg)
{
	uint64_t ns = 0, printed = 0, con;

	info = (const struct sys_boot_info *)(uintptr_t)arg;
	if (info == NULL) {
		keel_puts("init: no boot info\n");
		return 1;
	}
	test_mode = info->flags & SYS_BOOT_TEST;
	if (test_mode)
		keel_check_begin("init");
	con = start(&ns, &printed);
	if (!test_mode) {
		if (con == 0)
			keel_puts("init: the console service is not there\n");
		stay();
	}
	if (ns != 0)
		check_names(ns);
	if (con != 0)
		check_console(con, printed);
	check_processes();
	return keel_check_summary();
}
