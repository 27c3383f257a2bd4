/*
 * kernel/trap.c - what the kernel does with an exception.
 *
 * The platform decodes the cause (include/hal/trap.h); this file decides.
 * Breakpoints are counted and stepped over, so a debugging aid left in the
 * code does not stop the machine. A kernel page fault inside the kernel
 * VMM's window may be a lazy allocation's first touch: the VMM resolves it
 * when its records allow the access, and the faulting instruction is
 * retried. Every other exception in kernel mode is a kernel bug, so it
 * becomes a panic that shows the trapped context, not panic()'s own.
 */
#include <core/log.h>
#include <core/vmm.h>
#include <hal/cpu.h>
#include <hal/memory_layout.h>
#include <hal/trap.h>
#include <kernel/kernel_vmm.h>
#include <kernel/panic.h>
#include <kernel/trap.h>

static volatile uint64_t breakpoints;

uint64_t trap_breakpoint_count(void)
{
	return breakpoints;
}

/*
 * Whether the kernel VMM resolved a kernel page fault. Only addresses in
 * its window are asked about: any other kernel fault (a null pointer, the
 * direct map, the image) is a bug the VMM has nothing to say about.
 */
static bool kernel_fault_resolved(const struct trap_info *t)
{
	struct vmm *vmm = vmm_kernel();
	unsigned access = (t->write ? VMM_FAULT_WRITE : 0) | (t->exec ? VMM_FAULT_EXEC : 0);

	if (vmm == NULL || t->user || t->address < MM_KERNEL_VMM_BASE ||
	    t->address - MM_KERNEL_VMM_BASE >= MM_KERNEL_VMM_SIZE)
		return false;
	return vmm_handle_fault(vmm, t->address, access) == VMM_OK;
}

void kernel_trap(struct trap_info *t)
{
	if (t->kind == TRAP_BREAKPOINT) {
		breakpoints++;
		hal_trap_skip_instruction(t->frame);
		return;
	}
	if (t->kind == TRAP_PAGE_FAULT && kernel_fault_resolved(t))
		return;
	panic_trap(t);
}
