/*
 * platforms/pc_riscv64/console.c - HAL console: a memory-mapped NS16550A UART.
 *
 * Where the UART is, in order of preference:
 *  1. the device tree: /chosen "stdout-path" (a path or an alias, maybe
 *     with ":115200n8"-style options), naming a node compatible with
 *     "ns16550a" whose first "reg" entry is the base and whose optional
 *     "reg-shift" spaces the registers 1 << shift bytes apart;
 *  2. the ACPI SPCR table, for a memory-mapped 16550 (QEMU's virt machine
 *     with edk2 has ACPI and passes no device tree at all);
 *  3. 0x10000000, the UART of QEMU's virt machine.
 *
 * Registers are accessed a byte at a time through the direct map (the HHDM
 * covers the first 4 GiB, and the physical memory attributes make the
 * region uncached I/O whatever the page tables say). The firmware already
 * set the line up (115200 8N1 under edk2); only the UART's interrupts are
 * turned off, because its clock, and so its divisor, is the firmware's
 * business.
 *
 * Limitation: "reg" is read as a CPU physical address, which holds when
 * the buses above the UART translate nothing (an empty "ranges", as on QEMU).
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/fdt.h>
#include <core/log.h>
#include <hal/console.h>

#define UART_FALLBACK 0x10000000
#define UART_THR      0 /* transmit holding register */
#define UART_IER      1 /* interrupt enable */
#define UART_LSR      5 /* line status */
#define LSR_THR_EMPTY 0x20
#define REG_SHIFT_MAX 4 /* registers at most 16 bytes apart */

static volatile uint8_t *uart;
static unsigned reg_shift;

static void uart_write(unsigned reg, uint8_t v)
{
	uart[reg << reg_shift] = v;
}

static uint8_t uart_read(unsigned reg)
{
	return uart[reg << reg_shift];
}

/* The UART that /chosen's stdout-path names, when it is one this driver knows. */
static bool uart_from_fdt(uint64_t *base, unsigned *shift)
{
	struct fdt f;
	uint32_t len;

	if (!fdt_boot(&f))
		return false;
	int chosen = fdt_find_node(&f, "/chosen", 7);
	const char *path = fdt_prop(&f, chosen, "stdout-path", &len);

	if (path == NULL)
		path = fdt_prop(&f, chosen, "linux,stdout-path", &len); /* the older name */
	if (path == NULL)
		return false;
	/* The path ends at its NUL, or where the options start. */
	size_t n = strnlen(path, len);
	const char *colon = memchr(path, ':', n);

	if (colon != NULL)
		n = (size_t)(colon - path);

	int node = fdt_find_node(&f, path, n);
	uint64_t addr, size;
	uint32_t rs = 0;

	if (node == FDT_NONE || !fdt_is_compatible(&f, node, "ns16550a") ||
	    !fdt_reg(&f, node, 0, &addr, &size))
		return false;
	fdt_prop_u32(&f, node, "reg-shift", &rs);
	if (rs > REG_SHIFT_MAX)
		return false;
	*base = addr;
	*shift = rs;
	return true;
}

/* The SPCR console, when it is a memory-mapped 16550. */
static bool uart_from_spcr(uint64_t *base, unsigned *shift)
{
	uint8_t type;
	struct acpi_gas gas;

	if (!acpi_spcr(&type, &gas, NULL) || gas.space_id != ACPI_GAS_MEMORY ||
	    (type != ACPI_SPCR_16550 && type != ACPI_SPCR_16550_GAS))
		return false;
	*base = gas.address;
	/*
	 * The access size gives the register spacing, as Linux reads it: a
	 * byte (QEMU's virt says so, though its bit width says 32) packs the
	 * registers, a word or dword spaces them 2 or 4 bytes apart.
	 */
	*shift = gas.access_size == 2 ? 1 : gas.access_size == 3 ? 2 : 0;
	return true;
}

bool hal_console_init(const struct boot_info *bi)
{
	uint64_t base;
	unsigned shift;
	const char *source;

	if (bi->dtb_phys != 0 && uart_from_fdt(&base, &shift)) {
		source = "the device tree's stdout-path";
	} else if (bi->rsdp_phys != 0 && uart_from_spcr(&base, &shift)) {
		source = "ACPI SPCR";
	} else {
		base = UART_FALLBACK;
		shift = 0;
		source = "the fallback address";
	}
	uart = phys_to_virt(base);
	reg_shift = shift;
	uart_write(UART_IER, 0x00); /* polled: no interrupts */
	log_info("console: 16550 at 0x%llx, registers %u byte(s) apart, from %s\n",
		 (unsigned long long)base, 1u << shift, source);
	return true;
}

void hal_console_putc(char c)
{
	/* A bounded wait: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(uart_read(UART_LSR) & LSR_THR_EMPTY); i++)
		__asm__ volatile("" ::: "memory");
	uart_write(UART_THR, (uint8_t)c);
}
