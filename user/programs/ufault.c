/*
 * user/programs/ufault.c - a program that breaks a rule on purpose, chosen
 * by its argument, so the `user` suite can check that the kernel kills it
 * (and only it) with the fault recorded. Modes:
 *
 *   0 load from NULL           4 load from the kernel image
 *   1 store into its own code  5 spin in two threads until killed
 *   2 run its own data         6 store into memory it made read-only
 *   3 an undefined instruction 7 overflow its stack into the guard page
 *                              8 a floating-point instruction
 *
 * Modes 3 and 8 are encoded by hand: the programs are built integer-only
 * (the assembler refuses FP instructions), and clang's __builtin_trap() is
 * not an undefined instruction everywhere (aarch64 brk, a breakpoint;
 * loongarch64 an amswap whose outcome the manual leaves undefined).
 */
#include <base/compiler.h>
#include <keel/user.h>

#if defined(__x86_64__)
#define UNDEFINED_INSN "ud2"
#define FP_INSN	       ".byte 0x0f, 0x57, 0xc0" /* xorps %xmm0, %xmm0 (CR0.EM set: #UD) */
#elif defined(__aarch64__)
#define UNDEFINED_INSN "udf #0"
#define FP_INSN	       ".inst 0x9e6703e0" /* fmov d0, xzr (CPACR_EL1.FPEN = 0) */
#elif defined(__riscv)
#define UNDEFINED_INSN "unimp"
#define FP_INSN	       ".4byte 0xf2000053" /* fmv.d.x f0, zero (sstatus.FS = Off) */
#elif defined(__loongarch__)
#define UNDEFINED_INSN ".word 0"	  /* no instruction: INE */
#define FP_INSN	       ".word 0x0114a800" /* movgr2fr.d $fa0, $zero (EUEN.FPE = 0: FPD) */
#else
#error "ufault: no encodings for this architecture"
#endif

static volatile uint64_t sink;
static uint8_t data_page[64] __aligned(16);

static uint64_t spin(uint64_t arg)
{
	for (;;)
		sink += arg;
}

static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth == UINT64_MAX) /* never: 64 KiB of stack runs out long before */
		return 0;
	return recurse(depth + 1) + frame[0];
}

uint64_t main(uint64_t mode)
{
	switch (mode) {
	case 0:
		return *(volatile uint64_t *)(uintptr_t)sink; /* sink is 0 */
	case 1:
		*(volatile uint8_t *)(uintptr_t)main = 0;
		break;
	case 2:
		((void (*)(void))(uintptr_t)data_page)();
		break;
	case 3:
		__asm__ volatile(UNDEFINED_INSN);
		break;
	case 4:
		return *(volatile uint64_t *)(uintptr_t)UINT64_C(0xffffffff80000000);
	case 5:
		keel_thread_create(spin, 1, 0);
		keel_puts("ufault: spinning\n");
		return spin(2);
	case 6: {
		struct syscall_result r = sys_mem_map(4096, SYS_PROT_READ | SYS_PROT_WRITE, 0);
		volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)r.value;

		m[0] = 1;
		sys_mem_protect(r.value, SYS_PROT_READ);
		m[0] = 2;
		break;
	}
	case 7:
		return recurse(0);
	case 8:
		__asm__ volatile(FP_INSN);
		break;
	}
	return 0x600d; /* not reached when the kernel does its job */
}
