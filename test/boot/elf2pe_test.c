/*
 * test/boot/elf2pe_test.c - what elf2pe makes of inputs it accepts.
 *
 * Most tests convert the standard image of elf2pe_test_util.h and check the
 * PE32+ output field by field; the others vary one aspect of the input. The
 * refusals are in elf2pe_refusal_test.c, the real-toolchain check in
 * elf2pe_clang_test.c.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "elf2pe_test_util.h"

#define SCN_CODE	0x00000020u
#define SCN_INIT_DATA	0x00000040u
#define SCN_UNINIT_DATA 0x00000080u
#define SCN_DISCARDABLE 0x02000000u
#define SCN_EXECUTE	0x20000000u
#define SCN_READ	0x40000000u
#define SCN_WRITE	0x80000000u
#define DIR_BASERELOC	5
#define DIR64		0xa000u /* IMAGE_REL_BASED_DIR64 << 12 */

/* What one section header should hold; raw_offset is checked separately. */
struct want_sec {
	const char *name;
	uint32_t va;
	uint32_t vsize;
	uint32_t raw_size;
	uint32_t flags;
};

/* The standard image: 64 + 4 + 20 + 240 + 5 * 40 bytes of headers -> 0x400. */
static const struct want_sec std_sections[] = {
	{ ".text", STD_TEXT, STD_TEXT_SIZE, 0x200, SCN_CODE | SCN_EXECUTE | SCN_READ },
	{ ".rdata", STD_RDATA, STD_RDATA_SIZE, 0x200, SCN_INIT_DATA | SCN_READ },
	{ ".data", STD_DATA, STD_DATA_SIZE, 0x1800, SCN_INIT_DATA | SCN_READ | SCN_WRITE },
	{ ".data2", STD_BSS, STD_BSS_SIZE, 0, SCN_UNINIT_DATA | SCN_READ | SCN_WRITE },
	{ ".reloc", STD_IMAGE_END, 40, 0x200, SCN_INIT_DATA | SCN_READ | SCN_DISCARDABLE },
};
#define STD_NSECTIONS (sizeof(std_sections) / sizeof(std_sections[0]))

/*
 * Check the section table against `want`: names, addresses, sizes, flags,
 * and raw data that is file-aligned, in file order, and ends the file.
 */
static void check_sections(const struct pe_view *v, const struct want_sec *want, unsigned n)
{
	uint32_t next_raw = pe_u32(v, v->opt + OPT_SIZE_OF_HEADERS);

	cr_assert_eq(v->nsections, n, "NumberOfSections");
	for (unsigned i = 0; i < n; i++) {
		struct pe_sec s = pe_section(v, i);

		cr_assert_str_eq(s.name, want[i].name, "section %u name", i);
		cr_assert_eq(s.virtual_address, want[i].va, "%s VirtualAddress", s.name);
		cr_assert_eq(s.virtual_size, want[i].vsize, "%s VirtualSize", s.name);
		cr_assert_eq(s.raw_size, want[i].raw_size, "%s SizeOfRawData", s.name);
		cr_assert_eq(s.characteristics, want[i].flags, "%s Characteristics", s.name);
		if (s.raw_size == 0) {
			cr_assert_eq(s.raw_offset, 0, "%s has no raw data but a pointer", s.name);
			continue;
		}
		cr_assert_eq(s.raw_offset, next_raw, "%s PointerToRawData", s.name);
		next_raw += s.raw_size;
	}
	cr_assert_eq(next_raw, v->size, "the last raw data must end the file");
}

/* Whether [rva, rva + 8) holds a relocated pointer of the standard image. */
static const struct std_reloc *std_reloc_at(uint32_t rva)
{
	for (unsigned i = 0; i < STD_NRELA; i++) {
		if (!std_relocs[i].none && rva >= std_relocs[i].offset &&
		    rva < std_relocs[i].offset + 8)
			return &std_relocs[i];
	}
	return NULL;
}

/*
 * Every section's raw data is its segment's file bytes, except that each
 * relocated location holds its addend, and zero padding up to SizeOfRawData.
 */
