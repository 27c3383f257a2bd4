/*
 * include/kernel/kthread.h - kernel threads (S3).
 *
 * A kthread runs a kernel entry point on its own kernel stack, allocated
 * from the kernel VMM window with an unmapped guard page below it: a stack
 * overflow faults on the guard and panics with "kernel stack overflow"
 * instead of overwriting whatever lies below.
 */
#ifndef KERNEL_KTHREAD_H
#define KERNEL_KTHREAD_H

#include <core/sched.h>
#include <stddef.h>

#define KTHREAD_STACK_SIZE 16384 /* bytes, plus the 4 KiB guard page */

/*
 * Create a kthread running fn(arg), state NEW: set its priority or
 * affinity, then thread_start() it. Joinable until thread_detach(); its
 * stack and struct are freed when it is joined or, detached, once it
 * exits. NULL when memory runs out.
 */
struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg);

/* kthread_create() + thread_start(). */
struct thread *kthread_run(const char *name, void (*fn)(void *), void *arg);

/*
 * A guarded kernel stack of `size` bytes (a multiple of 4 KiB): its lowest
 * address in *base. For threads made outside kthread_create (idle threads).
 * Returns false when memory runs out.
 */
bool kthread_stack_alloc(size_t size, uintptr_t *base);
void kthread_stack_free(uintptr_t base);

/* Guarded stacks allocated and not freed yet (idle threads' included). */
uint64_t kthread_stacks_live(void);

#endif /* KERNEL_KTHREAD_H */
