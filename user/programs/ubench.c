/*
 * user/programs/ubench.c - syscall and page-fault costs seen from user
 * mode (X5). The kernel's `bench` suite runs it under QEMU -icount
 * shift=0, where the clock advances one nanosecond per instruction, so the
 * figures printed are instructions per operation (docs/benchmarks.md).
 * The argument is the number of operations of each kind.
 */
#include <base/printf.h>
#include <keel/user.h>

#define PAGE 4096u

uint64_t main(uint64_t n)
{
	uint64_t t0, t1, t2;

	if (n == 0)
		n = 1;
	/* The loop alone, so that its cost can be taken off. */
	t0 = sys_clock_read();
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	t1 = sys_clock_read();
	/* The null syscall: 0 bytes to the debug console, a full round trip. */
	for (uint64_t i = 0; i < n; i++)
		sys_debug_write(NULL, 0);
	t2 = sys_clock_read();
	printf("bench: null_syscall %llu ns\n", (unsigned long long)(((t2 - t1) - (t1 - t0)) / n));

	struct syscall_result r =
		sys_mem_map(n * PAGE, SYS_PROT_READ | SYS_PROT_WRITE, SYS_MAP_LAZY);

	if (r.status != SYSCALL_STATUS_OK) {
		printf("ubench: mem_map: status %llu\n", (unsigned long long)r.status);
		return 1;
	}
	volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)r.value;

	t0 = sys_clock_read();
	for (uint64_t i = 0; i < n; i++)
		m[i * PAGE] = 1; /* first touch: a lazy fault each */
	t1 = sys_clock_read();
	for (uint64_t i = 0; i < n; i++)
		m[i * PAGE] = 2; /* mapped now: the same loop without faults */
	t2 = sys_clock_read();
	printf("bench: user_lazy_fault %llu ns\n",
	       (unsigned long long)(((t1 - t0) - (t2 - t1)) / n));
	sys_mem_unmap(r.value);
	return 0;
}