static void check_std_contents(const struct pe_view *v, const struct elfb *elf)
{
	for (unsigned i = 0; i < 3; i++) {
		struct pe_sec s = pe_section(v, i);
		const uint8_t *raw = v->data + s.raw_offset;

		for (uint32_t off = 0; off < s.raw_size; off++) {
			uint32_t rva = s.virtual_address + off;
			const struct std_reloc *r = std_reloc_at(rva);

			if (off >= s.virtual_size)
				cr_assert_eq(raw[off], 0, "%s padding at 0x%x", s.name, rva);
			else if (r == NULL)
				cr_assert_eq(raw[off], elf->buf[rva], "%s byte at 0x%x", s.name,
					     rva);
		}
	}
	for (unsigned i = 0; i < STD_NRELA; i++) {
		uint32_t rva = (uint32_t)std_relocs[i].offset;

		if (!std_relocs[i].none)
			cr_assert_eq(pe_u64(v, pe_rva_to_off(v, rva, 8)), std_relocs[i].addend,
				     "relocated value at 0x%x", rva);
	}
}

/*
 * The standard relocations, sorted and grouped: pages 0x2000 and 0x4000 have
 * one fixup plus an ABSOLUTE (0) pad each, page 0x3000 has four and no pad.
 */
static void check_std_relocs(const struct pe_view *v)
{
	static const struct {
		uint32_t page;
		uint32_t size;
		uint16_t entries[4];
	} want[] = {
		{ 0x2000, 12, { DIR64 | 0x040, 0 } },
		{ 0x3000, 16, { DIR64 | 0x000, DIR64 | 0x010, DIR64 | 0x020, DIR64 | 0xff8 } },
		{ 0x4000, 12, { DIR64 | 0x000, 0 } },
	};
	uint32_t rva = pe_u32(v, v->opt + OPT_DATA_DIRECTORY(DIR_BASERELOC));
	uint32_t size = pe_u32(v, v->opt + OPT_DATA_DIRECTORY(DIR_BASERELOC) + 4);
	size_t off;

	cr_assert_eq(rva, STD_IMAGE_END, "BASERELOC directory RVA");
	cr_assert_eq(size, 12 + 16 + 12, "BASERELOC directory size");
	off = pe_rva_to_off(v, rva, size);
	for (unsigned b = 0; b < 3; b++) {
		cr_assert_eq(pe_u32(v, off), want[b].page, "block %u PageRVA", b);
		cr_assert_eq(pe_u32(v, off + 4), want[b].size, "block %u BlockSize", b);
		for (unsigned e = 0; e < (want[b].size - 8) / 2; e++)
			cr_assert_eq(pe_u16(v, off + 8 + 2 * e), want[b].entries[e],
				     "block %u entry %u", b, e);
		off += want[b].size;
	}
}

static void check_std_headers(const struct pe_view *v, uint16_t pe_machine)
{
	size_t opt = v->opt;

	cr_assert_eq(pe_u16(v, v->coff), pe_machine, "Machine");
	cr_assert_eq(pe_u32(v, v->coff + 4), 0, "TimeDateStamp");
	cr_assert_eq(pe_u32(v, v->coff + 8), 0, "PointerToSymbolTable");
	cr_assert_eq(pe_u32(v, v->coff + 12), 0, "NumberOfSymbols");
	cr_assert_eq(pe_u16(v, v->coff + 18), 0x0022, "executable, large-address-aware");

	cr_assert_eq(pe_u16(v, opt + OPT_MAGIC), 0x20b, "PE32+ magic");
	cr_assert_eq(pe_u32(v, opt + OPT_SIZE_OF_CODE), 0x200, "SizeOfCode");
	cr_assert_eq(pe_u32(v, opt + OPT_SIZE_OF_INIT_DATA), 0x200 + 0x1800 + 0x200,
		     "SizeOfInitializedData: .rdata, .data and .reloc");
	cr_assert_eq(pe_u32(v, opt + OPT_SIZE_OF_UNINIT_DATA), STD_BSS_SIZE,
		     "SizeOfUninitializedData");
	cr_assert_eq(pe_u32(v, opt + OPT_ENTRY), STD_ENTRY, "AddressOfEntryPoint");
	cr_assert_eq(pe_u32(v, opt + OPT_BASE_OF_CODE), STD_TEXT, "BaseOfCode");
	cr_assert_eq(pe_u64(v, opt + OPT_IMAGE_BASE), 0, "ImageBase");
	cr_assert_eq(pe_u32(v, opt + OPT_SECTION_ALIGNMENT), 0x1000, "SectionAlignment");
	cr_assert_eq(pe_u32(v, opt + OPT_FILE_ALIGNMENT), 0x200, "FileAlignment");
	cr_assert_eq(pe_u32(v, opt + OPT_SIZE_OF_IMAGE), STD_IMAGE_END + 0x1000, "SizeOfImage");
	cr_assert_eq(pe_u32(v, opt + OPT_SIZE_OF_HEADERS), 0x400, "SizeOfHeaders");
	cr_assert_eq(pe_u32(v, opt + OPT_CHECKSUM), 0, "CheckSum");
	cr_assert_eq(pe_u16(v, opt + OPT_SUBSYSTEM), 10, "EFI application subsystem");
	cr_assert_eq(pe_u16(v, opt + OPT_DLL_CHARACTERISTICS), 0x0140, "DYNAMIC_BASE|NX_COMPAT");
	cr_assert_eq(pe_u32(v, opt + OPT_NUM_RVA_AND_SIZES), 16, "NumberOfRvaAndSizes");
	for (unsigned i = 0; i < 16; i++) {
		if (i != DIR_BASERELOC)
			cr_assert_eq(pe_u64(v, opt + OPT_DATA_DIRECTORY(i)), 0, "directory %u", i);
	}
}

