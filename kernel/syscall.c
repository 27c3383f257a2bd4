/*
 * kernel/syscall.c - the syscalls (Y1-Y3; docs/syscalls.md).
 *
 * Each handler checks its arguments in order and answers the first bad one
 * with SYSCALL_STATUS_BAD_ARGUMENT and its index; a user pointer is only
 * ever reached through core/usercopy.c. An address the caller does not
 * have mapped is the caller's error too (retrying it unchanged cannot
 * work), so it is also SYSCALL_STATUS_BAD_ARGUMENT.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <base/string.h>
#include <core/heap.h>
#include <core/ipc.h>
#include <core/log.h>
#include <core/syscall_dispatch.h>
#include <core/usercopy.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/user.h>
#include <kernel/device.h>
#include <kernel/process.h>

#define PAGE VMM_PAGE_SIZE

static struct syscall_result sys_debug_write(uint64_t a[6])
{
	char buf[256];
	uint64_t addr = a[0], len = a[1];

	if (len > SYS_DEBUG_WRITE_MAX)
		return syscall_bad_argument(1);
	if (!user_range_ok(addr, len))
		return syscall_bad_argument(0);
	for (uint64_t done = 0; done < len;) {
		size_t chunk = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);

		if (copy_from_user(buf, addr + done, chunk) != USER_COPY_OK)
			return syscall_bad_argument(0); /* what came before was written */
		log_write(buf, chunk);
		done += chunk;
	}
	return syscall_ok(len);
}

static struct syscall_result sys_thread_yield(uint64_t a[6])
{
	(void)a;
	thread_yield();
	return syscall_ok(0);
}

static struct syscall_result sys_thread_create(uint64_t a[6])
{
	uint64_t entry = a[0], stack = a[2], handle;

	if (entry == 0 || !user_range_ok(entry, 1))
		return syscall_bad_argument(0);
	if (stack > SYS_STACK_MAX)
		return syscall_bad_argument(2);
	switch (uthread_create(process_current(), entry, a[1], (size_t)stack, &handle)) {
	case PROCESS_OK:
		return syscall_ok(handle);
	case PROCESS_LIMIT:
		return syscall_failed(SYSCALL_FAILED_LIMIT);
	case PROCESS_EXITING:
		return syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
	default:
		return syscall_failed(SYSCALL_FAILED_NO_MEMORY);
	}
}

static struct syscall_result sys_thread_exit(uint64_t a[6])
{
	thread_exit((void *)(uintptr_t)a[0]);
}

static struct syscall_result sys_thread_join(uint64_t a[6])
{
	uint64_t value;

	if (process_join_handle(process_current(), a[0], &value) != 0)
		return syscall_bad_argument(0);
	return syscall_ok(value);
}

/* (handle, rights): a duplicate with a subset of the rights. */
static struct syscall_result sys_handle_duplicate(uint64_t a[6])
{
	struct handle_table *t = &process_current()->handles;
	struct kobject *o;
	uint32_t have;
	uint64_t dup;

	if (handle_lookup(t, a[0], 0, SYS_RIGHT_DUPLICATE, &o, &have) != HANDLE_OK)
		return syscall_bad_argument(0);
	kobject_put(o);
	if ((a[1] & ~(uint64_t)have) != 0)
		return syscall_bad_argument(1); /* unknown bits, or rights it does not have */
	switch (handle_duplicate(t, a[0], (uint32_t)a[1], &dup)) {
	case HANDLE_OK:
		return syscall_ok(dup);
	case HANDLE_TABLE_FULL:
		return syscall_failed(SYSCALL_FAILED_LIMIT);
	default:
		return syscall_bad_argument(0); /* closed by another thread meanwhile */
	}
}

static struct syscall_result sys_handle_close(uint64_t a[6])
{
	if (handle_close(&process_current()->handles, a[0]) != HANDLE_OK)
		return syscall_bad_argument(0);
	return syscall_ok(0);
}

/* ---- IPC (X2): endpoints, messages and the handles they carry. */

/*
 * A handle with SYS_RIGHTS_ALL to `o`, made by the calling syscall (NULL:
 * out of memory); the maker's reference is dropped, so the handle's is
 * the only one.
 */
static struct syscall_result new_handle(struct kobject *o)
{
	uint64_t h;
	int status;

