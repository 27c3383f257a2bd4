/*
 * boot/tools/elf2pe.c - convert a static PIE ELF64 image into a PE32+ EFI application.
 *
 * See elf2pe.h for the model. The conversion runs in three steps, and each
 * step starts only once the previous one has accepted the input:
 *
 *   1. read_headers() and check_segments(): the ELF header and the program
 *      headers, copied into host-order structures and checked;
 *   2. read_dynamic() and read_relocations(): the dynamic array and the RELA
 *      table, turned into a sorted list of fixups;
 *   3. elf2pe_plan_layout() and elf2pe_write_image() (elf2pe_pe.c): the PE
 *      file layout, then the bytes.
 *
 * The input is untrusted and may be truncated or misaligned, so it is never
 * accessed through a structure pointer: every multi-byte field is read with
 * get_le16/32/64 after a bounds check. Offsets and sizes from the file are
 * 64-bit and are only added after a check that the sum cannot wrap.
 */
#include "elf2pe.h"
#include "elf2pe_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ELF64 constants (System V ABI and the processor supplements). */
#define ELF64_EHDR_SIZE 64
#define ELF64_PHDR_SIZE 56
#define ELF64_DYN_SIZE	16
#define ELF64_RELA_SIZE 24
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_DYN		3
#define PN_XNUM		0xffff
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define DT_NULL		0
#define DT_NEEDED	1
#define DT_PLTRELSZ	2
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define DT_REL		17
#define DT_TEXTREL	22
#define DT_FLAGS	30
#define DT_RELR		36
#define DF_TEXTREL	0x4

/* The supported architectures; any other e_machine is refused. */
static const struct machine machines[] = {
	{ 62, 0x8664, 8, "R_X86_64_RELATIVE" },	     /* EM_X86_64, IMAGE_FILE_MACHINE_AMD64 */
	{ 183, 0xaa64, 1027, "R_AARCH64_RELATIVE" }, /* EM_AARCH64, ..._ARM64 */
	{ 243, 0x5064, 3, "R_RISCV_RELATIVE" },	     /* EM_RISCV, ..._RISCV64 */
	{ 258, 0x6264, 3, "R_LARCH_RELATIVE" },	     /* EM_LOONGARCH, ..._LOONGARCH64 */
};

/* Every refusal goes through here, so messages have one shape: no newline. */
int elf2pe_fail(struct converter *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err != NULL && c->err_size > 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->err_size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->p_type = get_le32(p);
	ph->p_flags = get_le32(p + 4);
	ph->p_offset = get_le64(p + 8);
	ph->p_vaddr = get_le64(p + 16);
	ph->p_filesz = get_le64(p + 32);
	ph->p_memsz = get_le64(p + 40);
}

