/*
 * kernel/console.c - attach the platform's early console to the kernel log.
 */
#include <core/boot_info.h>
#include <core/log.h>
#include <hal/console.h>
#include <kernel/console.h>

/* The log's console: serial terminals want "\r\n" line endings. */
static void console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			hal_console_putc('\r');
		hal_console_putc(buf[i]);
	}
}

void kernel_console_start(void)
{
	static bool started;

	if (started)
		return;
	started = true;
	if (hal_console_init(boot_info()))
		log_set_console(console_write);
}
