/*
 * kernel/main.c - the kernel's C entry point and initialisation order.
 */
#include <core/log.h>
#include <hal/cpu.h>

/* Called once, on the boot CPU, by the platform's _start. */
__noreturn void kernel_main(void);

__noreturn void kernel_main(void)
{
	log_info("Keel %s on %s\n", KEEL_VERSION, KEEL_PLATFORM);
	hal_cpu_halt();
}
