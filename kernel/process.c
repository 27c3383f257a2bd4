/*
 * kernel/process.c - processes, user threads and the way back to user mode
 * (S4, S5, M5; include/kernel/process.h).
 *
 * Lock order: a process's lock, then the scheduler's locks (thread_cancel
 * takes wait-queue and run-queue locks). The exit wait queue's lock is
 * never held while taking the process lock.
 */
#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/elf.h>
#include <core/heap.h>
#include <core/log.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <hal/user.h>
#include <kernel/kthread.h>
#include <kernel/panic.h>
#include <kernel/process.h>

#define PAGE	    VMM_PAGE_SIZE
#define WINDOW_BASE (MM_USER_VMM_BASE + MM_USER_NULL_GUARD)
static uint64_t next_pid = 1;
static uint64_t processes_live;

/* The parts of struct process this file keeps private. */
struct process_private {
	struct process pub;
	unsigned unreleased;   /* uthread structs and kernel stacks not yet freed */
	struct list_node link; /* on all_processes, for process_dump_all() */
};

/* Every process between create and destroy; for reports only. */
static struct list_node all_processes = { &all_processes, &all_processes };
static struct spinlock all_processes_lock = SPINLOCK_INIT("all processes");

static struct process_private *priv(struct process *p)
{
	return container_of(p, struct process_private, pub);
}

uint64_t process_count_live(void)
{
	return __atomic_load_n(&processes_live, __ATOMIC_RELAXED);
}

int process_create(const char *name, struct process **out)
{
	struct process_private *pp = kzalloc(sizeof(*pp));
	struct process *p;

	if (pp == NULL)
		return PROCESS_NO_MEMORY;
	p = &pp->pub;
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	strlcpy(p->name, name, sizeof(p->name));
	spin_init(&p->lock, "process");
	wait_queue_init(&p->exit_wq, "process-exit");
	handle_table_init(&p->handles, p->handle_slots, PROCESS_HANDLES_MAX);
	if (hal_paging_create(&p->paging) != HAL_PAGING_OK)
		goto no_paging;

	struct vmm_config config = {
		.base = WINDOW_BASE,
		.size = PROCESS_VMM_SIZE,
		.paging = p->paging,
		.max_records = PROCESS_RECORDS_MAX,
		.user = true,
	};
	size_t bytes = vmm_storage_bytes(&config);

	p->vmm_storage = kmalloc(bytes);
	if (p->vmm_storage == NULL)
		goto no_storage;
	if (vmm_init(&p->vmm, &config, p->vmm_storage, bytes) != VMM_OK) {
		log_error("process: the user window does not suit the VMM\n");
		goto no_vmm;
	}
	__atomic_fetch_add(&processes_live, 1, __ATOMIC_RELAXED);
	unsigned long irq = spin_lock_irqsave(&all_processes_lock);

	list_push_back(&all_processes, &pp->link);
	spin_unlock_irqrestore(&all_processes_lock, irq);
	*out = p;
	return PROCESS_OK;
no_vmm:
	kfree(p->vmm_storage);
no_storage:
	hal_paging_destroy(p->paging);
no_paging:
	kfree(pp);
	return PROCESS_NO_MEMORY;
}

void process_destroy(struct process *p)
{
	unsigned long irq = spin_lock_irqsave(&all_processes_lock);

	list_remove(&priv(p)->link);
	spin_unlock_irqrestore(&all_processes_lock, irq);
	handle_table_close_all(&p->handles);
	vmm_destroy(&p->vmm);
	for (unsigned i = 0; i < PROCESS_OBJECT_MAPS; i++)
		if (p->object_maps[i].id != 0)
			kobject_put(p->object_maps[i].object);
	kfree(p->vmm_storage);
	hal_paging_destroy(p->paging);
	kfree(priv(p));
	__atomic_fetch_sub(&processes_live, 1, __ATOMIC_RELAXED);
}

