/*
 * test/mocks/base/hooks_mock.h - inspecting the mock base_write/base_panic.
 *
 * test/mocks/base/hooks_mock.c defines the hooks of <base/hooks.h> for
 * native tests:
 *   - base_write appends to an in-memory capture buffer, read with the
 *     functions below;
 *   - base_panic prints "base_panic: <file>:<line> <func>: <msg>" to stderr
 *     and calls abort(), so a Criterion test expecting a panic declares
 *     .signal = SIGABRT.
 *
 * The capture is per process; Criterion runs each test in its own process,
 * so every test starts with an empty capture.
 */
#ifndef KEEL_TEST_HOOKS_MOCK_H
#define KEEL_TEST_HOOKS_MOCK_H

#include <stddef.h>

/*
 * Everything written through base_write since the last reset, followed by
 * a NUL (which is not part of the output). Valid until the next write or
 * reset. Never NULL.
 */
const char *mock_base_output(void);

/* Number of bytes captured since the last reset (may include NUL bytes). */
size_t mock_base_output_len(void);

/* Number of calls to base_write since the last reset. */
size_t mock_base_write_calls(void);

/* Length of the longest single base_write call since the last reset. */
size_t mock_base_write_max_len(void);

/* Forget everything captured so far. */
void mock_base_output_reset(void);

#endif /* KEEL_TEST_HOOKS_MOCK_H */
