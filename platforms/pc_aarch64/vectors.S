/*
 * platforms/pc_aarch64/vectors.S - the VBAR_EL1 exception table and the common trap paths.
 *
 * On entry to a vector (the CPU took an exception to EL1): PSTATE.SP = 1, so
 * SP is SP_EL1, which hal_trap_init()/hal_cpu_init() pointed at the CPU's
 * own exception stack; D, A, I and F are masked, and PAN is set where the
 * CPU has it (SCTLR_EL1.SPAN = 0, user.c); ELR_EL1 holds the PC to return
 * to (for synchronous exceptions the trapping instruction itself, except
 * for SVC: the one after it), SPSR_EL1 the trapped PSTATE, ESR_EL1 the
 * cause and FAR_EL1 the faulting address where the cause has one. Every
 * general-purpose register still holds the trapped context's value, and so
 * does SP_EL0.
 *
 * Stacks. Threads run in EL1t, on their own kernel stack in SP_EL0, as
 * the Limine hand-off left the boot CPU. Three kinds of entry use two stacks:
 *
 *  - Synchronous exceptions from EL1 (and SError, and anything unexpected)
 *    are taken on the exception stack (SP_EL1): the trap code never writes
 *    below the trapped SP, so a kernel stack that overflowed into its
 *    guard page still gets its fault saved and reported. These handlers
 *    never switch threads and keep interrupts masked, so the exception
 *    stack is empty whenever the CPU runs anything else.
 *
 *  - An IRQ from EL1t moves back to SP_EL0 at once (msr spsel, which
 *    changes no general register) and saves its frame on the interrupted
 *    thread's stack: kernel_irq() may switch to another thread, whose own
 *    interrupt frame is on its own stack, and this one resumes when the
 *    thread is switched back in, on whichever CPU that happens. Nothing
 *    per-CPU is kept across the call. TPIDR_EL1 (the per-CPU pointer) is
 *    never saved or restored here, so it always names the CPU we are on.
 *
 *  - Every exception from EL0 (SVC, fault, interrupt) saves the user
 *    context in a frame at the top of the running thread's kernel stack,
 *    whose address hal_user_set_kernel_stack() left in the CPU's
 *    CPU_ARCH_KERNEL_STACK word, points SP_EL0 at that frame and goes on
 *    in EL1t like the kernel's own code, so the handler may enable
 *    interrupts, switch threads or end the thread. SP_EL1 only holds two
 *    words of scratch while SP_EL0 is still the user's stack pointer.
 *
 * Each EL1 synchronous vector reserves a struct hal_trap_frame
 * (platforms/pc_aarch64/trap.c) on SP_EL1, stores x0 and x1 there, and
 * passes to aarch64_trap_common:
 *	x0 = the trapped context's SP: SP_EL0 for the EL1t group, or the value
 *	     SP_EL1 had before the frame for the EL1h group (a trap taken
 *	     while already on the exception stack, such as a fault inside the
 *	     trap handler);
 *	x1 = the vector index, 0-15, in table order.
 *
 * aarch64_trap_common saves the rest, calls aarch64_trap(frame) with the
 * stack 16-byte aligned, restores every register from the frame (the kernel
 * may have changed ELR_EL1) and returns with eret. aarch64_irq_common is
 * the same on SP_EL0 around aarch64_irq(frame) (irq.c), aarch64_user_entry
 * the same on the kernel stack around aarch64_user_exception(frame)
 * (user.c); it leaves through aarch64_user_exit, as hal_user_enter() does.
 *
 * On exit: every general-purpose register, SP_EL0 (when the trapped context
 * ran on it), ELR_EL1 and SPSR_EL1 as the frame holds them, and TPIDR_EL0
 * too on the way to EL0; SP_EL1 back where it was at entry.
 */
#include <core/cpu.h>

#include "platform.h"

/* struct hal_trap_frame, in bytes; trap.c asserts the same numbers. */
#define FRAME_SIZE	304
#define FRAME_SP	248	/* x0-x30 come first, 8 bytes each */
#define FRAME_ELR	256
#define FRAME_SPSR	264
#define FRAME_ESR	272
#define FRAME_FAR	280
#define FRAME_VECTOR	288
#define FRAME_TPIDR	296	/* TPIDR_EL0: frames of EL0 only */

/* The running user thread's kernel stack top, in the CPU's struct cpu. */
#define CPU_KERNEL_STACK (CPU_ARCH_OFFSET + 8 * CPU_ARCH_KERNEL_STACK)

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

