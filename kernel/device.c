/*
 * kernel/device.c - boot images, device lines and device registers as
 * kernel objects (include/kernel/device.h).
 */
#include <base/compiler.h>
#include <base/string.h>
#include <core/heap.h>
#include <core/pmm.h>
#include <hal/irq.h>
#include <kernel/device.h>
#include <kernel/irq.h>

static void image_release(struct kobject *o)
{
	kfree(container_of(o, struct image_object, object));
}

struct image_object *image_object_create(const char *name, const void *data, size_t size)
{
	struct image_object *img = kzalloc(sizeof(*img));

	if (img == NULL)
		return NULL;
	kobject_init(&img->object, KOBJ_IMAGE, image_release);
	strlcpy(img->name, name, sizeof(img->name));
	img->data = data;
	img->size = size;
	return img;
}

/* The line's interrupt: mask it until the driver acknowledges, and tell the driver. */
static void irq_object_interrupt(unsigned line, void *arg)
{
	struct irq_object *irq = arg;

	spin_lock(&irq->lock);
	hal_irq_mask(line);
	if (irq->bound != NULL)
		notification_signal(irq->bound, irq->bits);
	spin_unlock(&irq->lock);
}

static void irq_release(struct kobject *o)
{
	struct irq_object *irq = container_of(o, struct irq_object, object);

	irq_object_bind(irq, NULL, 0);
	kfree(irq);
}

struct irq_object *irq_object_create(unsigned line)
{
	struct irq_object *irq = kzalloc(sizeof(*irq));

	if (irq == NULL)
		return NULL;
	kobject_init(&irq->object, KOBJ_IRQ, irq_release);
	spin_init(&irq->bind_lock, "irq object binding");
	spin_init(&irq->lock, "irq object");
	irq->line = line;
	return irq;
}

/* Replace the binding the handler sees; the old one (its reference now the caller's). */
static struct notification *set_binding(struct irq_object *irq, struct notification *n,
					uint64_t bits)
{
	unsigned long flags = spin_lock_irqsave(&irq->lock);
	struct notification *old = irq->bound;

	irq->bound = n;
	irq->bits = bits;
	spin_unlock_irqrestore(&irq->lock, flags);
	return old;
}

bool irq_object_bind(struct irq_object *irq, struct notification *n, uint64_t bits)
{
	/*
	 * One binder at a time. The steps below read the binding, unregister
	 * and register; two binders running them interleaved (the bug this
	 * lock fixes) both saw the same old binding and dropped its reference
	 * twice, or overwrote each other's new one, so a notification was
	 * freed while a handle still named it (issue 13). irq->lock alone
	 * cannot cover the steps: unregistering waits for a handler running
	 * elsewhere, and the handler takes irq->lock.
	 */
	unsigned long flags = spin_lock_irqsave(&irq->bind_lock);
	struct notification *old = set_binding(irq, NULL, 0);
	bool ok = true;

	if (old != NULL)
		irq_unregister(irq->line);
	if (n != NULL) {
		kobject_get(&n->object);
		set_binding(irq, n, bits);
		if (!irq_register(irq->line, irq_object_interrupt, irq)) {
			set_binding(irq, NULL, 0);
			kobject_put(&n->object); /* not the last: the caller holds one */
			ok = false;
		}
	}
	spin_unlock_irqrestore(&irq->bind_lock, flags);
	if (old != NULL)
		kobject_put(&old->object); /* may be the last: outside the locks */
	return ok;
}

bool irq_object_ack(struct irq_object *irq)
{
	unsigned long flags = spin_lock_irqsave(&irq->lock);
	bool bound = irq->bound != NULL;

	if (bound)
		hal_irq_unmask(irq->line);
	spin_unlock_irqrestore(&irq->lock, flags);
	return bound;
}

static void device_release(struct kobject *o)
{
	kfree(container_of(o, struct device_object, object));
}

struct device_object *device_object_create(uint64_t base, uint64_t size, bool port_io)
{
	struct device_object *dev = kzalloc(sizeof(*dev));

	if (dev == NULL)
		return NULL;
	kobject_init(&dev->object, KOBJ_DEVICE, device_release);
	dev->base = base;
	dev->size = size;
	dev->port_io = port_io;
	return dev;
}

static void memory_release(struct kobject *o)
{
	struct memory_object *mem = container_of(o, struct memory_object, object);

	pmm_free_pages(mem->phys, mem->pages);
	kfree(mem);
}

struct memory_object *memory_object_create(size_t pages)
{
	struct memory_object *mem = kzalloc(sizeof(*mem));

	if (mem == NULL)
		return NULL;
	mem->phys = pmm_alloc_pages(pages, 1); /* zeroed */
	if (mem->phys == 0) {
		kfree(mem);
		return NULL;
	}
	kobject_init(&mem->object, KOBJ_MEMORY, memory_release);
	mem->pages = pages;
	return mem;
}
