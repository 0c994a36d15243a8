// SPDX-License-Identifier: GPL-2.0
/* Spins one vCPU forever with interrupts off: a busy, unresponsive guest. */
#include "kit.h"

int kit_main(void)
{
	volatile uint64_t n = 0;

	kit_puts("KIT-SPIN\n");
	for (;;)
		n++;
}
