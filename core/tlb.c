/*
 * core/tlb.c - TLB shootdowns over the IPI (see include/core/tlb.h).
 *
 * One request at a time: the initiator holds `lock`, publishes the range
 * and the set of CPUs that must answer, sends them CPU_IPI_SHOOTDOWN and
 * spins until the set is empty. Each target flushes and clears its bit.
 * A request costs one IPI per target; batching several ranges is future
 * work if measurements ask for it.
 */
#include <core/cpu.h>
#include <core/sched.h>
#include <core/tlb.h>
#include <hal/cpu.h>
#include <hal/paging.h>

static struct spinlock lock = SPINLOCK_INIT("tlb shootdown");
static struct {
	uint64_t va;
	size_t pages;
	uint64_t pending; /* CPUs that have not answered yet, atomic */
} request;
static struct tlb_stats stats[CPU_MAX];

static void flush_range(uint64_t va, size_t pages)
{
	/* The HAL flushes page by page; a big range is cheaper as a whole, but it has no such call
	 * yet. */
	hal_paging_flush(va, pages);
}

void tlb_poll(void)
{
	struct cpu *c = cpu_current();

	if (c == NULL || !(__atomic_load_n(&c->ipi_pending, __ATOMIC_ACQUIRE) & CPU_IPI_SHOOTDOWN))
		return;
	__atomic_fetch_and(&c->ipi_pending, ~CPU_IPI_SHOOTDOWN, __ATOMIC_ACQUIRE);
	uint64_t bit = UINT64_C(1) << c->id;

	if (!(__atomic_load_n(&request.pending, __ATOMIC_ACQUIRE) & bit))
		return; /* already answered while spinning */
	flush_range(request.va, request.pages);
	stats[c->id].answered++;
	__atomic_fetch_and(&request.pending, ~bit, __ATOMIC_RELEASE);
}

void tlb_shootdown(struct hal_paging *space, uint64_t va, size_t pages)
{
	unsigned long flags = hal_irq_save();
	struct cpu *self = cpu_current();
	uint64_t targets = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	flush_range(va, pages);
	if (self == NULL) {
		hal_irq_restore(flags);
		return; /* before SMP: only this CPU exists */
	}
	targets &= ~(UINT64_C(1) << self->id);
	if (space != hal_paging_kernel()) {
		/* A user space: only CPUs that have it loaded can hold its translations. */
		for (unsigned i = 0; i < cpu_count; i++) {
			if (__atomic_load_n(&cpu_get(i)->sched.space, __ATOMIC_ACQUIRE) != space)
				targets &= ~(UINT64_C(1) << i);
		}
	}
	if (targets == 0) {
		hal_irq_restore(flags);
		return;
	}
	spin_lock(&lock);
	request.va = va;
	request.pages = pages;
	__atomic_store_n(&request.pending, targets, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < cpu_count; i++) {
		if ((targets >> i) & 1)
			cpu_send_ipi(i, CPU_IPI_SHOOTDOWN);
	}
	while (__atomic_load_n(&request.pending, __ATOMIC_ACQUIRE) != 0)
		;
	stats[self->id].sent++;
	spin_unlock(&lock);
	hal_irq_restore(flags);
}

struct tlb_stats tlb_get_stats(unsigned cpu)
{
	return stats[cpu];
}
