/*
 * platforms/pc_loongarch64/cpu.c - HAL cpu contract for loongarch64.
 */
#include <hal/cpu.h>

#define CSR_CRMD 0x0
#define CRMD_IE	 (1UL << 2)

__noreturn void hal_cpu_halt(void)
{
	/* csrxchg with a zero value and the IE mask clears CRMD.IE. */
	unsigned long zero = 0;

	__asm__ volatile("csrxchg %0, %1, %2"
			 : "+r"(zero)
			 : "r"(CRMD_IE), "i"(CSR_CRMD)
			 : "memory");
	for (;;)
		__asm__ volatile("idle 0" ::: "memory");
}
