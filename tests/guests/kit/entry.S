/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kit guests' entry points, where Linux has them: the 32-bit entry at
 * the image's start (unused: the kit needs the 64-bit boot protocol) and the
 * 64-bit entry 0x200 bytes in, with %rsi pointing at boot_params, paging on
 * and the loader's identity map in place.
 *
 * A third, PVH entry (the Xen ELF note below) lets other VMMs boot the very
 * same guest from its ELF file: QEMU's -M microvm -kernel guest.elf. It comes
 * in 32-bit protected mode without paging and %ebx at hvm_start_info, builds
 * its own identity map of 4 GiB, enters long mode, and turns the start info
 * into the boot_params the rest of the kit reads.
 */
	.section .text.entry, "ax"
	.code32
	.globl entry32
entry32:
	cli
1:	hlt
	jmp 1b

	.globl entry_pvh
entry_pvh:
	cli
	cld
	movl %ebx, %esi
	movl $pvh_tables, %edi
	movl $(PVH_TABLES_SIZE / 4), %ecx
	xorl %eax, %eax
	rep stosl
	movl $pvh_pdpt + 3, pvh_pml4
	movl $pvh_pd + 3, %eax
	movl $pvh_pdpt, %edi
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 2b
	movl $0x83, %eax		/* present, writable, 2 MiB */
	xorl %edx, %edx
	movl $pvh_pd, %edi
	movl $2048, %ecx
3:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 3b
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $pvh_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl $0x100, %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG, PE */
	movl %eax, %cr0
	lgdt pvh_gdt_desc
	ljmp $0x08, $pvh_long_mode

	.code64
pvh_long_mode:
	movl $0x10, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %esi, %edi
	leaq stack_top(%rip), %rsp
	call kit_pvh_boot_params
	movq %rax, %rsi
	jmp entry64

	.balign 8
pvh_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* data */
pvh_gdt_desc:
	.word pvh_gdt_desc - pvh_gdt - 1
	.long pvh_gdt

	.org 0x200
	.code64
	.globl entry64
entry64:
	cli
	cld
	/* Zero .bss: a restarted guest must not see the old one's state. */
	movq %rsi, %r12
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	leaq stack_top(%rip), %rsp
	movq %r12, %rdi
	call kit_start
2:	cli
	hlt
	jmp 2b

	.section .bss
	.balign 16
stack:
	.skip 16384
stack_top:

	/* Outside .bss: entry64 zeroes .bss while these tables are in use. */
	.set PVH_TABLES_SIZE, 6 * 4096
	.section .pvh, "aw", @nobits
	.balign 4096
pvh_tables:
pvh_pml4:
	.skip 4096
pvh_pdpt:
	.skip 4096
pvh_pd:
	.skip 4 * 4096
	.globl pvh_boot_params
pvh_boot_params:
	.skip 4096

	/* XEN_ELFNOTE_PHYS32_ENTRY: where a PVH loader enters. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18
	.asciz "Xen"
	.long entry_pvh

	.section .note.GNU-stack, "", @progbits
