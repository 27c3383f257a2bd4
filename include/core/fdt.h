/*
 * include/core/fdt.h - reading a flattened device tree (DTB), read-only.
 *
 * A device tree blob is a header, a structure block (a token stream:
 * BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END) and a
 * strings block holding the property names. Every field is big-endian.
 *
 * The blob comes from firmware, so nothing in it is trusted: every offset,
 * length and string is checked against the blocks the header declares, and
 * those against the size the caller vouches for. A malformed blob makes the
 * lookups fail (FDT_NONE, NULL, false); it never makes them read outside it.
 *
 * Nodes are named by a handle: the offset of the node's BEGIN_NODE token in
 * the structure block. Handles are only meaningful for the struct fdt they
 * came from; a handle that is not a node's start is refused, not followed.
 *
 * The parser needs nothing but a pointer and a size, so it runs the same in
 * the kernel, in the UEFI loader and in native tests. Only fdt_boot() knows
 * where the kernel's blob is.
 */
#ifndef CORE_FDT_H
#define CORE_FDT_H

#include <core/boot_info.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu

/* "No such node": what the lookups return instead of a handle. */
#define FDT_NONE (-1)

/* A validated blob. Fill it with fdt_init(); the fields are the parser's. */
struct fdt {
	const uint8_t *blob; /* the header's first byte */
	uint32_t size;	     /* the header's totalsize, <= what the caller vouched for */
	uint32_t struct_off; /* structure block: offset and size within the blob */
	uint32_t struct_size;
	uint32_t strings_off; /* strings block: offset and size within the blob */
	uint32_t strings_size;
};

/*
 * Check the header of the blob at `blob`, of which the caller guarantees
 * `avail` readable bytes: the magic, a version this parser reads (17, or
 * any later one that stays compatible with 17), a totalsize within `avail`,
 * both blocks within totalsize, and a root node at the start of the
 * structure block. Returns false, leaving *fdt unusable, if any check fails.
 */
bool fdt_init(struct fdt *fdt, const void *blob, size_t avail);

/*
 * The node at `path` (not NUL-terminated; `len` bytes), or FDT_NONE.
 * An absolute path starts with '/' ("/soc/serial@10000000"); any other
 * path starts with an alias from /aliases ("serial0", "serial0/child").
 * A component without a unit address matches a node that has one, as in
 * "/soc/serial" for "serial@10000000"; the first such node wins.
 */
int fdt_find_node(const struct fdt *fdt, const char *path, size_t len);

/*
 * The path that alias `name` (`len` bytes) stands for in /aliases,
 * NUL-terminated, or NULL when there is no such alias.
 */
const char *fdt_alias(const struct fdt *fdt, const char *name, size_t len);

/* The node's name with its unit address ("serial@10000000"; "" for the root), or NULL. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/* The node's parent, or FDT_NONE for the root (and for nodes nested too deeply to track). */
int fdt_parent(const struct fdt *fdt, int node);

/*
 * Iterate over the children of `parent`: the first one when `prev` is
 * FDT_NONE, else the sibling after `prev` (a child an earlier call
 * returned). FDT_NONE when there are no more.
 */
int fdt_child(const struct fdt *fdt, int parent, int prev);

/*
 * The value of the node's property `name` and its length in *len (which
 * may be NULL), or NULL when the node has no such property. The value is
 * big-endian and has no alignment guarantee: read it bytewise.
 */
const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len);

/* A property that is exactly one 32-bit cell. False if absent or of another size. */
bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);

/* Whether a string-list value (NUL-separated strings, as "compatible") holds `s`. */
bool fdt_stringlist_contains(const void *list, uint32_t len, const char *s);

/*
 * Whether every CPU node under /cpus (device_type "cpu") lists the ISA
 * extension `ext`, in the RISC-V binding's "riscv,isa-extensions" string
 * list or, failing that, as a '_'-separated word of the older "riscv,isa"
 * string ("rv64imac_zicsr_svpbmt"). False when there is no CPU node, so any
 * doubt means no.
 */
bool fdt_all_cpus_have_isa_extension(const struct fdt *fdt, const char *ext);

/* Whether the node's "compatible" list holds `compat`. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);

/*
 * Entry `index` of the node's "reg" property, decoded with the parent's
 * #address-cells and #size-cells (2 and 1 when the parent does not say).
 * False when there is no such entry or the cell counts do not fit 64 bits
 * (more than two cells, or an address of zero cells).
 */
bool fdt_reg(const struct fdt *fdt, int node, unsigned index, uint64_t *addr, uint64_t *size);

/*
 * A generous bound on a boot device tree: firmware blobs are tens of KiB
 * (QEMU pads its own to 1 MiB). The boot protocol does not pass the size,
 * so the header's totalsize is believed up to this much.
 */
#define FDT_BOOT_MAX_SIZE (8u << 20)

/*
 * The kernel's device tree, from the boot information through the direct
 * map; false when the loader passed none or it is not a valid blob.
 * Inline, so the parser itself depends on nothing kernel-specific.
 */
static inline bool fdt_boot(struct fdt *fdt)
{
	uint64_t phys = boot_info()->dtb_phys;

	return phys != 0 && fdt_init(fdt, phys_to_virt(phys), FDT_BOOT_MAX_SIZE);
}

#endif /* CORE_FDT_H */
