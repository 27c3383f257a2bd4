/*
 * platforms/pc_riscv64/trap.c - HAL trap contract for riscv64: stvec and scause decoding.
 *
 * vectors.S builds the frame and calls riscv_trap(), for traps from S-mode
 * and from U-mode alike. An interrupt goes to riscv_irq() (irq.c); an ecall
 * from U-mode is a syscall for kernel_syscall(); any other exception
 * becomes a struct trap_info for kernel_trap(), with `user` set when it
 * came from U-mode. Every trap from U-mode ends with kernel_user_return()
 * before vectors.S resumes the program. A trap whose frame did not fit on
 * the kernel stack comes from vectors.S's emergency path to
 * riscv_trap_overflow() instead.
 */
#include <base/compiler.h>
#include <base/printf.h>
#include <core/log.h>
#include <hal/irq.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/panic.h>

#include "riscv.h"

/*
 * Stored by vectors.S. x[] is indexed by register number so that the code
 * and the manual agree on "x8"; x[0] is the hard-wired zero and its slot is
 * never written. x[2] is sp as the trapped code had it, not the frame's.
 */
struct hal_trap_frame {
	uint64_t x[32];
	uint64_t sepc;	  /* the trapping instruction; sret resumes here */
	uint64_t sstatus; /* SPP, SPIE: the mode and interrupt state sret restores */
	uint64_t scause;  /* bit 63: interrupt; the rest: the cause code */
	uint64_t stval;	  /* the faulting address, or zero, depending on the cause */
};

/* The offsets vectors.S hard-codes (FRAME_*). */
STATIC_ASSERT(sizeof(struct hal_trap_frame) == 36 * 8, "vectors.S: FRAME_SIZE");
STATIC_ASSERT(sizeof(struct hal_trap_frame) % 16 == 0, "the frame must keep sp 16-byte aligned");
STATIC_ASSERT(offsetof(struct hal_trap_frame, sepc) == 32 * 8, "vectors.S: FRAME_SEPC");
STATIC_ASSERT(offsetof(struct hal_trap_frame, sstatus) == 33 * 8, "vectors.S: FRAME_SSTATUS");
STATIC_ASSERT(offsetof(struct hal_trap_frame, scause) == 34 * 8, "vectors.S: FRAME_SCAUSE");
STATIC_ASSERT(offsetof(struct hal_trap_frame, stval) == 35 * 8, "vectors.S: FRAME_STVAL");

/* Register numbers of the ABI names this file needs. */
#define REG_S0 8  /* the frame pointer (-fno-omit-frame-pointer) */
#define REG_A0 10 /* a0-a5: syscall arguments; a0 and a1: its status and value */
#define REG_A7 17 /* the syscall number */

#define SCAUSE_INTERRUPT (1ULL << 63)

/* Exception codes (scause with bit 63 clear), from the privileged architecture manual. */
enum {
	EXC_INSN_MISALIGNED = 0,
	EXC_INSN_ACCESS = 1,
	EXC_ILLEGAL_INSN = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_FROM_U = 8,
	EXC_INSN_PAGE_FAULT = 12,
	EXC_LOAD_PAGE_FAULT = 13,
	EXC_STORE_PAGE_FAULT = 15,
};

static const char *const exception_names[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",
	[9] = "environment call from S-mode",
	[11] = "environment call from M-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
	[16] = "double trap",
	[18] = "software check",
	[19] = "hardware error",
};

/* Interrupt codes (scause with bit 63 set) that can reach S-mode. */
static const char *const interrupt_names[] = {
	[1] = "supervisor software interrupt",
	[5] = "supervisor timer interrupt",
	[9] = "supervisor external interrupt",
	[13] = "counter overflow interrupt",
};

extern char riscv_trap_entry[];

void riscv_trap(struct hal_trap_frame *f);
void riscv_trap_overflow(struct hal_trap_frame *f, uint64_t probe_address);

