/*
 * test/boot/elf2pe_test_util.h - build ELF inputs and read PE outputs for the elf2pe tests.
 *
 * The tests never use a real linker's output except in elf2pe_clang_test.c:
 * they assemble ELF64 images byte by byte with the builder below, so every
 * field the converter checks can be set to exactly the wrong value. Outputs
 * are read back through struct pe_view, which checks bounds on every access,
 * so a malformed output fails an assertion instead of reading out of bounds.
 *
 * Every builder file places a segment's bytes at a file offset equal to its
 * address (p_offset == p_vaddr), which keeps the pictures simple: the file is
 * a sparse copy of memory, with the ELF and program headers in the first page.
 */
#ifndef TEST_BOOT_ELF2PE_TEST_UTIL_H
#define TEST_BOOT_ELF2PE_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf2pe.h"

/* ELF values the tests use. */
#define EM_X86_64    62
#define EM_AARCH64   183
#define EM_RISCV     243
#define EM_LOONGARCH 258
#define PT_LOAD	     1
#define PT_DYNAMIC   2
#define PT_INTERP    3
#define PF_X	     1
#define PF_W	     2
#define PF_R	     4
#define DT_NULL	     0
#define DT_NEEDED    1
#define DT_PLTRELSZ  2
#define DT_RELA	     7
#define DT_RELASZ    8
#define DT_RELAENT   9
#define DT_REL	     17
#define DT_DEBUG     21
#define DT_TEXTREL   22
#define DT_JMPREL    23
#define DT_FLAGS     30
#define DT_RELR	     36
#define DT_FLAGS_1   0x6ffffffbu
#define DF_TEXTREL   0x4

/* The most program headers a builder file holds (all in the first page). */
#define ELFB_MAX_PHDRS 20

/* An ELF64 image under construction: `size` bytes at `buf` (malloc'd). */
struct elfb {
	uint8_t *buf;
	size_t size;
	unsigned nphdrs;
};

/* Program header fields, for elfb_set_ph(). */
enum ph_field { PH_TYPE, PH_FLAGS, PH_OFFSET, PH_VADDR, PH_FILESZ, PH_MEMSZ };

/*
 * Start an image: a valid ELF64 header (ET_DYN, little-endian, version 1) for
 * `machine` with entry point `entry`, and an empty program header table.
 */
void elfb_init(struct elfb *b, uint16_t machine, uint64_t entry);

/* Release the image's buffer. */
void elfb_free(struct elfb *b);

/*
 * Append a program header; the file grows to hold offset + filesz bytes
 * (zero-filled). Returns the header's index. Fails the test past
 * ELFB_MAX_PHDRS headers.
 */
unsigned elfb_add_phdr(struct elfb *b, uint32_t type, uint32_t flags, uint64_t offset,
		       uint64_t vaddr, uint64_t filesz, uint64_t memsz);

/* Append a PT_LOAD whose file bytes sit at offset == vaddr. Returns its index. */
unsigned elfb_add_load(struct elfb *b, uint32_t flags, uint64_t vaddr, uint64_t filesz,
		       uint64_t memsz);

/* Overwrite field `f` of program header `index`. */
void elfb_set_ph(struct elfb *b, unsigned index, enum ph_field f, uint64_t value);

/* Store a little-endian value at file offset `off`, which must be inside the file. */
void elfb_put16(struct elfb *b, size_t off, uint16_t v);
void elfb_put32(struct elfb *b, size_t off, uint32_t v);
void elfb_put64(struct elfb *b, size_t off, uint64_t v);

/*
 * The standard image: the shape a real loader has, with relocations spread
 * over three pages, in a deliberately unsorted RELA table.
 *
 *   0x1000 R X  .text   0x100 bytes of a byte pattern, entry at 0x1010
 *   0x2000 R    .rdata  0x80 bytes, one relocated pointer at 0x2040
 *   0x3000 R W  .data   0x1800 bytes: relocated pointers, then the dynamic
 *                       array at 0x4100 and the RELA table at 0x4200
 *   0x5000 R W  .bss    no file bytes, 0x3000 bytes of zero-fill
 *
 * The file ends with the last byte of .data, so cutting it anywhere removes
 * bytes the converter needs.
 */
#define STD_TEXT       0x1000u
#define STD_TEXT_SIZE  0x100u
#define STD_ENTRY      0x1010u
#define STD_RDATA      0x2000u
#define STD_RDATA_SIZE 0x80u
#define STD_DATA       0x3000u
#define STD_DATA_SIZE  0x1800u
#define STD_DYNAMIC    0x4100u
#define STD_RELA       0x4200u
#define STD_BSS	       0x5000u
#define STD_BSS_SIZE   0x3000u
#define STD_IMAGE_END  (STD_BSS + STD_BSS_SIZE)

/* Program header indices of the standard image. */
enum { STD_PH_TEXT, STD_PH_RDATA, STD_PH_DATA, STD_PH_BSS, STD_PH_DYNAMIC };

