/*
 * test/boot/elf2pe_clang_test.c - convert what the real toolchain produces.
 *
 * For each architecture, fixtures/efi_hello.c is compiled by clang-19 and
 * linked by ld.lld-19 with fixtures/efi_app.ld, using the flags the boot
 * loader uses; the resulting static PIE is converted and the PE image checked
 * against what the program contains. When llvm-readobj-19 is available, it
 * must parse the image as well, which checks the format with a reader that
 * does not share the converter's assumptions.
 *
 * meson passes the tools' paths as ELF2PE_CLANG, ELF2PE_LLD and
 * ELF2PE_READOBJ, each "" when not found; without clang or ld.lld the tests
 * skip. Files go to a fresh temporary directory, removed afterwards.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf2pe_test_util.h"

#ifndef ELF2PE_CLANG
#define ELF2PE_CLANG ""
#endif
#ifndef ELF2PE_LLD
#define ELF2PE_LLD ""
#endif
#ifndef ELF2PE_READOBJ
#define ELF2PE_READOBJ ""
#endif
#ifndef ELF2PE_FIXTURE_DIR
#error "ELF2PE_FIXTURE_DIR must name test/boot/fixtures"
#endif

/* One architecture: its compiler target and the ABI flags of toolchain/. */
struct arch {
	const char *name;
	const char *target;
	const char *flags[3]; /* NULL-terminated */
	uint16_t pe_machine;
};

static const struct arch arch_x86_64 = {
	.name = "x86_64",
	.target = "--target=x86_64-unknown-none",
	.flags = { "-mno-red-zone", NULL },
	.pe_machine = 0x8664,
};

static const struct arch arch_aarch64 = {
	.name = "aarch64",
	.target = "--target=aarch64-unknown-none",
	.flags = { NULL },
	.pe_machine = 0xaa64,
};

static const struct arch arch_riscv64 = {
	.name = "riscv64",
	.target = "--target=riscv64-unknown-none",
	.flags = { "-march=rv64imac_zicsr_zifencei", "-mabi=lp64", NULL },
	.pe_machine = 0x5064,
};

static const struct arch arch_loongarch64 = {
	.name = "loongarch64",
	.target = "--target=loongarch64-unknown-none",
	.flags = { "-mabi=lp64s", "-msoft-float", NULL },
	.pe_machine = 0x6264,
};

/* Run a toolchain program; fail the test, showing its output, unless it exits 0. */
static void run(const char *const argv[], const char *log)
{
	int status = run_program(argv, log);

	if (status != 0) {
		size_t size;
		char *text = (char *)slurp(log, &size);

		cr_assert_fail("%s failed (exit status %d):\n%s", argv[0], status, text);
	}
}

/* Where the program's pointers must point, by section of the converted image. */
static void check_fixups(const struct pe_view *v)
{
	uint32_t dir = pe_u32(v, v->opt + OPT_DATA_DIRECTORY(5));
	uint32_t dir_size = pe_u32(v, v->opt + OPT_DATA_DIRECTORY(5) + 4);
	uint32_t text = pe_section(v, 0).virtual_address, rdata = pe_section(v, 1).virtual_address;
	size_t off = pe_rva_to_off(v, dir, dir_size), end = off + dir_size;
	bool to_text = false, to_rdata = false;

	while (off < end) {
		uint32_t page = pe_u32(v, off), block = pe_u32(v, off + 4);

		cr_assert(block >= 8 && block % 4 == 0 && block <= end - off, "block size %u",
			  block);
		for (uint32_t e = 8; e < block; e += 2) {
			uint16_t entry = pe_u16(v, off + e);
			uint64_t value;

			if (entry >> 12 == 0)
				continue;
			cr_assert_eq(entry >> 12, 10, "only DIR64 fixups");
			value = pe_u64(v, pe_rva_to_off(v, page + (entry & 0xfff), 8));
			to_text |= value >= text && value < text + 0x1000;
			to_rdata |= value >= rdata && value < rdata + 0x1000;
		}
		off += block;
	}
	cr_assert(to_text, "no fixup holds the address of say()");
	cr_assert(to_rdata, "no fixup holds the address of the greeting");
}

