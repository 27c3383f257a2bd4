/*
 * <platform/user.h> for pc_x86_64: the platform's half of include/hal/user.h.
 */
#ifndef PLATFORM_USER_H
#define PLATFORM_USER_H

#define HAL_USER_ELF_MACHINE 62 /* EM_X86_64: the e_machine of user programs */

#endif /* PLATFORM_USER_H */
