/*
 * test/mocks/platform/memory_layout.h - the layout native tests see.
 *
 * The user window covers the lower half of an x86_64 Linux process, so the
 * host's own heap and stack addresses pass core/usercopy.c's checks and the
 * tests can copy through real pointers.
 */
#ifndef PLATFORM_MEMORY_LAYOUT_H
#define PLATFORM_MEMORY_LAYOUT_H

#include <stdint.h>

#define MM_KERNEL_VMM_BASE UINT64_C(0xffffc00000000000)
#define MM_KERNEL_VMM_SIZE UINT64_C(0x0000001000000000)
#define MM_USER_VMM_BASE   UINT64_C(0x0000000000000000)
#define MM_USER_VMM_SIZE   UINT64_C(0x00007ffffffff000)

#endif /* PLATFORM_MEMORY_LAYOUT_H */
