// SPDX-License-Identifier: GPL-2.0
/*
 * Waits for the ACPI power button (xlc shutdown): polls the Generic Event
 * Device's event register, as the guest's GED driver would on its
 * interrupt, then powers off (kit.end=poweroff).
 */
#include "kit.h"

#define GED_PORT 0x604
#define GED_POWER_BUTTON 0x1

int kit_main(void)
{
	kit_puts("KIT-BUTTON-WAITING\n");
	while (!(inl(GED_PORT) & GED_POWER_BUTTON))
		__asm__ volatile("pause");
	kit_puts("KIT-POWER-BUTTON\n");
	return 0;
}
