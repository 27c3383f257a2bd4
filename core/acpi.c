/*
 * core/acpi.c - find ACPI tables; read SPCR and the S5 sleep values.
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/boot_info.h>

const struct acpi_sdt_header *acpi_find_table(const char *signature)
{
	const struct boot_info *bi = boot_info();

	return acpi_find_table_at(bi->rsdp_phys, bi->hhdm_offset, signature);
}

/* SPCR field offsets (ACPI SPCR, revision 2 and later). */
#define SPCR_INTERFACE_TYPE 36
#define SPCR_BASE_ADDRESS   40
#define SPCR_INTERRUPT_TYPE 52
#define SPCR_GSI	    54

bool acpi_spcr(uint8_t *interface_type, struct acpi_gas *base, uint32_t *gsi)
{
	const struct acpi_sdt_header *spcr = acpi_find_table("SPCR");

	if (spcr == NULL || spcr->length < SPCR_INTERRUPT_TYPE)
		return false;
	const uint8_t *b = (const uint8_t *)spcr;

	*interface_type = b[SPCR_INTERFACE_TYPE];
	memcpy(base, b + SPCR_BASE_ADDRESS, sizeof(*base));
	if (gsi != NULL) {
		*gsi = ACPI_SPCR_NO_GSI;
		if (spcr->length >= SPCR_GSI + 4 &&
		    (b[SPCR_INTERRUPT_TYPE] & ACPI_SPCR_INT_GSI_MASK))
			memcpy(gsi, b + SPCR_GSI, 4);
	}
	return base->address != 0;
}

/*
 * An AML integer as it appears in a package: ZeroOp (0x00), OneOp (0x01),
 * BytePrefix (0x0a) nn, WordPrefix (0x0b) nnnn. Advances *p.
 */
static bool aml_small_int(const uint8_t **p, const uint8_t *end, uint16_t *out)
{
	if (*p >= end)
		return false;
	uint8_t op = *(*p)++;

	if (op == 0x00 || op == 0x01) {
		*out = op;
	} else if (op == 0x0a && *p < end) {
		*out = *(*p)++;
	} else if (op == 0x0b && *p + 1 < end) {
		*out = (uint16_t)((*p)[0] | (*p)[1] << 8);
		*p += 2;
	} else {
		return false;
	}
	return true;
}

/* FADT field offsets (ACPI 6.x, table 5.9). */
#define FADT_DSDT		40
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1B_CNT_BLK	68
#define FADT_PM1_CNT_LEN	89
#define FADT_FLAGS		112
#define FADT_ARM_BOOT_ARCH	129
#define FADT_X_DSDT		140
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_PM1B_CNT_BLK	184
#define FADT_SLEEP_CONTROL_REG	244
#define FADT_FLAG_HW_REDUCED	(1u << 20)
#define ARM_BOOT_PSCI_COMPLIANT (1u << 0)
#define ARM_BOOT_PSCI_USE_HVC	(1u << 1)

bool acpi_arm_psci(bool *psci_compliant, bool *use_hvc)
{
	const struct acpi_sdt_header *fadt = acpi_find_table("FACP");
	uint16_t flags;

	if (fadt == NULL || fadt->length < FADT_ARM_BOOT_ARCH + 2)
		return false;
	memcpy(&flags, (const uint8_t *)fadt + FADT_ARM_BOOT_ARCH, 2);
	*psci_compliant = flags & ARM_BOOT_PSCI_COMPLIANT;
	*use_hvc = flags & ARM_BOOT_PSCI_USE_HVC;
	return true;
}

bool acpi_s5(struct acpi_s5 *out)
{
	const struct acpi_sdt_header *fadt = acpi_find_table("FACP");

	if (fadt == NULL || fadt->length < FADT_PM1_CNT_LEN + 1)
		return false;
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t pm1a = 0, pm1b = 0, dsdt32 = 0;
	uint64_t dsdt = 0;

	memset(out, 0, sizeof(*out));
	memcpy(&dsdt32, f + FADT_DSDT, 4);
	memcpy(&pm1a, f + FADT_PM1A_CNT_BLK, 4);
	memcpy(&pm1b, f + FADT_PM1B_CNT_BLK, 4);
	dsdt = dsdt32;
	if (fadt->length >= FADT_X_PM1B_CNT_BLK + sizeof(struct acpi_gas)) {
		uint64_t x_dsdt;

		memcpy(&x_dsdt, f + FADT_X_DSDT, 8);
		if (x_dsdt != 0)
			dsdt = x_dsdt;
		memcpy(&out->pm1a_cnt, f + FADT_X_PM1A_CNT_BLK, sizeof(out->pm1a_cnt));
		memcpy(&out->pm1b_cnt, f + FADT_X_PM1B_CNT_BLK, sizeof(out->pm1b_cnt));
	}
	/* The 32-bit I/O port fields when the extended ones are empty. */
	if (out->pm1a_cnt.address == 0 && pm1a != 0)
		out->pm1a_cnt = (struct acpi_gas){ ACPI_GAS_IO, 16, 0, 2, pm1a };
	if (out->pm1b_cnt.address == 0 && pm1b != 0)
		out->pm1b_cnt = (struct acpi_gas){ ACPI_GAS_IO, 16, 0, 2, pm1b };
	uint32_t fadt_flags;

	memcpy(&fadt_flags, f + FADT_FLAGS, 4);
	out->hw_reduced = fadt_flags & FADT_FLAG_HW_REDUCED;
	if (fadt->length >= FADT_SLEEP_CONTROL_REG + sizeof(struct acpi_gas))
		memcpy(&out->sleep_control, f + FADT_SLEEP_CONTROL_REG, sizeof(out->sleep_control));
	if (out->pm1a_cnt.address == 0 && out->sleep_control.address == 0)
		return false;

	const struct acpi_sdt_header *d = acpi_table_at(dsdt, boot_info()->hhdm_offset);

	if (d == NULL)
		return false;
	const uint8_t *p = (const uint8_t *)d + sizeof(*d), *end = (const uint8_t *)d + d->length;

	/*
	 * Name(_S5_, Package() {a, b, ...}) is NameOp (0x08), "_S5_",
	 * PackageOp (0x12), PkgLength (1-4 bytes, length in the top two bits
	 * of the first), NumElements, then the values.
	 */
	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;
		const uint8_t *q = p + 5;

		q += 1 + (*q >> 6); /* PkgLength */
		q++;		    /* NumElements */
		if (aml_small_int(&q, end, &out->slp_typa) &&
		    aml_small_int(&q, end, &out->slp_typb))
			return true;
	}
	return false;
}
