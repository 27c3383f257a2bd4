/*
 * core/acpi_tables.c - walk the RSDP and the XSDT (or RSDT) to a table.
 *
 * Needs nothing but base/, so the UEFI loader (identity-mapped, offset 0)
 * and the kernel (through the direct map) share it.
 */
#include <base/string.h>
#include <core/acpi.h>

struct rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2+: XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __packed;

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

const struct acpi_sdt_header *acpi_table_at(uint64_t phys, uint64_t offset)
{
	if (phys == 0)
		return NULL;
	const struct acpi_sdt_header *h = (const void *)(uintptr_t)(phys + offset);

	if (h->length < sizeof(*h) || h->length > (64u << 20) || !checksum_ok(h, h->length))
		return NULL;
	return h;
}

const struct acpi_sdt_header *acpi_find_table_at(uint64_t rsdp_phys, uint64_t offset,
						 const char *signature)
{
	if (rsdp_phys == 0)
		return NULL;
	const struct rsdp *rsdp = (const void *)(uintptr_t)(rsdp_phys + offset);

	if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
		return NULL;
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt != 0;
	const struct acpi_sdt_header *root = acpi_table_at(xsdt ? rsdp->xsdt : rsdp->rsdt, offset);

	if (root == NULL)
		return NULL;
	size_t entry_size = xsdt ? 8 : 4;
	size_t count = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *entries = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < count; i++) {
		uint64_t phys = 0;

		memcpy(&phys, entries + i * entry_size, entry_size); /* little-endian */
		const struct acpi_sdt_header *t = acpi_table_at(phys, offset);

		if (t != NULL && memcmp(t->signature, signature, 4) == 0)
			return t;
	}
	return NULL;
}
