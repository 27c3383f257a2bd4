/*
 * platforms/pc_aarch64/console.c - HAL console: an Arm PL011 UART.
 *
 * The UART is the one the firmware names: the ACPI SPCR table (interface
 * type 3, PL011, in memory space), else the device tree's /chosen
 * stdout-path when it leads to an "arm,pl011" node, else 0x09000000, where
 * QEMU's virt machine puts its PL011. The firmware already programmed the
 * line (115200 8N1 under edk2), so we only write bytes; changing the baud
 * rate would need the UART's reference clock, which neither table gives
 * reliably.
 *
 * The registers are reached through the direct map (phys_to_virt()). The
 * loader maps them as Normal write-back memory, which QEMU tolerates because
 * it models no caches; the kernel's own direct map (paging.c) then maps the
 * UART's page as Device-nGnRE, which real hardware needs, using
 * aarch64_console_phys(). Every access is a volatile 32-bit load or store.
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/fdt.h>
#include <hal/console.h>

#include "platform.h"

#define PL011_QEMU_VIRT UINT64_C(0x09000000)
#define PL011_DR	0x00	  /* data register: a write queues one byte */
#define PL011_FR	0x18	  /* flag register */
#define PL011_FR_TXFF	(1u << 5) /* transmit FIFO full */

static volatile uint32_t *uart;
static uint64_t uart_phys; /* for the direct map's device page; 0 before init */

/*
 * The node /chosen's stdout-path names, or FDT_NONE. The value is a path
 * or an alias ("serial0"), optionally followed by ":115200n8" line settings.
 */
static int fdt_stdout(const struct fdt *fdt)
{
	uint32_t size;
	const char *path = fdt_prop(fdt, fdt_find_node(fdt, "/chosen", 7), "stdout-path", &size);

	if (path == NULL)
		return FDT_NONE;
	size_t len = strnlen(path, size);
	const char *colon = memchr(path, ':', len);

	return fdt_find_node(fdt, path, colon != NULL ? (size_t)(colon - path) : len);
}

/* The PL011 the firmware describes, or 0. */
static uint64_t firmware_uart(const struct boot_info *bi)
{
	uint8_t type;
	struct acpi_gas gas;
	struct fdt fdt;
	uint64_t base, size;

	if (bi->rsdp_phys != 0 && acpi_spcr(&type, &gas, NULL) && type == ACPI_SPCR_PL011 &&
	    gas.space_id == ACPI_GAS_MEMORY)
		return gas.address;
	if (fdt_boot(&fdt)) {
		int node = fdt_stdout(&fdt);

		if (fdt_is_compatible(&fdt, node, "arm,pl011") &&
		    fdt_reg(&fdt, node, 0, &base, &size))
			return base;
	}
	return 0;
}

bool hal_console_init(const struct boot_info *bi)
{
	uint64_t phys = firmware_uart(bi);

	if (phys == 0)
		phys = PL011_QEMU_VIRT;
	uart_phys = phys;
	uart = phys_to_virt(phys);
	return true;
}

uint64_t aarch64_console_phys(void)
{
	return uart_phys;
}

void hal_console_putc(char c)
{
	/* A bounded wait: a missing or stuck UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && (uart[PL011_FR / 4] & PL011_FR_TXFF); i++)
		__asm__ volatile("yield");
	uart[PL011_DR / 4] = (uint8_t)c;
}
