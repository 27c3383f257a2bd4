/*
 * include/kernel/process.h - processes and their user threads (S4, S5, M5).
 *
 * A process owns a hardware address space (hal_paging_create: an empty
 * lower half under the shared kernel half) and a VMM over its managed
 * window, which starts just above the null guard. Everything a process has
 * in user memory is a VMM record there: its program's segments (placed at
 * their link addresses), one lazily backed, guarded stack per thread, and
 * what it maps through SYS_MEM_MAP. Destroying the VMM gives every frame
 * back, and destroying the space every page-table page.
 *
 * A uthread is a scheduler thread of owner THREAD_OWNER_USER whose kernel
 * stack is in the kernel VMM window (like a kthread's) and whose user stack
 * is in its process's window; its first run enters user mode through the
 * HAL (hal_user_enter). Its process names it by a handle in the process's
 * handle table (core/handle.h): the handle names a thread object, which
 * keeps the thread's exit value for joiners after the thread is gone and
 * is freed when the thread has ended and its last handle is closed.
 *
 * Lifecycle. A process runs while it has live threads. process_kill() (and
 * SYS_PROCESS_EXIT, and a fault the kernel cannot resolve) records the exit
 * status once and cancels every thread: a thread blocked in a syscall wakes,
 * one running user code elsewhere is interrupted by an IPI, and each ends
 * at its next return to user mode (kernel_user_return). When the last
 * thread has ended, the process has exited; process_wait() then joins every
 * thread not yet joined, tears the address space down and frees the
 * process. Each process is waited for exactly once, by the kernel code
 * that created it (a user-level spawn and wait come with capabilities).
 *
 * Exit status: the value given to SYS_PROCESS_EXIT or process_kill(); 0
 * when the last thread ended by SYS_THREAD_EXIT; PROCESS_STATUS_FAULT when
 * a fault ended it (the fault is described in struct process_exit).
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <core/handle.h>
#include <core/ipc.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/vmm.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCESS_THREADS_MAX   64		   /* live threads per process */
#define PROCESS_HANDLES_MAX   256		   /* handles per process */
#define PROCESS_RECORDS_MAX   256		   /* VMM records per process */
#define PROCESS_VMM_SIZE      (UINT64_C(1) << 30)  /* managed window: 1 GiB, 32 KiB bitmap */
#define PROCESS_IMAGE_MAX     (UINT64_C(64) << 20) /* largest program image: 64 MiB */
#define UTHREAD_STACK_DEFAULT (UINT64_C(64) << 10) /* user stack when none is asked */
#define PROCESS_STATUS_FAULT  UINT64_C(0xfa17)	   /* exit status of a process killed by a fault */
#define PROCESS_NAME_MAX      24
#define PROCESS_OBJECT_MAPS   32 /* mappings of memory objects per process */

/* A user fault that ended a process (the first one, if several threads faulted). */
#define PROCESS_FAULT_NAME_MAX 96

struct process_fault {
	enum trap_kind kind;
	/*
	 * The architecture's name for it, copied: trap_info.name lives only as
	 * long as the trap (aarch64 formats it on the faulting thread's kernel
	 * stack, freed with the thread, which a reader after process_wait()
	 * faulted on: issue 13).
	 */
	char name[PROCESS_FAULT_NAME_MAX];
	uint64_t pc;
	uint64_t address;
	uint64_t code;
};

/* What process_wait() reports. */
struct process_exit {
	uint64_t status;
	bool faulted; /* `fault` is valid */
	struct process_fault fault;
};

struct uthread;
struct process_object;

