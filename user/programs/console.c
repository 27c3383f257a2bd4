/*
 * user/programs/console.c - the console service (X4): a UART driver in
 * user space, interrupt-driven, serving CONSOLE_WRITE and CONSOLE_STATS
 * (keel/service.h) under the name "console".
 *
 * main(arg): arg is a handle to init's bootstrap endpoint. BOOT_HELLO
 * brings the device, its interrupt line and the name service, and the
 * device's description (16550 or PL011, port I/O or MMIO, register shift
 * and width). The kernel initialised the UART (baud rate, 8N1, FIFOs) and
 * left it polled with its interrupts off at the device; this service only
 * turns the transmit interrupt on and off, and writes bytes. The kernel
 * may still write its own log to the same UART: bytes of the two may
 * interleave, none is lost.
 *
 * Transmitting: while bytes remain, wait until the transmitter has room,
 * then give it up to a FIFO's worth. To wait, enable the transmit
 * interrupt at the device and wait on the notification the line is bound
 * to; then disable and clear it at the device *before* acking the line, or
 * a level-triggered line would fire again at once. The wait has a timeout
 * (TX_IRQ_WAIT_NS) after which the status register is polled, so a machine
 * whose interrupt never comes still prints; after MAX_MISSES such misses in
 * a row the service stops asking for the interrupt. Only notifications
 * count as interrupts in CONSOLE_STATS.
 *
 * An interrupt that arrives just after its wait timed out stays as set
 * bits in the notification, with the line masked: the next wait returns at
 * once with them and acks the line, so it is counted (it was real) and the
 * line is not lost.
 */
#include <base/printf.h>
#include <keel/service.h>
#include <keel/user.h>

#define US		UINT64_C(1000)
#define MS		UINT64_C(1000000)
#define TX_IRQ_WAIT_NS	(100 * MS) /* for the transmit interrupt, before polling */
#define TX_POLL_NS	(100 * MS) /* polling for room, before giving a round up */
#define TX_POLL_STEP_NS (100 * US)
#define MAX_MISSES	3 /* timed-out interrupt waits in a row before polling for good */
#define MAX_STALLS	3 /* rounds in a row that took no byte before dropping the rest */
#define IRQ_BIT		1 /* the notification bit the line sets */

/* 16550: register n is at n << reg_shift. */
#define UART_THR  0	    /* write: transmit holding register (the TX FIFO) */
#define UART_IER  1	    /* interrupt enable */
#define UART_IIR  2	    /* read: interrupt identification; reading clears a THRE interrupt */
#define UART_MCR  4	    /* modem control */
#define UART_LSR  5	    /* line status */
#define IER_ETBEI (1u << 1) /* interrupt when the transmitter is empty */
#define IIR_FIFOS (3u << 6) /* both set: the FIFOs are on */
#define MCR_OUT2  (1u << 3) /* on a PC, gates the UART's interrupt onto the line */
#define LSR_THRE  (1u << 5) /* the transmit FIFO (or holding register) is empty */
#define UART_FIFO 16

/* PL011: fixed byte offsets, whatever reg_shift says. */
#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_IMSC    0x38	/* interrupt mask set/clear: 1 enables */
#define PL011_RIS     0x3c	/* raw interrupt status */
#define PL011_ICR     0x44	/* interrupt clear: write 1s */
#define PL011_FR_TXFF (1u << 5) /* transmit FIFO full */
#define PL011_FR_TXFE (1u << 7) /* transmit FIFO empty */
#define PL011_TXI     (1u << 5) /* the transmit interrupt, in IMSC, RIS and ICR */
#define PL011_FIFO    16

static struct uart {
	uint64_t device;  /* handle: SYS_PORT_* for port I/O */
	uintptr_t mmio;	  /* the mapped registers; 0 for port I/O */
	uint32_t type;	  /* enum sys_device_type */
	uint32_t shift;	  /* reg_shift */
	uint32_t width;	  /* reg_width: 1 or 4 */
	unsigned fifo;	  /* bytes the transmitter takes when empty */
	uint64_t irq;	  /* handle to the line */
	uint64_t notify;  /* the notification the line is bound to */
	bool use_irq;	  /* bound, and not given up on */
	unsigned misses;  /* interrupt waits in a row that timed out */
	uint64_t written; /* CONSOLE_STATS */
	uint64_t interrupts;
} uart;

