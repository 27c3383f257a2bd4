/*
 * platforms/pc_x86_64/trap.c - HAL trap contract for x86_64: IDT and decoding.
 *
 * One IDT serves every CPU: its gates only name code addresses, the
 * kernel's code selector and an IST slot, and each CPU's TSS says where
 * that slot's stack is. Vectors 0-31 are exceptions, decoded here for
 * kernel_trap(); 32-255 are interrupts, handed to x86_irq() (irq.c).
 *
 * Every gate has DPL 0 except the breakpoint's, so `int n` in user mode is
 * a general-protection fault, not a way into an interrupt handler; `int3`
 * reaches vector 3 as the breakpoint it is. Whether a trap came from user
 * mode is the trapped CS's privilege level (the RPL of the saved selector).
 */
#include "x86.h"

#include <base/compiler.h>
#include <base/string.h>
#include <core/log.h>
#include <hal/irq.h>
#include <hal/paging.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/panic.h>

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr; /* 0x8e: present, DPL 0, 64-bit interrupt gate (0xee: DPL 3) */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

STATIC_ASSERT(sizeof(struct idt_gate) == 16, "an IDT gate is 16 bytes");

#define STUB_SIZE 16 /* vectors.S aligns each stub to 16 bytes */

static struct idt_gate idt[256] __aligned(16);
extern char x86_trap_stubs[];

void x86_idt_load(void)
{
	struct __packed {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" ::"m"(idtr));
}

/*
 * Called once the boot CPU has its TSS: a gate with an IST slot makes the
 * CPU read the TSS, so a CPU must load its TR before it can take one (each
 * does in hal_cpu_init(), with interrupts masked, before anything faults).
 */
void x86_idt_use_ist(void)
{
	idt[2].ist = IST_NMI;
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[18].ist = IST_MACHINE_CHECK;
}

void hal_trap_init(void)
{
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (unsigned v = 0; v < 256; v++) {
		uint64_t handler = (uint64_t)(uintptr_t)x86_trap_stubs + v * STUB_SIZE;

		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)handler,
			.selector = cs,
			.ist = 0,
			.type_attr = v == 3 ? 0xee : 0x8e,
			.offset_mid = (uint16_t)(handler >> 16),
			.offset_high = (uint32_t)(handler >> 32),
		};
	}
	x86_idt_load();
}

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack-segment fault",
	"general protection fault",
	"page fault",
	"reserved (15)",
	"x87 floating-point error",
	"alignment check",
	"machine check",
	"SIMD floating-point error",
	"virtualization exception",
	"control protection exception",
	"reserved (22)",
	"reserved (23)",
	"reserved (24)",
	"reserved (25)",
	"reserved (26)",
	"reserved (27)",
	"hypervisor injection",
	"VMM communication",
	"security exception",
	"reserved (31)",
};

/* Page-fault error code bits. */
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

/* Could the CPU push an exception frame below `rsp`? (kernel half: the kernel's tables) */
static bool stack_writable(uint64_t rsp)
{
	unsigned attrs;
	uint64_t slot = (rsp & ~UINT64_C(15)) - 8; /* the CPU aligns RSP, then pushes SS first */

	return hal_paging_query(hal_paging_kernel(), slot, NULL, &attrs) && (attrs & HAL_MAP_WRITE);
}

