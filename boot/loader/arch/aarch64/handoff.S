/*
 * boot/loader/arch/aarch64/handoff.S - the last instructions of the loader.
 *
 * aarch64_handoff(entry x0, stack_top x1, mair x2, tcr x3, ttbr1 x4,
 *                 empty_ttbr0 x5, hhdm x6, sctlr x7)
 *
 * On entry: EL1, boot services have exited, the MMU and caches are on and
 * this code runs from the firmware's identity map (TTBR0_EL1) with the
 * firmware's MAIR_EL1. x2 keeps the firmware's MAIR slot for this code's
 * pages unchanged (paging.c checked it), x3 keeps the firmware's lower-half
 * TCR fields, and x4 is the root of the kernel's tables, which also map
 * this code at its HHDM alias (physical + x6) as executable.
 *
 * On exit (Limine protocol, aarch64, fact sheet 6.3): EL1t, that is EL1
 * using SP_EL0 with SP = stack_top; DAIF all masked; MAIR, TCR, TTBR1 and
 * SCTLR as passed; TTBR0 pointing at an empty table so nothing of the
 * firmware's identity map stays reachable; no stale TLB entries; x0-x30
 * zero; PC = entry.
 */
	.text
	.globl	aarch64_handoff, aarch64_handoff_end
	.type	aarch64_handoff, %function
	.balign	4
aarch64_handoff:
	msr	daifset, #0xf		/* no exception may reach the firmware's vectors now */
	/*
	 * The tables were written through the data cache. Walks of the TTBR1
	 * half are write-back cacheable (TCR.IRGN1/ORGN1), so they see those
	 * lines; the barrier only makes sure every store has completed.
	 */
	dsb	ish
	msr	mair_el1, x2
	/*
	 * Enabling TTBR1 walks (EPD1 = 0) one instruction before TTBR1 holds
	 * our root could let a speculative walk cache a stale translation; the
	 * TLB invalidation below throws any such entry away.
	 */
	msr	tcr_el1, x3
	msr	ttbr1_el1, x4
	/* WXN can be cached in TLB entries, so SCTLR is written before the flush. */
	msr	sctlr_el1, x7
	isb
	tlbi	vmalle1
	dsb	ish
	isb

	/* Continue at this code's HHDM alias: the identity map goes next. */
	adr	x8, 1f
	add	x8, x8, x6
	br	x8
1:
	/*
	 * An empty lower half, as the protocol's base revisions 1 and 2 leave
	 * it on x86_64. Keeping the firmware's identity map would let the CPU
	 * speculate through descriptors whose MAIR slots 0 and 1 now mean
	 * something else: edk2's slot 0 marks MMIO as device memory, and slot
	 * 0 is now write-back, which permits speculative reads of MMIO.
	 * The T0 fields of TCR stay valid for the empty table.
	 */
	msr	ttbr0_el1, x5
	isb
	tlbi	vmalle1
	dsb	ish
	isb

	/*
	 * Enter the kernel by an exception return: SPSR selects EL1t (M = 0b0100,
	 * so the kernel's SP is SP_EL0) with D, A, I and F masked (0x3c0), and the
	 * entry address travels in ELR_EL1, so every general register can be
	 * zero at the jump.
	 */
	msr	sp_el0, x1
	msr	elr_el1, x0
	mov	x8, #0x3c4
	msr	spsr_el1, x8
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, xzr
	.endr
	eret
aarch64_handoff_end:
	.size	aarch64_handoff, . - aarch64_handoff
