/*
 * include/core/sched.h - threads, per-CPU run queues, wait queues, timers.
 *
 * Policy (S1, S2, S6; docs/architecture.md, "Scheduler"):
 *  - every CPU owns a run queue and a permanent idle thread that runs only
 *    when the queue is empty;
 *  - strict priority: a ready thread of a higher level always runs before
 *    one of a lower level; inside a level, round robin with a time slice
 *    of SCHED_SLICE_NS, enforced by the CPU's one-shot timer;
 *  - a thread that becomes ready goes to the CPU it last ran on when its
 *    affinity allows, unless that CPU is busy and an allowed CPU idles
 *    (push on wake); a CPU that runs out of work steals a ready thread
 *    from the busiest queue (pull when idle). Another CPU learns of new
 *    work through the reschedule IPI;
 *  - switching threads switches address spaces only when the next thread
 *    needs another one; idle and kernel-only threads run in the kernel's.
 *
 * Cancellation is deferred: thread_cancel() marks a thread and wakes it
 * if it blocks at a cancellation point; the thread stops when it reaches
 * one (thread_testcancel, thread_sleep_ns, thread_join, semaphore_wait,
 * and any wait made with WAIT_CANCELLABLE), and its joiner sees
 * THREAD_CANCELLED. A thread must hold no lock at a cancellation point.
 *
 * Locking: each CPU's run queue and timer list have a lock; a wait queue
 * has its own. A thread's state changes under the lock of the queue that
 * holds it. Lock order: wait queue, then run queue, then timer list.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <base/compiler.h>
#include <base/list.h>
#include <core/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_PRIORITIES       32 /* levels 0 (lowest) .. 31; idle is below all of them */
#define SCHED_PRIORITY_DEFAULT 16
#define SCHED_SLICE_NS	       UINT64_C(10000000) /* 10 ms */
#define SCHED_BALANCE_NS       UINT64_C(10000000) /* a CPU with waiting threads looks for idle ones */

struct hal_paging;
struct thread;

/* A one-shot callback at a deadline, run by the CPU it was armed on, in interrupt context. */
struct ktimer {
	uint64_t deadline; /* hal_clock_ns() time */
	void (*fn)(struct ktimer *timer);
	struct list_node link; /* on its CPU's timer list, sorted by deadline */
	unsigned cpu;	       /* the CPU whose list holds it while armed */
	bool running;	       /* fn is being called (ktimer_cancel waits for it) */
};

/* Per-CPU scheduler state, embedded in struct cpu. */
struct sched_cpu {
	struct spinlock lock;			  /* run queue and the fields below */
	uint32_t ready_levels;			  /* bit p: ready[p] is not empty */
	struct list_node ready[SCHED_PRIORITIES]; /* FIFO per level */
	unsigned nr_ready;
	bool need_resched;
	struct thread *current;
	struct thread *idle;
	struct hal_paging *space; /* the address space loaded on this CPU */
	uint64_t slice_end;	  /* when the current thread's slice ends */
	uint64_t balance_at;	  /* when to look for idle CPUs again (0: nothing waits) */
	struct spinlock timer_lock;
	struct list_node timers; /* armed ktimers, soonest first */
	uint64_t timer_armed;	 /* the deadline the hardware timer has now */
	struct spinlock dead_lock;
	struct list_node dead;	      /* exited detached threads waiting to be released */
	struct thread *switched_from; /* for finish_switch(): the thread just left */
	struct thread *migrate;	      /* ... and whether it must be queued elsewhere */
	uint64_t steals;	      /* threads this CPU took from others */
};

/* A queue of blocked threads. */
struct wait_queue {
	struct spinlock lock;
	struct list_node waiters; /* FIFO */
};

enum thread_state {
	THREAD_NEW,	/* made, not started */
	THREAD_READY,	/* on a run queue */
	THREAD_RUNNING, /* some CPU's current thread */
	THREAD_BLOCKED, /* on a wait queue, or sleeping */
	THREAD_EXITED,	/* finished; waits to be joined or released */
};

enum thread_owner {
	THREAD_OWNER_KERNEL, /* a kthread */
	THREAD_OWNER_IDLE,   /* a CPU's idle thread */
	THREAD_OWNER_USER,   /* a process's thread (user-space work) */
};

