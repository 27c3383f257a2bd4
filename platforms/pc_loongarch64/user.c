/*
 * platforms/pc_loongarch64/user.c - HAL user contract for loongarch64 (S4, M6, Y1).
 *
 * User code runs at PLV3. Every way back into the kernel is the one
 * exception entry (vectors.S): a trap from PLV3 saves the user frame at the
 * top of the thread's kernel stack, which this file names per CPU, and
 * la_trap() sends the syscall exception here. The way out is
 * la_trap_return, which calls kernel_user_return() first; user.S builds the
 * first frame of a thread (hal_user_enter) and holds hal_user_copy.
 *
 * What keeps the user out:
 *  - pages: a user page has PLV = 3 in its entry (paging.c), every other
 *    page PLV = 0, so PLV3 reaches only user pages (PPI otherwise), and
 *    the direct-mapping windows DMW0-3 are all off once the kernel runs on
 *    its own tables;
 *  - privileged instructions (CSR, IOCSR, TLB, cache, idle, ertn) raise
 *    IPE at PLV3;
 *  - FP, LSX, LASX and LBT stay disabled (EUEN = 0), so their instructions
 *    raise FPD, SXD, ASXD or BTD, which trap.c reports as illegal
 *    instructions: the kernel keeps no FP state for any thread.
 * What does not: LoongArch has no SMAP or PAN. A PLV3 page (RPLV = 0) is
 *    also reachable from PLV0, so the rule that the kernel touches user
 *    memory only inside hal_user_copy() is the kernel's own discipline,
 *    not the hardware's; likewise the kernel never executes a user page
 *    only because it never jumps to a lower-half address.
 */
#include <core/cpu.h>
#include <core/syscall.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/trap.h>
#include <hal/user.h>

#include "loongarch.h"

/* The argument registers: $a0-$a7 are $r4-$r11. */
#define REG_A0 4
#define REG_A7 11

STATIC_ASSERT(LA_CPU_KSTACK < CPU_ARCH_WORDS, "struct cpu has seven platform words");

void hal_user_init_cpu(void)
{
	/*
	 * EUEN = 0: FP (FPE), LSX (SXE), LASX (ASXE) and LBT (BTE) off, in
	 * user mode as in the kernel. The firmware may have left FPE on.
	 */
	csr_write(CSR_EUEN, 0);
	/*
	 * CSR.MISC stays at its reset value, 0: 64-bit addresses at PLV3, no
	 * performance counters there, the dirty bit enforced at PLV0 too (so
	 * a hal_user_copy() store to a read-only user page faults). It is not
	 * written: QEMU does not implement it (csrwr raises INE).
	 */
}

void hal_user_set_kernel_stack(uintptr_t kstack_top)
{
	/* Read by vectors.S on the next entry from PLV3 on this CPU. */
	hal_cpu_local()->arch[LA_CPU_KSTACK] = kstack_top;
}

/*
 * The syscall exception: ERA is the syscall instruction itself. Interrupts
 * are on while the kernel works on it (it may block or be preempted; the
 * frame stays on this thread's kernel stack) and off again before
 * la_trap_return.
 */
void la_syscall(struct hal_trap_frame *f)
{
	struct syscall_args args = { .nr = f->r[REG_A7] };

	for (unsigned i = 0; i < ARRAY_SIZE(args.arg); i++)
		args.arg[i] = f->r[REG_A0 + i];
	hal_trap_skip_instruction(f);

	hal_irq_enable();
	struct syscall_result r = kernel_syscall(&args);

	hal_irq_disable();
	f->r[REG_A0] = r.status;
	f->r[REG_A0 + 1] = r.value;
	for (unsigned i = 3; i < ARRAY_SIZE(args.arg); i++)
		f->r[REG_A0 + i] = args.arg[i];
}

void hal_trap_set_pc(struct hal_trap_frame *f, uintptr_t pc)
{
	f->era = pc;
}
