/*
 * kernel/test/selftests/user.c - user mode end to end (M5, M6, S4, S5,
 * Y1-Y3, X6): programs from boot modules (user/programs/) run as
 * processes, call every syscall, fault, get killed and fuzz the syscall
 * surface, and the kernel checks how each ended and that nothing leaked.
 */
#include "../selftest.h"

#include <base/string.h>
#include <core/boot_info.h>
#include <core/elf.h>
#include <core/heap.h>
#include <core/log.h>
#include <core/pmm.h>
#include <core/usercopy.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <hal/user.h>
#include <kernel/kthread.h>
#include <kernel/process.h>

#define FUZZ_SYSCALLS 100000

int selftest_run_program(const char *file, uint64_t arg, struct process_exit *exit)
{
	const struct boot_module *m = boot_module_find(file);
	struct process *p;
	int status;

	if (m == NULL)
		return PROCESS_BAD_IMAGE;
	status = process_spawn(file, phys_to_virt(m->phys), m->size, arg, &p);
	if (status == PROCESS_OK)
		process_wait(p, exit);
	return status;
}

struct selftest_usage selftest_usage_now(void)
{
	/*
	 * Teardown that runs after its waiters are woken is finished first:
	 * the reaper's last reference to a process object (issue 13: the init
	 * suite counted a process object of its first run in the second run's
	 * "before", gone by its "after"), and exited threads of this CPU.
	 */
	process_reap_sync();
	sched_reap();
	struct heap_stats heap = heap_get_stats();

	/*
	 * Pages the heap holds count as free: besides live objects (counted
	 * on their own) it keeps one spare slab per size class, a bounded
	 * cache that whichever class a run used last decides, not a leak.
	 */
	return (struct selftest_usage){ pmm_get_stats().free_pages + heap.pages_held,
					kthread_stacks_live(), process_count_live(),
					heap.objects_in_use };
}

void selftest_expect_same_usage(struct selftest *t, const struct selftest_usage *before)
{
	struct selftest_usage after = selftest_usage_now();

	ST_ASSERT_EQ(t, after.processes, before->processes);
	ST_ASSERT_EQ(t, after.kstacks, before->kstacks);
	ST_ASSERT_EQ(t, after.heap_objects, before->heap_objects);
	ST_ASSERT_EQ(t, after.free_pages, before->free_pages);
}

static void run_ok(struct selftest *t, const char *file, uint64_t arg)
{
	struct process_exit e;

	ST_ASSERT_EQ(t, selftest_run_program(file, arg, &e), PROCESS_OK);
	ST_ASSERT(t, !e.faulted);
	ST_ASSERT_EQ(t, e.status, 0);
}

static void every_syscall_answers_as_documented(struct selftest *t)
{
	run_ok(t, "usertest.elf", 0); /* its exit status is its failed checks */
}

/* Overwrite some free heap and free pages with 0xa5, then give them back. */
static void scribble_free_memory(void)
{
	void *blocks[32];
	uint64_t pages = pmm_alloc_pages(16, 1);

	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
		blocks[i] = kmalloc(256);
		if (blocks[i] != NULL)
			memset(blocks[i], 0xa5, 256);
	}
	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		kfree(blocks[i]);
	if (pages != 0) {
		memset(phys_to_virt(pages), 0xa5, 16 * PMM_PAGE_SIZE);
		pmm_free_pages(pages, 16);
	}
}

static void faults_kill_only_the_process(struct selftest *t)
{
	static const struct {
		uint64_t mode;
		enum trap_kind kind;
	} modes[] = {
		{ 0, TRAP_PAGE_FAULT },		 { 1, TRAP_PAGE_FAULT },
#ifndef HAL_USER_NX_FETCH_HANGS_QEMU /* image_pages_carry_segment_rights checks NX there */
		{ 2, TRAP_PAGE_FAULT },
#endif
		{ 3, TRAP_ILLEGAL_INSTRUCTION }, { 4, TRAP_PAGE_FAULT },
		{ 6, TRAP_PAGE_FAULT },		 { 7, TRAP_PAGE_FAULT },
		{ 8, TRAP_ILLEGAL_INSTRUCTION }, /* FP/SIMD is off in user mode */
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		struct process_exit e;

		ST_ASSERT_EQ(t, selftest_run_program("ufault.elf", modes[i].mode, &e), PROCESS_OK);
		ST_ASSERT(t, e.faulted);
		ST_ASSERT_EQ(t, e.status, PROCESS_STATUS_FAULT);
		ST_ASSERT_EQ(t, e.fault.kind, modes[i].kind);
		/*
		 * The record's name outlives the faulting thread (issue 13:
		 * on aarch64 it pointed into the thread's freed kernel stack).
		 * Fill the heap's and the PMM's free memory meanwhile, so a
		 * name left pointing into it would read as garbage.
		 */
		scribble_free_memory();
		if (modes[i].kind == TRAP_PAGE_FAULT)
			ST_ASSERT(t, strstr(e.fault.name, "page fault") != NULL);
		else
			ST_ASSERT(t, e.fault.name[0] != '\0');
	}
}

