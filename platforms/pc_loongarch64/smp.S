/*
 * platforms/pc_loongarch64/smp.S - a secondary CPU's way into the kernel.
 *
 * hal_cpu_entry: the address the kernel stores into the boot protocol's
 * goto_address (kernel/boot/boot_info.c, boot_cpu_start).
 *
 *   On entry (Limine protocol, loongarch64, as our loader's trampoline
 *   leaves it): PLV0, CRMD = 0xB0 (paging on, interrupts off), the
 *   loader's page tables in PGDL/PGDH and its TLB refill handler, DMW0 =
 *   0x11 (the low window), EENTRY = 0; $a0 = the CPU's limine_mp_info (a
 *   direct-map address), $sp = the loader's stack for this CPU, every
 *   other general register 0 but $t0 (this address).
 *   What it does, in this order:
 *    1. takes info->extra_argument, the kernel's struct hal_cpu_start;
 *    2. moves to the kernel's translation, what hal_paging_init() set up
 *       on the boot CPU (la_kernel_paging): PGDH, PGDL, the kernel's own
 *       refill handler, no low window, an empty TLB. This must come before
 *       anything touches the hal_cpu_start or its stack, which may lie in
 *       the kernel VMM window the loader's tables do not map; and the
 *       loader's tables and handler are reclaimable memory the kernel will
 *       reuse;
 *    3. points EENTRY at the kernel's vectors (VS = 0, every local
 *       interrupt line off, no exception stack yet: hal_cpu_init() does
 *       the rest) and clears the per-CPU register $r21 and SAVE1, so
 *       hal_cpu_local() is NULL until hal_cpu_init();
 *    4. loads $sp = start->stack_top, clears $fp and $ra so a backtrace
 *       ends here, and calls kernel_cpu_main(start->arg).
 *   On exit: none. kernel_cpu_main never returns; if it did, the CPU halts.
 */
#include "loongarch.h"

#define INFO_EXTRA_ARGUMENT	32	/* struct limine_mp_info (loongarch64) */
#define START_STACK_TOP		0	/* struct hal_cpu_start */
#define START_ARG		8
#define PAGING_PGDL		0	/* struct la_paging_csrs */
#define PAGING_PGDH		8
#define PAGING_TLBRENTRY	16

	.text
	.globl	hal_cpu_entry
	.type	hal_cpu_entry, @function
	.balign	4
hal_cpu_entry:
	ld.d	$s0, $a0, INFO_EXTRA_ARGUMENT

	la.pcrel $t0, la_kernel_paging	/* the image is mapped the same in both */
	ld.d	$t1, $t0, PAGING_TLBRENTRY
	csrwr	$t1, CSR_TLBRENTRY
	ld.d	$t1, $t0, PAGING_PGDH
	csrwr	$t1, CSR_PGDH
	ld.d	$t1, $t0, PAGING_PGDL
	csrwr	$t1, CSR_PGDL
	li.d	$t1, PWCL_4LEVEL
	csrwr	$t1, CSR_PWCL
	li.d	$t1, PWCH_4LEVEL
	csrwr	$t1, CSR_PWCH
	li.d	$t1, STLBPS_4K
	csrwr	$t1, CSR_STLBPS
	csrwr	$zero, CSR_DMW0		/* this code runs in the image, not in the window */
	dbar	0
	invtlb	0x0, $zero, $zero

	csrwr	$zero, CSR_ECFG
	csrwr	$zero, CSR_SAVE2
	la.pcrel $t0, la_trap_entry
	csrwr	$t0, CSR_EENTRY
	move	$r21, $zero
	csrwr	$zero, CSR_SAVE1

	ld.d	$sp, $s0, START_STACK_TOP
	ld.d	$a0, $s0, START_ARG
	move	$s0, $zero
	move	$fp, $zero		/* end of the frame-pointer chain */
	move	$ra, $zero
	bl	kernel_cpu_main
	b	hal_cpu_halt
	.size	hal_cpu_entry, . - hal_cpu_entry
