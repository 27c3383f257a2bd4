/*
 * test/mocks/core/tlb_mock.c - tlb_shootdown() for tests with one CPU and a
 * fake paging backend: flushing this CPU is all a shootdown has to do.
 */
#include <core/tlb.h>
#include <hal/paging.h>

void tlb_shootdown(struct hal_paging *space, uint64_t va, size_t pages)
{
	(void)space;
	hal_paging_flush(va, pages);
}
