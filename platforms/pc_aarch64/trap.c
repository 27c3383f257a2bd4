/*
 * platforms/pc_aarch64/trap.c - HAL trap contract for aarch64: VBAR_EL1 and ESR_EL1 decoding.
 *
 * vectors.S saves the trapped context into a struct hal_trap_frame on the
 * exception stack (SP_EL1) and calls aarch64_trap(), which turns the
 * Exception Syndrome Register into a struct trap_info for the kernel.
 * Interrupts from the kernel have their own path into irq.c, on the
 * interrupted thread's stack (vectors.S). Exceptions from EL0 arrive on
 * the thread's kernel stack through user.c, which hands all but syscalls
 * and interrupts to aarch64_trap_report().
 */
#include <base/compiler.h>
#include <base/printf.h>
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/trap.h>

#include "platform.h"

/* vectors.S's FRAME_* offsets for struct hal_trap_frame (platform.h). */
STATIC_ASSERT(sizeof(struct hal_trap_frame) == 304, "vectors.S FRAME_SIZE");
STATIC_ASSERT(offsetof(struct hal_trap_frame, sp) == 248, "vectors.S FRAME_SP");
STATIC_ASSERT(offsetof(struct hal_trap_frame, elr) == 256, "vectors.S FRAME_ELR");
STATIC_ASSERT(offsetof(struct hal_trap_frame, esr) == 272, "vectors.S FRAME_ESR");
STATIC_ASSERT(offsetof(struct hal_trap_frame, vector) == 288, "vectors.S FRAME_VECTOR");
STATIC_ASSERT(offsetof(struct hal_trap_frame, tpidr_el0) == 296, "vectors.S FRAME_TPIDR");

/*
 * The stack SP_EL1 points at, where synchronous exceptions are taken.
 * Separate from the kernel stacks so that a kernel stack overflow still
 * reaches the handler. This one is the boot CPU's, usable before there is
 * any allocator; hal_cpu_init() gives every other CPU its own.
 */
#define EXCEPTION_STACK_SIZE 16384
static uint8_t exception_stack[EXCEPTION_STACK_SIZE] __aligned(16);

extern char aarch64_vectors[];

void aarch64_trap(struct hal_trap_frame *f);

void aarch64_trap_init_cpu(uintptr_t stack_top)
{
	/*
	 * EL1 cannot name SP_EL1 in an msr; it reaches it as "sp" after
	 * selecting it with SPSel, and then goes back to SP_EL0, where the
	 * kernel runs (EL1t, as the handoff left it). Exceptions are masked,
	 * so nothing can happen in between, and the asm itself uses no stack.
	 * The isb makes the new VBAR_EL1 take effect before we return.
	 */
	__asm__ volatile("msr spsel, #1\n\t"
			 "mov sp, %0\n\t"
			 "msr spsel, #0\n\t"
			 "msr vbar_el1, %1\n\t"
			 "isb"
			 :
			 : "r"(stack_top), "r"(aarch64_vectors)
			 : "memory");
}

uintptr_t aarch64_boot_exception_stack_top(void)
{
	return (uintptr_t)exception_stack + sizeof(exception_stack);
}

void hal_trap_init(void)
{
	aarch64_trap_init_cpu(aarch64_boot_exception_stack_top());
}

/* The exception classes decoded below. */
#define EC_UNKNOWN	   0x00 /* undefined instruction, among others */
#define EC_WFX		   0x01 /* WFI/WFE in EL0 (SCTLR_EL1.nTWI = nTWE = 0) */
#define EC_FP_ACCESS	   0x07 /* FP/SIMD with CPACR_EL1.FPEN = 0 (user.c) */
#define EC_ILLEGAL_STATE   0x0e /* eret or exception return to an illegal state */
#define EC_SYSREG	   0x18 /* MSR, MRS or a system instruction EL0 may not use */
#define EC_SVE_ACCESS	   0x19 /* SVE with CPACR_EL1.ZEN = 0 */
#define EC_INSN_ABORT_LOW  0x20
#define EC_INSN_ABORT_SAME 0x21
#define EC_PC_ALIGNMENT	   0x22
#define EC_DATA_ABORT_LOW  0x24
#define EC_DATA_ABORT_SAME 0x25
#define EC_SP_ALIGNMENT	   0x26
#define EC_BRK		   0x3c /* BRK, the AArch64 breakpoint instruction */

