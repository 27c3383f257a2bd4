/*
 * platforms/pc_aarch64/cpu.c - HAL cpu contract for aarch64.
 *
 * The per-CPU pointer lives in TPIDR_EL1, which only EL1 can write and no
 * trap or context switch saves or restores: it always names the CPU the
 * code runs on, even for a thread that was preempted on one CPU and
 * resumed on another. _start (and hal_cpu_entry on the other CPUs) clears
 * it, so hal_cpu_local() is NULL until hal_cpu_init().
 */
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/fdt.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/cpu.h>
#include <hal/user.h>
#include <kernel/panic.h>

#include "platform.h"

/* Kernel addresses: the TTBR1 half with T1SZ = 16 (the loader's 4-level tables). */
#define KERNEL_SPACE_START UINT64_C(0xffff000000000000)

/* PSCI 0.2+ function ID of SYSTEM_OFF (SMC32 calling convention). */
#define PSCI_SYSTEM_OFF 0x84000008u

__noreturn void hal_cpu_halt(void)
{
	/* Mask D, A, I and F; wfi may still return on a debug event. */
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

struct cpu *hal_cpu_local(void)
{
	return (struct cpu *)READ_SYSREG(tpidr_el1);
}

/* Every CPU but the boot CPU gets its exception stack from the PMM, through the direct map. */
#define EXCEPTION_STACK_PAGES 4

void hal_cpu_init(struct cpu *cpu)
{
	uintptr_t stack_top;

	if (cpu->id == 0) {
		/* hal_trap_init() installed the boot CPU's vectors and stack. */
		stack_top = aarch64_boot_exception_stack_top();
	} else {
		/*
		 * hal_cpu_entry already loaded the kernel's page tables (they
		 * were needed to reach this CPU's stack); what hal_trap_init()
		 * did on the boot CPU remains: the vectors and SP_EL1.
		 */
		uint64_t pages = pmm_alloc_pages(EXCEPTION_STACK_PAGES, 1);

		if (pages == 0)
			panic("cpu %u: no memory for its exception stack", cpu->id);
		stack_top = (uintptr_t)phys_to_virt(pages) + EXCEPTION_STACK_PAGES * PMM_PAGE_SIZE;
		aarch64_trap_init_cpu(stack_top);
	}
	cpu->arch[CPU_ARCH_EXCEPTION_STACK] = stack_top;
	WRITE_SYSREG(tpidr_el1, cpu);
	aarch64_irq_init_cpu(cpu->id);
	hal_user_init_cpu();
}

unsigned long hal_irq_save(void)
{
	unsigned long daif;

	/*
	 * DAIF holds the D, A, I and F mask bits (bits 9..6). "msr daifset, #2"
	 * sets only I (bit 1 of the immediate is I), masking IRQs and leaving
	 * debug, SError and FIQ masking as they were.
	 */
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif) : : "memory");
	return daif;
}

void hal_irq_restore(unsigned long state)
{
	/* All four mask bits back as they were; only I changed since the save. */
	__asm__ volatile("msr daif, %0" : : "r"(state) : "memory");
}

