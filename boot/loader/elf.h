/*
 * boot/loader/elf.h - validate and place the kernel's ELF image.
 *
 * The kernel is an ELF64 ET_EXEC linked in the top 2 GiB of the address
 * space (Limine protocol, fact sheet section 7). Relocatable (ET_DYN)
 * kernels are refused: Keel's kernel is not one, and refusing is better
 * than booting an image at an address it was not linked for.
 */
#ifndef LOADER_ELF_H
#define LOADER_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS  16
#define ELF_KERNEL_MIN_VA UINT64_C(0xffffffff80000000)
#define ELF_PF_X	  1
#define ELF_PF_W	  2
#define ELF_PF_R	  4

struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint32_t flags; /* ELF_PF_* */
};

struct elf_kernel {
	uint64_t entry;
	uint64_t base;	    /* lowest PT_LOAD address, rounded down to 4 KiB */
	uint64_t size;	    /* bytes from base to the highest end, rounded up to 4 KiB */
	uint64_t align;	    /* largest p_align (>= 4096): alignment of the physical block */
	uint64_t scan_size; /* bytes of the loaded block that can hold requests */
	struct elf_segment segments[ELF_MAX_SEGMENTS]; /* PT_LOADs, ascending vaddr */
	size_t count;
};

/*
 * Check every field of the file the loader relies on and describe its
 * loadable segments in *k. `machine` is the ELF e_machine of this loader's
 * architecture. Returns 0, or -1 with a one-line reason in err: bad magic,
 * class, byte order, version, type or machine; a header or segment outside
 * the file; a segment below the kernel window or wrapping; overlapping
 * segments, or segments sharing a page with different permissions; a
 * non-power-of-two alignment; a writable and executable segment; an entry
 * point outside executable code; too many segments.
 */
int elf_kernel_parse(const void *file, size_t size, uint16_t machine, struct elf_kernel *k,
		     char *err, size_t err_size);

/*
 * Copy the segments' file bytes into `dest`, a block of k->size bytes that
 * represents virtual address k->base; bytes past each p_filesz are zeroed.
 */
void elf_kernel_copy(const struct elf_kernel *k, const void *file, void *dest);

#endif /* LOADER_ELF_H */
