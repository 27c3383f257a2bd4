/*
 * platforms/pc_x86_64/user.S - the syscall entry, the first entry into user
 * mode and the user-memory copy (include/hal/user.h).
 *
 * The frame each builds at the top of the thread's kernel stack is the
 * struct hal_trap_frame of an IDT entry (x86.h), so every way back to
 * user mode is x86_return_to_user (vectors.S).
 */
#include "x86.h"

	.text

/*
 * x86_syscall_entry: IA32_LSTAR.
 *
 * On entry (the syscall instruction in ring 3): RIP here, CS/SS the
 * kernel's (from STAR), RCX = the user RIP after the syscall, R11 = the
 * user RFLAGS, RFLAGS with IF, TF, DF, AC, NT and IOPL cleared (FMASK),
 * RSP and the GS base still the user's. RAX = the number, RDI RSI RDX R10
 * R8 R9 = the arguments.
 *
 * The user RSP waits in a per-CPU word while RSP moves to the thread's
 * kernel stack (another per-CPU word, hal_user_set_kernel_stack()); until
 * then no maskable interrupt can come (IF clear), and NMI and #MC take IST
 * stacks and check the GS base themselves. Then the frame an interrupt
 * from ring 3 would have pushed, with vector X86_VECTOR_SYSCALL, so the
 * exit knows sysret may serve it, and the registers under it.
 *
 * x86_syscall (user.c) runs the call with interrupts enabled and leaves
 * status and value in the frame's RAX and RDX; x86_return_to_user then
 * calls kernel_user_return() and leaves by sysret (or iretq).
 */
	.globl	x86_syscall_entry
	.type	x86_syscall_entry, @function
x86_syscall_entry:
	swapgs
	movq	%rsp, %gs:X86_CPU_OFFSET(X86_CPU_USER_RSP)
	movq	%gs:X86_CPU_OFFSET(X86_CPU_KERNEL_STACK), %rsp
	pushq	$SEL_USER_DATA			/* ss */
	pushq	%gs:X86_CPU_OFFSET(X86_CPU_USER_RSP) /* rsp */
	pushq	%r11				/* rflags */
	pushq	$SEL_USER_CODE			/* cs */
	pushq	%rcx				/* rip */
	pushq	$0				/* error */
	pushq	$X86_VECTOR_SYSCALL		/* vector */
	PUSH_REGS
	xorl	%ebp, %ebp			/* the backtrace ends here */
	movq	%rsp, %rdi
	call	x86_syscall
	jmp	x86_return_to_user
	.size	x86_syscall_entry, . - x86_syscall_entry

/*
 * hal_user_enter(kstack_top %rdi, ctx %rsi): never returns.
 *
 * ctx may live on the very stack the frame is built on (the caller's
 * locals sit just under kstack_top), so it is read into registers before
 * RSP moves. The frame: RIP = ctx->pc, RSP = ctx->sp, RDI = ctx->arg,
 * the user segments, RFLAGS with only IF (and the always-one bit) set,
 * every other register 0; vector 0, so it leaves by iretq, which restores
 * RCX and R11 (0) too. RBP = 0 meanwhile: kernel_user_return() may end
 * the thread, and a backtrace from there ends here.
 */
	.globl	hal_user_enter
	.type	hal_user_enter, @function
hal_user_enter:
	cli
	movq	0(%rsi), %rax			/* ctx->pc */
	movq	8(%rsi), %rcx			/* ctx->sp */
	movq	16(%rsi), %rdx			/* ctx->arg */
	movq	%rdi, %rsp
	xorl	%ebp, %ebp
	pushq	$SEL_USER_DATA			/* ss */
	pushq	%rcx				/* rsp */
	pushq	$0x202				/* rflags: IF */
	pushq	$SEL_USER_CODE			/* cs */
	pushq	%rax				/* rip */
	pushq	$0				/* error */
	pushq	$0				/* vector */
	.rept	5				/* rax rbx rcx rdx rsi */
	pushq	$0
	.endr
	pushq	%rdx				/* rdi: the argument */
	.rept	9				/* rbp r8-r15 */
	pushq	$0
	.endr
	jmp	x86_return_to_user
	.size	hal_user_enter, . - hal_user_enter

/*
 * int hal_user_copy(dst %rdi, src %rsi, n %rdx): 0, or -1 after a fault
 * the kernel could not resolve (it moved the trapped RIP to
 * hal_user_copy_fault).
 *
 * User pages are reachable only between stac and clac, and only when the
 * CPU has SMAP (x86_smap, user.c; stac is undefined without it). A leaf:
 * no stack use, so the fault label has nothing to unwind. When both
 * pointers are 8-byte aligned it moves quadwords, then the remaining
 * bytes. rep movs is restartable: a fault leaves RSI, RDI and RCX at the
 * faulting element, so a resolved fault resumes it where it stopped, and
 * an unresolved one leaves the bytes before it copied. DF is clear (the
 * kernel's ABI state).
 */
	.globl	hal_user_copy
	.type	hal_user_copy, @function
	.globl	hal_user_copy_begin
	.globl	hal_user_copy_end
	.globl	hal_user_copy_fault
hal_user_copy:
hal_user_copy_begin:
	cmpb	$0, x86_smap(%rip)
	je	1f
	stac
1:	movq	%rdx, %rcx
	movl	%edi, %eax
	orl	%esi, %eax
	testb	$7, %al
	jnz	2f
	shrq	$3, %rcx
	rep movsq
	movl	%edx, %ecx
	andl	$7, %ecx
2:	rep movsb
	xorl	%eax, %eax
	jmp	3f
hal_user_copy_end:
hal_user_copy_fault:
	movl	$-1, %eax
3:	cmpb	$0, x86_smap(%rip)
	je	4f
	clac
4:	ret
	.size	hal_user_copy, . - hal_user_copy
