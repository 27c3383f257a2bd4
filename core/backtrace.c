/*
 * core/backtrace.c - frame-pointer backtraces (include/core/backtrace.h).
 */
#include <core/backtrace.h>
#include <core/log.h>
#include <hal/cpu.h>

unsigned backtrace_capture(uintptr_t fp, uintptr_t *out, unsigned max)
{
	uintptr_t caller, ret;
	unsigned n = 0;

	while (n < max && hal_frame_unwind(fp, &caller, &ret)) {
		if (ret == 0)
			break; /* the entry code's zero return address */
		out[n++] = ret;
		if (caller <= fp)
			break; /* frames grow upwards; anything else is corrupt */
		fp = caller;
	}
	return n;
}

void backtrace_print(uintptr_t fp, int depth)
{
	uintptr_t frames[BACKTRACE_MAX];
	unsigned n = backtrace_capture(fp, frames, BACKTRACE_MAX);

	for (unsigned i = 0; i < n && depth < BACKTRACE_MAX; i++, depth++)
		log_error("  #%-2d %016llx\n", depth, (unsigned long long)frames[i]);
}

void backtrace_print_saved(const uintptr_t *addresses, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		log_error("  #%-2u %016llx\n", i, (unsigned long long)addresses[i]);
}
