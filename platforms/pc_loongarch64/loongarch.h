/*
 * platforms/pc_loongarch64/loongarch.h - what the platform's files share.
 *
 * CSR and IOCSR numbers, their accessors, and the platform's own per-CPU
 * words. Private to platforms/pc_loongarch64/; the HAL contracts are in
 * include/hal/. Assembly includes it for the numbers only.
 */
#ifndef PLATFORM_LOONGARCH_H
#define PLATFORM_LOONGARCH_H

/* CSRs (LoongArch Vol. 1, "Control and Status Registers"). */
#define CSR_CRMD      0x0
#define CSR_PRMD      0x1
#define CSR_EUEN      0x2
#define CSR_ECFG      0x4
#define CSR_ESTAT     0x5
#define CSR_ERA	      0x6
#define CSR_BADV      0x7
#define CSR_BADI      0x8
#define CSR_EENTRY    0xc
#define CSR_ASID      0x18
#define CSR_PGDL      0x19
#define CSR_PGDH      0x1a
#define CSR_PWCL      0x1c
#define CSR_PWCH      0x1d
#define CSR_STLBPS    0x1e
#define CSR_CPUID     0x20
#define CSR_SAVE0     0x30 /* trap entry: the trapped $t0 */
#define CSR_SAVE1     0x31 /* this CPU's struct cpu, for entries from user mode */
#define CSR_SAVE2     0x32 /* this CPU's exception stack top; 0 before hal_cpu_init */
#define CSR_SAVE3     0x33 /* trap entry: the trapped $t1, on the page-fault path */
#define CSR_SAVE4     0x34 /* TLB refill: the interrupted $t1 (tlb_refill.S) */
#define CSR_TCFG      0x41
#define CSR_TVAL      0x42
#define CSR_TICLR     0x44
#define CSR_TLBRENTRY 0x88
#define CSR_MERRENTRY 0x93
#define CSR_DMW0      0x180
#define CSR_DMW1      0x181
#define CSR_DMW2      0x182
#define CSR_DMW3      0x183

/* The page walker's configuration (same as the loader's): see paging.c. */
#define PWCL_4LEVEL 0x13e4d52c /* PT 12/9, Dir1 21/9, Dir2 30/9, 64-bit entries */
#define PWCH_4LEVEL 0x267      /* Dir3 39/9, no Dir4 */
#define STLBPS_4K   12

#define CRMD_IE	    0x4	 /* interrupts enabled */
#define CRMD_KERNEL 0xb0 /* PLV0, IE 0, DA 0, PG 1, DATF = DATM = coherent cached */
#define PRMD_PPLV   0x3	 /* the trapped privilege level */
#define PRMD_PLV3   0x3	 /* ... when it was user mode */
#define PRMD_PIE    0x4	 /* the trapped CRMD.IE */
#define CPUID_MASK  0x1ff

/*
 * ECFG.LIE and ESTAT.IS: one bit per interrupt line. 0-1 software, 2-9
 * the hardware lines HWI0-7 (EIOINTC or the PCH PIC behind them), 10
 * performance counter, 11 the constant timer, 12 the IPI.
 */
#define INT_SWI0  0
#define INT_SWI1  1
#define INT_HWI0  2
#define INT_PMC	  10
#define INT_TIMER 11
#define INT_IPI	  12
#define INT_LINES 13

/* The constant timer: TCFG.En, TCFG.Periodic, InitVal in bits 47:2; TICLR.CLR. */
#define TCFG_EN	      0x1
#define TCFG_PERIODIC 0x2
#define TICLR_CLR     0x1

/* The per-core IPI block, in IOCSR space. */
#define IOCSR_IPI_STATUS   0x1000
#define IOCSR_IPI_EN	   0x1004
#define IOCSR_IPI_CLEAR	   0x100c
#define IOCSR_IPI_SEND	   0x1040
#define IPI_SEND_BLOCKING  0x80000000 /* the write completes once delivered */
#define IPI_SEND_CPU_SHIFT 16	      /* the target's CSR.CPUID; bits 4:0 the status bit */

/*
 * The chip's miscellaneous function register, in IOCSR space: bit 48 turns
 * on the extended I/O interrupt controller (eiointc.c), whose own
 * registers are in IOCSR space too.
 */
#define IOCSR_MISC_FUNC	     0x420
#define MISC_FUNC_EXT_IOI_EN (1ULL << 48)

/* CPUCFG words that give the stable counter's frequency: FREQ * MUL / DIV. */
#define CPUCFG_CC_FREQ	 4
#define CPUCFG_CC_MULDIV 5

/*
 * Each CPU's exception stack (SAVE2): kernel-mode page faults that hit the
 * stack their frame would go on (vectors.S), 16 KiB for the panic report.
 */
#define LA_EXC_STACK_SHIFT 14
#define LA_EXC_STACK_SIZE  (1 << LA_EXC_STACK_SHIFT)

/* struct cpu's arch[] words on this platform (offsets 8 + 8 * n). */
#define LA_CPU_EXC_STACK 0 /* the exception stack's top, as in SAVE2 */
#define LA_CPU_SPURIOUS	 1 /* interrupts taken with no enabled line pending */
#define LA_CPU_KSTACK	 2 /* the running user thread's kernel stack top (user.c) */

/*
 * struct hal_trap_frame, for the assembly that builds and reads it
 * (vectors.S, user.S): r0-r31 at 8 * n, then the CSRs. trap.c checks
 * these against the struct.
 */
#define FRAME_R21   (21 * 8)
#define FRAME_ERA   256
#define FRAME_PRMD  264
#define FRAME_ESTAT 272
#define FRAME_BADV  280
#define FRAME_BADI  288
#define FRAME_CRMD  296
#define FRAME_SIZE  304

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#define csr_read(csr)                                                   \
	({                                                              \
		unsigned long v_;                                       \
		__asm__ volatile("csrrd %0, %1" : "=r"(v_) : "i"(csr)); \
		v_;                                                     \
	})

