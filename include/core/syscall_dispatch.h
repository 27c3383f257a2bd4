/*
 * include/core/syscall_dispatch.h - the kernel's side of a syscall: the
 * table of handlers, the dispatcher and the result helpers (Y1-Y3).
 *
 * The ABI itself (numbers, statuses, argument limits) is <core/syscall.h>,
 * shared with user programs. The kernel composes the table
 * (kernel/syscall.c); the dispatcher only checks what every syscall has in
 * common: the number is known, and no argument past the ones the syscall
 * takes is set.
 */
#ifndef CORE_SYSCALL_DISPATCH_H
#define CORE_SYSCALL_DISPATCH_H

#include <core/syscall.h>
#include <stddef.h>

/*
 * One syscall: its handler gets the six argument words, of which it uses
 * nargs. A handler may leave result words in arg[3..5] (the short IPC
 * syscalls do): the platform writes arg[3..5] back into those argument
 * registers, which other syscalls leave as they were.
 */
struct syscall_desc {
	const char *name; /* for logs; NULL with fn NULL: a number not in use */
	unsigned nargs;	  /* 0..6 */
	struct syscall_result (*fn)(uint64_t arg[6]);
};

/*
 * Run args->nr from `table` (count entries): SYSCALL_STATUS_UNKNOWN_SYSCALL
 * with the number as payload when it is past the table or has no handler;
 * SYSCALL_STATUS_BAD_ARGUMENT with the index of the first argument past
 * nargs that is not 0; otherwise whatever the handler returns (which may be
 * nothing at all, for the syscalls that end the thread).
 */
struct syscall_result syscall_dispatch(const struct syscall_desc *table, size_t count,
				       struct syscall_args *args);

static inline struct syscall_result syscall_ok(uint64_t value)
{
	return (struct syscall_result){ SYSCALL_STATUS_OK, value };
}

static inline struct syscall_result syscall_error(uint64_t status, uint64_t payload)
{
	return (struct syscall_result){ status, payload };
}

/* SYSCALL_STATUS_BAD_ARGUMENT naming argument `index` (0-5). */
static inline struct syscall_result syscall_bad_argument(unsigned index)
{
	return (struct syscall_result){ SYSCALL_STATUS_BAD_ARGUMENT, index };
}

/* SYSCALL_STATUS_FAILED with one of the SYSCALL_FAILED_* reasons. */
static inline struct syscall_result syscall_failed(uint64_t reason)
{
	return (struct syscall_result){ SYSCALL_STATUS_FAILED, reason };
}

#endif /* CORE_SYSCALL_DISPATCH_H */
