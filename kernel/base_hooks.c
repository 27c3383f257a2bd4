/*
 * kernel/base_hooks.c - what base/ leaves to whoever links it, for the kernel.
 *
 * base/ knows no kernel: its printf() writes through base_write() and its
 * assert() stops through base_panic() (include/base/hooks.h). In the kernel
 * the first goes to the kernel log and the second is a kernel panic.
 */
#include <base/hooks.h>
#include <core/log.h>
#include <kernel/panic.h>

void base_write(const char *buf, size_t len)
{
	log_write(buf, len);
}

void base_panic(const char *file, int line, const char *func, const char *msg)
{
	panic("%s:%d (%s): %s", file, line, func, msg);
}
