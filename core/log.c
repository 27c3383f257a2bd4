/*
 * core/log.c - the kernel log: a ring of recent text plus an optional console.
 *
 * The ring is a plain array indexed by a byte counter that only grows;
 * `written % LOG_RING_SIZE` is where the next byte lands, and the oldest byte
 * still held is `written - LOG_RING_SIZE` once the ring has wrapped.
 *
 * There is no lock yet: until the scheduling work brings SMP up, only the
 * boot CPU runs, with interrupts masked.
 */
#include <base/printf.h>
#include <core/log.h>
#include <stdint.h>

/* A power of two, so `written % LOG_RING_SIZE` is a mask. */
STATIC_ASSERT((LOG_RING_SIZE & (LOG_RING_SIZE - 1)) == 0, "ring size must be a power of two");

static char log_ring[LOG_RING_SIZE];
static uint64_t log_written;
static log_console_fn log_console;
static enum log_level log_level = LOG_INFO;

static void ring_append(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_ring[(log_written + i) & (LOG_RING_SIZE - 1)] = buf[i];
	log_written += len;
}

void log_write(const char *buf, size_t len)
{
	ring_append(buf, len);
	if (log_console)
		log_console(buf, len);
}

static void log_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	log_write(s, len);
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	vformat(log_sink, NULL, fmt, ap);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

size_t log_read_tail(char *buf, size_t size)
{
	if (size == 0)
		return 0;
	uint64_t held = log_written < LOG_RING_SIZE ? log_written : LOG_RING_SIZE;
	size_t n = held < size - 1 ? (size_t)held : size - 1;
	uint64_t first = log_written - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(first + i) & (LOG_RING_SIZE - 1)];
	buf[n] = '\0';
	return n;
}

void log_set_console(log_console_fn console)
{
	log_console = console;
	if (!console)
		return;
	/* Replay the ring, oldest byte first, in at most two runs. */
	uint64_t held = log_written < LOG_RING_SIZE ? log_written : LOG_RING_SIZE;
	size_t start = (size_t)((log_written - held) & (LOG_RING_SIZE - 1));
	size_t first_run = MIN((size_t)held, LOG_RING_SIZE - start);

	console(&log_ring[start], first_run);
	if (held > first_run)
		console(&log_ring[0], (size_t)held - first_run);
}
