/*
 * platforms/pc_x86_64/vectors.S - the 256 IDT entry stubs, the common trap
 * path and the one way back to user mode.
 *
 * On entry to a stub (the CPU took vector N): the stack holds, from the
 * top, RIP, CS, RFLAGS, RSP, SS, and for vectors 8, 10-14, 17, 21, 29 and
 * 30 an error code below RIP. Interrupts are off (interrupt gates). Each
 * stub pushes a zero error code where the CPU pushed none, then N, so
 * every trap reaches trap_common (or paranoid_common) with one layout.
 *
 * Stacks. A trap in kernel mode stays on the current stack; one from user
 * mode lands on TSS.RSP0, the top of the running thread's kernel stack
 * (hal_user_set_kernel_stack()); #DF, NMI and #MC always move to their IST
 * stacks (gdt.c). So an interrupt's frame sits on the interrupted thread's
 * kernel stack, and when the handler switches threads, it waits there
 * until the thread is switched back in and returns through it.
 *
 * GS. In kernel mode the GS base is the CPU's struct cpu; in user mode it
 * is the user's, with the kernel's parked in IA32_KERNEL_GS_BASE. trap_common
 * swaps them on entry and exit exactly when the trapped CS has RPL 3: a
 * trap in kernel mode already has the kernel's. That rule has holes the
 * IF-masked windows of user.S leave open (after `syscall`, before its
 * swapgs; after the exit's swapgs, before sysret or iretq): only NMI and
 * #MC can arrive there, and they, with #DF, take paranoid_common, which
 * asks the GS base MSR instead. A user GS base is never a kernel-half
 * address: user code can only load a selector (a 32-bit base) and the
 * kernel never gives it another (CR4.FSGSBASE stays off).
 *
 * trap_common pushes the general-purpose registers to complete a
 * struct hal_trap_frame (x86.h), loads a clean RFLAGS (RFLAGS_KERNEL, x86.h)
 * and calls x86_trap(frame) with the stack 16-byte aligned (the CPU aligns
 * RSP before pushing its frame, and 22 quadwords keep it so). Back in
 * kernel mode it restores every register from the frame (the kernel may
 * have changed RIP) and returns with iretq; back to user mode it goes
 * through x86_return_to_user.
 */
#include "x86.h"

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
	.if	(vec == 2) | (vec == 8) | (vec == 18)
	jmp	paranoid_common
	.else
	jmp	trap_common
	.endif
	.set	vec, vec + 1
	.endr

trap_common:
	testb	$3, 24(%rsp)		/* the trapped CS, above the vector, error and RIP */
	jz	1f
	swapgs
1:	PUSH_REGS
	pushq	$RFLAGS_KERNEL
	popfq
	movq	%rsp, %rdi
	testb	$3, FRAME_CS(%rsp)
	jnz	from_user
	call	x86_trap
	POP_REGS
	addq	$16, %rsp		/* vector and error code */
	iretq

from_user:
	/* No user RBP becomes a frame the kernel's backtrace would follow. */
	xorl	%ebp, %ebp
	call	x86_trap
	jmp	x86_return_to_user

/*
 * Every return to user mode: from a trap or interrupt above, from a
 * syscall and from hal_user_enter() (user.S).
 *
 * On entry: RSP = a frame whose CS has RPL 3 at the top of the thread's
 * kernel stack (16-byte aligned), the kernel's GS base, any RFLAGS.
 * kernel_user_return() runs with interrupts masked, and they stay masked
 * until the CPU loads the user's RFLAGS: an interrupt now would land on
 * TSS.RSP0, this very frame.
 *
 * Exit: a syscall frame leaves by sysret, which loads RIP from RCX and
 * RFLAGS from R11 (the syscall ABI gives those two up); any other leaves by
 * iretq, every register as the frame has it.
 *
 * A RIP outside the lower half is never returned to: sysret would fault
 * in ring 0 on the user's RSP (Intel), iretq in ring 0 with the user's GS
 * base loaded. It is reported instead as the general-protection fault the
 * program asked for (kernel_trap() ends it), and if kernel_trap() returns
 * the frame is checked again.
 */
	.globl	x86_return_to_user
	.type	x86_return_to_user, @function
x86_return_to_user:
	cli
	call	kernel_user_return
	/*
	 * Masked for certain from here to sysret or iretq, whatever the
	 * kernel did: an interrupt between the swapgs and the return would
	 * enter in ring 0 with the user's GS base.
	 */
	cli
	movq	FRAME_RIP(%rsp), %rax
	shrq	$47, %rax
	jnz	bad_rip
	cmpq	$X86_VECTOR_SYSCALL, FRAME_VECTOR(%rsp)
	je	1f
	POP_REGS
	addq	$16, %rsp
	swapgs
	iretq
1:	POP_REGS
	movq	FRAME_RIP - FRAME_VECTOR(%rsp), %rcx
	movq	FRAME_RFLAGS - FRAME_VECTOR(%rsp), %r11
	movq	FRAME_RSP - FRAME_VECTOR(%rsp), %rsp
	swapgs
	sysretq
bad_rip:
	movq	$13, FRAME_VECTOR(%rsp)
	movq	$0, FRAME_ERROR(%rsp)
	movq	%rsp, %rdi
	call	x86_trap
	jmp	x86_return_to_user
	.size	x86_return_to_user, . - x86_return_to_user

/*
 * #DF, NMI and #MC, on their IST stacks, whichever GS base is loaded
 * (see the top). RBX, callee-saved, remembers whether this entry swapped
 * it, so the exit swaps back exactly then. The kernel panics on all three
 * (trap.c reports them as the kernel's even from user mode), so this path
 * never ends a thread or switches away from the IST stack.
 */
paranoid_common:
	PUSH_REGS
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	xorl	%ebx, %ebx
	testl	%edx, %edx		/* bit 63 set: a kernel-half base, the kernel's */
	js	1f
	swapgs
	movl	$1, %ebx
1:	pushq	$RFLAGS_KERNEL
	popfq
	movq	%rsp, %rdi
	call	x86_trap
	testl	%ebx, %ebx
	jz	2f
	swapgs
2:	POP_REGS
	addq	$16, %rsp
	iretq
