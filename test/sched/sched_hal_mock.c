/*
 * test/sched/sched_hal_mock.c - the HAL of core/sched.c, faked (see the header).
 *
 * Context switching: every context is a struct fiber holding a ucontext.
 * hal_context_init() makes one with its own host stack (the kernel stack
 * the caller passes is not used: the test's threads are not kernel code).
 * A saved "stack pointer" is the fiber's address. The code that calls the
 * scheduler first (the test, playing a CPU's idle thread) has saved_sp 0;
 * its fiber is made on its first switch away. AddressSanitizer is told
 * about every stack change, so it keeps tracking the right stack.
 */
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include <core/cpu.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/paging.h>
#include <hal/user.h>

#include "sched/sched_hal_mock.h"

#define FIBER_STACK (256 * 1024)

struct fiber {
	ucontext_t uc;
	void *stack;	    /* NULL for the test's own context */
	const void *bottom; /* the stack's bounds, for AddressSanitizer */
	size_t size;
	void (*entry)(void *);
	void *arg;
};

static uint64_t clock_ns;
static struct fiber *switching_from; /* learns its stack bounds when we arrive */
static uint64_t deadlines[CPU_MAX];
static unsigned ipis[CPU_MAX];
static unsigned space_switches;

struct hal_paging {
	int unused;
};
static struct hal_paging kernel_space;

void mock_clock_set(uint64_t ns)
{
	clock_ns = ns;
}

uint64_t mock_clock_get(void)
{
	return clock_ns;
}

uint64_t mock_timer_deadline(unsigned cpu)
{
	return deadlines[cpu];
}

unsigned mock_ipis(unsigned cpu)
{
	return ipis[cpu];
}

unsigned mock_space_switches(void)
{
	return space_switches;
}

void mock_sched_hal_reset(void)
{
	for (unsigned i = 0; i < CPU_MAX; i++) {
		deadlines[i] = UINT64_MAX;
		ipis[i] = 0;
	}
	space_switches = 0;
}

uint64_t hal_clock_ns(void)
{
	return clock_ns;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	deadlines[cpu_id()] = deadline_ns;
}

void hal_ipi_send(unsigned cpu)
{
	ipis[cpu]++;
}

void hal_cpu_idle(void)
{
}

__noreturn void hal_cpu_halt(void)
{
	fprintf(stderr, "sched_hal_mock: hal_cpu_halt\n");
	abort();
}

struct hal_paging *hal_paging_kernel(void)
{
	return &kernel_space;
}

void hal_paging_switch(struct hal_paging *p)
{
	(void)p;
	space_switches++;
}

void hal_user_set_kernel_stack(uintptr_t kstack_top)
{
	(void)kstack_top;
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	(void)va;
	(void)pages;
}

/* On a new stack: tell ASan, and remember the bounds of the stack we left. */
static void arrived(void *fake_stack)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (switching_from != NULL && switching_from->bottom == NULL) {
		switching_from->bottom = bottom;
		switching_from->size = size;
	}
}

static void fiber_start(unsigned hi, unsigned lo)
{
	struct fiber *f = (struct fiber *)(((uintptr_t)hi << 32) | lo);

	arrived(NULL);
	f->entry(f->arg);
	fprintf(stderr, "sched_hal_mock: a thread entry returned\n");
	abort();
}

uintptr_t hal_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg)
{
	struct fiber *f = calloc(1, sizeof(*f));

	(void)stack_top;
	if (f == NULL || (f->stack = malloc(FIBER_STACK)) == NULL)
		abort();
	f->bottom = f->stack;
	f->size = FIBER_STACK;
	f->entry = entry;
	f->arg = arg;
	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = FIBER_STACK;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, (void (*)(void))fiber_start, 2, (unsigned)((uintptr_t)f >> 32),
		    (unsigned)(uintptr_t)f);
	return (uintptr_t)f;
}

void hal_context_switch(uintptr_t *save_sp, uintptr_t next_sp)
{
	struct fiber *from = (struct fiber *)*save_sp, *to = (struct fiber *)next_sp;
	void *fake_stack = NULL;

	if (from == NULL) {
		from = calloc(1, sizeof(*from));
		if (from == NULL)
			abort();
		*save_sp = (uintptr_t)from;
	}
	switching_from = from;
	__sanitizer_start_switch_fiber(&fake_stack, to->bottom, to->size);
	swapcontext(&from->uc, &to->uc);
	arrived(fake_stack);
}

void mock_context_free(uintptr_t sp)
{
	struct fiber *f = (struct fiber *)sp;

	if (f == NULL)
		return;
	free(f->stack);
	free(f);
}
