/*
 * test/boot/elf2pe_refusal_test.c - every input elf2pe must refuse, and how.
 *
 * Each test breaks one rule in an otherwise valid image (usually the
 * standard image of elf2pe_test_util.h) and checks that the conversion
 * fails with a message naming the problem. expect_refusal() passes the input
 * in an exact-size allocation, so any read past its end is an ASan report.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "elf2pe_test_util.h"

#define R_X86_64_64	  1
#define R_X86_64_RELATIVE 8

/* The standard x86_64 image, the base most tests break. */
static void std_image(struct elfb *b)
{
	elfb_standard(b, EM_X86_64, R_X86_64_RELATIVE);
}

/* Break the standard image by storing `v` (of `width` bytes) at file offset `off`. */
static void refuse_patched(size_t off, unsigned width, uint64_t v, const char *needle)
{
	struct elfb b;

	std_image(&b);
	if (width == 1)
		b.buf[off] = (uint8_t)v;
	else if (width == 2)
		elfb_put16(&b, off, (uint16_t)v);
	else if (width == 4)
		elfb_put32(&b, off, (uint32_t)v);
	else
		elfb_put64(&b, off, v);
	expect_refusal(&b, needle);
	elfb_free(&b);
}

/* Break one program header field of the standard image. */
static void refuse_ph(unsigned index, enum ph_field f, uint64_t v, const char *needle)
{
	struct elfb b;

	std_image(&b);
	elfb_set_ph(&b, index, f, v);
	expect_refusal(&b, needle);
	elfb_free(&b);
}

/* Replace one dynamic array slot of the standard image. */
static void refuse_dyn(unsigned slot, uint64_t tag, uint64_t val, const char *needle)
{
	struct elfb b;

	std_image(&b);
	elfb_set_dyn(&b, slot, tag, val);
	expect_refusal(&b, needle);
	elfb_free(&b);
}

/* Replace RELA slot 1 (a RELATIVE at 0x3010) of the standard image. */
static void refuse_rela(uint64_t offset, uint32_t type, const char *needle)
{
	struct elfb b;

	std_image(&b);
	elfb_set_rela(&b, 1, offset, type, 0x1000);
	expect_refusal(&b, needle);
	elfb_free(&b);
}

/* ELF header. */

Test(elf2pe_refusal, bad_magic)
{
	refuse_patched(1, 1, 'e', "not an ELF file (bad magic)");
}

Test(elf2pe_refusal, elf32_class)
{
	refuse_patched(4, 1, 1, "ELF class 1 is not ELFCLASS64");
}

Test(elf2pe_refusal, big_endian_data)
{
	refuse_patched(5, 1, 2, "not ELFDATA2LSB");
}

Test(elf2pe_refusal, identification_version_other_than_1)
{
	refuse_patched(6, 1, 0, "identification version 0 is not 1");
}

Test(elf2pe_refusal, e_version_other_than_1)
{
	refuse_patched(20, 4, 2, "ELF version 2 is not 1");
}

Test(elf2pe_refusal, executable_type_instead_of_pie)
{
	refuse_patched(16, 2, 2 /* ET_EXEC */, "ELF type 2 is not ET_DYN");
}

Test(elf2pe_refusal, unsupported_machine)
{
	refuse_patched(18, 2, 40 /* EM_ARM */, "unsupported ELF machine 40");
}

Test(elf2pe_refusal, wrong_header_size)
{
	refuse_patched(52, 2, 52, "e_ehsize is 52, expected 64");
}

Test(elf2pe_refusal, wrong_program_header_size)
{
	refuse_patched(54, 2, 32, "e_phentsize is 32, expected 56");
}

Test(elf2pe_refusal, program_headers_past_end_of_file)
{
	refuse_patched(32, 8, STD_DATA + STD_DATA_SIZE - 56, "program header table");
}

Test(elf2pe_refusal, program_header_offset_that_wraps)
{
	refuse_patched(32, 8, UINT64_MAX - 16, "program header table");
}

Test(elf2pe_refusal, extended_program_header_count)
{
	refuse_patched(56, 2, 0xffff, "extended program header numbering");
}

/* Program headers and segments. */

