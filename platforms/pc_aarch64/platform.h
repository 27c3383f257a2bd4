/*
 * platforms/pc_aarch64/platform.h - what the pc_aarch64 files tell each other.
 *
 * Not a HAL contract: these are the platform's own internals, shared
 * between its source files and nothing else.
 */
#ifndef PC_AARCH64_PLATFORM_H
#define PC_AARCH64_PLATFORM_H

#include <stdint.h>

/*
 * console.c: the physical address of the PL011 the console writes to, or 0
 * before hal_console_init(). paging.c maps its page as device memory.
 */
uint64_t aarch64_console_phys(void);

#endif /* PC_AARCH64_PLATFORM_H */
