/*
 * platforms/pc_riscv64/context.S - switching kernel stacks (include/hal/cpu.h).
 *
 * hal_context_switch(save_sp a0, next_sp a1)
 *
 * On entry: a normal call with interrupts masked; ra is where the caller
 * resumes, s0-s11 are the callee-saved registers the psABI says survive
 * the call. The switch pushes ra and s0-s11 (a 112-byte record, keeping
 * sp 16-byte aligned), stores sp into *save_sp, loads next_sp and pops the
 * same record from there, then returns through the popped ra: into the
 * other thread's own hal_context_switch() call, or, for a new thread, into
 * riscv_thread_start with the record hal_context_init() wrote.
 *
 * Not part of the context: the caller-saved registers (the caller expects
 * them clobbered), sstatus (the interrupt state is the caller's business),
 * and tp, which names the hart, not the thread: a thread switched out on
 * one hart may resume on another and must see that hart's struct cpu.
 */
#define RECORD_SIZE	112	/* ra, s0-s11: 13 words, rounded up to 16 bytes */
#define RECORD_RA	0
#define RECORD_S(n)	(8 + (n) * 8)

	.text
	.globl	hal_context_switch
	.type	hal_context_switch, @function
	.balign	4
hal_context_switch:
	addi	sp, sp, -RECORD_SIZE
	sd	ra, RECORD_RA(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd	s\n, RECORD_S(\n)(sp)
	.endr
	sd	sp, 0(a0)
	mv	sp, a1
	ld	ra, RECORD_RA(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	ld	s\n, RECORD_S(\n)(sp)
	.endr
	addi	sp, sp, RECORD_SIZE
	ret
	.size	hal_context_switch, . - hal_context_switch

/*
 * A new thread's first instructions, reached by the ret above with the
 * record of hal_context_init(): s1 = entry, s2 = arg, s0 = 0, and sp = the
 * stack top. entry(arg) is called with ra = the instruction after the call,
 * so a backtrace shows riscv_thread_start and then stops at s0 = 0. An
 * entry that returns is a kernel bug, reported by riscv_thread_returned().
 */
	.globl	riscv_thread_start
	.type	riscv_thread_start, @function
riscv_thread_start:
	mv	a0, s2
	jalr	s1
	mv	a0, s1
	call	riscv_thread_returned
	.size	riscv_thread_start, . - riscv_thread_start
