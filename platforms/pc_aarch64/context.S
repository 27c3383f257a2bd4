/*
 * platforms/pc_aarch64/context.S - kernel thread stacks: switch and first entry.
 *
 * A switched-out thread's stack holds a 96-byte record, lowest address
 * first: x29 (frame pointer), x30 (link register), x19-x28. These are the
 * registers AAPCS64 makes a callee preserve; the rest are dead across the
 * call to hal_context_switch(). The kernel uses no FP/SIMD registers
 * (-mgeneral-regs-only), so d8-d15 need no saving. Threads run in EL1t,
 * so "sp" is SP_EL0 here. DAIF is not part of the context: interrupts are
 * masked throughout (include/hal/cpu.h). TPIDR_EL1 is not either: it
 * belongs to the CPU.
 */
#define RECORD_SIZE 96

/*
 * hal_context_switch(save_sp x0, next_sp x1)
 *
 * On entry: the calling thread's stack. On exit (after another switch names
 * *save_sp): the same callee-saved registers and stack, returning to the
 * caller. The record's first pair is a frame record (x29, x30), and x29
 * points at it, so a backtrace through a switched-out thread works.
 */
	.text
	.globl	hal_context_switch
	.type	hal_context_switch, %function
	.balign	4
hal_context_switch:
	stp	x29, x30, [sp, #-RECORD_SIZE]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x9, sp
	str	x9, [x0]

	mov	sp, x1
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #RECORD_SIZE
	ret
	.size	hal_context_switch, . - hal_context_switch

/*
 * hal_context_init(stack_top x0, entry x1, arg x2) -> the new stack pointer
 *
 * Writes a record below stack_top (16-byte aligned, so is the result)
 * whose x30 is aarch64_thread_start, x19 = entry, x20 = arg and x29 = 0:
 * the first switch "returns" into aarch64_thread_start with the frame
 * chain already ended.
 */
	.globl	hal_context_init
	.type	hal_context_init, %function
	.balign	4
hal_context_init:
	and	x0, x0, #~15
	sub	x0, x0, #RECORD_SIZE
	adr	x9, aarch64_thread_start
	stp	xzr, x9, [x0]
	stp	x1, x2, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	stp	xzr, xzr, [x0, #80]
	ret
	.size	hal_context_init, . - hal_context_init

/*
 * A new thread's first instructions: entry(arg) with x29 = 0, so the
 * entry's frame record is the last of the chain. entry must not return;
 * if it does, BRK #1 (what __builtin_trap() emits) makes it a panic.
 */
	.type	aarch64_thread_start, %function
	.balign	4
aarch64_thread_start:
	mov	x0, x20
	blr	x19
	brk	#1
	.size	aarch64_thread_start, . - aarch64_thread_start