/* ---- Register access: volatile MMIO of the device's width, or port I/O. */

static uint32_t reg_read(uint64_t offset)
{
	if (uart.mmio == 0) {
		struct syscall_result r = sys_port_read(uart.device, offset, uart.width);

		return r.status == SYSCALL_STATUS_OK ? (uint32_t)r.value : 0;
	}
	if (uart.width == 1)
		return *(volatile uint8_t *)(uart.mmio + offset);
	return *(volatile uint32_t *)(uart.mmio + offset);
}

static void reg_write(uint64_t offset, uint32_t value)
{
	if (uart.mmio == 0)
		sys_port_write(uart.device, offset, uart.width, value);
	else if (uart.width == 1)
		*(volatile uint8_t *)(uart.mmio + offset) = (uint8_t)value;
	else
		*(volatile uint32_t *)(uart.mmio + offset) = value;
}

static uint64_t r16550(unsigned n)
{
	return (uint64_t)n << uart.shift;
}

/* ---- The transmitter, per type. */

static bool is_pl011(void)
{
	return uart.type == SYS_DEVICE_PL011;
}

/* Whether the transmitter takes bytes now (16550: a FIFO's worth; PL011: at least one). */
static bool tx_room(void)
{
	if (is_pl011())
		return !(reg_read(PL011_FR) & PL011_FR_TXFF);
	return reg_read(r16550(UART_LSR)) & LSR_THRE;
}

static void tx_irq_enable(bool on)
{
	if (is_pl011())
		reg_write(PL011_IMSC, on ? PL011_TXI : 0);
	else
		reg_write(r16550(UART_IER), on ? IER_ETBEI : 0);
}

/* Take the device's transmit interrupt back (after disabling it). */
static void tx_irq_clear(void)
{
	if (is_pl011())
		reg_write(PL011_ICR, PL011_TXI);
	else
		(void)reg_read(r16550(UART_IIR));
}

/*
 * Whether enabling the interrupt would bring one. A 16550 raises THRE
 * when ETBEI is turned on over an empty FIFO. A PL011 raises its transmit
 * interrupt when the FIFO level falls through the trigger level (latched
 * in RIS until cleared), not for being empty: over an empty FIFO with
 * nothing latched there is nothing to wait for.
 */
static bool tx_irq_would_come(void)
{
	if (!is_pl011())
		return true;
	return (reg_read(PL011_RIS) & PL011_TXI) || !(reg_read(PL011_FR) & PL011_FR_TXFE);
}

/* Give the transmitter up to a FIFO's worth of p[0..n); returns how many it took. */
static size_t tx_fill(const unsigned char *p, size_t n)
{
	size_t k = 0, max = n < uart.fifo ? n : uart.fifo;

	if (is_pl011()) {
		while (k < max && !(reg_read(PL011_FR) & PL011_FR_TXFF))
			reg_write(PL011_DR, p[k++]);
		return k;
	}
	if (!(reg_read(r16550(UART_LSR)) & LSR_THRE))
		return 0;
	while (k < max)
		reg_write(r16550(UART_THR), p[k++]);
	return k;
}

/* Poll for room for at most TX_POLL_NS. */
static void poll_for_room(void)
{
	uint64_t deadline = sys_clock_read() + TX_POLL_NS;

	while (!tx_room() && sys_clock_read() < deadline)
		sys_sleep(TX_POLL_STEP_NS);
}

