/*
 * <platform/user.h> for pc_loongarch64: the platform's half of include/hal/user.h.
 */
#ifndef PLATFORM_USER_H
#define PLATFORM_USER_H

#define HAL_USER_ELF_MACHINE 258 /* EM_LOONGARCH: the e_machine of user programs */

#endif /* PLATFORM_USER_H */
