// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the CPU hotplug registers as the DSDT's CSCN method does: which
 * vCPUs are present; then, on each CPU-hotplug event of the Generic Event
 * Device (vcpu-set), which vCPUs changed, that reading cleared them, and
 * which are present now. Polls the GED's register where Linux takes its
 * interrupt. Two events, then the end kit.end= says.
 */
#include "kit.h"

#define GED_PORT 0x604
#define GED_CPU_HOTPLUG 0x2
#define CPUHP_PORT 0x620
#define CPUHP_CHANGED (CPUHP_PORT + 32) /* after eight words of present bits */

int kit_main(void)
{
	unsigned events;

	kit_printf("KIT-CPUHP present=%x\n", inl(CPUHP_PORT));
	for (events = 0; events < 2; events++) {
		uint32_t changed, again;

		while (!(inl(GED_PORT) & GED_CPU_HOTPLUG))
			__asm__ volatile("pause");
		changed = inl(CPUHP_CHANGED);
		again = inl(CPUHP_CHANGED);
		kit_printf("KIT-CPUHP-EVENT changed=%x again=%x present=%x\n", changed, again,
			   inl(CPUHP_PORT));
	}
	return 0;
}
