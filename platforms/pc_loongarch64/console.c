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
 *
 * Its interrupt line (hal_console_device) is SPCR's GSI when the table
 * gives one, else GSI 66: input 2 of the PCH-PIC, whose GSIs start at 64,
 * where QEMU's virt machine wires this UART.
 */
#include <core/acpi.h>
#include <hal/console.h>

#define UART_FALLBACK	  0x1fe001e0
#define UART_FALLBACK_GSI 66
#define UART_REGISTERS	  8 /* bytes: the 16550's eight registers */
#define UART_THR	  0 /* transmit holding register */
#define UART_IER	  1
#define UART_LSR	  5
#define LSR_THR_EMPTY	  0x20

static volatile uint8_t *uart;
static uint64_t uart_phys;
static unsigned uart_gsi = UART_FALLBACK_GSI;

bool hal_console_init(const struct boot_info *bi)
{
	uint64_t base = UART_FALLBACK;
	uint8_t type;
	struct acpi_gas gas;
	uint32_t gsi;

	if (bi->rsdp_phys != 0 && acpi_spcr(&type, &gas, &gsi) && gas.space_id == ACPI_GAS_MEMORY &&
	    (type == ACPI_SPCR_16550 || type == ACPI_SPCR_16550_GAS)) {
		base = gas.address;
		if (gsi != ACPI_SPCR_NO_GSI)
			uart_gsi = gsi;
	}
	uart_phys = base;
	uart = phys_to_virt(base);
	uart[UART_IER] = 0x00; /* polled: no interrupts */
	return true;
}

bool hal_console_device(struct hal_console_device *out)
{
	if (uart == NULL)
		return false;
	*out = (struct hal_console_device){
		.type = HAL_CONSOLE_16550,
		.port_io = false,
		.base = uart_phys,
		.size = UART_REGISTERS,
		.reg_shift = 0,
		.reg_width = 1,
		.has_irq = true,
		.irq = uart_gsi,
	};
	return true;
}

void hal_console_putc(char c)
{
	/* A bounded wait: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(uart[UART_LSR] & LSR_THR_EMPTY); i++)
		;
	uart[UART_THR] = (uint8_t)c;
}