void process_dump_all(void)
{
	unsigned shown = 0;
	struct list_node *n;

	/* No lock: the other CPUs are stopped, and one stopped mid-update must not hang this. */
	list_for_each (n, &all_processes) {
		struct process *p = &container_of(n, struct process_private, link)->pub;

		if (shown++ == 64) {
			log_error("  ... (more processes)\n");
			break;
		}
		log_error("process %s[%llu]: %u live thread(s)%s\n", p->name,
			  (unsigned long long)p->pid, p->live, p->exiting ? ", exiting" : "");
		for (unsigned i = 0; i < PROCESS_THREADS_MAX; i++) {
			struct uthread *ut = p->threads[i];

			if (ut == NULL)
				continue;
			const char *wq, *state = thread_state_name(&ut->thread, &wq);

			log_error("  thread %u '%s': %s%s%s, cpu %u\n", i, ut->thread.name, state,
				  wq != NULL ? " on " : "", wq != NULL ? wq : "", ut->thread.cpu);
		}
	}
}

static unsigned vmm_prot_of(uint32_t elf_flags)
{
	return VMM_READ | VMM_USER | ((elf_flags & ELF_PF_W) ? VMM_WRITE : 0) |
	       ((elf_flags & ELF_PF_X) ? VMM_EXEC : 0);
}

/*
 * Copy file bytes to user address va of p through the direct map, page by
 * page; code is then made visible to instruction fetches on every CPU.
 */
static void copy_into(struct process *p, uint64_t va, const uint8_t *src, uint64_t len, bool exec)
{
	while (len > 0) {
		struct vmm_info info;
		uint64_t off = va & (PAGE - 1);
		uint64_t chunk = PAGE - off < len ? PAGE - off : len;

		/* The segment's record is eager: every page is present. */
		vmm_query(&p->vmm, va, &info);
		memcpy((uint8_t *)phys_to_virt(info.phys) + off, src, chunk);
		if (exec)
			hal_user_sync_icache((uint8_t *)phys_to_virt(info.phys) + off, chunk);
		va += chunk;
		src += chunk;
		len -= chunk;
	}
}

int process_load_elf(struct process *p, const void *file, size_t size, uint64_t *entry)
{
	const struct elf_limits limits = {
		.machine = HAL_USER_ELF_MACHINE,
		.low = WINDOW_BASE,
		.last = WINDOW_BASE + PROCESS_VMM_SIZE - 1,
		.max_size = PROCESS_IMAGE_MAX,
	};
	struct elf_image *img = kmalloc(sizeof(*img));
	char err[160];
	int status = PROCESS_OK;

	if (img == NULL)
		return PROCESS_NO_MEMORY;
	if (elf_parse(file, size, &limits, img, err, sizeof(err)) != 0) {
		log_warn("process %s: image refused: %s\n", p->name, err);
		status = PROCESS_BAD_IMAGE;
		goto out;
	}
	/*
	 * One VMM record per run of pages: segments that share a page (the
	 * ELF checks allow it only with equal permissions) share a record.
	 * Each record is mapped writable first, filled, then given its
	 * permissions.
	 */
	for (size_t i = 0; i < img->count;) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t start = s->vaddr & ~(PAGE - 1);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE);
		size_t j = i + 1;

		while (j < img->count && (img->segments[j].vaddr & ~(PAGE - 1)) < end) {
			const struct elf_segment *n = &img->segments[j];
			uint64_t n_end = ALIGN_UP(n->vaddr + n->memsz, PAGE);

			end = n_end > end ? n_end : end;
			j++;
		}
		uint64_t id;
		int v = vmm_alloc_at(&p->vmm, start, (end - start) / PAGE,
				     VMM_READ | VMM_WRITE | VMM_USER, VMM_EAGER, &id);

		if (v != VMM_OK) {
			log_warn("process %s: mapping 0x%llx..0x%llx: %s\n", p->name,
				 (unsigned long long)start, (unsigned long long)end,
				 vmm_status_name(v));
			status = v == VMM_NO_MEMORY ? PROCESS_NO_MEMORY : PROCESS_BAD_IMAGE;
			goto out;
		}
		p->image_ids[p->image_count++] = id;
		for (size_t k = i; k < j; k++)
			copy_into(p, img->segments[k].vaddr,
				  (const uint8_t *)file + img->segments[k].offset,
				  img->segments[k].filesz, img->segments[k].flags & ELF_PF_X);
		v = vmm_protect(&p->vmm, id, vmm_prot_of(s->flags));
		if (v != VMM_OK) {
			status = PROCESS_BAD_IMAGE;
			goto out;
		}
		i = j;
	}
	*entry = img->entry;
