/*
 * platforms/pc_riscv64/user.c - HAL user-mode contract for riscv64 (S4, M5, M6).
 *
 * User programs run in U-mode. Every way back into the kernel, ecall (the
 * syscall, scause 8), an exception or an interrupt, enters at stvec like a
 * kernel trap; vectors.S tells them apart by sstatus.SPP and puts the user
 * frame at the top of the thread's kernel stack, which this file names in
 * struct cpu (KSTACK). trap.c sends the frame on (kernel_syscall(),
 * kernel_trap() with info.user, kernel_irq()) and calls
 * kernel_user_return() before vectors.S returns through it with sret.
 *
 * What U-mode may touch is set per hart here and per frame at each sret:
 *  - sstatus.FS and VS Off: floating-point and vector instructions (and
 *    their CSRs) are illegal instructions in both modes, so a program
 *    cannot keep state in registers the kernel never saves. The kernel is
 *    built without them, so it never turns them on;
 *  - sstatus.SUM clear: S-mode loads and stores fault on U=1 pages, except
 *    inside hal_user_copy() (user.S), which sets it around the copy. S-mode
 *    never fetches from a U=1 page, whatever SUM says (the privileged
 *    architecture's rule), so the kernel cannot execute user code; MXR
 *    clear, so a load cannot read an execute-only page;
 *  - scounteren 0: cycle, time and instret are illegal in U-mode, as
 *    whatever the firmware left would otherwise decide it; the clock is
 *    SYS_CLOCK_READ.
 */
#include <core/cpu.h>
#include <hal/irq.h>
#include <hal/user.h>

#include "riscv.h"

/* vectors.S: build the first user frame at kstack_top and leave through it. */
__noreturn void riscv_user_enter(uintptr_t kstack_top, uint64_t pc, uint64_t sp, uint64_t arg,
				 uint64_t sstatus);

void hal_user_init_cpu(void)
{
	unsigned long off = SSTATUS_FS | SSTATUS_VS | SSTATUS_SUM | SSTATUS_MXR;

	__asm__ volatile("csrc sstatus, %0\n\t"
			 "csrw scounteren, zero"
			 :
			 : "r"(off)
			 : "memory");
}

void hal_user_set_kernel_stack(uintptr_t kstack_top)
{
	cpu_current()->arch[(CPU_RV_KSTACK - CPU_RV_BASE) / 8] = kstack_top;
}

__noreturn void hal_user_enter(uintptr_t kstack_top, const struct hal_user_context *ctx)
{
	hal_irq_disable();
	/* The scheduler named it already when it switched here; the entry must agree. */
	hal_user_set_kernel_stack(kstack_top);

	/*
	 * The sstatus sret loads: SPP clear (to U-mode), SPIE set (interrupts
	 * on there), SIE clear until then, and the U-mode limits above; the
	 * rest (UXL, the read-only fields) as the hart has it.
	 */
	unsigned long sstatus = READ_CSR(sstatus);

	sstatus &= ~(unsigned long)(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_FS | SSTATUS_VS |
				    SSTATUS_SUM | SSTATUS_MXR);
	sstatus |= SSTATUS_SPIE;
	riscv_user_enter(kstack_top, ctx->pc, ctx->sp, ctx->arg, sstatus);
}
