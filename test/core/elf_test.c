/*
 * test/core/elf_test.c - the ELF checks shared by the loader (the kernel
 * image) and the kernel (user programs from boot modules).
 */
#include <criterion/criterion.h>

#include <base/string.h>
#include <stdint.h>

#include <core/elf.h>

#define EM_X86_64 62
#define BASE	  UINT64_C(0xffffffff80000000)

static uint8_t file[0x6000];
static struct elf_image k;
static char err[160];
static const struct elf_limits kernel_limits = { EM_X86_64, BASE, UINT64_MAX, 0 };

static void put16(size_t off, uint16_t v)
{
	memcpy(file + off, &v, 2);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(file + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(file + off, &v, 8);
}

/* Program header i: type, flags, offset, vaddr, filesz, memsz, align. */
static void phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
		 uint64_t memsz, uint64_t align)
{
	size_t p = 64 + (size_t)i * 56;

	put32(p, type);
	put32(p + 4, flags);
	put64(p + 8, off);
	put64(p + 16, va);
	put64(p + 24, va);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
	put64(p + 48, align);
}

/* A kernel like ours: text R-X, rodata R--, data RW- with .bss. */
static void make_kernel(void)
{
	memset(file, 0, sizeof(file));
	memcpy(file,
	       "\x7f"
	       "ELF",
	       4);
	file[4] = 2; /* ELFCLASS64 */
	file[5] = 1; /* little-endian */
	file[6] = 1;
	put16(16, 2); /* ET_EXEC */
	put16(18, EM_X86_64);
	put32(20, 1);
	put64(24, BASE + 0x10); /* entry */
	put64(32, 64);		/* phoff */
	put16(52, 64);
	put16(54, 56);
	put16(56, 3);
	phdr(0, 1, ELF_PF_R | ELF_PF_X, 0x1000, BASE, 0x1000, 0x1000, 0x1000);
	phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x800, 0x800, 0x1000);
	phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, BASE + 0x2000, 0x100, 0x3000, 0x1000);
	memset(file + 0x1000, 0x90, 0x1000);
	memset(file + 0x2000, 0x11, 0x800);
	memset(file + 0x3000, 0x22, 0x100);
}

static int parse(void)
{
	return elf_parse(file, sizeof(file), &kernel_limits, &k, err, sizeof(err));
}

Test(elf, describes_a_valid_kernel)
{
	make_kernel();
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(k.entry, BASE + 0x10);
	cr_assert_eq(k.base, BASE);
	cr_assert_eq(k.size, 0x5000);
	cr_assert_eq(k.count, 3);
	cr_assert_eq(k.align, 0x1000);
	/* The scan stops before the last segment's zero fill (Limine's rule). */
	cr_assert_eq(k.scan_size, 0x5000 - (0x3000 - 0x100));
}

Test(elf, copy_places_segments_and_zeroes_bss)
{
	static uint8_t block[0x5000];

	make_kernel();
	cr_assert_eq(parse(), 0, "%s", err);
	memset(block, 0xff, sizeof(block));
	elf_copy(&k, file, block);
	cr_assert_eq(block[0], 0x90);
	cr_assert_eq(block[0x1000], 0x11);
	cr_assert_eq(block[0x1800], 0x00); /* past rodata, before data */
	cr_assert_eq(block[0x2000], 0x22);
	cr_assert_eq(block[0x2100], 0x00); /* .bss */
	cr_assert_eq(block[0x4fff], 0x00);
}

Test(elf, segments_are_sorted_by_address)
{
	make_kernel();
	phdr(0, 1, ELF_PF_R | ELF_PF_W, 0x3000, BASE + 0x2000, 0x100, 0x3000, 0x1000);
	phdr(2, 1, ELF_PF_R | ELF_PF_X, 0x1000, BASE, 0x1000, 0x1000, 0x1000);
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(k.segments[0].vaddr, BASE);
	cr_assert_eq(k.segments[2].vaddr, BASE + 0x2000);
}

static void expect(const char *needle)
{
	cr_assert_eq(parse(), -1, "accepted a bad kernel (wanted: %s)", needle);
	cr_assert(strstr(err, needle) != NULL, "message \"%s\" lacks \"%s\"", err, needle);
}

Test(elf, refuses_bad_identification)
{
	make_kernel();
	file[1] = 'X';
	expect("bad magic");
	make_kernel();
	file[4] = 1;
	expect("ELFCLASS64");
	make_kernel();
	file[5] = 2;
	expect("little-endian");
	make_kernel();
	put32(20, 2);
	expect("version");
	make_kernel();
	put16(16, 3);
	expect("ET_EXEC");
	make_kernel();
	put16(18, 183);
	expect("another architecture");
	make_kernel();
	put16(54, 32);
	expect("e_phentsize");
	make_kernel();
	put16(56, 0);
	expect("no program headers");
	make_kernel();
	put64(32, sizeof(file) - 8);
	expect("program headers outside");
}