/* Step 1a: the ELF header, then the program header table it points to. */
static int read_headers(struct converter *c)
{
	static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
	const uint8_t *p = c->elf;
	struct elf64_ehdr *eh = &c->eh;

	if (c->elf_size < sizeof(elf_magic) || memcmp(p, elf_magic, sizeof(elf_magic)) != 0)
		return elf2pe_fail(c, "not an ELF file (bad magic)");
	if (c->elf_size < ELF64_EHDR_SIZE)
		return elf2pe_fail(c, "truncated ELF header (%zu bytes)", c->elf_size);
	if (p[EI_CLASS] != ELFCLASS64)
		return elf2pe_fail(c, "ELF class %u is not ELFCLASS64", p[EI_CLASS]);
	if (p[EI_DATA] != ELFDATA2LSB)
		return elf2pe_fail(c, "ELF data encoding %u is not ELFDATA2LSB (little-endian)",
				   p[EI_DATA]);
	if (p[EI_VERSION] != EV_CURRENT)
		return elf2pe_fail(c, "ELF identification version %u is not 1", p[EI_VERSION]);

	eh->e_type = get_le16(p + 16);
	eh->e_machine = get_le16(p + 18);
	eh->e_version = get_le32(p + 20);
	eh->e_entry = get_le64(p + 24);
	eh->e_phoff = get_le64(p + 32);
	eh->e_ehsize = get_le16(p + 52);
	eh->e_phentsize = get_le16(p + 54);
	eh->e_phnum = get_le16(p + 56);

	if (eh->e_version != EV_CURRENT)
		return elf2pe_fail(c, "ELF version %u is not 1", eh->e_version);
	if (eh->e_type != ET_DYN)
		return elf2pe_fail(c, "ELF type %u is not ET_DYN: link the image as a static PIE",
				   eh->e_type);
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		if (machines[i].elf_machine == eh->e_machine)
			c->machine = &machines[i];
	}
	if (c->machine == NULL)
		return elf2pe_fail(
			c,
			"unsupported ELF machine %u (not x86_64, aarch64, riscv64 or loongarch64)",
			eh->e_machine);
	if (eh->e_ehsize != ELF64_EHDR_SIZE)
		return elf2pe_fail(c, "e_ehsize is %u, expected %u", eh->e_ehsize, ELF64_EHDR_SIZE);
	if (eh->e_phentsize != ELF64_PHDR_SIZE)
		return elf2pe_fail(c, "e_phentsize is %u, expected %u", eh->e_phentsize,
				   ELF64_PHDR_SIZE);
	if (eh->e_phnum == PN_XNUM)
		return elf2pe_fail(
			c, "extended program header numbering (e_phnum 0xffff) is not supported");
	if (!range_ok(eh->e_phoff, (uint64_t)eh->e_phnum * ELF64_PHDR_SIZE, c->elf_size))
		return elf2pe_fail(
			c, "program header table (offset 0x%llx, %u entries) lies outside the file",
			ull(eh->e_phoff), eh->e_phnum);

	/*
	 * Only the segment types that decide the image are kept; notes and the
	 * like (PT_GNU_STACK, PT_RISCV_ATTRIBUTES...) do not affect it.
	 */
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;

		read_phdr(p + eh->e_phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		if (ph.p_type == PT_INTERP)
			return elf2pe_fail(c, "PT_INTERP present: the image must be static "
					      "(link with --no-dynamic-linker)");
		if (ph.p_type == PT_DYNAMIC) {
			if (c->has_dynamic)
				return elf2pe_fail(c, "more than one PT_DYNAMIC");
			c->dynamic = ph;
			c->has_dynamic = true;
		}
		if (ph.p_type == PT_LOAD) {
			if (c->nloads == ELF2PE_MAX_SEGMENTS)
				return elf2pe_fail(c, "more than %u PT_LOAD segments",
						   ELF2PE_MAX_SEGMENTS);
			c->loads[c->nloads++] = ph;
		}
	}
	return 0;
}

/*
 * Step 1b: the PT_LOAD segments must map one-to-one onto PE sections.
 *
 * Their bytes are copied into the output, so p_offset need not be congruent
 * to p_vaddr modulo the page size; only p_vaddr must be page-aligned, because
 * every PE section starts on a SectionAlignment boundary. A segment whose
 * p_filesz is 0 has no file bytes, so its p_offset is not checked.
 */
