/*
 * platforms/pc_x86_64/vectors.S - the 256 IDT entry stubs and the common trap path.
 *
 * On entry to a stub (the CPU took vector N in ring 0): the stack holds, from
 * the top, RIP, CS, RFLAGS, RSP, SS, and for vectors 8, 10-14, 17, 21, 29
 * and 30 an error code below RIP. Interrupts are off (interrupt gates).
 * Each stub pushes a zero error code where the CPU pushed none, then N, so
 * every trap reaches trap_common with the same layout.
 *
 * The same path serves exceptions (vectors 0-31) and interrupts (32-255,
 * which x86_trap hands to x86_irq). Every gate is an interrupt gate on the
 * current stack, except #DF, NMI and #MC, which the IDT sends to their own
 * IST stacks (gdt.c); so an interrupt's frame sits on the interrupted
 * thread's kernel stack, and when the handler switches threads, this
 * frame waits there until the thread is switched back in and returns
 * through it.
 *
 * trap_common pushes the general-purpose registers to complete a
 * struct hal_trap_frame (platforms/pc_x86_64/trap.c), calls x86_trap(frame)
 * with the direction flag clear and the stack 16-byte aligned (the CPU
 * aligns RSP before pushing its frame, and 22 quadwords keep it so), then
 * restores every register from the frame (the kernel may have changed
 * RIP) and returns with iretq.
 */
	.text
	.balign	16
	.globl	x86_trap_stubs
x86_trap_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.set	has_error, (vec == 8) | (vec == 17) | (vec == 21) | (vec == 29) | (vec == 30)
	.set	has_error, has_error | ((vec >= 10) & (vec <= 14))
	.if	has_error == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	x86_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
