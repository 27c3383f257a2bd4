/*
 * platforms/pc_x86_64/user.c - HAL user contract for x86_64 (S4, M5, M6, Y1):
 * the syscall MSRs, SMEP/SMAP, FP off, the kernel stack of entries from
 * ring 3, and the C half of a syscall. The assembly is in user.S (entry,
 * first entry, copy) and vectors.S (the return path).
 *
 * Rings: user code runs in ring 3 with the GDT's user segments (x86.h).
 * Every way back to ring 0 lands on the top of the running thread's
 * kernel stack: the syscall instruction (user.S moves RSP to the per-CPU
 * word X86_CPU_KERNEL_STACK and builds the frame itself), exceptions and
 * interrupts (the CPU moves RSP to TSS.RSP0 and pushes the frame).
 * hal_user_set_kernel_stack() sets both before the scheduler switches to
 * a user thread.
 *
 * Protection, where CPUID leaf 7 offers it: SMEP (CR4 bit 20) makes an
 * instruction fetch from a user page in ring 0 a page fault, SMAP (CR4 bit
 * 21) a data access, unless RFLAGS.AC is set, which only hal_user_copy
 * does (stac/clac). Without SMAP the kernel could read user memory by
 * mistake; without SMEP it could run it: the boot log says which are on.
 */
#include "x86.h"

#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/panic.h>

#define CR0_EM	 (UINT64_C(1) << 2) /* x87 instructions raise #NM, SSE/MMX ones #UD */
#define CR0_TS	 (UINT64_C(1) << 3) /* any FP/SIMD state access raises #NM */
#define CR4_SMEP (UINT64_C(1) << 20)
#define CR4_SMAP (UINT64_C(1) << 21)
#define EFER_SCE (UINT64_C(1) << 0) /* syscall/sysret enabled */

/* CPUID leaf 7, subleaf 0, EBX. */
#define CPUID7_SMEP (1u << 7)
#define CPUID7_SMAP (1u << 20)

/*
 * RFLAGS bits the syscall instruction clears (FMASK): IF (the entry runs
 * on the user stack until it moves), TF (no single-step trap in the
 * entry), DF (the ABI), AC (SMAP holds in the kernel), NT and IOPL.
 */
#define SYSCALL_FMASK                                                                          \
	((UINT64_C(1) << 8) | (UINT64_C(1) << 9) | (UINT64_C(1) << 10) | (UINT64_C(3) << 12) | \
	 (UINT64_C(1) << 14) | (UINT64_C(1) << 18))

/* Read by hal_user_copy (user.S): whether stac/clac exist. Same on every CPU. */
bool x86_smap;

extern char x86_syscall_entry[];

static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

void hal_user_init_cpu(void)
{
	struct cpu *cpu = hal_cpu_local();
	uint32_t max, a, b, c, d;
	bool smep = false, smap = false;

	cpuid(0, &max, &b, &c, &d);
	if (max >= 7) {
		cpuid(7, &a, &b, &c, &d);
		smep = b & CPUID7_SMEP;
		smap = b & CPUID7_SMAP;
	}
	/*
	 * hal_user_copy follows the boot CPU's answer on every CPU: a CPU
	 * without SMAP among CPUs with it would take stac as #UD.
	 */
	if (cpu->id == 0)
		x86_smap = smap;
	else if (smap != x86_smap)
		panic("cpu %u: SMAP %s, unlike the boot CPU", cpu->id, smap ? "present" : "absent");

	/*
	 * No FP/SIMD state is saved for anyone (kernel and user programs are
	 * built integer-only), so every such instruction faults instead of
	 * sharing registers between processes.
	 */
	__asm__ volatile("mov %0, %%cr0" ::"r"(read_cr0() | CR0_EM | CR0_TS) : "memory");
	__asm__ volatile(
		"mov %0, %%cr4" ::"r"(read_cr4() | (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0))
		: "memory");

	wrmsr(MSR_STAR, (uint64_t)(SEL_USER_DATA - 8) << 48 | (uint64_t)SEL_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)x86_syscall_entry);
	/*
	 * syscall from compatibility mode would enter here; user code has no
	 * 32-bit code segment to get there (gdt.c), so it stays unset.
	 */
	wrmsr(MSR_CSTAR, 0);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

	if (cpu->id == 0)
		log_info("x86_64: SMEP %s, SMAP %s; x87/SSE off (CR0.EM, CR0.TS)\n",
			 smep ? "on" : "off (the CPU lacks it)",
			 smap ? "on" : "off (the CPU lacks it)");
}

void hal_user_set_kernel_stack(uintptr_t kstack_top)
{
	struct cpu *cpu = hal_cpu_local();

	cpu->arch[X86_CPU_KERNEL_STACK] = kstack_top; /* the syscall entry's */
	x86_tss_set_rsp0(cpu, kstack_top);	      /* exceptions' and interrupts' */
}

/*
 * Called by x86_syscall_entry (user.S) with interrupts masked, on the
 * thread's kernel stack; returns with them masked again. The register
 * table of include/hal/user.h: number in RAX, arguments in RDI RSI RDX
 * R10 R8 R9 (R10 stands for RCX, which the instruction takes), status in
 * RAX and value in RDX.
 */
void x86_syscall(struct hal_trap_frame *f)
{
	struct syscall_args args = {
		.nr = f->rax,
		.arg = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 },
	};

	hal_irq_enable();
	struct syscall_result r = kernel_syscall(&args);

	hal_irq_disable();
	f->rax = r.status;
	f->rdx = r.value;
	f->r10 = args.arg[3];
	f->r8 = args.arg[4];
	f->r9 = args.arg[5];
}
