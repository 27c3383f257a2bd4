/*
 * user/include/keel/service.h - the protocols of the first services (X4):
 * how init starts a service, the name service (namesrv) and the console
 * service (console). A protocol is user space's business: the kernel only
 * carries the messages (struct sys_ipc_message: 8 words, 4 handles).
 *
 * Every request has its operation in words[0]; every reply has a status
 * there, 0 for success. The operations of the three protocols are distinct
 * numbers, so a request sent to the wrong service is answered with that
 * service's BAD_REQUEST instead of being misread. A service closes every
 * handle that came with a request it does not keep, so a bad request costs
 * the server nothing.
 *
 * The client helpers (user/lib/service.c) return the IPC call's result: a
 * syscall status, and on SYSCALL_STATUS_OK the service's reply status as
 * the value, so `keel_expect(what, keel_name_lookup(...), SYSCALL_STATUS_OK,
 * NAME_NOT_FOUND)` reads as the protocol does. A call that the service
 * does not answer within SERVICE_CALL_TIMEOUT_NS fails with
 * SYSCALL_FAILED_TIMED_OUT.
 */
#ifndef KEEL_SERVICE_H
#define KEEL_SERVICE_H

#include <base/compiler.h>
#include <core/syscall.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERVICE_CALL_TIMEOUT_NS UINT64_C(5000000000) /* 5 s: the service is stuck or gone */

/*
 * ---- Bootstrap: a service and init.
 *
 * init spawns a service with a handle (WRITE|GRANT) to a bootstrap
 * endpoint of its own as main()'s argument, and receives on that endpoint.
 *
 *  1. BOOT_HELLO, service -> init. The name service sends handles[0], its
 *     own endpoint with SYS_RIGHT_WRITE|SYS_RIGHT_DUPLICATE|SYS_RIGHT_GRANT;
 *     the console sends no handle. init replies words[0] = BOOT_OK; to the
 *     console also the handles BOOT_CONSOLE_* and the device words below.
 *  2. BOOT_READY, service -> init, only from a service that has more to do
 *     before it serves (the console registers its name): words[1] = BOOT_OK
 *     when it serves, else the BOOT_FAILED_* step it could not do. init
 *     replies BOOT_OK, and the service closes its bootstrap handle.
 *
 * So when init has the HELLO of the name service, or the READY of the
 * console, the service answers calls (the name service may not have reached
 * its receive yet, but calls queue on its endpoint).
 */
enum boot_op {
	BOOT_HELLO = 0x01,
	BOOT_READY = 0x02,
};

#define BOOT_OK 0

/* BOOT_READY words[1]: what the console could not do. */
enum boot_failure {
	BOOT_FAILED_DEVICE = 1,	  /* map the registers, or they are not a UART it knows */
	BOOT_FAILED_ENDPOINT = 2, /* create or duplicate its endpoint */
	BOOT_FAILED_REGISTER = 3, /* register "console" with the name service */
};

/* The console's HELLO reply: handles[] ... */
#define BOOT_CONSOLE_DEVICE    0 /* the "console" SYS_BOOT_DEVICE */
#define BOOT_CONSOLE_IRQ       1 /* the "console" SYS_BOOT_IRQ */
#define BOOT_CONSOLE_NAMES     2 /* the name service's endpoint, SYS_RIGHT_WRITE|SYS_RIGHT_GRANT */
#define BOOT_CONSOLE_HANDLES   3
/* ... and words[], the device's struct sys_boot_handle fields. */
#define BOOT_CONSOLE_TYPE      1 /* enum sys_device_type */
#define BOOT_CONSOLE_FLAGS     2 /* SYS_DEVICE_PORT_IO */
#define BOOT_CONSOLE_REG_SHIFT 3
#define BOOT_CONSOLE_REG_WIDTH 4
#define BOOT_CONSOLE_SIZE      5
#define BOOT_CONSOLE_WORDS     6

/*
 * ---- Name service: a table of names, each naming an endpoint.
 *
 * A name is 1 to SERVICE_NAME_MAX bytes without NUL, packed little-endian
 * and NUL-padded into words[1..3] (service_name_pack()); its packing is
 * unique, so two names are equal exactly when their words are.
 *
 *  NAME_REGISTER  words[1..3] = name, handles[0] = the endpoint to publish,
 *                 with SYS_RIGHT_WRITE|SYS_RIGHT_DUPLICATE|SYS_RIGHT_GRANT
 *                 (the service hands out duplicates of it). Reply: status.
 *                 The handle stays with the service when the status is
 *                 NAME_OK, and is closed otherwise.
 *  NAME_LOOKUP    words[1..3] = name. Reply: status, and on NAME_OK
 *                 handles[0] = a new handle to the endpoint, with
 *                 SYS_RIGHT_WRITE|SYS_RIGHT_DUPLICATE|SYS_RIGHT_GRANT.
 *
 * Names are never unregistered: a service that ends leaves its name to an
 * endpoint nobody receives on (calls through it time out).
 */
enum name_op {
	NAME_REGISTER = 0x11,
	NAME_LOOKUP = 0x12,
};

enum name_status {
	NAME_OK = 0,
	NAME_NOT_FOUND = 1,   /* no such name */
	NAME_TAKEN = 2,	      /* the name is registered already */
	NAME_BAD_REQUEST = 3, /* unknown op, malformed name, missing handle or rights */
	NAME_FULL = 4,	      /* NAME_MAX_ENTRIES names are registered, or (lookup) the
				 service's own handle table is full */
};

