/*
 * include/kernel/limine.h - the Limine boot protocol, as far as Keel uses it.
 *
 * The boot contract between a loader and kernel.elf. Two programs include it:
 * kernel/boot/ (which declares requests and reads the responses) and the
 * UEFI loader in boot/loader/ (which fills them). No other kernel layer may:
 * core/ and the platforms see only the adapted <core/boot_info.h>.
 *
 * Layouts are the protocol's (64-bit, little-endian, every pointer 8 bytes);
 * the static assertions at the end pin the offsets the protocol defines. A
 * pointer handed over by the loader is a direct-map (HHDM) virtual address.
 * C names follow Limine 8.x where they differ from newer protocol text.
 */
#ifndef KERNEL_LIMINE_H
#define KERNEL_LIMINE_H

#include <stddef.h>
#include <stdint.h>

/* Words 0 and 1 of every request ID. */
#define LIMINE_COMMON_MAGIC_0 UINT64_C(0xc7b1dd30df4c8b88)
#define LIMINE_COMMON_MAGIC_1 UINT64_C(0x0a82e883a194f07b)
#define LIMINE_ID(w2, w3) \
	{ LIMINE_COMMON_MAGIC_0, LIMINE_COMMON_MAGIC_1, UINT64_C(w2), UINT64_C(w3) }

/*
 * Base revision tag: words 0 and 1 identify it, word 2 is the revision the
 * kernel asks for. A loader that supports it writes 0 into word 2.
 */
#define LIMINE_BASE_REVISION_0	       UINT64_C(0xf9562b2d5c95a6c8)
#define LIMINE_BASE_REVISION_1	       UINT64_C(0x6a7b384944536bdc)
#define LIMINE_BASE_REVISION_SUPPORTED 2 /* the newest revision Limine 8.2.0 knows */

/* Optional markers around the requests; honoured from base revision 2. */
#define LIMINE_REQUESTS_START_0 UINT64_C(0xf6b8f4b39de7d1ae)
#define LIMINE_REQUESTS_START_1 UINT64_C(0xfab91a6940fcb9cf)
#define LIMINE_REQUESTS_START_2 UINT64_C(0x785c6ed015d3e316)
#define LIMINE_REQUESTS_START_3 UINT64_C(0x181e920a7852b9d9)
#define LIMINE_REQUESTS_END_0	UINT64_C(0xadc0e0531bb10d03)
#define LIMINE_REQUESTS_END_1	UINT64_C(0x9572709f31764c62)

/* Feature IDs, words 2 and 3. */
#define LIMINE_BOOTLOADER_INFO_ID    0xf55038d8e2a1202f, 0x279426fcf5f59740
#define LIMINE_EXECUTABLE_CMDLINE_ID 0x4b161536e598651e, 0xb390ad4a2f1f303a
#define LIMINE_FIRMWARE_TYPE_ID	     0x8c2f75d90bef28a8, 0x7045a4688eac00c3
#define LIMINE_STACK_SIZE_ID	     0x224ef0460a8e8926, 0xe1cb0fc25f46ea3d
#define LIMINE_HHDM_ID		     0x48dcf1cb8ad2b852, 0x63984e959a98244b
#define LIMINE_FRAMEBUFFER_ID	     0x9d5827dcd881dd75, 0xa3148604f6fab11b
#define LIMINE_PAGING_MODE_ID	     0x95c1a0edab0944cb, 0xa4e5cb3842f7488a
#define LIMINE_MP_ID		     0x95a67b819a1b857e, 0xa0b61b723b6a73e0
#define LIMINE_MEMMAP_ID	     0x67cf3d9d378a806f, 0xe304acdfc50c3c62
#define LIMINE_EXECUTABLE_FILE_ID    0xad97e90e83f1ed67, 0x31eb5d1c5ff23b69
#define LIMINE_MODULE_ID	     0x3e7e279702be32af, 0xca1c4f3bd1280cee
#define LIMINE_RSDP_ID		     0xc5e77b6b397e7b43, 0x27637845accdcf3c
#define LIMINE_BOOT_TIME_ID	     0x502746e184c088aa, 0xfbc5ec83e6327893
#define LIMINE_EXECUTABLE_ADDRESS_ID 0x71ba76863cc55f63, 0xb2644a48c516a487
#define LIMINE_DTB_ID		     0xb40ddb48fb54bac7, 0x545081493f81ffb7

/* An initialiser for a request's id[4]: LIMINE_REQUEST_ID(LIMINE_HHDM_ID). */
#define LIMINE_REQUEST_ID(...) LIMINE_ID(__VA_ARGS__)

/* Every request starts with this header; `response` stays NULL if unanswered. */
#define LIMINE_REQUEST_HEADER(response_type) \
	uint64_t id[4];                      \
	uint64_t revision;                   \
	response_type *volatile response

