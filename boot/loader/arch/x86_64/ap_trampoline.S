/*
 * boot/loader/arch/x86_64/ap_trampoline.S - an application processor's way
 * from the start-up IPI to the kernel's goto_address.
 *
 * mp.c copies [ap_trampoline, ap_trampoline_end) to a page T below 1 MiB
 * and fills the data block at ap_data (offsets in x86.h). Every reference
 * inside is relative to the page, so the copy runs wherever it lands.
 *
 * On entry (after INIT and a SIPI with vector T >> 12): real mode,
 * CS = T >> 4, IP = 0, interrupts off, every other register undefined.
 *
 * Steps:
 *  1. real mode: load the protocol's GDT (physical base), CR4 (PAE...),
 *     the transitional CR3 (the kernel's upper half plus [0, 2 MiB)
 *     identity-mapped), EFER (LME, NXE), then CR0 with PE and PG: the CPU
 *     is in long mode, and a far jump through the GDT's 0x28 enters
 *     64-bit code at T's identity address;
 *  2. jump to the HHDM alias of this page, reload the GDT by its HHDM
 *     address, switch to the kernel's final CR3 (no lower half), reload the
 *     segments, set IA32_PAT as on the boot CPU;
 *     The stack (info->reserved) is taken right after the CR3 switch,
 *     before the first push;
 *  3. set `booted`: from here on nothing reads the data block, which mp.c
 *     reuses for the next CPU;
 *  4. spin on info->goto_address (read through the HHDM pointer) with
 *     pause; when it becomes non-zero, enter it as the protocol says:
 *     RSP = reserved - 8 holding a zero return address, RDI = info, every
 *     other general-purpose register zero, IF = DF = 0.
 */
#include "x86.h"

#define DATA(field) (ap_data - ap_trampoline + (field))

	.section .rodata.ap_trampoline, "a"
	.globl	ap_trampoline, ap_trampoline_end, ap_data, ap_long, ap_high
	.balign	16
	.code16
ap_trampoline:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	DATA(AP_GDTR_LOW)
	movl	DATA(AP_CR4), %eax
	movl	%eax, %cr4
	movl	DATA(AP_CR3_TRANS), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	DATA(AP_EFER), %eax
	xorl	%edx, %edx
	wrmsr
	movl	DATA(AP_CR0), %eax	/* PE and PG at once: long mode, compatibility submode */
	movl	%eax, %cr0
	ljmpl	*DATA(AP_FAR_JUMP)	/* CS = 0x28: 64-bit code */

	.code64
ap_long:				/* identity address of this page */
	movl	$0x30, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	jmpq	*ap_data + AP_HIGH_ENTRY(%rip)
ap_high:				/* HHDM address of this page */
	lgdt	ap_data + AP_GDTR_HIGH(%rip)
	movq	ap_data + AP_CR3_FINAL(%rip), %rax
	movq	%rax, %cr3		/* the kernel's tables: the identity map is gone */
	movq	ap_data + AP_INFO(%rip), %rdi
	movq	8(%rdi), %rsp		/* info->reserved: this CPU's stack top */
	pushq	$0x28			/* CS and the data segments from the GDT's new address */
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:
	movl	$0x30, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$MSR_PAT, %ecx
	movl	ap_data + AP_PAT(%rip), %eax
	movl	ap_data + AP_PAT + 4(%rip), %edx
	wrmsr
	movl	$1, ap_data + AP_BOOTED(%rip)	/* a store after every load above (x86 TSO) */
2:
	movq	16(%rdi), %rax		/* info->goto_address */
	testq	%rax, %rax
	jnz	3f
	pause
	jmp	2b
3:
	pushq	$0			/* the kernel's return address: none */
	pushq	%rax			/* jump through the stack so %rax can be cleared too */
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	ret

	.balign	16
ap_data:
	.fill	AP_DATA_SIZE, 1, 0
ap_trampoline_end:
