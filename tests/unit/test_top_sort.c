// SPDX-License-Identifier: GPL-2.0
/*
 * top's row order (top/table.c): rows that tie on the sort column go by
 * name, then by id, whatever order the sample lists them in, so that a
 * refresh never reshuffles them. Two domains of one name (on Xen, a domain
 * and its successor while one dies) only the id tells apart; no test guest
 * can show that, so it is checked here.
 */
#include <stdio.h>
#include <string.h>

#include "top/table.h"
#include "tap.h"

#define NDOMS 5

/* The sorted order as "name/id name/id ...". */
static void sorted(struct domain_stats *doms, const int *listing, enum field f, char *out,
		   size_t len)
{
	struct sample cur = { .doms = doms, .n = NDOMS, .valid = true };
	struct sample prev = { 0 };
	struct domain_stats *order[NDOMS];
	struct table t;
	size_t used = 0;
	int i;

	for (i = 0; i < NDOMS; i++)
		order[i] = &doms[listing[i]];
	table_init(&t, &cur, &prev, false);
	table_sort(&t, order, NDOMS, f);
	out[0] = '\0';
	for (i = 0; i < NDOMS && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s/%d", i ? " " : "",
					 order[i]->name, order[i]->domid);
}

int main(void)
{
	struct domain_stats doms[NDOMS] = {
		{ .domid = 4, .name = "web", .mem_kb = 65536 },
		{ .domid = 7, .name = "db", .mem_kb = 65536 },
		{ .domid = 1, .name = "big", .mem_kb = 98304 },
		{ .domid = 2, .name = "Web", .mem_kb = 65536 },
		{ .domid = 3, .name = "db", .mem_kb = 65536 },
	};
	/* The same domains listed in five orders, as backends might list them. */
	static const int listings[][NDOMS] = {
		{ 0, 1, 2, 3, 4 }, { 4, 3, 2, 1, 0 }, { 2, 0, 4, 1, 3 },
		{ 1, 4, 0, 3, 2 }, { 3, 2, 1, 4, 0 },
	};
	char got[256];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(listings); i++) {
		sorted(doms, listings[i], F_MEM, got, sizeof(got));
		is_str(got, "big/1 db/3 db/7 Web/2 web/4", "MEM(k): ties by name, then id");
		/* No earlier sample: every CPU(%) is 0.0, all tie. */
		sorted(doms, listings[i], F_CPU_PCT, got, sizeof(got));
		is_str(got, "big/1 db/3 db/7 Web/2 web/4", "CPU(%): all tie");
		sorted(doms, listings[i], F_NAME, got, sizeof(got));
		is_str(got, "big/1 db/3 db/7 Web/2 web/4", "NAME: one name, by id");
	}
	return done_testing();
}
