/*
 * platforms/pc_aarch64/smp.S - hal_cpu_entry: where a secondary CPU enters the kernel.
 *
 * On entry (the boot protocol's goto_address, fact sheet 6.3 and 8): EL1t,
 * DAIF masked, x0 = this CPU's struct limine_mp_info (a direct-map
 * address), SP on the loader's stack, and the loader's page tables: the
 * kernel image and the direct map, nothing else. TPIDR_EL1 and VBAR_EL1
 * hold whatever the firmware left.
 *
 * On exit (into kernel_cpu_main(start->arg), which never returns): the
 * kernel's own tables (the MAIR, TCR and roots hal_paging_init() loaded on
 * the boot CPU), SP = start->stack_top, x29 = x30 = 0 so a backtrace stops
 * here, TPIDR_EL1 = 0 until hal_cpu_init() stores the per-CPU pointer.
 *
 * The tables change first, because everything else lives where only the
 * kernel's tables reach: the stack is in the kernel VMM window. The
 * kernel image has the same address and memory type in both trees, so
 * this code runs on either; the loader's tables are reclaimable memory the
 * kernel will reuse, so nothing of them may stay cached in the TLB.
 */
	.text
	.globl	hal_cpu_entry
	.type	hal_cpu_entry, %function
	.balign	4
hal_cpu_entry:
	msr	tpidr_el1, xzr

	adrp	x1, aarch64_kernel_mmu
	add	x1, x1, :lo12:aarch64_kernel_mmu
	ldp	x2, x3, [x1]		/* MAIR_EL1, TCR_EL1 */
	ldp	x4, x5, [x1, #16]	/* TTBR1_EL1, TTBR0_EL1 */
	msr	mair_el1, x2
	msr	tcr_el1, x3
	msr	ttbr1_el1, x4
	msr	ttbr0_el1, x5
	isb
	tlbi	vmalle1
	dsb	nsh
	isb

	/* The protocol's extra_argument (info + 32): our struct hal_cpu_start. */
	ldr	x1, [x0, #32]
	ldp	x2, x0, [x1]		/* stack_top, arg */
	mov	sp, x2
	mov	x29, xzr
	mov	x30, xzr
	bl	kernel_cpu_main
	b	hal_cpu_halt
	.size	hal_cpu_entry, . - hal_cpu_entry
