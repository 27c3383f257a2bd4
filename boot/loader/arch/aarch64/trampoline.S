/*
 * boot/loader/arch/aarch64/trampoline.S - where a CPU started by PSCI CPU_ON begins.
 *
 * mp.c copies the code between aarch64_mp_trampoline and
 * aarch64_mp_trampoline_end to the start of a page of its own and maps
 * that page at its physical address in a transitional TTBR0 table, so the
 * code must be position-independent and fit in one page.
 *
 * On entry (PSCI CPU_ON): the entry exception level, which should be EL1;
 * MMU and caches off, so data accesses are Device memory (aligned only);
 * x0 = the context ID, the physical address of this CPU's block
 * (trampoline.h); every other register UNKNOWN.
 *
 * On exit, once the kernel stores an entry point into goto_address (Limine
 * protocol, fact sheet 6.3 and 8): the boot CPU's entry state (EL1t with
 * SP_EL0 = info->reserved, DAIF masked, MAIR, TCR, TTBR1, SCTLR and an
 * empty TTBR0 as the hand-off sets them), x0 = the info's HHDM address,
 * x1-x30 zero, PC = goto_address.
 *
 * Until then the CPU parks in the kernel's address space at this code's
 * HHDM alias, waiting for goto_address with wfe. The exclusive load arms
 * the CPU's monitor, and the kernel's store to that line clears it, which
 * is an event: wfe needs no sev from the kernel.
 *
 * A CPU the loader has given up on (TRAMP_STATUS_ABORTED) or that started
 * at the wrong exception level turns itself off with PSCI CPU_OFF: its
 * code and stack are reclaimable memory the kernel will reuse.
 */
#include "trampoline.h"

	.text
	.globl	aarch64_mp_trampoline, aarch64_mp_trampoline_end
	.type	aarch64_mp_trampoline, %function
	.balign	4
aarch64_mp_trampoline:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	wrong_el
	/* The loader may have given up waiting for this CPU already. */
	ldr	x1, [x0, #TRAMP_STATUS]
	cbnz	x1, power_off

	/*
	 * The entry state's registers, with a lower half that maps this page
	 * at its physical address: the instruction after the SCTLR write is
	 * fetched through the MMU at the address the PC already holds.
	 */
	ldr	x1, [x0, #TRAMP_MAIR]
	msr	mair_el1, x1
	ldr	x1, [x0, #TRAMP_TCR_IDENT]
	msr	tcr_el1, x1
	ldr	x1, [x0, #TRAMP_TTBR1]
	msr	ttbr1_el1, x1
	ldr	x1, [x0, #TRAMP_TTBR0_IDENT]
	msr	ttbr0_el1, x1
	ldr	x1, [x0, #TRAMP_CPACR]
	msr	cpacr_el1, x1
	isb
	/*
	 * Nothing vouches for what the TLB and the instruction cache of a
	 * freshly powered CPU hold: drop both before turning them on.
	 */
	tlbi	vmalle1
	ic	iallu
	dsb	nsh
	isb
	/* Only this page is mapped at its own address: read the HHDM offset first. */
	ldr	x1, [x0, #TRAMP_HHDM]
	ldr	x2, [x0, #TRAMP_SCTLR]
	msr	sctlr_el1, x2
	isb

	/* Continue at the HHDM alias, and reach the block there from now on. */
	adr	x2, 1f
	add	x2, x2, x1
	add	x0, x0, x1
	br	x2
1:
	/*
	 * The empty lower half of the entry state. TTBR0 changes first: an
	 * all-invalid table reads the same under any TCR, so no walk can
	 * misread the identity tables under the final TCR's T0 fields.
	 */
	ldr	x2, [x0, #TRAMP_TTBR0]
	msr	ttbr0_el1, x2
	isb
	ldr	x2, [x0, #TRAMP_TCR]
	msr	tcr_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb

	/* EL1t on the stack the loader gave this CPU (info->reserved). */
	ldr	x2, [x0, #TRAMP_INFO]
	ldr	x3, [x2, #16]
	msr	spsel, #0
	mov	sp, x3

	/* Check in: PENDING -> PARKED, unless the loader claimed ABORTED first. */
	add	x4, x0, #TRAMP_STATUS
2:	ldaxr	x5, [x4]
	cbnz	x5, power_off
	mov	x5, #TRAMP_STATUS_PARKED
	stlxr	w6, x5, [x4]
	cbnz	w6, 2b

	/* Park: wait for goto_address (info + 24), acquiring what the kernel wrote before it. */
	add	x4, x2, #24
3:	ldaxr	x3, [x4]
	cbnz	x3, 4f
	wfe
	b	3b
4:	clrex
	/*
	 * Enter as the boot CPU entered: by an exception return to EL1t with
	 * DAIF masked (SPSR 0x3c4), so the target travels in ELR_EL1 and every
	 * general register but x0 can be zero.
	 */
	msr	elr_el1, x3
	mov	x3, #0x3c4
	msr	spsr_el1, x3
	mov	x0, x2
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, xzr
	.endr
	eret

	/*
	 * Started above EL1 (the firmware runs at EL2): the loader enters the
	 * boot CPU only at EL1, so this one stays out. Say so with the MMU
	 * off (a plain store; the loader cleans and invalidates before it
	 * reads), then leave by SMC: an HVC would trap to this very EL's
	 * vectors, which nobody set up.
	 */
wrong_el:
	mov	x1, #TRAMP_STATUS_WRONG_EL
	str	x1, [x0, #TRAMP_STATUS]
	dsb	sy
	ldr	x1, [x0, #TRAMP_CONDUIT]
	cmp	x1, #TRAMP_CONDUIT_SMC
	b.ne	6f
	b	5f

	/* Leave for good (x0 = the block, at either address): PSCI CPU_OFF. */
power_off:
	ldr	x1, [x0, #TRAMP_CONDUIT]
	cmp	x1, #TRAMP_CONDUIT_HVC
	b.eq	7f
	cmp	x1, #TRAMP_CONDUIT_SMC
	b.ne	6f
5:	movz	x0, #(PSCI_CPU_OFF & 0xffff)
	movk	x0, #(PSCI_CPU_OFF >> 16), lsl #16
	smc	#0
	b	6f
7:	movz	x0, #(PSCI_CPU_OFF & 0xffff)
	movk	x0, #(PSCI_CPU_OFF >> 16), lsl #16
	hvc	#0
	/* CPU_OFF does not return when it works; if it did, wait here with everything masked. */
6:	wfi
	b	6b
aarch64_mp_trampoline_end:
	.size	aarch64_mp_trampoline, . - aarch64_mp_trampoline