static void check_standard_conversion(uint16_t machine, uint16_t pe_machine)
{
	struct elf2pe_output out;
	struct pe_view v;
	struct elfb b;

	elfb_standard(&b, machine, relative_type_of(machine));
	convert_ok(&b, &out);
	pe_open(&v, &out);
	check_std_headers(&v, pe_machine);
	check_sections(&v, std_sections, STD_NSECTIONS);
	check_std_contents(&v, &b);
	check_std_relocs(&v);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, converts_x86_64_image)
{
	check_standard_conversion(EM_X86_64, 0x8664);
}

Test(elf2pe, converts_aarch64_image)
{
	check_standard_conversion(EM_AARCH64, 0xaa64);
}

Test(elf2pe, converts_riscv64_image)
{
	check_standard_conversion(EM_RISCV, 0x5064);
}

Test(elf2pe, converts_loongarch64_image)
{
	check_standard_conversion(EM_LOONGARCH, 0x6264);
}

/* Convert `b` and check that .reloc is the one 12-byte block for `page`. */
static void check_empty_reloc_block(const struct elfb *b, uint32_t reloc_rva, uint32_t page)
{
	struct elf2pe_output out;
	struct pe_view v;
	size_t off;

	convert_ok(b, &out);
	pe_open(&v, &out);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_DATA_DIRECTORY(DIR_BASERELOC)), reloc_rva);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_DATA_DIRECTORY(DIR_BASERELOC) + 4), 12);
	off = pe_rva_to_off(&v, reloc_rva, 12);
	cr_assert_eq(pe_u32(&v, off), page, "PageRVA: the first section's page");
	cr_assert_eq(pe_u32(&v, off + 4), 12, "BlockSize");
	cr_assert_eq(pe_u32(&v, off + 8), 0, "two ABSOLUTE entries");
	cr_assert_eq(pe_section(&v, v.nsections - 1).virtual_size, 12, ".reloc VirtualSize");
	elf2pe_free(&out);
}

Test(elf2pe, image_without_dynamic_segment_gets_one_padding_block)
{
	struct elfb b;

	elfb_init(&b, EM_AARCH64, 0x3000);
	elfb_add_load(&b, PF_R | PF_X, 0x3000, 0x10, 0x10);
	check_empty_reloc_block(&b, 0x4000, 0x3000);
	elfb_free(&b);
}

Test(elf2pe, dynamic_segment_without_rela_gives_no_fixups)
{
	struct elfb b;

	elfb_standard(&b, EM_RISCV, 3);
	elfb_set_dyn(&b, STD_DYN_RELA, DT_DEBUG, 0);
	elfb_set_dyn(&b, STD_DYN_RELASZ, DT_DEBUG, 0);
	elfb_set_dyn(&b, STD_DYN_RELAENT, DT_DEBUG, 0);
	check_empty_reloc_block(&b, STD_IMAGE_END, STD_TEXT);
	elfb_free(&b);
}

