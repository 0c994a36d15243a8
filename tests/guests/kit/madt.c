// SPDX-License-Identifier: GPL-2.0
/*
 * Counts the CPUs the MADT describes, enabled and online-capable (those CPU
 * hotplug may add), and its IO-APICs.
 */
#include "kit.h"

int kit_main(void)
{
	const uint8_t *madt = acpi_table("APIC");
	unsigned cpus = 0, capable = 0, ioapics = 0;
	uint32_t len, i;

	if (!madt) {
		kit_puts("KIT-MADT missing\n");
		return 1;
	}
	memcpy(&len, madt + 4, 4);
	for (i = 44; i + 2 <= len && madt[i + 1]; i += madt[i + 1]) {
		uint32_t flags;

		switch (madt[i]) {
		case 0: /* Processor Local APIC */
			memcpy(&flags, madt + i + 4, 4);
			cpus += flags & 1;
			capable += (flags & 3) == 2;
			break;
		case 9: /* Processor Local x2APIC */
			memcpy(&flags, madt + i + 8, 4);
			cpus += flags & 1;
			capable += (flags & 3) == 2;
			break;
		case 1:
			ioapics++;
			break;
		}
	}
	kit_printf("KIT-MADT cpus=%u capable=%u ioapics=%u\n", cpus, capable, ioapics);
	return 0;
}
