/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One sample of every domain for `top`, and what two samples say together:
 * CPU(%) is the domain's CPU time over the wall time between them, as
 * xentop computes it (100 = one host CPU).
 */
#ifndef XLC_TOP_SAMPLE_H
#define XLC_TOP_SAMPLE_H

#include <time.h>

#include "backends/backend.h"

struct sample {
	struct host_stats host;
	struct domain_stats *doms;
	int n;
	double t;    /* CLOCK_MONOTONIC seconds */
	time_t wall; /* when it was taken */
	bool valid;
};

/* Where samples come from: a backend, and the host settings it reads. */
struct sampler {
	const struct backend_ops *be;
	const struct xlc_conf *conf;
};

/*
 * The backend named (or NULL: $XLC_BACKEND, xlc.conf, the host), chosen as
 * every command chooses it; -1 with *err when there is none or it cannot
 * report statistics. For top and metrics alike.
 */
int sampler_init(struct sampler *src, const char *backend, const struct xlc_conf *conf, char **err);

/* Takes a sample through the backend; -1 with *err. */
int sample_take(const struct sampler *src, struct sample *s, char **err);
void sample_free(struct sample *s);

/* The same domain in an older sample (same id and name), or NULL. */
const struct domain_stats *sample_find(const struct sample *s, const struct domain_stats *d);

/* CPU(%) of d (in cur) since prev; 0.0 without a previous sample, as xentop. */
double cpu_pct(const struct sample *cur, const struct sample *prev, const struct domain_stats *d);

uint64_t net_total(const struct domain_stats *d, bool rx);
uint64_t vbd_total(const struct domain_stats *d, int which); /* VBD_TOTAL_* */

enum { VBD_TOTAL_OO, VBD_TOTAL_RD, VBD_TOTAL_WR, VBD_TOTAL_RSECT, VBD_TOTAL_WSECT };

/*
 * The one state top's summary line ("N domains: R running, B blocked...")
 * counts a domain in: its letters may say several, so xentop's precedence
 * decides. SUMMARY_NONE: none of them (it counts in N only).
 */
enum summary_state {
	SUMMARY_RUNNING,
	SUMMARY_BLOCKED,
	SUMMARY_PAUSED,
	SUMMARY_CRASHED,
	SUMMARY_DYING,
	SUMMARY_SHUTDOWN,
	SUMMARY_NONE,
};

enum summary_state summary_state(const struct domain_stats *d);
/* "running", "blocked"...: the summary line's words. */
extern const char *const summary_state_names[SUMMARY_NONE];

#endif