/* BRK: the ISS holds the instruction's 16-bit immediate. */
#define BRK_IMMEDIATE(esr) ((esr) & 0xffff)
#define BRK_BUILTIN_TRAP   0x1 /* what clang emits for __builtin_trap() */

/* Data and instruction abort ISS bits. */
#define ABORT_FSC(iss) ((iss) & 0x3f) /* DFSC / IFSC: the fault status code */
#define ABORT_WNR      (1u << 6)      /* data aborts: the access was a write */
#define ABORT_FNV      (1u << 10)     /* FAR_EL1 is not valid */

/* The 16 vector entries: four groups (where from) of four kinds (what). */
static const char *const vector_kinds[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const vector_origins[4] = {
	"EL1 on SP_EL0 (kernel)",
	"EL1 on SP_EL1 (exception stack)",
	"EL0, AArch64",
	"EL0, AArch32",
};

static const char *exception_class_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN:
		return "unknown reason (undefined instruction)";
	case EC_WFX:
		return "trapped WFI/WFE";
	case EC_FP_ACCESS:
		return "trapped SVE/SIMD/FP access";
	case 0x0d:
		return "branch target exception (BTI)";
	case EC_ILLEGAL_STATE:
		return "illegal execution state";
	case EC_SVC:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case EC_SYSREG:
		return "trapped MSR/MRS or system instruction";
	case EC_SVE_ACCESS:
		return "trapped SVE access";
	case 0x1c:
		return "pointer authentication failure";
	case EC_INSN_ABORT_LOW:
	case EC_INSN_ABORT_SAME:
		return "instruction abort";
	case EC_PC_ALIGNMENT:
		return "PC alignment fault";
	case EC_DATA_ABORT_LOW:
	case EC_DATA_ABORT_SAME:
		return "data abort";
	case EC_SP_ALIGNMENT:
		return "SP alignment fault";
	case 0x2c:
		return "trapped floating-point exception";
	case 0x2f:
		return "SError";
	case 0x30:
	case 0x31:
		return "hardware breakpoint";
	case 0x32:
	case 0x33:
		return "software step";
	case 0x34:
	case 0x35:
		return "watchpoint";
	case EC_BRK:
		return "BRK instruction";
	default:
		return "reserved exception class";
	}
}

/* Fault status code classes (the low two bits of most are the table level). */
enum fsc_class { FSC_ADDRESS_SIZE, FSC_TRANSLATION, FSC_ACCESS_FLAG, FSC_PERMISSION, FSC_OTHER };

static enum fsc_class fsc_classify(unsigned fsc, int *level)
{
	/*
	 * 0x00-0x0f: address size, translation, access flag and permission
	 * faults at levels 0-3. With FEAT_LPA2 there is also a level -1 for
	 * address size (0x29) and translation (0x2b) faults.
	 */
	if (fsc < 0x10) {
		*level = (int)(fsc & 3);
		return (enum fsc_class)(fsc >> 2);
	}
	*level = -1;
	if (fsc == 0x29)
		return FSC_ADDRESS_SIZE;
	if (fsc == 0x2b)
		return FSC_TRANSLATION;
	return FSC_OTHER;
}

static const char *fsc_other_name(unsigned fsc)
{
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x11:
		return "tag check fault";
	case 0x13:
	case 0x14:
	case 0x15:
	case 0x16:
	case 0x17:
		return "external abort on table walk";
	case 0x18:
		return "parity/ECC error";
	case 0x1b:
	case 0x1c:
	case 0x1d:
	case 0x1e:
	case 0x1f:
		return "parity/ECC error on table walk";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	case 0x31:
		return "unsupported atomic hardware update";
	default:
		return "unrecognised fault status";
	}
}

/*
 * An instruction or data abort: translation, access flag and permission
 * faults are the page faults the memory work will resolve; the rest are
 * alignment faults or broken hardware/tables.
 */