static int check_segments(struct converter *c)
{
	if (c->nloads == 0)
		return elf2pe_fail(c, "no PT_LOAD segment");

	for (unsigned i = 0; i < c->nloads; i++) {
		const struct elf64_phdr *ph = &c->loads[i];
		unsigned long long va = ph->p_vaddr;

		if (ph->p_filesz > ph->p_memsz)
			return elf2pe_fail(
				c, "PT_LOAD at 0x%llx: p_filesz 0x%llx exceeds p_memsz 0x%llx", va,
				ull(ph->p_filesz), ull(ph->p_memsz));
		if (ph->p_memsz == 0)
			return elf2pe_fail(c, "PT_LOAD at 0x%llx is empty (p_memsz 0)", va);
		if (ph->p_filesz > 0 && !range_ok(ph->p_offset, ph->p_filesz, c->elf_size))
			return elf2pe_fail(
				c,
				"PT_LOAD at 0x%llx: file bytes 0x%llx+0x%llx lie outside the file",
				va, ull(ph->p_offset), ull(ph->p_filesz));
		if (va % PE_SECTION_ALIGNMENT != 0)
			return elf2pe_fail(c, "PT_LOAD at 0x%llx: p_vaddr is not 4096-aligned", va);
		if (!range_ok(va, ph->p_memsz, UINT32_MAX))
			return elf2pe_fail(
				c, "PT_LOAD at 0x%llx (0x%llx bytes) does not fit in a 32-bit RVA",
				va, ull(ph->p_memsz));
		if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
			return elf2pe_fail(c, "PT_LOAD at 0x%llx is both writable and executable",
					   va);
		if (i == 0 && va < PE_SECTION_ALIGNMENT)
			return elf2pe_fail(
				c,
				"first PT_LOAD at 0x%llx is below 0x1000, where the PE headers go",
				va);
		if (i > 0) {
			const struct elf64_phdr *prev = &c->loads[i - 1];

			if (va <= prev->p_vaddr)
				return elf2pe_fail(c,
						   "PT_LOAD at 0x%llx follows PT_LOAD at 0x%llx: "
						   "segments must be in ascending address order",
						   va, ull(prev->p_vaddr));
			if (va < prev->p_vaddr + prev->p_memsz)
				return elf2pe_fail(
					c, "PT_LOAD at 0x%llx overlaps PT_LOAD 0x%llx-0x%llx", va,
					ull(prev->p_vaddr), ull(prev->p_vaddr + prev->p_memsz));
		}
	}

	/* The entry must be real code, not zero-fill that happens to be executable. */
	for (unsigned i = 0; i < c->nloads; i++) {
		const struct elf64_phdr *ph = &c->loads[i];

		if ((ph->p_flags & PF_X) && c->eh.e_entry >= ph->p_vaddr &&
		    c->eh.e_entry - ph->p_vaddr < ph->p_filesz)
			return 0;
	}
	return elf2pe_fail(c,
			   "entry point 0x%llx is not in the file bytes of an executable PT_LOAD",
			   ull(c->eh.e_entry));
}

/*
 * Find the PT_LOAD whose file bytes hold [va, va + len). Returns its index,
 * or -1 if no single segment holds the whole range in its file bytes.
 */
static int find_file_bytes(const struct converter *c, uint64_t va, uint64_t len)
{
	for (unsigned i = 0; i < c->nloads; i++) {
		const struct elf64_phdr *ph = &c->loads[i];

		if (va >= ph->p_vaddr && range_ok(va - ph->p_vaddr, len, ph->p_filesz))
			return (int)i;
	}
	return -1;
}

/* Where the RELA table lies in the file; count 0 means no relocations. */
struct rela_table {
	uint64_t offset;
	uint64_t count;
};

/*
 * Keep the value of a dynamic tag that may appear only once. A repeated tag
 * is refused rather than resolved, since readers disagree on which one wins.
 */
static int take_tag(struct converter *c, const char *name, bool *seen, uint64_t *slot, uint64_t val)
{
	if (*seen)
		return elf2pe_fail(c, "%s appears twice in the dynamic array", name);
	*seen = true;
	*slot = val;
	return 0;
}

/*
 * Step 2a: walk the dynamic array up to DT_NULL and find the RELA table.
 * Anything that would need a dynamic linker (shared libraries, PLT
 * relocations, other relocation formats, text relocations) is refused.
 */