void hal_trap_init(void)
{
	uintptr_t entry = (uintptr_t)riscv_trap_entry;

	/*
	 * sscratch mirrors the struct cpu in tp, which is 0 until
	 * hal_cpu_init() sets both: vectors.S swaps the two on every trap.
	 */
	__asm__ volatile("csrw sscratch, zero");
	/* Direct mode (MODE = 0 in the low two bits): every trap enters at the same address. */
	__asm__ volatile("csrw stvec, %0" ::"r"(entry) : "memory");

	/* stvec is WARL: a hart may refuse a base or mode it does not support, silently. */
	uintptr_t installed;

	__asm__ volatile("csrr %0, stvec" : "=r"(installed));
	if (installed != entry)
		panic("stvec refused the trap entry %#lx (reads back %#lx)", (unsigned long)entry,
		      (unsigned long)installed);
}

static const char *cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;
	const char *name = NULL;

	if (scause & SCAUSE_INTERRUPT) {
		if (code < ARRAY_SIZE(interrupt_names))
			name = interrupt_names[code];
		return name ? name : "unknown interrupt";
	}
	if (code < ARRAY_SIZE(exception_names))
		name = exception_names[code];
	return name ? name : "reserved exception";
}

/* The trap_info of an exception (scause bit 63 clear) as the frame describes it. */
static struct trap_info decode_exception(struct hal_trap_frame *f)
{
	struct trap_info t = {
		.kind = TRAP_OTHER,
		.name = cause_name(f->scause),
		.code = f->scause,
		.pc = f->sepc,
		.user = !(f->sstatus & SSTATUS_SPP),
		.frame = f,
	};

	switch (f->scause) {
	case EXC_INSN_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		/*
		 * The cause code alone says which access it was; stval holds the
		 * virtual address. A non-canonical address (Sv39: bits 63..39 not
		 * all equal to bit 38) raises a page fault too, so it lands here.
		 */
		t.kind = TRAP_PAGE_FAULT;
		t.address = f->stval;
		t.exec = f->scause == EXC_INSN_PAGE_FAULT;
		t.write = f->scause == EXC_STORE_PAGE_FAULT;
		break;
	case EXC_BREAKPOINT:
		/* Reported at the ebreak itself (sepc), unlike x86's int3. */
		t.kind = TRAP_BREAKPOINT;
		break;
	case EXC_ILLEGAL_INSN:
		t.kind = TRAP_ILLEGAL_INSTRUCTION;
		break;
	case EXC_INSN_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		t.kind = TRAP_ALIGNMENT;
		t.address = f->stval;
		break;
	case EXC_INSN_ACCESS:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_ACCESS:
		/*
		 * Deliberately TRAP_OTHER, not TRAP_PAGE_FAULT: an access fault
		 * comes from a physical check (PMP, or no device at that physical
		 * address), after translation succeeded. No change to the page
		 * tables can resolve it, so a future page-fault handler must not
		 * see it. stval still shows the address in the frame dump.
		 */
		break;
	}
	return t;
}

/*
 * An ecall from U-mode (include/hal/user.h): a7 the number, a0-a5 the
 * arguments, a0 and a1 the status and value. sepc moves past the ecall
 * (always 4 bytes: it has no compressed form) before the kernel sees the
 * call, so a syscall that switches threads or never returns leaves a frame
 * that resumes after it. The syscall runs with interrupts enabled, on the
 * thread's kernel stack, below the user frame.
 */
static void syscall_from_user(struct hal_trap_frame *f)
{
	struct syscall_args args = { .nr = f->x[REG_A7] };

	for (unsigned i = 0; i < ARRAY_SIZE(args.arg); i++)
		args.arg[i] = f->x[REG_A0 + i];
	f->sepc += 4;
	hal_irq_enable();
	struct syscall_result r = kernel_syscall(&args);

	hal_irq_disable();
	f->x[REG_A0] = r.status;
	f->x[REG_A0 + 1] = r.value;
	for (unsigned i = 3; i < ARRAY_SIZE(args.arg); i++)
		f->x[REG_A0 + i] = args.arg[i];
}

void riscv_trap(struct hal_trap_frame *f)
{
	bool user = !(f->sstatus & SSTATUS_SPP);

	if (f->scause & SCAUSE_INTERRUPT) {
		riscv_irq(f, f->scause & ~SCAUSE_INTERRUPT);
	} else if (user && f->scause == EXC_ECALL_FROM_U) {
		syscall_from_user(f);
	} else {
		struct trap_info t = decode_exception(f);

		kernel_trap(&t);
	}
	/* Interrupts are masked again here, whichever way above was taken. */
	if (user)
		kernel_user_return();
}