out:
	kfree(img);
	return status;
}

struct process *process_current(void)
{
	struct thread *t = thread_current();

	if (t == NULL || t->owner != THREAD_OWNER_USER)
		return NULL;
	return ((struct uthread *)t)->process;
}

static void uthread_main(void *arg)
{
	struct uthread *ut = arg;
	struct thread *t = &ut->thread;

	hal_user_enter(t->stack_base + t->stack_size, &ut->start);
}

/* A thread object's last reference is gone: the thread ended and no handle names it. */
static void thread_object_release(struct kobject *o)
{
	kfree(container_of(o, struct thread_object, object));
}

/* ---- Detached processes: process objects and the reaper. */

static struct process *reap_list;      /* under reap_wq.lock */
static struct wait_queue reap_wq;      /* initialised by process_reaper_start() */
static uint64_t reap_queued;	       /* processes ever queued (under reap_wq.lock) */
static uint64_t reap_done;	       /* processes the reaper finished (under reap_idle_wq.lock) */
static struct wait_queue reap_idle_wq; /* process_reap_sync() waits here */

/* p's last thread has ended: the reaper tears it down. Any context but interrupts. */
static void reap_later(struct process *p)
{
	unsigned long irq = spin_lock_irqsave(&reap_wq.lock);

	reap_queued++;
	p->reap_next = reap_list;
	reap_list = p;
	wait_queue_wake_one_locked(&reap_wq);
	spin_unlock_irqrestore(&reap_wq.lock, irq);
}

static void reaper_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long irq = spin_lock_irqsave(&reap_wq.lock);

		while (reap_list == NULL)
			wait_queue_wait_locked(&reap_wq, WAIT_FOREVER, 0);
		struct process *p = reap_list;

		reap_list = p->reap_next;
		spin_unlock_irqrestore(&reap_wq.lock, irq);

		struct process_object *o = p->object;
		struct process_exit exit;

		irq = spin_lock_irqsave(&o->lock);
		o->process = NULL; /* a kill from now on has nothing to do */
		spin_unlock_irqrestore(&o->lock, irq);
		process_wait(p, &exit);
		o->status = exit.status;
		__atomic_store_n(&o->exited, true, __ATOMIC_RELEASE);
		wait_queue_wake_all(&o->exited_wq);
		kobject_put(&o->object); /* the process's reference */

		irq = spin_lock_irqsave(&reap_idle_wq.lock);
		reap_done++;
		wait_queue_wake_all_locked(&reap_idle_wq);
		spin_unlock_irqrestore(&reap_idle_wq.lock, irq);
	}
}

void process_reap_sync(void)
{
	unsigned long irq = spin_lock_irqsave(&reap_wq.lock);
	uint64_t target = reap_queued;

	spin_unlock_irqrestore(&reap_wq.lock, irq);
	irq = spin_lock_irqsave(&reap_idle_wq.lock);
	while (reap_done < target)
		wait_queue_wait_locked(&reap_idle_wq, WAIT_FOREVER, 0);
	spin_unlock_irqrestore(&reap_idle_wq.lock, irq);
}

void process_reaper_start(void)
{
	wait_queue_init(&reap_wq, "reaper");
	wait_queue_init(&reap_idle_wq, "reaper-idle");

	struct thread *t = kthread_create("reaper", reaper_main, NULL);

	if (t == NULL)
		panic("process: no memory for the reaper thread");
	thread_detach(t);
	thread_start(t);
}