/* Why a wait ended. */
enum wait_result {
	WAIT_WOKEN = 0,
	WAIT_TIMEOUT,
	WAIT_CANCELLED,
};

#define WAIT_CANCELLABLE (1u << 0) /* thread_cancel() ends this wait */
#define WAIT_FRONT	 (1u << 1) /* queue at the head: a woken waiter that must wait again */
#define WAIT_FOREVER	 UINT64_MAX

/* The exit value a joiner sees for a cancelled thread. */
#define THREAD_CANCELLED ((void *)(uintptr_t)-1)

#define THREAD_NAME_MAX 24

struct thread {
	uintptr_t saved_sp; /* hal_context_switch() state while not running */
	enum thread_state state;
	enum thread_owner owner;
	unsigned priority;
	unsigned queued_level; /* the level of the run queue list it is on */
	unsigned cpu;	       /* the CPU whose run queue holds it, or where it last ran */
	uint64_t affinity;     /* CPUs it may run on (bit n = CPU n) */
	bool on_cpu;	       /* still on its CPU until the switch away completes */
	struct list_node link; /* run queue or wait queue */
	struct wait_queue *wq; /* the queue it blocks on */
	enum wait_result wake_result;
	unsigned wait_flags; /* of the current wait: WAIT_CANCELLABLE */
	struct ktimer timeout;
	uint32_t flags; /* THREAD_F_*, atomic */
	void *exit_value;
	struct wait_queue join_wq; /* its joiner waits here */
	struct hal_paging *space;  /* NULL: the kernel's address space */
	uintptr_t stack_base;	   /* lowest usable byte of its kernel stack */
	size_t stack_size;
	void (*entry)(void *);
	void *arg;
	/* Called once the thread has exited and nobody needs it: frees stack and struct. */
	void (*release)(struct thread *t);
	/*
	 * Called by thread_exit() on the exiting thread itself, first thing,
	 * whatever the path (an exit, or cancellation at any cancellation
	 * point): the owner's bookkeeping (a process counts its threads).
	 * Interrupts as the caller left them; may take locks, must not block.
	 */
	void (*on_exit)(struct thread *t, void *value);
	void *owner_data; /* kthread, process: the owner's record */
	struct list_node all_link;
	uint64_t id;
	uint64_t switches; /* times it was switched in */
	char name[THREAD_NAME_MAX];
};

#define THREAD_F_CANCEL	  (1u << 0) /* thread_cancel() was called */
#define THREAD_F_DETACHED (1u << 1) /* release at exit, nobody joins */
#define THREAD_F_JOINING  (1u << 2) /* a joiner claimed it */
#define THREAD_F_REAP	  (1u << 3) /* exited detached: its CPU releases it */

/* ---- Set-up */

/*
 * The calling CPU's scheduler: `cpu` from <core/cpu.h> (already current
 * through hal_cpu_init), its idle thread is `idle`, a struct the caller
 * owns whose stack is the one the CPU runs on now. Interrupts masked.
 */
struct cpu;
void sched_init_cpu(struct cpu *cpu, struct thread *idle);

/*
 * Turn the calling CPU's current code into its idle loop: look for work
 * (own queue, then stealing), run it, and wait for interrupts in between.
 * Never returns.
 */
__noreturn void sched_idle_loop(void);

/* CPUs that take part in scheduling (bit n: CPU n), set by sched_init_cpu(). */
extern uint64_t sched_online_mask;

/*
 * The idle loop's balancing step: take one ready thread allowed here from
 * the CPU with the longest queue. True when one was taken.
 */
bool sched_steal(void);

/* Release the exited detached threads the calling CPU holds (interrupts enabled). */
void sched_reap(void);

/*
 * Fill a thread that will run entry(arg) on the stack [stack_base,
 * stack_base + stack_size); state NEW, default priority, every CPU allowed,
 * kernel address space. `release` (may be NULL) frees it at the end.
 */
void thread_init(struct thread *t, const char *name, uintptr_t stack_base, size_t stack_size,
		 void (*entry)(void *), void *arg, void (*release)(struct thread *t));

/* Make a NEW thread ready; it runs when the scheduler picks it. */
void thread_start(struct thread *t);

/* ---- The running thread */

struct thread *thread_current(void);

/* Give the CPU to another ready thread of the same or a higher priority, if any. */
void thread_yield(void);

