/*
 * include/core/handle.h - kernel objects and per-process handle tables (X3).
 *
 * Every kernel object a process may use is a struct kobject: a type and a
 * reference count. A process names objects through its handle table: a
 * handle is an index into the table and a generation, so a handle that was
 * closed (and whose slot may hold another object by now) is refused, never
 * resolved to the newcomer. Each slot also holds rights, a subset of the
 * SYS_RIGHT_* bits of <core/syscall.h>; an operation states the rights it
 * needs, and a duplicate may carry fewer rights than its original, never
 * more.
 *
 * References. A slot holds one reference to its object; lookup gives the
 * caller another, which it drops with kobject_put() when done, so an object
 * stays alive while in use even if another thread closes the handle
 * meanwhile. The last kobject_put() calls the type's release(), outside
 * every handle-table lock.
 *
 * Handle values: generation << 16 | index, with 32-bit generations
 * starting at 1, so 0 is never a handle. A generation is never reused: a
 * slot whose generation reaches HANDLE_GENERATION_MAX retires when that
 * handle closes (it holds nothing again), so a stale value is refused for
 * the table's whole life. Tables are fixed-size (capacity <= 65536 slots),
 * given their storage by the caller.
 */
#ifndef CORE_HANDLE_H
#define CORE_HANDLE_H

#include <core/spinlock.h>
#include <stdint.h>

enum kobject_type {
	KOBJ_THREAD = 1,
	KOBJ_ENDPOINT,
	KOBJ_NOTIFICATION,
	KOBJ_PROCESS,
	KOBJ_IMAGE,  /* a program from a boot module (kernel/device.c) */
	KOBJ_IRQ,    /* a device line (kernel/device.c) */
	KOBJ_DEVICE, /* a device's registers (kernel/device.c) */
	KOBJ_MEMORY, /* pages processes share (kernel/device.c) */
	KOBJ_TYPE_COUNT,
};

struct kobject {
	uint32_t type;				 /* enum kobject_type */
	uint32_t refs;				 /* atomic */
	void (*release)(struct kobject *object); /* called once, when refs reaches 0 */
};

/* One reference, owned by the caller. */
void kobject_init(struct kobject *object, enum kobject_type type,
		  void (*release)(struct kobject *object));
void kobject_get(struct kobject *object);
void kobject_put(struct kobject *object);

struct handle_slot {
	struct kobject *object; /* NULL: free */
	uint32_t rights;
	uint32_t generation; /* of the handle that names (or last named) this slot; 0: never used */
};

/* The last generation a slot gives out; closing that handle retires the slot. */
#define HANDLE_GENERATION_MAX UINT32_MAX

struct handle_table {
	struct spinlock lock;
	struct handle_slot *slots;
	uint32_t capacity;
	uint32_t used;
};

/* Results of the functions below. */
enum handle_status {
	HANDLE_OK = 0,
	HANDLE_BAD,	   /* not a handle of this table: 0, out of range, closed or stale */
	HANDLE_WRONG_TYPE, /* names an object of another type */
	HANDLE_NO_RIGHTS,  /* lacks a right the operation needs, or asks for more than it has */
	HANDLE_TABLE_FULL, /* no free slot (retired slots are never free again) */
};

#define HANDLE_CAPACITY_MAX 65536u

/* An empty table over slots[capacity] (capacity 1..HANDLE_CAPACITY_MAX). */
void handle_table_init(struct handle_table *t, struct handle_slot *slots, uint32_t capacity);

/* Close every handle (dropping each reference); the table is empty afterwards. */
void handle_table_close_all(struct handle_table *t);

/* Name object with `rights` in a free slot; the slot takes a new reference. */
int handle_install(struct handle_table *t, struct kobject *object, uint32_t rights,
		   uint64_t *handle);

/*
 * The object `handle` names, if it is of `type` (0: any) and its rights
 * include `need`: *object gets a new reference and *rights (may be NULL)
 * the handle's rights.
 */
int handle_lookup(struct handle_table *t, uint64_t handle, uint32_t type, uint32_t need,
		  struct kobject **object, uint32_t *rights);

/*
 * A second handle to the same object with `rights`, which must be a subset
 * of the original's; the original needs SYS_RIGHT_DUPLICATE.
 */
int handle_duplicate(struct handle_table *t, uint64_t handle, uint32_t rights, uint64_t *out);

/* Close `handle`: its reference is dropped (the object may be released). */
int handle_close(struct handle_table *t, uint64_t handle);

/*
 * Take `handle` out of the table, if it is of `type` (0: any) and has
 * `need`: the slot's reference moves to *object and its rights to *rights
 * (may be NULL). For moving a handle to another table.
 */
int handle_take(struct handle_table *t, uint64_t handle, uint32_t type, uint32_t need,
		struct kobject **object, uint32_t *rights);

/*
 * handle_take() for handles[0..count), all or none: when one is refused,
 * nothing is taken and *bad gets its position. Handles must be distinct.
 */
int handle_take_many(struct handle_table *t, const uint64_t *handles, uint32_t count, uint32_t need,
		     struct kobject **objects, uint32_t *rights, uint32_t *bad);

/* Live handles in the table. */
uint32_t handle_table_used(struct handle_table *t);

const char *handle_status_name(int status);

#endif /* CORE_HANDLE_H */
