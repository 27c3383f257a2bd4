/*
 * include/core/lockdep.h - lock-order checking for spinlocks (debug builds).
 *
 * Two CPUs that take the same two locks in opposite orders can each hold
 * one and wait for the other for ever; the ticket lock's wait bound
 * reports that once it happens, this reports the possibility the first
 * time both orders have been seen, on any CPU, at any time apart.
 *
 * Locks are grouped in classes by name (the string given to spin_init()
 * or SPINLOCK_INIT()): every "process" lock is one class, so an order seen
 * between two processes' locks and the opposite order seen between two
 * others are the same inversion. Each CPU keeps the classes it holds, in
 * order; taking class B while holding A records the edge A -> B, with the
 * backtrace of that first time. An edge whose reverse path already exists
 * (B -> ... -> A) is an inversion: the kernel panics with both orders and
 * both backtraces. Nesting two locks of one class records nothing.
 *
 * Built in with -Dkernel_lock_checks=true (KEEL_LOCK_CHECKS); without it
 * these are never called. Costs a class lookup and a push per lock, and a
 * search of the graph the first time an edge is seen.
 */
#ifndef CORE_LOCKDEP_H
#define CORE_LOCKDEP_H

struct spinlock;

#define LOCKDEP_CLASSES 128 /* lock names at most; more disables the checks, with a warning */
#define LOCKDEP_DEPTH	16  /* locks one CPU holds at once at most */
#define LOCKDEP_EDGES	512 /* distinct orders remembered with a backtrace */

/* `lock` is about to be taken by the calling CPU (interrupts as the caller has them). */
void lockdep_acquire(struct spinlock *lock);

/* `lock` was released by the calling CPU. */
void lockdep_release(struct spinlock *lock);

#endif /* CORE_LOCKDEP_H */
