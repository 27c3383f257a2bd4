/*
 * boot/tools/elf2pe_pe.c - the PE32+ half of the converter: layout and bytes.
 *
 * By the time these functions run, elf2pe.c has accepted the input: the
 * PT_LOAD segments are page-aligned, ascending, disjoint, at or above 0x1000
 * and within 32 bits, and the fixups are sorted and disjoint. The file is
 * laid out as
 *
 *   headers (DOS, "PE\0\0", COFF, PE32+ optional header, section table)
 *   one section's raw data per PT_LOAD with file bytes, in address order
 *   .reloc's raw data
 *
 * with every part starting on a FileAlignment boundary, while in memory each
 * section sits at its ELF address and .reloc on the next page after the last.
 */
#include "elf2pe.h"
#include "elf2pe_internal.h"

#include <stdio.h>
#include <string.h>

/* PE32+ constants (Microsoft PE/COFF specification). */
#define PE_DOS_HEADER_SIZE	 64
#define PE_SIGNATURE_SIZE	 4
#define PE_COFF_HEADER_SIZE	 20
#define PE_OPT_HEADER_SIZE	 240 /* PE32+ with 16 data directories */
#define PE_SECTION_HEADER_SIZE	 40
#define PE_PAGE_SIZE		 0x1000u /* the unit of one base relocation block */
#define PE_NUM_DATA_DIRECTORIES	 16
#define PE_DIR_BASERELOC	 5
#define PE_REL_BASED_ABSOLUTE	 0
#define PE_REL_BASED_DIR64	 10
#define PE_SUBSYSTEM_EFI_APP	 10
#define PE_FILE_EXECUTABLE_IMAGE 0x0002
#define PE_FILE_LARGE_ADDRESS	 0x0020
#define PE_DLL_DYNAMIC_BASE	 0x0040
#define PE_DLL_NX_COMPAT	 0x0100
#define PE_SCN_CNT_CODE		 0x00000020u
#define PE_SCN_CNT_INIT_DATA	 0x00000040u
#define PE_SCN_CNT_UNINIT_DATA	 0x00000080u
#define PE_SCN_MEM_DISCARDABLE	 0x02000000u
#define PE_SCN_MEM_EXECUTE	 0x20000000u
#define PE_SCN_MEM_READ		 0x40000000u
#define PE_SCN_MEM_WRITE	 0x80000000u

/* Bytes of every header, from the DOS header to the last section header. */
#define PE_HEADERS_SIZE(nsections)                                                           \
	(PE_DOS_HEADER_SIZE + PE_SIGNATURE_SIZE + PE_COFF_HEADER_SIZE + PE_OPT_HEADER_SIZE + \
	 (nsections) * PE_SECTION_HEADER_SIZE)

/*
 * ImageBase is 0, so the headers live at RVA 0 and the first segment starts
 * at 0x1000 or above: the headers of the largest image must fit below it.
 */
_Static_assert(PE_HEADERS_SIZE(ELF2PE_MAX_SEGMENTS + 1) <= PE_SECTION_ALIGNMENT,
	       "the PE headers must fit in the first page");

/*
 * Produce the base relocation blocks into dst, or only measure them if dst is
 * NULL; returns their size in bytes. Fixups are grouped by 4 KiB page. A block
 * is { u32 PageRVA, u32 BlockSize, u16 entries[] }, each entry being
 * (type << 12 | offset in page). A block with an odd number of entries gets
 * one ABSOLUTE entry, which loaders skip, so the next block is 4-byte aligned.
 *
 * With no fixups at all, one block for the first section's page holds two
 * ABSOLUTE entries (BlockSize 12): the directory is then non-empty, as some
 * loaders expect of a relocatable image, and no block is without entries.
 */
