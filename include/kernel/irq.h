/*
 * include/kernel/irq.h - device interrupt handlers.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdbool.h>

/* Runs in interrupt context, interrupts masked: silence the device, wake a thread, return. */
typedef void (*irq_handler_fn)(unsigned irq, void *arg);

/*
 * Route device line `irq` (the platform's number) to fn(irq, arg) and
 * unmask it. False when the line has a handler already or no controller
 * serves it.
 */
bool irq_register(unsigned irq, irq_handler_fn fn, void *arg);

/*
 * Mask the line and forget its handler; returns once no CPU runs it any
 * more, so its argument may be freed. Not from the handler itself.
 */
void irq_unregister(unsigned irq);

#endif /* KERNEL_IRQ_H */
