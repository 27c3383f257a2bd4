/*
 * include/hal/irq.h - HAL contract: interrupts, inter-processor interrupts
 * and the per-CPU timer.
 *
 * Three kinds of interrupt reach the kernel, all through kernel_irq():
 *  - the calling CPU's one-shot timer, armed with hal_timer_arm();
 *  - the inter-processor interrupt (IPI) sent by hal_ipi_send(). There is
 *    one IPI per CPU: the kernel keeps its own bitmap of what is asked
 *    (reschedule, TLB shootdown...), so a platform needs one vector,
 *    software interrupt or mailbox action for it;
 *  - device lines (GSI after ACPI overrides, GIC SPI INTID, PLIC source),
 *    masked until the kernel unmasks one.
 *
 * Policy: handlers run with interrupts masked on their CPU and never nest.
 * The platform acknowledges the controller (EOI) before calling
 * kernel_irq(), because kernel_irq() may switch to another thread, which
 * only comes back to finish the handler much later; the interrupted
 * context's trap frame lives on the interrupted thread's own kernel stack.
 * Spurious interrupts (x86 vector 0xff, GIC INTID 1023, PLIC claim 0) are
 * counted and dropped by the platform; a vector nobody owns is reported
 * through kernel_irq(IRQ_UNEXPECTED, ...).
 *
 * Implemented in platforms/<platform>/irq.c and timer.c.
 */
#ifndef HAL_IRQ_H
#define HAL_IRQ_H

#include <hal/trap.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Boot CPU, once, after hal_paging_init() and the heap: find the interrupt
 * controllers and the timer from ACPI or the device tree, map their
 * registers, mask every device line, calibrate the clock (x86_64: LAPIC
 * timer and TSC against the ACPI PM timer or HPET). The clock runs from
 * here on. Panics with the reason when the machine has no usable
 * controller or timer: the kernel cannot schedule without them.
 */
void hal_irq_init(void);

/* Unmask interrupts on the calling CPU. */
void hal_irq_enable(void);

/* Mask interrupts on the calling CPU. */
void hal_irq_disable(void);

/* Whether interrupts are unmasked on the calling CPU. */
bool hal_irq_enabled(void);

/*
 * Called with interrupts masked: wait in the architecture's low-power
 * state (hlt, wfi, idle) until an interrupt is pending, let it be taken,
 * and return with interrupts masked again. The check for work and the wait
 * cannot race: an interrupt arriving after the caller looked at its queue
 * ends the wait at once.
 */
void hal_cpu_idle(void);

/*
 * Send the IPI to CPU `cpu` (a logical index, see <core/cpu.h>), which
 * must be online. Context: any. Sending to the calling CPU works too.
 */
void hal_ipi_send(unsigned cpu);

/*
 * Send CPU `cpu` a non-maskable interrupt, which reaches it even while it
 * has interrupts masked; the platform hands it to kernel_nmi(). For hang
 * reports only. False, and nothing sent, where the kernel has no such
 * interrupt to send: x86_64 has the NMI; aarch64 (no GICv3 pseudo-NMI
 * here), riscv64 and loongarch64 do not.
 */
bool hal_ipi_send_nmi(unsigned cpu);

/*
 * Implemented by the kernel (kernel/irq.c): an NMI arrived, on its own
 * stack with interrupts masked. True when it was the kernel's request (the
 * CPU then never returns from it); false for the machine's own NMI, which
 * the platform reports as an exception.
 */
struct hal_trap_frame;
bool kernel_nmi(const struct hal_trap_frame *frame);

/* Nanoseconds since the clock started in hal_irq_init(); never goes back, same on all CPUs. */
uint64_t hal_clock_ns(void);

/*
 * Arm the calling CPU's one-shot timer for `deadline_ns` (hal_clock_ns()
 * time); a deadline already past fires at once. Replaces an earlier
 * deadline. UINT64_MAX disarms it. Context: interrupts masked.
 */
void hal_timer_arm(uint64_t deadline_ns);

/*
 * Device lines, by the platform's global number. Return false for a
 * number no controller serves.
 */
bool hal_irq_unmask(unsigned irq);
bool hal_irq_mask(unsigned irq);

enum irq_kind {
	IRQ_TIMER,	/* this CPU's timer deadline passed */
	IRQ_IPI,	/* another CPU (or this one) called hal_ipi_send() */
	IRQ_DEVICE,	/* device line `irq`, acknowledged and still unmasked */
	IRQ_UNEXPECTED, /* a vector or cause nothing owns; `irq` is its number */
};

/*
 * Implemented by the kernel (kernel/irq.c), called by the platform with
 * interrupts masked, on the interrupted thread's kernel stack. May switch
 * threads before it returns.
 */
void kernel_irq(enum irq_kind kind, unsigned irq, struct hal_trap_frame *frame);

#endif /* HAL_IRQ_H */
