/*
 * test/base/host_ref.h - the host C library's versions of base/ functions.
 *
 * The tests of base/ are compiled with base_names.h, so inside them
 * "vsnprintf" means base's implementation. To compare against the host C
 * library (glibc, our reference for C semantics), they call these wrappers,
 * defined in host_ref.c, which is compiled WITHOUT the renaming header.
 */
#ifndef KEEL_TEST_HOST_REF_H
#define KEEL_TEST_HOST_REF_H

#include <stdarg.h>
#include <stddef.h>

/* glibc's vsnprintf. */
int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* glibc's strtol family. */
long host_strtol(const char *nptr, char **endptr, int base);
unsigned long host_strtoul(const char *nptr, char **endptr, int base);
long long host_strtoll(const char *nptr, char **endptr, int base);
unsigned long long host_strtoull(const char *nptr, char **endptr, int base);

/*
 * glibc's character classes in the "C" locale, for c in -1..255. Index 0
 * is isalnum, then isalpha, isdigit, isxdigit, isspace, isupper, islower,
 * isprint, isgraph, iscntrl, ispunct, isblank, tolower, toupper (the order
 * of <base/ctype.h>). The predicates are normalised to 0 or 1.
 */
#define HOST_CTYPE_FUNCTIONS 14
int host_ctype(int which, int c);

#endif /* KEEL_TEST_HOST_REF_H */