static void kill_stops_running_threads(struct selftest *t)
{
	const struct boot_module *m = boot_module_find("ufault.elf");
	struct process_exit e;
	struct process *p;

	ST_ASSERT(t, m != NULL);
	ST_ASSERT_EQ(t, process_spawn("spinner", phys_to_virt(m->phys), m->size, 5, &p),
		     PROCESS_OK);
	thread_sleep_ns(50000000); /* both threads spin in user mode by now */
	process_kill(p, 77);
	process_wait(p, &e);
	ST_ASSERT(t, !e.faulted);
	ST_ASSERT_EQ(t, e.status, 77);
}

static void many_processes_leave_no_trace(struct selftest *t)
{
	struct process_exit e;

	/* Warm up: the heap's slabs for processes and threads exist afterwards. */
	ST_ASSERT_EQ(t, selftest_run_program("ufault.elf", 6, &e), PROCESS_OK);
	struct selftest_usage before = selftest_usage_now();

	for (int i = 0; i < 40; i++) {
		ST_ASSERT_EQ(t, selftest_run_program("ufault.elf", (uint64_t)(i % 2) * 6, &e),
			     PROCESS_OK);
		ST_ASSERT(t, e.faulted);
	}
	selftest_expect_same_usage(t, &before);
}

static void fuzzer_finds_no_hole(struct selftest *t)
{
	struct selftest_usage before = selftest_usage_now();

	run_ok(t, "ufuzz.elf", FUZZ_SYSCALLS);
	selftest_expect_same_usage(t, &before);
}

