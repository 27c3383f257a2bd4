/*
 * platforms/pc_aarch64/irq.c - HAL interrupt contract for aarch64: masking, the IRQ path, IPIs.
 *
 * An IRQ taken while the kernel runs (EL1t, on a thread's stack in
 * SP_EL0) enters vectors.S, which saves a struct hal_trap_frame on that
 * same stack and calls aarch64_irq(). One interrupt per entry: it is
 * acknowledged, silenced at its source where it is level-triggered (the
 * timer), ended at the GIC (EOI), and only then handed to kernel_irq(),
 * which may switch threads; a second pending interrupt is taken as soon
 * as the interrupted context unmasks again.
 *
 * The IPI is SGI 0. Interrupts are unmasked by clearing PSTATE.I only:
 * FIQs stay masked, since every interrupt is configured to arrive as IRQ.
 */
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>

#include "platform.h"

#define IPI_SGI 0

#define DAIF_I (UINT64_C(1) << 7)

void hal_irq_init(void)
{
	gic_init();
	timer_init();
}

void aarch64_irq_init_cpu(unsigned cpu_id)
{
	timer_quiesce();
	gic_init_cpu(cpu_id, (UINT32_C(1) << IPI_SGI) | (UINT32_C(1) << timer_intid()));
}

void hal_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

void hal_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

bool hal_irq_enabled(void)
{
	return !(READ_SYSREG(daif) & DAIF_I);
}

void hal_cpu_idle(void)
{
	/*
	 * wfi wakes for a pending IRQ even while PSTATE.I masks it, so an
	 * interrupt that arrived after the caller's last look at its queue
	 * ends the wait at once. Unmasking then lets it be taken; the isb
	 * makes sure that happens before we mask again.
	 */
	__asm__ volatile("dsb sy\n\t"
			 "wfi\n\t"
			 "msr daifclr, #2\n\t"
			 "isb\n\t"
			 "msr daifset, #2" ::
				 : "memory");
}

bool hal_ipi_send_nmi(unsigned cpu)
{
	(void)cpu;
	return false; /* no interrupt here that masking does not hold back */
}

void hal_ipi_send(unsigned cpu)
{
	gic_send_sgi(cpu, IPI_SGI);
}

bool hal_irq_unmask(unsigned irq)
{
	if (!gic_spi_valid(irq))
		return false;
	gic_spi_enable(irq, true);
	return true;
}

bool hal_irq_mask(unsigned irq)
{
	if (!gic_spi_valid(irq))
		return false;
	gic_spi_enable(irq, false);
	return true;
}

void aarch64_irq(struct hal_trap_frame *f)
{
	unsigned intid;
	uint32_t iar = gic_ack(&intid);

	if (intid >= GIC_SPURIOUS_FIRST) {
		/* Nothing to acknowledge: the interrupt went away or another CPU took it. */
		struct cpu *c = hal_cpu_local();

		if (c != NULL)
			c->arch[CPU_ARCH_SPURIOUS]++;
		return;
	}
	if (intid == timer_intid()) {
		timer_quiesce();
		gic_eoi(iar);
		kernel_irq(IRQ_TIMER, intid, f);
	} else if (intid == IPI_SGI) {
		gic_eoi(iar);
		kernel_irq(IRQ_IPI, intid, f);
	} else if (gic_spi_valid(intid)) {
		gic_eoi(iar);
		kernel_irq(IRQ_DEVICE, intid, f);
	} else {
		gic_eoi(iar);
		kernel_irq(IRQ_UNEXPECTED, intid, f);
	}
}