	if (o == NULL)
		return syscall_failed(SYSCALL_FAILED_NO_MEMORY);
	status = handle_install(&process_current()->handles, o, SYS_RIGHTS_ALL, &h);
	kobject_put(o);
	if (status != HANDLE_OK)
		return syscall_failed(SYSCALL_FAILED_LIMIT);
	return syscall_ok(h);
}

/* The object of `type` that `h` names with `need`; NULL when refused. A reference: kobject_put()
 * it. */
static struct kobject *object_of(uint64_t h, uint32_t type, uint32_t need)
{
	struct kobject *o;

	if (handle_lookup(&process_current()->handles, h, type, need, &o, NULL) != HANDLE_OK)
		return NULL;
	return o;
}

static struct syscall_result sys_endpoint_create(uint64_t a[6])
{
	struct endpoint *ep = endpoint_create();

	(void)a;
	return new_handle(ep != NULL ? &ep->object : NULL);
}

/* The endpoint `h` names with `need`; NULL when refused. A reference: kobject_put() it. */
static struct endpoint *endpoint_of(uint64_t h, uint32_t need)
{
	struct kobject *o = object_of(h, KOBJ_ENDPOINT, need);

	return o != NULL ? container_of(o, struct endpoint, object) : NULL;
}

/* timeout_ns to a deadline; false for a timeout that is neither SYS_IPC_FOREVER nor <= an hour. */
static bool deadline_of(uint64_t timeout, uint64_t *deadline)
{
	if (timeout == SYS_IPC_FOREVER) {
		*deadline = WAIT_FOREVER;
		return true;
	}
	if (timeout > SYS_SLEEP_MAX)
		return false;
	*deadline = hal_clock_ns() + timeout;
	return true;
}

/*
 * For the syscalls that wait on an object: the object of `type` that a[0]
 * names with `need`, and the deadline of the timeout in a[timeout] (a
 * reference: kobject_put() it). NULL with *bad set to BAD_ARGUMENT 0 or
 * `timeout` when either is refused.
 */
static __always_inline struct kobject *waitable_of(const uint64_t a[6], uint32_t type,
						   uint32_t need, unsigned timeout,
						   uint64_t *deadline, struct syscall_result *bad)
{
	struct kobject *o = object_of(a[0], type, need);

	if (o == NULL) {
		*bad = syscall_bad_argument(0);
	} else if (!deadline_of(a[timeout], deadline)) {
		kobject_put(o);
		o = NULL;
		*bad = syscall_bad_argument(timeout);
	}
	return o;
}

/*
 * The user message at `addr` into *m, its handles taken out of the
 * caller's table (all or none). BAD_ARGUMENT `index` when the buffer, a
 * count or a handle is refused; the message is then untouched.
 */
static bool read_message(uint64_t addr, struct ipc_message *m)
{
	struct sys_ipc_message u;
	uint32_t bad;

	if (copy_from_user(&u, addr, sizeof(u)) != USER_COPY_OK || u.word_count > SYS_IPC_WORDS ||
	    u.handle_count > SYS_IPC_HANDLES)
		return false;
	memset(m, 0, sizeof(*m));
	memcpy(m->words, u.words, sizeof(m->words));
	m->word_count = u.word_count;
	if (handle_take_many(&process_current()->handles, u.handles, u.handle_count,
			     SYS_RIGHT_GRANT, m->objects, m->rights, &bad) != HANDLE_OK)
		return false;
	m->object_count = u.handle_count;
	return true;
}

/* Whether the caller can take a message at addr: mapped and writable (faulted in). */
static bool message_buffer_ok(uint64_t addr)
{
	return user_fault_in(&process_current()->vmm, addr, sizeof(struct sys_ipc_message), true) ==
	       USER_COPY_OK;
}

/*
 * *m to the user message at addr: its objects become handles of the
 * caller (0 where the table is full: that object is dropped). False when
 * the buffer went away meanwhile (the message and its handles are lost).
 */
static bool write_message(uint64_t addr, struct ipc_message *m)
{
	struct handle_table *t = &process_current()->handles;
	struct sys_ipc_message u = { .word_count = m->word_count, .handle_count = m->object_count };

	memcpy(u.words, m->words, sizeof(u.words));
	for (uint32_t i = 0; i < m->object_count; i++) {
		if (handle_install(t, m->objects[i], m->rights[i], &u.handles[i]) != HANDLE_OK)
			u.handles[i] = 0;
	}
	ipc_message_drop(m); /* the handles hold their own references now */
	if (copy_to_user(addr, &u, sizeof(u)) == USER_COPY_OK)
		return true;
	for (uint32_t i = 0; i < u.handle_count; i++)
		if (u.handles[i] != 0)
			handle_close(t, u.handles[i]);
	return false;
}

