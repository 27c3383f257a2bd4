/* test/mocks/platform/user.h - <platform/user.h> for native tests. */
#ifndef PLATFORM_USER_H
#define PLATFORM_USER_H

#define HAL_USER_ELF_MACHINE 62 /* EM_X86_64 */

#endif /* PLATFORM_USER_H */
