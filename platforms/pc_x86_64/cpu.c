/*
 * platforms/pc_x86_64/cpu.c - HAL cpu contract for x86_64.
 *
 * The per-CPU pointer lives in the GS base (IA32_GS_BASE): %gs:0 is
 * struct cpu's `self`, so hal_cpu_local() is one load. Nothing saves or
 * restores the GS base on traps or thread switches: in kernel mode it is
 * always the CPU's own, whichever thread runs. The entries from and
 * returns to user mode `swapgs` it with IA32_KERNEL_GS_BASE (the user's
 * GS base, 0 unless user code loads a selector), so that user code never
 * holds the kernel's pointer and the kernel never runs with the user's
 * (vectors.S, user.S).
 */
#include "io.h"
#include "x86.h"

#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/user.h>

__noreturn void hal_cpu_halt(void)
{
	/* hlt returns after an NMI or SMI even with IF clear, hence the loop. */
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

#define CR4_PGE (UINT64_C(1) << 7)

struct cpu *hal_cpu_local(void)
{
	struct cpu *c;

	/* volatile: after a migration the same load gives another CPU's pointer. */
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

void hal_cpu_init(struct cpu *cpu)
{
	if (cpu->id != 0) {
		/*
		 * hal_cpu_entry already loaded the kernel's CR3, the boot GDT and
		 * the IDT. What hal_paging_init() did besides: global pages on
		 * (the kernel half's leaves are global); setting PGE also drops
		 * whatever this CPU cached of the loader's tables.
		 */
		uint64_t cr4;

		__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
		__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~CR4_PGE) : "memory");
		__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_PGE) : "memory");
	}
	x86_gdt_init_cpu(cpu);
	if (cpu->id == 0)
		x86_idt_use_ist(); /* the boot CPU's TSS is loaded: IST gates are safe now */
	cpu->self = cpu;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	hal_user_init_cpu();
	lapic_init_cpu();
	/*
	 * IPIs are addressed by the ID the CPU reads from its own APIC, not
	 * by what the boot protocol said (hw_id is 0, "unknown", for the boot
	 * CPU when there was no MP response).
	 */
	cpu->arch[X86_CPU_APIC_ID] = lapic_id();
	if (cpu->arch[X86_CPU_APIC_ID] != cpu->hw_id)
		log_debug("cpu %u: local APIC ID 0x%llx, the boot protocol said 0x%llx\n", cpu->id,
			  (unsigned long long)cpu->arch[X86_CPU_APIC_ID],
			  (unsigned long long)cpu->hw_id);
	x86_timer_init_cpu(cpu);
}

/* hal_context_switch() pops r15, r14, r13, r12, rbx, rbp, then returns: seven words. */
extern char x86_thread_start[];

uintptr_t hal_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t top = stack_top & ~(uintptr_t)15;
	uintptr_t *sp = (uintptr_t *)top - 7;

	/*
	 * The return address sits at top - 8, so x86_thread_start begins with
	 * RSP = top, 16-byte aligned: its `call` then enters entry() with the
	 * alignment the ABI expects.
	 */
	sp[0] = 0;			     /* r15 */
	sp[1] = 0;			     /* r14 */
	sp[2] = 0;			     /* r13 */
	sp[3] = (uintptr_t)entry;	     /* r12 */
	sp[4] = (uintptr_t)arg;		     /* rbx */
	sp[5] = 0;			     /* rbp: the frame chain ends */
	sp[6] = (uintptr_t)x86_thread_start; /* return address */
	return (uintptr_t)sp;
}

/* RFLAGS.IF: the CPU takes maskable interrupts while it is set. */
#define RFLAGS_IF (1UL << 9)

unsigned long hal_irq_save(void)
{
	unsigned long rflags;

	/*
	 * pushfq/pop reads RFLAGS (there is no mov from it), then cli clears IF.
	 * The push below the stack pointer is safe because the kernel is built
	 * with -mno-red-zone: no live data sits under rsp.
	 */
	__asm__ volatile("pushfq; pop %0; cli" : "=r"(rflags) : : "memory");
	return rflags & RFLAGS_IF;
}

