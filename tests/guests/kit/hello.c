// SPDX-License-Identifier: GPL-2.0
/* Prints through the 8250, then the command line, the e820 map and the initrd's first bytes. */
#include "kit.h"

/* The initrd the VMM loaded: its size and its first bytes, printable ones only. */
static void print_initrd(void)
{
	uint32_t addr, size, i;
	char head[33];

	memcpy(&addr, boot_params + BP_RAMDISK_IMAGE, 4);
	memcpy(&size, boot_params + BP_RAMDISK_SIZE, 4);
	if (!size)
		return;
	for (i = 0; i < size && i < sizeof(head) - 1; i++) {
		char c = ((const char *)(uintptr_t)addr)[i];

		head[i] = c >= 0x20 && c < 0x7f ? c : '.';
	}
	head[i] = '\0';
	kit_printf("KIT-INITRD size=%u head=\"%s\"\n", size, head);
}

int kit_main(void)
{
	const struct e820_entry *e;
	unsigned n = kit_e820(&e), i;

	kit_puts("KIT-HELLO from a kit guest\n");
	for (i = 0; i < n; i++)
		kit_printf("KIT-E820 %lx-%lx type=%u\n", e[i].addr, e[i].addr + e[i].size - 1,
			   e[i].type);
	print_initrd();
	return 0;
}
