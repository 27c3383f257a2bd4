/*
 * kernel/console.c - attach the platform's early console to the kernel log.
 */
#include <core/boot_info.h>
#include <core/log.h>
#include <hal/console.h>
#include <kernel/console.h>

void kernel_console_start(void)
{
	static bool started;

	if (started)
		return;
	started = true;
	if (hal_console_init(boot_info()))
		log_set_console(hal_console_write);
}