Test(elf2pe, empty_rela_table_gives_no_fixups)
{
	struct elfb b;

	elfb_standard(&b, EM_LOONGARCH, 3);
	elfb_set_dyn(&b, STD_DYN_RELASZ, DT_RELASZ, 0);
	check_empty_reloc_block(&b, STD_IMAGE_END, STD_TEXT);
	elfb_free(&b);
}

Test(elf2pe, zero_fill_tail_of_data_segment_stays_initialized_data)
{
	static const struct want_sec want[] = {
		{ ".text", 0x1000, 0x20, 0x200, SCN_CODE | SCN_EXECUTE | SCN_READ },
		{ ".data", 0x2000, 0x2345, 0x200, SCN_INIT_DATA | SCN_READ | SCN_WRITE },
		{ ".reloc", 0x5000, 12, 0x200, SCN_INIT_DATA | SCN_READ | SCN_DISCARDABLE },
	};
	struct elf2pe_output out;
	struct pe_view v;
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	elfb_add_load(&b, PF_R | PF_X, 0x1000, 0x20, 0x20);
	elfb_add_load(&b, PF_R | PF_W, 0x2000, 0x101, 0x2345);
	convert_ok(&b, &out);
	pe_open(&v, &out);
	check_sections(&v, want, 3);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_SIZE_OF_UNINIT_DATA), 0);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_SIZE_OF_IMAGE), 0x6000);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, repeated_section_kinds_are_numbered_and_base_of_code_is_first_code)
{
	static const struct want_sec want[] = {
		{ ".rdata", 0x1000, 0x10, 0x200, SCN_INIT_DATA | SCN_READ },
		{ ".text", 0x2000, 0x10, 0x200, SCN_CODE | SCN_EXECUTE | SCN_READ },
		{ ".rdata2", 0x3000, 0x10, 0x200, SCN_INIT_DATA | SCN_READ },
		{ ".text2", 0x4000, 0x10, 0x200, SCN_CODE | SCN_EXECUTE | SCN_READ },
		{ ".data", 0x5000, 0x10, 0x200, SCN_INIT_DATA | SCN_READ | SCN_WRITE },
		{ ".data2", 0x6000, 0x10, 0, SCN_UNINIT_DATA | SCN_READ | SCN_WRITE },
		{ ".reloc", 0x7000, 12, 0x200, SCN_INIT_DATA | SCN_READ | SCN_DISCARDABLE },
	};
	struct elf2pe_output out;
	struct pe_view v;
	struct elfb b;

	elfb_init(&b, EM_AARCH64, 0x4008);
	elfb_add_load(&b, PF_R, 0x1000, 0x10, 0x10);
	elfb_add_load(&b, PF_R | PF_X, 0x2000, 0x10, 0x10);
	elfb_add_load(&b, PF_R, 0x3000, 0x10, 0x10);
	elfb_add_load(&b, PF_R | PF_X, 0x4000, 0x10, 0x10);
	elfb_add_load(&b, PF_R | PF_W, 0x5000, 0x10, 0x10);
	elfb_add_load(&b, PF_R | PF_W, 0x6000, 0, 0x10);
	convert_ok(&b, &out);
	pe_open(&v, &out);
	check_sections(&v, want, 7);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_BASE_OF_CODE), 0x2000);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_ENTRY), 0x4008);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_SIZE_OF_CODE), 0x400);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, sixteen_segments_fit_in_the_header_page)
{
	struct elf2pe_output out;
	struct pe_view v;
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	elfb_add_load(&b, PF_R | PF_X, 0x1000, 0x10, 0x10);
	for (unsigned i = 1; i < ELF2PE_MAX_SEGMENTS; i++)
		elfb_add_load(&b, PF_R, 0x1000 + 0x1000 * i, 0x10, 0x10);
	convert_ok(&b, &out);
	pe_open(&v, &out);
	cr_assert_eq(v.nsections, ELF2PE_MAX_SEGMENTS + 1);
	cr_assert_leq(pe_u32(&v, v.opt + OPT_SIZE_OF_HEADERS), 0x1000);
	cr_assert_geq(pe_u32(&v, v.opt + OPT_SIZE_OF_HEADERS), v.sections + 40 * v.nsections);
	/* ".rdata15": kinds are numbered from their second occurrence. */
	cr_assert_str_eq(pe_section(&v, 15).name, ".rdata15");
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, file_offsets_need_not_match_addresses)
{
	struct elf2pe_output out;
	struct pe_view v;
	struct elfb b;

	/* .text's bytes sit at file offset 0x1234, far from its address 0x7000. */
	elfb_init(&b, EM_RISCV, 0x7000);
	elfb_add_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1234, 0x7000, 0x40, 0x40);
	for (unsigned i = 0; i < 0x40; i++)
		b.buf[0x1234 + i] = (uint8_t)(0x80 + i);
	convert_ok(&b, &out);
	pe_open(&v, &out);
	for (unsigned i = 0; i < 0x40; i++)
		cr_assert_eq(v.data[pe_rva_to_off(&v, 0x7000 + i, 1)], 0x80 + i);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, other_program_headers_are_ignored)
{
	struct elf2pe_output out;
	struct elfb b;

	elfb_standard(&b, EM_RISCV, 3);
	elfb_add_phdr(&b, 0x6474e551, PF_R | PF_W, 0, 0, 0, 0); /* PT_GNU_STACK */
	elfb_add_phdr(&b, 0x70000003, PF_R, 0x40, 0, 0x10, 0);	/* PT_RISCV_ATTRIBUTES */
	elfb_add_phdr(&b, 4, PF_R, 0x40, 0x40, 0x10, 0x10);	/* PT_NOTE below 0x1000 */
	convert_ok(&b, &out);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe, output_is_deterministic)
{
	struct elf2pe_output first, second;
	struct elfb b;
	void *noise;

	elfb_standard(&b, EM_AARCH64, 1027);
	convert_ok(&b, &first);
	noise = malloc(12345); /* a different heap layout for the second run */
	convert_ok(&b, &second);
	free(noise);
	cr_assert_eq(first.size, second.size);
	cr_assert(memcmp(first.data, second.data, first.size) == 0, "outputs differ");
	elf2pe_free(&first);
	elf2pe_free(&second);
	elfb_free(&b);
}

