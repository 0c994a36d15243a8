// SPDX-License-Identifier: GPL-2.0
/* Prints through the 8250, then the command line and the e820 map. */
#include "kit.h"

int kit_main(void)
{
	const struct e820_entry *e;
	unsigned n = kit_e820(&e), i;

	kit_puts("KIT-HELLO from a kit guest\n");
	for (i = 0; i < n; i++)
		kit_printf("KIT-E820 %lx-%lx type=%u\n", e[i].addr, e[i].addr + e[i].size - 1,
			   e[i].type);
	return 0;
}
