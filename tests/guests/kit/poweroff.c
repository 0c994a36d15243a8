// SPDX-License-Identifier: GPL-2.0
/* Powers off through the ACPI sleep register, as Linux's poweroff does. */
#include "kit.h"

int kit_main(void)
{
	kit_poweroff();
}
