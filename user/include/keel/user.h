/*
 * user/include/keel/user.h - the user library: syscall wrappers and helpers.
 *
 * A user program defines `uint64_t main(uint64_t arg)`; _start (user/arch/
 * <arch>/start.S) calls it through __keel_start() and exits the process
 * with its return value. base/ (printf, strings) is linked in, its output
 * going to SYS_DEBUG_WRITE.
 */
#ifndef KEEL_USER_H
#define KEEL_USER_H

#include <arch/syscall.h> /* keel_syscall6(): the architecture's trap instruction */
#include <base/compiler.h>
#include <core/syscall.h>
#include <stddef.h>
#include <stdint.h>

uint64_t main(uint64_t arg);

static inline struct syscall_result keel_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return keel_syscall6(nr, a0, a1, a2, 0, 0, 0);
}

static inline struct syscall_result sys_debug_write(const void *buf, size_t len)
{
	return keel_syscall(SYS_DEBUG_WRITE, (uint64_t)(uintptr_t)buf, len, 0);
}

static inline struct syscall_result sys_thread_yield(void)
{
	return keel_syscall(SYS_THREAD_YIELD, 0, 0, 0);
}

static inline struct syscall_result sys_thread_join(uint64_t handle)
{
	return keel_syscall(SYS_THREAD_JOIN, handle, 0, 0);
}

static inline struct syscall_result sys_handle_duplicate(uint64_t handle, uint64_t rights)
{
	return keel_syscall(SYS_HANDLE_DUPLICATE, handle, rights, 0);
}

static inline struct syscall_result sys_handle_close(uint64_t handle)
{
	return keel_syscall(SYS_HANDLE_CLOSE, handle, 0, 0);
}

static inline struct syscall_result sys_endpoint_create(void)
{
	return keel_syscall(SYS_ENDPOINT_CREATE, 0, 0, 0);
}

static inline struct syscall_result sys_ipc_call(uint64_t endpoint, struct sys_ipc_message *msg,
						 uint64_t timeout_ns)
{
	return keel_syscall(SYS_IPC_CALL, endpoint, (uint64_t)(uintptr_t)msg, timeout_ns);
}

static inline struct syscall_result sys_ipc_recv(uint64_t endpoint, struct sys_ipc_message *msg,
						 uint64_t timeout_ns)
{
	return keel_syscall(SYS_IPC_RECV, endpoint, (uint64_t)(uintptr_t)msg, timeout_ns);
}

static inline struct syscall_result sys_ipc_reply(struct sys_ipc_message *msg)
{
	return keel_syscall(SYS_IPC_REPLY, (uint64_t)(uintptr_t)msg, 0, 0);
}

static inline struct syscall_result
sys_ipc_reply_recv(uint64_t endpoint, struct sys_ipc_message *msg, uint64_t timeout_ns)
{
	return keel_syscall(SYS_IPC_REPLY_RECV, endpoint, (uint64_t)(uintptr_t)msg, timeout_ns);
}

static inline struct syscall_result sys_notification_create(void)
{
	return keel_syscall(SYS_NOTIFICATION_CREATE, 0, 0, 0);
}

static inline struct syscall_result sys_notification_signal(uint64_t notification, uint64_t bits)
{
	return keel_syscall(SYS_NOTIFICATION_SIGNAL, notification, bits, 0);
}

static inline struct syscall_result sys_notification_wait(uint64_t notification,
							  uint64_t timeout_ns)
{
	return keel_syscall(SYS_NOTIFICATION_WAIT, notification, timeout_ns, 0);
}

/*
 * Processes (X4). The handle given to spawn (0: none) moves into the child
 * and needs SYS_RIGHT_GRANT; the child's main() gets its own handle to the
 * object as argument. The value is a handle to the process (SYS_RIGHTS_ALL).
 */
static inline struct syscall_result sys_process_spawn(uint64_t image, uint64_t handle)
{
	return keel_syscall(SYS_PROCESS_SPAWN, image, handle, 0);
}

/* Wait (SYS_IPC_FOREVER, or at most timeout_ns) until it ended; value: its exit status. */
static inline struct syscall_result sys_process_wait(uint64_t process, uint64_t timeout_ns)
{
	return keel_syscall(SYS_PROCESS_WAIT, process, timeout_ns, 0);
}

static inline struct syscall_result sys_process_kill(uint64_t process, uint64_t status)
{
	return keel_syscall(SYS_PROCESS_KILL, process, status, 0);
}

