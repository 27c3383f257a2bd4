/*
 * test/base/hooks_test.c - base/'s use of the hooks in <base/hooks.h>.
 *
 * printf and vprintf must deliver their output through base_write,
 * complete, in order, and in chunks rather than byte by byte; assert must
 * call base_panic on failure, and PANIC must format its message for it.
 * The mock hooks (test/mocks/base/hooks_mock.c) capture the writes and
 * turn a panic into SIGABRT.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>

#include <base/assert.h>
#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>

#include "base/hooks_mock.h"

Test(hooks, printf_writes_formatted_output_through_base_write)
{
	mock_base_output_reset();
	cr_assert_eq(printf("x=%d, s=%s\n", 42, "ok"), 11);
	cr_assert_str_eq(mock_base_output(), "x=42, s=ok\n");
	cr_assert_eq(mock_base_write_calls(), 1, "short output arrives in one write");
}

static __printf_like(1, 2) int call_vprintf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

Test(hooks, vprintf_writes_formatted_output_through_base_write)
{
	mock_base_output_reset();
	cr_assert_eq(call_vprintf("[%5s|%-3d]", "ab", 7), 11);
	cr_assert_str_eq(mock_base_output(), "[   ab|7  ]");
}

Test(hooks, printf_of_empty_output_returns_zero)
{
	mock_base_output_reset();
	cr_assert_eq(printf("%s", ""), 0);
	cr_assert_eq(mock_base_output_len(), 0);
}

Test(hooks, printf_output_with_nul_characters_is_complete)
{
	mock_base_output_reset();
	cr_assert_eq(printf("a%cb", 0), 3);
	cr_assert_eq(mock_base_output_len(), 3);
	cr_assert_eq(memcmp(mock_base_output(), "a\0b", 3), 0);
}

Test(hooks, long_printf_output_arrives_complete_in_order_and_in_chunks)
{
	char expected[4096];
	char *p = expected;

	/* Many small pieces (numbers and literal text) adding up to ~3 KiB. */
	mock_base_output_reset();
	int total = 0;

	for (int i = 0; i < 300; i++)
		p += snprintf(p, sizeof(expected) - (size_t)(p - expected), "<%d>", i);
	char big[1000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p += snprintf(p, sizeof(expected) - (size_t)(p - expected), "%s|%300d", big, 7);

	for (int i = 0; i < 300; i++)
		total += printf("<%d>", i);
	total += printf("%s|%300d", big, 7);

	size_t len = (size_t)(p - expected);

	cr_assert_eq((size_t)total, len);
	cr_assert_eq(mock_base_output_len(), len);
	cr_assert_eq(memcmp(mock_base_output(), expected, len), 0, "output differs");
	/*
	 * 300 separate printf calls need at least 300 writes; the last one,
	 * 1300 bytes long, must take a handful, not one per byte or per piece.
	 */
	cr_assert_leq(mock_base_write_calls(), 300 + 20, "%zu writes", mock_base_write_calls());
}

Test(hooks, printf_hands_full_buffers_to_base_write)
{
	char text[1001];

	memset(text, 'q', 1000);
	text[1000] = '\0';
	mock_base_output_reset();
	/* One 1000-byte piece, then 1000 one-byte pieces. */
	cr_assert_eq(printf("%s", text), 1000);
	cr_assert_eq(printf("%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c", 'a', 'b', 'c', 'd', 'e',
			    'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
			    't'),
		     20);
	cr_assert_eq(mock_base_output_len(), 1020);
	cr_assert_leq(mock_base_write_calls(), 3);
	cr_assert_geq(mock_base_write_max_len(), 128);
}

Test(hooks, printf_padding_is_written_in_chunks)
{
	mock_base_output_reset();
	cr_assert_eq(printf("%1000d", 1), 1000);
	cr_assert_eq(mock_base_output_len(), 1000);
	cr_assert_eq(mock_base_output()[999], '1');
	cr_assert_leq(mock_base_write_calls(), 1000 / 128 + 1, "%zu writes for 1000 bytes",
		      mock_base_write_calls());
}

