/*
 * platforms/pc_riscv64/cpu.c - HAL cpu contract for riscv64.
 */
#include <hal/cpu.h>

#define SSTATUS_SIE (1UL << 1)

__noreturn void hal_cpu_halt(void)
{
	/* wfi may return spuriously at any time (the ISA allows it). */
	__asm__ volatile("csrc sstatus, %0" ::"r"(SSTATUS_SIE) : "memory");
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}
