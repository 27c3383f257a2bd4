/*
 * platforms/pc_aarch64/cpu.c - HAL cpu contract for aarch64.
 */
#include <hal/cpu.h>

__noreturn void hal_cpu_halt(void)
{
	/* Mask D, A, I and F; wfi may still return on a debug event. */
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}