static int read_dynamic(struct converter *c, struct rela_table *rt)
{
	const struct elf64_phdr *dyn = &c->dynamic;
	uint64_t rela = 0, relasz = 0, relaent = 0;
	bool have_rela = false, have_relasz = false, have_relaent = false;
	uint64_t i, n;
	int load;

	rt->offset = 0;
	rt->count = 0;
	if (!c->has_dynamic)
		return 0;
	if (!range_ok(dyn->p_offset, dyn->p_filesz, c->elf_size))
		return elf2pe_fail(c,
				   "PT_DYNAMIC (offset 0x%llx, 0x%llx bytes) lies outside the file",
				   ull(dyn->p_offset), ull(dyn->p_filesz));

	n = dyn->p_filesz / ELF64_DYN_SIZE;
	for (i = 0; i < n; i++) {
		const uint8_t *p = c->elf + dyn->p_offset + i * ELF64_DYN_SIZE;
		uint64_t tag = get_le64(p), val = get_le64(p + 8);

		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			return elf2pe_fail(
				c, "DT_NEEDED present: the image must not use shared libraries");
		case DT_REL:
			return elf2pe_fail(c,
					   "DT_REL present: only RELA relocations are supported");
		case DT_RELR:
			return elf2pe_fail(c,
					   "DT_RELR present: link without -z pack-relative-relocs");
		case DT_TEXTREL:
			return elf2pe_fail(c,
					   "DT_TEXTREL present: read-only segments must not need "
					   "relocations (link with -z text)");
		case DT_FLAGS:
			if (val & DF_TEXTREL)
				return elf2pe_fail(
					c, "DF_TEXTREL set: read-only segments must not need "
					   "relocations (link with -z text)");
			break;
		case DT_PLTRELSZ:
			/* A DT_JMPREL table is only used with a non-zero DT_PLTRELSZ. */
			if (val != 0)
				return elf2pe_fail(
					c,
					"DT_JMPREL/DT_PLTRELSZ: PLT relocations (0x%llx bytes) "
					"are not supported",
					ull(val));
			break;
		case DT_RELA:
			if (take_tag(c, "DT_RELA", &have_rela, &rela, val) < 0)
				return -1;
			break;
		case DT_RELASZ:
			if (take_tag(c, "DT_RELASZ", &have_relasz, &relasz, val) < 0)
				return -1;
			break;
		case DT_RELAENT:
			if (take_tag(c, "DT_RELAENT", &have_relaent, &relaent, val) < 0)
				return -1;
			break;
		default:
			break;
		}
	}
	if (i == n)
		return elf2pe_fail(c, "PT_DYNAMIC has no DT_NULL entry");

	if (!have_rela) {
		if (have_relasz && relasz != 0)
			return elf2pe_fail(c, "DT_RELASZ without DT_RELA");
		return 0;
	}
	if (!have_relasz)
		return elf2pe_fail(c, "DT_RELA without DT_RELASZ");
	if (!have_relaent)
		return elf2pe_fail(c, "DT_RELA without DT_RELAENT");
	if (relaent != ELF64_RELA_SIZE)
		return elf2pe_fail(c, "DT_RELAENT is %llu, expected %u", ull(relaent),
				   ELF64_RELA_SIZE);
	if (relasz % ELF64_RELA_SIZE != 0)
		return elf2pe_fail(c, "DT_RELASZ 0x%llx is not a multiple of %u", ull(relasz),
				   ELF64_RELA_SIZE);

	load = find_file_bytes(c, rela, relasz);
	if (load < 0)
		return elf2pe_fail(c,
				   "RELA table 0x%llx+0x%llx is not in the file bytes of a PT_LOAD",
				   ull(rela), ull(relasz));
	rt->offset = c->loads[load].p_offset + (rela - c->loads[load].p_vaddr);
	rt->count = relasz / ELF64_RELA_SIZE;
	return 0;
}

