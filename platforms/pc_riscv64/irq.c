/*
 * platforms/pc_riscv64/irq.c - HAL interrupt contract for riscv64.
 *
 * Three supervisor interrupts reach a hart, each with its enable bit in
 * sie and its pending bit in sip; sstatus.SIE masks them all at once:
 *  - timer (STIE, scause 5): timer.c;
 *  - software (SSIE, scause 1): the IPI. hal_ipi_send() asks the SBI IPI
 *    extension ("sPI") to set the target's sip.SSIP; the handler clears
 *    it, which is its acknowledgement;
 *  - external (SEIE, scause 9): device lines through the PLIC (plic.c),
 *    claimed and completed before the kernel hears of them.
 * Anything else (a counter overflow, a cause from a later extension) is
 * reported as IRQ_UNEXPECTED with its scause code, and its enable bit
 * cleared, since nothing here would ever clear its pending bit.
 */
#include <core/cpu.h>
#include <core/log.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#include "riscv.h"

static unsigned long sbi_ipi_ext; /* SBI_EXT_IPI, or SBI_EXT_LEGACY_IPI */
static uint64_t spurious;	  /* PLIC claims of 0; relaxed atomic, for a debugger or a report */

void hal_irq_init(void)
{
	if (riscv_sbi_has(SBI_EXT_IPI))
		sbi_ipi_ext = SBI_EXT_IPI;
	else if (riscv_sbi_has(SBI_EXT_LEGACY_IPI))
		sbi_ipi_ext = SBI_EXT_LEGACY_IPI;
	else
		panic("irq: the SBI has no IPI extension: the harts cannot signal each other");
	riscv_timer_init();
	if (!riscv_plic_init())
		log_warn("irq: no usable PLIC in the device tree or the ACPI MADT; device lines "
			 "are not available\n");
}

void hal_irq_enable(void)
{
	__asm__ volatile("csrs sstatus, %0" : : "r"((unsigned long)SSTATUS_SIE) : "memory");
}

void hal_irq_disable(void)
{
	__asm__ volatile("csrc sstatus, %0" : : "r"((unsigned long)SSTATUS_SIE) : "memory");
}

bool hal_irq_enabled(void)
{
	return (READ_CSR(sstatus) & SSTATUS_SIE) != 0;
}

void hal_cpu_idle(void)
{
	/*
	 * wfi waits for an interrupt that is pending and enabled in sie,
	 * whatever sstatus.SIE says, and returns at once if one already is:
	 * so an interrupt that arrived after the caller looked at its queue
	 * ends the wait. Setting SIE then takes it; clearing SIE again
	 * returns masked, as the caller expects.
	 */
	__asm__ volatile("wfi\n\t"
			 "csrs sstatus, %0\n\t"
			 "csrc sstatus, %0"
			 :
			 : "r"((unsigned long)SSTATUS_SIE)
			 : "memory");
}

bool hal_ipi_send_nmi(unsigned cpu)
{
	(void)cpu;
	return false; /* no interrupt here that masking does not hold back */
}

void hal_ipi_send(unsigned cpu)
{
	unsigned long hartid = (unsigned long)cpu_get(cpu)->hw_id;

	/*
	 * The request the kernel wrote before (cpu->ipi_pending) must be
	 * visible to the target before its interrupt handler reads it; the
	 * SBI's own ordering is not part of its contract, so fence here.
	 */
	__asm__ volatile("fence rw, rw" ::: "memory");
	if (sbi_ipi_ext == SBI_EXT_IPI) {
		/* send_ipi(hart_mask, hart_mask_base): bit 0 of the mask is hart `base`. */
		riscv_sbi_call(SBI_EXT_IPI, 0, 1, hartid);
	} else {
		/* The legacy call takes a pointer to a mask of harts 0..63. */
		unsigned long mask = hartid < 64 ? 1UL << hartid : 0;

		riscv_sbi_call(SBI_EXT_LEGACY_IPI, 0, (unsigned long)&mask, 0);
	}
}

void riscv_irq(struct hal_trap_frame *frame, uint64_t code)
{
	switch (code) {
	case IRQ_CODE_TIMER:
		riscv_timer_disarm(); /* the acknowledgement: STIP clears */
		kernel_irq(IRQ_TIMER, 0, frame);
		return;
	case IRQ_CODE_SOFTWARE:
		__asm__ volatile("csrc sip, %0" : : "r"((unsigned long)SIE_SSIE) : "memory");
		kernel_irq(IRQ_IPI, 0, frame);
		return;
	case IRQ_CODE_EXTERNAL: {
		unsigned line = riscv_plic_claim_complete(cpu_id());

		if (line == 0) {
			__atomic_fetch_add(&spurious, 1, __ATOMIC_RELAXED);
			return;
		}
		kernel_irq(IRQ_DEVICE, line, frame);
		return;
	}
	default:
		/* Nobody would clear its pending bit: keep it from firing again and again. */
		if (code < 64)
			__asm__ volatile("csrc sie, %0" : : "r"(1UL << code) : "memory");
		kernel_irq(IRQ_UNEXPECTED, (unsigned)code, frame);
		return;
	}
}
