/*
 * boot/tools/elf2pe_internal.h - what the two halves of the converter share.
 *
 * elf2pe.c reads and checks the ELF input and collects the relocations;
 * elf2pe_pe.c lays out and writes the PE32+ output. They communicate through
 * struct converter, whose invariants are stated next to its fields: when
 * elf2pe_plan_layout() runs, every check of elf2pe.c has passed.
 *
 * Not part of the tool's interface: only the converter's sources include it.
 */
#ifndef BOOT_TOOLS_ELF2PE_INTERNAL_H
#define BOOT_TOOLS_ELF2PE_INTERNAL_H

#include "elf2pe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ELF segment permission flags, which decide the PE section kinds. */
#define PF_X 0x1
#define PF_W 0x2

/*
 * PE sections start on SectionAlignment boundaries, and a section's raw data
 * in the file on FileAlignment boundaries. RVAs equal ELF addresses, so ELF
 * segments must start on SectionAlignment boundaries too.
 */
#define PE_SECTION_ALIGNMENT 0x1000u
#define PE_FILE_ALIGNMENT    0x200u

/* The fields of the ELF64 file header the converter uses, in host byte order. */
struct elf64_ehdr {
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
};

/* An ELF64 program header in host byte order (p_paddr and p_align are unused). */
struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
};

/* One supported architecture: how it is named in ELF and PE. */
struct machine {
	uint16_t elf_machine;
	uint16_t pe_machine;
	uint32_t relative_type; /* the R_*_RELATIVE relocation type */
	const char *relative_name;
};

/*
 * One 8-byte location to relocate: the image holds `value` at `rva` (which
 * lies in the file bytes of PT_LOAD number `load`), and the PE loader adds
 * the load address to it.
 */
struct fixup {
	uint32_t rva;
	uint32_t load;
	uint64_t value;
};

/* One PE section as laid out in the output file. */
struct pe_section {
	char name[8]; /* NUL-padded, not necessarily NUL-terminated */
	uint32_t virtual_address;
	uint32_t virtual_size;
	uint32_t raw_offset; /* 0 when raw_size is 0 */
	uint32_t raw_size;   /* a multiple of PE_FILE_ALIGNMENT */
	uint32_t characteristics;
};

/*
 * The state of one conversion. The fields are filled in step order; each
 * group is valid only once the step that fills it has returned 0.
 */
struct converter {
	/* The input (elf_size readable bytes, any alignment) and the error buffer. */
	const uint8_t *elf;
	size_t elf_size;
	char *err;
	size_t err_size;

	/*
	 * Step 1. loads[] are the PT_LOAD headers in file order; once checked they
	 * are non-empty, page-aligned, in ascending address order, disjoint, at
	 * or above 0x1000, below 4 GiB, never both writable and executable, and
	 * their file bytes lie in the input. The entry point is in the file bytes
	 * of an executable one.
	 */
	struct elf64_ehdr eh;
	const struct machine *machine;
	struct elf64_phdr loads[ELF2PE_MAX_SEGMENTS];
	unsigned nloads; /* 1..ELF2PE_MAX_SEGMENTS once checked */
	struct elf64_phdr dynamic;
	bool has_dynamic;

	/*
	 * Step 2. fixups[] (malloc'd, freed by elf2pe_convert) are sorted by rva
	 * and their 8-byte ranges are disjoint, each inside the file bytes of
	 * loads[load].
	 */
	struct fixup *fixups;
	size_t nfixups;

	/* Step 3. The PT_LOAD sections in address order, then .reloc. */
	struct pe_section sections[ELF2PE_MAX_SEGMENTS + 1];
	unsigned nsections;
	uint32_t size_of_headers;
	uint32_t size_of_image;
	uint32_t reloc_size; /* exact bytes of the base relocation blocks */
	size_t file_size;
};

/*
 * Little-endian accessors. p needs 2, 4 or 8 valid bytes and may have any
 * alignment; the caller checks the bounds first.
 */
static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Whether [off, off + len) lies within [0, total), without wrapping. */
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/* Round v up to a multiple of the power of two a; v must be far below 2^64. */
static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* For printing with %llx: uint64_t is unsigned long on LP64 hosts, not long long. */
static inline unsigned long long ull(uint64_t v)
{
	return v;
}

/*
 * Record why the input was refused in c->err (printf-style, one line, no
 * newline) and return -1, for the caller to pass on.
 */
__attribute__((format(printf, 2, 3))) int elf2pe_fail(struct converter *c, const char *fmt, ...);

/*
 * Lay out the PE file: fill c->sections, c->nsections, c->size_of_headers,
 * c->size_of_image, c->reloc_size and c->file_size. Expects the segments and
 * fixups checked and sorted by elf2pe.c. Returns 0, or -1 through
 * elf2pe_fail() if the image does not fit in PE32+'s 32-bit sizes.
 */
int elf2pe_plan_layout(struct converter *c);

/*
 * Write the laid-out image into img, which holds c->file_size zero bytes.
 * Cannot fail.
 */
void elf2pe_write_image(const struct converter *c, uint8_t *img);

#endif /* BOOT_TOOLS_ELF2PE_INTERNAL_H */
