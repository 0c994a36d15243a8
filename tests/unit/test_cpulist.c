// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/cpulist.c: xl's cpus= lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/cpulist.h"
#include "tap.h"

/* The set CPUs below 8 as a string such as "0,1,3". */
static void expect(const char *list, const char *want)
{
	struct cpumap map = { .bits = (unsigned char[2]){ 0 }, .nbits = 16 };
	char got[64] = "", *err = NULL;
	unsigned cpu;

	if (!ok(cpulist_parse(list, &map, &err), "'%s' parses", list)) {
		printf("#   %s\n", err);
		free(err);
		return;
	}
	for (cpu = 0; cpu < 16; cpu++)
		if (cpumap_test(&map, cpu))
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u",
				 *got ? "," : "", cpu);
	is_str(got, want, "  its CPUs");
}

static void rejects(const char *list)
{
	struct cpumap map = { .bits = (unsigned char[2]){ 0 }, .nbits = 16 };
	char *err = NULL;

	ok(!cpulist_parse(list, &map, &err) && err, "'%s' is rejected: %s", list, err ? err : "");
	free(err);
}

int main(void)
{
	expect("0-3,^2", "0,1,3");
	expect("5", "5");
	expect("^2", "");
	expect("1-2,^1", "2");
	expect("all", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15");
	expect("all,^0-13", "14,15");
	expect("3,99", "3"); /* CPUs the host lacks are dropped, as libxl does */
	rejects("");
	rejects("x");
	rejects("3-1");
	rejects("^all");
	rejects("1-");
	rejects("-1");
	rejects("nodes:4096");
	return done_testing();
}
