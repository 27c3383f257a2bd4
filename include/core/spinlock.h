/*
 * include/core/spinlock.h - the kernel's busy-waiting lock.
 *
 * A spinlock protects data shared between CPUs for a few hundred
 * instructions at most: a CPU that finds it taken loops until the holder
 * lets go, so the holder must never sleep, block or wait for another event
 * while it holds one.
 *
 * This one is a ticket lock. Each arriving CPU takes the next number from
 * `next`, then waits until `serving` shows that number; unlocking advances
 * `serving` by one. CPUs therefore enter in the order they arrived, and a
 * CPU cannot be overtaken for ever by faster ones, which a plain
 * test-and-set lock does not guarantee.
 *
 * Interrupts: if an interrupt handler takes a lock that the code it
 * interrupted was holding on the same CPU, that CPU waits for itself for
 * ever. Every lock that an interrupt handler may take must therefore be
 * taken with spin_lock_irqsave() everywhere; spin_lock() alone is for locks
 * that interrupt handlers never touch.
 *
 * Checks (always on, they cost one load and one store): taking a lock the
 * calling CPU already holds, and releasing a lock the calling CPU does not
 * hold, are bugs that panic at once with the lock's name, instead of
 * hanging or corrupting the protected data.
 *
 * Hangs become reports: a CPU that waits longer than SPIN_TIMEOUT_NS for
 * one lock panics with the lock's name and address, the holder's CPU and
 * its own backtrace (the panic report then adds every other CPU's). A hold
 * is a few hundred instructions; the bound is 50 watchdog ticks
 * (<kernel/watchdog.h>), far above a queue of every CPU each held up for a
 * host time slice under emulation, so only a lock that is never released
 * (or a holder that never runs again) reaches it. The clock is looked at
 * once every few thousand spins, so the uncontended path does not change.
 */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* How long one spin_lock() may wait before it reports a hang: 5 s. */
#define SPIN_TIMEOUT_NS UINT64_C(5000000000)

struct spinlock {
	uint32_t next;		/* the ticket the next arriving CPU takes */
	uint32_t serving;	/* the ticket whose holder may enter */
	uint32_t holder;	/* hal_cpu_id() + 1 of the holder, 0 when free; for the checks */
	uint16_t lockdep_class; /* <core/lockdep.h>, debug builds: its class, 0 until looked up */
	const char *name;	/* for panic messages */
};

/* A static initialiser: `static struct spinlock lock = SPINLOCK_INIT("pmm");`. */
#define SPINLOCK_INIT(lock_name) { .next = 0, .serving = 0, .holder = 0, .name = (lock_name) }

/*
 * Make *lock a free lock called `name` (a string that lives as long as the
 * lock). Must not be called while any CPU may be using the lock.
 */
void spin_init(struct spinlock *lock, const char *name);

/*
 * Take the lock, waiting as long as it takes. On return every write made
 * by earlier holders inside the lock is visible to the caller (acquire
 * ordering). Panics if the calling CPU already holds it.
 *
 * Context: any CPU, with interrupts in any state, but see the header
 * comment about locks shared with interrupt handlers. Does not sleep.
 */
void spin_lock(struct spinlock *lock);

/*
 * Release the lock taken by spin_lock(). Every write the caller made while
 * holding it becomes visible to the next holder (release ordering). Panics
 * if the calling CPU does not hold it. Context: the holder. Does not sleep.
 */
void spin_unlock(struct spinlock *lock);

/* True when the calling CPU holds the lock; for assertions. Context: any. */
bool spin_is_held(const struct spinlock *lock);

/*
 * Mask interrupts on the calling CPU, then take the lock. Returns the
 * interrupt state from before (hal_irq_save()), which the caller passes to
 * spin_unlock_irqrestore() on the same CPU. Pairs nest like hal_irq_save().
 * Context: any. Does not sleep.
 */
unsigned long spin_lock_irqsave(struct spinlock *lock);

/*
 * Release the lock, then restore the interrupt state `flags` returned by
 * the matching spin_lock_irqsave(). Interrupts come back only after the
 * lock is free, so a handler that runs at once can take it.
 * Context: the holder. Does not sleep.
 */
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags);

#endif /* CORE_SPINLOCK_H */
