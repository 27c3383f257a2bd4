/*
 * platforms/pc_aarch64/icache.c - hal_user_sync_icache() (include/hal/user.h).
 *
 * Code written through the direct map reaches the instruction side only
 * after its D-cache lines are cleaned to the point of unification and the
 * I-caches forget what they held: DC CVAU over the range, then IC IALLUIS,
 * which every CPU of the inner-shareable domain obeys, so a thread that
 * starts on another CPU fetches the new bytes too.
 */
#include <hal/user.h>

void hal_user_sync_icache(const void *kva, size_t len)
{
	uint64_t ctr;
	uintptr_t start = (uintptr_t)kva, end = start + len;

	if (len == 0)
		return;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	uintptr_t line = (uintptr_t)4 << ((ctr >> 16) & 0xf); /* CTR_EL0.DminLine, in words */

	for (uintptr_t a = start & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}
