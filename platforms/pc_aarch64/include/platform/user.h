/*
 * <platform/user.h> for pc_aarch64: the platform's half of include/hal/user.h.
 */
#ifndef PLATFORM_USER_H
#define PLATFORM_USER_H

#define HAL_USER_ELF_MACHINE 183 /* EM_AARCH64: the e_machine of user programs */

#endif /* PLATFORM_USER_H */
