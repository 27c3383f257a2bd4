/*
 * platforms/pc_riscv64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, riscv64): S-mode, paging on (satp) with the
 * kernel mapped at its link address, sstatus.SIE clear, sp a valid 16-byte
 * aligned stack provided by the loader, a0 unspecified, s0/ra undefined.
 *
 * We clear the frame pointer (s0) and ra so a backtrace stops here, then
 * enter C. The kernel is built with -mno-relax and never relies on gp.
 * kernel_main never returns; if it did, the hart halts.
 */
	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	mv	s0, zero		/* end of the frame-pointer chain */
	mv	ra, zero
	call	kernel_main
	tail	hal_cpu_halt
	.size	_start, . - _start
