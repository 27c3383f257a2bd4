/*
 * test/mocks/base/base_names.h - give base/'s libc names a keel_ prefix.
 *
 * base/ defines functions with the names of the C library (memcpy, strlen,
 * printf...). A hosted test program also links the real C library, which
 * the test framework and the sanitizers rely on, so base's definitions must
 * not take over those names. The test build force-includes this header
 * (-include) into base's sources and into the tests that exercise them:
 * every name below then becomes keel_<name>, in definitions and calls
 * alike, so the tests call base's code under its usual name while the rest
 * of the program keeps the C library.
 *
 * The C library headers are included FIRST, before the renames, for two
 * reasons:
 *   - glibc's <ctype.h> defines isalpha() and friends as function-like
 *     macros, and may define inline versions of some functions; if the
 *     renames came first, those definitions would clash with ours. Once the
 *     headers are in, their include guards keep them from being processed
 *     again, and we #undef the macros they left.
 *   - The C library's declarations keep their real names, so nothing here
 *     depends on base's prototypes matching glibc's.
 *
 * Keep this list in sync with include/base/{string,ctype,printf,stdlib}.h.
 * vformat, parse_* and the hooks have no C library counterpart and keep
 * their names.
 */
#ifndef KEEL_TEST_BASE_NAMES_H
#define KEEL_TEST_BASE_NAMES_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* <base/string.h> */
#define memcpy	keel_memcpy
#define memmove keel_memmove
#define memset	keel_memset
#define memcmp	keel_memcmp
#define memchr	keel_memchr
#define strlen	keel_strlen
#define strnlen keel_strnlen
#define strcmp	keel_strcmp
#define strncmp keel_strncmp
#define strchr	keel_strchr
#define strrchr keel_strrchr
#define strstr	keel_strstr
#define strspn	keel_strspn
#define strcspn keel_strcspn
#define strlcpy keel_strlcpy
#define strlcat keel_strlcat

/* <base/ctype.h>: drop glibc's macro versions first. */
#undef isalnum
#undef isalpha
#undef isdigit
#undef isxdigit
#undef isspace
#undef isupper
#undef islower
#undef isprint
#undef isgraph
#undef iscntrl
#undef ispunct
#undef isblank
#undef tolower
#undef toupper
#define isalnum	 keel_isalnum
#define isalpha	 keel_isalpha
#define isdigit	 keel_isdigit
#define isxdigit keel_isxdigit
#define isspace	 keel_isspace
#define isupper	 keel_isupper
#define islower	 keel_islower
#define isprint	 keel_isprint
#define isgraph	 keel_isgraph
#define iscntrl	 keel_iscntrl
#define ispunct	 keel_ispunct
#define isblank	 keel_isblank
#define tolower	 keel_tolower
#define toupper	 keel_toupper

/* <base/printf.h> */
#define vsnprintf keel_vsnprintf
#define snprintf  keel_snprintf
#define vprintf	  keel_vprintf
#define printf	  keel_printf

/* <base/stdlib.h> */
#define strtol	 keel_strtol
#define strtoul	 keel_strtoul
#define strtoll	 keel_strtoll
#define strtoull keel_strtoull

#endif /* KEEL_TEST_BASE_NAMES_H */
