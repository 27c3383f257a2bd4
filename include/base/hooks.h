/*
 * include/base/hooks.h - what base/ needs from the program that links it.
 *
 * base/ knows nothing about consoles or about how to stop a machine, so it
 * calls the two functions below and leaves their definition to whoever
 * links it: the kernel provides them on top of its log and its panic path,
 * and the native test programs provide mocks (test/mocks/base/hooks_mock.c).
 * A program that links base/ must define both, with exactly these
 * signatures.
 */
#ifndef BASE_HOOKS_H
#define BASE_HOOKS_H

#include <base/compiler.h>
#include <stddef.h>

/*
 * Write the len bytes at buf (not NUL-terminated; may contain NUL bytes)
 * to the console or whatever the program uses as its character output.
 * printf and vprintf send all their output through here, in chunks of up
 * to a few hundred bytes per call, never one character per call.
 *
 * Contract for the implementation:
 *   - It may be called in any context, including with interrupts disabled
 *     and in the middle of a panic, so it must not sleep or block for long,
 *     and should not allocate memory.
 *   - It must not call printf or vprintf (directly or indirectly): they
 *     would call base_write again and recurse. Formatting into a buffer
 *     with snprintf is fine.
 *   - It cannot report errors; output that cannot be written is dropped.
 *   - len may be 0, in which case nothing is written.
 */
void base_write(const char *buf, size_t len);

/*
 * Called when base/ (or code using <base/assert.h>) finds a broken
 * invariant, that is a bug. file, line and func locate the check in the
 * source (as given by __FILE__, __LINE__ and __func__) and msg describes
 * it, e.g. "assertion failed: n < size". All strings are NUL-terminated
 * and live for the whole run of the program.
 *
 * Contract for the implementation: report the failure as well as it can
 * (it must tolerate being called in any context, like base_write), then
 * stop. It must never return; the compiler relies on it.
 */
__noreturn void base_panic(const char *file, int line, const char *func, const char *msg);

#endif /* BASE_HOOKS_H */
