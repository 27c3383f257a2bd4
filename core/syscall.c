/*
 * core/syscall.c - the syscall dispatcher (Y1).
 */
#include <core/syscall_dispatch.h>

struct syscall_result syscall_dispatch(const struct syscall_desc *table, size_t count,
				       struct syscall_args *args)
{
	const struct syscall_desc *d;

	if (args->nr >= count || table[args->nr].fn == NULL)
		return syscall_error(SYSCALL_STATUS_UNKNOWN_SYSCALL, args->nr);
	d = &table[args->nr];
	for (unsigned i = d->nargs; i < 6; i++)
		if (args->arg[i] != 0)
			return syscall_bad_argument(i);
	return d->fn(args->arg);
}