/* End the calling thread with `value` for its joiner. Never returns. */
__noreturn void thread_exit(void *value);

/* Sleep at least `ns` nanoseconds. A cancellation point. */
void thread_sleep_ns(uint64_t ns);

/* A cancellation point: exit with THREAD_CANCELLED if the thread was cancelled. */
void thread_testcancel(void);

/* ---- Other threads */

/*
 * Wait for `t` to exit, store its exit value (THREAD_CANCELLED if it was
 * cancelled) and release it. One joiner per thread; a detached thread
 * cannot be joined. A cancellation point for the caller. Returns 0, or -1
 * when t is detached, already being joined, or the caller itself.
 */
int thread_join(struct thread *t, void **value);

/* Nobody will join `t`: it is released when it exits (or now, if it has). */
void thread_detach(struct thread *t);

/* Ask `t` to stop at its next cancellation point; wakes it from a cancellable wait. */
void thread_cancel(struct thread *t);

/*
 * For hang and panic reports: t's state by name ("new", "ready", "running",
 * "blocked", "exited"), and in *wait_queue the name of the wait queue it is
 * blocked on (NULL when it is not blocked on one). Reads without locks, so
 * a thread that moves meanwhile may be described half before, half after.
 */
const char *thread_state_name(const struct thread *t, const char **wait_queue);

/* Priority 0..SCHED_PRIORITIES-1; takes effect at once (requeued, maybe preempting). */
void thread_set_priority(struct thread *t, unsigned priority);

/*
 * The CPUs `t` may run on; a mask with no online CPU is refused (returns
 * false). A running thread outside its new mask moves at its next switch.
 */
bool thread_set_affinity(struct thread *t, uint64_t mask);

/* ---- Wait queues */

void wait_queue_init(struct wait_queue *wq, const char *name);

/*
 * Block the calling thread on `wq` until it is woken, `deadline_ns` passes
 * (WAIT_FOREVER: never) or, with WAIT_CANCELLABLE, it is cancelled. Called
 * with wq->lock held (spin_lock_irqsave); releases it while blocked and
 * holds it again on return. Returns why the wait ended.
 */
enum wait_result wait_queue_wait_locked(struct wait_queue *wq, uint64_t deadline_ns,
					unsigned flags);

/* Wake the first waiter / every waiter; wq->lock held. Return how many woke. */
unsigned wait_queue_wake_one_locked(struct wait_queue *wq);
/* End t's wait on wq (wq->lock held) if it still waits there; true if it did. */
bool wait_queue_wake_thread_locked(struct wait_queue *wq, struct thread *t);

/*
 * The IPC fast path's switch: wait on wq like wait_queue_wait_locked(),
 * and give this CPU straight to `next`, a thread blocked on the same wq,
 * whose wait ends (WAIT_WOKEN) without a trip through a run queue. When
 * next may not run here at once (affinity, still switching out on another
 * CPU, a higher priority ready here, another lock held), it is woken the
 * usual way and the caller waits the usual way.
 */
enum wait_result wait_queue_wait_handoff_locked(struct wait_queue *wq, uint64_t deadline_ns,
						unsigned flags, struct thread *next);
unsigned wait_queue_wake_all_locked(struct wait_queue *wq);

/* The same, taking the lock. */
unsigned wait_queue_wake_one(struct wait_queue *wq);
unsigned wait_queue_wake_all(struct wait_queue *wq);

/* ---- Timers */

/* Run fn(timer) on the calling CPU at `deadline` (hal_clock_ns time). */
void ktimer_arm(struct ktimer *timer, uint64_t deadline, void (*fn)(struct ktimer *timer));

/* Disarm; true if it was armed (so fn will not run), false if it ran or runs now. */
bool ktimer_cancel(struct ktimer *timer);

/* ---- Called by the kernel's interrupt and IPI paths */

/* The calling CPU's timer fired: run due ktimers, end an expired slice, re-arm. */
void sched_timer_interrupt(void);

/*
 * At the end of an interrupt, with interrupts masked: switch threads if a
 * reschedule is due and preemption is allowed.
 */
void sched_preempt(void);

/* Figures for selftests and reports. */
struct sched_stats {
	unsigned nr_ready;
	uint64_t context_switches;
	uint64_t steals;
};
struct sched_stats sched_get_stats(unsigned cpu);

#endif /* CORE_SCHED_H */
