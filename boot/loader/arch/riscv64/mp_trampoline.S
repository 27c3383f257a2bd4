/*
 * boot/loader/arch/riscv64/mp_trampoline.S - where a hart the SBI starts begins.
 *
 * mp.c copies riscv_mp_trampoline..riscv_mp_trampoline_end into one page
 * of reclaimable memory, fills the three words at riscv_mp_tramp_data in
 * the copy, and starts each hart there with SBI HSM hart_start. The code
 * is position-independent (lla is pc-relative), so it runs at the copy's
 * physical address first and at its HHDM alias afterwards.
 *
 * On entry (SBI HSM, hart_start): S-mode, satp = 0 (Bare: addresses are
 * physical), sstatus.SIE = 0; a0 = the hart ID, a1 = the opaque argument:
 * the physical address of this hart's struct mp_start_block (mp.c):
 *   +0  the hart's struct limine_mp_info, HHDM address
 *   +8  the check-in word: 0 while starting; 1 once the hart arrived here
 *       and 2 once it is parked (both written by the hart); 3 once the
 *       boot hart gave up waiting (written by the boot hart)
 * Every other register is unspecified.
 *
 * Steps: mask interrupts (sie = 0, SIE = 0) and swap 1 into the check-in
 * word. If the boot hart already wrote 3, this hart came too late: nobody
 * counts on it, and it leaves for the SBI with hart_stop at once, still in
 * Bare mode, before it touches any page table the kernel may have
 * reclaimed. Otherwise: point stvec at a dead end so a stray trap parks
 * the hart instead of running into memory, FS/VS Off; write the
 * transitional satp (the kernel's tables plus this page identity-mapped),
 * jump to this page's HHDM alias, write the kernel's own satp: from here on
 * the hart is in the kernel's final address space. sp = info->reserved.
 * Then swap 2 into the check-in word, and if that finds 3 (the boot hart
 * gave up in the few instructions since), stop the same way. Otherwise
 * spin until info->goto_address is non-zero.
 *
 * On exit (Limine protocol, riscv64 MP): satp = the kernel's root,
 * sstatus.SIE = 0, sie = 0, FS = VS = Off, stvec = 0 as on the boot hart;
 * pc = t0 = goto_address, a0 = the info's HHDM address, sp =
 * info->reserved, every other general-purpose register 0 (gp too: the
 * protocol leaves it unspecified, and 0 says "not set" as on the boot hart).
 */
#define SSTATUS_SIE	(1 << 1)
#define SSTATUS_FS_VS	((3 << 13) | (3 << 9))

#define SBI_EXT_HSM	0x48534D
#define SBI_HSM_STOP	1

#define CHECKIN_ARRIVED	 1
#define CHECKIN_PARKED	 2
#define CHECKIN_ABANDONED 3

/* struct limine_mp_info (riscv64). */
#define INFO_RESERVED	16
#define INFO_GOTO	24

	.text
	.globl	riscv_mp_trampoline, riscv_mp_tramp_data, riscv_mp_trampoline_end
	.balign	8
riscv_mp_trampoline:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	li	t0, CHECKIN_ARRIVED
	addi	t1, a1, 8
	amoswap.d.aqrl t0, t0, (t1)
	li	t1, CHECKIN_ABANDONED
	beq	t0, t1, mp_give_up

	lla	t0, mp_dead_end
	csrw	stvec, t0
	li	t0, SSTATUS_FS_VS
	csrc	sstatus, t0

	lla	t2, riscv_mp_tramp_data
	ld	t0, 0(t2)		/* transitional satp */
	ld	t1, 8(t2)		/* the kernel's satp */
	ld	t2, 16(t2)		/* HHDM offset */
	/*
	 * The first sfence.vma orders the table stores the boot hart made
	 * before this hart's walks; the second drops whatever this hart may
	 * still cache from before the SBI stopped it.
	 */
	sfence.vma
	csrw	satp, t0
	sfence.vma
	lla	t3, 1f
	add	t3, t3, t2
	add	a1, a1, t2		/* the start block, through the direct map */
	jr	t3
1:	csrw	satp, t1		/* the kernel's tables: no lower half any more */
	sfence.vma
	lla	t0, mp_dead_end		/* pc-relative: now the HHDM alias */
	csrw	stvec, t0

	ld	a0, 0(a1)		/* info, HHDM */
	ld	sp, INFO_RESERVED(a0)
	li	t0, CHECKIN_PARKED
	addi	t1, a1, 8
	amoswap.d.aqrl t0, t0, (t1)
	li	t1, CHECKIN_ABANDONED
	beq	t0, t1, mp_give_up

	/* Parked: the kernel releases the hart by storing its entry here. */
2:	ld	t0, INFO_GOTO(a0)
	bnez	t0, 3f
	/* pause (Zihintpause), a hint encoded as a fence: a plain fence on harts without it. */
	.insn	i 0x0f, 0, x0, x0, 0x010
	j	2b
3:	/* Acquire: what the kernel wrote before goto_address (extra_argument) is visible now. */
	fence	r, rw
	csrw	stvec, zero
	.irp	r, ra, gp, tp, t1, t2, s0, s1, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
	li	\r, 0
	.endr
	jr	t0

mp_give_up:
	/* The boot hart reported this hart absent: back to the SBI, which does not return. */
	li	a7, SBI_EXT_HSM
	li	a6, SBI_HSM_STOP
	ecall
	/* stvec's base must be 4-byte aligned; a trap here loops here, touching nothing. */
	.balign	4
mp_dead_end:
	wfi
	j	mp_dead_end

	.balign	8
riscv_mp_tramp_data:
	.dword	0	/* transitional satp */
	.dword	0	/* the kernel's satp */
	.dword	0	/* HHDM offset */
riscv_mp_trampoline_end:
