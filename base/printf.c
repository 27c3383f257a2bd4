/*
 * base/printf.c - the front ends of the formatter: vsnprintf, snprintf,
 * vprintf and printf.
 *
 * Each one is vformat() (base/format.c) with a sink that decides where the
 * output goes: into a caller's buffer, or to the console through the
 * base_write() hook.
 */
#include <base/hooks.h>
#include <base/printf.h>
#include <base/string.h>

/* vsnprintf's sink: store what fits, always leaving room for the NUL. */
struct buffer_sink {
	char *buf;
	size_t size; /* > 0 */
	size_t used; /* bytes stored so far, at most size - 1 */
};

static void buffer_sink_write(void *ctx, const char *s, size_t len)
{
	struct buffer_sink *b = ctx;
	size_t room = b->size - 1 - b->used;
	size_t n = len < room ? len : room;

	memcpy(b->buf + b->used, s, n);
	b->used += n;
}

/* With size == 0 nothing may be written: only count. */
static void discard_sink_write(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	(void)s;
	(void)len;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	if (size == 0)
		return vformat(discard_sink_write, NULL, fmt, ap);

	struct buffer_sink b = { .buf = buf, .size = size, .used = 0 };
	int ret = vformat(buffer_sink_write, &b, fmt, ap);

	b.buf[b.used] = '\0';
	return ret;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * printf's sink: collect output in a buffer and hand it to base_write in
 * full buffers, so the console sees a few large writes.
 */
#define CONSOLE_BUFFER_SIZE 128

struct console_sink {
	size_t used;
	char buf[CONSOLE_BUFFER_SIZE];
};

static void console_sink_flush(struct console_sink *c)
{
	if (c->used > 0) {
		base_write(c->buf, c->used);
		c->used = 0;
	}
}

static void console_sink_write(void *ctx, const char *s, size_t len)
{
	struct console_sink *c = ctx;

	while (len > 0) {
		/* A piece at least as big as the buffer needs no copying. */
		if (c->used == 0 && len >= sizeof(c->buf)) {
			base_write(s, len);
			return;
		}

		size_t room = sizeof(c->buf) - c->used;
		size_t n = len < room ? len : room;

		memcpy(c->buf + c->used, s, n);
		c->used += n;
		s += n;
		len -= n;
		if (c->used == sizeof(c->buf))
			console_sink_flush(c);
	}
}

int vprintf(const char *restrict fmt, va_list ap)
{
	struct console_sink c = { .used = 0 };
	int ret = vformat(console_sink_write, &c, fmt, ap);

	console_sink_flush(&c);
	return ret;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vprintf(fmt, ap);
	va_end(ap);
	return ret;
}
