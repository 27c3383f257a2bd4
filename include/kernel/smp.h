/*
 * include/kernel/smp.h - bringing the CPUs into the scheduler.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdbool.h>

/*
 * The boot CPU's per-CPU data and scheduler; its current code (on
 * kernel_boot_stack) becomes its idle thread. After hal_irq_init().
 */
void smp_init_boot_cpu(void);

/*
 * Release every CPU the loader parked and wait for each to come online
 * (a second at most each). Before the loader's memory is reclaimed; false
 * when some CPU may still run loader code (it did not arrive, or it was
 * never released), so that memory must stay untouched.
 */
bool smp_start_cpus(void);

#endif /* KERNEL_SMP_H */
