/*
 * platforms/pc_riscv64/cpu.c - HAL cpu contract for riscv64.
 */
#include <base/printf.h>
#include <core/log.h>
#include <hal/cpu.h>

#define SSTATUS_SIE (1UL << 1)

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	8

/* SBI (RISC-V Supervisor Binary Interface) extensions and functions used here. */
#define SBI_EXT_BASE		 0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_SRST		 0x53525354 /* "SRST": system reset */
#define SBI_SRST_RESET		 0
#define SBI_SRST_TYPE_SHUTDOWN	 0
#define SBI_SRST_REASON_NONE	 0
#define SBI_EXT_LEGACY_SHUTDOWN	 0x08

__noreturn void hal_cpu_halt(void)
{
	/* wfi may return spuriously at any time (the ISA allows it). */
	__asm__ volatile("csrc sstatus, %0" ::"r"(SSTATUS_SIE) : "memory");
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

unsigned hal_cpu_id(void)
{
	return 0; /* one hart until SMP bring-up (scheduling work) */
}

unsigned long hal_irq_save(void)
{
	unsigned long sstatus;

	/* csrrc reads sstatus and clears SIE in one instruction: no window between the two. */
	__asm__ volatile("csrrc %0, sstatus, %1" : "=r"(sstatus) : "r"(SSTATUS_SIE) : "memory");
	return sstatus & SSTATUS_SIE;
}

void hal_irq_restore(unsigned long state)
{
	/* csrs sets the bits given: SIE if it was set at the save, nothing otherwise. */
	__asm__ volatile("csrs sstatus, %0" : : "r"(state & SSTATUS_SIE) : "memory");
}

/* A CSR's value; csrr encodes the CSR's number, so it takes a name, not a variable. */
#define READ_CSR(name)                                          \
	({                                                      \
		unsigned long v_;                               \
		__asm__ volatile("csrr %0, " #name : "=r"(v_)); \
		v_;                                             \
	})

void hal_cpu_print_registers(void)
{
	uint64_t x[32]; /* indexed by register number; x0 is always zero and not stored */

	/* x1..x31 at this point of the call, stored before C disturbs them more. */
	__asm__ volatile("sd x1, 8(%0)\n\tsd x2, 16(%0)\n\tsd x3, 24(%0)\n\tsd x4, 32(%0)\n\t"
			 "sd x5, 40(%0)\n\tsd x6, 48(%0)\n\tsd x7, 56(%0)\n\tsd x8, 64(%0)\n\t"
			 "sd x9, 72(%0)\n\tsd x10, 80(%0)\n\tsd x11, 88(%0)\n\tsd x12, 96(%0)\n\t"
			 "sd x13, 104(%0)\n\tsd x14, 112(%0)\n\tsd x15, 120(%0)\n\t"
			 "sd x16, 128(%0)\n\tsd x17, 136(%0)\n\tsd x18, 144(%0)\n\t"
			 "sd x19, 152(%0)\n\tsd x20, 160(%0)\n\tsd x21, 168(%0)\n\t"
			 "sd x22, 176(%0)\n\tsd x23, 184(%0)\n\tsd x24, 192(%0)\n\t"
			 "sd x25, 200(%0)\n\tsd x26, 208(%0)\n\tsd x27, 216(%0)\n\t"
			 "sd x28, 224(%0)\n\tsd x29, 232(%0)\n\tsd x30, 240(%0)\n\tsd x31, 248(%0)"
			 :
			 : "r"(x)
			 : "memory");

	/* One line per ABI group, as the calling convention names them: the x-number of each. */
	static const struct {
		char name[4];
		unsigned char reg;
	} lines[][4] = {
		{ { "ra", 1 }, { "sp", 2 }, { "gp", 3 }, { "tp", 4 } },
		{ { "t0", 5 }, { "t1", 6 }, { "t2", 7 }, { "t3", 28 } },
		{ { "t4", 29 }, { "t5", 30 }, { "t6", 31 } },
		{ { "s0", 8 }, { "s1", 9 }, { "s2", 18 }, { "s3", 19 } },
		{ { "s4", 20 }, { "s5", 21 }, { "s6", 22 }, { "s7", 23 } },
		{ { "s8", 24 }, { "s9", 25 }, { "s10", 26 }, { "s11", 27 } },
		{ { "a0", 10 }, { "a1", 11 }, { "a2", 12 }, { "a3", 13 } },
		{ { "a4", 14 }, { "a5", 15 }, { "a6", 16 }, { "a7", 17 } },
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char line[128];
		size_t len = 0;

		for (size_t j = 0; j < 4 && lines[i][j].reg != 0; j++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "  %-3s %016llx",
						lines[i][j].name,
						(unsigned long long)x[lines[i][j].reg]);
		log_error("%s\n", line);
	}
	log_error("  sstatus %016lx  satp  %016lx  sie  %016lx\n", READ_CSR(sstatus),
		  READ_CSR(satp), READ_CSR(sie));
	log_error("  stvec   %016lx  scause %016lx  stval %016lx  sepc %016lx\n", READ_CSR(stvec),
		  READ_CSR(scause), READ_CSR(stval), READ_CSR(sepc));
}

/* The lowest address of the upper half in the paging mode the hart runs: the kernel's half. */
static uintptr_t upper_half_start(void)
{
	unsigned long mode = READ_CSR(satp) >> SATP_MODE_SHIFT;
	unsigned va_bits = mode == SATP_MODE_SV39 ? 39 : 48;

	return ~(uintptr_t)0 << (va_bits - 1);
}

bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address)
{
	/*
	 * clang's riscv64 frame record (-fno-omit-frame-pointer): the prologue
	 * stores ra at [sp_entry - 8] and the caller's s0 at [sp_entry - 16],
	 * then sets s0 = sp_entry. So s0 points just ABOVE the record.
	 */
	if (fp % 8 != 0 || fp < upper_half_start() + 16)
		return false;
	const uintptr_t *frame = (const uintptr_t *)fp;

	*return_address = frame[-1];
	*caller_fp = frame[-2];
	return true;
}

struct sbiret {
	long error; /* 0: success; negative: an SBI error code */
	long value;
};

static struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
			      unsigned long arg1)
{
	/* The SBI calling convention: a7 extension, a6 function, a0/a1 in and out. */
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

__noreturn void hal_power_off(void)
{
	/*
	 * SBI System Reset, when the base extension says the SBI has it (SBI
	 * 0.3 and later). A successful call does not return.
	 */
	struct sbiret probe = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_SRST, 0);

	if (probe.error == 0 && probe.value != 0)
		sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			 SBI_SRST_REASON_NONE);
	/* The legacy (SBI 0.1) shutdown: an SBI without it returns an error here. */
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
	log_error("power-off failed: halting\n");
	hal_cpu_halt();
}
