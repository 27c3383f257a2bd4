/*
 * platforms/pc_x86_64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, x86_64): 64-bit long mode, paging on with the
 * kernel mapped at its link address, interrupts disabled (IF = 0), %rsp a
 * valid 16-byte aligned stack provided by the loader, %rbp undefined.
 *
 * We clear %rbp so a frame-pointer backtrace stops here, then enter C.
 * kernel_main never returns; if it did, the CPU halts.
 */
	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	andq	$-16, %rsp		/* SysV: aligned before the call */
	call	kernel_main
	jmp	hal_cpu_halt
	.size	_start, . - _start
