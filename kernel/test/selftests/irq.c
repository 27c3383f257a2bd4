/*
 * kernel/test/selftests/irq.c - a device's interrupt line reaches the kernel.
 *
 * The console UART is the one device every machine has, and its transmit
 * interrupt needs no outside input: a 16550 raises "transmit holding
 * register empty" as soon as that interrupt is enabled (IER bit 1) while
 * the transmitter is idle; a PL011 raises TXRIS when its transmit FIFO
 * drains, which the console's output did, and keeps it until ICR clears
 * it. The handler silences the device (IER 0, or TXIM off and TXRIS
 * cleared), as a level-triggered line needs, and counts.
 *
 * The registers are reached through the direct map (memory-mapped UARTs)
 * or the HAL's port accessors (port_io, x86_64).
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <core/sched.h>
#include <core/syscall.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/device.h>
#include <kernel/irq.h>
#include <kernel/process.h>

#define MS	    UINT64_C(1000000)
#define IRQ_WAIT_NS (1000 * MS)
#define UART_IER    1 /* 16550 registers, by number */
#define UART_IIR    2
#define IER_THRE    0x02
#define PL011_DR    0x00 /* PL011 registers, by byte offset */
#define PL011_IMSC  0x38
#define PL011_RIS   0x3c
#define PL011_ICR   0x44
#define PL011_TXIM  (1u << 5)

/* The UART under test and what its handler saw; static, as the handler may outlive a case. */
static struct {
	struct hal_console_device dev;
	uint64_t interrupts; /* atomic */
} uart;

/* The byte offset of 16550 register n, or a PL011 offset as it is. */
static uint64_t reg_offset(unsigned reg)
{
	return uart.dev.type == HAL_CONSOLE_16550 ? (uint64_t)reg << uart.dev.reg_shift : reg;
}

/* Port reads on a platform without ports (setup() refuses that) give 0. */
static uint32_t reg_read(unsigned reg)
{
	uint64_t at = uart.dev.base + reg_offset(reg);
	uint32_t v = 0;

	if (uart.dev.port_io) {
		(void)hal_port_read((uint16_t)at, uart.dev.reg_width, &v);
		return v;
	}
	if (uart.dev.reg_width == 4)
		return *(volatile uint32_t *)phys_to_virt(at);
	return *(volatile uint8_t *)phys_to_virt(at);
}

static void reg_write(unsigned reg, uint32_t v)
{
	uint64_t at = uart.dev.base + reg_offset(reg);

	if (uart.dev.port_io) {
		(void)hal_port_write((uint16_t)at, uart.dev.reg_width, v);
		return;
	}
	if (uart.dev.reg_width == 4)
		*(volatile uint32_t *)phys_to_virt(at) = v;
	else
		*(volatile uint8_t *)phys_to_virt(at) = (uint8_t)v;
}

/* The device stops asserting its line: transmit interrupt off (and, for a PL011, cleared). */
static void tx_interrupt_off(void)
{
	if (uart.dev.type == HAL_CONSOLE_16550) {
		reg_write(UART_IER, 0);
		(void)reg_read(UART_IIR); /* reading IIR also clears a THRE interrupt */
	} else {
		reg_write(PL011_IMSC, reg_read(PL011_IMSC) & ~PL011_TXIM);
		reg_write(PL011_ICR, PL011_TXIM);
	}
}

static void tx_interrupt_on(void)
{
	if (uart.dev.type == HAL_CONSOLE_16550) {
		reg_write(UART_IER, IER_THRE);
		return;
	}
	reg_write(PL011_IMSC, reg_read(PL011_IMSC) | PL011_TXIM);
	/* Nothing sent since TXRIS was last cleared: send a carriage return to raise it. */
	if (!(reg_read(PL011_RIS) & PL011_TXIM))
		reg_write(PL011_DR, '\r');
}

static void count_and_silence(unsigned irq, void *arg)
{
	(void)irq;
	(void)arg;
	tx_interrupt_off();
	__atomic_fetch_add(&uart.interrupts, 1, __ATOMIC_RELEASE);
}

/* Enable the transmit interrupt and wait (at most IRQ_WAIT_NS) until the handler counted past
 * `seen`. */
