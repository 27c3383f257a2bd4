/*
 * test/boot/elf2pe_test_util.c - the ELF builder and PE view of the elf2pe tests.
 */
#include "elf2pe_test_util.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EHDR_SIZE 64
#define PHDR_SIZE 56

static void grow(struct elfb *b, size_t size)
{
	uint8_t *bigger;

	if (size <= b->size)
		return;
	bigger = realloc(b->buf, size);
	cr_assert_not_null(bigger, "builder out of memory");
	memset(bigger + b->size, 0, size - b->size);
	b->buf = bigger;
	b->size = size;
}

void elfb_put16(struct elfb *b, size_t off, uint16_t v)
{
	cr_assert_leq(off + 2, b->size, "builder write at 0x%zx outside the file", off);
	b->buf[off] = (uint8_t)v;
	b->buf[off + 1] = (uint8_t)(v >> 8);
}

void elfb_put32(struct elfb *b, size_t off, uint32_t v)
{
	elfb_put16(b, off, (uint16_t)v);
	elfb_put16(b, off + 2, (uint16_t)(v >> 16));
}

void elfb_put64(struct elfb *b, size_t off, uint64_t v)
{
	elfb_put32(b, off, (uint32_t)v);
	elfb_put32(b, off + 4, (uint32_t)(v >> 32));
}

void elfb_init(struct elfb *b, uint16_t machine, uint64_t entry)
{
	static const uint8_t ident[16] = { 0x7f,
					   'E',
					   'L',
					   'F',
					   2 /* ELFCLASS64 */,
					   1 /* ELFDATA2LSB */,
					   1 /* EV_CURRENT */ };

	b->buf = NULL;
	b->size = 0;
	b->nphdrs = 0;
	grow(b, EHDR_SIZE + ELFB_MAX_PHDRS * PHDR_SIZE);
	memcpy(b->buf, ident, sizeof(ident));
	elfb_put16(b, 16, 3);	      /* e_type: ET_DYN */
	elfb_put16(b, 18, machine);   /* e_machine */
	elfb_put32(b, 20, 1);	      /* e_version */
	elfb_put64(b, 24, entry);     /* e_entry */
	elfb_put64(b, 32, EHDR_SIZE); /* e_phoff: right after this header */
	elfb_put16(b, 52, EHDR_SIZE); /* e_ehsize */
	elfb_put16(b, 54, PHDR_SIZE); /* e_phentsize */
	elfb_put16(b, 56, 0);	      /* e_phnum */
}

void elfb_free(struct elfb *b)
{
	free(b->buf);
	b->buf = NULL;
	b->size = 0;
}

unsigned elfb_add_phdr(struct elfb *b, uint32_t type, uint32_t flags, uint64_t offset,
		       uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	unsigned i = b->nphdrs;

	cr_assert_lt(i, ELFB_MAX_PHDRS, "too many program headers for the builder");
	b->nphdrs++;
	elfb_put16(b, 56, (uint16_t)b->nphdrs);
	elfb_set_ph(b, i, PH_TYPE, type);
	elfb_set_ph(b, i, PH_FLAGS, flags);
	elfb_set_ph(b, i, PH_OFFSET, offset);
	elfb_set_ph(b, i, PH_VADDR, vaddr);
	elfb_put64(b, EHDR_SIZE + i * PHDR_SIZE + 24, vaddr); /* p_paddr */
	elfb_set_ph(b, i, PH_FILESZ, filesz);
	elfb_set_ph(b, i, PH_MEMSZ, memsz);
	elfb_put64(b, EHDR_SIZE + i * PHDR_SIZE + 48, 0x1000); /* p_align */
	if (filesz > 0)
		grow(b, offset + filesz);
	return i;
}

unsigned elfb_add_load(struct elfb *b, uint32_t flags, uint64_t vaddr, uint64_t filesz,
		       uint64_t memsz)
{
	return elfb_add_phdr(b, PT_LOAD, flags, vaddr, vaddr, filesz, memsz);
}

void elfb_set_ph(struct elfb *b, unsigned index, enum ph_field f, uint64_t value)
{
	size_t ph = EHDR_SIZE + index * PHDR_SIZE;

	switch (f) {
	case PH_TYPE:
		elfb_put32(b, ph, (uint32_t)value);
		break;
	case PH_FLAGS:
		elfb_put32(b, ph + 4, (uint32_t)value);
		break;
	case PH_OFFSET:
		elfb_put64(b, ph + 8, value);
		break;
	case PH_VADDR:
		elfb_put64(b, ph + 16, value);
		break;
	case PH_FILESZ:
		elfb_put64(b, ph + 32, value);
		break;
	case PH_MEMSZ:
		elfb_put64(b, ph + 40, value);
		break;
	}
}