Test(elf2pe, misaligned_input_converts_the_same)
{
	struct elf2pe_output aligned, misaligned;
	char err[256];
	uint8_t *shifted;
	struct elfb b;

	elfb_standard(&b, EM_X86_64, 8);
	convert_ok(&b, &aligned);
	shifted = malloc(b.size + 1);
	cr_assert_not_null(shifted);
	memcpy(shifted + 1, b.buf, b.size);
	cr_assert_eq(elf2pe_convert(shifted + 1, b.size, &misaligned, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(aligned.size, misaligned.size);
	cr_assert(memcmp(aligned.data, misaligned.data, aligned.size) == 0, "outputs differ");
	free(shifted);
	elf2pe_free(&aligned);
	elf2pe_free(&misaligned);
	elfb_free(&b);
}

Test(elf2pe, error_buffer_is_optional_and_truncated_safely)
{
	static const uint8_t junk[8] = "junkjun";
	struct elf2pe_output out;
	char small[8];

	cr_assert_eq(elf2pe_convert(junk, sizeof(junk), &out, NULL, 0), -1);
	cr_assert_null(out.data);
	cr_assert_eq(elf2pe_convert(NULL, 0, &out, NULL, 0), -1);

	memset(small, 'x', sizeof(small));
	cr_assert_eq(elf2pe_convert(junk, sizeof(junk), &out, small, sizeof(small)), -1);
	cr_assert_eq(small[sizeof(small) - 1], '\0', "truncated message is terminated");
	cr_assert_str_eq(small, "not an ");

	small[0] = 'x';
	cr_assert_eq(elf2pe_convert(junk, sizeof(junk), &out, small, 0), -1);
	cr_assert_eq(small[0], 'x', "err_size 0 must leave the buffer alone");
}

Test(elf2pe, free_resets_output_and_accepts_null)
{
	struct elf2pe_output out;
	struct elfb b;

	elfb_standard(&b, EM_LOONGARCH, 3);
	convert_ok(&b, &out);
	elf2pe_free(&out);
	cr_assert_null(out.data);
	cr_assert_eq(out.size, 0);
	elf2pe_free(&out);
	elf2pe_free(NULL);
	elfb_free(&b);
}
