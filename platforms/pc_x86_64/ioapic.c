/*
 * platforms/pc_x86_64/ioapic.c - device lines: the I/O APICs, and the 8259 PICs silenced.
 *
 * The MADT lists each I/O APIC (its registers and the first global system
 * interrupt, GSI, it serves) and the interrupt source overrides that say
 * where an ISA IRQ landed and with which polarity and trigger. A GSI
 * without an override is an ISA line (GSI < 16: edge, active high) or a
 * PCI line (level, active low).
 *
 * Every line is masked at init. Unmasking GSI g programs a fixed-delivery
 * entry with vector VEC_GSI_BASE + g, physical destination the boot CPU.
 * The redirection table is reached through a select/window register pair,
 * so one lock serialises all access.
 */
#include "io.h"
#include "x86.h"

#include <base/compiler.h>
#include <core/acpi.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#define IOAPIC_MAX   8
#define OVERRIDE_MAX 32

#define IOREGSEL	0x00
#define IOWIN		0x10 /* bytes from IOREGSEL; the registers are 32-bit */
#define IOAPIC_VER	0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n)) /* low word; high word at +1 */

#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL	 (1u << 15)
#define REDIR_MASKED	 (1u << 16)

/* MADT entries (ACPI 6.5, 5.2.12). */
#define MADT_ENTRIES	44
#define MADT_IOAPIC	1		  /* u8 id, u8 reserved, u32 address, u32 GSI base */
#define MADT_OVERRIDE	2		  /* u8 bus, u8 source IRQ, u32 GSI, u16 flags */
#define MPS_POLARITY(f) ((f) & 3u)	  /* 0 bus default, 1 high, 3 low */
#define MPS_TRIGGER(f)	(((f) >> 2) & 3u) /* 0 bus default, 1 edge, 3 level */

/* The 8259 pair. */
#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	unsigned lines;
};

struct override {
	uint32_t gsi;
	uint16_t flags;
	uint8_t irq;
};

static struct ioapic ioapics[IOAPIC_MAX];
static size_t ioapic_count;
static struct override overrides[OVERRIDE_MAX];
static size_t override_count;
static unsigned gsi_count; /* GSIs below this have a vector */
static uint32_t boot_apic_id;
static struct spinlock lock = SPINLOCK_INIT("ioapic");

static uint32_t ioapic_read(const struct ioapic *a, unsigned reg)
{
	a->regs[IOREGSEL / 4] = reg;
	return a->regs[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *a, unsigned reg, uint32_t v)
{
	a->regs[IOREGSEL / 4] = reg;
	a->regs[IOWIN / 4] = v;
}

/*
 * Move the 8259s' vectors to VEC_PIC_BASE (their power-on ones overlap the
 * exceptions) and mask every line. Masked, they still may raise a spurious
 * IRQ 7 or 15, which then has a vector of its own.
 */
static void pic_disable(void)
{
	static const uint8_t init[][2] = {
		{ PIC1_CMD, 0x11 },	     { PIC2_CMD, 0x11 }, /* ICW1: init, ICW4 follows */
		{ PIC1_DATA, VEC_PIC_BASE }, { PIC2_DATA, VEC_PIC_BASE + 8 }, /* ICW2: vectors */
		{ PIC1_DATA, 0x04 },	     { PIC2_DATA, 0x02 }, /* ICW3: slave on IRQ 2 */
		{ PIC1_DATA, 0x01 },	     { PIC2_DATA, 0x01 }, /* ICW4: 8086 mode */
		{ PIC1_DATA, 0xff },	     { PIC2_DATA, 0xff }, /* OCW1: all masked */
	};

	for (size_t i = 0; i < ARRAY_SIZE(init); i++) {
		outb(init[i][0], init[i][1]);
		outb(0x80, 0); /* a short delay for old PICs */
	}
}

static void parse_madt(void)
{
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");

	if (madt == NULL)
		panic("irq: no ACPI MADT: cannot find the I/O APIC");
	const uint8_t *p = (const uint8_t *)madt + MADT_ENTRIES;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12 && ioapic_count < IOAPIC_MAX) {
			uint32_t addr, base;

			__builtin_memcpy(&addr, p + 4, 4);
			__builtin_memcpy(&base, p + 8, 4);
			ioapics[ioapic_count].regs = x86_mmio(addr, 0x20);
			ioapics[ioapic_count].gsi_base = base;
			ioapic_count++;
		} else if (p[0] == MADT_OVERRIDE && p[1] >= 10 && override_count < OVERRIDE_MAX) {
			struct override *o = &overrides[override_count++];

			o->irq = p[3];
			__builtin_memcpy(&o->gsi, p + 4, 4);
			__builtin_memcpy(&o->flags, p + 8, 2);
		}
	}
	if (ioapic_count == 0)
		panic("irq: the MADT lists no I/O APIC");
}