static void decode_abort(struct trap_info *t, const struct hal_trap_frame *f, bool data, char *name,
			 size_t name_size)
{
	static const char *const class_names[] = {
		[FSC_ADDRESS_SIZE] = "address size fault",
		[FSC_TRANSLATION] = "translation fault",
		[FSC_ACCESS_FLAG] = "access flag fault",
		[FSC_PERMISSION] = "permission fault",
	};
	uint32_t iss = ESR_ISS(f->esr);
	unsigned fsc = ABORT_FSC(iss);
	const char *abort = data ? "data abort" : "instruction abort";
	int level;
	enum fsc_class class = fsc_classify(fsc, &level);

	/* FnV: the abort left FAR_EL1 unknown (some external aborts). */
	t->address = (iss & ABORT_FNV) ? 0 : f->far;
	switch (class) {
	case FSC_TRANSLATION:
	case FSC_ACCESS_FLAG:
	case FSC_PERMISSION:
		t->kind = TRAP_PAGE_FAULT;
		/* WnR is only defined for data aborts; an instruction abort is a fetch. */
		t->write = data && (iss & ABORT_WNR);
		t->exec = !data;
		snprintf(name, name_size, "page fault (%s, %s, level %d)", abort,
			 class_names[class], level);
		break;
	case FSC_ADDRESS_SIZE:
		snprintf(name, name_size, "%s (%s, level %d)", abort, class_names[class], level);
		break;
	case FSC_OTHER:
		if (fsc == 0x21)
			t->kind = TRAP_ALIGNMENT;
		snprintf(name, name_size, "%s (%s, DFSC 0x%02x)", abort, fsc_other_name(fsc), fsc);
		break;
	}
}

void aarch64_trap_report(struct hal_trap_frame *f)
{
	/* The report's name outlives the decode: kernel_trap() runs within this call. */
	char name[96];
	unsigned vector = (unsigned)f->vector & 15;
	unsigned ec = ESR_EC(f->esr);
	struct trap_info t = {
		.kind = TRAP_OTHER,
		.name = exception_class_name(ec),
		.code = f->esr,
		.pc = f->elr,
		/* SPSR.M[3:2] is the trapped exception level. */
		.user = ((f->spsr >> 2) & 3) == 0,
		.frame = f,
	};

	if (vector >= 12) {
		/* AArch32 at EL0 is never enabled; its syndromes are not decoded. */
		snprintf(name, sizeof(name), "%s exception from AArch32 EL0",
			 vector_kinds[vector & 3]);
		t.name = name;
		kernel_trap(&t);
		return;
	}
	if ((vector & 3) == 1 || (vector & 3) == 2) {
		/*
		 * IRQs from EL1t and EL0 have their own paths (irq.c, user.c).
		 * One taken on the exception stack means a trap handler unmasked
		 * interrupts, and kernel_irq() must not switch threads there;
		 * FIQs are never unmasked, in EL1 or EL0.
		 */
		t.name = (vector & 3) == 1 ? "unexpected IRQ" : "unexpected FIQ";
		t.code = vector; /* ESR_EL1 is not written for interrupts */
		kernel_trap(&t);
		return;
	}
	if ((vector & 3) == 3) {
		t.name = "SError (asynchronous abort)";
		kernel_trap(&t);
		return;
	}

	switch (ec) {
	case EC_DATA_ABORT_SAME:
	case EC_DATA_ABORT_LOW:
		decode_abort(&t, f, true, name, sizeof(name));
		t.name = name;
		break;
	case EC_INSN_ABORT_SAME:
	case EC_INSN_ABORT_LOW:
		decode_abort(&t, f, false, name, sizeof(name));
		t.name = name;
		break;
	case EC_BRK:
		/*
		 * BRK is reported before it completes: ELR_EL1 points at it. Its
		 * immediate says why it is there. clang's __builtin_trap() is
		 * BRK #1, meant to stop the program like x86's ud2, so it must
		 * not be stepped over as a breakpoint; __builtin_debugtrap()
		 * (BRK #0xf000) and a debugger's BRKs are.
		 */
		if (BRK_IMMEDIATE(f->esr) == BRK_BUILTIN_TRAP) {
			t.kind = TRAP_ILLEGAL_INSTRUCTION;
			t.name = "BRK #0x1 (__builtin_trap)";
		} else {
			t.kind = TRAP_BREAKPOINT;
		}
		break;
	case EC_SVC:
		/*
		 * Only SVC #0 from EL0 is a syscall (user.c); any other is an
		 * instruction the program may not use. ELR_EL1 points past it.
		 */
		t.kind = TRAP_ILLEGAL_INSTRUCTION;
		t.pc = f->elr - 4;
		break;
	case EC_UNKNOWN:
	case EC_WFX:
	case EC_FP_ACCESS:
	case EC_ILLEGAL_STATE:
	case EC_SYSREG:
	case EC_SVE_ACCESS:
		/*
		 * Undefined, or refused to EL0 by the controls user.c sets: FP
		 * and SVE (no FP state is kept for threads), WFI/WFE, the
		 * counters and timers, cache maintenance and DC ZVA. Each
		 * reports the trapping instruction itself in ELR_EL1.
		 */
		t.kind = TRAP_ILLEGAL_INSTRUCTION;
		break;
	case EC_PC_ALIGNMENT:
		/* FAR_EL1 holds the misaligned branch target. */
		t.kind = TRAP_ALIGNMENT;
		t.address = f->far;
		break;
	case EC_SP_ALIGNMENT:
		/* FAR_EL1 is unknown here; the misaligned value is the SP itself. */
		t.kind = TRAP_ALIGNMENT;
		t.address = f->sp;
		break;
	}
	kernel_trap(&t);
}

