/*
 * <platform/user.h> for pc_loongarch64: the platform's half of include/hal/user.h.
 */
#ifndef PLATFORM_USER_H
#define PLATFORM_USER_H

#define HAL_USER_ELF_MACHINE 258 /* EM_LOONGARCH: the e_machine of user programs */

/*
 * QEMU 10.0 cannot take a fetch from a present page that the fetch may not
 * use (PNX, or PPI at PLV3): its exception entry reads the faulting
 * instruction into BADI through the same translation, which raises the
 * same exception again, forever, before ERA is written; the vCPU never
 * leaves the loop. The kernel maps and handles these faults as the manual
 * says, but the user suite cannot run such a fetch here, so it checks the
 * page attributes in the tables instead (docs/architecture.md).
 */
#define HAL_USER_NX_FETCH_HANGS_QEMU 1

#endif /* PLATFORM_USER_H */