/* ---- Bootloader info */
struct limine_bootloader_info_response {
	uint64_t revision;
	const char *name;
	const char *version;
};
struct limine_bootloader_info_request {
	LIMINE_REQUEST_HEADER(struct limine_bootloader_info_response);
};

/* ---- Executable command line (newer loaders; Limine 8.2.0 ignores it) */
struct limine_executable_cmdline_response {
	uint64_t revision;
	const char *cmdline;
};
struct limine_executable_cmdline_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_cmdline_response);
};

/* ---- Firmware type */
#define LIMINE_FIRMWARE_TYPE_X86BIOS 0
#define LIMINE_FIRMWARE_TYPE_UEFI32  1
#define LIMINE_FIRMWARE_TYPE_UEFI64  2
#define LIMINE_FIRMWARE_TYPE_SBI     3
struct limine_firmware_type_response {
	uint64_t revision;
	uint64_t firmware_type;
};
struct limine_firmware_type_request {
	LIMINE_REQUEST_HEADER(struct limine_firmware_type_response);
};

/* ---- Stack size: the entry stack is at least stack_size bytes (minimum 64 KiB). */
struct limine_stack_size_response {
	uint64_t revision;
};
struct limine_stack_size_request {
	LIMINE_REQUEST_HEADER(struct limine_stack_size_response);
	uint64_t stack_size;
};

/* ---- HHDM: virtual address of physical address 0 */
struct limine_hhdm_response {
	uint64_t revision;
	uint64_t offset;
};
struct limine_hhdm_request {
	LIMINE_REQUEST_HEADER(struct limine_hhdm_response);
};

/* ---- Framebuffer */
struct limine_framebuffer {
	void *address;
	uint64_t width;
	uint64_t height;
	uint64_t pitch;
	uint16_t bpp;
	uint8_t memory_model; /* 1 = RGB */
	uint8_t red_mask_size;
	uint8_t red_mask_shift;
	uint8_t green_mask_size;
	uint8_t green_mask_shift;
	uint8_t blue_mask_size;
	uint8_t blue_mask_shift;
	uint8_t unused[7];
	uint64_t edid_size;
	void *edid;
};
struct limine_framebuffer_response {
	uint64_t revision;
	uint64_t framebuffer_count;
	struct limine_framebuffer **framebuffers;
};
struct limine_framebuffer_request {
	LIMINE_REQUEST_HEADER(struct limine_framebuffer_response);
};

/* ---- Paging mode (values per architecture, see the loader's paging code) */
struct limine_paging_mode_response {
	uint64_t revision;
	uint64_t mode;
};
struct limine_paging_mode_request {
	LIMINE_REQUEST_HEADER(struct limine_paging_mode_response);
	uint64_t mode;
	uint64_t max_mode;
	uint64_t min_mode;
};

/* ---- MP: the other CPUs, started and parked by the loader (fact sheet section 8) */
#define LIMINE_MP_X2APIC (1u << 0) /* x86_64 request flag: enable x2APIC if possible */
struct limine_mp_info;
typedef void (*limine_goto_address)(struct limine_mp_info *);
#if defined(__x86_64__)
struct limine_mp_info {
	uint32_t processor_id; /* ACPI processor UID */
	uint32_t hw_id;	       /* Limine's lapic_id: the local APIC ID */
	uint64_t reserved;     /* the loader's: the parked CPU's stack top */
	limine_goto_address volatile goto_address;
	uint64_t extra_argument;
};
struct limine_mp_response {
	uint64_t revision;
	uint32_t flags;	    /* bit 0: x2APIC enabled */
	uint32_t bsp_hw_id; /* Limine's bsp_lapic_id */
	uint64_t cpu_count;
	struct limine_mp_info **cpus;
};
#else
struct limine_mp_info {
	uint64_t processor_id; /* ACPI processor UID (u32 on aarch64, 0 without ACPI) */
	uint64_t hw_id;	       /* MPIDR affinity, hart ID or CSR.CPUID (mpidr/hartid/phys_id) */
	uint64_t reserved;     /* the loader's: the parked CPU's stack top */
	limine_goto_address volatile goto_address;
	uint64_t extra_argument;
};
struct limine_mp_response {
	uint64_t revision;
	uint64_t flags;
	uint64_t bsp_hw_id; /* bsp_mpidr / bsp_hartid / bsp_phys_id */
	uint64_t cpu_count;
	struct limine_mp_info **cpus;
};
#endif
struct limine_mp_request {
	LIMINE_REQUEST_HEADER(struct limine_mp_response);
	uint64_t flags;
};

