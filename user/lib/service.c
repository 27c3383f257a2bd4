/*
 * user/lib/service.c - client helpers for the name and console services
 * (keel/service.h).
 */
#include <base/printf.h>
#include <keel/service.h>
#include <keel/user.h>
#include <stdarg.h>

/* Call `ep` with *m; on success the value is the reply's status word. */
static struct syscall_result call(uint64_t ep, struct sys_ipc_message *m)
{
	struct syscall_result r = sys_ipc_call(ep, m, SERVICE_CALL_TIMEOUT_NS);

	if (r.status == SYSCALL_STATUS_OK)
		r.value = m->word_count >= 1 ? m->words[0] : UINT64_MAX;
	return r;
}

/* Close the handles a reply brought that the caller does not take. */
static void close_handles(const struct sys_ipc_message *m, uint32_t from)
{
	for (uint32_t i = from; i < m->handle_count && i < SYS_IPC_HANDLES; i++)
		if (m->handles[i] != 0)
			sys_handle_close(m->handles[i]);
}

struct syscall_result keel_name_register(uint64_t ns, const char *name, uint64_t endpoint)
{
	struct sys_ipc_message m = { .words = { NAME_REGISTER }, .word_count = 4 };

	if (!service_name_pack(name, &m.words[1])) {
		sys_handle_close(endpoint); /* it moves, whatever the outcome */
		return (struct syscall_result){ SYSCALL_STATUS_OK, NAME_BAD_REQUEST };
	}
	m.handles[0] = endpoint;
	m.handle_count = 1;
	struct syscall_result r = call(ns, &m);

	if (r.status == SYSCALL_STATUS_OK)
		close_handles(&m, 0);
	else if (r.status == SYSCALL_STATUS_BAD_ARGUMENT)
		sys_handle_close(endpoint); /* a refused call leaves the handle with its owner */
	return r;
}

struct syscall_result keel_name_lookup(uint64_t ns, const char *name, uint64_t *endpoint)
{
	struct sys_ipc_message m = { .words = { NAME_LOOKUP }, .word_count = 4 };

	*endpoint = 0;
	if (!service_name_pack(name, &m.words[1]))
		return (struct syscall_result){ SYSCALL_STATUS_OK, NAME_BAD_REQUEST };
	struct syscall_result r = call(ns, &m);

	if (r.status != SYSCALL_STATUS_OK)
		return r;
	if (r.value == NAME_OK && m.handle_count >= 1 && m.handles[0] != 0) {
		*endpoint = m.handles[0];
		close_handles(&m, 1);
	} else {
		close_handles(&m, 0);
		if (r.value == NAME_OK) /* our table was full: the handle was dropped */
			r = (struct syscall_result){ SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT };
	}
	return r;
}

struct syscall_result keel_console_write(uint64_t con, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		size_t n = len < CONSOLE_WRITE_MAX ? len : CONSOLE_WRITE_MAX;
		struct sys_ipc_message m = { .words = { CONSOLE_WRITE, n },
					     .word_count = (uint32_t)(2 + (n + 7) / 8) };

		service_bytes_pack(p, n, &m.words[2], SYS_IPC_WORDS - 2);
		struct syscall_result r = call(con, &m);

		if (r.status == SYSCALL_STATUS_OK)
			close_handles(&m, 0);
		if (r.status != SYSCALL_STATUS_OK || r.value != CONSOLE_OK)
			return r;
		p += n;
		len -= n;
	}
	return (struct syscall_result){ SYSCALL_STATUS_OK, CONSOLE_OK };
}

/*
 * keel_console_printf(): the formatter's pieces gather in a message-sized
 * buffer, which goes out whenever it is full and at the end. After the
 * first failure the rest is dropped and the failure kept.
 */
struct console_sink {
	uint64_t con;
	size_t used;
	struct syscall_result result;
	char buf[CONSOLE_WRITE_MAX];
};

static void sink_flush(struct console_sink *s)
{
	if (s->used > 0 && s->result.status == SYSCALL_STATUS_OK && s->result.value == CONSOLE_OK)
		s->result = keel_console_write(s->con, s->buf, s->used);
	s->used = 0;
}

static void sink_put(void *ctx, const char *str, size_t len)
{
	struct console_sink *s = ctx;

	while (len > 0) {
		size_t n = sizeof(s->buf) - s->used;

		if (n > len)
			n = len;
		for (size_t i = 0; i < n; i++)
			s->buf[s->used + i] = str[i];
		s->used += n;
		str += n;
		len -= n;
		if (s->used == sizeof(s->buf))
			sink_flush(s);
	}
}

struct syscall_result keel_console_printf(uint64_t con, const char *fmt, ...)
{
	struct console_sink s = { .con = con, .result = { SYSCALL_STATUS_OK, CONSOLE_OK } };
	va_list ap;

	va_start(ap, fmt);
	vformat(sink_put, &s, fmt, ap);
	va_end(ap);
	sink_flush(&s);
	return s.result;
}

struct syscall_result keel_console_stats(uint64_t con, uint64_t *bytes, uint64_t *interrupts)
{
	struct sys_ipc_message m = { .words = { CONSOLE_STATS }, .word_count = 1 };
	struct syscall_result r = call(con, &m);

	if (r.status != SYSCALL_STATUS_OK)
		return r;
	close_handles(&m, 0);
	if (r.value == CONSOLE_OK && m.word_count >= 3) {
		*bytes = m.words[1];
		*interrupts = m.words[2];
	}
	return r;
}

uint64_t keel_serve(const char *name, uint64_t ep,
		    struct sys_ipc_message (*answer)(const struct sys_ipc_message *call))
{
	struct sys_ipc_message m;
	struct syscall_result r = sys_ipc_recv(ep, &m, SYS_IPC_FOREVER);

	for (;;) {
		if (r.status != SYSCALL_STATUS_OK) {
			r = sys_ipc_recv(ep, &m, SYS_IPC_FOREVER);
			if (r.status != SYSCALL_STATUS_OK) {
				printf("%s: receive failed: status %llu value %llu\n", name,
				       (unsigned long long)r.status, (unsigned long long)r.value);
				return 3;
			}
		}
		m = answer(&m);
		r = sys_ipc_reply_recv(ep, &m, SYS_IPC_FOREVER);
	}
}