Test(elf, refuses_bad_segments)
{
	make_kernel();
	phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x900, 0x800, 0x1000);
	expect("p_filesz larger");
	make_kernel();
	phdr(1, 1, ELF_PF_R, sizeof(file) - 0x100, BASE + 0x1000, 0x800, 0x800, 0x1000);
	expect("outside the file");
	make_kernel();
	phdr(1, 1, ELF_PF_R, 0x2000, 0x400000, 0x800, 0x800, 0x1000);
	expect("outside the image window");
	make_kernel();
	phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, UINT64_MAX - 0x1000, 0x100, 0x3000, 0x1000);
	expect("wraps");
	make_kernel();
	phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x800, 0x800, 0x1800);
	expect("power of two");
	make_kernel();
	phdr(1, 1, ELF_PF_R | ELF_PF_W | ELF_PF_X, 0x2000, BASE + 0x1000, 0x800, 0x800, 0x1000);
	expect("writable and executable");
	make_kernel();
	phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x800, 0x800, 0x800, 0x1000);
	expect("overlap");
	make_kernel();
	phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x800, 0x800, 0x1000);
	phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, BASE + 0x1800, 0x100, 0x100, 0x1000);
	expect("share the page");
	make_kernel();
	phdr(1, 3, ELF_PF_R, 0x2000, 0, 0x10, 0x10, 1);
	expect("PT_INTERP");
}

Test(elf, refuses_an_entry_outside_code)
{
	make_kernel();
	put64(24, BASE + 0x1000); /* in rodata */
	expect("entry point outside executable code");
}

Test(elf, refuses_a_file_without_loadable_segments)
{
	make_kernel();
	phdr(0, 4, 0, 0, 0, 0, 0, 0);
	phdr(1, 4, 0, 0, 0, 0, 0, 0);
	phdr(2, 1, ELF_PF_R, 0x2000, BASE, 0, 0, 0x1000); /* memsz 0: skipped */
	expect("no loadable segment");
}

Test(elf, every_truncation_fails_cleanly)
{
	make_kernel();
	for (size_t len = 0; len < 0x3100; len += len < 300 ? 1 : 97)
		cr_assert_eq(elf_parse(file, len, &kernel_limits, &k, err, sizeof(err)), -1,
			     "accepted %zu bytes", len);
}

Test(elf, refuses_dynamic_images_and_bad_section_headers)
{
	make_kernel();
	phdr(1, 2, ELF_PF_R, 0x2000, 0, 0x10, 0x10, 8); /* PT_DYNAMIC */
	expect("PT_DYNAMIC");
	make_kernel();
	put16(58, 64);
	put16(60, 4);
	put64(40, sizeof(file) - 64);
	expect("section headers outside");
	make_kernel();
	put16(58, 40);
	put16(60, 1);
	put64(40, 0x100);
	expect("section headers outside");
}

/* A user program: the same image linked at 4 MiB, checked against a user window. */
static int parse_user(uint64_t low, uint64_t last, uint64_t max_size)
{
	const struct elf_limits user = { EM_X86_64, low, last, max_size };

	return elf_parse(file, sizeof(file), &user, &k, err, sizeof(err));
}

static void make_user(void)
{
	make_kernel();
	put64(24, 0x400010);
	phdr(0, 1, ELF_PF_R | ELF_PF_X, 0x1000, 0x400000, 0x1000, 0x1000, 0x1000);
	phdr(1, 1, ELF_PF_R, 0x2000, 0x401000, 0x800, 0x800, 0x1000);
	phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, 0x402000, 0x100, 0x3000, 0x1000);
}

Test(elf, user_image_inside_the_window)
{
	make_user();
	cr_assert_eq(parse_user(0x10000, 0x7fffffffffff, 0x100000), 0, "%s", err);
	cr_assert_eq(k.base, 0x400000);
	cr_assert_eq(k.size, 0x5000);
}

Test(elf, user_image_out_of_window_or_oversized_is_refused)
{
	make_user();
	cr_assert_eq(parse_user(0x500000, 0x7fffffffffff, 0), -1); /* below the window */
	cr_assert(strstr(err, "outside the image window") != NULL, "%s", err);
	make_user();
	cr_assert_eq(parse_user(0x10000, 0x403fff, 0), -1); /* .bss runs past its end */
	cr_assert(strstr(err, "runs past the image window") != NULL, "%s", err);
	make_user();
	cr_assert_eq(parse_user(0x10000, 0x404fff, 0), 0, "%s", err); /* exactly fits */
	make_user();
	cr_assert_eq(parse_user(0x10000, 0x7fffffffffff, 0x4000), -1);
	cr_assert(strstr(err, "larger than the limit") != NULL, "%s", err);
	make_user();
	/* A huge p_memsz inside the window still trips the size limit. */
	phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, 0x402000, 0x100, UINT64_C(1) << 40, 0x1000);
	cr_assert_eq(parse_user(0x10000, 0x7fffffffffff, 0x100000), -1);
	cr_assert(strstr(err, "larger than the limit") != NULL, "%s", err);
}
