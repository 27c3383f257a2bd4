/*
 * include/core/syscall.h - the syscall ABI shared by the kernel and user
 * programs (requirements Y1-Y3; docs/syscalls.md).
 *
 * A syscall takes a number and up to six 64-bit arguments and returns two
 * 64-bit words: a status and a value. On success (0xx) the value is the
 * result. On error the value is a diagnostic payload whose meaning depends
 * on the status: the syscall number for SYSCALL_STATUS_UNKNOWN_SYSCALL,
 * the index (0-5) of the offending argument for SYSCALL_STATUS_BAD_ARGUMENT,
 * and a syscall-specific reason for the 2xx statuses.
 *
 * Arguments a syscall does not take must be 0: anything else is
 * SYSCALL_STATUS_BAD_ARGUMENT with that argument's index, so a later
 * version may give them a meaning without breaking old callers.
 *
 * This header is freestanding and has no kernel dependency: user programs
 * include it as it is.
 */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Statuses (Y2): 0xx success, 1xx caller error, 2xx kernel error. */
#define SYSCALL_STATUS_OK	       0   /* done; the value is the result */
#define SYSCALL_STATUS_UNKNOWN_SYSCALL 100 /* no such syscall; value: the number */
#define SYSCALL_STATUS_BAD_ARGUMENT    101 /* value: the index of the bad argument */
#define SYSCALL_STATUS_FAILED	       200 /* valid, but the kernel could not do it */
#define SYSCALL_STATUS_UNAVAILABLE     201 /* needs kernel state that is not there (yet) */

/* Y3: the class of a status, for callers that only care about that. */
static inline bool syscall_status_is_success(uint64_t status)
{
	return status < 100;
}

static inline bool syscall_status_is_caller_error(uint64_t status)
{
	return status >= 100 && status < 200;
}

static inline bool syscall_status_is_kernel_error(uint64_t status)
{
	return status >= 200 && status < 300;
}

/* Payloads of SYSCALL_STATUS_FAILED: why the kernel could not do it. */
#define SYSCALL_FAILED_NO_MEMORY 1 /* out of frames, heap or address space */
#define SYSCALL_FAILED_FAULT	 2 /* a user buffer was not (or no longer) mapped */
#define SYSCALL_FAILED_LIMIT	 3 /* a per-process table is full */
#define SYSCALL_FAILED_TIMED_OUT 4 /* the timeout passed before the other side came */
#define SYSCALL_FAILED_PEER_GONE 5 /* the other side of an IPC left (died, or gave up) */

