/*
 * user/lib/start.c - what runs around main() and around each thread.
 */
#include <base/hooks.h>
#include <base/printf.h>
#include <base/string.h>
#include <keel/user.h>

void __keel_start(uint64_t arg);
void __keel_thread_entry(uint64_t arg);
extern const char __keel_thread_start[];

__noreturn void __keel_start(uint64_t arg)
{
	sys_process_exit(main(arg));
}

__noreturn void sys_thread_exit(uint64_t value)
{
	keel_syscall(SYS_THREAD_EXIT, value, 0, 0);
	__builtin_trap(); /* the kernel never returns from it */
}

__noreturn void sys_process_exit(uint64_t status)
{
	keel_syscall(SYS_PROCESS_EXIT, status, 0, 0);
	__builtin_trap();
}

/*
 * A new thread's function and argument travel through one register: the
 * address of a slot here, claimed by the creator and given back by the
 * thread once it has read it.
 */
#define START_SLOTS 64

static struct thread_start {
	uint64_t (*fn)(uint64_t);
	uint64_t arg;
	int busy;
} start_slots[START_SLOTS];

__noreturn void __keel_thread_entry(uint64_t arg)
{
	struct thread_start *s = (struct thread_start *)(uintptr_t)arg;
	uint64_t (*fn)(uint64_t) = s->fn;
	uint64_t fn_arg = s->arg;

	__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
	sys_thread_exit(fn(fn_arg));
}

struct syscall_result keel_thread_create(uint64_t (*fn)(uint64_t), uint64_t arg,
					 uint64_t stack_bytes)
{
	for (unsigned i = 0; i < START_SLOTS; i++) {
		struct thread_start *s = &start_slots[i];

		if (__atomic_exchange_n(&s->busy, 1, __ATOMIC_ACQUIRE) != 0)
			continue;
		s->fn = fn;
		s->arg = arg;
		struct syscall_result r =
			sys_thread_create((uint64_t)(uintptr_t)__keel_thread_start,
					  (uint64_t)(uintptr_t)s, stack_bytes);

		if (r.status != SYSCALL_STATUS_OK)
			__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
		return r;
	}
	return (struct syscall_result){ SYSCALL_STATUS_FAILED, SYSCALL_FAILED_LIMIT };
}

void keel_puts(const char *s)
{
	sys_debug_write(s, strlen(s));
}

/* base/'s hooks (include/base/hooks.h): output to the debug console, panics end the process. */
void base_write(const char *buf, size_t len)
{
	sys_debug_write(buf, len);
}

__noreturn void base_panic(const char *file, int line, const char *func, const char *msg)
{
	printf("user panic: %s:%d (%s): %s\n", file, line, func, msg);
	sys_process_exit(0xdead);
}
