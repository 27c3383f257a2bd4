/*
 * platforms/pc_x86_64/console.c - HAL console: a 16550 UART on an I/O port.
 *
 * The port comes from the ACPI SPCR table when the firmware provides one
 * with an I/O-space 16550; otherwise COM1 (0x3f8), which every PC-compatible
 * machine and QEMU's q35 have. The firmware already programmed the line
 * (115200 8N1 under OVMF); we set the same so a cold port works too.
 */
#include "io.h"

#include <core/acpi.h>
#include <hal/console.h>

#define COM1	      0x3f8
#define UART_THR      0 /* transmit holding register */
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_DLL      0 /* with LCR.DLAB */
#define UART_DLM      1
#define LCR_8N1	      0x03
#define LCR_DLAB      0x80
#define LSR_THR_EMPTY 0x20

static uint16_t port;

bool hal_console_init(const struct boot_info *bi)
{
	uint8_t type;
	struct acpi_gas gas;

	port = COM1;
	if (bi->rsdp_phys != 0 && acpi_spcr(&type, &gas, NULL) && gas.space_id == ACPI_GAS_IO &&
	    (type == ACPI_SPCR_16550 || type == ACPI_SPCR_16550_GAS) && gas.address <= 0xfff8)
		port = (uint16_t)gas.address;

	outb(port + UART_IER, 0x00); /* polled: no interrupts */
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, 1); /* 115200 baud: divisor 1 */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, 0x07); /* FIFOs on and cleared */
	outb(port + UART_MCR, 0x03); /* DTR, RTS */
	return true;
}

void hal_console_putc(char c)
{
	/* A bounded wait: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(inb(port + UART_LSR) & LSR_THR_EMPTY); i++)
		__asm__ volatile("pause");
	outb(port + UART_THR, (uint8_t)c);
}
