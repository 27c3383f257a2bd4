/*
 * platforms/pc_loongarch64/eiointc.c - the extended I/O interrupt
 * controller (EIOINTC): device vectors to a core's hardware line.
 *
 * The EIOINTC takes 256 vectors, the messages the bridge's controllers
 * send (pch_pic.c gives each device line one), and raises one of the
 * CPU's hardware lines HWI0-3 on one core. Its registers are in IOCSR
 * space, reached with iocsrrd/iocsrwr; what one core reads is the chip's
 * (the routing) or its own (the in-service bits):
 *   node type map  0x14a0  16 bits per node type: the nodes it names
 *   HWI map        0x14c0  1 byte per group of 32 vectors: bit n sends
 *                          the group to HWIn (n < 4)
 *   enable         0x1600  1 bit per vector
 *   bounce         0x1680  1 bit per vector: rotate among the cores the
 *                          core map names (0: always the first)
 *   in service     0x1800  1 bit per vector, the calling core's: set
 *                          when a vector is delivered to it, cleared by
 *                          writing 1 (the acknowledgement)
 *   core map       0x1c00  1 byte per vector: bits 3:0 one bit per core
 *                          of a node (core ID mod 4), bits 7:4 the node
 * The controller itself is turned on by IOCSR_MISC_FUNC bit 48.
 *
 * A vector is delivered once per request: a level-triggered device that
 * stays asserted after the acknowledgement does not interrupt again until
 * its line falls and rises (or is unmasked at the PCH-PIC, which sends the
 * request again). So a handler must silence its device, or the kernel
 * mask the line until it is (include/hal/irq.h).
 *
 * Policy: every vector goes to the boot CPU's core (the other platforms
 * do the same), without bouncing, to the HWI line the ACPI MADT's EIO PIC
 * entry names as the controller's cascade (HWI1 when it names none, as on
 * QEMU's virt machine). Vectors are enabled as the PCH-PIC hands them out
 * (la_eiointc_enable); masking is the PCH-PIC's job.
 *
 * Not done: more than one node's EIOINTC, the virtualisation extension's
 * encoded core numbers (QEMU's v-eiointc), MSI vectors.
 */
#include <core/log.h>
#include <core/spinlock.h>

#include "loongarch.h"

#define EIOINTC_NODE_TYPES 0x14a0
#define EIOINTC_HWI_MAP	   0x14c0
#define EIOINTC_ENABLE	   0x1600
#define EIOINTC_BOUNCE	   0x1680
#define EIOINTC_ISR	   0x1800
#define EIOINTC_CORE_MAP   0x1c00
#define EIOINTC_VECTORS	   256
#define EIOINTC_HWI_MAX	   4 /* the HWI map reaches HWI0-3 */
#define CORES_PER_NODE	   4

/* The MADT's EIO PIC entry (type 20): the CPU interrupt it cascades to at byte 3. */
#define MADT_EIO_PIC	     20
#define MADT_EIO_PIC_LEN     13
#define MADT_EIO_PIC_CASCADE 3
#define DEFAULT_HWI	     1

static struct spinlock enable_lock = SPINLOCK_INIT("eiointc enable");

/* A 32-bit register word holding the same byte four times. */
static uint32_t bytes4(uint8_t b)
{
	return (uint32_t)b * 0x01010101u;
}

unsigned la_eiointc_init(void)
{
	const uint8_t *eio = la_madt_entry(MADT_EIO_PIC, MADT_EIO_PIC_LEN);
	unsigned hwi = DEFAULT_HWI;

	/* The cascade is a CPU interrupt number: HWIn is n + INT_HWI0. */
	if (eio != NULL && eio[MADT_EIO_PIC_CASCADE] >= INT_HWI0 &&
	    eio[MADT_EIO_PIC_CASCADE] < INT_HWI0 + EIOINTC_HWI_MAX)
		hwi = eio[MADT_EIO_PIC_CASCADE] - INT_HWI0;

	uint32_t core = (uint32_t)csr_read(CSR_CPUID) & CPUID_MASK; /* the boot CPU's */
	uint8_t route = (uint8_t)((core / CORES_PER_NODE) << 4 | 1u << (core % CORES_PER_NODE));

	iocsr_write64(IOCSR_MISC_FUNC, iocsr_read64(IOCSR_MISC_FUNC) | MISC_FUNC_EXT_IOI_EN);
	/* Node type n names node n alone. */
	for (unsigned n = 0; n < 16; n += 2)
		iocsr_write32(EIOINTC_NODE_TYPES + 2 * n, 1u << n | 1u << (n + 1) << 16);
	for (unsigned v = 0; v < EIOINTC_VECTORS; v += 32) {
		iocsr_write32(EIOINTC_ENABLE + v / 8, 0);
		iocsr_write32(EIOINTC_BOUNCE + v / 8, 0);
		iocsr_write32(EIOINTC_ISR + v / 8, 0xffffffffu); /* nothing stale in service */
	}
	for (unsigned v = 0; v < EIOINTC_VECTORS / 32; v += 4)
		iocsr_write32(EIOINTC_HWI_MAP + v, bytes4((uint8_t)(1u << hwi)));
	for (unsigned v = 0; v < EIOINTC_VECTORS; v += 4)
		iocsr_write32(EIOINTC_CORE_MAP + v, bytes4(route));
	log_info("eiointc: %u vectors to core %u on HWI%u%s\n", EIOINTC_VECTORS, core, hwi,
		 eio != NULL ? "" : " (no EIO PIC in the MADT)");
	return INT_HWI0 + hwi;
}

void la_eiointc_enable(unsigned first, unsigned count)
{
	unsigned long flags = spin_lock_irqsave(&enable_lock);

	for (unsigned v = first; v < first + count && v < EIOINTC_VECTORS; v++) {
		unsigned long reg = EIOINTC_ENABLE + 4 * (v / 32);

		iocsr_write32(reg, iocsr_read32(reg) | 1u << (v % 32));
	}
	spin_unlock_irqrestore(&enable_lock, flags);
}

int la_eiointc_claim(void)
{
	for (unsigned v = 0; v < EIOINTC_VECTORS; v += 32) {
		uint32_t pending = iocsr_read32(EIOINTC_ISR + v / 8);

		if (pending == 0)
			continue;
		unsigned bit = (unsigned)__builtin_ctz(pending);

		/*
		 * Only this vector: another one in service keeps the HWI line
		 * raised, and the next exception takes it.
		 */
		iocsr_write32(EIOINTC_ISR + v / 8, 1u << bit);
		return (int)(v + bit);
	}
	return -1;
}
