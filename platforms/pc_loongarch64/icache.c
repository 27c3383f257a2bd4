/*
 * platforms/pc_loongarch64/icache.c - hal_user_sync_icache() (include/hal/user.h).
 *
 * LoongArch keeps the instruction caches coherent with stores in hardware
 * across cores; ibar makes the calling core's later fetches see its own
 * earlier stores, and another core enters the code through ertn.
 */
#include <hal/user.h>

void hal_user_sync_icache(const void *kva, size_t len)
{
	(void)kva;
	(void)len;
	__asm__ volatile("ibar 0" ::: "memory");
}