/* ---- Numbers. */
enum syscall_number {
	/* (buf, len): write len bytes to the kernel's debug console; value: len. */
	SYS_DEBUG_WRITE = 0,
	/* (): end the calling thread's time slice. */
	SYS_THREAD_YIELD = 1,
	/* (entry, arg, stack_bytes): a new thread of this process runs entry(arg)
	   on a new user stack (0: the default size); value: a handle to it with
	   SYS_RIGHTS_ALL. */
	SYS_THREAD_CREATE = 2,
	/* (value): end the calling thread; its joiner gets value. Does not return. */
	SYS_THREAD_EXIT = 3,
	/* (handle): wait for the thread to end (needs SYS_RIGHT_READ) and close
	   the handle; value: its exit value. */
	SYS_THREAD_JOIN = 4,
	/* (status): end every thread of the process; its waiter gets status. */
	SYS_PROCESS_EXIT = 5,
	/* (bytes, prot, flags): map fresh zeroed memory; value: its address. */
	SYS_MEM_MAP = 6,
	/* (addr): unmap the whole mapping that starts at addr. */
	SYS_MEM_UNMAP = 7,
	/* (addr, prot): change the protection of the mapping that starts at addr. */
	SYS_MEM_PROTECT = 8,
	/* (): value: the monotonic clock in nanoseconds since boot. */
	SYS_CLOCK_READ = 9,
	/* (ns): sleep at least ns nanoseconds. */
	SYS_SLEEP = 10,
	/* (handle, rights): a second handle to the same object with rights, a
	   subset of the handle's (which needs SYS_RIGHT_DUPLICATE); value: it. */
	SYS_HANDLE_DUPLICATE = 11,
	/* (handle): close the handle; the object goes when its last handle does. */
	SYS_HANDLE_CLOSE = 12,
	/* (): a new endpoint; value: a handle to it with SYS_RIGHTS_ALL. */
	SYS_ENDPOINT_CREATE = 13,
	/* (endpoint, msg, timeout_ns): send *msg (needs SYS_RIGHT_WRITE) and wait
	   for the reply, which replaces *msg. */
	SYS_IPC_CALL = 14,
	/* (endpoint, msg, timeout_ns): wait for the next call (needs
	   SYS_RIGHT_READ) into *msg; the thread then holds it until it replies. */
	SYS_IPC_RECV = 15,
	/* (msg): reply with *msg to the call the thread holds. */
	SYS_IPC_REPLY = 16,
	/* (endpoint, msg, timeout_ns): reply with *msg to the held call (if
	   any; how that went is not reported), then receive into *msg. */
	SYS_IPC_REPLY_RECV = 17,
	/* (): a new notification (a word of signal bits); value: a handle to it
	   with SYS_RIGHTS_ALL. */
	SYS_NOTIFICATION_CREATE = 18,
	/* (notification, bits): OR bits (not 0) into it and wake its waiters
	   (needs SYS_RIGHT_WRITE). */
	SYS_NOTIFICATION_SIGNAL = 19,
	/* (notification, timeout_ns): wait until some bits are set (needs
	   SYS_RIGHT_READ); value: the bits, which are cleared. */
	SYS_NOTIFICATION_WAIT = 20,
	/* (image, handle): a new process running the ELF program `image` (a boot
	   image handle, needs SYS_RIGHT_READ). `handle` (0: none) moves into the
	   new process (needs SYS_RIGHT_GRANT) and its first thread starts with
	   the new process's handle to it as argument (0 when none was given);
	   value: a handle to the process with SYS_RIGHTS_ALL. */
	SYS_PROCESS_SPAWN = 21,
	/* (process, timeout_ns): wait until the process has ended (needs
	   SYS_RIGHT_READ); value: its exit status. */
	SYS_PROCESS_WAIT = 22,
	/* (process, status): end the process with status (needs SYS_RIGHT_WRITE);
	   it ends at once for its own threads, asynchronously for the others. */
	SYS_PROCESS_KILL = 23,
	/* (irq, notification, bits): each interrupt of the device line `irq`
	   ORs bits (not 0) into the notification and leaves the line masked
	   until SYS_IRQ_ACK (needs SYS_RIGHT_WRITE on both). notification 0 and
	   bits 0 unbind the line; a bound line is unbound first. */
	SYS_IRQ_BIND = 24,
	/* (irq): the interrupt was handled: unmask the line (needs SYS_RIGHT_WRITE). */
	SYS_IRQ_ACK = 25,
	/* (device): map the device's registers, uncached, readable and (with
	   SYS_RIGHT_WRITE) writable, into the caller (needs SYS_RIGHT_READ);
	   value: their address. SYS_MEM_UNMAP takes the mapping away again.
	   SYSCALL_STATUS_UNAVAILABLE for a device in I/O-port space. */
	SYS_DEVICE_MAP = 26,
	/* (device, offset, width): read the I/O port device + offset, width 1, 2
	   or 4 bytes, inside the device (needs SYS_RIGHT_READ); value: what was
	   read. SYSCALL_STATUS_UNAVAILABLE for a memory-mapped device. */
	SYS_PORT_READ = 27,
	/* (device, offset, width, value): write the I/O port likewise (needs
	   SYS_RIGHT_WRITE). */
	SYS_PORT_WRITE = 28,
	/* (endpoint, timeout_ns, w0, w1, w2, w3): SYS_IPC_CALL of a short
	   message, four words in registers and no handles; value: the reply's
	   word 0, and its words 1-3 come back in argument registers 3-5. What
	   else the reply holds (more words, handles) is dropped. */
	SYS_IPC_CALL_SHORT = 29,
	/* (endpoint, timeout_ns, w0, w1, w2, w3): SYS_IPC_REPLY_RECV with short
	   messages: reply w0-w3 to the held call (if any), then receive the next
	   call as SYS_IPC_CALL_SHORT receives a reply. */
	SYS_IPC_REPLY_RECV_SHORT = 30,
	/* (bytes): a new memory object of `bytes` (rounded up to pages, at most
	   SYS_MEMORY_MAX), zeroed; value: a handle to it with SYS_RIGHTS_ALL.
	   Processes share memory by mapping the same object. */
	SYS_MEMORY_CREATE = 31,
	/* (memory, prot): map the whole object into the caller (needs
	   SYS_RIGHT_READ, and SYS_RIGHT_WRITE for SYS_PROT_WRITE; SYS_PROT_EXEC
	   is refused); value: its address. The mapping keeps the object alive
	   until SYS_MEM_UNMAP of that address or the process's end. */
	SYS_MEMORY_MAP = 32,
	SYSCALL_COUNT
};

/* SYS_MEM_MAP and SYS_MEM_PROTECT protection bits (W and X together are refused). */
#define SYS_PROT_READ  (1u << 0)
#define SYS_PROT_WRITE (1u << 1)
#define SYS_PROT_EXEC  (1u << 2)

/*
 * Handle rights (X3). A handle names a kernel object and says what its
 * holder may do with it: READ to observe it (join a thread), WRITE to
 * change it, DUPLICATE to make more handles to it, GRANT to hand it to
 * another process. Unknown bits are refused.
 */
