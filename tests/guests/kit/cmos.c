// SPDX-License-Identifier: GPL-2.0
/* Reads the date and time from the CMOS RTC (ports 0x70/0x71). */
#include "kit.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned field(uint8_t reg, bool bcd)
{
	uint8_t v = cmos(reg);

	return bcd ? (unsigned)(v >> 4) * 10 + (v & 15) : v;
}

int kit_main(void)
{
	unsigned spins = 1000000;
	bool bcd;

	while ((cmos(0x0a) & 0x80) && --spins) /* update in progress */
		;
	bcd = !(cmos(0x0b) & 0x04);
	kit_printf("KIT-CMOS 20%02u-%02u-%02u %02u:%02u:%02u valid=%u\n", field(0x09, bcd),
		   field(0x08, bcd), field(0x07, bcd), field(0x04, bcd), field(0x02, bcd),
		   field(0x00, bcd), cmos(0x0d) >> 7);
	return 0;
}