Test(elf2pe_refusal, no_program_headers)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	expect_refusal(&b, "no PT_LOAD");
	elfb_free(&b);
}

Test(elf2pe_refusal, no_loadable_segment)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	elfb_add_phdr(&b, 4 /* PT_NOTE */, PF_R, 0x1000, 0x1000, 0x10, 0x10);
	expect_refusal(&b, "no PT_LOAD");
	elfb_free(&b);
}

Test(elf2pe_refusal, file_size_larger_than_memory_size)
{
	refuse_ph(STD_PH_RDATA, PH_FILESZ, STD_RDATA_SIZE + 1,
		  "p_filesz 0x81 exceeds p_memsz 0x80");
}

Test(elf2pe_refusal, segment_bytes_past_end_of_file)
{
	refuse_ph(STD_PH_RDATA, PH_OFFSET, STD_DATA + STD_DATA_SIZE - 0x40, "outside the file");
}

Test(elf2pe_refusal, segment_offset_that_wraps)
{
	refuse_ph(STD_PH_RDATA, PH_OFFSET, UINT64_MAX - 0x10, "outside the file");
}

Test(elf2pe_refusal, empty_segment)
{
	struct elfb b;

	std_image(&b);
	elfb_set_ph(&b, STD_PH_BSS, PH_MEMSZ, 0);
	expect_refusal(&b, "PT_LOAD at 0x5000 is empty");
	elfb_free(&b);
}

Test(elf2pe_refusal, segment_not_page_aligned)
{
	refuse_ph(STD_PH_RDATA, PH_VADDR, STD_RDATA + 0x10, "p_vaddr is not 4096-aligned");
}

Test(elf2pe_refusal, segment_beyond_32_bit_addresses)
{
	refuse_ph(STD_PH_BSS, PH_MEMSZ, 0x100000000 - STD_BSS + 1, "32-bit RVA");
}

Test(elf2pe_refusal, image_whose_reloc_section_passes_4_gib)
{
	struct elfb b;

	/* The segment fits, but .reloc would end beyond 0xffffffff. */
	elfb_init(&b, EM_X86_64, 0xffffe000);
	elfb_add_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, 0xffffe000, 0x10, 0xfff);
	expect_refusal(&b, "image too large");
	elfb_free(&b);
}

Test(elf2pe_refusal, writable_and_executable_segment)
{
	refuse_ph(STD_PH_DATA, PH_FLAGS, PF_R | PF_W | PF_X, "both writable and executable");
}

Test(elf2pe_refusal, overlapping_segments)
{
	refuse_ph(STD_PH_TEXT, PH_MEMSZ, 0x1001,
		  "PT_LOAD at 0x2000 overlaps PT_LOAD 0x1000-0x2001");
}

Test(elf2pe_refusal, segments_in_descending_order)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x2000);
	elfb_add_load(&b, PF_R | PF_X, 0x2000, 0x10, 0x10);
	elfb_add_load(&b, PF_R, 0x1000, 0x10, 0x10);
	expect_refusal(&b, "ascending address order");
	elfb_free(&b);
}

Test(elf2pe_refusal, two_segments_at_the_same_address)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	elfb_add_load(&b, PF_R | PF_X, 0x1000, 0x10, 0x10);
	elfb_add_load(&b, PF_R, 0x1000, 0x10, 0x10);
	expect_refusal(&b, "ascending address order");
	elfb_free(&b);
}

Test(elf2pe_refusal, first_segment_in_the_header_page)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x0);
	elfb_add_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, 0x0, 0x10, 0x10);
	expect_refusal(&b, "below 0x1000");
	elfb_free(&b);
}

Test(elf2pe_refusal, interpreter_segment)
{
	struct elfb b;

	std_image(&b);
	elfb_add_phdr(&b, PT_INTERP, PF_R, STD_RDATA, STD_RDATA, 0x10, 0x10);
	expect_refusal(&b, "PT_INTERP");
	elfb_free(&b);
}

