/*
 * test/core/log_test.c - the kernel log ring, its levels and console replay.
 *
 * Criterion runs every test in its own process, so each starts with an
 * empty ring, no console and the default level.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <base/string.h>
#include <core/log.h>

/* A console that appends to a buffer large enough for every test here. */
static char console_buf[4 * LOG_RING_SIZE];
static size_t console_len;
static unsigned console_calls;

static void capture_console(const char *buf, size_t len)
{
	cr_assert_leq(console_len + len, sizeof(console_buf), "capture console overflow");
	memcpy(console_buf + console_len, buf, len);
	console_len += len;
	console_calls++;
}

/* Byte i of a long test text: varied, so an off-by-one shows. */
static char pattern(size_t i)
{
	return (char)('a' + (i * 7 + i / 26) % 26);
}

static void log_pattern(size_t from, size_t count)
{
	char chunk[97]; /* an odd size, so writes straddle the wrap point */

	while (count > 0) {
		size_t n = count < sizeof(chunk) ? count : sizeof(chunk);

		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern(from + i);
		log_write(chunk, n);
		from += n;
		count -= n;
	}
}

Test(log, printf_formats_into_the_ring)
{
	char tail[64];

	log_info("cpu%u: %s=%#x\n", 3u, "flags", 0x2a);

	cr_assert_eq(log_read_tail(tail, sizeof(tail)), 17);
	cr_assert_str_eq(tail, "cpu3: flags=0x2a\n");
}

Test(log, default_level_is_info_and_drops_debug)
{
	char tail[64];

	cr_assert_eq(log_get_level(), LOG_INFO);
	log_debug("hidden\n");
	log_info("shown\n");

	log_read_tail(tail, sizeof(tail));
	cr_assert_str_eq(tail, "shown\n");
}

Test(log, messages_above_the_level_are_dropped)
{
	char tail[64];

	log_set_level(LOG_WARN);
	log_info("info\n");
	log_warn("warn\n");
	log_error("error\n");
	log_set_level(LOG_DEBUG);
	log_debug("debug\n");

	log_read_tail(tail, sizeof(tail));
	cr_assert_str_eq(tail, "warn\nerror\ndebug\n");
}

Test(log, raw_writes_ignore_the_level)
{
	char tail[16];

	log_set_level(LOG_ERROR);
	log_write("raw", 3);

	log_read_tail(tail, sizeof(tail));
	cr_assert_str_eq(tail, "raw");
}

Test(log, attaching_a_console_replays_then_streams)
{
	log_info("early %d\n", 1);
	log_set_console(capture_console);
	cr_assert_eq(console_len, 8);
	cr_assert_eq(memcmp(console_buf, "early 1\n", 8), 0);

	log_info("late\n");
	cr_assert_eq(console_len, 13);
	cr_assert_eq(memcmp(console_buf, "early 1\nlate\n", 13), 0);
}

Test(log, detached_console_receives_nothing)
{
	log_set_console(capture_console);
	log_set_console(NULL);
	log_info("after\n");

	cr_assert_eq(console_len, 0);
}

Test(log, ring_keeps_the_newest_bytes_after_wrapping)
{
	static char tail[LOG_RING_SIZE + 1];
	const size_t total = 3 * LOG_RING_SIZE + 123;

	log_pattern(0, total);

	cr_assert_eq(log_read_tail(tail, sizeof(tail)), LOG_RING_SIZE);
	for (size_t i = 0; i < LOG_RING_SIZE; i++)
		cr_assert_eq(tail[i], pattern(total - LOG_RING_SIZE + i), "byte %zu", i);
	cr_assert_eq(tail[LOG_RING_SIZE], '\0');
}

Test(log, replay_after_wrapping_is_oldest_first_in_two_runs)
{
	const size_t total = LOG_RING_SIZE + 1000;

	log_pattern(0, total);
	log_set_console(capture_console);

	cr_assert_eq(console_len, LOG_RING_SIZE);
	cr_assert_eq(console_calls, 2, "the wrapped ring replays as two runs");
	for (size_t i = 0; i < LOG_RING_SIZE; i++)
		cr_assert_eq(console_buf[i], pattern(total - LOG_RING_SIZE + i), "byte %zu", i);
}

Test(log, read_tail_truncates_to_the_newest_bytes)
{
	char tail[5];

	log_write("0123456789", 10);

	cr_assert_eq(log_read_tail(tail, sizeof(tail)), 4);
	cr_assert_str_eq(tail, "6789");
	cr_assert_eq(log_read_tail(tail, 0), 0);
	cr_assert_eq(log_read_tail(tail, 1), 0);
	cr_assert_str_eq(tail, "");
}
