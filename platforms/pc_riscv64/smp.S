/*
 * platforms/pc_riscv64/smp.S - a secondary hart's way into the kernel.
 *
 * hal_cpu_entry is the address the kernel stores into a parked hart's
 * goto_address (include/hal/cpu.h).
 *
 * On entry (Limine protocol, riscv64 MP): S-mode, satp = the loader's
 * tables for the kernel (image and direct map, in reclaimable memory),
 * sstatus.SIE = 0, sie = 0, stvec = 0; a0 = the hart's struct
 * limine_mp_info (direct-map address), t0 = hal_cpu_entry, sp = the
 * loader's stack for the hart (reclaimable memory), every other register 0.
 *
 * The loader's tables and stack are about to be reclaimed, and the stack
 * the kernel prepared may lie where only the kernel's tables map it (the
 * kernel VMM window). So before touching any stack this code moves to the
 * kernel's tables (the satp hal_paging_init() built), points stvec at the
 * kernel's trap entry (a fault from here on is a readable panic, not a
 * jump to 0) and clears tp (no struct cpu until hal_cpu_init()).
 *
 * On the call to kernel_cpu_main(start->arg): sp = start->stack_top,
 * s0 = ra = 0 so a backtrace stops here, tp = 0, sscratch = 0.
 */
#define INFO_EXTRA_ARGUMENT	32	/* struct limine_mp_info, riscv64 */
#define START_STACK_TOP		0	/* struct hal_cpu_start */
#define START_ARG		8

	.text
	.globl	hal_cpu_entry
	.type	hal_cpu_entry, @function
	.balign	4
hal_cpu_entry:
	ld	t1, INFO_EXTRA_ARGUMENT(a0)
	lla	t2, riscv_kernel_satp
	ld	t2, 0(t2)
	sfence.vma
	csrw	satp, t2
	sfence.vma			/* nothing cached from the loader's tables may remain */
	lla	t2, riscv_trap_entry
	csrw	stvec, t2
	csrw	sscratch, zero
	mv	tp, zero
	ld	sp, START_STACK_TOP(t1)
	ld	a0, START_ARG(t1)
	mv	s0, zero
	mv	ra, zero
	call	kernel_cpu_main
	tail	hal_cpu_halt
	.size	hal_cpu_entry, . - hal_cpu_entry