Test(elf2pe_refusal, too_many_segments)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1000);
	for (unsigned i = 0; i <= ELF2PE_MAX_SEGMENTS; i++)
		elfb_add_load(&b, i == 0 ? PF_R | PF_X : PF_R, 0x1000 * (i + 1), 0x10, 0x10);
	expect_refusal(&b, "more than 16 PT_LOAD segments");
	elfb_free(&b);
}

Test(elf2pe_refusal, entry_point_in_data)
{
	refuse_patched(24, 8, STD_DATA, "entry point 0x3000");
}

Test(elf2pe_refusal, entry_point_outside_every_segment)
{
	refuse_patched(24, 8, 0x0, "entry point 0x0");
}

Test(elf2pe_refusal, entry_point_in_zero_fill_of_code)
{
	struct elfb b;

	elfb_init(&b, EM_X86_64, 0x1020);
	elfb_add_load(&b, PF_R | PF_X, 0x1000, 0x20, 0x100);
	expect_refusal(&b, "not in the file bytes of an executable PT_LOAD");
	elfb_free(&b);
}

/* Dynamic segment. */

Test(elf2pe_refusal, two_dynamic_segments)
{
	struct elfb b;

	std_image(&b);
	elfb_add_phdr(&b, PT_DYNAMIC, PF_R | PF_W, STD_DYNAMIC, STD_DYNAMIC, 0x70, 0x70);
	expect_refusal(&b, "more than one PT_DYNAMIC");
	elfb_free(&b);
}

Test(elf2pe_refusal, dynamic_segment_past_end_of_file)
{
	refuse_ph(STD_PH_DYNAMIC, PH_OFFSET, STD_DATA + STD_DATA_SIZE - 0x10, "PT_DYNAMIC");
}

Test(elf2pe_refusal, dynamic_array_without_terminator)
{
	/* The segment ends before the DT_NULL slot. */
	refuse_ph(STD_PH_DYNAMIC, PH_FILESZ, STD_DYN_NULL * 16, "no DT_NULL");
}

Test(elf2pe_refusal, shared_library_dependency)
{
	refuse_dyn(STD_DYN_SPARE, DT_NEEDED, 1, "DT_NEEDED");
}

Test(elf2pe_refusal, rel_relocations)
{
	refuse_dyn(STD_DYN_SPARE, DT_REL, STD_RELA, "DT_REL present");
}

Test(elf2pe_refusal, relr_relocations)
{
	refuse_dyn(STD_DYN_SPARE, DT_RELR, STD_RELA, "DT_RELR present");
}

Test(elf2pe_refusal, text_relocations_tag)
{
	refuse_dyn(STD_DYN_SPARE, DT_TEXTREL, 0, "DT_TEXTREL");
}

Test(elf2pe_refusal, text_relocations_flag)
{
	refuse_dyn(STD_DYN_SPARE, DT_FLAGS, DF_TEXTREL, "DF_TEXTREL");
}

Test(elf2pe_refusal, plt_relocations)
{
	refuse_dyn(STD_DYN_SPARE, DT_PLTRELSZ, 24, "PLT relocations");
}

Test(elf2pe_refusal, empty_plt_relocation_table_is_tolerated)
{
	struct elf2pe_output out;
	struct elfb b;

	/* The contrast to plt_relocations: a DT_JMPREL of zero size is harmless. */
	std_image(&b);
	elfb_set_dyn(&b, STD_DYN_FLAGS_1, DT_JMPREL, STD_RELA);
	elfb_set_dyn(&b, STD_DYN_SPARE, DT_PLTRELSZ, 0);
	convert_ok(&b, &out);
	elf2pe_free(&out);
	elfb_free(&b);
}

Test(elf2pe_refusal, rela_entry_size_other_than_24)
{
	refuse_dyn(STD_DYN_RELAENT, DT_RELAENT, 16, "DT_RELAENT is 16, expected 24");
}

Test(elf2pe_refusal, rela_without_entry_size)
{
	refuse_dyn(STD_DYN_RELAENT, DT_DEBUG, 0, "DT_RELA without DT_RELAENT");
}

Test(elf2pe_refusal, rela_without_size)
{
	refuse_dyn(STD_DYN_RELASZ, DT_DEBUG, 0, "DT_RELA without DT_RELASZ");
}

