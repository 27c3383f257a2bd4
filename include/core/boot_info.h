/*
 * include/core/boot_info.h - what the boot loader told the kernel, adapted.
 *
 * kernel/boot/ reads the boot protocol's responses once, checks them, and
 * copies what the rest of the kernel needs into this structure, in kernel
 * memory, so that nothing depends on the protocol's layouts or on loader
 * memory that will be reclaimed. core/ and the platforms read it through
 * boot_info(); only kernel/boot/ writes it.
 */
#ifndef CORE_BOOT_INFO_H
#define CORE_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MEMMAP_MAX	 256
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULES_MAX 16
#define BOOT_NAME_MAX	 64
#define BOOT_CPUS_MAX	 64

enum boot_mem_type {
	BOOT_MEM_USABLE,		 /* free RAM */
	BOOT_MEM_RESERVED,		 /* never touch */
	BOOT_MEM_ACPI_RECLAIMABLE,	 /* free once ACPI tables are consumed */
	BOOT_MEM_ACPI_NVS,		 /* firmware's, never touch */
	BOOT_MEM_BAD,			 /* faulty RAM */
	BOOT_MEM_BOOTLOADER_RECLAIMABLE, /* free once boot data is consumed */
	BOOT_MEM_KERNEL_AND_MODULES,	 /* the kernel image and modules */
	BOOT_MEM_FRAMEBUFFER,
};

struct boot_mem_region {
	uint64_t base; /* physical */
	uint64_t length;
	enum boot_mem_type type;
};

struct boot_module {
	uint64_t phys; /* page-aligned physical address of the contents */
	uint64_t size;
	char path[BOOT_NAME_MAX * 2];
	char cmdline[BOOT_NAME_MAX * 2];
};

/* A CPU the loader started and parked (the MP response), or the boot CPU. */
struct boot_cpu {
	uint64_t hw_id;	       /* LAPIC ID, MPIDR affinity, hart ID or CSR.CPUID */
	uint32_t processor_id; /* ACPI processor UID, 0 when unknown */
	bool bsp;	       /* the CPU running kernel_main */
	void *handle;	       /* the protocol's, for boot_cpu_start(); NULL for the BSP */
};

struct boot_framebuffer {
	uint64_t phys;
	uint64_t width, height, pitch; /* pitch in bytes */
	uint16_t bpp;
	uint8_t red_size, red_shift, green_size, green_shift, blue_size, blue_shift;
};

struct boot_info {
	uint64_t hhdm_offset; /* virtual address of physical 0 */
	uint64_t kernel_phys; /* where the lowest kernel segment sits */
	uint64_t kernel_virt; /* its link address */

	/* Sorted by base; USABLE and BOOTLOADER_RECLAIMABLE page-aligned and disjoint. */
	struct boot_mem_region memmap[BOOT_MEMMAP_MAX];
	size_t memmap_count;

	char cmdline[BOOT_CMDLINE_MAX];

	struct boot_module modules[BOOT_MODULES_MAX];
	size_t module_count;

	uint64_t rsdp_phys; /* 0 when the firmware has no ACPI */
	uint64_t dtb_phys;  /* 0 when there is no device tree */
	bool uefi;	    /* booted from 64-bit UEFI (else BIOS or SBI) */
	bool have_framebuffer;
	struct boot_framebuffer framebuffer;
	int64_t boot_time;    /* UNIX seconds, 0 when unknown */
	uint64_t paging_mode; /* the protocol's value for this architecture */

	/*
	 * The boot CPU first, then the parked CPUs in the loader's order. With
	 * no MP response: the boot CPU alone, hw_id 0 (unknown).
	 */
	struct boot_cpu cpus[BOOT_CPUS_MAX];
	size_t cpu_count;

	char loader_name[BOOT_NAME_MAX];
	char loader_version[BOOT_NAME_MAX];
};

/* The boot information; valid once kernel_main has adapted it. */
const struct boot_info *boot_info(void);

/* A pointer to physical address `phys` through the direct map. */
static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + boot_info()->hhdm_offset);
}

/*
 * Release a parked CPU (cpus[i].handle): it switches to start->stack_top
 * and calls entry code that reads `start` (hal_cpu_entry). Only before the
 * loader's reclaimable memory is given back: the parked CPU runs there.
 */
struct hal_cpu_start;
void boot_cpu_start(const struct boot_cpu *cpu, const void *entry, struct hal_cpu_start *start);

/*
 * The value of `key` on the kernel command line ("key=value" words,
 * separated by spaces): copies it into buf (NUL-terminated) and returns
 * true; a bare "key" gives "". False when the key is absent or the value
 * does not fit.
 */
bool boot_cmdline_get(const char *key, char *buf, size_t size);

/*
 * The boot module whose path ends in "/<file>" (or is exactly <file>),
 * e.g. "usertest.elf" for boot():/boot/usertest.elf; NULL when none.
 * Its contents are at phys_to_virt(m->phys), m->size bytes.
 */
const struct boot_module *boot_module_find(const char *file);

#endif /* CORE_BOOT_INFO_H */
