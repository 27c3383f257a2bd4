/*
 * boot/loader/arch/x86_64/x86.h - what paging.c, mp.c and the trampoline share.
 *
 * Included by C and by assembly: the layout of the AP trampoline's data
 * block is written by mp.c and read by ap_trampoline.S, so its offsets
 * live here, once.
 */
#ifndef LOADER_X86_64_X86_H
#define LOADER_X86_64_X86_H

#define HHDM_4LEVEL 0xffff800000000000

#define MSR_EFER      0xc0000080
#define MSR_PAT	      0x277
#define MSR_APIC_BASE 0x1b
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define CR0_WP	      (1 << 16)

/* IA32_PAT as Limine sets it: PA0 WB, PA1 WT, PA2 UC-, PA3 UC, PA4 WP, PA5 WC. */
#define PAT_LIMINE 0x0000010500070406

/*
 * The AP trampoline's data block (ap_trampoline.S, ap_data), as offsets
 * from its start. mp.c fills it in the low page before each start.
 */
#define AP_GDT	      0x00 /* the protocol's seven descriptors */
#define AP_GDTR_LOW   0x3e /* limit, base32: the GDT's physical address (16-bit lgdtl) */
#define AP_GDTR_HIGH  0x4e /* limit, base64: its HHDM address, as the BSP gets */
#define AP_FAR_JUMP   0x60 /* offset32, selector16: into the 64-bit code, identity-mapped */
#define AP_CR3_TRANS  0x68 /* transitional PML4, below 4 GiB */
#define AP_CR3_FINAL  0x70 /* the kernel's PML4 */
#define AP_HIGH_ENTRY 0x78 /* HHDM address of ap_high */
#define AP_EFER	      0x80
#define AP_CR4	      0x88
#define AP_CR0	      0x90
#define AP_PAT	      0x98
#define AP_INFO	      0xa0 /* the starting CPU's limine_mp_info, HHDM address */
#define AP_BOOTED     0xa8 /* u32: the CPU writes 1 once it no longer reads this block */
#define AP_DATA_SIZE  0xb0

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* paging.c: the kernel's PML4 (physical) and whether EFER.NXE is wanted. */
uint64_t x86_kernel_pml4(void);
bool x86_has_nx(void);

/* The protocol's GDT (fact sheet 6.2), for the BSP and the APs alike. */
extern const uint64_t x86_limine_gdt[7];

#endif /* __ASSEMBLER__ */
#endif /* LOADER_X86_64_X86_H */
