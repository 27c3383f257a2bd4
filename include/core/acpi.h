/*
 * include/core/acpi.h - reading the firmware's ACPI tables.
 *
 * Only table lookup and the few fixed-layout tables the early kernel needs
 * (SPCR for the console, FADT and the DSDT's \_S5 package for power-off).
 * No AML interpreter: \_S5 is found by the byte pattern every firmware
 * emits for it. All addresses are read through the direct map.
 */
#ifndef CORE_ACPI_H
#define CORE_ACPI_H

#include <base/compiler.h>
#include <stdbool.h>
#include <stdint.h>

struct acpi_sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

/* Generic Address Structure. */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO	1
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 1 byte, 2 word, 3 dword, 4 qword; 0 legacy */
	uint64_t address;
} __packed;

/*
 * The table with this 4-character signature, found through the XSDT (or
 * the RSDT on ACPI 1.0), with its checksum verified; NULL when there is no
 * ACPI, no such table, or it is corrupt.
 */
const struct acpi_sdt_header *acpi_find_table(const char *signature);

/*
 * The same search from an explicit RSDP, reading physical address p at
 * p + offset: the direct map's offset in the kernel, 0 in the UEFI loader
 * (which runs identity-mapped). core/acpi_tables.c; needs only base/.
 */
const struct acpi_sdt_header *acpi_find_table_at(uint64_t rsdp_phys, uint64_t offset,
						 const char *signature);

/* The table at physical address phys (read at phys + offset) if its length and checksum hold. */
const struct acpi_sdt_header *acpi_table_at(uint64_t phys, uint64_t offset);

/* SPCR interface types this kernel drives. */
#define ACPI_SPCR_16550	    0x00
#define ACPI_SPCR_PL011	    0x03
#define ACPI_SPCR_16550_GAS 0x12

/*
 * SPCR's interrupt type bits (byte 52) that say its Global System
 * Interrupt field (byte 54) is valid: I/O APIC, I/O SAPIC, ARM GIC,
 * RISC-V PLIC/APLIC. Bit 0 alone (a PC-AT 8259 IRQ) does not.
 */
#define ACPI_SPCR_INT_GSI_MASK 0x1e
#define ACPI_SPCR_NO_GSI       UINT32_MAX

/*
 * The serial console the firmware names in SPCR: false when there is none.
 * `gsi` may be NULL; otherwise it gets the UART's GSI when the table's
 * interrupt type says that field is valid, else ACPI_SPCR_NO_GSI.
 */
bool acpi_spcr(uint8_t *interface_type, struct acpi_gas *base, uint32_t *gsi);

/*
 * What writing S5 (soft off) takes: the PM1a (and optional PM1b) control
 * register and the sleep type values from the DSDT's \_S5 package. False
 * when the FADT or \_S5 is missing or in a form this parser does not know.
 */
struct acpi_s5 {
	struct acpi_gas pm1a_cnt, pm1b_cnt; /* pm1b_cnt.address 0 when absent */
	/*
	 * Hardware-reduced ACPI (FADT flag HW_REDUCED_ACPI, e.g. QEMU's arm,
	 * riscv and loongarch virt machines) has no PM1 blocks: S5 is entered by
	 * writing (SLP_TYP << 2) | SLP_EN to the sleep control register.
	 */
	bool hw_reduced;
	struct acpi_gas sleep_control; /* address 0 when absent */
	uint16_t slp_typa, slp_typb;
};
bool acpi_s5(struct acpi_s5 *out);

/* PM1 control register bits for entering a sleep state. */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN	       (1u << 13)
/* Sleep control register bits (hardware-reduced ACPI). */
#define ACPI_SLEEP_TYP_SHIFT   2
#define ACPI_SLEEP_EN	       (1u << 5)

/*
 * FADT "ARM boot architecture flags": whether PSCI is implemented and
 * whether it is called with HVC (else SMC). False without an FADT.
 */
bool acpi_arm_psci(bool *psci_compliant, bool *use_hvc);

#endif /* CORE_ACPI_H */
