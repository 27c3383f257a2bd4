/*
 * kernel/trap.c - what the kernel does with an exception.
 *
 * The platform decodes the cause (include/hal/trap.h); this file decides.
 * Breakpoints are counted and stepped over, so a debugging aid left in the
 * code does not stop the machine. A kernel page fault inside the kernel
 * VMM's window may be a lazy allocation's first touch: the VMM resolves it
 * when its records allow the access, and the faulting instruction is
 * retried. A fault in hal_user_copy() is the kernel touching user memory
 * for a process: resolved, or turned into an error for the copy. Every
 * other exception in kernel mode is a kernel bug, so it becomes a panic
 * that shows the trapped context, not panic()'s own. Exceptions from user
 * mode are the process's business: a lazy page is faulted in, anything
 * else kills the process.
 */
#include <core/log.h>
#include <core/vmm.h>
#include <hal/cpu.h>
#include <hal/memory_layout.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/kernel_vmm.h>
#include <kernel/panic.h>
#include <kernel/process.h>
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

static unsigned fault_access(const struct trap_info *t)
{
	return (t->write ? VMM_FAULT_WRITE : 0) | (t->exec ? VMM_FAULT_EXEC : 0);
}

/*
 * A fault inside hal_user_copy(): the kernel touching user memory on a
 * process's behalf. A lazy page of the process is faulted in as if the
 * process had touched it; anything else ends the copy with an error, since
 * the address came from user space and must never cost a panic.
 */
static bool user_copy_fault(struct trap_info *t)
{
	struct process *p = process_current();

	if (t->pc < (uintptr_t)hal_user_copy_begin || t->pc >= (uintptr_t)hal_user_copy_end)
		return false;
	if (t->kind == TRAP_PAGE_FAULT && p != NULL &&
	    vmm_handle_fault(&p->vmm, t->address, fault_access(t) | VMM_FAULT_USER) == VMM_OK)
		return true;
	hal_trap_set_pc(t->frame, (uintptr_t)hal_user_copy_fault);
	return true;
}

/*
 * A trap from user mode. A page fault on a lazy page of the process is
 * resolved and the instruction retried; every other one is an event for
 * the process, which is killed (its thread ends on the way back to user
 * mode). Never a panic: the kernel's state is not at stake.
 */
static void user_trap(struct trap_info *t)
{
	struct process *p = process_current();

	if (t->kind == TRAP_PAGE_FAULT &&
	    vmm_handle_fault(&p->vmm, t->address, fault_access(t) | VMM_FAULT_USER) == VMM_OK)
		return;
	process_fault(t);
}

void kernel_trap(struct trap_info *t)
{
	if (t->user) {
		user_trap(t);
		return;
	}
	if (t->kind == TRAP_BREAKPOINT) {
		breakpoints++;
		hal_trap_skip_instruction(t->frame);
		return;
	}
	if (t->kind == TRAP_PAGE_FAULT && kernel_fault_resolved(t))
		return;
	if (user_copy_fault(t))
		return;
	panic_trap(t);
}
