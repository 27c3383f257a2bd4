/*
 * user/programs/ufuzz.c - random syscalls with random arguments (X6).
 *
 * The argument is the number of syscalls to make. Numbers are drawn over
 * the table and a little past it; each argument from a mix of classes
 * (0, small integers, any 64-bit value, kernel addresses, addresses in and
 * past the process window, its own mappings, page multiples, its handles
 * and near misses of them). A few draws
 * are tamed so that the run can go on: no exit syscalls, no thread created
 * at a valid address (it would run whatever is there), short sleeps, and no
 * debug output from memory the program owns (it would print garbage).
 *
 * Every answer is checked against the ABI: a known status, the unknown
 * number as payload of UNKNOWN_SYSCALL, an argument index below 6 as payload
 * of BAD_ARGUMENT. The exit status is the number of answers that broke it.
 */
#include <base/printf.h>
#include <keel/user.h>

#define PAGE	    UINT64_C(4096)
#define WINDOW_LOW  UINT64_C(0x10000)
#define WINDOW_SIZE (UINT64_C(1) << 30)
#define MAPS	    32

static uint64_t rng = 0x9e3779b97f4a7c15;

/* How many arguments each syscall takes (docs/syscalls.md). */
static const unsigned nargs[SYSCALL_COUNT] = {
	[SYS_DEBUG_WRITE] = 2,
	[SYS_THREAD_YIELD] = 0,
	[SYS_THREAD_CREATE] = 3,
	[SYS_THREAD_EXIT] = 1,
	[SYS_THREAD_JOIN] = 1,
	[SYS_PROCESS_EXIT] = 1,
	[SYS_MEM_MAP] = 3,
	[SYS_MEM_UNMAP] = 1,
	[SYS_MEM_PROTECT] = 2,
	[SYS_CLOCK_READ] = 0,
	[SYS_SLEEP] = 1,
	[SYS_HANDLE_DUPLICATE] = 2,
	[SYS_HANDLE_CLOSE] = 1,
	[SYS_ENDPOINT_CREATE] = 0,
	[SYS_IPC_CALL] = 3,
	[SYS_IPC_RECV] = 3,
	[SYS_IPC_REPLY] = 1,
	[SYS_IPC_REPLY_RECV] = 3,
	[SYS_NOTIFICATION_CREATE] = 0,
	[SYS_NOTIFICATION_SIGNAL] = 2,
	[SYS_NOTIFICATION_WAIT] = 2,
	[SYS_PROCESS_SPAWN] = 2,
	[SYS_PROCESS_WAIT] = 2,
	[SYS_PROCESS_KILL] = 2,
	[SYS_IRQ_BIND] = 3,
	[SYS_IRQ_ACK] = 1,
	[SYS_DEVICE_MAP] = 1,
	[SYS_PORT_READ] = 3,
	[SYS_PORT_WRITE] = 4,
	[SYS_IPC_CALL_SHORT] = 6,
	[SYS_IPC_REPLY_RECV_SHORT] = 6,
	[SYS_MEMORY_CREATE] = 1,
	[SYS_MEMORY_MAP] = 2,
};
_Static_assert(SYSCALL_COUNT == 33, "a new syscall needs its argument count above");
static uint64_t maps[MAPS];
static unsigned map_count;

/* Handles this program holds: to threads that end at once, endpoints, duplicates. */
#define HANDLES 48
static uint64_t handles[HANDLES];
static unsigned handle_count;

static uint64_t quick(uint64_t x)
{
	return x;
}

static void forget_handle(uint64_t h)
{
	for (unsigned i = 0; i < handle_count; i++)
		if (handles[i] == h)
			handles[i] = handles[--handle_count];
}

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t random_argument(void)
{
	uint64_t r = next();

	switch (next() % 11) {
	case 9:
		if (handle_count == 0)
			return r % 64;
		/* One of its handles, sometimes with another generation or index. */
		return handles[r % handle_count] ^ ((r >> 32) % 4 == 0 ? (r >> 40) % 4 << 15 : 0);
	case 0:
		return 0;
	case 1:
		return r % 64;
	case 2:
		return r;
	case 3:
		return UINT64_C(0xffff800000000000) +
		       (r % (UINT64_C(1) << 46)); /* the kernel half */
	case 4:
		return WINDOW_LOW + r % (2 * WINDOW_SIZE); /* the window and just past it */
	case 5:
		return map_count > 0 ? maps[r % map_count] + (next() % 2) * PAGE : 0;
	case 6:
		return (r % 512) * PAGE;
	case 7:
		return UINT64_MAX - r % 64;
	case 8:
		return r % 8; /* prot and flag bits */
	default:
		return UINT64_C(0x400000) + r % (UINT64_C(1) << 22); /* around the image */
	}
}

/* Whether [a, a + len) may touch memory this program owns. */
static bool owned(uint64_t a, uint64_t len)
{
	uint64_t stack = (uint64_t)(uintptr_t)&a;

	if (a < WINDOW_LOW + WINDOW_SIZE && len != 0)
		return true; /* the image, the stack and every mapping live in the window */
	return a <= stack && stack - a < len;
}

