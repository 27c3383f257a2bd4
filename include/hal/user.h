/*
 * include/hal/user.h - HAL contract: user mode (requirements S4, M5, M6, Y1).
 *
 * The platform runs user code at the architecture's least privileged level
 * (x86_64 ring 3, aarch64 EL0, riscv64 U-mode, loongarch64 PLV3) and brings
 * every way back into the kernel to one place per kind of event:
 *
 *   a syscall (syscall, svc #0, ecall, syscall 0)   -> kernel_syscall()
 *   an exception taken in user mode                 -> kernel_trap(), info.user
 *   an interrupt taken in user mode                 -> kernel_irq(), as in kernel mode
 *
 * Kernel stack. Each thread that runs user code owns a kernel stack; an
 * entry from user mode saves the user registers in a struct hal_trap_frame
 * at the top of that stack (x86_64 TSS.RSP0 and the syscall path, aarch64
 * and riscv64 and loongarch64 a per-CPU slot read by the vectors). The
 * scheduler names the stack with hal_user_set_kernel_stack() before it
 * switches to such a thread. An entry from user mode never trusts any user
 * register as a kernel pointer (x86_64 also swaps GS only when the trap
 * came from ring 3).
 *
 * The syscall ABI (docs/syscalls.md): number and up to six arguments in,
 * status and value out, in registers:
 *
 *              instruction  number  arguments               status  value
 *   x86_64     syscall      rax     rdi rsi rdx r10 r8 r9   rax     rdx
 *   aarch64    svc #0       x8      x0-x5                   x0      x1
 *   riscv64    ecall        a7      a0-a5                   a0      a1
 *   loongarch64 syscall 0   a7      a0-a5                   a0      a1
 *
 * Every other register is preserved, except rcx and r11 on x86_64 (the
 * instruction itself overwrites them), and arguments 3-5, which a syscall
 * may use for more result words (SYS_IPC_CALL_SHORT): the platform writes
 * the kernel's args->arg[3..5] back into them after every syscall. The return to user mode resumes
 * after the syscall instruction. On x86_64 the return uses sysret only
 * when the return address is canonical, iretq otherwise.
 *
 * Floating point and SIMD are disabled in user mode: the kernel does not
 * save that state (user programs are built integer-only, like the kernel),
 * so such an instruction is an exception, reported as
 * TRAP_ILLEGAL_INSTRUCTION, never silently shared state.
 *
 * Protection: user pages are never executable in kernel mode (x86_64
 * SMEP, aarch64 PXN, and by construction elsewhere), and the kernel reaches
 * user memory only through hal_user_copy(): x86_64 SMAP and aarch64 PAN,
 * where the CPU has them, and riscv64 sstatus.SUM are opened only inside it.
 */
#ifndef HAL_USER_H
#define HAL_USER_H

#include <base/compiler.h>
#include <core/syscall.h>
/*
 * <platform/user.h> defines HAL_USER_ELF_MACHINE, the e_machine of user
 * programs, and HAL_USER_NX_FETCH_HANGS_QEMU where the emulator cannot
 * deliver a fetch fault on a present non-executable page (the user suite
 * then checks the page attributes instead of running the fetch).
 */
#include <platform/user.h>
#include <stddef.h>
#include <stdint.h>

struct hal_trap_frame;

/* The first user context of a thread. */
struct hal_user_context {
	uint64_t pc;  /* first instruction: a user address */
	uint64_t sp;  /* initial stack pointer: user address, 16-byte aligned */
	uint64_t arg; /* in the first argument register (rdi, x0, a0, a0) */
};

/*
 * Once per CPU, from hal_cpu_init(): program the syscall entry (x86_64
 * STAR/LSTAR/FMASK and EFER.SCE; the vectors elsewhere already cover it),
 * turn on SMEP/SMAP or PAN where present, and keep FP/SIMD off for user
 * mode. Interrupts masked.
 */
void hal_user_init_cpu(void);

/*
 * Where the calling CPU saves the user frame on its next entry from user
 * mode: the top of the kernel stack of the thread about to run (16-byte
 * aligned). Called by the scheduler, interrupts masked, before switching
 * to a user thread.
 */
void hal_user_set_kernel_stack(uintptr_t kstack_top);

/*
 * Leave the kernel for user mode for the first time on this thread: build
 * a user frame for `ctx` at kstack_top (every other general register 0,
 * interrupts enabled in user mode) and return through it. kstack_top is
 * the top of the calling thread's kernel stack, the one named by
 * hal_user_set_kernel_stack(); everything on it is abandoned. Calls
 * kernel_user_return() first, like every return to user mode.
 */
__noreturn void hal_user_enter(uintptr_t kstack_top, const struct hal_user_context *ctx);

/*
 * Copy n bytes from src to dst, one of which is a user address range the
 * caller validated (core/usercopy.c). User access is allowed only inside
 * (SMAP stac/clac, PAN, SUM). A fault in it goes to kernel_trap() like any
 * kernel fault; when the kernel cannot resolve it, it moves the trapped pc
 * to hal_user_copy_fault with hal_trap_set_pc(), and the copy returns -1
 * (the bytes before the fault were copied). Returns 0 on success.
 * The code from hal_user_copy_begin to hal_user_copy_end is the copy's
 * only (a leaf function: the fault label just closes user access and
 * returns -1).
 */
int hal_user_copy(void *dst, const void *src, size_t n);
extern const char hal_user_copy_begin[], hal_user_copy_end[], hal_user_copy_fault[];

/*
 * Make the len bytes of code the kernel just wrote at kernel address kva
 * (the direct map) visible to instruction fetches on every CPU, before any
 * user thread runs them (x86_64: nothing; aarch64: clean to PoU and
 * invalidate the I-caches inner-shareable; riscv64: fence.i here and a
 * remote fence.i on the other harts; loongarch64: ibar).
 */
void hal_user_sync_icache(const void *kva, size_t len);

/* Resume the trapped context at `pc` instead (for hal_user_copy_fault). */
void hal_trap_set_pc(struct hal_trap_frame *frame, uintptr_t pc);

/*
 * Implemented by the kernel (kernel/syscall.c): one syscall, called by
 * the platform on the thread's kernel stack with interrupts enabled. The
 * platform copies the result into the status and value registers of the
 * user frame, and args->arg[3..5] into argument registers 3-5. May not
 * return (thread or process exit).
 */
struct syscall_result kernel_syscall(struct syscall_args *args);

/*
 * Implemented by the kernel (kernel/process.c): called with interrupts
 * masked just before any return to user mode (after a syscall, an
 * exception or an interrupt taken in user mode, and from
 * hal_user_enter()). The kernel ends the thread here when its process is
 * being killed. Returns to let the user context resume.
 */
void kernel_user_return(void);

#endif /* HAL_USER_H */
