/*
 * kernel/kthread.c - kernel threads: a struct thread, a guarded stack, a start.
 */
#include <core/heap.h>
#include <core/log.h>
#include <core/vmm.h>
#include <kernel/kernel_vmm.h>
#include <kernel/kthread.h>

static uint64_t stacks_live;

bool kthread_stack_alloc(size_t size, uintptr_t *base)
{
	uint64_t va, id;

	if (vmm_alloc(vmm_kernel(), size / VMM_PAGE_SIZE, VMM_READ | VMM_WRITE,
		      VMM_EAGER | VMM_GUARD, &va, &id) != VMM_OK)
		return false;
	*base = (uintptr_t)va;
	__atomic_fetch_add(&stacks_live, 1, __ATOMIC_RELAXED);
	return true;
}

uint64_t kthread_stacks_live(void)
{
	return __atomic_load_n(&stacks_live, __ATOMIC_RELAXED);
}

void kthread_stack_free(uintptr_t base)
{
	int status = vmm_free_at(vmm_kernel(), base);

	if (status == VMM_OK)
		__atomic_fetch_sub(&stacks_live, 1, __ATOMIC_RELAXED);
	else
		log_error("kthread: freeing stack 0x%llx: %s\n", (unsigned long long)base,
			  vmm_status_name(status));
}

static void kthread_release(struct thread *t)
{
	kthread_stack_free(t->stack_base);
	kfree(t);
}

struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t;
	uintptr_t stack;

	sched_reap(); /* exited detached threads give their memory back first */
	t = kmalloc(sizeof(*t));
	if (t == NULL)
		return NULL;
	if (!kthread_stack_alloc(KTHREAD_STACK_SIZE, &stack)) {
		kfree(t);
		return NULL;
	}
	thread_init(t, name, stack, KTHREAD_STACK_SIZE, fn, arg, kthread_release);
	return t;
}

struct thread *kthread_run(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = kthread_create(name, fn, arg);

	if (t != NULL)
		thread_start(t);
	return t;
}
