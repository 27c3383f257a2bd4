/*
 * kernel/trap.c - what the kernel does with an exception.
 *
 * The platform decodes the cause (include/hal/trap.h); this file decides.
 * Breakpoints are counted and stepped over, so a debugging aid left in the
 * code does not stop the machine. Every other exception in kernel mode is
 * a kernel bug until the memory work adds page-fault resolution, so it
 * becomes a panic that shows the trapped context, not panic()'s own.
 */
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/trap.h>
#include <kernel/panic.h>
#include <kernel/trap.h>

static volatile uint64_t breakpoints;

uint64_t trap_breakpoint_count(void)
{
	return breakpoints;
}

void kernel_trap(struct trap_info *t)
{
	if (t->kind == TRAP_BREAKPOINT) {
		breakpoints++;
		hal_trap_skip_instruction(t->frame);
		return;
	}
	panic_trap(t);
}
