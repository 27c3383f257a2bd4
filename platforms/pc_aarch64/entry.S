/*
 * platforms/pc_aarch64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, aarch64): EL1, MMU on with the kernel mapped at
 * its link address (TTBR1) and the direct map in place, interrupts masked
 * (DAIF set), SP a valid 16-byte aligned stack provided by the loader,
 * x29/x30 undefined.
 *
 * We clear the frame pointer and link register so a backtrace stops here,
 * then enter C. kernel_main never returns; if it did, the CPU halts.
 */
	.section .text.entry, "ax", %progbits
	.globl	_start
	.type	_start, %function
_start:
	mov	x29, xzr		/* end of the frame-pointer chain */
	mov	x30, xzr
	bl	kernel_main
	b	hal_cpu_halt
	.size	_start, . - _start
