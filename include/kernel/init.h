/*
 * include/kernel/init.h - starting init, the first user process (X4).
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <kernel/process.h>
#include <stdint.h>

#define INIT_MODULE "init.elf"

/*
 * Start /boot/init.elf as a detached process with its boot info (struct
 * sys_boot_info, `flags` SYS_BOOT_*): a handle to every other boot module
 * as an image, and the console UART as a device and an IRQ. *out gets
 * its process object with one reference. PROCESS_BAD_IMAGE when there is
 * no init module or it is refused, PROCESS_NO_MEMORY or PROCESS_LIMIT
 * when its handles or boot info do not fit.
 */
int init_start(uint32_t flags, struct process_object **out);

#endif /* KERNEL_INIT_H */
