// SPDX-License-Identifier: GPL-2.0
#include "parsers/cpulist.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

void cpumap_init_host(struct cpumap *map)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	if (n < 1)
		n = 1;
	map->nbits = (unsigned)((n + 7) / 8 * 8);
	map->bits = xcalloc(map->nbits / 8, 1);
}

void cpumap_free(struct cpumap *map)
{
	free(map->bits);
	map->bits = NULL;
	map->nbits = 0;
}

bool cpumap_test(const struct cpumap *map, unsigned cpu)
{
	return cpu < map->nbits && (map->bits[cpu / 8] >> (cpu % 8)) & 1;
}

static void set(struct cpumap *map, unsigned long cpu, bool on)
{
	if (!map || cpu >= map->nbits)
		return; /* like libxl: CPUs the host lacks are dropped */
	if (on)
		map->bits[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	else
		map->bits[cpu / 8] &= (uint8_t) ~(1u << (cpu % 8));
}

/* "N" or "N-M" with M >= N, nothing else. */
static bool range(const char *s, unsigned long *a, unsigned long *b)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*a = *b = strtoul(s, &end, 10);
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return false;
		*b = strtoul(end + 1, &end, 10);
	}
	return !errno && !*end && *b >= *a && *b < 65536;
}

static bool apply(const char *item, struct cpumap *map, char **err);

/* Adds or removes every CPU of NUMA node n, as the host's sysfs lists them. */
static bool apply_node(unsigned long n, bool remove, struct cpumap *map, char **err)
{
	char *path = xasprintf("/sys/devices/system/node/node%lu/cpulist", n);
	char *text = read_file(path, NULL), *save = NULL, *item;
	bool ok = true;

	free(path);
	if (!text) {
		*err = xasprintf("NUMA node %lu does not exist on this host", n);
		return false;
	}
	text[strcspn(text, "\n")] = '\0';
	for (item = strtok_r(text, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		char *one = xasprintf("%s%s", remove ? "^" : "", item);

		ok = apply(one, map, err);
		free(one);
	}
	free(text);
	return ok;
}

static bool apply(const char *item, struct cpumap *map, char **err)
{
	bool remove = *item == '^', nodes = false;
	unsigned long a, b;

	if (remove)
		item++;
	if (!strncmp(item, "node:", 5) || !strncmp(item, "nodes:", 6)) {
		item = strchr(item, ':') + 1;
		nodes = true;
	}
	if (!strcmp(item, "all")) {
		if (remove) {
			*err = xstrdup("'^all' cannot be used");
			return false;
		}
		if (map)
			memset(map->bits, 0xff, map->nbits / 8);
		return true;
	}
	if (!range(item, &a, &b)) {
		*err = xasprintf("'%s' is not a CPU or a range such as 2-5", item);
		return false;
	}
	for (; a <= b; a++) {
		if (!nodes)
			set(map, a, !remove);
		else if (map && !apply_node(a, remove, map, err))
			return false;
	}
	return true;
}

bool cpulist_parse(const char *list, struct cpumap *map, char **err)
{
	char *copy = xstrdup(list), *save = NULL, *item;
	bool ok = true, any = false;

	for (item = strtok_r(copy, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		ok = apply(item, map, err);
		any = true;
	}
	if (ok && !any) {
		*err = xstrdup("an empty CPU list");
		ok = false;
	}
	free(copy);
	return ok;
}

bool cpulist_valid(const char *list, char **err)
{
	struct cpumap map;
	bool ok;

	cpumap_init_host(&map);
	ok = cpulist_parse(list, &map, err);
	cpumap_free(&map);
	return ok;
}
