/*
 * include/kernel/console.h - attach the platform's early console to the log.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

/*
 * Bring up the HAL console (once) and attach it to the kernel log, which
 * replays what was logged before. Safe to call again; safe from panic().
 */
void kernel_console_start(void);

#endif /* KERNEL_CONSOLE_H */