Test(elf2pe_refusal, rela_size_without_table)
{
	refuse_dyn(STD_DYN_RELA, DT_DEBUG, 0, "DT_RELASZ without DT_RELA");
}

Test(elf2pe_refusal, rela_size_not_a_multiple_of_entries)
{
	refuse_dyn(STD_DYN_RELASZ, DT_RELASZ, STD_NRELA * 24 - 1, "not a multiple of 24");
}

Test(elf2pe_refusal, rela_tag_given_twice)
{
	refuse_dyn(STD_DYN_SPARE, DT_RELA, STD_RELA, "DT_RELA appears twice");
}

Test(elf2pe_refusal, rela_table_in_zero_fill)
{
	refuse_dyn(STD_DYN_RELA, DT_RELA, STD_BSS, "RELA table 0x5000");
}

Test(elf2pe_refusal, rela_table_running_off_its_segment)
{
	refuse_dyn(STD_DYN_RELA, DT_RELA, STD_DATA + STD_DATA_SIZE - 24,
		   "is not in the file bytes");
}

Test(elf2pe_refusal, rela_table_address_that_wraps)
{
	refuse_dyn(STD_DYN_RELA, DT_RELA, UINT64_MAX - 8, "RELA table");
}

/* Relocations. */

Test(elf2pe_refusal, absolute_relocation)
{
	refuse_rela(0x3010, R_X86_64_64,
		    "relocation type 1 at offset 0x3010 is not R_X86_64_RELATIVE (8)");
}

Test(elf2pe_refusal, relative_type_of_another_architecture)
{
	struct elfb b;

	/* 8 is R_X86_64_RELATIVE, but R_AARCH64_P32_ABS32 on aarch64. */
	elfb_standard(&b, EM_AARCH64, R_X86_64_RELATIVE);
	expect_refusal(&b, "relocation type 8 at offset 0x4000 is not R_AARCH64_RELATIVE (1027)");
	elfb_free(&b);
}

Test(elf2pe_refusal, relocation_in_zero_fill)
{
	refuse_rela(STD_BSS + 8, R_X86_64_RELATIVE, "R_X86_64_RELATIVE at offset 0x5008");
}

Test(elf2pe_refusal, relocation_outside_every_segment)
{
	refuse_rela(0x9000, R_X86_64_RELATIVE, "not in the file bytes of a PT_LOAD");
}

Test(elf2pe_refusal, relocation_running_off_its_segment)
{
	refuse_rela(STD_RDATA + STD_RDATA_SIZE - 4, R_X86_64_RELATIVE, "at offset 0x207c");
}

Test(elf2pe_refusal, relocation_offset_that_wraps)
{
	refuse_rela(UINT64_MAX - 2, R_X86_64_RELATIVE, "not in the file bytes of a PT_LOAD");
}

Test(elf2pe_refusal, duplicate_relocation)
{
	refuse_rela(0x4000, R_X86_64_RELATIVE, "duplicate relocation at offset 0x4000");
}

Test(elf2pe_refusal, overlapping_relocations)
{
	refuse_rela(0x4004, R_X86_64_RELATIVE, "relocations at offsets 0x4000 and 0x4004 overlap");
}

/* Truncation. */

Test(elf2pe_refusal, every_truncation_of_a_valid_image)
{
	struct elf2pe_output out;
	char err[256];
	struct elfb b;

	/*
	 * The standard image ends with the last byte of .data, so every cut
	 * removes bytes a check needs. Each prefix gets its own allocation of
	 * exactly its length, so ASan flags any read past it.
	 */
	std_image(&b);
	for (size_t len = 0; len < b.size; len++) {
		uint8_t *prefix = malloc(len ? len : 1);

		cr_assert_not_null(prefix);
		memcpy(prefix, b.buf, len);
		err[0] = '\0';
		cr_assert_eq(elf2pe_convert(prefix, len, &out, err, sizeof(err)), -1,
			     "a %zu-byte prefix was accepted", len);
		cr_assert_null(out.data);
		cr_assert_neq(err[0], '\0', "no message for a %zu-byte prefix", len);
		free(prefix);
	}
	convert_ok(&b, &out);
	elf2pe_free(&out);
	elfb_free(&b);
}