void hal_irq_restore(unsigned long state)
{
	/*
	 * Only IF is restored, not the whole RFLAGS (popfq would also rewrite
	 * the arithmetic flags, DF and AC). If IF was clear at the save, it is
	 * still clear: interrupts stay masked and there is nothing to do.
	 */
	if (state & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}

void hal_cpu_print_registers(void)
{
	uint64_t r[16], cr0, cr2, cr3, cr4, rflags;

	/* The values at this point of the call, stored before C disturbs them more. */
	__asm__ volatile("mov %%rax, 0(%0)\n\tmov %%rbx, 8(%0)\n\tmov %%rcx, 16(%0)\n\t"
			 "mov %%rdx, 24(%0)\n\tmov %%rsi, 32(%0)\n\tmov %%rdi, 40(%0)\n\t"
			 "mov %%rbp, 48(%0)\n\tmov %%rsp, 56(%0)\n\tmov %%r8, 64(%0)\n\t"
			 "mov %%r9, 72(%0)\n\tmov %%r10, 80(%0)\n\tmov %%r11, 88(%0)\n\t"
			 "mov %%r12, 96(%0)\n\tmov %%r13, 104(%0)\n\tmov %%r14, 112(%0)\n\t"
			 "mov %%r15, 120(%0)"
			 :
			 : "r"(r)
			 : "memory");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("pushfq; pop %0" : "=r"(rflags));

	static const char *const names[16] = { "rax", "rbx", "rcx", "rdx", "rsi", "rdi",
					       "rbp", "rsp", "r8",  "r9",  "r10", "r11",
					       "r12", "r13", "r14", "r15" };

	for (int i = 0; i < 16; i += 4)
		log_error("  %-3s %016llx  %-3s %016llx  %-3s %016llx  %-3s %016llx\n", names[i],
			  (unsigned long long)r[i], names[i + 1], (unsigned long long)r[i + 1],
			  names[i + 2], (unsigned long long)r[i + 2], names[i + 3],
			  (unsigned long long)r[i + 3]);
	log_error("  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx\n", (unsigned long long)cr0,
		  (unsigned long long)cr2, (unsigned long long)cr3, (unsigned long long)cr4);
	log_error("  rflags %016llx\n", (unsigned long long)rflags);
}

bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address)
{
	/* [fp] = the caller's rbp, [fp + 8] = the return address (push rbp; mov rsp, rbp). */
	if (fp == 0 || fp % 8 != 0 || fp < UINT64_C(0xffff800000000000))
		return false;
	const uintptr_t *frame = (const uintptr_t *)fp;

	*caller_fp = frame[0];
	*return_address = frame[1];
	return true;
}

__noreturn void hal_power_off(void)
{
	struct acpi_s5 s5;

	/* ACPI soft-off: SLP_TYP from \_S5 with SLP_EN, into PM1a (and PM1b). */
	bool have = boot_info()->rsdp_phys != 0 && acpi_s5(&s5);
	if (have && s5.pm1a_cnt.space_id == ACPI_GAS_IO) {
		outw((uint16_t)s5.pm1a_cnt.address,
		     (uint16_t)(s5.slp_typa << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN));
		if (s5.pm1b_cnt.address != 0 && s5.pm1b_cnt.space_id == ACPI_GAS_IO)
			outw((uint16_t)s5.pm1b_cnt.address,
			     (uint16_t)(s5.slp_typb << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN));
	}
	/*
	 * The chipset powers off asynchronously (QEMU acts on the request from
	 * its main loop); give it time before trying the next method.
	 */
	for (unsigned long i = 0; i < 50000000; i++)
		__asm__ volatile("pause");
	/* QEMU's isa-debug-exit device (run_qemu.sh adds it at port 0xf4). */
	outb(0xf4, 0x00);
	log_error("power-off failed: halting\n");
	hal_cpu_halt();
}

bool hal_port_read(uint16_t port, unsigned width, uint32_t *value)
{
	switch (width) {
	case 1:
		*value = inb(port);
		return true;
	case 2:
		*value = inw(port);
		return true;
	case 4:
		*value = inl(port);
		return true;
	default:
		return false;
	}
}

bool hal_port_write(uint16_t port, unsigned width, uint32_t value)
{
	switch (width) {
	case 1:
		outb(port, (uint8_t)value);
		return true;
	case 2:
		outw(port, (uint16_t)value);
		return true;
	case 4:
		outl(port, value);
		return true;
	default:
		return false;
	}
}
