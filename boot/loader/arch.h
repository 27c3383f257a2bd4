/*
 * boot/loader/arch.h - what each architecture provides to the loader.
 *
 * Implemented in boot/loader/arch/<arch>/. The generic loader decides what
 * to map; the architecture decides how: page-table formats, memory
 * attributes, and the exact CPU state the kernel is entered with (Limine
 * protocol, fact sheet section 6).
 */
#ifndef LOADER_ARCH_H
#define LOADER_ARCH_H

#include <base/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mapping attributes for arch_map(). Every mapping is readable. */
#define MAP_WRITE	(1u << 0)
#define MAP_EXEC	(1u << 1)
#define MAP_FRAMEBUFFER (1u << 2) /* write-combining / non-cacheable, 4 KiB pages */

/* e_machine of the kernels this loader boots. */
extern const uint16_t arch_elf_machine;

/*
 * Choose the paging mode (within the kernel's [min_mode, max_mode] from its
 * paging-mode request; the loader's defaults when it sent none) and create
 * the empty top-level table. Returns 0, or -1 with a reason in err when no
 * mode fits or memory runs out.
 */
int arch_paging_init(uint64_t min_mode, uint64_t max_mode, char *err, size_t err_size);

/* The paging mode chosen (protocol values) and the HHDM offset it implies. */
uint64_t arch_paging_mode(void);
uint64_t arch_hhdm_offset(void);

/*
 * Map [va, va + size) to [pa, pa + size) in the kernel's tables. va, pa and
 * size are multiples of 4 KiB; larger pages are used where alignment and
 * attributes allow. Returns 0, or -1 when a table page cannot be allocated
 * or the range is already mapped differently.
 */
int arch_map(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs);

/*
 * Everything the final jump needs that must be allocated or asked of the
 * firmware while boot services still run (descriptor tables, trampolines).
 * Called once all mappings are in place. Returns 0 or -1 with err.
 */
int arch_prepare_handoff(char *err, size_t err_size);

/*
 * After ExitBootServices: switch to the kernel's tables and CPU state and
 * jump to `entry` with the stack pointer at `stack_top` (an HHDM address).
 */
__noreturn void arch_handoff(uint64_t entry, uint64_t stack_top);

/* Leaf page sizes every port supports, and the level (0 = 4 KiB) each sits at. */
#define LEAF_4K UINT64_C(0x1000)
#define LEAF_2M UINT64_C(0x200000)
#define LEAF_1G UINT64_C(0x40000000)

static inline unsigned leaf_level(uint64_t leaf_size)
{
	return leaf_size == LEAF_1G ? 2 : leaf_size == LEAF_2M ? 1 : 0;
}

/* Write one leaf of `leaf_size` bytes; 0, or -1 on a collision or no memory. */
typedef int (*map_leaf_fn)(void *ctx, uint64_t va, uint64_t pa, uint64_t leaf_size);

/*
 * Map [va, va + size) as a sequence of leaves, each the largest size up to
 * max_leaf that va, pa and the remaining size allow (boot/loader/map.c).
 * Returns -1 as soon as map_leaf fails.
 */
int loader_map_leaves(uint64_t va, uint64_t pa, uint64_t size, uint64_t max_leaf,
		      map_leaf_fn map_leaf, void *ctx);

/* Write back caches for [start, start+size) (identity addresses) and drop stale instructions. */
void arch_sync_icache(uint64_t start, uint64_t size);

/* ---- MP (fact sheet section 8); boot/loader/mp.c is the generic half. */

struct boot_data;
struct limine_mp_info;

#define LOADER_CPUS_MAX 256

struct loader_cpu {
	uint64_t hw_id;	       /* LAPIC ID, MPIDR affinity, hart ID or CSR.CPUID */
	uint32_t processor_id; /* ACPI processor UID; 0 from a device tree */
};

/*
 * Before ExitBootServices: list the enabled CPUs, the boot CPU included,
 * from ACPI (b->rsdp_phys) or the device tree (b->dtb_phys), and store the
 * boot CPU's ID in *bsp_hw_id. Returns how many were stored (at most max),
 * 0 when the firmware does not say.
 */
size_t arch_mp_find_cpus(const struct boot_data *b, struct loader_cpu *cpus, size_t max,
			 uint64_t *bsp_hw_id);

/*
 * Before ExitBootServices, after the page tables are complete: allocate
 * and fill what starting a CPU needs (trampoline code and its data, the
 * firmware interface to use). Returns 0, or -1 with err.
 */
int arch_mp_prepare(const struct boot_data *b, char *err, size_t err_size);

/*
 * After ExitBootServices, on the boot CPU: start CPU `hw_id` and wait
 * (about a second at most) until it reports that it runs in the kernel's
 * final address space in the protocol's entry state, with its stack
 * pointer at info->reserved, polling info->goto_address through
 * info_hhdm. When the kernel stores an address there, the CPU jumps to it
 * as the protocol says (info_hhdm in the first argument register). `info`
 * is the same structure at its identity address. Returns whether the CPU
 * came up; one that did not must be left unable to touch memory.
 */
bool arch_mp_start_cpu(struct limine_mp_info *info, uint64_t info_hhdm, uint64_t hw_id);

#endif /* LOADER_ARCH_H */
