/*
 * core/handle.c - kernel objects and per-process handle tables (X3;
 * include/core/handle.h).
 *
 * A table is an array searched for a free slot from the start: tables are
 * small (a process has hundreds of handles, not millions), and the search
 * runs only when a handle is made. Lookups are one index and one
 * generation compare under the table's lock.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <core/handle.h>
#include <core/syscall.h>

#define INDEX_BITS 16
#define INDEX(h)   ((uint32_t)((h) & ((UINT64_C(1) << INDEX_BITS) - 1)))
#define GEN(h)	   ((h) >> INDEX_BITS)

/*
 * A slot whose generation reached HANDLE_GENERATION_MAX is retired when
 * that handle is closed: it is never filled again, so no generation is ever
 * given out twice in a table's lifetime and an old handle value can never
 * name a newcomer. (With a 16-bit generation that wrapped, the 65536th
 * object made in a slot answered to the first one's handle: issue 13.) A
 * process must close 2^32 - 1 handles in one slot to retire it.
 */
static bool retired(const struct handle_slot *s)
{
	return s->object == NULL && s->generation == HANDLE_GENERATION_MAX;
}

void kobject_init(struct kobject *object, enum kobject_type type,
		  void (*release)(struct kobject *object))
{
	object->type = type;
	object->refs = 1;
	object->release = release;
}

void kobject_get(struct kobject *object)
{
	uint32_t old = __atomic_fetch_add(&object->refs, 1, __ATOMIC_RELAXED);

	assert(old != 0 && old != UINT32_MAX);
}

void kobject_put(struct kobject *object)
{
	uint32_t old = __atomic_fetch_sub(&object->refs, 1, __ATOMIC_ACQ_REL);

	assert(old != 0);
	if (old == 1)
		object->release(object);
}

void handle_table_init(struct handle_table *t, struct handle_slot *slots, uint32_t capacity)
{
	assert(capacity > 0 && capacity <= HANDLE_CAPACITY_MAX);
	spin_init(&t->lock, "handles");
	t->slots = slots;
	t->capacity = capacity;
	t->used = 0;
	for (uint32_t i = 0; i < capacity; i++)
		slots[i] = (struct handle_slot){ 0 };
}

/* The slot `handle` names, or NULL (lock held). */
static struct handle_slot *slot_of(struct handle_table *t, uint64_t handle)
{
	uint32_t i = INDEX(handle);

	if (i >= t->capacity || GEN(handle) == 0 || GEN(handle) != t->slots[i].generation ||
	    t->slots[i].object == NULL)
		return NULL;
	return &t->slots[i];
}

/* Whether slot s passes the type and rights checks; HANDLE_OK or why not. */
static int check(const struct handle_slot *s, uint32_t type, uint32_t need)
{
	if (s == NULL)
		return HANDLE_BAD;
	if (type != 0 && s->object->type != type)
		return HANDLE_WRONG_TYPE;
	if ((s->rights & need) != need)
		return HANDLE_NO_RIGHTS;
	return HANDLE_OK;
}

/* Put object in a free slot (lock held); the caller has a reference for it. */
static int install_locked(struct handle_table *t, struct kobject *object, uint32_t rights,
			  uint64_t *handle)
{
	for (uint32_t i = 0; i < t->capacity; i++) {
		struct handle_slot *s = &t->slots[i];

		if (s->object != NULL || retired(s))
			continue;
		s->generation++; /* from 0, so never 0: handle 0 stays invalid */
		s->object = object;
		s->rights = rights;
		t->used++;
		*handle = (uint64_t)s->generation << INDEX_BITS | i;
		return HANDLE_OK;
	}
	return HANDLE_TABLE_FULL;
}

int handle_install(struct handle_table *t, struct kobject *object, uint32_t rights,
		   uint64_t *handle)
{
	unsigned long irq;
	int status;

	kobject_get(object);
	irq = spin_lock_irqsave(&t->lock);
	status = install_locked(t, object, rights, handle);
	spin_unlock_irqrestore(&t->lock, irq);
	if (status != HANDLE_OK)
		kobject_put(object);
	return status;
}

