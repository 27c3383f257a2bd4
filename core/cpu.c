/*
 * core/cpu.c - the per-CPU table, the preemption count and IPI requests.
 */
#include <core/cpu.h>
#include <hal/cpu.h>
#include <hal/irq.h>

struct cpu cpu_table[CPU_MAX];
unsigned cpu_count = 1;

unsigned cpu_id(void)
{
	struct cpu *c = hal_cpu_local();

	return c != NULL ? c->id : 0;
}

/*
 * The count belongs to the CPU, not the thread: a thread with a non-zero
 * count cannot be preempted, so cannot move, so the CPU it incremented is
 * the one it decrements. The increment itself is made with interrupts
 * masked, so the thread cannot move between reading the per-CPU pointer
 * and writing through it.
 */
void preempt_disable(void)
{
	unsigned long flags = hal_irq_save();
	struct cpu *c = hal_cpu_local();

	if (c != NULL)
		c->preempt_count++;
	hal_irq_restore(flags);
}

void preempt_enable(void)
{
	bool irqs_on = hal_irq_enabled();
	unsigned long flags = hal_irq_save();
	struct cpu *c = hal_cpu_local();

	if (c != NULL && --c->preempt_count == 0 && c->sched.need_resched && irqs_on)
		sched_preempt();
	hal_irq_restore(flags);
}

void cpu_send_ipi(unsigned id, uint32_t work)
{
	__atomic_fetch_or(&cpu_table[id].ipi_pending, work, __ATOMIC_RELEASE);
	hal_ipi_send(id);
}