static uint64_t fire_and_wait(uint64_t seen)
{
	uint64_t deadline = hal_clock_ns() + IRQ_WAIT_NS;
	uint64_t n;

	tx_interrupt_on();
	while ((n = __atomic_load_n(&uart.interrupts, __ATOMIC_ACQUIRE)) <= seen &&
	       hal_clock_ns() < deadline)
		thread_sleep_ns(MS);
	return n;
}

/* The console UART, its line registered to count_and_silence: false (and a failure) if not. */
static bool setup(struct selftest *t)
{
	__atomic_store_n(&uart.interrupts, 0, __ATOMIC_RELAXED);
	if (!hal_console_device(&uart.dev)) {
		ST_FAIL_(t, "hal_console_device() found no console");
		return false;
	}
	if (!uart.dev.has_irq) {
		ST_FAIL_(t, "the console UART has no interrupt line");
		return false;
	}
	uint32_t unused;

	/* IER: a register reading has no side effect on. */
	if (uart.dev.port_io && !hal_port_read((uint16_t)(uart.dev.base + reg_offset(UART_IER)),
					       uart.dev.reg_width, &unused)) {
		ST_FAIL_(t, "a port-I/O console on a platform without port I/O");
		return false;
	}
	if (!irq_register(uart.dev.irq, count_and_silence, NULL)) {
		ST_FAIL_(t, "irq_register(%u) failed", uart.dev.irq);
		return false;
	}
	return true;
}

static void teardown(void)
{
	tx_interrupt_off();
	irq_unregister(uart.dev.irq);
}

static void device_line_reaches_the_kernel(struct selftest *t)
{
	if (!setup(t))
		return;
	uint64_t n = fire_and_wait(0);

	teardown();
	ST_ASSERT_LT(t, 0, n);
}

/*
 * The acknowledgement left the line usable: a second interrupt, after the
 * handler silenced the device, arrives too.
 */
static void device_line_fires_again_after_its_handler_silenced_it(struct selftest *t)
{
	if (!setup(t))
		return;
	uint64_t first = fire_and_wait(0);
	uint64_t second = first > 0 ? fire_and_wait(first) : first;

	teardown();
	ST_ASSERT_LT(t, 0, first);
	ST_ASSERT_LT(t, first, second);
}

/*
 * Issue 13: three user threads binding one IRQ object to notifications of
 * their own, and unbinding it, at once. Binding was not atomic against a
 * second binder: a notification's reference was dropped twice and the
 * kernel panicked (kobject_get() on a freed object). Now every call answers
 * OK, and afterwards nothing is left bound or leaked. Twice: the first run
 * also warms the heap and the kernel window up.
 */
static void racing_binders_leave_the_line_whole(struct selftest *t)
{
	struct hal_console_device dev;

	ST_ASSERT(t, hal_console_device(&dev) && dev.has_irq);
	for (int run = 0; run < 2; run++) {
		struct selftest_usage before = selftest_usage_now();
		struct irq_object *irq = irq_object_create(dev.irq);
		struct process_exit e;
		struct process *p;

		ST_ASSERT(t, irq != NULL);
		int status =
			selftest_start_ipctest("irq-binders", &irq->object, SYS_RIGHT_WRITE, 9, &p);

		kobject_put(&irq->object); /* the process's handle holds it now */
		ST_ASSERT_EQ(t, status, PROCESS_OK);
		process_wait(p, &e);
		ST_ASSERT(t, !e.faulted);
		ST_ASSERT_EQ(t, e.status, 0);
		/* Nothing is left bound: a kernel handler can have the line. */
		ST_ASSERT(t, irq_register(dev.irq, count_and_silence, NULL));
		irq_unregister(dev.irq);
		if (run == 1)
			selftest_expect_same_usage(t, &before);
	}
}

static const struct kernel_selftest_case cases[] = {
	{ "device_line_reaches_the_kernel", device_line_reaches_the_kernel },
	{ "device_line_fires_again_after_its_handler_silenced_it",
	  device_line_fires_again_after_its_handler_silenced_it },
	{ "racing_binders_leave_the_line_whole", racing_binders_leave_the_line_whole },
};

SELFTEST_SUITE(selftest_suite_irq, "irq", cases);