/*
 * Page 0x3000 gets four fixups (a block without padding), pages 0x2000 and
 * 0x4000 one each (blocks padded with an ABSOLUTE entry). The table is not
 * in address order, so the converter has to sort.
 */
const struct std_reloc std_relocs[STD_NRELA] = {
	{ 0x4000, 0x1010, false },
	{ 0x3010, 0x2000, false },
	{ 0x2040, 0x3008, false }, /* in read-only .rdata, which PE allows */
	{ 0x0, 0x0, true },	   /* R_*_NONE: its offset would be refused */
	{ 0x3000, 0x5000, false },
	{ 0x3ff8, (uint64_t)-16, false }, /* ends on the page boundary; negative */
	{ 0x3020, 0x1000, false },
};

void elfb_set_dyn(struct elfb *b, unsigned slot, uint64_t tag, uint64_t val)
{
	elfb_put64(b, STD_DYNAMIC + 16 * slot, tag);
	elfb_put64(b, STD_DYNAMIC + 16 * slot + 8, val);
}

void elfb_set_rela(struct elfb *b, unsigned slot, uint64_t offset, uint32_t type, uint64_t addend)
{
	elfb_put64(b, STD_RELA + 24 * slot, offset);
	elfb_put64(b, STD_RELA + 24 * slot + 8, type); /* r_info: symbol 0, type */
	elfb_put64(b, STD_RELA + 24 * slot + 16, addend);
}

void elfb_standard(struct elfb *b, uint16_t machine, uint32_t relative)
{
	elfb_init(b, machine, STD_ENTRY);
	elfb_add_load(b, PF_R | PF_X, STD_TEXT, STD_TEXT_SIZE, STD_TEXT_SIZE);
	elfb_add_load(b, PF_R, STD_RDATA, STD_RDATA_SIZE, STD_RDATA_SIZE);
	elfb_add_load(b, PF_R | PF_W, STD_DATA, STD_DATA_SIZE, STD_DATA_SIZE);
	elfb_add_load(b, PF_R | PF_W, STD_BSS, 0, STD_BSS_SIZE);
	elfb_add_phdr(b, PT_DYNAMIC, PF_R | PF_W, STD_DYNAMIC, STD_DYNAMIC, STD_NDYN * 16,
		      STD_NDYN * 16);

	/* Recognisable bytes everywhere, so copies and relocations can be told apart. */
	for (uint32_t i = 0; i < STD_TEXT_SIZE; i++)
		b->buf[STD_TEXT + i] = (uint8_t)(i * 13 + 1);
	for (uint32_t i = 0; i < STD_RDATA_SIZE; i++)
		b->buf[STD_RDATA + i] = (uint8_t)(i * 5 + 2);
	for (uint32_t i = 0; i < STD_DATA_SIZE; i++)
		b->buf[STD_DATA + i] = (uint8_t)(i * 7 + 3);

	elfb_set_dyn(b, STD_DYN_FLAGS_1, DT_FLAGS_1, 0x08000000); /* DF_1_PIE */
	elfb_set_dyn(b, STD_DYN_RELA, DT_RELA, STD_RELA);
	elfb_set_dyn(b, STD_DYN_RELASZ, DT_RELASZ, STD_NRELA * 24);
	elfb_set_dyn(b, STD_DYN_RELAENT, DT_RELAENT, 24);
	elfb_set_dyn(b, STD_DYN_SPARE, DT_DEBUG, 0);
	elfb_set_dyn(b, STD_DYN_NULL, DT_NULL, 0);
	for (unsigned i = 0; i < STD_NRELA; i++)
		elfb_set_rela(b, i, std_relocs[i].offset, std_relocs[i].none ? 0 : relative,
			      std_relocs[i].addend);
}

uint32_t relative_type_of(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64:
		return 8;
	case EM_AARCH64:
		return 1027;
	case EM_RISCV:
	case EM_LOONGARCH:
		return 3;
	default:
		return 0;
	}
}

/* Run the converter on an exact-size copy of the image. */
static int convert(const struct elfb *b, struct elf2pe_output *out, char *err, size_t err_size)
{
	uint8_t *copy = malloc(b->size ? b->size : 1);
	int ret;

	cr_assert_not_null(copy);
	memcpy(copy, b->buf, b->size);
	ret = elf2pe_convert(copy, b->size, out, err, err_size);
	free(copy);
	return ret;
}