/*
 * Devices (X4). Each interrupt of a bound line ORs bits into the
 * notification and masks the line until sys_irq_ack(): quiet the device
 * first, then ack, or the line fires again at once.
 */
static inline struct syscall_result sys_irq_bind(uint64_t irq, uint64_t notification, uint64_t bits)
{
	return keel_syscall(SYS_IRQ_BIND, irq, notification, bits);
}

static inline struct syscall_result sys_irq_ack(uint64_t irq)
{
	return keel_syscall(SYS_IRQ_ACK, irq, 0, 0);
}

/* Map a memory-mapped device's registers (uncached); value: their address. */
static inline struct syscall_result sys_device_map(uint64_t device)
{
	return keel_syscall(SYS_DEVICE_MAP, device, 0, 0);
}

/* Read width (1, 2 or 4) bytes at I/O port device + offset; value: what was read. */
static inline struct syscall_result sys_port_read(uint64_t device, uint64_t offset, uint64_t width)
{
	return keel_syscall(SYS_PORT_READ, device, offset, width);
}

static inline struct syscall_result sys_port_write(uint64_t device, uint64_t offset, uint64_t width,
						   uint64_t value)
{
	return keel_syscall6(SYS_PORT_WRITE, device, offset, width, value, 0, 0);
}

static inline struct syscall_result sys_mem_map(uint64_t bytes, unsigned prot, unsigned flags)
{
	return keel_syscall(SYS_MEM_MAP, bytes, prot, flags);
}

static inline struct syscall_result sys_mem_unmap(uint64_t addr)
{
	return keel_syscall(SYS_MEM_UNMAP, addr, 0, 0);
}

static inline struct syscall_result sys_mem_protect(uint64_t addr, unsigned prot)
{
	return keel_syscall(SYS_MEM_PROTECT, addr, prot, 0);
}

static inline uint64_t sys_clock_read(void)
{
	return keel_syscall(SYS_CLOCK_READ, 0, 0, 0).value;
}

static inline struct syscall_result sys_sleep(uint64_t ns)
{
	return keel_syscall(SYS_SLEEP, ns, 0, 0);
}

__noreturn void sys_thread_exit(uint64_t value);
__noreturn void sys_process_exit(uint64_t status);

/*
 * A new thread running fn(arg) on a kernel-made stack of stack_bytes (0:
 * the default); its return value is its exit value. The result's value
 * is the thread's handle on success.
 */
struct syscall_result keel_thread_create(uint64_t (*fn)(uint64_t), uint64_t arg,
					 uint64_t stack_bytes);

/* The raw SYS_THREAD_CREATE: the thread starts at `entry` with `arg`. */
static inline struct syscall_result sys_thread_create(uint64_t entry, uint64_t arg,
						      uint64_t stack_bytes)
{
	return keel_syscall(SYS_THREAD_CREATE, entry, arg, stack_bytes);
}

/* Write a NUL-terminated string to the debug console. */
void keel_puts(const char *s);

/*
 * Short IPC (four words each way, in registers): w[0..3] goes out and the
 * answer's four words come back in w[0..3].
 */
static inline struct syscall_result sys_ipc_call_short(uint64_t endpoint, uint64_t timeout_ns,
						       uint64_t w[4])
{
	struct syscall_result r = keel_syscall6_more(SYS_IPC_CALL_SHORT, endpoint, timeout_ns, w[0],
						     w[1], w[2], w[3], &w[1]);

	if (r.status == SYSCALL_STATUS_OK)
		w[0] = r.value;
	return r;
}

static inline struct syscall_result sys_ipc_reply_recv_short(uint64_t endpoint, uint64_t timeout_ns,
							     uint64_t w[4])
{
	struct syscall_result r = keel_syscall6_more(SYS_IPC_REPLY_RECV_SHORT, endpoint, timeout_ns,
						     w[0], w[1], w[2], w[3], &w[1]);

	if (r.status == SYSCALL_STATUS_OK)
		w[0] = r.value;
	return r;
}

static inline struct syscall_result sys_memory_create(uint64_t bytes)
{
	return keel_syscall(SYS_MEMORY_CREATE, bytes, 0, 0);
}

static inline struct syscall_result sys_memory_map(uint64_t memory, uint64_t prot)
{
	return keel_syscall(SYS_MEMORY_MAP, memory, prot, 0);
}

#endif /* KEEL_USER_H */
