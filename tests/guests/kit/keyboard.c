// SPDX-License-Identifier: GPL-2.0
/*
 * The PS/2 keyboard behind the i8042, probed as Linux's atkbd does (reset,
 * identify, enable), then polled for scan codes: Ctrl-Alt-Del (what xlc
 * reboot presses) makes it reboot through the controller.
 */
#include "kit.h"

static uint8_t read_byte(void)
{
	unsigned long spins = 100000000;

	while (!(inb(0x64) & 0x01) && --spins)
		__asm__ volatile("pause");
	return inb(0x60);
}

int kit_main(void)
{
	uint8_t reset[2], id[3], ack, seen[8];
	unsigned n = 0;

	outb(0x60, 0xff);
	reset[0] = read_byte();
	reset[1] = read_byte();
	outb(0x60, 0xf2);
	id[0] = read_byte();
	id[1] = read_byte();
	id[2] = read_byte();
	outb(0x60, 0xf4);
	ack = read_byte();
	kit_printf("KIT-KBD reset=%x,%x id=%x,%x,%x enable=%x\n", reset[0], reset[1], id[0], id[1],
		   id[2], ack);
	for (;;) {
		while (!(inb(0x64) & 0x01))
			__asm__ volatile("pause");
		seen[n++ % 8] = inb(0x60);
		if (n >= 4 && seen[(n - 4) % 8] == 0x1d && seen[(n - 3) % 8] == 0x38 &&
		    seen[(n - 2) % 8] == 0xe0 && seen[(n - 1) % 8] == 0x53)
			break;
	}
	kit_puts("KIT-CTRL-ALT-DEL\n");
	return 0; /* kit.end=reboot: through the i8042 */
}