static void process_object_release(struct kobject *o)
{
	kfree(container_of(o, struct process_object, object));
}

int process_detach(struct process *p, struct process_object **out)
{
	struct process_object *o = kzalloc(sizeof(*o));

	if (o == NULL)
		return PROCESS_NO_MEMORY;
	kobject_init(&o->object, KOBJ_PROCESS, process_object_release); /* the process's */
	kobject_get(&o->object);					/* the caller's */
	spin_init(&o->lock, "process object");
	wait_queue_init(&o->exited_wq, "process-exited");
	o->process = p;
	p->object = o;
	*out = o;
	return PROCESS_OK;
}

int process_object_wait(struct process_object *o, uint64_t deadline_ns, uint64_t *status)
{
	unsigned long irq = spin_lock_irqsave(&o->exited_wq.lock);
	enum wait_result why = WAIT_WOKEN;

	while (!__atomic_load_n(&o->exited, __ATOMIC_ACQUIRE) && why == WAIT_WOKEN)
		why = wait_queue_wait_locked(&o->exited_wq, deadline_ns, WAIT_CANCELLABLE);
	spin_unlock_irqrestore(&o->exited_wq.lock, irq);
	if (__atomic_load_n(&o->exited, __ATOMIC_ACQUIRE)) {
		*status = o->status;
		return WAIT_WOKEN;
	}
	return why;
}

void process_object_kill(struct process_object *o, uint64_t status)
{
	unsigned long irq = spin_lock_irqsave(&o->lock);

	if (o->process != NULL)
		process_kill(o->process, status);
	spin_unlock_irqrestore(&o->lock, irq);
}

int process_map_object(struct process *p, struct kobject *o, uint64_t phys, size_t pages,
		       unsigned prot, uint64_t *va)
{
	unsigned long irq = spin_lock_irqsave(&p->lock);
	unsigned slot = 0;

	while (slot < PROCESS_OBJECT_MAPS && p->object_maps[slot].id != 0)
		slot++;
	if (slot < PROCESS_OBJECT_MAPS)
		p->object_maps[slot].id = UINT64_MAX; /* taken; the record's ID follows */
	spin_unlock_irqrestore(&p->lock, irq);
	if (slot == PROCESS_OBJECT_MAPS)
		return PROCESS_LIMIT;

	uint64_t id;
	int v = vmm_map_phys(&p->vmm, phys, pages, prot, false, va, &id);

	irq = spin_lock_irqsave(&p->lock);
	if (v == VMM_OK) {
		kobject_get(o);
		p->object_maps[slot].id = id;
		p->object_maps[slot].object = o;
	} else {
		p->object_maps[slot].id = 0;
	}
	spin_unlock_irqrestore(&p->lock, irq);
	if (v == VMM_OK)
		return PROCESS_OK;
	return v == VMM_NO_RECORD ? PROCESS_LIMIT : PROCESS_NO_MEMORY;
}

