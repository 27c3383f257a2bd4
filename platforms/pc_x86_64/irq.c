/*
 * platforms/pc_x86_64/irq.c - HAL irq contract for x86_64: set-up, masking, IPIs, dispatch.
 *
 * Vectors (x86.h): 0x30 + GSI for I/O APIC lines, VEC_TIMER for each
 * CPU's local APIC timer, VEC_IPI for the one inter-processor interrupt,
 * VEC_SPURIOUS for the local APIC's spurious interrupt. Every vector
 * enters through an interrupt gate (IF cleared) on the current stack,
 * which in the kernel is the interrupted thread's own (vectors.S), so the
 * handler may switch threads, and no interrupt nests in another.
 */
#include "x86.h"

#include <core/cpu.h>
#include <hal/cpu.h>
#include <hal/irq.h>

/* RFLAGS.IF: the CPU takes maskable interrupts while it is set. */
#define RFLAGS_IF (1UL << 9)

void hal_irq_init(void)
{
	lapic_init();
	lapic_init_cpu(); /* the boot CPU's APIC runs (all LVTs masked) for the calibration */
	ioapic_init();
	x86_clock_init();
}

void hal_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void hal_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

bool hal_irq_enabled(void)
{
	unsigned long rflags;

	__asm__ volatile("pushfq; pop %0" : "=r"(rflags));
	return rflags & RFLAGS_IF;
}

void hal_cpu_idle(void)
{
	/*
	 * sti takes effect after the next instruction, so no interrupt can
	 * come between it and hlt: one that is already pending, or arrives
	 * later, ends the hlt. Its handler runs, then cli masks again.
	 */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void hal_ipi_send(unsigned cpu)
{
	unsigned long flags = hal_irq_save();

	lapic_send_ipi((uint32_t)cpu_get(cpu)->arch[X86_CPU_APIC_ID], VEC_IPI);
	hal_irq_restore(flags);
}

bool hal_ipi_send_nmi(unsigned cpu)
{
	unsigned long flags = hal_irq_save();

	lapic_send_nmi((uint32_t)cpu_get(cpu)->arch[X86_CPU_APIC_ID]);
	hal_irq_restore(flags);
	return true;
}

void x86_irq(unsigned vector, struct hal_trap_frame *frame)
{
	struct cpu *cpu = hal_cpu_local();

	/*
	 * The local APIC's spurious vector is never in service and takes no
	 * EOI; a masked 8259's spurious IRQ 7 or 15 does not pass the APIC.
	 */
	if (vector == VEC_SPURIOUS || vector == VEC_PIC_SPURIOUS_MASTER ||
	    vector == VEC_PIC_SPURIOUS_SLAVE) {
		cpu->arch[X86_CPU_SPURIOUS]++;
		return;
	}
	bool ours = vector == VEC_TIMER || vector == VEC_IPI ||
		    (vector >= VEC_GSI_BASE && vector - VEC_GSI_BASE < ioapic_gsi_count());

	/*
	 * EOI before the kernel sees it: kernel_irq() may switch threads and
	 * come back much later. An unknown vector gets one only if the APIC
	 * delivered it (an `int n` did not), or lower ones would stay blocked.
	 */
	if (ours || lapic_in_service(vector))
		lapic_eoi();
	if (vector == VEC_TIMER)
		x86_timer_irq(frame);
	else if (vector == VEC_IPI)
		kernel_irq(IRQ_IPI, 0, frame);
	else if (ours)
		kernel_irq(IRQ_DEVICE, vector - VEC_GSI_BASE, frame);
	else
		kernel_irq(IRQ_UNEXPECTED, vector, frame);
}
