/*
 * platforms/pc_x86_64/context.S - switching kernel stacks between threads.
 *
 * hal_context_switch(save_sp %rdi, next_sp %rsi): pushes the SysV
 * callee-saved registers (rbp, rbx, r12-r15) on the current stack, stores
 * RSP into *save_sp, loads next_sp, pops the same six registers from there
 * and returns to whatever return address that stack holds. The caller-
 * saved registers are the compiler's business at the call; RFLAGS (and
 * with it IF) is not switched: interrupts stay masked across the switch.
 *
 * A stack from hal_context_init() (cpu.c) looks like a switched-out one
 * whose return address is x86_thread_start, with r12 = entry, rbx = arg,
 * rbp = 0.
 */
	.text
	.globl	hal_context_switch
	.type	hal_context_switch, @function
hal_context_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	hal_context_switch, . - hal_context_switch

/*
 * A new thread's first instructions: RSP = the 16-byte aligned top given
 * to hal_context_init(), RBP = 0 (the frame-pointer chain ends at the
 * thread's first frame). entry(arg) must not return; if it does, ud2 makes
 * that an invalid-opcode panic that names this place.
 */
	.globl	x86_thread_start
	.type	x86_thread_start, @function
x86_thread_start:
	movq	%rbx, %rdi
	call	*%r12
	ud2
	.size	x86_thread_start, . - x86_thread_start
