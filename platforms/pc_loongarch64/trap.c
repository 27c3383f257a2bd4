/*
 * platforms/pc_loongarch64/trap.c - HAL trap contract for loongarch64: EENTRY and decoding.
 *
 * vectors.S saves the trapped context into a struct hal_trap_frame and
 * calls la_trap(). Interrupts (Ecode 0) go on to la_interrupt() (irq.c),
 * syscalls from user mode to la_syscall() (user.c); every other exception,
 * from kernel or user mode, is decoded from CSR.ESTAT into a struct
 * trap_info for kernel_trap(). Machine errors take their own path
 * (la_merr_entry) and end in la_machine_error(), a panic.
 */
#include <base/compiler.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/trap.h>
#include <kernel/panic.h>
#include <stddef.h>

#include "loongarch.h"

#define ECFG_VS_MASK	   (7UL << 16) /* entry spacing: 0 means one entry for all */
#define MERRCTL_CAUSE(ctl) (((ctl) >> 16) & 0xff)

/* ESTAT: which exception (Ecode, bits 21:16) and, for some, which variant (bits 30:22). */
#define ESTAT_ECODE(estat)    (((estat) >> 16) & 0x3f)
#define ESTAT_ESUBCODE(estat) (((estat) >> 22) & 0x1ff)

/* The Ecode values this file tells apart (LoongArch Vol. 1, table of exception encoding). */
enum {
	ECODE_INT = 0x0,   /* an interrupt: ESTAT.IS says which lines */
	ECODE_PIL = 0x1,   /* page invalid for load */
	ECODE_PIS = 0x2,   /* page invalid for store */
	ECODE_PIF = 0x3,   /* page invalid for instruction fetch */
	ECODE_PME = 0x4,   /* page modified: a store to a page whose D bit is clear */
	ECODE_PNR = 0x5,   /* page not readable */
	ECODE_PNX = 0x6,   /* page not executable */
	ECODE_PPI = 0x7,   /* page privilege level illegal */
	ECODE_ADE = 0x8,   /* address error: illegal in this mode (EsubCode 0 fetch, 1 data) */
	ECODE_ALE = 0x9,   /* address alignment error */
	ECODE_SYS = 0xb,   /* the syscall instruction */
	ECODE_BRK = 0xc,   /* the break instruction */
	ECODE_INE = 0xd,   /* instruction not existent */
	ECODE_IPE = 0xe,   /* instruction privilege error */
	ECODE_FPD = 0xf,   /* floating-point instruction while EUEN.FPE = 0 */
	ECODE_SXD = 0x10,  /* 128-bit vector (LSX) instruction while EUEN.SXE = 0 */
	ECODE_ASXD = 0x11, /* 256-bit vector (LASX) instruction while EUEN.ASXE = 0 */
	ECODE_BTD = 0x14,  /* binary-translation (LBT) instruction while EUEN.BTE = 0 */
};

/*
 * The break instruction (and every other) is 4 bytes. clang's
 * __builtin_debugtrap() emits `break 0`, and ERA points at it: unlike
 * x86's int3, a LoongArch breakpoint is reported before it completes.
 */
#define INSN_SIZE 4

STATIC_ASSERT(sizeof(struct hal_trap_frame) == FRAME_SIZE, "loongarch.h: FRAME_SIZE");
STATIC_ASSERT(sizeof(struct hal_trap_frame) % 16 == 0, "the psABI wants $sp 16-byte aligned");
STATIC_ASSERT(offsetof(struct hal_trap_frame, r[21]) == FRAME_R21, "loongarch.h: FRAME_R21");
STATIC_ASSERT(offsetof(struct hal_trap_frame, era) == FRAME_ERA, "loongarch.h: FRAME_ERA");
STATIC_ASSERT(offsetof(struct hal_trap_frame, prmd) == FRAME_PRMD, "loongarch.h: FRAME_PRMD");
STATIC_ASSERT(offsetof(struct hal_trap_frame, estat) == FRAME_ESTAT, "loongarch.h: FRAME_ESTAT");
STATIC_ASSERT(offsetof(struct hal_trap_frame, badv) == FRAME_BADV, "loongarch.h: FRAME_BADV");
STATIC_ASSERT(offsetof(struct hal_trap_frame, badi) == FRAME_BADI, "loongarch.h: FRAME_BADI");
STATIC_ASSERT(offsetof(struct hal_trap_frame, crmd) == FRAME_CRMD, "loongarch.h: FRAME_CRMD");

