/*
 * platforms/pc_aarch64/entry.S - first instructions of the kernel.
 *
 * On entry (Limine protocol, aarch64): EL1t (the kernel runs on SP_EL0), MMU
 * on with the kernel mapped at its link address (TTBR1) and the direct map
 * in place, interrupts masked (DAIF set), SP a valid 16-byte aligned stack in
 * the loader's memory, x29/x30 undefined.
 *
 * On exit (into kernel_main, which never returns): SP = the top of
 * kernel_boot_stack (kernel/main.c), 16-byte aligned; x29 = x30 = 0;
 * TPIDR_EL1 = 0, so hal_cpu_local() is NULL until hal_cpu_init().
 *
 * The loader's stack is BOOTLOADER_RECLAIMABLE memory, which the PMM hands
 * out again once the kernel has its own page tables, so we leave it before
 * anything is pushed onto it. The frame pointer and link register are
 * cleared so a backtrace stops here. If kernel_main returned, the CPU halts.
 */
#include <kernel/main.h>

	.section .text.entry, "ax", %progbits
	.globl	_start
	.type	_start, %function
_start:
	msr	tpidr_el1, xzr		/* the firmware may have left anything there */
	adrp	x0, kernel_boot_stack + KERNEL_BOOT_STACK_SIZE
	add	x0, x0, :lo12:kernel_boot_stack + KERNEL_BOOT_STACK_SIZE
	mov	sp, x0			/* SPSel = 0, so this is SP_EL0 */
	mov	x29, xzr		/* end of the frame-pointer chain */
	mov	x30, xzr
	bl	kernel_main
	b	hal_cpu_halt
	.size	_start, . - _start
