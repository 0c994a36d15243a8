// SPDX-License-Identifier: GPL-2.0
/* Faults with an empty IDT: #UD, then #DF, then a triple fault (a reset). */
#include "kit.h"

int kit_main(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	kit_puts("KIT-TRIPLEFAULT\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty_idt));
	return 1;
}
