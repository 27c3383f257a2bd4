/*
 * platforms/pc_aarch64/user.c - HAL user-mode contract for aarch64: EL0 controls, syscalls.
 *
 * User code runs in EL0 (EL0t: SP_EL0 is its stack). Every exception from
 * EL0 comes through the lower-EL vectors (vectors.S), which save the user
 * context at the top of the thread's kernel stack, named per CPU by
 * hal_user_set_kernel_stack(), and call aarch64_user_exception() there in
 * EL1t, as kernel code. SVC #0 is a syscall; an IRQ takes the kernel's IRQ
 * path; anything else is a user trap for kernel_trap(). The way back is
 * aarch64_user_exit (vectors.S), which calls kernel_user_return() with
 * interrupts masked; hal_user_enter() and hal_user_copy() are in user.S.
 *
 * What EL0 may touch is set here once per CPU, since firmware and loader
 * leave these controls in states the kernel did not choose:
 *  - no FP/SIMD or SVE (CPACR_EL1 = 0): the kernel keeps no FP state for
 *    threads, so such an instruction traps (EC 0x07, 0x19) and is reported
 *    as an illegal instruction. The kernel is built integer-only, so the
 *    trap covers EL1 as well;
 *  - no masking of interrupts (SCTLR_EL1.UMA), which would stop
 *    preemption, and no WFI/WFE, cache maintenance, DC ZVA or CTR_EL0
 *    (nTWI, nTWE, UCI, DZE, UCT);
 *  - no counter or timer registers (CNTKCTL_EL1 = 0): the EL1 virtual
 *    timer is the scheduler's, and the clock is a syscall; no PMU
 *    (PMUSERENR_EL0 = 0);
 *  - PAN (ARMv8.1) where the CPU has it: privileged accesses to pages EL0
 *    may access fault, and with SCTLR_EL1.SPAN = 0 every exception entry
 *    sets PAN again. The kernel never clears it: hal_user_copy() reaches
 *    user memory with LDTR/STTR, which are checked as EL0 accesses, so
 *    user memory is never open to ordinary kernel loads and stores. UAO
 *    (ARMv8.2), which would make LDTR/STTR privileged, is cleared.
 */
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/user.h>

#include "platform.h"

/* ID register fields: 0 = the feature is absent. */
#define ID_AA64MMFR1_PAN(r)   (((r) >> 20) & 0xf)
#define ID_AA64MMFR2_UAO(r)   (((r) >> 4) & 0xf)
#define ID_AA64DFR0_PMUVER(r) (((r) >> 8) & 0xf) /* 0xf: an IMPLEMENTATION DEFINED PMU */

/* SCTLR_EL1 bits that decide what EL0 may do. */
#define SCTLR_UMA  (UINT64_C(1) << 9)  /* EL0 may write DAIF */
#define SCTLR_DZE  (UINT64_C(1) << 14) /* EL0 may use DC ZVA */
#define SCTLR_UCT  (UINT64_C(1) << 15) /* EL0 may read CTR_EL0 */
#define SCTLR_NTWI (UINT64_C(1) << 16) /* WFI in EL0 does not trap */
#define SCTLR_NTWE (UINT64_C(1) << 18) /* WFE in EL0 does not trap */
#define SCTLR_SPAN (UINT64_C(1) << 23) /* exception entry leaves PAN alone (RES1 without PAN) */
#define SCTLR_E0E  (UINT64_C(1) << 24) /* EL0 data accesses are big-endian */
#define SCTLR_UCI  (UINT64_C(1) << 26) /* EL0 may use cache maintenance by VA */

/*
 * PSTATE.PAN and PSTATE.UAO through their system-register encodings
 * (S3_0_C4_C2_3 and S3_0_C4_C2_4), which assemble for any target CPU;
 * executed only when the ID registers say the CPU has them.
 */
#define PSTATE_PAN (UINT64_C(1) << 22)

static void set_pan(void)
{
	__asm__ volatile("msr s3_0_c4_c2_3, %0" ::"r"(PSTATE_PAN) : "memory");
}

static void clear_uao(void)
{
	__asm__ volatile("msr s3_0_c4_c2_4, xzr" ::: "memory");
}

void hal_user_init_cpu(void)
{
	bool pan = ID_AA64MMFR1_PAN(READ_SYSREG(id_aa64mmfr1_el1)) != 0;
	unsigned pmu = ID_AA64DFR0_PMUVER(READ_SYSREG(id_aa64dfr0_el1));
	uint64_t sctlr = READ_SYSREG(sctlr_el1);

	WRITE_SYSREG(cpacr_el1, 0);
	WRITE_SYSREG(cntkctl_el1, 0);
	if (pmu != 0 && pmu != 0xf)
		WRITE_SYSREG(pmuserenr_el0, 0);
	sctlr &= ~(SCTLR_UMA | SCTLR_DZE | SCTLR_UCT | SCTLR_NTWI | SCTLR_NTWE | SCTLR_E0E |
		   SCTLR_UCI);
	if (pan)
		sctlr &= ~SCTLR_SPAN;
	WRITE_SYSREG(sctlr_el1, sctlr);
	__asm__ volatile("isb" ::: "memory");
	if (pan)
		set_pan();
	if (ID_AA64MMFR2_UAO(READ_SYSREG(id_aa64mmfr2_el1)) != 0)
		clear_uao();
	if (cpu_id() == 0)
		log_debug("user: EL0 without FP/SIMD, timers or DAIF; PAN %s\n",
			  pan ? "on" : "absent (ARMv8.0 CPU)");
}

void hal_user_set_kernel_stack(uintptr_t kstack_top)
{
	hal_cpu_local()->arch[CPU_ARCH_KERNEL_STACK] = kstack_top;
}

void hal_trap_set_pc(struct hal_trap_frame *frame, uintptr_t pc)
{
	frame->elr = pc;
}

/*
 * SVC #0: number in x8, arguments in x0-x5, status and value back in x0
 * and x1 (include/hal/user.h). ELR_EL1 already points past the SVC. The
 * syscall runs with interrupts enabled; aarch64_user_exit masks them
 * again before kernel_user_return().
 */
static void user_syscall(struct hal_trap_frame *f)
{
	struct syscall_args args = {
		.nr = f->x[8],
		.arg = { f->x[0], f->x[1], f->x[2], f->x[3], f->x[4], f->x[5] },
	};

	hal_irq_enable();
	struct syscall_result r = kernel_syscall(&args);

	f->x[0] = r.status;
	f->x[1] = r.value;
	f->x[3] = args.arg[3];
	f->x[4] = args.arg[4];
	f->x[5] = args.arg[5];
}

/* vectors.S, for every exception from EL0: which handler gets the frame. */
void aarch64_user_exception(struct hal_trap_frame *f);

void aarch64_user_exception(struct hal_trap_frame *f)
{
	if (f->vector == VECTOR_EL0_IRQ)
		aarch64_irq(f);
	else if (f->vector == VECTOR_EL0_SYNC && ESR_EC(f->esr) == EC_SVC &&
		 (ESR_ISS(f->esr) & 0xffff) == 0)
		user_syscall(f);
	else
		aarch64_trap_report(f);
}
