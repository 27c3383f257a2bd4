/*
 * kernel/syscall.c - the syscalls (Y1-Y3; docs/syscalls.md).
 *
 * Each handler checks its arguments in order and answers the first bad one
 * with SYSCALL_STATUS_BAD_ARGUMENT and its index; a user pointer is only
 * ever reached through core/usercopy.c. An address the caller does not
 * have mapped is the caller's error too (retrying it unchanged cannot
 * work), so it is also SYSCALL_STATUS_BAD_ARGUMENT.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <core/log.h>
#include <core/syscall_dispatch.h>
#include <core/usercopy.h>
#include <hal/irq.h>
#include <hal/user.h>
#include <kernel/process.h>

#define PAGE VMM_PAGE_SIZE

static struct syscall_result sys_debug_write(const uint64_t a[6])
{
	char buf[256];
	uint64_t addr = a[0], len = a[1];

	if (len > SYS_DEBUG_WRITE_MAX)
		return syscall_bad_argument(1);
	if (!user_range_ok(addr, len))
		return syscall_bad_argument(0);
	for (uint64_t done = 0; done < len;) {
		size_t chunk = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);

		if (copy_from_user(buf, addr + done, chunk) != USER_COPY_OK)
			return syscall_bad_argument(0); /* what came before was written */
		log_write(buf, chunk);
		done += chunk;
	}
	return syscall_ok(len);
}

static struct syscall_result sys_thread_yield(const uint64_t a[6])
{
	(void)a;
	thread_yield();
	return syscall_ok(0);
}

static struct syscall_result sys_thread_create(const uint64_t a[6])
{
	uint64_t entry = a[0], stack = a[2], handle;

	if (entry == 0 || !user_range_ok(entry, 1))
		return syscall_bad_argument(0);
	if (stack > SYS_STACK_MAX)
		return syscall_bad_argument(2);
	switch (uthread_create(process_current(), entry, a[1], (size_t)stack, &handle)) {
	case PROCESS_OK:
		return syscall_ok(handle);
	case PROCESS_LIMIT:
		return syscall_failed(SYSCALL_FAILED_LIMIT);
	case PROCESS_EXITING:
		return syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
	default:
		return syscall_failed(SYSCALL_FAILED_NO_MEMORY);
	}
}

static struct syscall_result sys_thread_exit(const uint64_t a[6])
{
	thread_exit((void *)(uintptr_t)a[0]);
}

static struct syscall_result sys_thread_join(const uint64_t a[6])
{
	uint64_t value;

	if (process_join_handle(process_current(), a[0], &value) != 0)
		return syscall_bad_argument(0);
	return syscall_ok(value);
}

/* (handle, rights): a duplicate with a subset of the rights. */
static struct syscall_result sys_handle_duplicate(const uint64_t a[6])
{
	struct handle_table *t = &process_current()->handles;
	struct kobject *o;
	uint32_t have;
	uint64_t dup;

	if (handle_lookup(t, a[0], 0, SYS_RIGHT_DUPLICATE, &o, &have) != HANDLE_OK)
		return syscall_bad_argument(0);
	kobject_put(o);
	if ((a[1] & ~(uint64_t)have) != 0)
		return syscall_bad_argument(1); /* unknown bits, or rights it does not have */
	switch (handle_duplicate(t, a[0], (uint32_t)a[1], &dup)) {
	case HANDLE_OK:
		return syscall_ok(dup);
	case HANDLE_TABLE_FULL:
		return syscall_failed(SYSCALL_FAILED_LIMIT);
	default:
		return syscall_bad_argument(0); /* closed by another thread meanwhile */
	}
}

static struct syscall_result sys_handle_close(const uint64_t a[6])
{
	if (handle_close(&process_current()->handles, a[0]) != HANDLE_OK)
		return syscall_bad_argument(0);
	return syscall_ok(0);
}

static struct syscall_result sys_process_exit(const uint64_t a[6])
{
	process_kill(process_current(), a[0]);
	thread_testcancel();
	PANIC("syscall: process_exit returned");
}

/* SYS_PROT_* to VMM protection; false for unknown bits or no read access. */
static bool prot_from_user(uint64_t prot, unsigned *out)
{
	if ((prot & ~(uint64_t)(SYS_PROT_READ | SYS_PROT_WRITE | SYS_PROT_EXEC)) != 0 ||
	    !(prot & SYS_PROT_READ) || ((prot & SYS_PROT_WRITE) && (prot & SYS_PROT_EXEC)))
		return false;
	*out = VMM_READ | VMM_USER | ((prot & SYS_PROT_WRITE) ? VMM_WRITE : 0) |
	       ((prot & SYS_PROT_EXEC) ? VMM_EXEC : 0);
	return true;
}