static size_t emit_reloc_blocks(const struct converter *c, uint8_t *dst)
{
	const uint16_t absolute = PE_REL_BASED_ABSOLUTE << 12;
	size_t size = 0, i = 0;

	if (c->nfixups == 0) {
		if (dst != NULL) {
			put_le32(dst, (uint32_t)c->loads[0].p_vaddr);
			put_le32(dst + 4, 12);
			put_le16(dst + 8, absolute);
			put_le16(dst + 10, absolute);
		}
		return 12;
	}
	while (i < c->nfixups) {
		uint32_t page = c->fixups[i].rva & ~(PE_PAGE_SIZE - 1);
		size_t j = i, block;

		while (j < c->nfixups && (c->fixups[j].rva & ~(PE_PAGE_SIZE - 1)) == page)
			j++;
		block = align_up(8 + 2 * (j - i), 4);
		if (dst != NULL) {
			uint8_t *b = dst + size;

			put_le32(b, page);
			put_le32(b + 4, (uint32_t)block);
			for (size_t k = i; k < j; k++)
				put_le16(b + 8 + 2 * (k - i),
					 PE_REL_BASED_DIR64 << 12 |
						 (c->fixups[k].rva & (PE_PAGE_SIZE - 1)));
			if ((j - i) % 2 != 0)
				put_le16(b + 8 + 2 * (j - i), absolute);
		}
		size += block;
		i = j;
	}
	return size;
}

/*
 * Name a section after its kind, with the kind's ordinal appended when the
 * kind repeats: ".data", ".data2"... The longest, ".rdata16", fills all
 * eight bytes of the field, which PE allows to go without a NUL.
 */
static void name_section(struct pe_section *s, const char *kind, unsigned ordinal)
{
	char buf[32];

	if (ordinal > 1)
		snprintf(buf, sizeof(buf), "%s%u", kind, ordinal);
	else
		snprintf(buf, sizeof(buf), "%s", kind);
	memset(s->name, 0, sizeof(s->name));
	memcpy(s->name, buf, strnlen(buf, sizeof(s->name)));
}

/* Step 3a: place the headers, one section per PT_LOAD, then .reloc. */
int elf2pe_plan_layout(struct converter *c)
{
	unsigned ntext = 0, ndata = 0, nrdata = 0;
	uint64_t file_off, reloc_rva, image_end;
	const struct elf64_phdr *last = &c->loads[c->nloads - 1];
	struct pe_section *reloc;

	c->nsections = c->nloads + 1;
	c->size_of_headers = (uint32_t)align_up(PE_HEADERS_SIZE(c->nsections), PE_FILE_ALIGNMENT);
	file_off = c->size_of_headers;

	for (unsigned i = 0; i < c->nloads; i++) {
		const struct elf64_phdr *ph = &c->loads[i];
		struct pe_section *s = &c->sections[i];

		/*
		 * p_filesz <= p_memsz and FileAlignment divides SectionAlignment,
		 * so SizeOfRawData never reaches into the next section's pages.
		 */
		s->virtual_address = (uint32_t)ph->p_vaddr;
		s->virtual_size = (uint32_t)ph->p_memsz;
		s->raw_size = (uint32_t)align_up(ph->p_filesz, PE_FILE_ALIGNMENT);
		s->raw_offset = s->raw_size != 0 ? (uint32_t)file_off : 0;
		file_off += s->raw_size;

		if (ph->p_flags & PF_X)
			name_section(s, ".text", ++ntext);
		else if (ph->p_flags & PF_W)
			name_section(s, ".data", ++ndata);
		else
			name_section(s, ".rdata", ++nrdata);

		/* A segment without file bytes is zero-fill (.bss), always writable. */
		if (ph->p_flags & PF_X)
			s->characteristics = PE_SCN_CNT_CODE | PE_SCN_MEM_EXECUTE | PE_SCN_MEM_READ;
		else if (ph->p_filesz == 0)
			s->characteristics =
				PE_SCN_CNT_UNINIT_DATA | PE_SCN_MEM_READ | PE_SCN_MEM_WRITE;
		else if (ph->p_flags & PF_W)
			s->characteristics =
				PE_SCN_CNT_INIT_DATA | PE_SCN_MEM_READ | PE_SCN_MEM_WRITE;
		else
			s->characteristics = PE_SCN_CNT_INIT_DATA | PE_SCN_MEM_READ;
	}

	reloc_rva = align_up(last->p_vaddr + last->p_memsz, PE_SECTION_ALIGNMENT);
	c->reloc_size = (uint32_t)emit_reloc_blocks(c, NULL);
	image_end = align_up(reloc_rva + c->reloc_size, PE_SECTION_ALIGNMENT);
	reloc = &c->sections[c->nloads];
	name_section(reloc, ".reloc", 1);
	reloc->virtual_address = (uint32_t)reloc_rva;
	reloc->virtual_size = c->reloc_size;
	reloc->raw_offset = (uint32_t)file_off;
	reloc->raw_size = (uint32_t)align_up(c->reloc_size, PE_FILE_ALIGNMENT);
	reloc->characteristics = PE_SCN_CNT_INIT_DATA | PE_SCN_MEM_READ | PE_SCN_MEM_DISCARDABLE;
	file_off += reloc->raw_size;

	if (image_end > UINT32_MAX || file_off > UINT32_MAX)
		return elf2pe_fail(c, "image too large for PE32+ (0x%llx bytes of address space)",
				   ull(image_end));
	c->size_of_image = (uint32_t)image_end;
	c->file_size = (size_t)file_off;
	return 0;
}