int process_unmap(struct process *p, uint64_t id)
{
	int v = vmm_free(&p->vmm, id);
	struct kobject *o = NULL;

	if (v != VMM_OK)
		return v;
	unsigned long irq = spin_lock_irqsave(&p->lock);

	for (unsigned i = 0; i < PROCESS_OBJECT_MAPS; i++) {
		if (p->object_maps[i].id == id) {
			o = p->object_maps[i].object;
			p->object_maps[i].id = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&p->lock, irq);
	if (o != NULL)
		kobject_put(o); /* the frames go after the unmap: no CPU reaches them any more */
	return VMM_OK;
}

int process_map_data(struct process *p, const void *data, size_t len, uint64_t *va)
{
	uint64_t id;
	size_t pages = (size_t)(ALIGN_UP((uint64_t)len, PAGE) / PAGE);

	if (len == 0 || p->image_count == ARRAY_SIZE(p->image_ids))
		return PROCESS_LIMIT;
	int v = vmm_alloc(&p->vmm, pages, VMM_READ | VMM_WRITE | VMM_USER, VMM_EAGER | VMM_GUARD,
			  va, &id);

	if (v != VMM_OK)
		return v == VMM_NO_MEMORY ? PROCESS_NO_MEMORY : PROCESS_LIMIT;
	p->image_ids[p->image_count++] = id;
	copy_into(p, *va, data, len, false);
	return vmm_protect(&p->vmm, id, VMM_READ | VMM_USER) == VMM_OK ? PROCESS_OK
								       : PROCESS_NO_MEMORY;
}

/* thread_exit()'s hook: the value goes to the thread object, the user stack back to the VMM. */
static void uthread_on_exit(struct thread *t, void *value)
{
	struct uthread *ut = (struct uthread *)t;
	struct process *p = ut->process;
	struct thread_object *obj = ut->object;
	unsigned long irq;

	ipc_thread_exit(&ut->ipc); /* a call it held fails: its caller goes on */
	if (vmm_free(&p->vmm, ut->stack_id) != VMM_OK)
		log_error("process %s: thread %u lost its stack record\n", p->name, ut->slot);
	irq = spin_lock_irqsave(&p->lock);
	p->threads[ut->slot] = NULL;
	bool last = --p->live == 0;

	if (last && !p->exiting)
		p->exiting = true; /* the last thread ended by itself: status 0 */
	spin_unlock_irqrestore(&p->lock, irq);
	if (last && p->object != NULL)
		reap_later(p);

	obj->value = (uint64_t)(uintptr_t)value;
	__atomic_store_n(&obj->thread, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&obj->exited, true, __ATOMIC_RELEASE);
	wait_queue_wake_all(&obj->exited_wq);
	kobject_put(&obj->object); /* the thread's own reference */
	wait_queue_wake_all(&p->exit_wq);
}

/* The scheduler's release: the thread is off every CPU. */
static void uthread_release(struct thread *t)
{
	struct uthread *ut = (struct uthread *)t;
	struct process *p = ut->process;
	unsigned long irq;

	kthread_stack_free(t->stack_base);
	kfree(ut);
	/*
	 * Count down and wake under the lock process_wait() checks under:
	 * once it is released, a waiter may see 0 and free p, so p is not
	 * touched after the unlock. (The count went down under p->lock and
	 * the wake came after it, so a waiter woken meanwhile freed p under
	 * the wake: a use after free the fuzzer found on loongarch64.)
	 */
	irq = spin_lock_irqsave(&p->exit_wq.lock);
	__atomic_fetch_sub(&priv(p)->unreleased, 1, __ATOMIC_RELEASE);
	wait_queue_wake_all_locked(&p->exit_wq);
	spin_unlock_irqrestore(&p->exit_wq.lock, irq);
}

int uthread_create(struct process *p, uint64_t pc, uint64_t arg, size_t stack_bytes,
		   uint64_t *handle)
{
	struct process_private *pp = priv(p);
	size_t pages = (size_t)(ALIGN_UP((uint64_t)stack_bytes, PAGE) / PAGE);
	struct thread_object *obj;
	struct uthread *ut;
	uintptr_t kstack;
	uint64_t stack_va;
	unsigned long irq;
	int status;

	if (pages == 0)
		pages = UTHREAD_STACK_DEFAULT / PAGE;
	sched_reap(); /* exited threads on this CPU give their memory back first */
	obj = kzalloc(sizeof(*obj));
	if (obj == NULL)
		return PROCESS_NO_MEMORY;
	kobject_init(&obj->object, KOBJ_THREAD, thread_object_release);
	wait_queue_init(&obj->exited_wq, "thread-exit");
	ut = kzalloc(sizeof(*ut));
	if (ut == NULL) {
		status = PROCESS_NO_MEMORY;
		goto no_kstack;
	}
	obj->thread = ut;
	if (!kthread_stack_alloc(KTHREAD_STACK_SIZE, &kstack)) {
		status = PROCESS_NO_MEMORY;
		goto no_kstack;
	}
	if (vmm_alloc(&p->vmm, pages, VMM_READ | VMM_WRITE | VMM_USER, VMM_LAZY | VMM_GUARD,
		      &stack_va, &ut->stack_id) != VMM_OK) {
		status = PROCESS_NO_MEMORY;
		goto no_stack;
	}
	ut->process = p;
	ut->object = obj;
	ut->start =
		(struct hal_user_context){ .pc = pc, .sp = stack_va + pages * PAGE, .arg = arg };
	/* Named before it runs: it may end, and be freed, at once. */
	if (handle != NULL &&
	    handle_install(&p->handles, &obj->object, SYS_RIGHTS_ALL, handle) != HANDLE_OK) {
		status = PROCESS_LIMIT;
		goto no_handle;
	}

	irq = spin_lock_irqsave(&p->lock);
	unsigned i = 0;

	while (i < PROCESS_THREADS_MAX && p->threads[i] != NULL)
		i++;
	if (p->exiting || i == PROCESS_THREADS_MAX) {
		status = p->exiting ? PROCESS_EXITING : PROCESS_LIMIT;
		spin_unlock_irqrestore(&p->lock, irq);
		goto no_slot;
	}
	ut->slot = i;
	p->threads[i] = ut;
	p->live++;
	__atomic_fetch_add(&pp->unreleased, 1,
			   __ATOMIC_RELAXED); /* decremented under exit_wq.lock */
	p->started = true;

	char name[THREAD_NAME_MAX];

	snprintf(name, sizeof(name), "%s.%u", p->name, i);
	thread_init(&ut->thread, name, kstack, KTHREAD_STACK_SIZE, uthread_main, ut,
		    uthread_release);
	ut->thread.owner = THREAD_OWNER_USER;
	ut->thread.space = p->paging;
	ut->thread.owner_data = p;
	ut->thread.on_exit = uthread_on_exit;
	/* Detached: the thread object keeps the exit value, the scheduler frees. */
	thread_detach(&ut->thread);
	thread_start(&ut->thread);
	spin_unlock_irqrestore(&p->lock, irq);
	return PROCESS_OK;
no_slot:
	if (handle != NULL) {
		/*
		 * Another thread of p may have found the handle meanwhile (handles
		 * are easy to guess): to it, the thread ended at once, cancelled,
		 * and the object lives as long as its reference.
		 */
		__atomic_store_n(&obj->thread, NULL, __ATOMIC_RELAXED);
		obj->value = (uint64_t)(uintptr_t)THREAD_CANCELLED;
		__atomic_store_n(&obj->exited, true, __ATOMIC_RELEASE);
		wait_queue_wake_all(&obj->exited_wq);
		handle_close(&p->handles, *handle);
	}
no_handle:
	vmm_free(&p->vmm, ut->stack_id);
no_stack:
	kthread_stack_free(kstack);
no_kstack:
	kfree(ut);
	kobject_put(&obj->object); /* the reference the thread would have had */
	return status;
}

int process_join_handle(struct process *p, uint64_t handle, uint64_t *value)
{
	struct kobject *o;
	int status = handle_lookup(&p->handles, handle, KOBJ_THREAD, SYS_RIGHT_READ, &o, NULL);

	if (status != HANDLE_OK)
		return status;

	struct thread_object *obj = container_of(o, struct thread_object, object);
	enum wait_result why = WAIT_WOKEN;
	unsigned long irq;

	if (__atomic_load_n(&obj->thread, __ATOMIC_RELAXED) == (struct uthread *)thread_current()) {
		kobject_put(o);
		return HANDLE_BAD; /* it would wait for itself */
	}
	irq = spin_lock_irqsave(&obj->exited_wq.lock);
	while (!__atomic_load_n(&obj->exited, __ATOMIC_ACQUIRE) && why != WAIT_CANCELLED)
		why = wait_queue_wait_locked(&obj->exited_wq, WAIT_FOREVER, WAIT_CANCELLABLE);
	spin_unlock_irqrestore(&obj->exited_wq.lock, irq);
	if (why != WAIT_CANCELLED) {
		*value = obj->value;
		handle_close(&p->handles, handle); /* closed meanwhile by another thread: fine */
	}
	kobject_put(o);
	if (why == WAIT_CANCELLED)
		thread_testcancel(); /* the caller's process is being killed */
	return HANDLE_OK;
}

int process_start(struct process *p, uint64_t entry, uint64_t arg)
{
	return uthread_create(p, entry, arg, UTHREAD_STACK_DEFAULT, NULL);
}

int process_spawn(const char *name, const void *image, size_t size, uint64_t arg,
		  struct process **out)
{
	struct process *p;
	uint64_t entry;
	int status = process_create(name, &p);

	if (status != PROCESS_OK)
		return status;
	status = process_load_elf(p, image, size, &entry);
	if (status == PROCESS_OK)
		status = process_start(p, entry, arg);
	if (status != PROCESS_OK) {
		process_destroy(p);
		return status;
	}
	*out = p;
	return PROCESS_OK;
}

void process_kill(struct process *p, uint64_t status)
{
	unsigned long irq = spin_lock_irqsave(&p->lock);
	unsigned self = cpu_id();

	if (!p->exiting) {
		p->exiting = true;
		p->exit.status = status;
	}
	for (unsigned i = 0; i < PROCESS_THREADS_MAX; i++) {
		struct thread *t = p->threads[i] != NULL ? &p->threads[i]->thread : NULL;

		if (t == NULL)
			continue;
		thread_cancel(t);
		/* One running user code elsewhere stops at its return from the IPI. */
		if (__atomic_load_n(&t->state, __ATOMIC_RELAXED) == THREAD_RUNNING &&
		    t->cpu != self)
			cpu_send_ipi(t->cpu, CPU_IPI_RESCHEDULE);
	}
	spin_unlock_irqrestore(&p->lock, irq);
}

void process_fault(const struct trap_info *info)
{
	struct process *p = process_current();
	unsigned long irq = spin_lock_irqsave(&p->lock);
	bool first = !p->exiting && !p->exit.faulted;

	if (first) {
		p->exit.faulted = true;
		p->exit.fault = (struct process_fault){
			.kind = info->kind,
			.pc = info->pc,
			.address = info->address,
			.code = info->code,
		};
		strlcpy(p->exit.fault.name, info->name, sizeof(p->exit.fault.name));
	}
	spin_unlock_irqrestore(&p->lock, irq);
	if (!first)
		return;
	log_warn("process %s[%llu]: %s at pc 0x%llx, address 0x%llx: killed\n", p->name,
		 (unsigned long long)p->pid, info->name, (unsigned long long)info->pc,
		 (unsigned long long)info->address);
	process_kill(p, PROCESS_STATUS_FAULT);
}

void process_wait(struct process *p, struct process_exit *exit)
{
	struct process_private *pp = priv(p);
	unsigned long irq = spin_lock_irqsave(&p->exit_wq.lock);

	while (__atomic_load_n(&p->live, __ATOMIC_ACQUIRE) != 0 ||
	       __atomic_load_n(&pp->unreleased, __ATOMIC_ACQUIRE) != 0)
		wait_queue_wait_locked(&p->exit_wq, WAIT_FOREVER, 0);
	spin_unlock_irqrestore(&p->exit_wq.lock, irq);
	if (exit != NULL)
		*exit = p->exit;
	process_destroy(p);
}

void kernel_user_return(void)
{
	thread_testcancel(); /* a killed process's thread ends here */
}

const char *process_status_name(int status)
{
	switch (status) {
	case PROCESS_OK:
		return "OK";
	case PROCESS_NO_MEMORY:
		return "NO_MEMORY";
	case PROCESS_LIMIT:
		return "LIMIT";
	case PROCESS_BAD_IMAGE:
		return "BAD_IMAGE";
	case PROCESS_EXITING:
		return "EXITING";
	}
	return "?";
}
