// SPDX-License-Identifier: GPL-2.0
/* Reboots through the i8042 reset line, as Linux's reboot=k does. */
#include "kit.h"

int kit_main(void)
{
	kit_puts("KIT-REBOOT\n");
	kit_reboot();
}
