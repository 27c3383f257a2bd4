/*
 * test/base/host_ref.c - wrappers around the host C library (see host_ref.h).
 *
 * Compiled without base_names.h: the names below are the C library's.
 */
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "host_ref.h"

int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

long host_strtol(const char *nptr, char **endptr, int base)
{
	return strtol(nptr, endptr, base);
}

unsigned long host_strtoul(const char *nptr, char **endptr, int base)
{
	return strtoul(nptr, endptr, base);
}

long long host_strtoll(const char *nptr, char **endptr, int base)
{
	return strtoll(nptr, endptr, base);
}

unsigned long long host_strtoull(const char *nptr, char **endptr, int base)
{
	return strtoull(nptr, endptr, base);
}

int host_ctype(int which, int c)
{
	/* A program starts in the "C" locale; make sure nobody changed it. */
	setlocale(LC_CTYPE, "C");

	switch (which) {
	case 0:
		return isalnum(c) != 0;
	case 1:
		return isalpha(c) != 0;
	case 2:
		return isdigit(c) != 0;
	case 3:
		return isxdigit(c) != 0;
	case 4:
		return isspace(c) != 0;
	case 5:
		return isupper(c) != 0;
	case 6:
		return islower(c) != 0;
	case 7:
		return isprint(c) != 0;
	case 8:
		return isgraph(c) != 0;
	case 9:
		return iscntrl(c) != 0;
	case 10:
		return ispunct(c) != 0;
	case 11:
		return isblank(c) != 0;
	case 12:
		return tolower(c);
	case 13:
		return toupper(c);
	default:
		abort();
	}
}