/* csrwr swaps: the register gets the CSR's old value, which is dropped here. */
#define csr_write(csr, val)                                                        \
	do {                                                                       \
		unsigned long w_ = (val);                                          \
		__asm__ volatile("csrwr %0, %1" : "+r"(w_) : "i"(csr) : "memory"); \
	} while (0)

/*
 * Write the bits of `val` selected by `mask` into the CSR; returns the old
 * value. csrxchg's mask register must not be $r0 or $r1 (those encodings
 * mean csrrd and csrwr) and clang has no constraint that excludes them, so
 * the mask is pinned to $t0.
 */
#define csr_xchg(csr, val, mask)                                                                  \
	({                                                                                        \
		unsigned long x_ = (val);                                                         \
		register unsigned long m_ __asm__("$t0") = (mask);                                \
		__asm__ volatile("csrxchg %0, %1, %2" : "+r"(x_) : "r"(m_), "i"(csr) : "memory"); \
		x_;                                                                               \
	})

static inline uint32_t iocsr_read32(unsigned long reg)
{
	uint32_t v;

	__asm__ volatile("iocsrrd.w %0, %1" : "=r"(v) : "r"(reg) : "memory");
	return v;
}

static inline void iocsr_write32(unsigned long reg, uint32_t v)
{
	__asm__ volatile("iocsrwr.w %0, %1" : : "r"(v), "r"(reg) : "memory");
}

static inline uint64_t iocsr_read64(unsigned long reg)
{
	uint64_t v;

	__asm__ volatile("iocsrrd.d %0, %1" : "=r"(v) : "r"(reg) : "memory");
	return v;
}

static inline void iocsr_write64(unsigned long reg, uint64_t v)
{
	__asm__ volatile("iocsrwr.d %0, %1" : : "r"(v), "r"(reg) : "memory");
}

static inline uint32_t cpucfg(uint32_t word)
{
	uint32_t v;

	__asm__ volatile("cpucfg %0, %1" : "=r"(v) : "r"(word));
	return v;
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime.d %0, $zero" : "=r"(t));
	return t;
}

/* Built by vectors.S and user.S; the offsets are FRAME_* above (trap.c checks them). */
struct hal_trap_frame {
	uint64_t r[32]; /* r[0] is 0; r[3] is the trapped $sp, not the frame's */
	uint64_t era;	/* the trapping instruction: ertn resumes here */
	uint64_t prmd;	/* the trapped PLV (bits 1:0) and IE (bit 2) */
	uint64_t estat; /* the cause */
	uint64_t badv;	/* the faulting address, for address-related exceptions */
	uint64_t badi;	/* the trapping instruction's encoding */
	uint64_t crmd;	/* the handler's mode, for the report */
};

/* paging.c: on a secondary CPU, what hal_paging_init() left on the boot CPU's CSRs. */
struct la_paging_csrs {
	uint64_t pgdl, pgdh, tlbrentry;
};
extern struct la_paging_csrs la_kernel_paging;

/*
 * paging.c: whether a page-invalid or page-modified exception at `va` came
 * from a stale TLB entry only (the tables allow the access, a store
 * included when `write`): then the entry is dropped on this CPU and the
 * access may be retried. See paging.c, "TLB caveat".
 */
bool la_paging_fault_is_stale(uint64_t va, bool write);

/* user.c: a syscall instruction (Ecode SYS) executed in user mode, from la_trap(). */
void la_syscall(struct hal_trap_frame *frame);

/* irq.c: an interrupt (Ecode 0) that vectors.S and la_trap() passed on. */
void la_interrupt(struct hal_trap_frame *frame);

/* irq.c, timer.c: the calling CPU's side of the interrupt controller and timer. */
void la_irq_init_cpu(void);
void la_timer_init(void);
void la_timer_init_cpu(void);

/*
 * irq.c: the first MADT entry of this type at least `min_length` bytes
 * long; NULL without an MADT or such an entry.
 */
const uint8_t *la_madt_entry(uint8_t type, uint8_t min_length);

/*
 * eiointc.c: the extended I/O interrupt controller. la_eiointc_init() (boot
 * CPU, once) routes every vector to the boot CPU's core and to one of its
 * hardware lines, all disabled, and returns that line (INT_HWI0 + n).
 * la_eiointc_enable() lets vectors first .. first + count - 1 through.
 * la_eiointc_claim(), on the core the interrupt reached: the lowest
 * pending vector, acknowledged (cleared) at the controller; -1 for none.
 */
unsigned la_eiointc_init(void);
void la_eiointc_enable(unsigned first, unsigned count);
int la_eiointc_claim(void);

/*
 * pch_pic.c: the bridge's interrupt controller, whose inputs are the
 * device lines (ACPI GSIs). la_pch_pic_init() (boot CPU, once, after
 * la_eiointc_init) masks them all and gives each input an EIOINTC vector;
 * false when there is no usable one. la_pch_pic_mask() masks or unmasks a
 * GSI: false when it is not one of the controller's inputs.
 * la_pch_pic_gsi() gives the GSI behind an EIOINTC vector: false when the
 * vector is not one of the controller's.
 */
bool la_pch_pic_init(void);
bool la_pch_pic_mask(unsigned gsi, bool masked);
bool la_pch_pic_gsi(unsigned vector, unsigned *gsi);

/* The stable counter's frequency in Hz (timer.c; valid after la_timer_init). */
extern uint64_t la_counter_hz;

#endif /* __ASSEMBLER__ */
#endif /* PLATFORM_LOONGARCH_H */
