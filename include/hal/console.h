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
#include <stdint.h>

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

/* What the console UART is, for the user-space console service (X4). */
enum hal_console_type {
	HAL_CONSOLE_16550 = 1, /* the values of enum sys_device_type */
	HAL_CONSOLE_PL011 = 2,
};

struct hal_console_device {
	enum hal_console_type type;
	bool port_io;	    /* base is an x86 I/O port, else a physical address */
	uint64_t base;	    /* first register */
	uint64_t size;	    /* bytes (ports) the registers span */
	unsigned reg_shift; /* register n is at base + (n << reg_shift) */
	unsigned reg_width; /* bytes per access: 1 or 4 */
	bool has_irq;	    /* `irq` is valid */
	unsigned irq;	    /* its device line, for hal_irq_unmask() */
};

/*
 * Describe the UART hal_console_init() set up, from the same firmware
 * tables (the interrupt from SPCR's GSIV or the device tree's "interrupts",
 * else the platform's documented line). False when there is no console.
 * Leaves the UART as it is: polled, its interrupts off at the device.
 */
bool hal_console_device(struct hal_console_device *out);

#endif /* HAL_CONSOLE_H */
