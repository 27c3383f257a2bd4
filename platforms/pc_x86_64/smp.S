/*
 * platforms/pc_x86_64/smp.S - a secondary CPU's way into the kernel.
 *
 * hal_cpu_entry is what the kernel stores into the CPU's goto_address.
 *
 * On entry (Limine protocol, x86_64 MP): RDI = the CPU's limine_mp_info
 * (an HHDM address), whose extra_argument (offset 24) the kernel set to a
 * struct hal_cpu_start; RSP = the loader's stack for this CPU; the
 * loader's page tables and GDT (reclaimable memory), no usable IDT; GS
 * base whatever the firmware left; interrupts off.
 *
 * Before the first push: the kernel's own page tables (x86_kernel_cr3),
 * because the kernel's stack for this CPU may lie in the kernel VMM window,
 * which only those tables map; then the stack from start->stack_top.
 * Then, as _start does on the boot CPU, the GS base points at a zero word
 * so hal_cpu_local() reads NULL until hal_cpu_init(); the boot GDT and the
 * IDT replace the loader's leftovers.
 *
 * On the call to kernel_cpu_main(start->arg): RSP = stack_top (16-byte
 * aligned before the call, as the SysV ABI wants), RBP = 0 so a backtrace
 * ends here, interrupts off. kernel_cpu_main never returns; if it did,
 * the CPU halts.
 */
#include "x86.h"

	.text
	.globl	hal_cpu_entry
	.type	hal_cpu_entry, @function
hal_cpu_entry:
	movq	24(%rdi), %rbx			/* info->extra_argument: the hal_cpu_start */
	movq	x86_kernel_cr3(%rip), %rax
	movq	%rax, %cr3
	movq	0(%rbx), %rsp			/* start->stack_top */
	movq	8(%rbx), %r12			/* start->arg, kept across the calls below */
	xorl	%ebp, %ebp
	movl	$MSR_GS_BASE, %ecx
	leaq	x86_no_cpu(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	call	x86_gdt_load_boot
	call	x86_idt_load
	movq	%r12, %rdi
	call	kernel_cpu_main
	jmp	hal_cpu_halt
	.size	hal_cpu_entry, . - hal_cpu_entry