struct process {
	uint64_t pid;
	char name[PROCESS_NAME_MAX];
	struct spinlock lock; /* the fields below, down to exit_wq */
	unsigned live;	      /* threads started and not yet exited */
	bool exiting;	      /* the exit status is set; threads are being cancelled */
	bool started;	      /* its first thread ran (process_start) */
	struct process_exit exit;
	struct uthread *threads[PROCESS_THREADS_MAX]; /* the live ones; NULL: free */
	struct wait_queue exit_wq;		      /* process_wait() waits here for live == 0 */
	struct handle_table handles;
	struct handle_slot handle_slots[PROCESS_HANDLES_MAX];
	/* What handles to it name; NULL: waited for by its creator. */
	struct process_object *object;
	struct {
		uint64_t id;		    /* the VMM record; 0: a free slot */
		struct kobject *object;	    /* the reference the mapping holds */
	} object_maps[PROCESS_OBJECT_MAPS]; /* under `lock` */
	struct process *reap_next;	    /* on the reaper's list */
	uint64_t image_ids[16];		    /* VMM records of the program: not unmappable */
	size_t image_count;
	struct hal_paging *paging;
	struct vmm vmm;
	void *vmm_storage;
};

struct uthread {
	struct thread thread; /* first: a struct thread * of a user thread is a struct uthread * */
	struct process *process;
	struct thread_object *object;  /* what handles to it name */
	unsigned slot;		       /* its index in process->threads[] */
	struct ipc_thread ipc;	       /* the call it received and has not replied to */
	uint64_t stack_id;	       /* its user stack's VMM record (freed at exit) */
	struct hal_user_context start; /* its first user context */
};

/*
 * A thread as handles see it (KOBJ_THREAD). One reference belongs to the
 * thread until it ends, one to each handle.
 */
struct thread_object {
	struct kobject object;
	struct wait_queue exited_wq; /* joiners wait here */
	bool exited;		     /* `value` is set (atomic, release) */
	uint64_t value;		     /* the exit value, THREAD_CANCELLED when cancelled */
	struct uthread *thread;	     /* NULL once it ended */
};

/*
 * A process as handles see it (KOBJ_PROCESS), for processes that user
 * space (or the kernel for init) started with process_spawn_detached().
 * One reference belongs to the process until the reaper has torn it down,
 * one to each handle. READ waits for its end, WRITE kills it.
 */
struct process_object {
	struct kobject object;
	struct spinlock lock;	     /* `process` */
	struct process *process;     /* NULL once it ended */
	struct wait_queue exited_wq; /* waiters for its end */
	bool exited;		     /* `status` is set and the process is gone (atomic, release) */
	uint64_t status;	     /* its exit status */
};

/* Results of the functions below. */
enum process_status {
	PROCESS_OK = 0,
	PROCESS_NO_MEMORY, /* heap, frames, page tables or window space ran out */
	PROCESS_LIMIT,	   /* the thread or handle table is full */
	PROCESS_BAD_IMAGE, /* the ELF image was refused (the reason is logged) */
	PROCESS_EXITING,   /* the process is being killed: no new threads */
};

/* An empty process: address space, VMM, no threads. */
int process_create(const char *name, struct process **out);

/*
 * Load the static ELF image file[0..size) into the empty process: check
 * every header field (core/elf.c) against the process window, map each
 * segment at its address with its permissions, copy its bytes and zero the
 * rest. *entry gets the entry point. On failure the process may hold part
 * of the image; process_destroy() it.
 */
int process_load_elf(struct process *p, const void *file, size_t size, uint64_t *entry);

/*
 * A new thread of `p` that enters user mode at pc with `arg` in the first
 * argument register and a fresh lazy user stack of stack_bytes (rounded up
 * to pages; guarded below), started at once. When handle is not NULL,
 * *handle gets a handle to it with SYS_RIGHTS_ALL in p's table. PROCESS_EXITING
 * when p is being killed, PROCESS_LIMIT when p has PROCESS_THREADS_MAX live
 * threads or no free handle.
 */
int uthread_create(struct process *p, uint64_t pc, uint64_t arg, size_t stack_bytes,
		   uint64_t *handle);

/*
 * Wait for the thread that `handle` (in p's table, with SYS_RIGHT_READ)
 * names to end, then close the handle; *value gets its exit value
 * (THREAD_CANCELLED when it was cancelled). A HANDLE_* status when the
 * handle is refused; HANDLE_BAD too for the caller's own thread. A
 * cancellation point.
 */
