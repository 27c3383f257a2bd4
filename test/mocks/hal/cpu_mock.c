/*
 * test/mocks/hal/cpu_mock.c - a fake of the HAL cpu contract for native tests.
 *
 * See cpu_mock.h. The fake keeps an "interrupts enabled" flag instead of a
 * real mask, and counts saves that are not restored yet, so a test can
 * check that code under test leaves interrupts the way it found them. The
 * saved state is the flag itself, as the real ports save a flag bit.
 *
 * Misuse that a real CPU would survive silently is made loud here: a
 * restore without a matching save aborts the test.
 */
#include <stdio.h>
#include <stdlib.h>

#include <hal/cpu.h>
#include <hal/irq.h>

#include "hal/cpu_mock.h"

static _Thread_local unsigned mock_id;
static _Thread_local struct cpu *mock_local;
static _Thread_local bool irq_disabled; /* false: a thread starts with interrupts on */
static _Thread_local unsigned irq_depth;

struct cpu *hal_cpu_local(void)
{
	return mock_local;
}

void hal_irq_enable(void)
{
	irq_disabled = false;
}

void hal_irq_disable(void)
{
	irq_disabled = true;
}

bool hal_irq_enabled(void)
{
	return !irq_disabled;
}

unsigned long hal_irq_save(void)
{
	unsigned long was_enabled = !irq_disabled;

	irq_disabled = true;
	irq_depth++;
	return was_enabled;
}

void hal_irq_restore(unsigned long state)
{
	if (irq_depth == 0) {
		fprintf(stderr, "cpu_mock: hal_irq_restore without a matching hal_irq_save\n");
		abort();
	}
	irq_depth--;
	irq_disabled = state == 0;
}

void mock_cpu_set_id(unsigned cpu)
{
	mock_id = cpu;
}

unsigned mock_cpu_get_id(void)
{
	return mock_id;
}

void mock_cpu_set_local(struct cpu *cpu)
{
	mock_local = cpu;
}

bool mock_irq_enabled(void)
{
	return !irq_disabled;
}

unsigned mock_irq_depth(void)
{
	return irq_depth;
}

void mock_irq_reset(void)
{
	irq_disabled = false;
	irq_depth = 0;
}

/*
 * The clock core/spinlock.c reads to bound a spin. Weak: tests with a fake
 * clock of their own (test/sched/) define hal_clock_ns() themselves.
 */
static uint64_t mock_cpu_clock;

__attribute__((weak)) uint64_t hal_clock_ns(void)
{
	return __atomic_load_n(&mock_cpu_clock, __ATOMIC_RELAXED);
}

void mock_cpu_clock_set(uint64_t ns)
{
	__atomic_store_n(&mock_cpu_clock, ns, __ATOMIC_RELAXED);
}

/* No frames to walk in a native test: backtraces are empty (core/backtrace.c). */
__attribute__((weak)) bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp,
					    uintptr_t *return_address)
{
	(void)fp;
	(void)caller_fp;
	(void)return_address;
	return false;
}