/* Wait until the transmitter has room: by its interrupt when we can, else by polling. */
static void wait_for_room(void)
{
	if (uart.use_irq && tx_irq_would_come()) {
		tx_irq_enable(true);
		struct syscall_result r = sys_notification_wait(uart.notify, TX_IRQ_WAIT_NS);

		tx_irq_enable(false);
		if (r.status == SYSCALL_STATUS_OK) {
			uart.interrupts++;
			uart.misses = 0;
			tx_irq_clear();
			sys_irq_ack(uart.irq);
			return;
		}
		if (++uart.misses == MAX_MISSES) {
			uart.use_irq = false;
			printf("console: no transmit interrupt in %u tries: polling from now on\n",
			       MAX_MISSES);
		}
	}
	poll_for_room();
}

/* Transmit n bytes; returns how many the device took (all but for a stuck device). */
static size_t transmit(const unsigned char *p, size_t n)
{
	size_t done = 0;
	unsigned stalls = 0;

	while (done < n && stalls < MAX_STALLS) {
		wait_for_room();
		size_t k = tx_fill(p + done, n - done);

		stalls = k == 0 ? stalls + 1 : 0;
		done += k;
	}
	uart.written += done;
	return done;
}

/* ---- Setup. */

/* Take the device described by the HELLO reply; false if it is not one we drive. */
static bool uart_setup(const struct sys_ipc_message *m)
{
	uint64_t flags = m->words[BOOT_CONSOLE_FLAGS], size = m->words[BOOT_CONSOLE_SIZE];

	uart.device = m->handles[BOOT_CONSOLE_DEVICE];
	uart.type = (uint32_t)m->words[BOOT_CONSOLE_TYPE];
	uart.shift = (uint32_t)m->words[BOOT_CONSOLE_REG_SHIFT];
	uart.width = (uint32_t)m->words[BOOT_CONSOLE_REG_WIDTH];
	if ((uart.type != SYS_DEVICE_16550 && uart.type != SYS_DEVICE_PL011) ||
	    (uart.width != 1 && uart.width != 4) || uart.shift > 4) {
		printf("console: a device of type %u, width %u, shift %u is not ours\n", uart.type,
		       uart.width, uart.shift);
		return false;
	}
	uint64_t last = is_pl011() ? PL011_ICR : r16550(UART_LSR);

	if (last + uart.width > size) {
		printf("console: %llu bytes of registers are too few\n", (unsigned long long)size);
		return false;
	}
	if (!(flags & SYS_DEVICE_PORT_IO)) {
		struct syscall_result r = sys_device_map(uart.device);

		if (r.status != SYSCALL_STATUS_OK) {
			printf("console: device_map: status %llu value %llu\n",
			       (unsigned long long)r.status, (unsigned long long)r.value);
			return false;
		}
		uart.mmio = (uintptr_t)r.value;
	}

	/* Every interrupt off at the device: this service owns them now. */
	if (is_pl011()) {
		reg_write(PL011_IMSC, 0);
		uart.fifo = PL011_FIFO;
	} else {
		reg_write(r16550(UART_IER), 0);
		uart.fifo = (reg_read(r16550(UART_IIR)) & IIR_FIFOS) == IIR_FIFOS ? UART_FIFO : 1;
		reg_write(r16550(UART_MCR), reg_read(r16550(UART_MCR)) | MCR_OUT2);
	}
	return true;
}

/* Bind the line to a new notification; without it, the service polls. */
static void irq_setup(uint64_t irq)
{
	struct syscall_result r = sys_notification_create();

	uart.irq = irq;
	if (r.status == SYSCALL_STATUS_OK) {
		uart.notify = r.value;
		r = sys_irq_bind(irq, uart.notify, IRQ_BIT);
	}
	uart.use_irq = r.status == SYSCALL_STATUS_OK;
	if (!uart.use_irq)
		printf("console: no interrupt (status %llu value %llu): polling\n",
		       (unsigned long long)r.status, (unsigned long long)r.value);
}

static void close_received(const struct sys_ipc_message *m, uint32_t from)
{
	for (uint32_t i = from; i < m->handle_count && i < SYS_IPC_HANDLES; i++)
		if (m->handles[i] != 0)
			sys_handle_close(m->handles[i]);
}