void hal_cpu_print_registers(void)
{
	uint64_t r[32];

	/*
	 * The values at this point of the call, stored before C disturbs them
	 * more. The register holding the array's address shows that address.
	 */
	__asm__ volatile("stp x0, x1, [%0, #0]\n\tstp x2, x3, [%0, #16]\n\t"
			 "stp x4, x5, [%0, #32]\n\tstp x6, x7, [%0, #48]\n\t"
			 "stp x8, x9, [%0, #64]\n\tstp x10, x11, [%0, #80]\n\t"
			 "stp x12, x13, [%0, #96]\n\tstp x14, x15, [%0, #112]\n\t"
			 "stp x16, x17, [%0, #128]\n\tstp x18, x19, [%0, #144]\n\t"
			 "stp x20, x21, [%0, #160]\n\tstp x22, x23, [%0, #176]\n\t"
			 "stp x24, x25, [%0, #192]\n\tstp x26, x27, [%0, #208]\n\t"
			 "stp x28, x29, [%0, #224]\n\tstr x30, [%0, #240]\n\t"
			 "mov x16, sp\n\tstr x16, [%0, #248]"
			 :
			 : "r"(r)
			 : "x16", "memory");

	static const char *const names[32] = {
		"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",	 "x7",	"x8",  "x9",  "x10",
		"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
		"x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",
	};

	for (int i = 0; i < 32; i += 4)
		log_error("  %-3s %016llx  %-3s %016llx  %-3s %016llx  %-3s %016llx\n", names[i],
			  (unsigned long long)r[i], names[i + 1], (unsigned long long)r[i + 1],
			  names[i + 2], (unsigned long long)r[i + 2], names[i + 3],
			  (unsigned long long)r[i + 3]);
	/* ELR/ESR/FAR belong to the last exception, not to this call: a trap's own
	 * report (hal_trap_print_frame) shows them. */
	uint64_t el = READ_SYSREG(CurrentEL);

	log_error("  CurrentEL 0x%llx (EL%llu)  DAIF 0x%llx  SPSel %llu  VBAR_EL1 %016llx\n",
		  (unsigned long long)el, (unsigned long long)(el >> 2 & 3),
		  (unsigned long long)READ_SYSREG(daif), (unsigned long long)READ_SYSREG(spsel),
		  (unsigned long long)READ_SYSREG(vbar_el1));
	log_error("  SCTLR_EL1 %016llx  TCR_EL1 %016llx  MAIR_EL1 %016llx\n",
		  (unsigned long long)READ_SYSREG(sctlr_el1),
		  (unsigned long long)READ_SYSREG(tcr_el1),
		  (unsigned long long)READ_SYSREG(mair_el1));
	log_error("  TTBR0_EL1 %016llx  TTBR1_EL1 %016llx  TPIDR_EL1 %016llx\n",
		  (unsigned long long)READ_SYSREG(ttbr0_el1),
		  (unsigned long long)READ_SYSREG(ttbr1_el1),
		  (unsigned long long)READ_SYSREG(tpidr_el1));
}

bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address)
{
	/*
	 * AAPCS64 frame record, which x29 points at: [fp] = the caller's x29,
	 * [fp + 8] = the saved x30 (link register), the address after the bl.
	 */
	if (fp == 0 || fp % 8 != 0 || fp < KERNEL_SPACE_START)
		return false;
	const uintptr_t *frame = (const uintptr_t *)fp;

	*caller_fp = frame[0];
	*return_address = frame[1];
	return true;
}

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

/* How PSCI is called, as the firmware tells it: FADT ARM boot flags, else /psci "method". */
static enum psci_conduit psci_conduit(void)
{
	const struct boot_info *bi = boot_info();
	bool compliant, hvc;

	if (bi->rsdp_phys != 0 && acpi_arm_psci(&compliant, &hvc))
		return !compliant ? PSCI_NONE : hvc ? PSCI_HVC : PSCI_SMC;

	struct fdt fdt;
	uint32_t len = 0;
	const char *method =
		fdt_boot(&fdt) ? fdt_prop(&fdt, fdt_find_node(&fdt, "/psci", 5), "method", &len)
			       : NULL;

	if (method != NULL && fdt_stringlist_contains(method, len, "hvc"))
		return PSCI_HVC;
	if (method != NULL && fdt_stringlist_contains(method, len, "smc"))
		return PSCI_SMC;
	return PSCI_NONE;
}

__noreturn void hal_power_off(void)
{
	enum psci_conduit conduit = psci_conduit();
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	/*
	 * SMC Calling Convention: function ID in w0, result in x0, x1-x17 may
	 * be clobbered. Only the conduit the firmware names is tried: the other
	 * instruction is undefined at EL1 when its exception level is absent,
	 * and trying it would end in an undefined-instruction panic instead of
	 * the "power-off failed" report below.
	 */
	if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	/* SYSTEM_OFF does not return when it works. */
	if (conduit == PSCI_NONE)
		log_error("power-off failed: the firmware describes no PSCI; halting\n");
	else
		log_error("power-off failed: PSCI SYSTEM_OFF returned %lld; halting\n",
			  (long long)x0);
	hal_cpu_halt();
}

/* No I/O-port space on this architecture: device registers are memory-mapped. */
bool hal_port_read(uint16_t port, unsigned width, uint32_t *value)
{
	(void)port, (void)width, (void)value;
	return false;
}

bool hal_port_write(uint16_t port, unsigned width, uint32_t value)
{
	(void)port, (void)width, (void)value;
	return false;
}