/* An IPC outcome as a syscall result (a cancelled thread ends here). */
static struct syscall_result ipc_result(int status)
{
	switch (status) {
	case IPC_OK:
		return syscall_ok(0);
	case IPC_TIMED_OUT:
		return syscall_failed(SYSCALL_FAILED_TIMED_OUT);
	case IPC_PEER_GONE:
		return syscall_failed(SYSCALL_FAILED_PEER_GONE);
	case IPC_NO_CALL:
		return syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
	default: /* IPC_CANCELLED: the process is being killed */
		thread_testcancel();
		PANIC("syscall: a cancelled IPC returned");
	}
}

static struct syscall_result sys_ipc_call(uint64_t a[6])
{
	struct syscall_result bad;
	struct ipc_message m;
	uint64_t deadline;
	int status;
	struct kobject *o = waitable_of(a, KOBJ_ENDPOINT, SYS_RIGHT_WRITE, 2, &deadline, &bad);

	if (o == NULL)
		return bad;
	struct endpoint *ep = container_of(o, struct endpoint, object);
	if (!message_buffer_ok(a[1]) || !read_message(a[1], &m)) {
		kobject_put(&ep->object);
		return syscall_bad_argument(1);
	}
	status = ipc_call(ep, &m, deadline);
	kobject_put(&ep->object);
	if (status == IPC_OK && !write_message(a[1], &m))
		return syscall_bad_argument(1); /* unmapped meanwhile: the reply is lost */
	return ipc_result(status);
}

static struct syscall_result receive(struct endpoint *ep, uint64_t addr, uint64_t deadline)
{
	struct uthread *self = (struct uthread *)thread_current();
	struct ipc_message m;
	int status = ipc_recv(&self->ipc, ep, &m, deadline);

	kobject_put(&ep->object);
	if (status == IPC_OK && !write_message(addr, &m))
		return syscall_bad_argument(1); /* unmapped meanwhile: the call stays held */
	return ipc_result(status);
}

static struct syscall_result sys_ipc_recv(uint64_t a[6])
{
	struct endpoint *ep = endpoint_of(a[0], SYS_RIGHT_READ);
	uint64_t deadline;

	if (ep == NULL)
		return syscall_bad_argument(0);
	int bad = !message_buffer_ok(a[1]) ? 1 : !deadline_of(a[2], &deadline) ? 2 : -1;

	if (bad >= 0) {
		kobject_put(&ep->object);
		return syscall_bad_argument((unsigned)bad);
	}
	return receive(ep, a[1], deadline);
}

static struct syscall_result sys_ipc_reply(uint64_t a[6])
{
	struct uthread *self = (struct uthread *)thread_current();
	struct ipc_message m;

	/*
	 * Nothing to reply to: answer before the message is read, as reading
	 * takes its handles out of the caller's table (they were lost with the
	 * UNAVAILABLE answer before: issue 13). An error leaves all as it was.
	 */
	if (!ipc_holds_call(&self->ipc))
		return ipc_result(IPC_NO_CALL);
	if (!read_message(a[0], &m))
		return syscall_bad_argument(0);
	return ipc_result(ipc_reply(&self->ipc, &m));
}

static struct syscall_result sys_ipc_reply_recv(uint64_t a[6])
{
	struct uthread *self = (struct uthread *)thread_current();
	struct endpoint *ep = endpoint_of(a[0], SYS_RIGHT_READ);
	struct ipc_message m;
	uint64_t deadline;

	if (ep == NULL)
		return syscall_bad_argument(0);
	/*
	 * Every check before the message is read: its handles leave the table
	 * then. With no call held there is nobody to send it to, so it is not
	 * read at all and its handles stay where they are.
	 */
	int bad = !message_buffer_ok(a[1]) ? 1 : !deadline_of(a[2], &deadline) ? 2 : -1;

	if (bad < 0 && !ipc_holds_call(&self->ipc))
		m.word_count = m.object_count = 0; /* nothing to send */
	else if (bad < 0 && !read_message(a[1], &m))
		bad = 1;
	if (bad >= 0) {
		kobject_put(&ep->object);
		return syscall_bad_argument((unsigned)bad);
	}
	int status = ipc_reply_recv(&self->ipc, ep, &m, deadline);

