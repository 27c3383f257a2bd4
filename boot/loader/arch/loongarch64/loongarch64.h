/*
 * boot/loader/arch/loongarch64/loongarch64.h - what paging.c tells mp.c.
 */
#ifndef LOADER_LOONGARCH64_H
#define LOADER_LOONGARCH64_H

#include <stdint.h>

/*
 * The kernel's translation as la_handoff installs it: the PGDL and PGDH
 * roots and the TLB refill handler's physical address. Valid once
 * arch_prepare_handoff() has run; the started cores install the same.
 */
void la_paging_roots(uint64_t *pgdl, uint64_t *pgdh, uint64_t *tlbrentry);

#endif /* LOADER_LOONGARCH64_H */
