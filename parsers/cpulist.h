/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists as xl.cfg's cpus= writes them: "0-3,^2", "all", "5". Ranges add
 * CPUs, '^' removes them, in order; "nodes:0-1" stands for the CPUs of those
 * NUMA nodes, as the host's sysfs lists them.
 */
#ifndef XLC_CPULIST_H
#define XLC_CPULIST_H

#include <stdbool.h>
#include <stdint.h>

struct cpumap {
	uint8_t *bits;
	unsigned nbits; /* a multiple of 8, as libxl sizes its bitmaps */
};

/* An empty map large enough for this host's CPUs (rounded up to 8). */
void cpumap_init_host(struct cpumap *map);
void cpumap_free(struct cpumap *map);
bool cpumap_test(const struct cpumap *map, unsigned cpu);

/* Applies list to map; false with a message in *err on a bad list. */
bool cpulist_parse(const char *list, struct cpumap *map, char **err);

/* Checks a list against this host (a NUMA node must exist). */
bool cpulist_valid(const char *list, char **err);

#endif