#define SERVICE_NAME_MAX 24 /* bytes of a name: words[1..3] */
#define NAME_MAX_ENTRIES 32
#define NAME_RIGHTS	 (SYS_RIGHT_WRITE | SYS_RIGHT_DUPLICATE | SYS_RIGHT_GRANT)

/*
 * ---- Console service: writes to the console UART, interrupt-driven.
 *
 *  CONSOLE_WRITE  words[1] = n, at most CONSOLE_WRITE_MAX bytes, packed
 *                 little-endian into words[2..7] (service_bytes_pack()).
 *                 Reply: status, words[1] = bytes the device took (all of
 *                 them unless CONSOLE_IO_ERROR). Returns once the bytes
 *                 are in the UART's FIFO.
 *  CONSOLE_STATS  Reply: status, words[1] = bytes written since the
 *                 service started, words[2] = device interrupts it took.
 */
enum console_op {
	CONSOLE_WRITE = 0x21,
	CONSOLE_STATS = 0x22,
};

enum console_status {
	CONSOLE_OK = 0,
	CONSOLE_BAD_REQUEST = 1, /* unknown op, or a count past CONSOLE_WRITE_MAX */
	CONSOLE_IO_ERROR = 2,	 /* the UART stayed full: part of the bytes were dropped */
};

#define CONSOLE_WRITE_MAX 48 /* bytes in words[2..7] */

/*
 * Pack a NUL-terminated name into words[0..2] as the name service wants
 * it. False (words zeroed) when it is empty or longer than SERVICE_NAME_MAX.
 */
static inline bool service_name_pack(const char *name, uint64_t words[3])
{
	size_t i = 0;

	words[0] = words[1] = words[2] = 0;
	for (; name[i] != '\0'; i++) {
		if (i == SERVICE_NAME_MAX) {
			words[0] = words[1] = words[2] = 0;
			return false;
		}
		words[i / 8] |= (uint64_t)(unsigned char)name[i] << (8 * (i % 8));
	}
	return i > 0;
}

/* Whether words[0..2] are a packed name: a first byte, and only NULs after the first NUL. */
static inline bool service_name_valid(const uint64_t words[3])
{
	bool ended = false;

	for (size_t i = 0; i < SERVICE_NAME_MAX; i++) {
		unsigned char c = (unsigned char)(words[i / 8] >> (8 * (i % 8)));

		if (c == '\0')
			ended = true;
		else if (ended)
			return false;
	}
	return (words[0] & 0xff) != 0;
}

/* Pack len bytes (len <= 8 * word count) little-endian into words, the rest zero. */
static inline void service_bytes_pack(const void *buf, size_t len, uint64_t *words, size_t count)
{
	const unsigned char *p = buf;

	for (size_t w = 0; w < count; w++)
		words[w] = 0;
	for (size_t i = 0; i < len; i++)
		words[i / 8] |= (uint64_t)p[i] << (8 * (i % 8));
}

/* Unpack len bytes packed by service_bytes_pack(). */
static inline void service_bytes_unpack(const uint64_t *words, size_t len, void *buf)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(words[i / 8] >> (8 * (i % 8)));
}

/*
 * ---- Client helpers (user/lib/service.c). Each returns the IPC call's
 * result with the service's status as the value (see the top). They may
 * be called from any thread; they block for at most SERVICE_CALL_TIMEOUT_NS
 * per message.
 */

/*
 * Register `endpoint` (which moves: it leaves the caller's table whatever
 * the outcome, and needs NAME_RIGHTS) as `name` with the name service `ns`.
 * A name that does not pack answers NAME_BAD_REQUEST without a call.
 */
struct syscall_result keel_name_register(uint64_t ns, const char *name, uint64_t endpoint);

/* Look `name` up; on {OK, NAME_OK} *endpoint is a new handle (NAME_RIGHTS), else 0. */
struct syscall_result keel_name_lookup(uint64_t ns, const char *name, uint64_t *endpoint);

/*
 * Write len bytes through the console service `con`, CONSOLE_WRITE_MAX per
 * message; stops at the first message that fails and returns its result,
 * else {OK, CONSOLE_OK}.
 */
struct syscall_result keel_console_write(uint64_t con, const void *buf, size_t len);

/* Format (base/printf.h) and write like keel_console_write(). */
struct syscall_result keel_console_printf(uint64_t con, const char *fmt, ...) __printf_like(2, 3);

/* CONSOLE_STATS: on {OK, CONSOLE_OK} the counters are filled in. */
struct syscall_result keel_console_stats(uint64_t con, uint64_t *bytes, uint64_t *interrupts);

/*
 * A service's loop: receive a call on ep, reply with answer(call), and so
 * on (reply_recv). When that fails (only a bad argument can, which would be
 * the service's bug) the held call is dropped and a plain receive starts
 * over; two failures in a row end the loop rather than spin: it prints why
 * under `name` and returns 3, the service's exit status.
 */
uint64_t keel_serve(const char *name, uint64_t ep,
		    struct sys_ipc_message (*answer)(const struct sys_ipc_message *call));

#endif /* KEEL_SERVICE_H */
