// SPDX-License-Identifier: GPL-2.0
/* Reads lines from the UART (polling) and prints each back: KIT-ECHO:<line>. */
#include "kit.h"

int kit_main(void)
{
	char line[128];
	unsigned n = 0;

	kit_puts("KIT-ECHO-READY\n");
	for (;;) {
		char c;

		while (!(inb(0x3f8 + 5) & 0x01)) /* LSR: data ready */
			__asm__ volatile("pause");
		c = (char)inb(0x3f8);
		if (c == '\r' || c == '\n' || n == sizeof(line) - 1) {
			line[n] = '\0';
			kit_printf("KIT-ECHO:%s\n", line);
			n = 0;
			continue;
		}
		line[n++] = c;
	}
}
