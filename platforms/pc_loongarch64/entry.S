/*
 * platforms/pc_loongarch64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, loongarch64): PLV0, paging on with the kernel
 * mapped at its link address, CRMD.IE clear, $sp a valid 16-byte aligned
 * stack provided by the loader, $fp/$ra undefined.
 *
 * We clear the frame pointer and $ra so a backtrace stops here, then enter
 * C. kernel_main never returns; if it did, the CPU halts.
 */
	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	move	$fp, $zero		/* end of the frame-pointer chain */
	move	$ra, $zero
	bl	kernel_main
	b	hal_cpu_halt
	.size	_start, . - _start