void ioapic_init(void)
{
	pic_disable();
	parse_madt();
	boot_apic_id = lapic_id();
	for (size_t i = 0; i < ioapic_count; i++) {
		struct ioapic *a = &ioapics[i];

		a->lines = ((ioapic_read(a, IOAPIC_VER) >> 16) & 0xff) + 1;
		for (unsigned n = 0; n < a->lines; n++) {
			ioapic_write(a, IOAPIC_REDIR(n), REDIR_MASKED);
			ioapic_write(a, IOAPIC_REDIR(n) + 1, 0);
		}
		if (a->gsi_base + a->lines > gsi_count)
			gsi_count = a->gsi_base + a->lines;
		log_debug("irq: I/O APIC %zu: GSI %u-%u\n", i, a->gsi_base,
			  a->gsi_base + a->lines - 1);
	}
	if (gsi_count > VEC_GSI_LAST - VEC_GSI_BASE + 1)
		gsi_count = VEC_GSI_LAST - VEC_GSI_BASE + 1;
}

unsigned ioapic_gsi_count(void)
{
	return gsi_count;
}

/* The I/O APIC serving `gsi` and the line's index on it, or NULL. */
static struct ioapic *find(unsigned gsi, unsigned *line)
{
	if (gsi >= gsi_count)
		return NULL;
	for (size_t i = 0; i < ioapic_count; i++) {
		struct ioapic *a = &ioapics[i];

		if (gsi >= a->gsi_base && gsi - a->gsi_base < a->lines) {
			*line = gsi - a->gsi_base;
			return a;
		}
	}
	return NULL;
}

/* Polarity and trigger bits of a redirection entry for `gsi`. */
static uint32_t line_mode(unsigned gsi)
{
	bool isa = gsi < 16, low = !isa, level = !isa;

	for (size_t i = 0; i < override_count; i++) {
		if (overrides[i].gsi != gsi)
			continue;
		/* An override always names an ISA source: the bus defaults are ISA's. */
		uint16_t f = overrides[i].flags;

		low = MPS_POLARITY(f) == 3;
		level = MPS_TRIGGER(f) == 3;
		break;
	}
	return (low ? REDIR_ACTIVE_LOW : 0) | (level ? REDIR_LEVEL : 0);
}

bool hal_irq_unmask(unsigned irq)
{
	unsigned line;
	struct ioapic *a = find(irq, &line);

	if (a == NULL)
		return false;
	unsigned long flags = spin_lock_irqsave(&lock);

	ioapic_write(a, IOAPIC_REDIR(line) + 1, boot_apic_id << 24);
	ioapic_write(a, IOAPIC_REDIR(line), line_mode(irq) | (VEC_GSI_BASE + irq));
	spin_unlock_irqrestore(&lock, flags);
	return true;
}

bool hal_irq_mask(unsigned irq)
{
	unsigned line;
	struct ioapic *a = find(irq, &line);

	if (a == NULL)
		return false;
	unsigned long flags = spin_lock_irqsave(&lock);

	ioapic_write(a, IOAPIC_REDIR(line), ioapic_read(a, IOAPIC_REDIR(line)) | REDIR_MASKED);
	spin_unlock_irqrestore(&lock, flags);
	return true;
}