/* ---- Memory map */
#define LIMINE_MEMMAP_USABLE		     0
#define LIMINE_MEMMAP_RESERVED		     1
#define LIMINE_MEMMAP_ACPI_RECLAIMABLE	     2
#define LIMINE_MEMMAP_ACPI_NVS		     3
#define LIMINE_MEMMAP_BAD_MEMORY	     4
#define LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE 5
#define LIMINE_MEMMAP_KERNEL_AND_MODULES     6
#define LIMINE_MEMMAP_FRAMEBUFFER	     7
struct limine_memmap_entry {
	uint64_t base;
	uint64_t length;
	uint64_t type;
};
struct limine_memmap_response {
	uint64_t revision;
	uint64_t entry_count;
	struct limine_memmap_entry **entries;
};
struct limine_memmap_request {
	LIMINE_REQUEST_HEADER(struct limine_memmap_response);
};

/* ---- Files: the kernel itself and modules */
struct limine_uuid {
	uint32_t a;
	uint16_t b;
	uint16_t c;
	uint8_t d[8];
};
#define LIMINE_MEDIA_TYPE_GENERIC 0
#define LIMINE_MEDIA_TYPE_OPTICAL 1
#define LIMINE_MEDIA_TYPE_TFTP	  2
struct limine_file {
	uint64_t revision;
	void *address;
	uint64_t size;
	char *path;
	char *cmdline;
	uint32_t media_type;
	uint32_t unused;
	uint32_t tftp_ip;
	uint32_t tftp_port;
	uint32_t partition_index;
	uint32_t mbr_disk_id;
	struct limine_uuid gpt_disk_uuid;
	struct limine_uuid gpt_part_uuid;
	struct limine_uuid part_uuid;
};
struct limine_executable_file_response {
	uint64_t revision;
	struct limine_file *executable_file;
};
struct limine_executable_file_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_file_response);
};
struct limine_module_response {
	uint64_t revision;
	uint64_t module_count;
	struct limine_file **modules;
};
struct limine_module_request {
	LIMINE_REQUEST_HEADER(struct limine_module_response);
	uint64_t internal_module_count; /* request revision >= 1 */
	void **internal_modules;
};

/* ---- RSDP (HHDM address in base revisions 0-2) */
struct limine_rsdp_response {
	uint64_t revision;
	void *address;
};
struct limine_rsdp_request {
	LIMINE_REQUEST_HEADER(struct limine_rsdp_response);
};

/* ---- Boot time: UNIX seconds read from the firmware clock */
struct limine_boot_time_response {
	uint64_t revision;
	int64_t boot_time;
};
struct limine_boot_time_request {
	LIMINE_REQUEST_HEADER(struct limine_boot_time_response);
};

/* ---- Executable address: where the lowest PT_LOAD sits */
struct limine_executable_address_response {
	uint64_t revision;
	uint64_t physical_base;
	uint64_t virtual_base;
};
struct limine_executable_address_request {
	LIMINE_REQUEST_HEADER(struct limine_executable_address_response);
};

/* ---- Device tree blob */
struct limine_dtb_response {
	uint64_t revision;
	void *dtb_ptr;
};
struct limine_dtb_request {
	LIMINE_REQUEST_HEADER(struct limine_dtb_response);
};

/* Offsets the protocol fixes (fact sheet sections 1.2, 4, 4.3, 5). */
_Static_assert(offsetof(struct limine_hhdm_request, response) == 40, "request header");
_Static_assert(sizeof(struct limine_hhdm_request) == 48, "request header size");
_Static_assert(offsetof(struct limine_stack_size_request, stack_size) == 48, "stack size");
_Static_assert(offsetof(struct limine_paging_mode_request, min_mode) == 64, "paging mode");
_Static_assert(offsetof(struct limine_module_request, internal_modules) == 56, "module request");
_Static_assert(sizeof(struct limine_file) == 112, "limine_file");
_Static_assert(offsetof(struct limine_file, media_type) == 40, "limine_file.media_type");
_Static_assert(offsetof(struct limine_file, gpt_disk_uuid) == 64, "limine_file.gpt_disk_uuid");
_Static_assert(sizeof(struct limine_memmap_entry) == 24, "memmap entry");
_Static_assert(sizeof(struct limine_framebuffer) == 64, "framebuffer (response revision 0)");
_Static_assert(offsetof(struct limine_memmap_response, entries) == 16, "memmap response");
_Static_assert(offsetof(struct limine_executable_address_response, virtual_base) == 16,
	       "executable address response");

#if defined(__x86_64__)
_Static_assert(sizeof(struct limine_mp_info) == 32, "x86_64 MP info");
_Static_assert(offsetof(struct limine_mp_response, cpus) == 24, "x86_64 MP response");
#else
_Static_assert(sizeof(struct limine_mp_info) == 40, "MP info");
_Static_assert(offsetof(struct limine_mp_response, cpus) == 32, "MP response");
#endif
_Static_assert(offsetof(struct limine_mp_request, flags) == 48, "MP request");

#endif /* KERNEL_LIMINE_H */