	kobject_put(&ep->object);
	if (status == IPC_OK && !write_message(a[1], &m))
		return syscall_bad_argument(1); /* unmapped meanwhile: the call stays held */
	return ipc_result(status);
}

/*
 * The short syscalls: a four-word message from a[2..5] in m, and back. A
 * message received this way gives its first four words (0 past its
 * word_count) and drops the rest, handles included.
 */
static void short_message(const uint64_t a[6], struct ipc_message *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->words, &a[2], 4 * sizeof(uint64_t));
	m->word_count = 4;
}

static struct syscall_result short_result(int status, struct ipc_message *m, uint64_t a[6])
{
	if (status != IPC_OK)
		return ipc_result(status);
	for (uint32_t i = m->word_count; i < 4; i++)
		m->words[i] = 0;
	a[3] = m->words[1];
	a[4] = m->words[2];
	a[5] = m->words[3];
	ipc_message_drop(m);
	return syscall_ok(m->words[0]);
}

static struct syscall_result sys_ipc_call_short(uint64_t a[6])
{
	struct syscall_result bad;
	struct ipc_message m;
	uint64_t deadline;
	struct kobject *o = waitable_of(a, KOBJ_ENDPOINT, SYS_RIGHT_WRITE, 1, &deadline, &bad);

	if (o == NULL)
		return bad;
	short_message(a, &m);
	int status = ipc_call(container_of(o, struct endpoint, object), &m, deadline);

	kobject_put(o);
	return short_result(status, &m, a);
}

static struct syscall_result sys_ipc_reply_recv_short(uint64_t a[6])
{
	struct uthread *self = (struct uthread *)thread_current();
	struct syscall_result bad;
	struct ipc_message m;
	uint64_t deadline;
	struct kobject *o = waitable_of(a, KOBJ_ENDPOINT, SYS_RIGHT_READ, 1, &deadline, &bad);

	if (o == NULL)
		return bad;
	short_message(a, &m);
	int status =
		ipc_reply_recv(&self->ipc, container_of(o, struct endpoint, object), &m, deadline);

	kobject_put(o);
	return short_result(status, &m, a);
}

static struct syscall_result sys_notification_create(uint64_t a[6])
{
	struct notification *n = notification_create();

	(void)a;
	return new_handle(n != NULL ? &n->object : NULL);
}

/* The notification `h` names with `need`; NULL when refused. A reference: kobject_put() it. */
static struct notification *notification_of(uint64_t h, uint32_t need)
{
	struct kobject *o = object_of(h, KOBJ_NOTIFICATION, need);

	return o != NULL ? container_of(o, struct notification, object) : NULL;
}

static struct syscall_result sys_notification_signal(uint64_t a[6])
{
	struct notification *n = notification_of(a[0], SYS_RIGHT_WRITE);

	if (n == NULL)
		return syscall_bad_argument(0);
	if (a[1] != 0)
		notification_signal(n, a[1]);
	kobject_put(&n->object);
	return a[1] != 0 ? syscall_ok(0) : syscall_bad_argument(1);
}

static struct syscall_result sys_notification_wait(uint64_t a[6])
{
	struct syscall_result bad;
	uint64_t deadline, bits = 0;
	struct kobject *o = waitable_of(a, KOBJ_NOTIFICATION, SYS_RIGHT_READ, 1, &deadline, &bad);

	if (o == NULL)
		return bad;
	int status =
		notification_wait(container_of(o, struct notification, object), deadline, &bits);

	kobject_put(o);
	if (status == IPC_OK)
		return syscall_ok(bits);
	return ipc_result(status);
}

/* ---- Processes (X3, X4): spawn, wait, kill through process handles. */

static struct syscall_result sys_process_spawn(uint64_t a[6])
{
	struct process *self = process_current(), *p = NULL;
	struct kobject *o = object_of(a[0], KOBJ_IMAGE, SYS_RIGHT_READ), *given = NULL;
	struct image_object *img = o != NULL ? container_of(o, struct image_object, object) : NULL;
	struct process_object *po = NULL;
	uint64_t entry = 0, h = 0, child_handle = 0;
	uint32_t rights = 0;
	struct syscall_result r;
	int status;

