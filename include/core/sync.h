/*
 * include/core/sync.h - sleeping locks: mutexes and counting semaphores.
 *
 * Both block the calling thread on a wait queue instead of spinning, so
 * they may be held across long operations and anything that blocks, but
 * they may only be used from thread context (never from an interrupt
 * handler, never with a spinlock held or interrupts masked).
 *
 * A mutex has an owner: only the thread that locked it may unlock it, and
 * locking it twice from one thread is a bug; both panic. Unlocking frees
 * the mutex and wakes the first waiter, which takes it unless a running
 * thread got there first; a waiter that loses waits again at the front,
 * so waiters are served in their order. Handing the mutex to a sleeping
 * waiter instead would make every other thread wait for that one to be
 * scheduled (a lock convoy). Mutex waits are not cancellation points: a
 * thread that holds resources must be able to reach its cleanup.
 *
 * A semaphore counts: semaphore_post() adds one and wakes a waiter,
 * semaphore_wait() takes one or blocks until it can. semaphore_wait() is
 * a cancellation point.
 */
#ifndef CORE_SYNC_H
#define CORE_SYNC_H

#include <core/sched.h>
#include <stdbool.h>
#include <stdint.h>

struct mutex {
	struct wait_queue wq; /* its lock also protects owner and waking */
	struct thread *owner; /* NULL: free */
	bool waking;	      /* a woken waiter has not run yet: unlocks wake nobody more */
	const char *name;
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m); /* true: locked without waiting */
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m); /* by the calling thread */

struct semaphore {
	struct wait_queue wq; /* its lock also protects count */
	uint64_t count;
};

void semaphore_init(struct semaphore *s, uint64_t count, const char *name);
void semaphore_post(struct semaphore *s);

/* Take one unit, blocking as long as needed. A cancellation point. */
void semaphore_wait(struct semaphore *s);

/*
 * Take one unit, blocking until `deadline_ns` (hal_clock_ns time) at most.
 * True when a unit was taken. A cancellation point.
 */
bool semaphore_wait_until(struct semaphore *s, uint64_t deadline_ns);

/* Take one unit if one is there, without blocking. */
bool semaphore_trywait(struct semaphore *s);

#endif /* CORE_SYNC_H */