/* Tell init how the setup went (BOOT_READY); true when it took the news. */
static bool ready(uint64_t boot, uint64_t failure)
{
	struct sys_ipc_message m = { .words = { BOOT_READY, failure }, .word_count = 2 };
	struct syscall_result r = sys_ipc_call(boot, &m, SYS_IPC_FOREVER);

	if (r.status != SYSCALL_STATUS_OK)
		return false;
	close_received(&m, 0);
	return m.word_count >= 1 && m.words[0] == BOOT_OK;
}

/* Make our endpoint and register it as "console"; 0 or a BOOT_FAILED_*. */
static uint64_t publish(uint64_t names, uint64_t *ep)
{
	struct syscall_result r = sys_endpoint_create();

	if (r.status != SYSCALL_STATUS_OK)
		return BOOT_FAILED_ENDPOINT;
	*ep = r.value;
	r = sys_handle_duplicate(*ep, NAME_RIGHTS);
	if (r.status != SYSCALL_STATUS_OK)
		return BOOT_FAILED_ENDPOINT;
	r = keel_name_register(names, "console", r.value);
	if (r.status != SYSCALL_STATUS_OK || r.value != NAME_OK) {
		printf("console: register: status %llu value %llu\n", (unsigned long long)r.status,
		       (unsigned long long)r.value);
		return BOOT_FAILED_REGISTER;
	}
	return BOOT_OK;
}

/* ---- Serving. */

static struct sys_ipc_message answer(const struct sys_ipc_message *req)
{
	struct sys_ipc_message reply = { .words = { CONSOLE_BAD_REQUEST }, .word_count = 1 };

	close_received(req, 0);
	if (req->word_count < 1)
		return reply;
	switch (req->words[0]) {
	case CONSOLE_WRITE: {
		uint64_t n = req->word_count >= 2 ? req->words[1] : UINT64_MAX;
		unsigned char buf[CONSOLE_WRITE_MAX];

		if (n > CONSOLE_WRITE_MAX || req->word_count < 2 + (n + 7) / 8)
			break;
		service_bytes_unpack(&req->words[2], n, buf);
		size_t done = transmit(buf, n);

		reply.words[0] = done == n ? CONSOLE_OK : CONSOLE_IO_ERROR;
		reply.words[1] = done;
		reply.word_count = 2;
		break;
	}
	case CONSOLE_STATS:
		reply.words[0] = CONSOLE_OK;
		reply.words[1] = uart.written;
		reply.words[2] = uart.interrupts;
		reply.word_count = 3;
		break;
	}
	return reply;
}

uint64_t main(uint64_t boot)
{
	struct sys_ipc_message m = { .words = { BOOT_HELLO }, .word_count = 1 };
	struct syscall_result r = sys_ipc_call(boot, &m, SYS_IPC_FOREVER);
	uint64_t ep = 0, failure;

	if (r.status != SYSCALL_STATUS_OK) {
		printf("console: hello: status %llu value %llu\n", (unsigned long long)r.status,
		       (unsigned long long)r.value);
		return 1;
	}
	if (m.word_count < BOOT_CONSOLE_WORDS || m.words[0] != BOOT_OK ||
	    m.handle_count < BOOT_CONSOLE_HANDLES || m.handles[BOOT_CONSOLE_DEVICE] == 0 ||
	    m.handles[BOOT_CONSOLE_IRQ] == 0 || m.handles[BOOT_CONSOLE_NAMES] == 0) {
		printf("console: init's answer lacks the device, the line or the name service\n");
		close_received(&m, 0);
		ready(boot, BOOT_FAILED_DEVICE);
		return 2;
	}
	close_received(&m, BOOT_CONSOLE_HANDLES);
	uint64_t names = m.handles[BOOT_CONSOLE_NAMES];

	if (!uart_setup(&m))
		failure = BOOT_FAILED_DEVICE;
	else {
		irq_setup(m.handles[BOOT_CONSOLE_IRQ]);
		failure = publish(names, &ep);
	}
	sys_handle_close(names);
	if (!ready(boot, failure) || failure != BOOT_OK)
		return 4;
	sys_handle_close(boot);
	return keel_serve("console", ep, answer);
}
