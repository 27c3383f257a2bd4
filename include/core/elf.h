/*
 * include/core/elf.h - validate static ELF64 executables and describe
 * their loadable segments.
 *
 * Two users: the UEFI loader places the kernel (linked in the top 2 GiB,
 * Limine protocol fact sheet section 7) and the kernel loads user programs
 * from boot modules into a process's window. Both want the same thing: an
 * ET_EXEC image for this architecture whose every header field is checked
 * before anything is copied, so a truncated, overlapping, out-of-window or
 * oversized image is refused with a reason instead of trusted. Relocatable
 * (ET_DYN) and dynamically linked images are refused too: nothing here
 * relocates, and refusing beats running an image at an address it was not
 * linked for.
 *
 * Fields are read with explicit little-endian loads from the file bytes,
 * never through a struct cast, so a truncated or misaligned file can only
 * produce an error message. Pure code: no allocation, any context.
 */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_PF_X	 1
#define ELF_PF_W	 2
#define ELF_PF_R	 4

struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint32_t flags; /* ELF_PF_* */
};

/* Where an image may live, and for which machine. */
struct elf_limits {
	uint16_t machine; /* e_machine: EM_X86_64 62, EM_AARCH64 183, EM_RISCV 243, EM_LOONGARCH 258
			   */
	uint64_t low;	  /* lowest address a segment may use */
	uint64_t last;	  /* highest address a segment may use (inclusive) */
	uint64_t max_size; /* most bytes from base to the end of the last page (0: no limit) */
};

struct elf_image {
	uint64_t entry;
	uint64_t base;	    /* lowest PT_LOAD address, rounded down to 4 KiB */
	uint64_t size;	    /* bytes from base to the highest end, rounded up to 4 KiB */
	uint64_t align;	    /* largest p_align (>= 4096): alignment of the physical block */
	uint64_t scan_size; /* bytes of the loaded block that can hold requests */
	struct elf_segment segments[ELF_MAX_SEGMENTS]; /* PT_LOADs, ascending vaddr */
	size_t count;
};

/*
 * Check every header field the loaders rely on and describe the loadable
 * segments in *k. Returns 0, or -1 with a one-line reason in err: bad
 * magic, class, byte order, version, type or machine; bad header sizes; a
 * header or segment outside the file; PT_INTERP or PT_DYNAMIC; a segment
 * outside [low, last] or wrapping; overlapping segments, or segments
 * sharing a page with different permissions; a non-power-of-two alignment;
 * a writable and executable segment; an entry point outside executable
 * code; too many segments; an image larger than max_size.
 */
int elf_parse(const void *file, size_t size, const struct elf_limits *limits, struct elf_image *k,
	      char *err, size_t err_size);

/*
 * Copy the segments' file bytes into `dest`, a block of k->size bytes that
 * represents virtual address k->base; bytes past each p_filesz are zeroed.
 */
void elf_copy(const struct elf_image *k, const void *file, void *dest);

#endif /* CORE_ELF_H */
