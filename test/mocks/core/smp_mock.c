/*
 * test/mocks/core/smp_mock.c - the SMP services core/ code calls, for tests
 * that do not link the scheduler (spinlock, pmm, heap, vmm).
 *
 * cpu_id() answers the calling host thread's mock_cpu_set_id() number, so
 * a test can still run "CPUs" as threads. Preemption does not exist in a
 * test (nothing preempts a host thread on our behalf), so the count is
 * only kept to check balance. No other CPU asks for shootdowns.
 */
#include <core/cpu.h>
#include <core/tlb.h>

#include "hal/cpu_mock.h"

static _Thread_local unsigned preempt_depth;

unsigned cpu_id(void)
{
	return mock_cpu_get_id();
}

void preempt_disable(void)
{
	preempt_depth++;
}

void preempt_enable(void)
{
	preempt_depth--;
}

void tlb_poll(void)
{
}
