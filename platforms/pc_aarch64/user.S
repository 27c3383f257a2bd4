/*
 * platforms/pc_aarch64/user.S - the first entry to EL0, and the user copy.
 *
 * The frame layout (FRAME_*) is struct hal_trap_frame's, as in vectors.S;
 * trap.c checks the offsets.
 */
#define FRAME_SIZE	304
#define FRAME_SP	248
#define FRAME_ELR	256

/*
 * The PSTATE a thread starts EL0 with: EL0t (M = 0), flags clear, IRQs
 * and SErrors unmasked, FIQ masked as it is in the kernel (every interrupt
 * is configured to arrive as IRQ).
 */
#define SPSR_EL0_START	0x40

/*
 * hal_user_enter(kstack_top x0, ctx x1), never returns
 *
 * On entry: EL1t on the calling thread's kernel stack, the one whose top
 * is kstack_top; ctx may point into that stack, so pc, sp and arg are read
 * before anything is written there. Interrupts in any state.
 *
 * Builds at kstack_top a user frame with every register 0 but x0 = arg,
 * SP_EL0 = sp, ELR = pc, SPSR = SPSR_EL0_START, TPIDR_EL0 = 0, moves sp
 * to it (everything above it is abandoned) and leaves through
 * aarch64_user_exit (vectors.S): interrupts masked, kernel_user_return(),
 * eret into EL0.
 */
	.text
	.globl	hal_user_enter
	.type	hal_user_enter, %function
	.balign	4
hal_user_enter:
	msr	daifset, #2
	ldp	x9, x10, [x1]		/* pc, sp */
	ldr	x11, [x1, #16]		/* arg */
	sub	x12, x0, #FRAME_SIZE
	mov	sp, x12
	.rept	FRAME_SIZE / 16
	stp	xzr, xzr, [x12], #16
	.endr
	str	x11, [sp, #0]
	str	x10, [sp, #FRAME_SP]
	mov	x12, #SPSR_EL0_START
	stp	x9, x12, [sp, #FRAME_ELR]
	mov	x29, xzr
	b	aarch64_user_exit
	.size	hal_user_enter, . - hal_user_enter

/*
 * hal_user_copy(dst x0, src x1, n x2) -> 0, or -1 after a fault
 *
 * A leaf that uses x0-x4 only and no stack. The user side is whichever
 * pointer lies in the lower half (bit 63 clear; the caller validated it),
 * and it is reached only with LDTR/STTR: unprivileged accesses, checked
 * against EL0's permissions, so the copy can neither read or write kernel
 * memory on the user side nor write a page the user may only read; PAN
 * does not apply to them and stays set. The kernel side uses ordinary
 * loads and stores.
 *
 * Words when both pointers have the same alignment modulo 8, after bytes
 * up to the first aligned address; bytes otherwise and for the tail. An
 * aligned word never crosses a page, so each access either completes or
 * faults whole, and everything before a faulting access was copied.
 *
 * A fault on either side goes to kernel_trap() (pc inside the copy,
 * user = false); when the kernel cannot resolve it, it resumes at
 * hal_user_copy_fault, which returns -1.
 */
.macro	copy load_word, store_word, load_byte, store_byte
	eor	x3, x0, x1
	tst	x3, #7
	b.ne	3f			/* never both aligned */
1:	tst	x1, #7			/* bytes up to an aligned address */
	b.eq	2f
	cbz	x2, 4f
	\load_byte	w3, [x1]
	\store_byte	w3, [x0]
	add	x0, x0, #1
	add	x1, x1, #1
	sub	x2, x2, #1
	b	1b
2:	cmp	x2, #8			/* aligned words */
	b.lo	3f
	\load_word	x3, [x1]
	\store_word	x3, [x0]
	add	x0, x0, #8
	add	x1, x1, #8
	sub	x2, x2, #8
	b	2b
3:	cbz	x2, 4f			/* bytes */
	\load_byte	w3, [x1]
	\store_byte	w3, [x0]
	add	x0, x0, #1
	add	x1, x1, #1
	sub	x2, x2, #1
	b	3b
4:	mov	w0, #0
	ret
.endm

	.globl	hal_user_copy
	.globl	hal_user_copy_begin
	.globl	hal_user_copy_end
	.globl	hal_user_copy_fault
	.type	hal_user_copy, %function
	.balign	4
hal_user_copy:
hal_user_copy_begin:
	tbz	x0, #63, 5f
	copy	ldtr, str, ldtrb, strb	/* kernel dst: from user */
5:	copy	ldr, sttr, ldrb, sttrb	/* user dst: to user */
hal_user_copy_fault:
	mov	w0, #-1
	ret
hal_user_copy_end:
	.size	hal_user_copy, . - hal_user_copy
