/*
 * test/core/lockdep_test.c - lock-order checking (core/lockdep.c), built
 * with KEEL_LOCK_CHECKS as a debug kernel is.
 *
 * Each host thread plays a CPU with per-CPU data of its own (the checker
 * keeps the classes a CPU holds there). An inversion panics, which the
 * base mock turns into SIGABRT.
 */
#include <criterion/criterion.h>
#include <signal.h>

#include <core/cpu.h>
#include <core/spinlock.h>

#include "hal/cpu_mock.h"

static struct cpu this_cpu;

static void setup(void)
{
	mock_cpu_set_local(&this_cpu);
}

TestSuite(lockdep, .init = setup);

static void nest(struct spinlock *outer, struct spinlock *inner)
{
	spin_lock(outer);
	spin_lock(inner);
	spin_unlock(inner);
	spin_unlock(outer);
}

Test(lockdep, one_order_many_times_is_fine)
{
	static struct spinlock a = SPINLOCK_INIT("one A"), b = SPINLOCK_INIT("one B");

	for (int i = 0; i < 3; i++)
		nest(&a, &b);
	cr_assert_eq(this_cpu.lockdep_depth, 0);
}

Test(lockdep, both_orders_panic, .signal = SIGABRT)
{
	static struct spinlock a = SPINLOCK_INIT("both A"), b = SPINLOCK_INIT("both B");

	nest(&a, &b);
	nest(&b, &a);
}

Test(lockdep, a_cycle_through_a_third_class_panics, .signal = SIGABRT)
{
	static struct spinlock a = SPINLOCK_INIT("cycle A"), b = SPINLOCK_INIT("cycle B"),
			       c = SPINLOCK_INIT("cycle C");

	nest(&a, &b);
	nest(&b, &c);
	nest(&c, &a); /* A -> B -> C -> A */
}

Test(lockdep, locks_of_one_class_are_one_lock)
{
	/* Two objects' locks with one name: an order between them and another class... */
	static struct spinlock p1 = SPINLOCK_INIT("class P"), p2 = SPINLOCK_INIT("class P"),
			       q = SPINLOCK_INIT("class Q");

	nest(&p1, &p2); /* nesting within a class records nothing */
	nest(&p1, &q);
	nest(&p2, &q); /* the same order, through the other object */
	cr_assert_eq(this_cpu.lockdep_depth, 0);
}

Test(lockdep, the_order_of_objects_of_one_class_counts_for_all, .signal = SIGABRT)
{
	static struct spinlock p1 = SPINLOCK_INIT("objects P"), p2 = SPINLOCK_INIT("objects P"),
			       q = SPINLOCK_INIT("objects Q");

	nest(&p1, &q);
	nest(&q, &p2); /* another P object, the reverse order: still an inversion */
}

Test(lockdep, release_out_of_order_keeps_the_held_set_right)
{
	static struct spinlock a = SPINLOCK_INIT("ooo A"), b = SPINLOCK_INIT("ooo B");

	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&a); /* A first */
	cr_assert_eq(this_cpu.lockdep_depth, 1);
	cr_assert_eq(this_cpu.lockdep_held[0], b.lockdep_class);
	spin_unlock(&b);
	cr_assert_eq(this_cpu.lockdep_depth, 0);
	nest(&a, &b); /* the same order as before: fine */
}