/*
 * Dynamic array slots of the standard image (elfb_set_dyn). STD_DYN_SPARE
 * holds a harmless DT_DEBUG that tests replace with the tag they need.
 */
enum {
	STD_DYN_FLAGS_1,
	STD_DYN_RELA,
	STD_DYN_RELASZ,
	STD_DYN_RELAENT,
	STD_DYN_SPARE,
	STD_DYN_NULL,
	STD_NDYN
};

/* One entry of the standard RELA table. */
struct std_reloc {
	uint64_t offset;
	uint64_t addend;
	bool none; /* an R_*_NONE entry, which the converter must skip */
};

/* The standard RELA table, in table order; STD_NRELA entries. */
#define STD_NRELA 7
extern const struct std_reloc std_relocs[STD_NRELA];

/* Build the standard image for `machine`, whose RELATIVE type is `relative`. */
void elfb_standard(struct elfb *b, uint16_t machine, uint32_t relative);

/* Overwrite dynamic array slot `slot` of the standard image. */
void elfb_set_dyn(struct elfb *b, unsigned slot, uint64_t tag, uint64_t val);

/* Overwrite RELA slot `slot` of the standard image (symbol index 0). */
void elfb_set_rela(struct elfb *b, unsigned slot, uint64_t offset, uint32_t type, uint64_t addend);

/* The RELATIVE relocation type of an ELF machine (0 if unknown). */
uint32_t relative_type_of(uint16_t machine);

/*
 * Convert the image, asserting success and an empty error message. The
 * input is passed from its own exact-size allocation, so ASan sees any
 * read past its end.
 */
void convert_ok(const struct elfb *b, struct elf2pe_output *out);

/*
 * Convert the image, asserting that it is refused with a message containing
 * `needle`, that *out was reset, and that the message is one line.
 */
void expect_refusal(const struct elfb *b, const char *needle);

/* A read-only, bounds-checked view of a PE32+ output. */
struct pe_view {
	const uint8_t *data;
	size_t size;
	size_t coff;	 /* offset of the COFF file header */
	size_t opt;	 /* offset of the optional header */
	size_t sections; /* offset of the section table */
	unsigned nsections;
};

/* Optional header field offsets (PE32+). */
#define OPT_MAGIC		0
#define OPT_SIZE_OF_CODE	4
#define OPT_SIZE_OF_INIT_DATA	8
#define OPT_SIZE_OF_UNINIT_DATA 12
#define OPT_ENTRY		16
#define OPT_BASE_OF_CODE	20
#define OPT_IMAGE_BASE		24
#define OPT_SECTION_ALIGNMENT	32
#define OPT_FILE_ALIGNMENT	36
#define OPT_SIZE_OF_IMAGE	56
#define OPT_SIZE_OF_HEADERS	60
#define OPT_CHECKSUM		64
#define OPT_SUBSYSTEM		68
#define OPT_DLL_CHARACTERISTICS 70
#define OPT_NUM_RVA_AND_SIZES	108
#define OPT_DATA_DIRECTORY(i)	(112 + 8 * (i))

/* One section header, decoded. `name` is NUL-terminated. */
struct pe_sec {
	char name[9];
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t raw_size;
	uint32_t raw_offset;
	uint32_t characteristics;
};

/* Check the DOS header, signature and header sizes, and open the view. */
void pe_open(struct pe_view *v, const struct elf2pe_output *out);

/* Little-endian reads at file offset `off`; fail the test out of bounds. */
uint16_t pe_u16(const struct pe_view *v, size_t off);
uint32_t pe_u32(const struct pe_view *v, size_t off);
uint64_t pe_u64(const struct pe_view *v, size_t off);

/* Section header `i` (0-based). */
struct pe_sec pe_section(const struct pe_view *v, unsigned i);

/*
 * The file offset of `len` bytes at `rva`, which must lie in the raw data
 * of one section. Fails the test otherwise.
 */
size_t pe_rva_to_off(const struct pe_view *v, uint32_t rva, size_t len);

/* Files and programs, for the tests that run elf2pe or the real toolchain. */

/*
 * Create a fresh directory under /tmp; `dir` receives its path and must have
 * room for 32 bytes. Fails the test if that is impossible.
 */
void temp_dir_create(char *dir, size_t size);

/* Remove the directory made by temp_dir_create() and the files in it. */
void temp_dir_remove(const char *dir);

/*
 * Read a whole file into a malloc'd buffer with a NUL after the last byte;
 * *size receives the length without that NUL. Fails the test if the file
 * cannot be read.
 */
uint8_t *slurp(const char *path, size_t *size);

/* Write `size` bytes to `path`, replacing it. Fails the test on any error. */
void spew(const char *path, const void *data, size_t size);

/*
 * Run the program at argv[0] (a path; no PATH search) with stdout and
 * stderr sent to the file `log`. Returns its exit status, or -1 if it did
 * not exit normally (a signal, or exec failing is status 127).
 */
int run_program(const char *const argv[], const char *log);

#endif /* TEST_BOOT_ELF2PE_TEST_UTIL_H */
