/*
 * kernel/boot/requests.c - the kernel's Limine-protocol requests.
 *
 * The loader finds these by scanning the loaded image, so they must be in
 * initialised data (a request in .bss is never seen) and must stay even
 * though no code refers to some of them (`used`). The start and end
 * markers bracket them; kernel/kernel.ld keeps the three sections in order.
 */
#include "boot.h"

#define REQUEST __attribute__((used, section(".limine_requests"), aligned(8)))

__attribute__((used, section(".limine_requests_start"),
	       aligned(8))) volatile uint64_t limine_requests_start[4] = {
	LIMINE_REQUESTS_START_0,
	LIMINE_REQUESTS_START_1,
	LIMINE_REQUESTS_START_2,
	LIMINE_REQUESTS_START_3,
};

/* Revision 2: the newest Limine 8.2.0 knows; the loader writes 0 to word 2. */
REQUEST volatile uint64_t limine_base_revision[3] = { LIMINE_BASE_REVISION_0,
						      LIMINE_BASE_REVISION_1,
						      LIMINE_BASE_REVISION_SUPPORTED };

/* DEFINE_REQUEST(type, variable, LIMINE_<FEATURE>_ID): revision 0 of the request. */
#define DEFINE_REQUEST(type, name, ...) \
	REQUEST volatile struct type name = { .id = LIMINE_REQUEST_ID(__VA_ARGS__), .revision = 0 }

DEFINE_REQUEST(limine_bootloader_info_request, req_bootloader_info, LIMINE_BOOTLOADER_INFO_ID);
DEFINE_REQUEST(limine_executable_cmdline_request, req_cmdline, LIMINE_EXECUTABLE_CMDLINE_ID);
DEFINE_REQUEST(limine_firmware_type_request, req_firmware_type, LIMINE_FIRMWARE_TYPE_ID);
DEFINE_REQUEST(limine_hhdm_request, req_hhdm, LIMINE_HHDM_ID);
DEFINE_REQUEST(limine_framebuffer_request, req_framebuffer, LIMINE_FRAMEBUFFER_ID);
DEFINE_REQUEST(limine_memmap_request, req_memmap, LIMINE_MEMMAP_ID);
DEFINE_REQUEST(limine_executable_file_request, req_executable_file, LIMINE_EXECUTABLE_FILE_ID);
DEFINE_REQUEST(limine_module_request, req_module, LIMINE_MODULE_ID);
DEFINE_REQUEST(limine_rsdp_request, req_rsdp, LIMINE_RSDP_ID);
DEFINE_REQUEST(limine_boot_time_request, req_boot_time, LIMINE_BOOT_TIME_ID);
DEFINE_REQUEST(limine_executable_address_request, req_executable_address,
	       LIMINE_EXECUTABLE_ADDRESS_ID);
DEFINE_REQUEST(limine_dtb_request, req_dtb, LIMINE_DTB_ID);
/* flags 0: x86_64 keeps the xAPIC the firmware chose (the platform drives it by MMIO). */
DEFINE_REQUEST(limine_mp_request, req_mp, LIMINE_MP_ID);

__attribute__((used, section(".limine_requests_end"),
	       aligned(8))) volatile uint64_t limine_requests_end[2] = { LIMINE_REQUESTS_END_0,
									 LIMINE_REQUESTS_END_1 };
