/*
 * platforms/pc_aarch64/vectors.S - the VBAR_EL1 exception table and the common trap path.
 *
 * On entry to a vector (the CPU took an exception to EL1): PSTATE.SP = 1, so
 * SP is SP_EL1, which hal_trap_init()/hal_cpu_init() pointed at the CPU's
 * own exception stack; D, A, I and F are masked; ELR_EL1 holds the PC to
 * return to (for synchronous exceptions, the trapping instruction itself),
 * SPSR_EL1 the trapped PSTATE, ESR_EL1 the cause and FAR_EL1 the faulting
 * address where the cause has one. Every general-purpose register still
 * holds the trapped context's value, and so does SP_EL0.
 *
 * Stacks. Threads run in EL1t, on their own kernel stack in SP_EL0, as
 * the Limine hand-off left the boot CPU. Two kinds of entry use two stacks:
 *
 *  - Synchronous exceptions (and SError, and anything unexpected) are
 *    taken on the exception stack (SP_EL1): the trap code never writes
 *    below the trapped SP, so a kernel stack that overflowed into its
 *    guard page still gets its fault saved and reported. These handlers
 *    never switch threads and keep interrupts masked.
 *
 *  - An IRQ from EL1t moves back to SP_EL0 at once (msr spsel, which
 *    changes no general register) and saves its frame on the interrupted
 *    thread's stack: kernel_irq() may switch to another thread, whose own
 *    interrupt frame is on its own stack, and this one resumes when the
 *    thread is switched back in, on whichever CPU that happens. Nothing
 *    per-CPU is kept across the call. TPIDR_EL1 (the per-CPU pointer) is
 *    never saved or restored here, so it always names the CPU we are on.
 *
 * Each synchronous vector reserves a struct hal_trap_frame
 * (platforms/pc_aarch64/trap.c) on SP_EL1, stores x0 and x1 there, and
 * passes to aarch64_trap_common:
 *	x0 = the trapped context's SP: SP_EL0 for the EL1t and lower-EL groups,
 *	     or the value SP_EL1 had before the frame for the EL1h group (a trap
 *	     taken while already on the exception stack, such as a fault inside
 *	     the trap handler);
 *	x1 = the vector index, 0-15, in table order.
 *
 * aarch64_trap_common saves the rest, calls aarch64_trap(frame) with the
 * stack 16-byte aligned, restores every register from the frame (the kernel
 * may have changed ELR_EL1) and returns with eret. aarch64_irq_common is
 * the same on SP_EL0 around aarch64_irq(frame) (irq.c).
 *
 * On exit: every general-purpose register, SP_EL0 (when the trapped context
 * ran on it), ELR_EL1 and SPSR_EL1 as the frame holds them; SP_EL1 back
 * where it was at entry.
 */

/* struct hal_trap_frame, in bytes; trap.c asserts the same numbers. */
#define FRAME_SIZE	304
#define FRAME_SP	248	/* x0-x30 come first, 8 bytes each */
#define FRAME_ELR	256
#define FRAME_SPSR	264
#define FRAME_ESR	272
#define FRAME_FAR	280
#define FRAME_VECTOR	288	/* then 8 bytes of padding to keep 16-byte alignment */

/*
 * One vector slot. from_spx: the trapped context was already using SP_EL1
 * (the "current EL with SP_ELx" group), so its SP is the value before our
 * subtraction; otherwise it used SP_EL0, which the CPU left untouched.
 */
.macro	vector_entry index, from_spx
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	.if	\from_spx
	add	x0, sp, #FRAME_SIZE
	.else
	mrs	x0, sp_el0
	.endif
	mov	x1, #\index
	b	aarch64_trap_common
.endm

	.text
	/* VBAR_EL1 ignores its low 11 bits: the table must be 2 KiB aligned. */
	.balign	0x800
	.globl	aarch64_vectors
aarch64_vectors:
	/* Current EL with SP_EL0: the kernel (EL1t) trapped. */
	vector_entry	0, 0		/* synchronous */
	/*
	 * IRQ: onto the interrupted thread's stack (SP_EL0). The frame's SP is
	 * the value before it; the exit path pops the frame rather than
	 * writing SP_EL0, which msr cannot name while it is the current SP.
	 */
	.balign	0x80
	msr	spsel, #0
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	add	x0, sp, #FRAME_SIZE
	mov	x1, #1
	b	aarch64_irq_common
	vector_entry	2, 0		/* FIQ */
	vector_entry	3, 0		/* SError */
	/* Current EL with SP_ELx: a trap while on the exception stack. */
	vector_entry	4, 1
	vector_entry	5, 1
	vector_entry	6, 1
	vector_entry	7, 1
	/*
	 * Lower EL, AArch64: user space, later. SP_EL0 is then the user's
	 * stack, and SP_EL1 will have to be the current thread's kernel stack
	 * rather than the shared exception stack; the frame already records
	 * the user's SP, so the save and restore code below stays the same.
	 */
	vector_entry	8, 0
	vector_entry	9, 0
	vector_entry	10, 0
	vector_entry	11, 0
	/* Lower EL, AArch32: never enabled; trap.c reports it by name and panics. */
	vector_entry	12, 0
	vector_entry	13, 0
	vector_entry	14, 0
	vector_entry	15, 0

/*
 * Save x2-x30, the trapped SP (x0), ELR, SPSR, ESR, FAR and the vector
 * (x1) into the frame at sp; x0 and x1 themselves are already there.
 */
.macro	save_frame
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	stp	x30, x0, [sp, #240]	/* x30, then the trapped SP (FRAME_SP) */
	/*
	 * The syndrome registers are saved at once: a nested exception (a
	 * fault inside the handler) overwrites all four.
	 */
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #FRAME_ESR]
	str	x1, [sp, #FRAME_VECTOR]
.endm

/* Every general-purpose register from the frame at sp, then pop it. */
.macro	restore_registers_and_pop
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME_SIZE
.endm

aarch64_trap_common:
	save_frame
	/*
	 * x29 still holds the trapped frame pointer, so the handler's own
	 * frame record links to the trapped context's chain: a backtrace taken
	 * inside the handler continues through here into the code that trapped.
	 */
	mov	x0, sp
	bl	aarch64_trap

	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	/*
	 * SPSR.M[0] is the SP the trapped context used: 0 for SP_EL0 (EL1t,
	 * EL0t), whose value is written back from the frame, 1 for SP_EL1,
	 * which is this stack and comes back by popping the frame below.
	 */
	tbnz	x3, #0, 1f
	ldr	x2, [sp, #FRAME_SP]
	msr	sp_el0, x2
1:
	restore_registers_and_pop
	eret

/*
 * An IRQ from EL1t, on the interrupted thread's stack (SP_EL0). The frame
 * is popped to return: the trapped SP is the frame's end. ELR_EL1 and
 * SPSR_EL1 come from the frame, because while kernel_irq() ran another
 * thread this CPU (or this thread on another CPU) took other exceptions.
 */
aarch64_irq_common:
	save_frame
	mov	x0, sp
	bl	aarch64_irq

	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	restore_registers_and_pop
	eret