	if (img == NULL)
		return syscall_bad_argument(0);
	if (a[1] != 0) { /* checked now, moved once nothing else can fail for the caller's input */
		if (handle_lookup(&self->handles, a[1], 0, SYS_RIGHT_GRANT, &given, NULL) !=
		    HANDLE_OK) {
			kobject_put(o);
			return syscall_bad_argument(1);
		}
		kobject_put(given);
	}
	status = process_create(img->name, &p);
	if (status == PROCESS_OK)
		status = process_load_elf(p, img->data, img->size, &entry);
	if (status == PROCESS_OK)
		status = process_detach(p, &po);
	kobject_put(o);
	if (status != PROCESS_OK) {
		r = status == PROCESS_BAD_IMAGE ? syscall_bad_argument(0)
						: syscall_failed(SYSCALL_FAILED_NO_MEMORY);
		goto fail;
	}
	if (handle_install(&self->handles, &po->object, SYS_RIGHTS_ALL, &h) != HANDLE_OK) {
		h = 0;
		r = syscall_failed(SYSCALL_FAILED_LIMIT);
		goto fail;
	}
	if (a[1] != 0) {
		if (handle_take(&self->handles, a[1], 0, SYS_RIGHT_GRANT, &given, &rights) !=
		    HANDLE_OK) {
			r = syscall_bad_argument(1); /* closed by another thread meanwhile */
			goto fail;
		}
		status = handle_install(&p->handles, given, rights, &child_handle);
		kobject_put(given); /* the child's table holds its own reference */
		if (status != HANDLE_OK) {
			r = syscall_failed(SYSCALL_FAILED_LIMIT);
			goto fail;
		}
	}
	if (process_start(p, entry, child_handle) != PROCESS_OK) {
		r = syscall_failed(SYSCALL_FAILED_NO_MEMORY);
		goto fail;
	}
	/* It runs: from here its teardown is the reaper's, once its last thread ended. */
	kobject_put(&po->object); /* the handle holds its own reference */
	return syscall_ok(h);
fail:
	if (h != 0)
		handle_close(&self->handles, h);
	if (po != NULL) { /* it never ran: no reaper; drop the process's and our reference */
		p->object = NULL;
		kobject_put(&po->object);
		kobject_put(&po->object);
	}
	if (p != NULL)
		process_destroy(p);
	return r;
}

/* The process object `h` names with `need`; NULL when refused. A reference: kobject_put() it. */
static struct process_object *process_of(uint64_t h, uint32_t need)
{
	struct kobject *o = object_of(h, KOBJ_PROCESS, need);

	return o != NULL ? container_of(o, struct process_object, object) : NULL;
}

static struct syscall_result sys_process_wait(uint64_t a[6])
{
	struct syscall_result bad;
	uint64_t deadline, status = 0;
	struct kobject *o = waitable_of(a, KOBJ_PROCESS, SYS_RIGHT_READ, 1, &deadline, &bad);

	if (o == NULL)
		return bad;
	int why = process_object_wait(container_of(o, struct process_object, object), deadline,
				      &status);

	kobject_put(o);
	if (why == WAIT_WOKEN)
		return syscall_ok(status);
	if (why == WAIT_TIMEOUT)
		return syscall_failed(SYSCALL_FAILED_TIMED_OUT);
	thread_testcancel();
	PANIC("syscall: a cancelled process wait returned");
}

static struct syscall_result sys_process_kill(uint64_t a[6])
{
	struct process_object *po = process_of(a[0], SYS_RIGHT_WRITE);

	if (po == NULL)
		return syscall_bad_argument(0);
	process_object_kill(po, a[1]);
	kobject_put(&po->object);
	thread_testcancel(); /* the caller may have killed its own process */
	return syscall_ok(0);
}

static struct syscall_result sys_process_exit(uint64_t a[6])
{
	process_kill(process_current(), a[0]);
	thread_testcancel();
	PANIC("syscall: process_exit returned");
}

/* SYS_PROT_* to VMM protection; false for unknown bits or no read access. */
static bool prot_from_user(uint64_t prot, unsigned *out)
{
	if ((prot & ~(uint64_t)(SYS_PROT_READ | SYS_PROT_WRITE | SYS_PROT_EXEC)) != 0 ||
	    !(prot & SYS_PROT_READ) || ((prot & SYS_PROT_WRITE) && (prot & SYS_PROT_EXEC)))
		return false;
	*out = VMM_READ | VMM_USER | ((prot & SYS_PROT_WRITE) ? VMM_WRITE : 0) |
	       ((prot & SYS_PROT_EXEC) ? VMM_EXEC : 0);
	return true;
}

