/*
 * test/core/spinlock_test.c - the ticket spinlock and its interrupt masking.
 *
 * The fake HAL cpu (test/mocks/hal/cpu_mock.c) makes each host thread one
 * CPU with its own interrupt flag, so the lock's checks and its mutual
 * exclusion can be exercised with ordinary threads.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <core/spinlock.h>
#include <hal/cpu.h>

#include "hal/cpu_mock.h"

Test(spinlock, is_held_only_between_lock_and_unlock)
{
	struct spinlock l = SPINLOCK_INIT("test");

	cr_assert_not(spin_is_held(&l));
	spin_lock(&l);
	cr_assert(spin_is_held(&l));
	spin_unlock(&l);
	cr_assert_not(spin_is_held(&l));
	spin_lock(&l); /* and it can be taken again */
	spin_unlock(&l);
}

Test(spinlock, is_not_held_by_another_cpu)
{
	struct spinlock l;

	spin_init(&l, "test");
	spin_lock(&l);
	mock_cpu_set_id(1);
	cr_assert_not(spin_is_held(&l));
	mock_cpu_set_id(0);
	spin_unlock(&l);
}

Test(spinlock, irqsave_masks_interrupts_until_the_unlock)
{
	struct spinlock l = SPINLOCK_INIT("test");

	mock_irq_reset();
	unsigned long flags = spin_lock_irqsave(&l);

	cr_assert_not(mock_irq_enabled());
	spin_unlock_irqrestore(&l, flags);
	cr_assert(mock_irq_enabled());
	cr_assert_eq(mock_irq_depth(), 0);
}

Test(spinlock, nested_irqsave_reenables_interrupts_only_at_the_outermost_unlock)
{
	struct spinlock outer = SPINLOCK_INIT("outer"), inner = SPINLOCK_INIT("inner");

	mock_irq_reset();
	unsigned long f1 = spin_lock_irqsave(&outer);
	unsigned long f2 = spin_lock_irqsave(&inner);

	spin_unlock_irqrestore(&inner, f2);
	cr_assert_not(mock_irq_enabled(), "the outer lock is still held");
	spin_unlock_irqrestore(&outer, f1);
	cr_assert(mock_irq_enabled());
	cr_assert_eq(mock_irq_depth(), 0);
}

Test(spinlock, irqsave_with_interrupts_already_off_leaves_them_off)
{
	struct spinlock l = SPINLOCK_INIT("test");

	mock_irq_reset();
	unsigned long outside = hal_irq_save(); /* e.g. an interrupt handler */
	unsigned long flags = spin_lock_irqsave(&l);

	spin_unlock_irqrestore(&l, flags);
	cr_assert_not(mock_irq_enabled());
	hal_irq_restore(outside);
	cr_assert(mock_irq_enabled());
}

Test(spinlock, taking_it_twice_on_one_cpu_panics, .signal = SIGABRT)
{
	struct spinlock l = SPINLOCK_INIT("test");

	spin_lock(&l);
	spin_lock(&l); /* would spin for ever without the check */
}

Test(spinlock, unlocking_it_from_another_cpu_panics, .signal = SIGABRT)
{
	struct spinlock l = SPINLOCK_INIT("test");

	spin_lock(&l);
	mock_cpu_set_id(3);
	spin_unlock(&l);
}

Test(spinlock, unlocking_a_free_lock_panics, .signal = SIGABRT)
{
	struct spinlock l = SPINLOCK_INIT("test");

	spin_unlock(&l);
}

/* A thread playing CPU 1 that takes *arg, then lets go at once. */
static void *take_and_release(void *arg)
{
	struct spinlock *l = arg;

	mock_cpu_set_id(1);
	spin_lock(l);
	spin_unlock(l);
	return NULL;
}

/* Let the waiter spin long enough to look at the clock at least once at `ns`. */
static void clock_moves_to(uint64_t ns)
{
	mock_cpu_clock_set(ns);
	usleep(50000);
}

Test(spinlock, a_wait_past_the_spin_timeout_panics, .signal = SIGABRT)
{
	static struct spinlock l = SPINLOCK_INIT("held for ever");
	pthread_t waiter;

	spin_lock(&l);
	cr_assert_eq(pthread_create(&waiter, NULL, take_and_release, &l), 0);
	clock_moves_to(1000);
	clock_moves_to(1000 + SPIN_TIMEOUT_NS); /* the waiter's panic ends the test */
	pthread_join(waiter, NULL);
}

Test(spinlock, a_wait_within_the_spin_timeout_goes_on)
{
	static struct spinlock l = SPINLOCK_INIT("held a while");
	pthread_t waiter;

	spin_lock(&l);
	cr_assert_eq(pthread_create(&waiter, NULL, take_and_release, &l), 0);
	clock_moves_to(1000);
	clock_moves_to(1000 + SPIN_TIMEOUT_NS - 1);
	spin_unlock(&l);
	cr_assert_eq(pthread_join(waiter, NULL), 0);
	mock_cpu_clock_set(0);
}

/*
 * Mutual exclusion: threads (fake CPUs) bump a counter in two steps with a
 * yield-prone gap between them, which loses updates without the lock. The
 * counts are small on purpose: a ticket lock hands over in arrival order,
 * so on a busy build machine a waiting thread that is descheduled holds
 * everyone up, and large counts would only measure the host's scheduler.
 */
#define THREADS	   2
#define INCREMENTS 2000

static struct spinlock counter_lock = SPINLOCK_INIT("counter");
static volatile unsigned long counter;

static void *bump(void *arg)
{
	mock_cpu_set_id((unsigned)(uintptr_t)arg);
	for (int i = 0; i < INCREMENTS; i++) {
		unsigned long flags = spin_lock_irqsave(&counter_lock);
		unsigned long v = counter;

		counter = v + 1;
		spin_unlock_irqrestore(&counter_lock, flags);
	}
	cr_assert(mock_irq_enabled());
	return NULL;
}

Test(spinlock, keeps_concurrent_updates_from_being_lost)
{
	pthread_t threads[THREADS];

	for (uintptr_t i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&threads[i], NULL, bump, (void *)(i + 1)), 0);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_join(threads[i], NULL), 0);
	cr_assert_eq(counter, (unsigned long)THREADS * INCREMENTS);
}