void convert_ok(const struct elfb *b, struct elf2pe_output *out)
{
	char err[256] = "untouched";

	cr_assert_eq(convert(b, out, err, sizeof(err)), 0, "conversion failed: %s", err);
	cr_assert_str_empty(err, "success left a message: %s", err);
	cr_assert_not_null(out->data);
}

void expect_refusal(const struct elfb *b, const char *needle)
{
	struct elf2pe_output out = { (uint8_t *)"junk", 4 };
	char err[256] = "";

	cr_assert_eq(convert(b, &out, err, sizeof(err)), -1, "accepted; expected \"%s\"", needle);
	cr_assert_null(out.data, "a refusal must reset out->data");
	cr_assert_eq(out.size, 0, "a refusal must reset out->size");
	cr_assert_not_null(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
	cr_assert_null(strchr(err, '\n'), "message \"%s\" is not one line", err);
}

void pe_open(struct pe_view *v, const struct elf2pe_output *out)
{
	v->data = out->data;
	v->size = out->size;
	cr_assert_geq(v->size, 64, "output shorter than a DOS header");
	cr_assert(v->data[0] == 'M' && v->data[1] == 'Z', "no MZ magic");
	v->coff = pe_u32(v, 0x3c) + 4;
	cr_assert_eq(pe_u32(v, v->coff - 4), 0x00004550, "no PE signature at e_lfanew");
	cr_assert_eq(pe_u16(v, v->coff + 16), 240, "SizeOfOptionalHeader");
	v->opt = v->coff + 20;
	v->sections = v->opt + 240;
	v->nsections = pe_u16(v, v->coff + 2);
	cr_assert_leq(v->sections + 40 * v->nsections, v->size, "section table past the end");
}

static void check_bounds(const struct pe_view *v, size_t off, size_t len)
{
	cr_assert(off <= v->size && len <= v->size - off, "read of %zu bytes at 0x%zx, size 0x%zx",
		  len, off, v->size);
}

uint16_t pe_u16(const struct pe_view *v, size_t off)
{
	check_bounds(v, off, 2);
	return (uint16_t)(v->data[off] | v->data[off + 1] << 8);
}

uint32_t pe_u32(const struct pe_view *v, size_t off)
{
	return (uint32_t)pe_u16(v, off) | (uint32_t)pe_u16(v, off + 2) << 16;
}

uint64_t pe_u64(const struct pe_view *v, size_t off)
{
	return (uint64_t)pe_u32(v, off) | (uint64_t)pe_u32(v, off + 4) << 32;
}

struct pe_sec pe_section(const struct pe_view *v, unsigned i)
{
	size_t h = v->sections + 40 * (size_t)i;
	struct pe_sec s;

	cr_assert_lt(i, v->nsections, "no section %u", i);
	check_bounds(v, h, 40);
	memset(s.name, 0, sizeof(s.name));
	memcpy(s.name, v->data + h, 8);
	s.virtual_size = pe_u32(v, h + 8);
	s.virtual_address = pe_u32(v, h + 12);
	s.raw_size = pe_u32(v, h + 16);
	s.raw_offset = pe_u32(v, h + 20);
	s.characteristics = pe_u32(v, h + 36);
	return s;
}

size_t pe_rva_to_off(const struct pe_view *v, uint32_t rva, size_t len)
{
	for (unsigned i = 0; i < v->nsections; i++) {
		struct pe_sec s = pe_section(v, i);

		if (rva >= s.virtual_address && rva - s.virtual_address + len <= s.raw_size &&
		    rva - s.virtual_address + len <= s.virtual_size) {
			check_bounds(v, s.raw_offset + (rva - s.virtual_address), len);
			return s.raw_offset + (rva - s.virtual_address);
		}
	}
	cr_assert_fail("RVA 0x%x (+%zu) is not in any section's raw data", rva, len);
	return 0;
}

void temp_dir_create(char *dir, size_t size)
{
	cr_assert_geq(size, 32);
	snprintf(dir, size, "/tmp/elf2pe-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
}

void temp_dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	cr_assert_not_null(d, "cannot list %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	cr_assert_eq(rmdir(dir), 0, "cannot remove %s", dir);
}

uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 4096;
	uint8_t *buf = malloc(cap + 1);

	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_not_null(buf);
	for (;;) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap + 1);
		cr_assert_not_null(buf);
	}
	cr_assert(!ferror(f), "cannot read %s", path);
	fclose(f);
	buf[len] = '\0';
	*size = len;
	return buf;
}

void spew(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "cannot create %s", path);
	cr_assert_eq(fwrite(data, 1, size, f), size, "cannot write %s", path);
	cr_assert_eq(fclose(f), 0, "cannot write %s", path);
}

int run_program(const char *const argv[], const char *log)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork failed");
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