/*
 * One vector slot for an exception from EL0. The frame goes at the top of
 * the thread's kernel stack. The user's x0 and x1 wait on SP_EL1 while
 * those two registers find the frame and move the user's SP_EL0 into it;
 * then SP_EL0 becomes the frame's address and msr spsel puts the CPU in
 * EL1t on it. No user register is ever used as an address. On to
 * aarch64_user_entry with the user's x0, x1 and SP in the frame and
 * x1 = the vector index.
 */
.macro	user_vector_entry index
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_KERNEL_STACK]
	sub	x0, x0, #FRAME_SIZE
	mrs	x1, sp_el0
	str	x1, [x0, #FRAME_SP]
	msr	sp_el0, x0
	ldp	x0, x1, [sp], #16
	msr	spsel, #0
	stp	x0, x1, [sp, #0]
	mov	x1, #\index
	b	aarch64_user_entry
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
	/* Lower EL, AArch64: user space. */
	user_vector_entry	8	/* synchronous: SVC, faults */
	user_vector_entry	9	/* IRQ */
	user_vector_entry	10	/* FIQ: masked in EL0 too (hal_user_enter) */
	user_vector_entry	11	/* SError */
	/*
	 * Lower EL, AArch32: never enabled (no return to EL0 sets SPSR.M[4]);
	 * user.c would report it as a user trap.
	 */
	user_vector_entry	12
	user_vector_entry	13
	user_vector_entry	14
	user_vector_entry	15

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

/*
 * Every general-purpose register from the frame at `base`. x0 and x1 come
 * last, so the base may be x0 itself.
 */
.macro	restore_registers base
	ldp	x2, x3, [\base, #16]
	ldp	x4, x5, [\base, #32]
	ldp	x6, x7, [\base, #48]
	ldp	x8, x9, [\base, #64]
	ldp	x10, x11, [\base, #80]
	ldp	x12, x13, [\base, #96]
	ldp	x14, x15, [\base, #112]
	ldp	x16, x17, [\base, #128]
	ldp	x18, x19, [\base, #144]
	ldp	x20, x21, [\base, #160]
	ldp	x22, x23, [\base, #176]
	ldp	x24, x25, [\base, #192]
	ldp	x26, x27, [\base, #208]
	ldp	x28, x29, [\base, #224]
	ldr	x30, [\base, #240]
	ldp	x0, x1, [\base, #0]
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
	 * SPSR.M[0] is the SP the trapped context used: 0 for SP_EL0 (EL1t),
	 * whose value is written back from the frame, 1 for SP_EL1, which is
	 * this stack and comes back by popping the frame below.
	 */
	tbnz	x3, #0, 1f
	ldr	x2, [sp, #FRAME_SP]
	msr	sp_el0, x2
1:
	restore_registers sp
	add	sp, sp, #FRAME_SIZE
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
	restore_registers sp
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * An exception from EL0, in EL1t on the thread's kernel stack, the frame
 * at sp holding the user's x0, x1 and SP; x1 = the vector index.
 * aarch64_user_exception() (user.c) either returns, interrupts in any
 * state, to resume the user context as the frame then holds it (a syscall
 * wrote its result there), or never returns (the thread ended).
 */
aarch64_user_entry:
	ldr	x0, [sp, #FRAME_SP]	/* the trapped SP, for save_frame */
	save_frame
	mrs	x2, tpidr_el0
	str	x2, [sp, #FRAME_TPIDR]
	/* The kernel's frame-pointer chain ends here, not in the user's x29. */
	mov	x29, xzr
	mov	x0, sp
	bl	aarch64_user_exception
	/* Fall through to the way back. */

/*
 * The one way back to EL0, for aarch64_user_entry and hal_user_enter():
 * sp = a user frame at the top of the thread's kernel stack, EL1t.
 * kernel_user_return() runs with interrupts masked (it may end the thread
 * there), and they stay masked until eret loads the user's PSTATE, so no
 * interrupt can find the registers half restored. SP_EL0 cannot be written
 * while it is the current SP, so the last steps run on SP_EL1 (this CPU's
 * empty exception stack, left as it is) with x0 addressing the frame until
 * x0 itself is restored.
 */
	.globl	aarch64_user_exit
aarch64_user_exit:
	msr	daifset, #2
	bl	kernel_user_return
	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldr	x2, [sp, #FRAME_TPIDR]
	msr	tpidr_el0, x2
	mov	x0, sp
	msr	spsel, #1
	ldr	x2, [x0, #FRAME_SP]
	msr	sp_el0, x2
	restore_registers x0
	eret
