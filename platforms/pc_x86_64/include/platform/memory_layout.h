/*
 * platforms/pc_x86_64/include/platform/memory_layout.h - 4-level paging, 48-bit.
 *
 *   0x0000000000000000 .. 0x00007fffffffefff  user (the top page is left out:
 *                                               sysret to a non-canonical RIP faults)
 *   0xffff800000000000 ..                      direct map (up to 64 TiB of RAM)
 *   0xffffc00000000000 .. +64 GiB              kernel VMM window
 *   0xffffffff80000000 .. top                  kernel image
 */
#ifndef PLATFORM_MEMORY_LAYOUT_H
#define PLATFORM_MEMORY_LAYOUT_H

#include <stdint.h>

#define MM_KERNEL_VMM_BASE UINT64_C(0xffffc00000000000)
#define MM_KERNEL_VMM_SIZE UINT64_C(0x0000001000000000)
#define MM_USER_VMM_BASE   UINT64_C(0x0000000000000000)
#define MM_USER_VMM_SIZE   UINT64_C(0x00007ffffffff000)

#endif /* PLATFORM_MEMORY_LAYOUT_H */