int handle_lookup(struct handle_table *t, uint64_t handle, uint32_t type, uint32_t need,
		  struct kobject **object, uint32_t *rights)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	struct handle_slot *s = slot_of(t, handle);
	int status = check(s, type, need);

	if (status == HANDLE_OK) {
		kobject_get(s->object);
		*object = s->object;
		if (rights != NULL)
			*rights = s->rights;
	}
	spin_unlock_irqrestore(&t->lock, irq);
	return status;
}

int handle_duplicate(struct handle_table *t, uint64_t handle, uint32_t rights, uint64_t *out)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	struct handle_slot *s = slot_of(t, handle);
	int status = check(s, 0, SYS_RIGHT_DUPLICATE);

	if (status == HANDLE_OK && (rights & ~s->rights) != 0)
		status = HANDLE_NO_RIGHTS;
	if (status == HANDLE_OK) {
		struct kobject *object = s->object;

		kobject_get(object); /* not the last reference: s holds one */
		status = install_locked(t, object, rights, out);
		if (status != HANDLE_OK)
			__atomic_fetch_sub(&object->refs, 1, __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&t->lock, irq);
	return status;
}

int handle_take(struct handle_table *t, uint64_t handle, uint32_t type, uint32_t need,
		struct kobject **object, uint32_t *rights)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	struct handle_slot *s = slot_of(t, handle);
	int status = check(s, type, need);

	if (status == HANDLE_OK) {
		*object = s->object;
		if (rights != NULL)
			*rights = s->rights;
		s->object = NULL;
		s->rights = 0;
		t->used--;
	}
	spin_unlock_irqrestore(&t->lock, irq);
	return status;
}

int handle_take_many(struct handle_table *t, const uint64_t *handles, uint32_t count, uint32_t need,
		     struct kobject **objects, uint32_t *rights, uint32_t *bad)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	int status = HANDLE_OK;

	for (uint32_t i = 0; i < count && status == HANDLE_OK; i++) {
		status = check(slot_of(t, handles[i]), 0, need);
		for (uint32_t j = 0; j < i && status == HANDLE_OK; j++)
			if (handles[j] == handles[i])
				status = HANDLE_BAD; /* the same handle twice */
		if (status != HANDLE_OK)
			*bad = i;
	}
	for (uint32_t i = 0; i < count && status == HANDLE_OK; i++) {
		struct handle_slot *s = slot_of(t, handles[i]);

		objects[i] = s->object;
		rights[i] = s->rights;
		s->object = NULL;
		s->rights = 0;
		t->used--;
	}
	spin_unlock_irqrestore(&t->lock, irq);
	return status;
}

int handle_close(struct handle_table *t, uint64_t handle)
{
	struct kobject *object;
	int status = handle_take(t, handle, 0, 0, &object, NULL);

	if (status == HANDLE_OK)
		kobject_put(object); /* outside the lock: release() may take others */
	return status;
}

void handle_table_close_all(struct handle_table *t)
{
	for (uint32_t i = 0; i < t->capacity; i++) {
		unsigned long irq = spin_lock_irqsave(&t->lock);
		struct kobject *object = t->slots[i].object;

		if (object != NULL) {
			t->slots[i].object = NULL;
			t->slots[i].rights = 0;
			t->used--;
		}
		spin_unlock_irqrestore(&t->lock, irq);
		if (object != NULL)
			kobject_put(object);
	}
}

uint32_t handle_table_used(struct handle_table *t)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	uint32_t used = t->used;

	spin_unlock_irqrestore(&t->lock, irq);
	return used;
}

const char *handle_status_name(int status)
{
	switch (status) {
	case HANDLE_OK:
		return "OK";
	case HANDLE_BAD:
		return "BAD";
	case HANDLE_WRONG_TYPE:
		return "WRONG_TYPE";
	case HANDLE_NO_RIGHTS:
		return "NO_RIGHTS";
	case HANDLE_TABLE_FULL:
		return "TABLE_FULL";
	}
	return "?";
}
