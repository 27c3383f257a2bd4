/*
 * platforms/pc_x86_64/cpu.c - HAL cpu contract for x86_64.
 */
#include <hal/cpu.h>

__noreturn void hal_cpu_halt(void)
{
	/* hlt returns after an NMI or SMI even with IF clear, hence the loop. */
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}
