/*
 * include/kernel/device.h - the kernel objects that let user space run
 * programs and drive devices (X3, X4): boot images, device lines and
 * device registers. The kernel makes them at boot for init (kernel/init.c);
 * user space only ever receives them, through init's boot info and IPC.
 *
 *  - KOBJ_IMAGE names a boot module's bytes, an ELF program for
 *    SYS_PROCESS_SPAWN. The module stays where the loader put it.
 *  - KOBJ_IRQ names one device line. Bound to a notification, each
 *    interrupt masks the line and signals the notification's bits; the
 *    driver handles the device and acknowledges (SYS_IRQ_ACK), which
 *    unmasks the line. The last handle's close unbinds and masks it.
 *  - KOBJ_DEVICE names a device's register window: physical memory mapped
 *    uncached into the driver (SYS_DEVICE_MAP), or x86 I/O ports the
 *    driver reaches through SYS_PORT_READ and SYS_PORT_WRITE.
 *  - KOBJ_MEMORY names zeroed RAM (one physically contiguous run) that any
 *    process holding a handle maps (SYS_MEMORY_MAP): shared memory. Each
 *    mapping holds a reference, so the frames go back to the PMM when the
 *    last handle and the last mapping are gone.
 */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include <core/handle.h>
#include <core/ipc.h>
#include <core/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image_object {
	struct kobject object;
	const void *data; /* the module, through the direct map */
	size_t size;
	char name[24]; /* the file name without directory and ".elf" */
};

struct irq_object {
	struct kobject object;
	unsigned line;
	/*
	 * Serialises binders (irq_object_bind): held across the whole change
	 * of binding, handler registration included, so two threads binding
	 * the same object cannot interleave. Never taken by the handler.
	 */
	struct spinlock bind_lock;
	struct spinlock lock;	    /* the binding below; taken by the handler too */
	struct notification *bound; /* NULL: unbound, the line masked; holds a reference */
	uint64_t bits;
};

struct device_object {
	struct kobject object;
	uint64_t base; /* physical address, or first port */
	uint64_t size; /* bytes, or ports */
	bool port_io;
};

struct memory_object {
	struct kobject object;
	uint64_t phys; /* first frame */
	size_t pages;
};

/* New objects with one reference; NULL when out of memory. */
struct memory_object *memory_object_create(size_t pages);
struct image_object *image_object_create(const char *name, const void *data, size_t size);
struct irq_object *irq_object_create(unsigned line);
struct device_object *device_object_create(uint64_t base, uint64_t size, bool port_io);

/*
 * Bind the line to signal `bits` on n (n NULL: unbind), replacing any
 * binding; a bound line is unmasked. False when the line cannot be
 * routed (another kernel handler owns it, or no controller serves it):
 * the object is then unbound. Atomic against other binders of the same
 * object: concurrent calls take effect one after the other, in some
 * order. Context: thread or teardown, not an interrupt handler; does not
 * sleep (it may spin until a handler running on another CPU returns).
 */
bool irq_object_bind(struct irq_object *irq, struct notification *n, uint64_t bits);

/* Unmask a bound line after its interrupt was handled; false when unbound. */
bool irq_object_ack(struct irq_object *irq);

#endif /* KERNEL_DEVICE_H */
