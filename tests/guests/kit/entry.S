/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kit guests' entry points, where Linux has them: the 32-bit entry at
 * the image's start (unused: the kit needs the 64-bit boot protocol) and the
 * 64-bit entry 0x200 bytes in, with %rsi pointing at boot_params, paging on
 * and the loader's identity map in place.
 */
	.section .text.entry, "ax"
	.code32
	.globl entry32
entry32:
	cli
1:	hlt
	jmp 1b

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

	.section .note.GNU-stack, "", @progbits