/*
 * Traps taken inside the trap handler nest on the exception stack. The
 * kernel's panic path stops at the second panic, but a fault before it gets
 * there (in the decoding below, say) would recurse until the exception stack
 * overflows into whatever lies below it. Counting the nesting bounds that.
 * The count is the CPU's (struct cpu's arch words), or, before hal_cpu_init()
 * gave the boot CPU its struct cpu, one static word: only that CPU runs then.
 */
#define MAX_TRAP_NESTING 3
static uintptr_t early_trap_nesting;

static volatile uintptr_t *trap_nesting(void)
{
	struct cpu *c = hal_cpu_local();

	return c != NULL ? &c->arch[CPU_ARCH_TRAP_NESTING] : &early_trap_nesting;
}

void aarch64_trap(struct hal_trap_frame *f)
{
	volatile uintptr_t *nesting = trap_nesting();
	uintptr_t depth = ++*nesting;

	if (depth > MAX_TRAP_NESTING) {
		/* One attempt at saying why; if that faults too, stop silently. */
		if (depth == MAX_TRAP_NESTING + 1)
			log_error("\ntrap: %u nested exceptions (ELR_EL1 %016llx, ESR_EL1 %08llx); "
				  "halting\n",
				  (unsigned)depth, (unsigned long long)f->elr,
				  (unsigned long long)f->esr);
		hal_cpu_halt();
	}
	aarch64_trap_report(f);
	--*nesting;
}

void hal_trap_print_frame(const struct hal_trap_frame *f)
{
	for (int i = 0; i < 28; i += 4)
		log_error("  x%-2d %016llx  x%-2d %016llx  x%-2d %016llx  x%-2d %016llx\n", i,
			  (unsigned long long)f->x[i], i + 1, (unsigned long long)f->x[i + 1],
			  i + 2, (unsigned long long)f->x[i + 2], i + 3,
			  (unsigned long long)f->x[i + 3]);
	log_error("  x28 %016llx  fp  %016llx  lr  %016llx  sp  %016llx\n",
		  (unsigned long long)f->x[28], (unsigned long long)f->x[29],
		  (unsigned long long)f->x[30], (unsigned long long)f->sp);
	log_error("  ELR_EL1 %016llx  SPSR_EL1 %08llx  ESR_EL1 %08llx  FAR_EL1 %016llx\n",
		  (unsigned long long)f->elr, (unsigned long long)f->spsr,
		  (unsigned long long)f->esr, (unsigned long long)f->far);
	log_error("  vector %llu: %s from %s\n", (unsigned long long)f->vector,
		  vector_kinds[f->vector & 3], vector_origins[(f->vector >> 2) & 3]);
	/* IRQ and FIQ leave ESR_EL1 as the last synchronous exception or SError set it. */
	if ((f->vector & 3) == 0 || (f->vector & 3) == 3)
		log_error("  EC 0x%02llx (%s), IL %llu, ISS 0x%07llx\n",
			  (unsigned long long)ESR_EC(f->esr), exception_class_name(ESR_EC(f->esr)),
			  (unsigned long long)(f->esr >> 25 & 1),
			  (unsigned long long)ESR_ISS(f->esr));
}

uintptr_t hal_trap_frame_pointer(const struct hal_trap_frame *f)
{
	return f->x[29];
}

void hal_trap_skip_instruction(struct hal_trap_frame *f)
{
	/* Every AArch64 instruction, BRK included, is 4 bytes. */
	f->elr += 4;
}