static struct syscall_result failed_from_vmm(int status)
{
	return syscall_failed(status == VMM_NO_RECORD ? SYSCALL_FAILED_LIMIT
						      : SYSCALL_FAILED_NO_MEMORY);
}

static struct syscall_result sys_mem_map(const uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t bytes = a[0], va, id;
	unsigned prot;
	int status;

	if (bytes == 0 || bytes > SYS_MEM_MAP_MAX)
		return syscall_bad_argument(0);
	if (!prot_from_user(a[1], &prot))
		return syscall_bad_argument(1);
	if ((a[2] & ~(uint64_t)SYS_MAP_LAZY) != 0)
		return syscall_bad_argument(2);
	status = vmm_alloc(&p->vmm, (size_t)(ALIGN_UP(bytes, PAGE) / PAGE), prot,
			   ((a[2] & SYS_MAP_LAZY) ? VMM_LAZY : VMM_EAGER) | VMM_GUARD, &va, &id);
	if (status != VMM_OK)
		return failed_from_vmm(status);
	return syscall_ok(va);
}

/*
 * The record a SYS_MEM_MAP made at `addr`, as its ID; 0 when addr is not
 * the start of one (the program's image and thread stacks are the
 * kernel's, so they do not count).
 */
static uint64_t user_mapping_at(struct process *p, uint64_t addr)
{
	struct vmm_info info;

	if (!user_range_ok(addr, 1) || vmm_query(&p->vmm, addr, &info) != VMM_OK ||
	    info.record.base != addr)
		return 0;
	for (size_t i = 0; i < p->image_count; i++)
		if (p->image_ids[i] == info.record.id)
			return 0;
	for (unsigned i = 0; i < PROCESS_THREADS_MAX; i++) {
		unsigned long irq = spin_lock_irqsave(&p->lock);
		bool stack = p->threads[i] != NULL && p->threads[i]->stack_id == info.record.id;

		spin_unlock_irqrestore(&p->lock, irq);
		if (stack)
			return 0;
	}
	return info.record.id;
}

static struct syscall_result sys_mem_unmap(const uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t id = user_mapping_at(p, a[0]);

	if (id == 0 || vmm_free(&p->vmm, id) != VMM_OK)
		return syscall_bad_argument(0);
	return syscall_ok(0);
}

static struct syscall_result sys_mem_protect(const uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t id = user_mapping_at(p, a[0]);
	unsigned prot;

	if (id == 0)
		return syscall_bad_argument(0);
	if (!prot_from_user(a[1], &prot))
		return syscall_bad_argument(1);
	if (vmm_protect(&p->vmm, id, prot) != VMM_OK)
		return syscall_bad_argument(0); /* unmapped meanwhile by another thread */
	return syscall_ok(0);
}

static struct syscall_result sys_clock_read(const uint64_t a[6])
{
	(void)a;
	return syscall_ok(hal_clock_ns());
}

static struct syscall_result sys_sleep(const uint64_t a[6])
{
	if (a[0] > SYS_SLEEP_MAX)
		return syscall_bad_argument(0);
	thread_sleep_ns(a[0]);
	return syscall_ok(0);
}

static const struct syscall_desc table[SYSCALL_COUNT] = {
	[SYS_DEBUG_WRITE] = { "debug_write", 2, sys_debug_write },
	[SYS_THREAD_YIELD] = { "thread_yield", 0, sys_thread_yield },
	[SYS_THREAD_CREATE] = { "thread_create", 3, sys_thread_create },
	[SYS_THREAD_EXIT] = { "thread_exit", 1, sys_thread_exit },
	[SYS_THREAD_JOIN] = { "thread_join", 1, sys_thread_join },
	[SYS_PROCESS_EXIT] = { "process_exit", 1, sys_process_exit },
	[SYS_MEM_MAP] = { "mem_map", 3, sys_mem_map },
	[SYS_MEM_UNMAP] = { "mem_unmap", 1, sys_mem_unmap },
	[SYS_MEM_PROTECT] = { "mem_protect", 2, sys_mem_protect },
	[SYS_CLOCK_READ] = { "clock_read", 0, sys_clock_read },
	[SYS_SLEEP] = { "sleep", 1, sys_sleep },
	[SYS_HANDLE_DUPLICATE] = { "handle_duplicate", 2, sys_handle_duplicate },
	[SYS_HANDLE_CLOSE] = { "handle_close", 1, sys_handle_close },
};

struct syscall_result kernel_syscall(const struct syscall_args *args)
{
	return syscall_dispatch(table, ARRAY_SIZE(table), args);
}