#define SYS_RIGHT_READ	    (1u << 0)
#define SYS_RIGHT_WRITE	    (1u << 1)
#define SYS_RIGHT_DUPLICATE (1u << 2)
#define SYS_RIGHT_GRANT	    (1u << 3)
#define SYS_RIGHTS_ALL	    (SYS_RIGHT_READ | SYS_RIGHT_WRITE | SYS_RIGHT_DUPLICATE | SYS_RIGHT_GRANT)

/*
 * An IPC message (SYS_IPC_*), in user memory: word_count words of data and
 * handle_count handles. Sent handles need SYS_RIGHT_GRANT and leave the
 * sender's table at the send, whether or not the message is delivered; the
 * receiver finds them as new handles of its own, with the same rights (0
 * where its table was full). A message that is never received is dropped
 * with its handles.
 */
#define SYS_IPC_WORDS	8
#define SYS_IPC_HANDLES 4
#define SYS_IPC_FOREVER UINT64_MAX /* timeout_ns: wait as long as it takes */

struct sys_ipc_message {
	uint64_t words[SYS_IPC_WORDS];
	uint64_t handles[SYS_IPC_HANDLES];
	uint32_t word_count;
	uint32_t handle_count;
};

/*
 * What the kernel gives init (X4), the one process it starts itself: init's
 * first thread gets the address of a struct sys_boot_info, read-only in
 * init's memory, which lists the handles already in init's table. Each has
 * a name and a kind:
 *  - SYS_BOOT_IMAGE: a program from a boot module, named after its file
 *    without ".elf" ("console" for /boot/console.elf), for SYS_PROCESS_SPAWN;
 *  - SYS_BOOT_DEVICE: a device's registers (SYS_DEVICE_MAP, SYS_PORT_*),
 *    with what speaks behind them in `device`;
 *  - SYS_BOOT_IRQ: the device line of the device of the same name, for
 *    SYS_IRQ_BIND.
 * The kernel's console UART comes as the device and the IRQ "console".
 */
#define SYS_BOOT_NAME_MAX    24
#define SYS_BOOT_HANDLES_MAX 24

enum sys_boot_kind {
	SYS_BOOT_IMAGE = 1,
	SYS_BOOT_DEVICE = 2,
	SYS_BOOT_IRQ = 3,
};

/* What a SYS_BOOT_DEVICE is. */
enum sys_device_type {
	SYS_DEVICE_16550 = 1, /* NS16550-compatible UART */
	SYS_DEVICE_PL011 = 2, /* Arm PrimeCell PL011 UART */
};

#define SYS_DEVICE_PORT_IO (1u << 0) /* device.flags: registers in I/O-port space (x86) */

struct sys_boot_handle {
	char name[SYS_BOOT_NAME_MAX]; /* NUL-terminated */
	uint64_t handle;
	uint32_t kind; /* enum sys_boot_kind */
	uint32_t pad;
	union {
		struct {
			uint64_t size; /* bytes of the file */
		} image;
		struct {
			uint32_t type;	    /* enum sys_device_type */
			uint32_t flags;	    /* SYS_DEVICE_PORT_IO */
			uint32_t reg_shift; /* register n is at offset n << reg_shift */
			uint32_t reg_width; /* bytes per register access: 1 or 4 */
			uint64_t size;	    /* bytes (ports) of the register window */
		} device;
		struct {
			uint32_t line; /* the platform's number, for messages */
		} irq;
	};
};

#define SYS_BOOT_TEST (1u << 0) /* flags: check the services, stop them, exit with the failures */

struct sys_boot_info {
	uint32_t flags;
	uint32_t handle_count;
	struct sys_boot_handle handles[SYS_BOOT_HANDLES_MAX];
};

/* SYS_MEM_MAP flags. */
#define SYS_MAP_LAZY (1u << 0) /* back each page on first touch instead of now */

/* Limits the kernel enforces (a larger request is SYSCALL_STATUS_BAD_ARGUMENT). */
#define SYS_DEBUG_WRITE_MAX 4096		    /* bytes per SYS_DEBUG_WRITE */
#define SYS_STACK_MAX	    (UINT64_C(1) << 24)	    /* SYS_THREAD_CREATE stack_bytes: 16 MiB */
#define SYS_MEM_MAP_MAX	    (UINT64_C(1) << 30)	    /* SYS_MEM_MAP bytes: 1 GiB */
#define SYS_SLEEP_MAX	    UINT64_C(3600000000000) /* one hour */
#define SYS_MEMORY_MAX	    (UINT64_C(1) << 24)	    /* SYS_MEMORY_CREATE bytes: 16 MiB */

/* What the platform hands the dispatcher, and what it puts back. */
struct syscall_args {
	uint64_t nr;
	uint64_t arg[6];
};

struct syscall_result {
	uint64_t status;
	uint64_t value;
};

#endif /* CORE_SYSCALL_H */