static void tame(uint64_t *nr, uint64_t a[6])
{
	switch (*nr) {
	case SYS_PROCESS_EXIT:
	case SYS_THREAD_EXIT:
		*nr = SYS_CLOCK_READ;
		break;
	case SYS_THREAD_CREATE:
		if (a[0] < (UINT64_C(1) << 48))
			a[0] = 0; /* a user address: the thread would run arbitrary bytes */
		break;
	case SYS_SLEEP:
		if (a[0] <= SYS_SLEEP_MAX)
			a[0] %= 20000; /* at most 20 us */
		break;
	case SYS_IPC_CALL:
	case SYS_IPC_RECV:
	case SYS_IPC_REPLY_RECV:
		if (a[2] <= SYS_SLEEP_MAX || a[2] == SYS_IPC_FOREVER)
			a[2] %= 20000; /* nobody else calls or receives: at most 20 us */
		break;
	case SYS_IPC_CALL_SHORT:
	case SYS_IPC_REPLY_RECV_SHORT:
		if (a[1] <= SYS_SLEEP_MAX || a[1] == SYS_IPC_FOREVER)
			a[1] %= 20000;
		break;
	case SYS_NOTIFICATION_WAIT:
		if (a[1] <= SYS_SLEEP_MAX || a[1] == SYS_IPC_FOREVER)
			a[1] %= 20000; /* its own signals only: at most 20 us */
		break;
	case SYS_DEBUG_WRITE:
		if (a[1] <= SYS_DEBUG_WRITE_MAX && owned(a[0], a[1]))
			a[1] = 0;
		break;
	case SYS_MEMORY_CREATE:
		if (a[0] <= SYS_MEMORY_MAX)
			a[0] %= 16 * PAGE; /* contiguous and zeroed now: keep them small */
		break;
	case SYS_MEM_MAP:
		if (!(a[2] & SYS_MAP_LAZY))
			a[0] %= 16 * PAGE; /* eager maps are zeroed now: keep them small */
		break;
	}
}

static unsigned check(uint64_t nr, const uint64_t a[6], struct syscall_result r)
{
	switch (r.status) {
	case SYSCALL_STATUS_OK:
		if (nr == SYS_MEM_MAP) {
			if (map_count == MAPS)
				sys_mem_unmap(maps[--map_count]);
			maps[map_count++] = r.value;
		}
		bool made = nr == SYS_HANDLE_DUPLICATE || nr == SYS_ENDPOINT_CREATE ||
			    nr == SYS_NOTIFICATION_CREATE;

		if (made && handle_count < HANDLES)
			handles[handle_count++] = r.value;
		else if (made)
			sys_handle_close(r.value);
		if (nr == SYS_HANDLE_CLOSE || nr == SYS_THREAD_JOIN)
			forget_handle(a[0]);
		if (nr == SYS_MEM_UNMAP)
			for (unsigned i = 0; i < map_count; i++)
				if (maps[i] == a[0])
					maps[i] = maps[--map_count];
		return 0;
	case SYSCALL_STATUS_UNKNOWN_SYSCALL:
		return r.value != nr || nr < SYSCALL_COUNT;
	case SYSCALL_STATUS_BAD_ARGUMENT:
		return r.value >= 6;
	case SYSCALL_STATUS_FAILED:
	case SYSCALL_STATUS_UNAVAILABLE:
		return 0;
	default:
		return 1;
	}
}

uint64_t main(uint64_t count)
{
	uint64_t classes[3] = { 0 };
	unsigned broken = 0;

	for (uint64_t i = 0; i < count; i++) {
		uint64_t nr = next() % (SYSCALL_COUNT + 3), a[6];

		if (handle_count < 8) { /* keep some handles to real objects around */
			struct syscall_result t = keel_thread_create(quick, i, 0);

			if (t.status == SYSCALL_STATUS_OK)
				handles[handle_count++] = t.value;
		}

		if (next() % 16 == 0)
			nr = next();
		/*
		 * Mostly leave the arguments a syscall does not take at 0, so
		 * that most calls get past the dispatcher into the handlers.
		 */
		unsigned used = nr < SYSCALL_COUNT ? nargs[nr] : 6;

		if (next() % 16 == 0)
			used = 6;
		for (unsigned k = 0; k < 6; k++)
			a[k] = k >= used || next() % 4 == 0 ? 0 : random_argument();
		tame(&nr, a);
		struct syscall_result r = keel_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		unsigned bad = check(nr, a, r);

		if (bad && broken < 10)
			printf("ufuzz: syscall %llu -> status %llu value 0x%llx breaks the ABI\n",
			       (unsigned long long)nr, (unsigned long long)r.status,
			       (unsigned long long)r.value);
		broken += bad;
		classes[r.status / 100 < 3 ? r.status / 100 : 2]++;
	}
	while (handle_count > 0)
		sys_handle_close(handles[--handle_count]);
	printf("ufuzz: %llu syscalls: %llu ok, %llu caller errors, %llu kernel errors, %u broken\n",
	       (unsigned long long)count, (unsigned long long)classes[0],
	       (unsigned long long)classes[1], (unsigned long long)classes[2], broken);
	return broken;
}
