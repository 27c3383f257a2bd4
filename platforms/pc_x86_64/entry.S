/*
 * platforms/pc_x86_64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, x86_64): 64-bit long mode, paging on with the
 * kernel mapped at its link address, interrupts disabled (IF = 0), %rsp a
 * valid 16-byte aligned stack provided by the loader, %rbp undefined.
 *
 * On the call to kernel_main: %rsp at the top of kernel_boot_stack (in the
 * kernel's .bss, 16-byte aligned as the SysV ABI wants before a call),
 * %rbp = 0, and the GS base at x86_no_cpu, a zero word: hal_cpu_local()
 * reads %gs:0, so it answers NULL until hal_cpu_init() points GS at the
 * CPU's struct cpu. (A GS base of 0 would make that read fault instead.) The loader's stack is BOOTLOADER_RECLAIMABLE memory that the
 * PMM hands out once paging is set up, so nothing may run on it; it is
 * abandoned here for good.
 *
 * We clear %rbp so a frame-pointer backtrace stops here, then enter C.
 * kernel_main never returns; if it did, the CPU halts.
 */
#include "x86.h"

#include <kernel/main.h>

	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	leaq	kernel_boot_stack + KERNEL_BOOT_STACK_SIZE(%rip), %rsp
	movl	$MSR_GS_BASE, %ecx
	leaq	x86_no_cpu(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	call	kernel_main
	jmp	hal_cpu_halt
	.size	_start, . - _start

	/* What %gs:0 reads on a CPU without per-CPU data yet: NULL. */
	.section .rodata
	.balign	8
	.globl	x86_no_cpu
x86_no_cpu:
	.quad	0
