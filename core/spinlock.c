/*
 * core/spinlock.c - a ticket spinlock on the compiler's __atomic builtins.
 *
 * See include/core/spinlock.h for the contract. The builtins compile to the
 * architecture's atomic instructions (lock xadd, ldadd or ldxr/stxr,
 * amoadd.w, amadd.w) with the barriers each memory order needs, so this
 * file needs no HAL contract beyond the interrupt mask and the CPU number.
 *
 * Memory ordering, in short: the critical section must stay between the
 * acquire (the load in spin_lock that sees our ticket served) and the
 * release (the store in spin_unlock that serves the next ticket). An
 * acquire load keeps every later access after it; a release store keeps
 * every earlier access before it; and an acquire that reads the value of a
 * release sees everything written before that release. So the next holder
 * sees all the writes of the previous one, and no access leaks out of the
 * lock in either direction, on any of the four architectures, however
 * weakly they order memory on their own.
 */
#include <base/assert.h>
#include <core/cpu.h>
#include <core/lockdep.h>
#include <core/spinlock.h>
#include <core/tlb.h>
#include <hal/cpu.h>
#include <hal/irq.h>

/* Spins between two looks at the clock: a few hundred microseconds under emulation. */
#define SPIN_CLOCK_EVERY 4096u

/* What `holder` records for the calling CPU: never 0, which means "free". */
static uint32_t self(void)
{
	return (uint32_t)cpu_id() + 1;
}

void spin_init(struct spinlock *lock, const char *name)
{
	lock->next = 0;
	lock->serving = 0;
	lock->holder = 0;
	lock->lockdep_class = 0;
	lock->name = name;
}

/* The hang report: the panic adds this CPU's registers and backtrace, then every other CPU's. */
__attribute__((noinline, cold, noreturn)) static void
spin_timed_out(const struct spinlock *lock, uint32_t ticket, uint64_t waited_ns)
{
	uint32_t holder = __atomic_load_n(&lock->holder, __ATOMIC_RELAXED);
	uint32_t serving = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
	unsigned long long ms = waited_ns / 1000000;

	if (holder != 0)
		PANIC("spinlock %s (%p): cpu %u spun %llu ms for it; held by cpu %u (serving "
		      "ticket %u, ours %u)",
		      lock->name, (const void *)lock, cpu_id(), ms, holder - 1, serving, ticket);
	PANIC("spinlock %s (%p): cpu %u spun %llu ms for it; the holder of ticket %u (ours %u) "
	      "never took it",
	      lock->name, (const void *)lock, cpu_id(), ms, serving, ticket);
}

/*
 * Wait until `ticket` is served, answering shootdowns meanwhile, and
 * report a hang once that took longer than SPIN_TIMEOUT_NS. Out of line
 * and cold: the uncontended spin_lock() never calls it and keeps no state
 * for it (the bound's start time on the fast path's stack cost x86_64's
 * IPC round trips 64 (kernel) to 188 (user) instructions).
 */
__attribute__((noinline, cold)) static void spin_wait(const struct spinlock *lock, uint32_t ticket)
{
	uint32_t spins = 0;
	uint64_t since = 0, now;

	while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket) {
		tlb_poll(); /* the holder may wait for this CPU's shootdown answer */
		if (++spins % SPIN_CLOCK_EVERY != 0)
			continue;
		now = hal_clock_ns();
		if (since == 0 || now < since)
			since = now; /* (a clock of 0 before it starts never times out) */
		else if (now - since >= SPIN_TIMEOUT_NS)
			spin_timed_out(lock, ticket, now - since);
	}
}

void spin_lock(struct spinlock *lock)
{
	/*
	 * `holder` equals our own value only if we stored it and have not
	 * cleared it yet, because no other CPU ever writes our value. So the
	 * check cannot fire by mistake, even when it reads a stale value that
	 * another CPU is about to change. Relaxed loads and stores are enough:
	 * the field orders nothing, it only has to be read and written whole.
	 */
	if (__atomic_load_n(&lock->holder, __ATOMIC_RELAXED) == self())
		PANIC("spinlock %s: cpu %u takes it again while holding it", lock->name, cpu_id());

	/*
	 * Taking a ticket only has to be atomic (two CPUs must never get the
	 * same number); it publishes no data, so it can be relaxed. 32-bit
	 * tickets wrap around harmlessly: only equality is ever tested.
	 */
#ifdef KEEL_LOCK_CHECKS
	lockdep_acquire(lock); /* before the wait: an inversion is reported, not deadlocked on */
#endif
	preempt_disable(); /* a preempted holder would make same-CPU waiters spin for nothing */
	uint32_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	/*
	 * Acquire, here and in spin_wait(): once we read our ticket, the
	 * previous holder's critical section (which ended with a release
	 * store of this value) is visible to us, and ours cannot start before
	 * this load.
	 *
	 * Future work: a HAL "relax" hint in the wait (pause, yield) would
	 * save power and let a sibling hardware thread run; correctness does
	 * not depend on it.
	 */
	if (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
		spin_wait(lock, ticket);
	__atomic_store_n(&lock->holder, self(), __ATOMIC_RELAXED);
}

void spin_unlock(struct spinlock *lock)
{
	uint32_t holder = __atomic_load_n(&lock->holder, __ATOMIC_RELAXED);

	if (holder != self())
		PANIC("spinlock %s: cpu %u releases it but %s", lock->name, cpu_id(),
		      holder == 0 ? "nobody holds it" : "another cpu holds it");
	__atomic_store_n(&lock->holder, 0, __ATOMIC_RELAXED);
#ifdef KEEL_LOCK_CHECKS
	lockdep_release(lock);
#endif

	/*
	 * Only the holder writes `serving`, so reading it needs no ordering.
	 * The store is a release: everything we wrote while holding the lock
	 * (and the clearing of `holder` above) is visible to whoever sees the
	 * new value, which is the next holder.
	 */
	uint32_t serving = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);

	__atomic_store_n(&lock->serving, serving + 1, __ATOMIC_RELEASE);
	preempt_enable();
}

bool spin_is_held(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->holder, __ATOMIC_RELAXED) == self();
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	/*
	 * Interrupts go off before the lock is taken: otherwise an interrupt
	 * arriving between the two could run a handler that spins on the lock
	 * this CPU has just taken.
	 */
	unsigned long flags = hal_irq_save();

	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	spin_unlock(lock);
	hal_irq_restore(flags);
}
