/*
 * include/core/usercopy.h - moving bytes between the kernel and user
 * memory (requirement M6).
 *
 * A syscall never dereferences a user pointer. It validates the range and
 * copies through these helpers, which call the platform's hal_user_copy()
 * (the only code with user access open: SMAP, PAN, SUM). The checks here
 * are the cheap, exact ones that need no page tables:
 *
 *   - the range does not wrap around the top of the address space;
 *   - it lies inside the user window, [MM_USER_VMM_BASE + MM_USER_NULL_GUARD,
 *     MM_USER_VMM_BASE + MM_USER_VMM_SIZE): never the null guard, never a
 *     kernel address.
 *
 * Whether the pages are mapped is found by touching them: a fault in the
 * copy on a lazy page of the process is resolved as if the process had
 * touched it, and any other fault ends the copy with USER_COPY_FAULT
 * instead of a panic (kernel/trap.c). user_fault_in() maps a range's lazy
 * pages ahead of time, for callers that must not fault later.
 */
#ifndef CORE_USERCOPY_H
#define CORE_USERCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum user_copy_status {
	USER_COPY_OK = 0,
	USER_COPY_BAD_RANGE, /* wraps, leaves the user window or touches the null guard */
	USER_COPY_FAULT,     /* a page of the range is not mapped with the access needed */
	USER_COPY_TOO_LONG,  /* string copy: no NUL within the bound */
};

/* Whether [addr, addr + len) passes the checks above. A 0-length range always does. */
bool user_range_ok(uint64_t addr, uint64_t len);

/* Copy len bytes from user address `src` into the kernel buffer dst. */
int copy_from_user(void *dst, uint64_t src, size_t len);

/* Copy len bytes from the kernel buffer src to user address `dst`. */
int copy_to_user(uint64_t dst, const void *src, size_t len);

/*
 * Copy a NUL-terminated string of at most size - 1 characters from user
 * address `src` into dst (size bytes, size >= 1), always NUL-terminated.
 * *len gets the string's length on USER_COPY_OK. Reads never go past the
 * page holding the NUL. USER_COPY_TOO_LONG when there is no NUL in the
 * first size bytes (dst then holds the first size - 1 of them).
 */
int copy_string_from_user(char *dst, uint64_t src, size_t size, size_t *len);

struct vmm;

/*
 * Fault in every page of [addr, addr + len) in `vmm` now, for a store when
 * `write`: a lazy page gets its frame, a present page is checked against
 * the access. USER_COPY_OK, USER_COPY_BAD_RANGE, or USER_COPY_FAULT when a
 * page is outside every record, not allowed the access, or no memory is
 * left (pages faulted in before stay).
 */
int user_fault_in(struct vmm *vmm, uint64_t addr, size_t len, bool write);

const char *user_copy_status_name(int status);

#endif /* CORE_USERCOPY_H */