void x86_trap(struct hal_trap_frame *f)
{
	if (f->vector >= 32) {
		x86_irq((unsigned)f->vector, f);
		return;
	}
	struct trap_info t = {
		.kind = TRAP_OTHER,
		.name = exception_names[f->vector],
		.code = f->vector,
		.pc = f->rip,
		.user = (f->cs & 3) != 0,
		.frame = f,
	};

	switch (f->vector) {
	case 14: {
		uint64_t cr2;

		/*
		 * `user` stays the trapped CS's, not the error code's U bit: a
		 * fault in hal_user_copy on a user page is a kernel-mode access
		 * (U clear) and is reported as one, with the copy's RIP.
		 */
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		t.kind = TRAP_PAGE_FAULT;
		t.address = cr2;
		t.write = f->error & PF_WRITE;
		t.exec = f->error & PF_FETCH;
		break;
	}
	case 2:
		if (kernel_nmi(f))
			return; /* the kernel's own (a hang report asked for this CPU's state) */
		__attribute__((fallthrough));
	case 18:
		/*
		 * An NMI or a machine check is the machine's event, not the
		 * interrupted program's: from user mode too it is the kernel's
		 * to report (it runs on an IST stack, where nothing may end the
		 * thread or switch away).
		 */
		t.user = false;
		break;
	case 3:
		t.kind = TRAP_BREAKPOINT;
		/* int3 is a trap: RIP already points past it (hal_trap_skip_instruction). */
		t.pc = f->rip - 1;
		break;
	case 6:
	case 7:
		/*
		 * CR0.EM and CR0.TS are set (user.c): SSE and MMX instructions
		 * raise #UD, x87 ones #NM ("device not available"). Either way
		 * an instruction this kernel does not offer.
		 */
		t.kind = TRAP_ILLEGAL_INSTRUCTION;
		break;
	case 8: {
		/*
		 * On its IST stack. In a kernel the usual cause is a page fault
		 * whose frame could not be pushed because RSP points into an
		 * unmapped page: a stack overflow onto the guard page. Then it is
		 * reported as that page fault (CR2 still holds its address), so
		 * the kernel can name the overflowing thread. The frame's RSP is
		 * the overflowing one, RIP the instruction that faulted first.
		 */
		uint64_t cr2;

		/*
		 * From user mode a double fault means the kernel stack that the
		 * CPU moved to is broken: the kernel's failure as well.
		 */
		t.user = false;
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		t.address = cr2;
		if ((f->cs & 3) == 0 && !stack_writable(f->rsp)) {
			t.kind = TRAP_PAGE_FAULT;
			t.name = "double fault (a page fault with no stack left for its frame)";
			t.write = true;
		}
		break;
	}
	case 17:
		t.kind = TRAP_ALIGNMENT;
		break;
	}
	kernel_trap(&t);
	/* A double fault is an abort: the saved RIP need not be restartable. */
	if (f->vector == 8)
		panic("double fault: the kernel cannot resume after it");
}

void hal_trap_print_frame(const struct hal_trap_frame *f)
{
	log_error("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n",
		  (unsigned long long)f->rax, (unsigned long long)f->rbx,
		  (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	log_error("  rsi %016llx  rdi %016llx  rbp %016llx  rsp %016llx\n",
		  (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		  (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	log_error("  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n",
		  (unsigned long long)f->r8, (unsigned long long)f->r9, (unsigned long long)f->r10,
		  (unsigned long long)f->r11);
	log_error("  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
		  (unsigned long long)f->r12, (unsigned long long)f->r13,
		  (unsigned long long)f->r14, (unsigned long long)f->r15);
	log_error("  rip %016llx  cs %04llx  rflags %08llx  ss %04llx  error %llx\n",
		  (unsigned long long)f->rip, (unsigned long long)f->cs,
		  (unsigned long long)f->rflags, (unsigned long long)f->ss,
		  (unsigned long long)f->error);
}

uintptr_t hal_trap_frame_pointer(const struct hal_trap_frame *f)
{
	return f->rbp;
}

void hal_trap_skip_instruction(struct hal_trap_frame *f)
{
	/*
	 * x86 reports int3 as a trap (RIP already past the 1-byte instruction)
	 * and faults with RIP at the instruction; only traps are ever skipped,
	 * so there is nothing to do.
	 */
	(void)f;
}

void hal_trap_set_pc(struct hal_trap_frame *f, uintptr_t pc)
{
	f->rip = pc;
}