int process_join_handle(struct process *p, uint64_t handle, uint64_t *value);

/* Create the main thread at `entry` with `arg` and start it. */
int process_start(struct process *p, uint64_t entry, uint64_t arg);

/* ELF image plus process_start in one: create, load, start. *out is the running process. */
int process_spawn(const char *name, const void *image, size_t size, uint64_t arg,
		  struct process **out);

/*
 * End the process with `status` (the first status set wins) and cancel
 * every thread. Returns at once; the threads end at their next return to
 * user mode or cancellation point. Any context with interrupts enabled
 * (and from the process's own threads).
 */
void process_kill(struct process *p, uint64_t status);

/*
 * The calling thread's process hit a fault nobody resolves: record it, log
 * it and kill the process. The caller then ends the thread (the trap path
 * does, through kernel_user_return).
 */
void process_fault(const struct trap_info *info);

/*
 * Wait until every thread of p has ended, then tear p down and free it.
 * *exit (may be NULL) gets how it ended. Called once, by a kernel thread
 * that is not one of p's.
 */
void process_wait(struct process *p, struct process_exit *exit);

/*
 * Start the kernel's reaper: the thread that tears down detached processes
 * (those with a process object) once their last thread has ended, and then
 * marks their object exited. Once, at boot, before the first detached spawn.
 */
void process_reaper_start(void);

/*
 * Wait until the reaper has finished with every process queued to it so
 * far, the last reference it drops included. A waiter of a process object
 * is woken before the reaper lets go of the object, so the object (and
 * whatever it alone kept alive) may outlive that wake-up by a moment; a
 * leak check that counts objects calls this first. Context: a thread that
 * may sleep.
 */
void process_reap_sync(void);

/*
 * Give the process `p` (created, loaded, not started) a process object
 * and make it detached: the reaper, not its creator, waits for it. *out
 * gets the object with one reference for the caller.
 */
int process_detach(struct process *p, struct process_object **out);

/*
 * Wait until the object's process has ended and been torn down, or until
 * deadline_ns (WAIT_FOREVER: no limit). PROCESS_OK with *status, or a
 * wait_reason (WAIT_TIMED_OUT, WAIT_CANCELLED) as a negative number.
 */
int process_object_wait(struct process_object *o, uint64_t deadline_ns, uint64_t *status);

/* process_kill() of the object's process, if it still runs. */
void process_object_kill(struct process_object *o, uint64_t status);

/*
 * Map a read-only copy of data[0..len) into p, user-visible, like its
 * program: not unmappable. *va gets its address.
 */
int process_map_data(struct process *p, const void *data, size_t len, uint64_t *va);

/*
 * Map the memory object `o` (whose frames are [phys, + pages)) into p with
 * `prot`; the mapping takes a reference to o until process_unmap() or p's
 * end. PROCESS_LIMIT when p has PROCESS_OBJECT_MAPS of them or no
 * VMM record left, PROCESS_NO_MEMORY without window or page tables.
 */
int process_map_object(struct process *p, struct kobject *o, uint64_t phys, size_t pages,
		       unsigned prot, uint64_t *va);

/* Free the VMM record `id` of p, and drop the object reference its mapping held, if any. */
int process_unmap(struct process *p, uint64_t id);

/* Free a process that never started (a failed load). */
void process_destroy(struct process *p);

/* The calling thread's process, or NULL for a kernel thread. */
struct process *process_current(void);

/* Processes created and not yet torn down (for leak checks). */
uint64_t process_count_live(void);

/*
 * For panic and hang reports: every process, and each live thread's state
 * and the wait queue it is blocked on, read without locks. Context: a
 * report, the other CPUs stopped.
 */
void process_dump_all(void);

const char *process_status_name(int status);

#endif /* KERNEL_PROCESS_H */