extern char la_trap_entry[], la_merr_entry[];

void la_trap(struct hal_trap_frame *f);
__noreturn void la_machine_error(uint64_t era, uint64_t ctl);

/*
 * On every CPU: the boot CPU from kernel_main(), the others from
 * hal_cpu_init(). No exception stack until hal_cpu_init() gives one.
 */
void hal_trap_init(void)
{
	const struct boot_info *bi = boot_info();

	/*
	 * One entry for everything (VS = 0), decoded from ESTAT in C: simpler
	 * than a table of 2^VS-instruction slots, and the cost of a branch on
	 * the cause is nothing next to saving 31 registers. The local
	 * interrupt enables (LIE) are left as they are.
	 */
	csr_write(CSR_ECFG, csr_read(CSR_ECFG) & ~ECFG_VS_MASK);
	csr_write(CSR_SAVE2, 0);
	csr_write(CSR_EENTRY, (uintptr_t)la_trap_entry);

	/*
	 * A machine error switches to direct-address mode, so MERRENTRY takes
	 * a physical address. The loader puts the image in one physically
	 * contiguous block, at the same offsets as linked.
	 */
	csr_write(CSR_MERRENTRY, bi->kernel_phys + ((uintptr_t)la_merr_entry - bi->kernel_virt));
}

/* The manual's mnemonic and meaning for each Ecode; [1] for EsubCode 1 where there is one. */
static const char *const cause_names[][2] = {
	[0x00] = { "interrupt (INT)" },
	[0x01] = { "page fault (PIL, page invalid for load)" },
	[0x02] = { "page fault (PIS, page invalid for store)" },
	[0x03] = { "page fault (PIF, page invalid for fetch)" },
	[0x04] = { "page fault (PME, page modified)" },
	[0x05] = { "page fault (PNR, page not readable)" },
	[0x06] = { "page fault (PNX, page not executable)" },
	[0x07] = { "page fault (PPI, page privilege level illegal)" },
	[0x08] = { "address error (ADEF, instruction fetch)",
		   "address error (ADEM, memory access)" },
	[0x09] = { "alignment fault (ALE)" },
	[0x0a] = { "bound check (BCE)" },
	[0x0b] = { "system call (SYS)" },
	[0x0c] = { "breakpoint (BRK)" },
	[0x0d] = { "illegal instruction (INE, instruction not existent)" },
	[0x0e] = { "illegal instruction (IPE, instruction privilege error)" },
	[0x0f] = { "FPU disabled (FPD)" },
	[0x10] = { "LSX disabled (SXD)" },
	[0x11] = { "LASX disabled (ASXD)" },
	[0x12] = { "floating-point exception (FPE)", "vector floating-point exception (VFPE)" },
	[0x13] = { "fetch watchpoint (WPEF)", "load/store watchpoint (WPEM)" },
	[0x14] = { "LBT disabled (BTD)" },
	[0x15] = { "LBT exception (BTE)" },
	[0x16] = { "guest sensitive privileged resource (GSPR)" },
	[0x17] = { "hypervisor call (HVC)" },
	[0x18] = { "guest CSR modified by software (GCSC)",
		   "guest CSR modified by hardware (GCHC)" },
};

static const char *cause_name(unsigned ecode, unsigned esubcode)
{
	if (ecode >= ARRAY_SIZE(cause_names) || !cause_names[ecode][0])
		return "reserved exception code";
	if (esubcode == 1 && cause_names[ecode][1])
		return cause_names[ecode][1];
	return cause_names[ecode][0];
}

/*
 * Called by vectors.S with interrupts masked, and returns with them masked
 * (la_trap_return then calls kernel_user_return() on the way to user mode).
 */
