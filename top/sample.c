// SPDX-License-Identifier: GPL-2.0
#include "top/sample.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int sampler_init(struct sampler *src, const char *backend, const struct xlc_conf *conf, char **err)
{
	const char *why;

	src->conf = conf;
	src->be = backend_select(backend, conf, &why, err);
	if (!src->be)
		return -1;
	if (!src->be->stats) {
		*err = xasprintf("the %s backend cannot report statistics in this build of xlc",
				 src->be->name);
		return -1;
	}
	return 0;
}

int sample_take(const struct sampler *src, struct sample *s, char **err)
{
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	if (src->be->stats(src->conf, &s->host, &s->doms, &s->n, err))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	s->wall = time(NULL);
	s->valid = true;
	return 0;
}

void sample_free(struct sample *s)
{
	domain_stats_free(s->doms, s->n);
	memset(s, 0, sizeof(*s));
}

const struct domain_stats *sample_find(const struct sample *s, const struct domain_stats *d)
{
	int i;

	for (i = 0; s && s->valid && i < s->n; i++)
		if (s->doms[i].domid == d->domid && !strcmp(s->doms[i].name, d->name))
			return &s->doms[i];
	return NULL;
}

double cpu_pct(const struct sample *cur, const struct sample *prev, const struct domain_stats *d)
{
	const struct domain_stats *old = sample_find(prev, d);
	double elapsed;

	if (!old || cur->t <= prev->t || d->cpu_ns < old->cpu_ns)
		return 0.0; /* no earlier sample of it, or it rebooted in between */
	elapsed = cur->t - prev->t;
	return (double)(d->cpu_ns - old->cpu_ns) / 1e9 / elapsed * 100.0;
}

uint64_t net_total(const struct domain_stats *d, bool rx)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < d->nnets; i++)
		total += rx ? d->nets[i].rx_bytes : d->nets[i].tx_bytes;
	return total;
}

uint64_t vbd_total(const struct domain_stats *d, int which)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < d->nvbds; i++) {
		const struct vbd_stats *v = &d->vbds[i];

		total += which == VBD_TOTAL_OO	    ? v->oo_req
			 : which == VBD_TOTAL_RD    ? v->rd_req
			 : which == VBD_TOTAL_WR    ? v->wr_req
			 : which == VBD_TOTAL_RSECT ? v->rd_sect
						    : v->wr_sect;
	}
	return total;
}

const char *const summary_state_names[SUMMARY_NONE] = {
	[SUMMARY_RUNNING] = "running", [SUMMARY_BLOCKED] = "blocked",
	[SUMMARY_PAUSED] = "paused",   [SUMMARY_CRASHED] = "crashed",
	[SUMMARY_DYING] = "dying",     [SUMMARY_SHUTDOWN] = "shutdown",
};

enum summary_state summary_state(const struct domain_stats *d)
{
	const char *st = d->state; /* xentop's letters: d s b c p r */

	if (st[5] == 'r')
		return SUMMARY_RUNNING;
	if (st[2] == 'b')
		return SUMMARY_BLOCKED;
	if (st[4] == 'p')
		return SUMMARY_PAUSED;
	if (st[1] == 's' && st[3] != 'c')
		return SUMMARY_SHUTDOWN;
	if (st[3] == 'c')
		return SUMMARY_CRASHED;
	if (st[0] == 'd')
		return SUMMARY_DYING;
	return SUMMARY_NONE;
}
