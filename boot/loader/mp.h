/*
 * boot/loader/mp.h - the MP response: start the other CPUs and park them.
 */
#ifndef LOADER_MP_H
#define LOADER_MP_H

#include "protocol.h"

/*
 * Before ExitBootServices, when the kernel sent an MP request: list the
 * CPUs (arch_mp_find_cpus), allocate the response, one limine_mp_info and
 * one stack per CPU from reclaimable memory, and let the architecture
 * prepare its trampoline. A machine whose CPUs cannot be listed gets no
 * response, as with Limine; the kernel then runs on the boot CPU alone.
 */
void mp_prepare(struct kernel_requests *r, const struct boot_data *b);

/*
 * After ExitBootServices, just before the jump: start every CPU but the
 * boot CPU, keep those that check in parked on their goto_address, and
 * publish the response (cpu_count counts the boot CPU and the CPUs that
 * came up).
 */
void mp_start(void);

#endif /* LOADER_MP_H */