void la_trap(struct hal_trap_frame *f)
{
	unsigned ecode = ESTAT_ECODE(f->estat);
	bool user = (f->prmd & PRMD_PPLV) != 0;

	if (ecode == ECODE_INT) {
		la_interrupt(f);
		return;
	}
	/* In kernel mode a syscall is a bug like any other: kernel_trap() reports it. */
	if (ecode == ECODE_SYS && user) {
		la_syscall(f);
		return;
	}
	/* Mapped (or made writable) meanwhile, by another CPU perhaps: retry. */
	if (ecode >= ECODE_PIL && ecode <= ECODE_PME &&
	    la_paging_fault_is_stale(f->badv, ecode == ECODE_PIS || ecode == ECODE_PME))
		return;
	struct trap_info t = {
		.kind = TRAP_OTHER,
		.name = cause_name(ecode, ESTAT_ESUBCODE(f->estat)),
		.code = f->estat,
		.pc = f->era,
		.user = user,
		.frame = f,
	};

	switch (ecode) {
	case ECODE_PIL:
	case ECODE_PIS:
	case ECODE_PIF:
	case ECODE_PME:
	case ECODE_PNR:
	case ECODE_PNX:
	case ECODE_PPI:
		/*
		 * The refill handler fills the TLB even for an unmapped address
		 * (with an invalid entry), so "not mapped" arrives here as a
		 * page-invalid exception. The cause says what the access was,
		 * except for PPI (user mode touching a kernel page), which can
		 * be any of the three: it was the fetch when BADV is the pc,
		 * since a data access to the page of the fetched instruction
		 * cannot break the privilege check the fetch passed. A store is
		 * not told from a load there, which only matters for the report:
		 * no PPI fault is ever resolved.
		 */
		t.kind = TRAP_PAGE_FAULT;
		t.address = f->badv;
		t.write = ecode == ECODE_PIS || ecode == ECODE_PME;
		t.exec = ecode == ECODE_PIF || ecode == ECODE_PNX ||
			 (ecode == ECODE_PPI && f->badv == f->era);
		break;
	case ECODE_ADE:
		/*
		 * An address no translation serves at this level: outside
		 * VALEN, or (fetch) a pc that is not a multiple of 4. Not a page
		 * fault, since no page could make it valid; BADV says which.
		 */
		t.address = f->badv;
		break;
	case ECODE_ALE:
		t.kind = TRAP_ALIGNMENT;
		t.address = f->badv;
		break;
	case ECODE_BRK:
		t.kind = TRAP_BREAKPOINT;
		break;
	case ECODE_INE:
	case ECODE_IPE:
	/*
	 * FP, vector and binary-translation units stay disabled (EUEN = 0,
	 * user.c): the kernel keeps no such state for anyone, so their
	 * instructions are illegal here.
	 */
	case ECODE_FPD:
	case ECODE_SXD:
	case ECODE_ASXD:
	case ECODE_BTD:
		t.kind = TRAP_ILLEGAL_INSTRUCTION;
		break;
	}
	kernel_trap(&t);
}

__noreturn void la_machine_error(uint64_t era, uint64_t ctl)
{
	/* la_merr_entry's ertn gave back the trapped IE: mask before anything else. */
	hal_irq_save();
	panic("machine error (MERRCTL 0x%llx, cause %llu) at pc 0x%llx", (unsigned long long)ctl,
	      (unsigned long long)MERRCTL_CAUSE(ctl), (unsigned long long)era);
}

void hal_trap_print_frame(const struct hal_trap_frame *f)
{
	/* The psABI names; $r21 has none (reserved). */
	static const char *const names[32] = { "zero", "ra", "tp", "sp", "a0", "a1",  "a2", "a3",
					       "a4",   "a5", "a6", "a7", "t0", "t1",  "t2", "t3",
					       "t4",   "t5", "t6", "t7", "t8", "r21", "fp", "s0",
					       "s1",   "s2", "s3", "s4", "s5", "s6",  "s7", "s8" };

	for (int i = 1; i < 32; i += 4) {
		for (int j = i; j < i + 4 && j < 32; j++)
			log_error("  %-3s %016llx", names[j], (unsigned long long)f->r[j]);
		log_error("\n");
	}
	log_error("  era  %016llx  prmd %016llx  estat %016llx  badv %016llx\n",
		  (unsigned long long)f->era, (unsigned long long)f->prmd,
		  (unsigned long long)f->estat, (unsigned long long)f->badv);
	log_error("  badi %016llx  crmd %016llx\n", (unsigned long long)f->badi,
		  (unsigned long long)f->crmd);
}

uintptr_t hal_trap_frame_pointer(const struct hal_trap_frame *f)
{
	return f->r[22]; /* $fp */
}

void hal_trap_skip_instruction(struct hal_trap_frame *f)
{
	f->era += INSN_SIZE;
}