/* A write position in the output headers. */
struct cursor {
	uint8_t *p;
};

static void emit8(struct cursor *w, uint8_t v)
{
	*w->p++ = v;
}

static void emit16(struct cursor *w, uint16_t v)
{
	put_le16(w->p, v);
	w->p += 2;
}

static void emit32(struct cursor *w, uint32_t v)
{
	put_le32(w->p, v);
	w->p += 4;
}

static void emit64(struct cursor *w, uint64_t v)
{
	put_le64(w->p, v);
	w->p += 8;
}

/* Step 3b: the headers, field by field in file order; `img` is zeroed. */
static void write_headers(const struct converter *c, uint8_t *img)
{
	struct cursor w = { img + PE_DOS_HEADER_SIZE };
	uint32_t code = 0, init_data = 0, uninit_data = 0, base_of_code = 0;
	const struct pe_section *reloc = &c->sections[c->nloads];

	/* Sizes by kind, counting file-aligned bytes (virtual ones for .bss). */
	for (unsigned i = 0; i < c->nsections; i++) {
		const struct pe_section *s = &c->sections[i];

		if (s->characteristics & PE_SCN_CNT_CODE) {
			if (base_of_code == 0) /* no section is at RVA 0 */
				base_of_code = s->virtual_address;
			code += s->raw_size;
		} else if (s->characteristics & PE_SCN_CNT_INIT_DATA) {
			init_data += s->raw_size;
		} else {
			uninit_data += (uint32_t)align_up(s->virtual_size, PE_FILE_ALIGNMENT);
		}
	}

	/* DOS header: only the "MZ" magic and e_lfanew matter to a PE loader. */
	img[0] = 'M';
	img[1] = 'Z';
	put_le32(img + 0x3c, PE_DOS_HEADER_SIZE);

	memcpy(w.p, "PE\0\0", PE_SIGNATURE_SIZE);
	w.p += PE_SIGNATURE_SIZE;

	/* COFF file header. TimeDateStamp is 0 so that builds are reproducible. */
	emit16(&w, c->machine->pe_machine);
	emit16(&w, (uint16_t)c->nsections);
	emit32(&w, 0); /* TimeDateStamp */
	emit32(&w, 0); /* PointerToSymbolTable */
	emit32(&w, 0); /* NumberOfSymbols */
	emit16(&w, PE_OPT_HEADER_SIZE);
	emit16(&w, PE_FILE_EXECUTABLE_IMAGE | PE_FILE_LARGE_ADDRESS);

	/* PE32+ optional header: standard fields. */
	emit16(&w, 0x20b);		     /* Magic: PE32+ */
	emit8(&w, 0);			     /* MajorLinkerVersion */
	emit8(&w, 0);			     /* MinorLinkerVersion */
	emit32(&w, code);		     /* SizeOfCode */
	emit32(&w, init_data);		     /* SizeOfInitializedData */
	emit32(&w, uninit_data);	     /* SizeOfUninitializedData */
	emit32(&w, (uint32_t)c->eh.e_entry); /* AddressOfEntryPoint: RVA == VA */
	emit32(&w, base_of_code);

	/* Windows-specific fields. UEFI ignores the versions and stack/heap sizes. */
	emit64(&w, 0); /* ImageBase */
	emit32(&w, PE_SECTION_ALIGNMENT);
	emit32(&w, PE_FILE_ALIGNMENT);
	for (int i = 0; i < 6; i++)
		emit16(&w, 0); /* OS, image and subsystem versions, major/minor */
	emit32(&w, 0);	       /* Win32VersionValue */
	emit32(&w, c->size_of_image);
	emit32(&w, c->size_of_headers);
	emit32(&w, 0); /* CheckSum */
	emit16(&w, PE_SUBSYSTEM_EFI_APP);
	emit16(&w, PE_DLL_DYNAMIC_BASE | PE_DLL_NX_COMPAT);
	emit64(&w, 0x100000); /* SizeOfStackReserve */
	emit64(&w, 0x1000);   /* SizeOfStackCommit */
	emit64(&w, 0x100000); /* SizeOfHeapReserve */
	emit64(&w, 0x1000);   /* SizeOfHeapCommit */
	emit32(&w, 0);	      /* LoaderFlags */
	emit32(&w, PE_NUM_DATA_DIRECTORIES);
	for (int i = 0; i < PE_NUM_DATA_DIRECTORIES; i++) {
		emit32(&w, i == PE_DIR_BASERELOC ? reloc->virtual_address : 0);
		emit32(&w, i == PE_DIR_BASERELOC ? c->reloc_size : 0);
	}

	/* Section headers. */
	for (unsigned i = 0; i < c->nsections; i++) {
		const struct pe_section *s = &c->sections[i];

		memcpy(w.p, s->name, sizeof(s->name));
		w.p += sizeof(s->name);
		emit32(&w, s->virtual_size);
		emit32(&w, s->virtual_address);
		emit32(&w, s->raw_size);
		emit32(&w, s->raw_offset);
		emit32(&w, 0); /* PointerToRelocations */
		emit32(&w, 0); /* PointerToLinenumbers */
		emit16(&w, 0); /* NumberOfRelocations */
		emit16(&w, 0); /* NumberOfLinenumbers */
		emit32(&w, s->characteristics);
	}
}

/* Step 3c: headers, segment bytes with relocations applied, .reloc. */
void elf2pe_write_image(const struct converter *c, uint8_t *img)
{
	write_headers(c, img);
	for (unsigned i = 0; i < c->nloads; i++) {
		const struct elf64_phdr *ph = &c->loads[i];

		if (ph->p_filesz != 0)
			memcpy(img + c->sections[i].raw_offset, c->elf + ph->p_offset,
			       ph->p_filesz);
	}
	for (size_t i = 0; i < c->nfixups; i++) {
		const struct fixup *f = &c->fixups[i];
		const struct elf64_phdr *ph = &c->loads[f->load];

		put_le64(img + c->sections[f->load].raw_offset + (f->rva - ph->p_vaddr), f->value);
	}
	emit_reloc_blocks(c, img + c->sections[c->nloads].raw_offset);
}
