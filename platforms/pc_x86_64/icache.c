/*
 * platforms/pc_x86_64/icache.c - hal_user_sync_icache() (include/hal/user.h).
 *
 * x86 keeps instruction fetches coherent with stores, on every CPU, in
 * hardware; a CPU that enters the new code does so through iretq or
 * sysret, both serialising. Nothing to do.
 */
#include <hal/user.h>

void hal_user_sync_icache(const void *kva, size_t len)
{
	(void)kva;
	(void)len;
}
