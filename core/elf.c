/*
 * core/elf.c - validate static ELF64 executables (include/core/elf.h).
 */
#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>
#include <core/elf.h>
#include <stdbool.h>

#define EHDR_SIZE  64
#define PHDR_SIZE  56
#define PT_LOAD	   1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define ET_EXEC	   2
#define PAGE_SIZE  4096u

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int fail(char *err, size_t err_size, const char *what, uint64_t value)
{
	if (err_size > 0)
		snprintf(err, err_size, "ELF: %s 0x%llx", what, (unsigned long long)value);
	return -1;
}

#define FAIL(what, value) fail(err, err_size, what, (uint64_t)(value))

static bool is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* Insert seg into k->segments keeping ascending vaddr order. */
static void insert_sorted(struct elf_image *k, const struct elf_segment *seg)
{
	size_t i = k->count;

	while (i > 0 && k->segments[i - 1].vaddr > seg->vaddr) {
		k->segments[i] = k->segments[i - 1];
		i--;
	}
	k->segments[i] = *seg;
	k->count++;
}

static int check_layout(struct elf_image *k, char *err, size_t err_size)
{
	for (size_t i = 1; i < k->count; i++) {
		const struct elf_segment *a = &k->segments[i - 1], *b = &k->segments[i];

		if (a->vaddr + a->memsz > b->vaddr)
			return FAIL("segments overlap at", b->vaddr);
		/*
		 * Two segments in one 4 KiB page would need one page with two
		 * sets of permissions.
		 */
		if (((a->vaddr + a->memsz - 1) / PAGE_SIZE == b->vaddr / PAGE_SIZE) &&
		    a->flags != b->flags)
			return FAIL("segments with different permissions share the page at",
				    b->vaddr & ~(uint64_t)(PAGE_SIZE - 1));
	}
	return 0;
}

int elf_parse(const void *file, size_t size, const struct elf_limits *limits, struct elf_image *k,
	      char *err, size_t err_size)
{
	const uint8_t *f = file;

	memset(k, 0, sizeof(*k));
	if (size < EHDR_SIZE)
		return FAIL("file shorter than an ELF header", size);
	if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
		return FAIL("bad magic", rd32(f));
	if (f[4] != 2)
		return FAIL("not ELFCLASS64", f[4]);
	if (f[5] != 1)
		return FAIL("not little-endian", f[5]);
	if (f[6] != 1 || rd32(f + 20) != 1)
		return FAIL("unknown ELF version", rd32(f + 20));
	if (rd16(f + 16) != ET_EXEC)
		return FAIL("not ET_EXEC (relocatable images are not supported); e_type",
			    rd16(f + 16));
	if (rd16(f + 18) != limits->machine)
		return FAIL("built for another architecture; e_machine", rd16(f + 18));
	if (rd16(f + 52) != EHDR_SIZE)
		return FAIL("bad e_ehsize", rd16(f + 52));

	/* Section headers are not used, but when present they must be well formed. */
	uint64_t shoff = rd64(f + 40);
	uint16_t shentsize = rd16(f + 58), shnum = rd16(f + 60);

	if (shnum != 0 && (shentsize != 64 || shoff > size || (uint64_t)shnum * 64 > size - shoff))
		return FAIL("section headers outside the file; e_shoff", shoff);

	uint64_t phoff = rd64(f + 32);
	uint16_t phentsize = rd16(f + 54), phnum = rd16(f + 56);

	k->entry = rd64(f + 24);
	if (phnum == 0)
		return FAIL("no program headers; e_phnum", phnum);
	if (phentsize != PHDR_SIZE)
		return FAIL("bad e_phentsize", phentsize);
	if (phoff > size || (uint64_t)phnum * PHDR_SIZE > size - phoff)
		return FAIL("program headers outside the file; e_phoff", phoff);

	uint64_t last_zero_fill = 0;

	k->align = PAGE_SIZE;
	for (uint16_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * PHDR_SIZE;
		uint32_t type = rd32(ph);
		struct elf_segment s = {
			.flags = rd32(ph + 4),
			.offset = rd64(ph + 8),
			.vaddr = rd64(ph + 16),
			.filesz = rd64(ph + 32),
			.memsz = rd64(ph + 40),
		};
		uint64_t align = rd64(ph + 48);

		if (type == PT_INTERP || type == PT_DYNAMIC)
			return FAIL("PT_INTERP or PT_DYNAMIC: the image must be static; segment",
				    i);
		if (type != PT_LOAD || s.memsz == 0)
			continue;
		if (k->count == ELF_MAX_SEGMENTS)
			return FAIL("too many PT_LOAD segments; limit", ELF_MAX_SEGMENTS);
		if (s.filesz > s.memsz)
			return FAIL("p_filesz larger than p_memsz at", s.vaddr);
		if (s.offset > size || s.filesz > size - s.offset)
			return FAIL("segment bytes outside the file at", s.vaddr);
		if (s.vaddr < limits->low || s.vaddr > limits->last)
			return FAIL("segment outside the image window at", s.vaddr);
		if (s.memsz > UINT64_MAX - s.vaddr - (PAGE_SIZE - 1))
			return FAIL("segment wraps the address space at", s.vaddr);
		if (s.memsz - 1 > limits->last - s.vaddr)
			return FAIL("segment runs past the image window at", s.vaddr);
		if (align > 1 && !is_pow2(align))
			return FAIL("p_align not a power of two", align);
		if ((s.flags & ELF_PF_W) && (s.flags & ELF_PF_X))
			return FAIL("segment both writable and executable at", s.vaddr);
		if (align > k->align)
			k->align = align;
		last_zero_fill = s.memsz - s.filesz; /* of the last PT_LOAD in header order */
		insert_sorted(k, &s);
	}
	if (k->count == 0)
		return FAIL("no loadable segment; e_phnum", phnum);
	if (check_layout(k, err, err_size) != 0)
		return -1;

	const struct elf_segment *lo = &k->segments[0], *hi = &k->segments[k->count - 1];

	k->base = lo->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
	k->size = ALIGN_UP(hi->vaddr + hi->memsz, (uint64_t)PAGE_SIZE) - k->base;
	if (k->align > UINT64_C(1) << 30)
		return FAIL("p_align above 1 GiB", k->align);
	if (limits->max_size != 0 && k->size > limits->max_size)
		return FAIL("image larger than the limit; bytes", k->size);
	/* Requests live in initialised data: the protocol stops the scan there. */
	k->scan_size = k->size > last_zero_fill ? k->size - last_zero_fill : 0;

	bool entry_ok = false;

	for (size_t i = 0; i < k->count; i++) {
		const struct elf_segment *s = &k->segments[i];

		if ((s->flags & ELF_PF_X) && k->entry >= s->vaddr && k->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return FAIL("entry point outside executable code", k->entry);
	return 0;
}

void elf_copy(const struct elf_image *k, const void *file, void *dest)
{
	const uint8_t *f = file;
	uint8_t *d = dest;

	memset(d, 0, k->size);
	for (size_t i = 0; i < k->count; i++) {
		const struct elf_segment *s = &k->segments[i];

		memcpy(d + (s->vaddr - k->base), f + s->offset, s->filesz);
	}
}
