/*
 * platforms/pc_riscv64/icache.c - hal_user_sync_icache() (include/hal/user.h).
 *
 * fence.i orders only the calling hart's fetches after its stores; the
 * other harts get the same through the SBI RFENCE extension's
 * remote_fence_i (all harts: hart_mask_base -1), so a thread started
 * elsewhere fetches the new code.
 */
#include "riscv.h"

#include <hal/user.h>

#define SBI_EXT_RFENCE		  0x52464E43 /* "RFNC" */
#define SBI_RFENCE_REMOTE_FENCE_I 0

void hal_user_sync_icache(const void *kva, size_t len)
{
	(void)kva;
	if (len == 0)
		return;
	__asm__ volatile("fence.i" ::: "memory");
	riscv_sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 0, (unsigned long)-1);
}
