/*
 * kernel/irq.c - what the kernel does with an interrupt (include/hal/irq.h).
 *
 * The timer drives the scheduler's ktimers and time slices; the IPI
 * carries the work bits other CPUs posted in struct cpu (reschedule, TLB
 * shootdown, stop); device lines go to the handler registered for them.
 * Every interrupt ends with sched_preempt(), the one place an interrupted
 * thread loses its CPU to another.
 */
#include <core/cpu.h>
#include <core/log.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/tlb.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/irq.h>
#include <kernel/panic.h>

#define IRQ_LINES_MAX 256

static struct {
	irq_handler_fn fn;
	void *arg;
	uint32_t running; /* CPUs inside fn now (atomic): irq_unregister() waits for 0 */
} handlers[IRQ_LINES_MAX];
static struct spinlock handlers_lock = SPINLOCK_INIT("irq handlers");

bool irq_register(unsigned irq, irq_handler_fn fn, void *arg)
{
	if (irq >= IRQ_LINES_MAX)
		return false;
	unsigned long flags = spin_lock_irqsave(&handlers_lock);
	bool free = handlers[irq].fn == NULL;

	if (free) {
		handlers[irq].arg = arg;
		__atomic_store_n(&handlers[irq].fn, fn, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&handlers_lock, flags);
	if (free && !hal_irq_unmask(irq)) {
		irq_unregister(irq);
		return false;
	}
	return free;
}

void irq_unregister(unsigned irq)
{
	if (irq >= IRQ_LINES_MAX)
		return;
	hal_irq_mask(irq);
	__atomic_store_n(&handlers[irq].fn, NULL, __ATOMIC_SEQ_CST);
	/* A handler that loaded fn before the store may still run on another CPU. */
	while (__atomic_load_n(&handlers[irq].running, __ATOMIC_SEQ_CST) != 0)
		tlb_poll(); /* that CPU may wait for our shootdown answer */
}

static void handle_ipi(struct cpu *c, const struct hal_trap_frame *frame)
{
	/* Take every bit but the shootdown's, which tlb_poll() clears itself. */
	uint32_t work = __atomic_fetch_and(&c->ipi_pending, CPU_IPI_SHOOTDOWN, __ATOMIC_ACQUIRE);

	if (work & CPU_IPI_STOP)
		panic_stop_ipi(
			frame); /* another CPU panicked: its report shows where this one was */
	if (work & CPU_IPI_SHOOTDOWN)
		tlb_poll();
	/*
	 * CPU_IPI_RESCHEDULE needs nothing here: the sender set need_resched
	 * under this CPU's run-queue lock, and kernel_irq() ends in
	 * sched_preempt(), which acts on it.
	 */
}

bool kernel_nmi(const struct hal_trap_frame *frame)
{
	struct cpu *c = cpu_current();

	/* A stop asked by a report: the maskable IPI could not get through. */
	if (c == NULL || !(__atomic_load_n(&c->ipi_pending, __ATOMIC_ACQUIRE) & CPU_IPI_STOP))
		return false;
	panic_stop_ipi(frame);
}

void kernel_irq(enum irq_kind kind, unsigned irq, struct hal_trap_frame *frame)
{
	struct cpu *c = cpu_current();

	if (c == NULL) {
		log_warn("irq: interrupt (kind %d, %u) before per-CPU data; ignored\n", kind, irq);
		return;
	}
	switch (kind) {
	case IRQ_TIMER:
		c->counters.timer_irqs++;
		sched_timer_interrupt();
		break;
	case IRQ_IPI:
		c->counters.ipis++;
		handle_ipi(c, frame);
		break;
	case IRQ_DEVICE: {
		irq_handler_fn fn = NULL;

		if (irq < IRQ_LINES_MAX) {
			/* Announce first, then look: irq_unregister() stores, then waits. */
			__atomic_fetch_add(&handlers[irq].running, 1, __ATOMIC_SEQ_CST);
			fn = __atomic_load_n(&handlers[irq].fn, __ATOMIC_SEQ_CST);
			if (fn != NULL)
				fn(irq, handlers[irq].arg);
			__atomic_fetch_sub(&handlers[irq].running, 1, __ATOMIC_RELEASE);
		}
		c->counters.device_irqs++;
		if (fn == NULL) {
			log_warn("irq: line %u fired on cpu %u with no handler; masked\n", irq,
				 c->id);
			hal_irq_mask(irq);
		}
		break;
	}
	case IRQ_UNEXPECTED:
	default:
		if (c->counters.unexpected_irqs++ < 8)
			log_warn("irq: unexpected interrupt %u on cpu %u\n", irq, c->id);
		break;
	}
	sched_preempt();
}