static int compare_fixups(const void *a, const void *b)
{
	uint32_t ra = ((const struct fixup *)a)->rva, rb = ((const struct fixup *)b)->rva;

	return ra < rb ? -1 : ra > rb;
}

/*
 * Step 2b: turn the RELA entries into fixups sorted by address. Each must be
 * the architecture's RELATIVE type (the symbol index is ignored, as the ABI
 * says) and must patch 8 bytes that are stored in the file: a location in the
 * zero-filled tail of a segment has no file bytes to hold the addend.
 */
static int read_relocations(struct converter *c, const struct rela_table *rt)
{
	const struct machine *m = c->machine;

	if (rt->count == 0)
		return 0;
	/* rt->count * 24 bytes lie in the file, so this product cannot wrap. */
	c->fixups = malloc(rt->count * sizeof(*c->fixups));
	if (c->fixups == NULL)
		return elf2pe_fail(c, "out of memory for %llu relocations", ull(rt->count));

	for (uint64_t i = 0; i < rt->count; i++) {
		const uint8_t *p = c->elf + rt->offset + i * ELF64_RELA_SIZE;
		uint64_t r_offset = get_le64(p), r_addend = get_le64(p + 16);
		uint32_t type = (uint32_t)get_le64(p + 8);
		int load;

		if (type == 0) /* R_*_NONE */
			continue;
		if (type != m->relative_type)
			return elf2pe_fail(c, "relocation type %u at offset 0x%llx is not %s (%u)",
					   type, ull(r_offset), m->relative_name, m->relative_type);
		load = find_file_bytes(c, r_offset, 8);
		if (load < 0)
			return elf2pe_fail(
				c, "%s at offset 0x%llx is not in the file bytes of a PT_LOAD",
				m->relative_name, ull(r_offset));
		/* The value is ImageBase (0) + addend: the addend's two's complement. */
		c->fixups[c->nfixups++] = (struct fixup){ .rva = (uint32_t)r_offset,
							  .load = (uint32_t)load,
							  .value = r_addend };
	}

	/* Two fixups of overlapping bytes would corrupt each other at load time. */
	qsort(c->fixups, c->nfixups, sizeof(*c->fixups), compare_fixups);
	for (size_t i = 1; i < c->nfixups; i++) {
		uint32_t prev = c->fixups[i - 1].rva, cur = c->fixups[i].rva;

		if (cur == prev)
			return elf2pe_fail(c, "duplicate relocation at offset 0x%x", cur);
		if (cur - prev < 8)
			return elf2pe_fail(c, "relocations at offsets 0x%x and 0x%x overlap", prev,
					   cur);
	}
	return 0;
}

int elf2pe_convert(const uint8_t *elf, size_t elf_size, struct elf2pe_output *out, char *err,
		   size_t err_size)
{
	struct converter c = {
		.elf = elf,
		.elf_size = elf == NULL ? 0 : elf_size,
		.err = err,
		.err_size = err_size,
	};
	struct rela_table rt;
	uint8_t *img = NULL;
	int ret = -1;

	out->data = NULL;
	out->size = 0;
	if (err != NULL && err_size > 0)
		err[0] = '\0';

	if (read_headers(&c) < 0 || check_segments(&c) < 0 || read_dynamic(&c, &rt) < 0 ||
	    read_relocations(&c, &rt) < 0 || elf2pe_plan_layout(&c) < 0)
		goto out;

	/* Zeroed, so padding and the gaps between raw data need no writing. */
	img = calloc(1, c.file_size);
	if (img == NULL) {
		elf2pe_fail(&c, "out of memory for a %zu-byte image", c.file_size);
		goto out;
	}
	elf2pe_write_image(&c, img);
	out->data = img;
	out->size = c.file_size;
	ret = 0;
out:
	free(c.fixups);
	return ret;
}

void elf2pe_free(struct elf2pe_output *out)
{
	if (out == NULL)
		return;
	free(out->data);
	out->data = NULL;
	out->size = 0;
}
