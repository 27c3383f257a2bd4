/*
 * boot/tools/elf2pe.h - turn a static PIE ELF64 image into a PE32+ EFI application.
 *
 * UEFI firmware only loads PE32+ images, but LLVM 19 cannot emit PE/COFF for
 * every architecture Keel supports and the build machine has no PE-capable
 * binutils. The boot loader is therefore linked by ld.lld as a static,
 * position-independent ELF64 executable (ET_DYN, no interpreter, no shared
 * libraries) and this converter rewrites it as a PE32+ image with the same
 * memory layout:
 *
 *   - ImageBase is 0, so every PE relative virtual address (RVA) equals the
 *     ELF virtual address. The PE headers occupy RVA 0..0x1000, which is why
 *     the first loadable segment must start at 0x1000 or above.
 *   - Each PT_LOAD segment becomes one PE section at the same address.
 *   - Each R_*_RELATIVE relocation becomes a PE DIR64 base relocation, after
 *     its addend has been stored in the image (a DIR64 fixup adds the load
 *     offset to the value already in memory, while RELA keeps the addend in the
 *     relocation entry).
 *
 * Only program headers and the dynamic segment are read; section headers and
 * symbols are ignored, because they do not describe what a loader maps.
 *
 * The converter is plain hosted C without any I/O, so the command-line tool
 * (elf2pe_main.c) and the unit tests share it. The output depends only on the
 * input bytes, which keeps builds reproducible.
 */
#ifndef BOOT_TOOLS_ELF2PE_H
#define BOOT_TOOLS_ELF2PE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The most PT_LOAD segments an input may have. Each becomes a PE section, and
 * one more section (.reloc) is added; sixteen is far more than a loader needs
 * and keeps every header within the first 4 KiB page.
 */
#define ELF2PE_MAX_SEGMENTS 16

/* A converted image: `size` bytes at `data`, allocated with malloc(). */
struct elf2pe_output {
	uint8_t *data;
	size_t size;
};

/*
 * Convert the ELF64 image `elf` of `elf_size` bytes into a PE32+ EFI
 * application.
 *
 * `elf` may have any alignment and is only read, never written; a NULL `elf`
 * is refused like an empty file. The input is treated as untrusted: every
 * offset and size in it is checked before use, so a truncated or corrupt file
 * is refused rather than read out of bounds.
 *
 * On success, returns 0 and stores a newly allocated image in *out; the
 * caller releases it with elf2pe_free(). If `err` is not NULL and `err_size`
 * is not 0, err[0] is set to '\0'.
 *
 * On failure (an input the converter refuses, or memory exhaustion), returns
 * -1 and sets *out to { NULL, 0 }. If `err` is not NULL and `err_size` is not
 * 0, a one-line, NUL-terminated, human-readable reason without a trailing
 * newline is written there, truncated to fit `err_size` bytes; 256 bytes are
 * always enough for the full message.
 *
 * `out` must not be NULL.
 */
int elf2pe_convert(const uint8_t *elf, size_t elf_size, struct elf2pe_output *out, char *err,
		   size_t err_size);

/*
 * Release an image returned by elf2pe_convert() and reset *out to { NULL, 0 },
 * so a second call is harmless. `out` may be NULL, which does nothing.
 */
void elf2pe_free(struct elf2pe_output *out);

#endif /* BOOT_TOOLS_ELF2PE_H */
