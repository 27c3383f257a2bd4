/*
 * core/usercopy.c - validated copies between the kernel and user memory (M6).
 */
#include <base/string.h>
#include <core/usercopy.h>
#include <core/vmm.h>
#include <hal/memory_layout.h>
#include <hal/user.h>

#define USER_LOW  (MM_USER_VMM_BASE + MM_USER_NULL_GUARD)
#define USER_HIGH (MM_USER_VMM_BASE + MM_USER_VMM_SIZE) /* first byte past the window */

bool user_range_ok(uint64_t addr, uint64_t len)
{
	if (len == 0)
		return true;
	return addr >= USER_LOW && addr < USER_HIGH && len <= USER_HIGH - addr;
}

int copy_from_user(void *dst, uint64_t src, size_t len)
{
	if (!user_range_ok(src, len))
		return USER_COPY_BAD_RANGE;
	if (len == 0)
		return USER_COPY_OK;
	return hal_user_copy(dst, (const void *)(uintptr_t)src, len) == 0 ? USER_COPY_OK
									  : USER_COPY_FAULT;
}

int copy_to_user(uint64_t dst, const void *src, size_t len)
{
	if (!user_range_ok(dst, len))
		return USER_COPY_BAD_RANGE;
	if (len == 0)
		return USER_COPY_OK;
	return hal_user_copy((void *)(uintptr_t)dst, src, len) == 0 ? USER_COPY_OK
								    : USER_COPY_FAULT;
}

/*
 * A page at a time: a string that ends early in a page may be followed by
 * an unmapped page, which must not be touched. Within the page holding the
 * NUL, reading past it is harmless (permissions are per page).
 */
int copy_string_from_user(char *dst, uint64_t src, size_t size, size_t *len)
{
	size_t done = 0;

	if (size == 0)
		return USER_COPY_BAD_RANGE;
	while (done < size) {
		uint64_t at = src + done;
		size_t chunk = VMM_PAGE_SIZE - (at & (VMM_PAGE_SIZE - 1));

		if (chunk > size - done)
			chunk = size - done;
		if (!user_range_ok(at, chunk)) {
			dst[done] = '\0';
			return USER_COPY_BAD_RANGE;
		}
		if (hal_user_copy(dst + done, (const void *)(uintptr_t)at, chunk) != 0) {
			dst[done] = '\0';
			return USER_COPY_FAULT;
		}
		const char *nul = memchr(dst + done, '\0', chunk);

		if (nul != NULL) {
			*len = (size_t)(nul - dst);
			return USER_COPY_OK;
		}
		done += chunk;
	}
	dst[size - 1] = '\0';
	return USER_COPY_TOO_LONG;
}

int user_fault_in(struct vmm *vmm, uint64_t addr, size_t len, bool write)
{
	unsigned access = VMM_FAULT_USER | (write ? VMM_FAULT_WRITE : 0);

	if (!user_range_ok(addr, len))
		return USER_COPY_BAD_RANGE;
	if (len == 0)
		return USER_COPY_OK;
	uint64_t page = addr & ~(VMM_PAGE_SIZE - 1);
	uint64_t last = (addr + len - 1) & ~(VMM_PAGE_SIZE - 1);

	for (;; page += VMM_PAGE_SIZE) {
		struct vmm_info info;

		/* An eager page is always present: only its protection is checked. */
		if (vmm_query(vmm, page, &info) != VMM_OK || !(info.record.prot & VMM_USER) ||
		    (write && !(info.record.prot & VMM_WRITE)))
			return USER_COPY_FAULT;
		if (!info.present && vmm_handle_fault(vmm, page, access) != VMM_OK)
			return USER_COPY_FAULT;
		if (page == last)
			return USER_COPY_OK;
	}
}

const char *user_copy_status_name(int status)
{
	switch (status) {
	case USER_COPY_OK:
		return "OK";
	case USER_COPY_BAD_RANGE:
		return "BAD_RANGE";
	case USER_COPY_FAULT:
		return "FAULT";
	case USER_COPY_TOO_LONG:
		return "TOO_LONG";
	}
	return "?";
}
