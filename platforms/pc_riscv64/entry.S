/*
 * platforms/pc_riscv64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, riscv64): S-mode, paging on (satp) with the
 * kernel mapped at its link address, sstatus.SIE clear, sp a valid 16-byte
 * aligned stack provided by the loader, a0 unspecified, s0/ra undefined.
 *
 * On the call to kernel_main: sp = the top of kernel_boot_stack (in the
 * kernel's .bss, 16-byte aligned as the psABI wants), s0 = ra = 0, tp = 0,
 * t0 clobbered.
 *
 * The loader's stack lives in BOOTLOADER_RECLAIMABLE memory, which the
 * kernel hands to its allocator once it runs on its own page tables; so we
 * leave it before any C code can put a frame on it. Then we clear the frame
 * pointer (s0) and ra so a backtrace stops here, and tp, the per-CPU
 * register, so that hal_cpu_local() is NULL until hal_cpu_init() (another
 * loader may leave anything in it), and enter C. The kernel is built with
 * -mno-relax and never relies on gp. kernel_main never returns; if it did,
 * the hart halts.
 */
#include <kernel/main.h>

	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* lla is pc-relative (auipc + addi): right wherever the image runs. */
	lla	sp, kernel_boot_stack + KERNEL_BOOT_STACK_SIZE
	mv	s0, zero		/* end of the frame-pointer chain */
	mv	ra, zero
	mv	tp, zero
	call	kernel_main
	tail	hal_cpu_halt
	.size	_start, . - _start