/* A copy of usertest.elf with one field changed must be refused, leaking nothing. */
static void malformed_images_are_refused(struct selftest *t)
{
	const struct boot_module *m = boot_module_find("usertest.elf");
	struct process *p = NULL;
	uint8_t *copy;

	ST_ASSERT(t, m != NULL && m->size > 0x200);
	copy = kmalloc(m->size);
	ST_ASSERT(t, copy != NULL);
	const uint8_t *orig = phys_to_virt(m->phys);

	/* Warm up: the heap's slab for processes exists afterwards. */
	ST_ASSERT_EQ_GOTO(t, process_spawn("warm-up", orig, 64, 0, &p), PROCESS_BAD_IMAGE, out);
	struct selftest_usage before = selftest_usage_now();
	uint64_t phoff;

	memcpy(&phoff, orig + 32, 8);
	struct {
		const char *what;
		size_t offset, size;
		uint64_t value;
		size_t len;
	} bad[] = {
		{ "truncated", 0, m->size / 2, 0, 0 },
		{ "header only", 0, 64, 0, 0 },
		{ "bad magic", 1, m->size, 'X', 1 },
		{ "another machine", 18, m->size, 0x1234, 2 },
		{ "not ET_EXEC", 16, m->size, 3, 2 },
		{ "segment in the kernel", phoff + 16, m->size, UINT64_C(0xffffffff80000000), 8 },
		{ "segment past the window", phoff + 16, m->size, PROCESS_VMM_SIZE * 2, 8 },
		{ "oversized segment", phoff + 40, m->size, UINT64_C(1) << 40, 8 },
		{ "program headers outside", 32, m->size, m->size - 8, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(copy, orig, m->size);
		if (bad[i].len != 0)
			memcpy(copy + bad[i].offset, &bad[i].value, bad[i].len);
		int status = process_spawn(bad[i].what, copy, bad[i].size, 0, &p);

		ST_ASSERT_EQ_GOTO(t, status, PROCESS_BAD_IMAGE, out);
	}
	selftest_expect_same_usage(t, &before);
out:
	kfree(copy);
}

static void copies_check_ranges_and_survive_faults(struct selftest *t)
{
	char buf[16];
	size_t len;

	ST_ASSERT(t, !user_range_ok(0, 1));
	ST_ASSERT(t, !user_range_ok(MM_USER_VMM_BASE + MM_USER_NULL_GUARD - 1, 2));
	ST_ASSERT(t, !user_range_ok(UINT64_MAX - 4, 8));
	ST_ASSERT(t, !user_range_ok(MM_USER_VMM_BASE + MM_USER_VMM_SIZE - 8, 16));
	ST_ASSERT(t, user_range_ok(MM_USER_VMM_BASE + MM_USER_NULL_GUARD, 4096));
	ST_ASSERT_EQ(t, copy_from_user(buf, (uint64_t)(uintptr_t)buf, sizeof(buf)),
		     USER_COPY_BAD_RANGE); /* a kernel address */
	/* This kernel thread has no user mappings: the copy faults, and says so. */
	ST_ASSERT_EQ(t, copy_from_user(buf, MM_USER_VMM_BASE + 0x400000, sizeof(buf)),
		     USER_COPY_FAULT);
	ST_ASSERT_EQ(t, copy_to_user(MM_USER_VMM_BASE + 0x400000, buf, sizeof(buf)),
		     USER_COPY_FAULT);
	ST_ASSERT_EQ(t, copy_string_from_user(buf, MM_USER_VMM_BASE + 0x400000, sizeof(buf), &len),
		     USER_COPY_FAULT);
}

static void lazy_pages_fault_in_on_request(struct selftest *t)
{
	struct selftest_usage before = selftest_usage_now();
	struct process *p;
	struct vmm_info info;
	uint64_t va, id;

	ST_ASSERT_EQ(t, process_create("fault-in", &p), PROCESS_OK);
	ST_ASSERT_EQ_GOTO(
		t, vmm_alloc(&p->vmm, 4, VMM_READ | VMM_WRITE | VMM_USER, VMM_LAZY, &va, &id),
		VMM_OK, out);
	ST_ASSERT_EQ_GOTO(t, vmm_query(&p->vmm, va, &info), VMM_OK, out);
	ST_ASSERT_GOTO(t, !info.present, out);
	ST_ASSERT_EQ_GOTO(t, user_fault_in(&p->vmm, va + 100, 3 * 4096, true), USER_COPY_OK, out);
	for (int i = 0; i < 4; i++) {
		ST_ASSERT_EQ_GOTO(t, vmm_query(&p->vmm, va + (uint64_t)i * 4096, &info), VMM_OK,
				  out);
		ST_ASSERT_GOTO(t, info.present, out);
	}
	ST_ASSERT_EQ_GOTO(t, user_fault_in(&p->vmm, va, 5 * 4096, false), USER_COPY_FAULT, out);
	ST_ASSERT_EQ_GOTO(t, user_fault_in(&p->vmm, 0, 4096, false), USER_COPY_BAD_RANGE, out);
	ST_ASSERT_EQ_GOTO(t, vmm_protect(&p->vmm, id, VMM_READ | VMM_USER), VMM_OK, out);
	ST_ASSERT_EQ_GOTO(t, user_fault_in(&p->vmm, va, 4096, true), USER_COPY_FAULT, out);
out:
	process_destroy(p);
	selftest_expect_same_usage(t, &before);
}

/*
 * Every page of a loaded image has its segment's rights and no more:
 * reachable from user mode, writable only in a PF_W segment, executable
 * only in a PF_X one (the tables themselves, whatever the TLB does).
 */
static void image_pages_carry_segment_rights(struct selftest *t)
{
	const struct boot_module *m = boot_module_find("usertest.elf");
	const struct elf_limits any = { .machine = HAL_USER_ELF_MACHINE, .last = UINT64_MAX };
	struct elf_image *img = kmalloc(sizeof(*img));
	struct process *p = NULL;
	uint64_t entry;
	char err[96];
	unsigned writable = 0, executable = 0;

	ST_ASSERT_GOTO(t, m != NULL && img != NULL, out);
	ST_ASSERT_EQ_GOTO(t, elf_parse(phys_to_virt(m->phys), m->size, &any, img, err, sizeof(err)),
			  0, out);
	ST_ASSERT_EQ_GOTO(t, process_create("rights", &p), PROCESS_OK, out);
	ST_ASSERT_EQ_GOTO(t, process_load_elf(p, phys_to_virt(m->phys), m->size, &entry),
			  PROCESS_OK, out);
	for (size_t i = 0; i < img->count; i++) {
		const struct elf_segment *s = &img->segments[i];
		unsigned want = HAL_MAP_USER | (s->flags & ELF_PF_W ? HAL_MAP_WRITE : 0) |
				(s->flags & ELF_PF_X ? HAL_MAP_EXEC : 0);

		for (uint64_t va = s->vaddr & ~UINT64_C(4095); va < s->vaddr + s->memsz;
		     va += 4096) {
			unsigned attrs;

			ST_ASSERT_GOTO(t, hal_paging_query(p->vmm.space.paging, va, NULL, &attrs),
				       out);
			ST_ASSERT_EQ_GOTO(t, attrs & (HAL_MAP_USER | HAL_MAP_WRITE | HAL_MAP_EXEC),
					  want, out);
		}
		writable += (s->flags & ELF_PF_W) != 0;
		executable += (s->flags & ELF_PF_X) != 0;
	}
	/* usertest has code and data, so both kinds of page were checked. */
	ST_ASSERT(t, writable > 0 && executable > 0);
out:
	if (p != NULL)
		process_destroy(p);
	kfree(img);
}

static const struct kernel_selftest_case cases[] = {
	{ "copies_check_ranges_and_survive_faults", copies_check_ranges_and_survive_faults },
	{ "lazy_pages_fault_in_on_request", lazy_pages_fault_in_on_request },
	{ "malformed_images_are_refused", malformed_images_are_refused },
	{ "image_pages_carry_segment_rights", image_pages_carry_segment_rights },
	{ "every_syscall_answers_as_documented", every_syscall_answers_as_documented },
	{ "faults_kill_only_the_process", faults_kill_only_the_process },
	{ "kill_stops_running_threads", kill_stops_running_threads },
	{ "many_processes_leave_no_trace", many_processes_leave_no_trace },
	{ "fuzzer_finds_no_hole", fuzzer_finds_no_hole },
};

SELFTEST_SUITE(selftest_suite_user, "user", cases);
