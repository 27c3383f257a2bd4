/*
 * boot/loader/arch/x86_64/handoff.S - the last instructions of the loader.
 *
 * x86_handoff(transitional_cr3 %rdi, cr3 %rsi, gdtr %rdx, high %rcx,
 *             entry %r8, stack_top %r9)
 *
 * On entry: boot services have exited, interrupts are off, and this code
 * runs from the firmware's identity mapping. `high` is the HHDM address of
 * x86_handoff_high; the transitional tables map both aliases of this code.
 *
 * On exit (Limine protocol, x86_64): the kernel's CR3, GDT with CS 0x28 and
 * data segments 0x30, RSP = stack_top - 8 holding a zero return address,
 * every general-purpose register zero, RFLAGS.IF = RFLAGS.DF = 0.
 */
	.text
	.globl	x86_handoff, x86_handoff_high, x86_handoff_end
	.type	x86_handoff, @function
x86_handoff:
	cli
	cld
	lgdt	(%rdx)			/* reads the GDTR from loader data: before CR3 changes;
					   its base, an HHDM address, is used only later */
	movq	%rdi, %cr3		/* identity stub + kernel half */
	jmp	*%rcx			/* to x86_handoff_high, in the HHDM */
x86_handoff_high:
	movq	%rsi, %cr3		/* the kernel's tables: no lower half any more */
	movq	%r9, %rsp		/* the kernel stack is in the HHDM */
	movl	$0x30, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	pushq	$0x28			/* reload CS through a far return */
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:
	pushq	$0			/* the kernel's return address: none */
	movq	%r8, %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	pushq	%rax			/* jump through the stack so %rax can be cleared too */
	xorl	%eax, %eax
	ret
x86_handoff_end:
	.size	x86_handoff, . - x86_handoff
