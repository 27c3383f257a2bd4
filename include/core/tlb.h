/*
 * include/core/tlb.h - keeping every CPU's TLB in step with the page tables.
 *
 * hal_paging_unmap/protect flush the calling CPU only. When a mapping goes
 * away or loses rights, other CPUs may still hold the old translation; the
 * frame must not be reused until they dropped it. tlb_shootdown() flushes
 * the calling CPU, asks every other CPU that may hold a translation of
 * `space` (all online CPUs for the kernel half, the CPUs that have the
 * space loaded for a user space) to flush the range through the IPI, and
 * returns once all of them did.
 *
 * A CPU that waits for a lock keeps answering shootdowns while it spins
 * (tlb_poll), so an initiator never waits for a CPU that waits for it.
 */
#ifndef CORE_TLB_H
#define CORE_TLB_H

#include <stddef.h>
#include <stdint.h>

struct hal_paging;

/* Above this many pages a target flushes its whole TLB instead of page by page. */
#define TLB_SHOOTDOWN_FULL_PAGES 64

void tlb_shootdown(struct hal_paging *space, uint64_t va, size_t pages);

/* Answer a pending shootdown request addressed to the calling CPU (interrupts masked). */
void tlb_poll(void);

/* Shootdowns this CPU started and answered. */
struct tlb_stats {
	uint64_t sent, answered;
};
struct tlb_stats tlb_get_stats(unsigned cpu);

#endif /* CORE_TLB_H */
