/*
 * kernel/init.c - start init with the handles it needs to start everything
 * else (X4; include/kernel/init.h).
 *
 * The kernel holds the only authority over the boot modules and the
 * devices when it boots; init gets it as handles, listed by name in its
 * boot info, and hands each service what that service needs. The kernel
 * decides nothing more: which programs run, and with what, is init's.
 */
#include <base/string.h>
#include <core/boot_info.h>
#include <core/heap.h>
#include <core/log.h>
#include <core/syscall.h>
#include <hal/console.h>
#include <hal/paging.h>
#include <kernel/device.h>
#include <kernel/init.h>

/* "/boot/console.elf" -> "console". */
static void program_name(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash != NULL ? slash + 1 : path;
	size_t len = strlen(name);

	if (len > 4 && strcmp(name + len - 4, ".elf") == 0)
		len -= 4;
	if (len >= size)
		len = size - 1;
	memcpy(out, name, len);
	out[len] = '\0';
}

/* Give init a handle to o (o's reference moves in) and list it in *info. */
static int give(struct process *p, struct sys_boot_info *info, struct kobject *o, uint32_t rights,
		const char *name, struct sys_boot_handle **entry)
{
	struct sys_boot_handle *e;
	int status = PROCESS_LIMIT;

	if (o == NULL)
		return PROCESS_NO_MEMORY;
	if (info->handle_count < SYS_BOOT_HANDLES_MAX) {
		e = &info->handles[info->handle_count];
		if (handle_install(&p->handles, o, rights, &e->handle) == HANDLE_OK) {
			strlcpy(e->name, name, sizeof(e->name));
			info->handle_count++;
			*entry = e;
			status = PROCESS_OK;
		}
	}
	kobject_put(o);
	return status;
}

/* Every boot module but init's own (`self`), as images. */
static int give_images(struct process *p, struct sys_boot_info *info,
		       const struct boot_module *self)
{
	const struct boot_info *bi = boot_info();

	for (size_t i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		char name[SYS_BOOT_NAME_MAX];
		struct sys_boot_handle *e;
		struct image_object *img;

		if (m == self)
			continue;
		program_name(m->path, name, sizeof(name));
		img = image_object_create(name, phys_to_virt(m->phys), m->size);
		int status = give(p, info, img != NULL ? &img->object : NULL,
				  SYS_RIGHT_READ | SYS_RIGHT_DUPLICATE | SYS_RIGHT_GRANT, name, &e);

		if (status != PROCESS_OK)
			return status;
		e->kind = SYS_BOOT_IMAGE;
		e->image.size = m->size;
	}
	return PROCESS_OK;
}

/* The console UART, as the device and the IRQ "console". */
static int give_console(struct process *p, struct sys_boot_info *info)
{
	struct hal_console_device c;
	struct sys_boot_handle *e;
	struct device_object *dev;
	struct irq_object *irq;
	int status;

	if (!hal_console_device(&c))
		return PROCESS_OK; /* no console: init finds no "console" device */
	dev = device_object_create(c.base, c.size, c.port_io);
	status = give(p, info, dev != NULL ? &dev->object : NULL, SYS_RIGHTS_ALL, "console", &e);
	if (status != PROCESS_OK)
		return status;
	e->kind = SYS_BOOT_DEVICE;
	e->device.type = c.type;
	e->device.flags = c.port_io ? SYS_DEVICE_PORT_IO : 0;
	e->device.reg_shift = c.reg_shift;
	e->device.reg_width = c.reg_width;
	e->device.size = c.size;
	if (!c.has_irq)
		return PROCESS_OK;
	irq = irq_object_create(c.irq);
	status = give(p, info, irq != NULL ? &irq->object : NULL,
		      SYS_RIGHT_WRITE | SYS_RIGHT_DUPLICATE | SYS_RIGHT_GRANT, "console", &e);
	if (status != PROCESS_OK)
		return status;
	e->kind = SYS_BOOT_IRQ;
	e->irq.line = c.irq;
	return PROCESS_OK;
}

int init_start(uint32_t flags, struct process_object **out)
{
	const struct boot_module *m = boot_module_find(INIT_MODULE);
	struct sys_boot_info *info;
	struct process *p;
	uint64_t entry, va;
	int status;

	if (m == NULL) {
		log_error("init: no boot module %s\n", INIT_MODULE);
		return PROCESS_BAD_IMAGE;
	}
	info = kzalloc(sizeof(*info));
	if (info == NULL)
		return PROCESS_NO_MEMORY;
	info->flags = flags;
	status = process_create("init", &p);
	if (status != PROCESS_OK)
		goto out;
	status = process_load_elf(p, phys_to_virt(m->phys), m->size, &entry);
	if (status == PROCESS_OK)
		status = give_images(p, info, m);
	if (status == PROCESS_OK)
		status = give_console(p, info);
	if (status == PROCESS_OK)
		status = process_map_data(p, info, sizeof(*info), &va);
	if (status == PROCESS_OK)
		status = process_detach(p, out);
	if (status == PROCESS_OK) {
		status = process_start(p, entry, va);
		if (status != PROCESS_OK) {
			p->object = NULL;
			kobject_put(&(*out)->object);
			kobject_put(&(*out)->object);
		}
	}
	if (status != PROCESS_OK)
		process_destroy(p);
out:
	kfree(info);
	if (status != PROCESS_OK)
		log_error("init: cannot start: %s\n", process_status_name(status));
	return status;
}
