/*
 * platforms/pc_loongarch64/pch_pic.c - the bridge's interrupt controller
 * (PCH-PIC, LS7A "BIO PIC"): the device lines.
 *
 * The PCH-PIC has up to 64 inputs, the devices' interrupt lines, and
 * turns each into a message to the EIOINTC (eiointc.c) carrying the
 * vector the input's byte names. Where it is: the ACPI MADT's BIO PIC
 * entry (type 22: address at byte 3, GSI base at 15); QEMU's virt machine
 * puts it at 0x10000000 with GSI base 64. Registers (memory-mapped; the
 * bit registers are two 32-bit words, inputs 0-31 then 32-63):
 *   ID             0x000  word 1 bits 23:16: the number of inputs - 1
 *   mask           0x020  1 masks the input
 *   message enable 0x040  1 sends the input as a message (to the EIOINTC)
 *   edge           0x060  1 edge-triggered, 0 level-triggered
 *   clear          0x080  write 1: forget an edge input's latched request
 *   auto control   0x0c0, 0x0e0  0: no automatic rotation among cores
 *   route          0x100  1 byte per input: 1 (the first HT interrupt line)
 *   vector         0x200  1 byte per input: its EIOINTC vector
 *   polarity       0x3e0  1 active low (or falling edge), 0 active high
 * The byte registers take byte accesses only, the others 32-bit ones.
 *
 * Line numbers (hal_irq_unmask, IRQ_DEVICE): the ACPI GSI, the GSI base
 * plus the input. Input n gets EIOINTC vector n, as Linux gives the first
 * PCH-PIC and QEMU's virt machine wires it; the vectors above the
 * PCH-PIC's inputs are left to MSIs.
 *
 * Trigger: every input is level-triggered, active high. Nothing short of
 * an AML interpreter (the devices' _CRS) says otherwise, and that is what
 * the LS7A's own devices and QEMU's virt machine (its UART, RTC, PCI
 * INTx) use. A level input needs no acknowledgement here: the request
 * follows the line, and unmasking an input whose line is still high sends
 * it again.
 *
 * The registers are reached through the direct map, which maps the first
 * 4 GiB not reported as memory strongly-ordered uncached (paging.c). Only
 * one PCH-PIC (the MADT's first) is driven.
 */
#include <base/string.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <core/spinlock.h>

#include "loongarch.h"

#define PCH_PIC_ID	      0x000
#define PCH_PIC_MASK	      0x020
#define PCH_PIC_MSG_ENABLE    0x040
#define PCH_PIC_EDGE	      0x060
#define PCH_PIC_CLEAR	      0x080
#define PCH_PIC_AUTO0	      0x0c0
#define PCH_PIC_AUTO1	      0x0e0
#define PCH_PIC_ROUTE	      0x100
#define PCH_PIC_VECTOR	      0x200
#define PCH_PIC_POLARITY      0x3e0
#define PCH_PIC_SPAN	      0x400
#define PCH_PIC_INPUTS_MAX    64
#define PCH_PIC_ROUTE_HT0_LO  1
#define PCH_PIC_INPUTS(word1) ((((word1) >> 16) & 0xff) + 1)
#define FOUR_GIB	      (UINT64_C(1) << 32)

/* The MADT's BIO PIC entry (type 22). */
#define MADT_BIO_PIC	      22
#define MADT_BIO_PIC_LEN      17
#define MADT_BIO_PIC_ADDRESS  3
#define MADT_BIO_PIC_GSI_BASE 15

static struct {
	volatile uint8_t *base; /* NULL: no PCH-PIC driven */
	unsigned inputs;
	unsigned gsi_base;
	struct spinlock lock; /* the mask words */
} pic = { .lock = SPINLOCK_INIT("pch-pic") };

static volatile uint32_t *word(unsigned offset, unsigned input)
{
	return (volatile uint32_t *)(pic.base + offset + 4 * (input / 32));
}

/* Write `value` to both 32-bit words of a bit register. */
static void set_words(unsigned offset, uint32_t value)
{
	*word(offset, 0) = value;
	*word(offset, 32) = value;
}

bool la_pch_pic_init(void)
{
	const uint8_t *e = la_madt_entry(MADT_BIO_PIC, MADT_BIO_PIC_LEN);
	uint64_t base;
	uint16_t gsi_base;

	if (e == NULL) {
		log_warn("pch-pic: no BIO PIC in the ACPI MADT; device lines not driven\n");
		return false;
	}
	memcpy(&base, e + MADT_BIO_PIC_ADDRESS, 8);
	memcpy(&gsi_base, e + MADT_BIO_PIC_GSI_BASE, 2);
	if (base == 0 || base >= FOUR_GIB || PCH_PIC_SPAN > FOUR_GIB - base) {
		log_warn("pch-pic: at 0x%llx, outside the direct map's device window; device "
			 "lines not driven\n",
			 (unsigned long long)base);
		return false;
	}
	pic.base = phys_to_virt(base);
	pic.gsi_base = gsi_base;
	pic.inputs = PCH_PIC_INPUTS(*word(PCH_PIC_ID, 32));
	if (pic.inputs > PCH_PIC_INPUTS_MAX)
		pic.inputs = PCH_PIC_INPUTS_MAX;

	/* Every input masked, level-triggered, active high, sent as a message with its vector. */
	set_words(PCH_PIC_MASK, 0xffffffffu);
	set_words(PCH_PIC_EDGE, 0);
	set_words(PCH_PIC_POLARITY, 0);
	set_words(PCH_PIC_CLEAR, 0xffffffffu);
	set_words(PCH_PIC_AUTO0, 0);
	set_words(PCH_PIC_AUTO1, 0);
	set_words(PCH_PIC_MSG_ENABLE, 0xffffffffu);
	for (unsigned n = 0; n < pic.inputs; n++) {
		pic.base[PCH_PIC_ROUTE + n] = PCH_PIC_ROUTE_HT0_LO;
		pic.base[PCH_PIC_VECTOR + n] = (uint8_t)n;
	}
	/* Masking is done here, per input; the EIOINTC passes all of this controller's vectors. */
	la_eiointc_enable(0, pic.inputs);
	log_info("pch-pic: at 0x%llx, %u inputs from GSI %u (EIOINTC vectors 0-%u)\n",
		 (unsigned long long)base, pic.inputs, pic.gsi_base, pic.inputs - 1);
	return true;
}

bool la_pch_pic_mask(unsigned gsi, bool masked)
{
	if (pic.base == NULL || gsi < pic.gsi_base || gsi - pic.gsi_base >= pic.inputs)
		return false;
	unsigned n = gsi - pic.gsi_base;
	unsigned long flags = spin_lock_irqsave(&pic.lock);
	volatile uint32_t *w = word(PCH_PIC_MASK, n);

	if (masked)
		*w |= UINT32_C(1) << (n % 32);
	else
		*w &= ~(UINT32_C(1) << (n % 32));
	spin_unlock_irqrestore(&pic.lock, flags);
	return true;
}

bool la_pch_pic_gsi(unsigned vector, unsigned *gsi)
{
	if (pic.base == NULL || vector >= pic.inputs)
		return false;
	*gsi = pic.gsi_base + vector;
	return true;
}
