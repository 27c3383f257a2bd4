/*
 * include/kernel/main.h - what the platforms' entry code needs from kernel/main.c.
 */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H

/* 64 KiB, like the loader's minimum: the boot CPU's stack until threads exist. */
#define KERNEL_BOOT_STACK_SIZE 65536

#ifndef __ASSEMBLER__
#include <base/compiler.h>
#include <stdint.h>

/*
 * The boot CPU's stack. _start switches to its top before calling
 * kernel_main(), because the loader's stack is reclaimable memory.
 */
extern uint8_t kernel_boot_stack[KERNEL_BOOT_STACK_SIZE];

/* The kernel's C entry point, called once on the boot CPU by _start. */
__noreturn void kernel_main(void);
#endif

#endif /* KERNEL_MAIN_H */