/*
 * On the hart's emergency stack: the trap described by `f` (the original
 * cause, the trapped registers) happened with a stack pointer below which
 * no trap frame fits, that is, a kernel stack that overflowed into its
 * guard page, or an sp that points nowhere. The kernel hears of it as a
 * write fault at `probe_address`, the address of the frame that vectors.S
 * found unmapped (`code` keeps the trap's own scause), unless the trap
 * itself was a page fault in that same page: the usual overflow, a store
 * into the guard page, which then is reported as it is. If the
 * kernel resolves the fault (a lazily mapped stack), vectors.S resumes the
 * trapped context, which takes its trap again; otherwise kernel_trap()
 * panics with the trapped registers and their backtrace.
 */
void riscv_trap_overflow(struct hal_trap_frame *f, uint64_t probe_address)
{
	struct trap_info t = decode_exception(f);

	if (t.kind != TRAP_PAGE_FAULT || t.address >> 12 != probe_address >> 12) {
		t.kind = TRAP_PAGE_FAULT;
		t.name = "no room for a trap frame on the kernel stack";
		t.address = probe_address;
		t.write = true;
		t.exec = false;
	}
	kernel_trap(&t);
}

void hal_trap_print_frame(const struct hal_trap_frame *f)
{
	/* ABI names with their register numbers, grouped by role as in the calling convention. */
	static const struct {
		char name[4];
		unsigned char reg;
	} rows[][4] = {
		{ { "ra", 1 }, { "sp", 2 }, { "gp", 3 }, { "tp", 4 } },
		{ { "s0", 8 }, { "s1", 9 }, { "s2", 18 }, { "s3", 19 } },
		{ { "s4", 20 }, { "s5", 21 }, { "s6", 22 }, { "s7", 23 } },
		{ { "s8", 24 }, { "s9", 25 }, { "s10", 26 }, { "s11", 27 } },
		{ { "a0", 10 }, { "a1", 11 }, { "a2", 12 }, { "a3", 13 } },
		{ { "a4", 14 }, { "a5", 15 }, { "a6", 16 }, { "a7", 17 } },
		{ { "t0", 5 }, { "t1", 6 }, { "t2", 7 }, { "t3", 28 } },
		{ { "t4", 29 }, { "t5", 30 }, { "t6", 31 }, { "", 0 } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		/* A whole line per log call, so other output cannot land in the middle of it. */
		char line[96];
		size_t len = 0;

		for (size_t j = 0; j < ARRAY_SIZE(rows[i]) && rows[i][j].reg != 0; j++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "  %-3s %016llx",
						rows[i][j].name,
						(unsigned long long)f->x[rows[i][j].reg]);
		log_error("%s\n", line);
	}
	log_error("  sepc %016llx  sstatus %016llx  scause %016llx  stval %016llx\n",
		  (unsigned long long)f->sepc, (unsigned long long)f->sstatus,
		  (unsigned long long)f->scause, (unsigned long long)f->stval);
}

uintptr_t hal_trap_frame_pointer(const struct hal_trap_frame *f)
{
	return f->x[REG_S0];
}

void hal_trap_set_pc(struct hal_trap_frame *f, uintptr_t pc)
{
	f->sepc = pc;
}

void hal_trap_skip_instruction(struct hal_trap_frame *f)
{
	/*
	 * With the C extension, ebreak may be the 2-byte c.ebreak (clang's
	 * __builtin_debugtrap() emits that) or the 4-byte ebreak. The low two
	 * bits of the first 16-bit parcel give the length: 11 means a 32-bit
	 * instruction, anything else a compressed one. Reading a parcel, not a
	 * word, stays within the instruction (sepc is only 2-byte aligned).
	 * A user program's instruction is read like any user memory: S-mode
	 * reaches U=1 pages only through hal_user_copy().
	 */
	uint16_t parcel;

	if (f->sstatus & SSTATUS_SPP)
		parcel = *(const volatile uint16_t *)(uintptr_t)f->sepc;
	else if (hal_user_copy(&parcel, (const void *)(uintptr_t)f->sepc, sizeof(parcel)) != 0)
		return; /* unmapped meanwhile: the retried fetch faults and reports it */
	f->sepc += (parcel & 3) == 3 ? 4 : 2;
}
