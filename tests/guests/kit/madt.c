// SPDX-License-Identifier: GPL-2.0
/* Counts the enabled CPUs and the IO-APICs the MADT describes. */
#include "kit.h"

int kit_main(void)
{
	const uint8_t *madt = acpi_table("APIC");
	unsigned cpus = 0, ioapics = 0;
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
			break;
		case 9: /* Processor Local x2APIC */
			memcpy(&flags, madt + i + 8, 4);
			cpus += flags & 1;
			break;
		case 1:
			ioapics++;
			break;
		}
	}
	kit_printf("KIT-MADT cpus=%u ioapics=%u\n", cpus, ioapics);
	return 0;
}