static struct syscall_result failed_from_vmm(int status)
{
	return syscall_failed(status == VMM_NO_RECORD ? SYSCALL_FAILED_LIMIT
						      : SYSCALL_FAILED_NO_MEMORY);
}

static struct syscall_result sys_mem_map(uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t bytes = a[0], va, id;
	unsigned prot;
	int status;

	if (bytes == 0 || bytes > SYS_MEM_MAP_MAX)
		return syscall_bad_argument(0);
	if (!prot_from_user(a[1], &prot))
		return syscall_bad_argument(1);
	if ((a[2] & ~(uint64_t)SYS_MAP_LAZY) != 0)
		return syscall_bad_argument(2);
	status = vmm_alloc(&p->vmm, (size_t)(ALIGN_UP(bytes, PAGE) / PAGE), prot,
			   ((a[2] & SYS_MAP_LAZY) ? VMM_LAZY : VMM_EAGER) | VMM_GUARD, &va, &id);
	if (status != VMM_OK)
		return failed_from_vmm(status);
	return syscall_ok(va);
}

/*
 * The record a SYS_MEM_MAP made at `addr`, as its ID; 0 when addr is not
 * the start of one (the program's image and thread stacks are the
 * kernel's, so they do not count).
 */
static uint64_t user_mapping_at(struct process *p, uint64_t addr)
{
	struct vmm_info info;

	if (!user_range_ok(addr, 1) || vmm_query(&p->vmm, addr, &info) != VMM_OK ||
	    info.record.base != addr)
		return 0;
	for (size_t i = 0; i < p->image_count; i++)
		if (p->image_ids[i] == info.record.id)
			return 0;
	unsigned long irq = spin_lock_irqsave(&p->lock);
	bool stack = false;

	for (unsigned i = 0; i < PROCESS_THREADS_MAX && !stack; i++)
		stack = p->threads[i] != NULL && p->threads[i]->stack_id == info.record.id;
	spin_unlock_irqrestore(&p->lock, irq);
	return stack ? 0 : info.record.id;
}

static struct syscall_result sys_mem_unmap(uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t id = user_mapping_at(p, a[0]);

	if (id == 0 || process_unmap(p, id) != VMM_OK)
		return syscall_bad_argument(0);
	return syscall_ok(0);
}

static struct syscall_result sys_mem_protect(uint64_t a[6])
{
	struct process *p = process_current();
	uint64_t id = user_mapping_at(p, a[0]);
	unsigned prot;

	if (id == 0)
		return syscall_bad_argument(0);
	if (!prot_from_user(a[1], &prot))
		return syscall_bad_argument(1);
	if (vmm_protect(&p->vmm, id, prot) != VMM_OK)
		return syscall_bad_argument(0); /* unmapped meanwhile by another thread */
	return syscall_ok(0);
}

static struct syscall_result sys_clock_read(uint64_t a[6])
{
	(void)a;
	return syscall_ok(hal_clock_ns());
}

static struct syscall_result sys_sleep(uint64_t a[6])
{
	if (a[0] > SYS_SLEEP_MAX)
		return syscall_bad_argument(0);
	thread_sleep_ns(a[0]);
	return syscall_ok(0);
}

/* ---- Devices (X4): interrupts as notifications, registers for user-space drivers. */

static struct irq_object *irq_of(uint64_t h)
{
	struct kobject *o = object_of(h, KOBJ_IRQ, SYS_RIGHT_WRITE);

	return o != NULL ? container_of(o, struct irq_object, object) : NULL;
}

static struct syscall_result sys_irq_bind(uint64_t a[6])
{
	struct irq_object *irq = irq_of(a[0]);
	struct notification *n = NULL;
	bool ok;

	if (irq == NULL)
		return syscall_bad_argument(0);
	if (a[1] != 0 || a[2] != 0) {
		n = a[1] != 0 ? notification_of(a[1], SYS_RIGHT_WRITE) : NULL;
		if (n == NULL || a[2] == 0) {
			if (n != NULL)
				kobject_put(&n->object);
			kobject_put(&irq->object);
			return syscall_bad_argument(n == NULL ? 1 : 2);
		}
	}
	ok = irq_object_bind(irq, n, a[2]);
	if (n != NULL)
		kobject_put(&n->object);
	kobject_put(&irq->object);
	return ok ? syscall_ok(0) : syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
}

