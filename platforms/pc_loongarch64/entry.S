/*
 * platforms/pc_loongarch64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, loongarch64): PLV0, paging on with the kernel
 * mapped at its link address, CRMD.IE clear, $sp a valid 16-byte aligned
 * stack provided by the loader, $fp/$ra undefined.
 *
 * The loader's stack is BOOTLOADER_RECLAIMABLE memory that the kernel
 * hands to its allocator once it runs on its own page tables, so _start
 * moves $sp to the top of kernel_boot_stack (in .bss, 16-byte aligned,
 * KERNEL_BOOT_STACK_SIZE a multiple of 16) before any C runs.
 * It clears the frame pointer and $ra so a backtrace stops here, and the
 * per-CPU register $r21 and its copy in SAVE1, so hal_cpu_local() is NULL
 * until hal_cpu_init(), then enters C.
 *
 * On exit: none. kernel_main never returns; if it did, the CPU halts.
 */
#include <kernel/main.h>

#include "loongarch.h"

	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	la.pcrel $sp, kernel_boot_stack	/* the image is one piece: pc-relative reaches it */
	li.d	$t0, KERNEL_BOOT_STACK_SIZE
	add.d	$sp, $sp, $t0		/* the stack grows down from the top */
	move	$fp, $zero		/* end of the frame-pointer chain */
	move	$ra, $zero
	move	$r21, $zero		/* no per-CPU data yet */
	csrwr	$zero, CSR_SAVE1
	bl	kernel_main
	b	hal_cpu_halt
	.size	_start, . - _start
