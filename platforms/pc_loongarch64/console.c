/*
 * platforms/pc_loongarch64/console.c - HAL console: a memory-mapped NS16550A UART.
 *
 * The UART comes from the ACPI SPCR table when the firmware provides one
 * with a 16550 in memory space; otherwise the address where QEMU's
 * loongarch virt machine (like Loongson's 7A bridge) puts its UART,
 * 0x1fe001e0. Its registers are one byte wide and one byte apart.
 *
 * The registers are reached through the direct map, which the loader maps
 * with the coherent cached memory type (MAT CC) like all of the HHDM. Real
 * hardware needs device registers uncached (strongly-ordered, MAT SUC);
 * QEMU ignores the memory type, so this suffices until the kernel maps its
 * devices itself.
 *
 * The firmware has already set the line up (baud rate, 8N1). The baud
 * divisor depends on the UART's input clock, which is not known here, so
 * the line settings stay as they are; only interrupts are turned off, as
 * output is polled.
 */
#include <core/acpi.h>
#include <hal/console.h>

#define UART_FALLBACK 0x1fe001e0
#define UART_THR      0 /* transmit holding register */
#define UART_IER      1
#define UART_LSR      5
#define LSR_THR_EMPTY 0x20

static volatile uint8_t *uart;

bool hal_console_init(const struct boot_info *bi)
{
	uint64_t base = UART_FALLBACK;
	uint8_t type;
	struct acpi_gas gas;

	if (bi->rsdp_phys != 0 && acpi_spcr(&type, &gas, NULL) && gas.space_id == ACPI_GAS_MEMORY &&
	    (type == ACPI_SPCR_16550 || type == ACPI_SPCR_16550_GAS))
		base = gas.address;
	uart = phys_to_virt(base);
	uart[UART_IER] = 0x00; /* polled: no interrupts */
	return true;
}

void hal_console_putc(char c)
{
	/* A bounded wait: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(uart[UART_LSR] & LSR_THR_EMPTY); i++)
		;
	uart[UART_THR] = (uint8_t)c;
}
