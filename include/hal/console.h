/*
 * include/hal/console.h - HAL contract: the early serial console.
 *
 * The kernel's first output device, used by the log from the moment the
 * boot information is adapted until (in a later step) a user-space console
 * service takes over, and by panic() until the end. Implemented by each
 * platform in platforms/<platform>/console.c.
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <core/boot_info.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Find the serial port the firmware describes (ACPI SPCR, or the device
 * tree's /chosen stdout-path), else the platform's documented fallback, and
 * set it up for polled output. Returns false when no console can be used.
 * Context: boot CPU, interrupts masked, before any allocator exists.
 */
bool hal_console_init(const struct boot_info *bi);

/*
 * Send one byte, polling the transmitter with a bounded wait (a dead UART
 * must not hang the kernel). Only after hal_console_init returned true.
 * Safe with interrupts masked and from panic(). Line endings are the
 * caller's business (kernel/console.c sends "\r\n").
 */
void hal_console_putc(char c);

#endif /* HAL_CONSOLE_H */
