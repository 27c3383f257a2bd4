/*
 * platforms/pc_x86_64/gdt.c - descriptor tables: the boot GDT, and each
 * CPU's own GDT with its TSS and interrupt stacks.
 *
 * Long mode ignores segment bases and limits, so the GDT only names code
 * and data segments (at the selectors the Limine protocol gave the kernel,
 * 0x28 and 0x30, so the IDT gates built with the current CS stay valid),
 * the user segments after them in the order sysret wants (x86.h), and the
 * TSS. The TSS must be per CPU: `ltr` marks its descriptor busy, each CPU
 * needs its own interrupt stacks, and RSP0, the stack an interrupt from
 * ring 3 lands on, is the kernel stack of the user thread running on that
 * CPU. Hence one GDT per CPU too. The boot GDT has no user segments:
 * nothing runs in user mode before a CPU has its own.
 *
 * The interrupt stack table (IST) gives three exceptions a known-good
 * stack whatever RSP was: a double fault (#DF), NMI and machine check. A
 * kernel stack overflow is a page fault on the guard page below the stack;
 * the CPU cannot push the #PF frame there either, which escalates to #DF,
 * delivered on its IST stack, where the panic report has room to run.
 * #PF itself stays on the current stack: an IST #PF would be re-entered
 * by a fault inside the handler and overwrite its own frame.
 */
#include "x86.h"

#include <base/compiler.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/pmm.h>
#include <kernel/panic.h>

#define IST_STACK_PAGES 4 /* 16 KiB: panic() with its report runs on the #DF stack */

/* The protocol's layout; writable because the CPU sets accessed bits (set here already). */
#define GDT_PROTOCOL                                                                         \
	0, UINT64_C(0x00009b000000ffff),      /* 0x08 16-bit code (the protocol's layout) */ \
		UINT64_C(0x000093000000ffff), /* 0x10 16-bit data */                         \
		UINT64_C(0x00cf9b000000ffff), /* 0x18 32-bit code */                         \
		UINT64_C(0x00cf93000000ffff), /* 0x20 32-bit data */                         \
		UINT64_C(0x00209b0000000000), /* 0x28 64-bit code: L=1, DPL 0, accessed */   \
		UINT64_C(0x0000930000000000)  /* 0x30 data: writable, DPL 0, accessed */

/*
 * User segments, DPL 3. iretq to ring 3 checks them (sysret loads fixed
 * attributes instead): SS must be a writable data segment, CS a 64-bit code
 * segment (L=1), both with DPL 3. There is no 32-bit user code segment, so
 * user code cannot enter compatibility mode.
 */
#define GDT_USER                                                                             \
	UINT64_C(0x0000f30000000000),	     /* 0x38 user data: writable, DPL 3, accessed */ \
		UINT64_C(0x0020fb0000000000) /* 0x40 user code: L=1, DPL 3, accessed */

/* The 64-bit TSS: only the stack pointers matter; no I/O bitmap. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* rsp[0]: the kernel stack for interrupts from user mode */
	uint64_t reserved1;
	uint64_t ist[7]; /* ist[n - 1]: IST slot n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* = sizeof(struct tss): no I/O permission bitmap */
} __packed;

STATIC_ASSERT(sizeof(struct tss) == 104, "the 64-bit TSS is 104 bytes");

/*
 * One CPU's tables: the protocol's seven descriptors, the two user ones,
 * then the TSS's 16-byte descriptor.
 */
struct x86_cpu_tables {
	uint64_t gdt[11] __aligned(16);
	struct tss tss __aligned(16);
};

static uint64_t boot_gdt[7] __aligned(16) = { GDT_PROTOCOL };

struct __packed gdtr {
	uint16_t limit;
	uint64_t base;
};

/*
 * Load GDTR and reload CS, DS, ES, SS and FS from it. lgdt only moves
 * GDTR: segment registers keep their cached descriptors until reloaded,
 * and CS cannot be moved to, so a far return pops the new RIP and CS.
 * GS is left alone: loading a selector would reset the GS base, which
 * holds the per-CPU pointer (hal_cpu_local()); its cached descriptor is a
 * flat data segment like the new one.
 */
static void load_gdt(const uint64_t *gdt, size_t bytes)
{
	struct gdtr gdtr = { (uint16_t)(bytes - 1), (uint64_t)(uintptr_t)gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%fs"
			 :
			 : "m"(gdtr), "i"(SEL_KERNEL_CODE), "i"(SEL_KERNEL_DATA)
			 : "rax", "memory");
}

void x86_gdt_load_boot(void)
{
	load_gdt(boot_gdt, sizeof(boot_gdt));
}

/* A fresh IST stack in the direct map (always mapped: no lazy fault on it); returns its top. */
static uint64_t ist_stack(void)
{
	uint64_t phys = pmm_alloc_pages(IST_STACK_PAGES, 1);

	if (phys == 0)
		panic("cpu: no memory for an interrupt stack");
	return phys + boot_info()->hhdm_offset + IST_STACK_PAGES * PMM_PAGE_SIZE;
}

void x86_gdt_init_cpu(struct cpu *cpu)
{
	STATIC_ASSERT(sizeof(struct x86_cpu_tables) <= PMM_PAGE_SIZE, "one page per CPU");
	uint64_t phys = pmm_alloc_page();

	if (phys == 0)
		panic("cpu %u: no memory for its GDT and TSS", cpu->id);
	struct x86_cpu_tables *t = (void *)(uintptr_t)(phys + boot_info()->hhdm_offset);
	static const uint64_t segments[9] = { GDT_PROTOCOL, GDT_USER };

	STATIC_ASSERT(SEL_USER_DATA == (7 * 8 | 3) && SEL_USER_CODE == (8 * 8 | 3) &&
			      SEL_TSS == 9 * 8,
		      "the selectors of x86.h name these slots");
	memcpy(t->gdt, segments, sizeof(segments));
	t->tss.iomap_base = sizeof(struct tss);
	t->tss.ist[IST_DOUBLE_FAULT - 1] = ist_stack();
	t->tss.ist[IST_NMI - 1] = ist_stack();
	t->tss.ist[IST_MACHINE_CHECK - 1] = ist_stack();

	/* An available 64-bit TSS (type 9), present, DPL 0: a 16-byte system descriptor. */
	uint64_t base = (uint64_t)(uintptr_t)&t->tss, limit = sizeof(struct tss) - 1;

	t->gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | UINT64_C(0x89) << 40 |
			      (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	t->gdt[SEL_TSS / 8 + 1] = base >> 32;

	load_gdt(t->gdt, sizeof(t->gdt));
	__asm__ volatile("ltr %w0" ::"r"(SEL_TSS) : "memory");
	cpu->arch[X86_CPU_TABLES] = (uintptr_t)t;
}

void x86_tss_set_rsp0(struct cpu *cpu, uint64_t rsp0)
{
	struct x86_cpu_tables *t = (struct x86_cpu_tables *)cpu->arch[X86_CPU_TABLES];

	t->tss.rsp[0] = rsp0;
}