/* Counts how vformat hands out its output. */
struct counting_sink {
	char text[256];
	size_t len;
	size_t calls;
	bool saw_empty_chunk;
};

static void counting_sink_write(void *ctx, const char *s, size_t len)
{
	struct counting_sink *c = ctx;

	c->calls++;
	if (len == 0)
		c->saw_empty_chunk = true;
	cr_assert_leq(c->len + len, sizeof(c->text));
	memcpy(c->text + c->len, s, len);
	c->len += len;
}

static __printf_like(2, 3) int call_vformat(struct counting_sink *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat(counting_sink_write, c, fmt, ap);
	va_end(ap);
	return ret;
}

Test(hooks, vformat_sends_chunks_to_sink_and_returns_total_length)
{
	struct counting_sink c = { .len = 0 };

	cr_assert_eq(call_vformat(&c, "id=%05d name=%-6s|%#x", -42, "abc", 255u), 25);
	cr_assert_eq(c.len, 25);
	cr_assert_geq(c.calls, 5, "literal runs, padding and digits are separate pieces");
	cr_assert_eq(memcmp(c.text, "id=-0042 name=abc   |0xff", 25), 0);
	cr_assert_not(c.saw_empty_chunk, "the sink never receives empty chunks");
}

Test(hooks, vformat_sends_literal_text_as_one_chunk)
{
	struct counting_sink c = { .len = 0 };

	cr_assert_eq(call_vformat(&c, "a run of literal text"), 21);
	cr_assert_eq(c.calls, 1);

	struct counting_sink empty = { .len = 0 };

	cr_assert_eq(call_vformat(&empty, "%s", ""), 0);
	cr_assert_eq(empty.calls, 0, "no output, no call");
}

static int call_vformat_twice(struct counting_sink *a, struct counting_sink *b, const char *fmt,
			      ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat(counting_sink_write, a, fmt, ap);
	/* vformat works on a copy, so the same ap can be used again. */
	ret += vformat(counting_sink_write, b, fmt, ap);
	va_end(ap);
	return ret;
}

Test(hooks, vformat_leaves_the_callers_va_list_untouched)
{
	struct counting_sink a = { .len = 0 };
	struct counting_sink b = { .len = 0 };

	cr_assert_eq(call_vformat_twice(&a, &b, "%d %s %d", 1, "two", 3), 2 * 7);
	cr_assert_eq(a.len, 7);
	cr_assert_eq(b.len, 7);
	cr_assert_eq(memcmp(a.text, "1 two 3", 7), 0);
	cr_assert_eq(memcmp(b.text, "1 two 3", 7), 0);
}

Test(hooks, assert_that_holds_does_not_panic_and_evaluates_once)
{
	int evaluations = 0;

	assert(++evaluations == 1);
	cr_assert_eq(evaluations, 1);
}

Test(hooks, assert_that_fails_calls_base_panic, .signal = SIGABRT)
{
	volatile int zero = 0;

	assert(zero == 1);
	cr_assert_fail("assert returned after a failed check");
}

/*
 * PANIC formats its message (the mock base_panic prints it on stderr as
 * "base_panic: <file>:<line> <func>: pmm: bad free of 0x1234 (3 pages)")
 * and never returns.
 */
Test(hooks, panic_with_a_formatted_message_calls_base_panic, .signal = SIGABRT)
{
	volatile unsigned long long addr = 0x1234;

	PANIC("pmm: bad free of %#llx (%d pages)", addr, 3);
	cr_assert_fail("PANIC returned");
}

Test(hooks, panic_with_a_message_longer_than_the_buffer_still_stops, .signal = SIGABRT)
{
	char long_text[1000];

	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	PANIC("%s", long_text);
	cr_assert_fail("PANIC returned");
}
