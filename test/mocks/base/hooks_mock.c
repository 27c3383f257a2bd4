/*
 * test/mocks/base/hooks_mock.c - base_write and base_panic for native tests.
 *
 * See hooks_mock.h. This file works whether or not base_names.h is
 * force-included: it only uses C library functions that are not renamed
 * (realloc, fprintf, abort) and memcpy, which is base's keel_memcpy with the
 * renaming and the C library's without, both declared by <base/string.h>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/hooks.h>
#include <base/string.h>

#include "base/hooks_mock.h"

static char *captured;
static size_t captured_len;
static size_t captured_cap;
static size_t write_calls;
static size_t write_max_len;

void base_write(const char *buf, size_t len)
{
	write_calls++;
	if (len > write_max_len)
		write_max_len = len;

	/* Keep room for the NUL that mock_base_output() promises. */
	if (captured_len + len + 1 > captured_cap) {
		size_t cap = captured_cap ? captured_cap : 256;

		while (cap < captured_len + len + 1)
			cap *= 2;
		captured = realloc(captured, cap);
		if (captured == NULL) {
			fprintf(stderr, "hooks_mock: out of memory\n");
			abort();
		}
		captured_cap = cap;
	}
	if (len > 0)
		memcpy(captured + captured_len, buf, len);
	captured_len += len;
	captured[captured_len] = '\0';
}

void base_panic(const char *file, int line, const char *func, const char *msg)
{
	fprintf(stderr, "base_panic: %s:%d %s: %s\n", file, line, func, msg);
	abort();
}

const char *mock_base_output(void)
{
	return captured != NULL ? captured : "";
}

size_t mock_base_output_len(void)
{
	return captured_len;
}

size_t mock_base_write_calls(void)
{
	return write_calls;
}

size_t mock_base_write_max_len(void)
{
	return write_max_len;
}

void mock_base_output_reset(void)
{
	free(captured);
	captured = NULL;
	captured_len = 0;
	captured_cap = 0;
	write_calls = 0;
	write_max_len = 0;
}