static struct syscall_result sys_irq_ack(uint64_t a[6])
{
	struct irq_object *irq = irq_of(a[0]);
	bool bound;

	if (irq == NULL)
		return syscall_bad_argument(0);
	bound = irq_object_ack(irq);
	kobject_put(&irq->object);
	return bound ? syscall_ok(0) : syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
}

static struct device_object *device_of(uint64_t h, uint32_t need, uint32_t *rights)
{
	struct kobject *o;

	if (handle_lookup(&process_current()->handles, h, KOBJ_DEVICE, need, &o, rights) !=
	    HANDLE_OK)
		return NULL;
	return container_of(o, struct device_object, object);
}

static struct syscall_result sys_device_map(uint64_t a[6])
{
	uint32_t rights;
	struct device_object *dev = device_of(a[0], SYS_RIGHT_READ, &rights);
	uint64_t first, pages, va, id;
	int status;

	if (dev == NULL)
		return syscall_bad_argument(0);
	if (dev->port_io) {
		kobject_put(&dev->object);
		return syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
	}
	first = dev->base & ~(PAGE - 1);
	pages = (ALIGN_UP(dev->base + dev->size, PAGE) - first) / PAGE;
	status = vmm_map_phys(&process_current()->vmm, first, (size_t)pages,
			      VMM_READ | VMM_USER | ((rights & SYS_RIGHT_WRITE) ? VMM_WRITE : 0),
			      true, &va, &id);
	va += dev->base - first;
	kobject_put(&dev->object);
	if (status != VMM_OK)
		return failed_from_vmm(status);
	return syscall_ok(va);
}

/* A port access's device, offset and width, checked; NULL with *bad set when refused. */
static struct device_object *port_of(const uint64_t a[6], uint32_t need, struct syscall_result *bad)
{
	struct device_object *dev = device_of(a[0], need, NULL);

	if (dev == NULL) {
		*bad = syscall_bad_argument(0);
	} else if (!dev->port_io) {
		*bad = syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
	} else if (a[1] >= dev->size) {
		*bad = syscall_bad_argument(1);
	} else if ((a[2] != 1 && a[2] != 2 && a[2] != 4) || a[2] > dev->size - a[1]) {
		*bad = syscall_bad_argument(2);
	} else {
		return dev;
	}
	if (dev != NULL)
		kobject_put(&dev->object);
	return NULL;
}

static struct syscall_result sys_port_read(uint64_t a[6])
{
	struct syscall_result r;
	struct device_object *dev = port_of(a, SYS_RIGHT_READ, &r);
	uint32_t value;

	if (dev == NULL)
		return r;
	bool ok = hal_port_read((uint16_t)(dev->base + a[1]), (unsigned)a[2], &value);

	kobject_put(&dev->object);
	return ok ? syscall_ok(value) : syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
}

static struct syscall_result sys_port_write(uint64_t a[6])
{
	struct syscall_result r;
	struct device_object *dev = port_of(a, SYS_RIGHT_WRITE, &r);

	if (dev == NULL)
		return r;
	if (a[3] > (a[2] == 4 ? UINT32_MAX : ((UINT64_C(1) << (8 * a[2])) - 1))) {
		kobject_put(&dev->object);
		return syscall_bad_argument(3);
	}
	bool ok = hal_port_write((uint16_t)(dev->base + a[1]), (unsigned)a[2], (uint32_t)a[3]);

	kobject_put(&dev->object);
	return ok ? syscall_ok(0) : syscall_error(SYSCALL_STATUS_UNAVAILABLE, 0);
}

/* ---- Shared memory (X3): memory objects. */

static struct syscall_result sys_memory_create(uint64_t a[6])
{
	if (a[0] == 0 || a[0] > SYS_MEMORY_MAX)
		return syscall_bad_argument(0);
	struct memory_object *mem = memory_object_create((size_t)(ALIGN_UP(a[0], PAGE) / PAGE));

	return new_handle(mem != NULL ? &mem->object : NULL);
}

static struct syscall_result sys_memory_map(uint64_t a[6])
{
	struct kobject *o;
	uint32_t rights;
	unsigned prot;
	uint64_t va;

