// SPDX-License-Identifier: GPL-2.0
/*
 * top's CPU(%) (top/sample.c) on samples made up here, with exact values:
 * 100 is one host CPU, so a guest with two busy vCPUs is at 200; no time
 * between the samples, a reboot (the CPU time starts again) or a domain the
 * earlier sample lacks give 0, as xentop does.
 */
#include <string.h>

#include "top/sample.h"
#include "tap.h"

static struct domain_stats doms_prev[2], doms_cur[2];

static void setup(struct sample *prev, struct sample *cur, double elapsed)
{
	memset(doms_prev, 0, sizeof(doms_prev));
	memset(doms_cur, 0, sizeof(doms_cur));
	*prev = (struct sample){ .doms = doms_prev, .n = 2, .t = 100.0, .valid = true };
	*cur = (struct sample){ .doms = doms_cur, .n = 2, .t = 100.0 + elapsed, .valid = true };
	doms_prev[0] = (struct domain_stats){ .domid = 1, .name = "web" };
	doms_prev[1] = (struct domain_stats){ .domid = 2, .name = "db" };
	doms_cur[0] = doms_prev[0];
	doms_cur[1] = doms_prev[1];
}

static void near(double got, double want, const char *what)
{
	ok(got > want - 1e-9 && got < want + 1e-9, "%s: %.6f (want %.6f)", what, got, want);
}

int main(void)
{
	struct sample prev, cur;

	setup(&prev, &cur, 2.0);
	doms_prev[0].cpu_ns = 10000000000ULL;
	doms_cur[0].cpu_ns = 11000000000ULL; /* 1 s of CPU in 2 s */
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 50.0, "half a CPU");
	doms_prev[1].cpu_ns = 0;
	doms_cur[1].cpu_ns = 4000000000ULL; /* two vCPUs busy for 2 s */
	doms_cur[1].nvcpus = 2;
	near(cpu_pct(&cur, &prev, &doms_cur[1]), 200.0, "two busy vCPUs: 200, not 100");
	setup(&prev, &cur, 0.5);
	doms_prev[0].cpu_ns = 1;
	doms_cur[0].cpu_ns = 1 + 123456789ULL;
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 24.6913578, "0.123456789 s in 0.5 s");
	setup(&prev, &cur, 0.0);
	doms_cur[0].cpu_ns = 5;
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 0.0, "no time between the samples");
	setup(&prev, &cur, 1.0);
	doms_prev[0].cpu_ns = 9000000000ULL;
	doms_cur[0].cpu_ns = 100000000ULL; /* it rebooted: the count started again */
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 0.0, "a reboot in between");
	setup(&prev, &cur, 1.0);
	doms_cur[0].name = "web2"; /* same id, another domain */
	doms_cur[0].cpu_ns = 500000000ULL;
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 0.0, "a domain the earlier sample lacks");
	prev.valid = false;
	doms_cur[0].name = "web";
	near(cpu_pct(&cur, &prev, &doms_cur[0]), 0.0, "no earlier sample at all");
	return done_testing();
}
