/*
 * kernel/boot/boot.h - private to kernel/boot/: the requests and the adapter.
 */
#ifndef KERNEL_BOOT_BOOT_H
#define KERNEL_BOOT_BOOT_H

#include <core/boot_info.h>
#include <kernel/limine.h>

extern volatile uint64_t limine_base_revision[3];
extern volatile struct limine_bootloader_info_request req_bootloader_info;
extern volatile struct limine_executable_cmdline_request req_cmdline;
extern volatile struct limine_firmware_type_request req_firmware_type;
extern volatile struct limine_hhdm_request req_hhdm;
extern volatile struct limine_framebuffer_request req_framebuffer;
extern volatile struct limine_memmap_request req_memmap;
extern volatile struct limine_executable_file_request req_executable_file;
extern volatile struct limine_module_request req_module;
extern volatile struct limine_rsdp_request req_rsdp;
extern volatile struct limine_boot_time_request req_boot_time;
extern volatile struct limine_executable_address_request req_executable_address;
extern volatile struct limine_dtb_request req_dtb;
extern volatile struct limine_mp_request req_mp;

/*
 * Check the loader's responses and copy them into the kernel's boot_info.
 * A missing or malformed required response is a panic naming it: without
 * a memory map or a direct map the kernel cannot go on.
 */
void boot_info_adapt(void);

#endif /* KERNEL_BOOT_BOOT_H */