/* Little-endian 64-bit read from a buffer the caller has bounds-checked. */
static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Compile and link the fixture for `a` into `elf_path`, using `obj` and `log`. */
static void build(const struct arch *a, const char *obj, const char *elf_path, const char *log)
{
	static const char *const common[] = { "-fpie",
					      "-ffreestanding",
					      "-fno-stack-protector",
					      "-nostdlib",
					      "-O2",
					      "-Wall",
					      "-Werror",
					      "-c" };
	const char *ld[] = { ELF2PE_LLD,
			     "-pie",
			     "--no-dynamic-linker",
			     "-z",
			     "text",
			     "-z",
			     "max-page-size=4096",
			     "--build-id=none",
			     "-T",
			     ELF2PE_FIXTURE_DIR "/efi_app.ld",
			     obj,
			     "-o",
			     elf_path,
			     NULL };
	const char *cc[24];
	unsigned n = 0;

	cc[n++] = ELF2PE_CLANG;
	cc[n++] = a->target;
	for (unsigned i = 0; a->flags[i] != NULL; i++)
		cc[n++] = a->flags[i];
	for (unsigned i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		cc[n++] = common[i];
	cc[n++] = ELF2PE_FIXTURE_DIR "/efi_hello.c";
	cc[n++] = "-o";
	cc[n++] = obj;
	cc[n] = NULL;
	run(cc, log);
	run(ld, log);
}

/* Have llvm-readobj parse the image; `efi` is where to store it for that. */
static void check_with_readobj(const struct elf2pe_output *out, const char *efi, const char *log)
{
	const char *readobj[] = {
		ELF2PE_READOBJ, "--file-headers", "--sections", "--coff-basereloc", efi, NULL
	};
	FILE *f = fopen(efi, "wb");
	size_t size;
	char *text;

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(out->data, 1, out->size, f), out->size);
	cr_assert_eq(fclose(f), 0);
	run(readobj, log);
	text = (char *)slurp(log, &size);
	cr_assert_not_null(strstr(text, "IMAGE_SUBSYSTEM_EFI_APPLICATION"), "%s", text);
	cr_assert_not_null(strstr(text, "Type: DIR64"), "%s", text);
	free(text);
}

static void build_and_convert(const struct arch *a)
{
	char dir[32], obj[64], elf_path[64], efi[64], log[64], err[256];
	struct elf2pe_output out;
	struct pe_view v;
	size_t elf_size;
	uint8_t *elf;

	if (ELF2PE_CLANG[0] == '\0' || ELF2PE_LLD[0] == '\0')
		cr_skip_test("clang-19 or ld.lld-19 not found at configure time");
	temp_dir_create(dir, sizeof(dir));
	snprintf(obj, sizeof(obj), "%s/hello.o", dir);
	snprintf(elf_path, sizeof(elf_path), "%s/hello.elf", dir);
	snprintf(efi, sizeof(efi), "%s/hello.efi", dir);
	snprintf(log, sizeof(log), "%s/log", dir);

	build(a, obj, elf_path, log);
	elf = slurp(elf_path, &elf_size);
	cr_assert_gt(elf_size, 64, "no ELF header");
	cr_assert_eq(elf2pe_convert(elf, elf_size, &out, err, sizeof(err)), 0, "%s: %s", a->name,
		     err);

	pe_open(&v, &out);
	cr_assert_eq(pe_u16(&v, v.coff), a->pe_machine, "Machine");
	cr_assert_eq(pe_u16(&v, v.opt + OPT_SUBSYSTEM), 10);
	cr_assert_eq(pe_u32(&v, v.opt + OPT_ENTRY), le64(elf + 24), "entry point is e_entry");
	cr_assert_eq(v.nsections, 5, "four PT_LOADs and .reloc");
	cr_assert_str_eq(pe_section(&v, 0).name, ".text");
	cr_assert_str_eq(pe_section(&v, 1).name, ".rdata");
	cr_assert_str_eq(pe_section(&v, 2).name, ".data");
	cr_assert_str_eq(pe_section(&v, 3).name, ".data2");
	cr_assert_eq(pe_section(&v, 3).raw_size, 0, "the .bss segment has no file bytes");
	cr_assert_str_eq(pe_section(&v, 4).name, ".reloc");
	check_fixups(&v);
	if (ELF2PE_READOBJ[0] != '\0')
		check_with_readobj(&out, efi, log);

	elf2pe_free(&out);
	free(elf);
	temp_dir_remove(dir);
}

Test(elf2pe_clang, converts_x86_64_hello)
{
	build_and_convert(&arch_x86_64);
}

Test(elf2pe_clang, converts_aarch64_hello)
{
	build_and_convert(&arch_aarch64);
}

Test(elf2pe_clang, converts_riscv64_hello)
{
	build_and_convert(&arch_riscv64);
}

Test(elf2pe_clang, converts_loongarch64_hello)
{
	build_and_convert(&arch_loongarch64);
}