	if (handle_lookup(&process_current()->handles, a[0], KOBJ_MEMORY, SYS_RIGHT_READ, &o,
			  &rights) != HANDLE_OK)
		return syscall_bad_argument(0);
	if (!prot_from_user(a[1], &prot) || (prot & VMM_EXEC)) {
		kobject_put(o);
		return syscall_bad_argument(1);
	}
	if ((prot & VMM_WRITE) && !(rights & SYS_RIGHT_WRITE)) {
		kobject_put(o);
		return syscall_bad_argument(0); /* a read-only handle maps read-only */
	}
	struct memory_object *mem = container_of(o, struct memory_object, object);
	int status = process_map_object(process_current(), o, mem->phys, mem->pages, prot, &va);

	kobject_put(o);
	if (status != PROCESS_OK)
		return syscall_failed(status == PROCESS_LIMIT ? SYSCALL_FAILED_LIMIT
							      : SYSCALL_FAILED_NO_MEMORY);
	return syscall_ok(va);
}

static const struct syscall_desc table[SYSCALL_COUNT] = {
	[SYS_DEBUG_WRITE] = { "debug_write", 2, sys_debug_write },
	[SYS_THREAD_YIELD] = { "thread_yield", 0, sys_thread_yield },
	[SYS_THREAD_CREATE] = { "thread_create", 3, sys_thread_create },
	[SYS_THREAD_EXIT] = { "thread_exit", 1, sys_thread_exit },
	[SYS_THREAD_JOIN] = { "thread_join", 1, sys_thread_join },
	[SYS_PROCESS_EXIT] = { "process_exit", 1, sys_process_exit },
	[SYS_MEM_MAP] = { "mem_map", 3, sys_mem_map },
	[SYS_MEM_UNMAP] = { "mem_unmap", 1, sys_mem_unmap },
	[SYS_MEM_PROTECT] = { "mem_protect", 2, sys_mem_protect },
	[SYS_CLOCK_READ] = { "clock_read", 0, sys_clock_read },
	[SYS_SLEEP] = { "sleep", 1, sys_sleep },
	[SYS_HANDLE_DUPLICATE] = { "handle_duplicate", 2, sys_handle_duplicate },
	[SYS_HANDLE_CLOSE] = { "handle_close", 1, sys_handle_close },
	[SYS_ENDPOINT_CREATE] = { "endpoint_create", 0, sys_endpoint_create },
	[SYS_IPC_CALL] = { "ipc_call", 3, sys_ipc_call },
	[SYS_IPC_RECV] = { "ipc_recv", 3, sys_ipc_recv },
	[SYS_IPC_REPLY] = { "ipc_reply", 1, sys_ipc_reply },
	[SYS_IPC_REPLY_RECV] = { "ipc_reply_recv", 3, sys_ipc_reply_recv },
	[SYS_NOTIFICATION_CREATE] = { "notification_create", 0, sys_notification_create },
	[SYS_NOTIFICATION_SIGNAL] = { "notification_signal", 2, sys_notification_signal },
	[SYS_NOTIFICATION_WAIT] = { "notification_wait", 2, sys_notification_wait },
	[SYS_PROCESS_SPAWN] = { "process_spawn", 2, sys_process_spawn },
	[SYS_PROCESS_WAIT] = { "process_wait", 2, sys_process_wait },
	[SYS_PROCESS_KILL] = { "process_kill", 2, sys_process_kill },
	[SYS_IRQ_BIND] = { "irq_bind", 3, sys_irq_bind },
	[SYS_IRQ_ACK] = { "irq_ack", 1, sys_irq_ack },
	[SYS_DEVICE_MAP] = { "device_map", 1, sys_device_map },
	[SYS_PORT_READ] = { "port_read", 3, sys_port_read },
	[SYS_PORT_WRITE] = { "port_write", 4, sys_port_write },
	[SYS_IPC_CALL_SHORT] = { "ipc_call_short", 6, sys_ipc_call_short },
	[SYS_IPC_REPLY_RECV_SHORT] = { "ipc_reply_recv_short", 6, sys_ipc_reply_recv_short },
	[SYS_MEMORY_CREATE] = { "memory_create", 1, sys_memory_create },
	[SYS_MEMORY_MAP] = { "memory_map", 2, sys_memory_map },
};

struct syscall_result kernel_syscall(struct syscall_args *args)
{
	return syscall_dispatch(table, ARRAY_SIZE(table), args);
}
