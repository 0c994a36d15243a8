// SPDX-License-Identifier: GPL-2.0
#include "top/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *header;
	unsigned width;
} fields[F_COUNT] = {
	[F_NAME] = { "NAME", 10 },
	[F_STATE] = { "STATE", 6 },
	[F_CPU] = { "CPU(sec)", 10 },
	[F_CPU_PCT] = { "CPU(%)", 6 },
	[F_MEM] = { "MEM(k)", 10 },
	[F_MEM_PCT] = { "MEM(%)", 6 },
	[F_MAXMEM] = { "MAXMEM(k)", 10 },
	[F_MAXMEM_PCT] = { "MAXMEM(%)", 9 },
	[F_VCPUS] = { "VCPUS", 5 },
	[F_NETS] = { "NETS", 4 },
	[F_NETTX] = { "NETTX(k)", 8 },
	[F_NETRX] = { "NETRX(k)", 8 },
	[F_VBDS] = { "VBDS", 4 },
	[F_VBD_OO] = { "VBD_OO", 8 },
	[F_VBD_RD] = { "VBD_RD", 8 },
	[F_VBD_WR] = { "VBD_WR", 8 },
	[F_VBD_RSECT] = { "VBD_RSECT", 10 },
	[F_VBD_WSECT] = { "VBD_WSECT", 10 },
	[F_SSID] = { "SSID", 4 },
};

const char *field_header(enum field f)
{
	return fields[f].header;
}

int field_by_name(const char *name)
{
	int f;

	if (!*name)
		return -1;
	for (f = 0; f < F_COUNT; f++)
		if (!strcasecmp(fields[f].header, name))
			return f;
	for (f = 0; f < F_COUNT; f++)
		if (!strncasecmp(fields[f].header, name, strlen(name)))
			return f;
	return -1;
}

/* The value of a counter column, for widening and printing alike. */
static uint64_t counter(const struct domain_stats *d, enum field f)
{
	switch (f) {
	case F_NETTX:
		return net_total(d, false) / 1024;
	case F_NETRX:
		return net_total(d, true) / 1024;
	case F_VBD_OO:
		return vbd_total(d, VBD_TOTAL_OO);
	case F_VBD_RD:
		return vbd_total(d, VBD_TOTAL_RD);
	case F_VBD_WR:
		return vbd_total(d, VBD_TOTAL_WR);
	case F_VBD_RSECT:
		return vbd_total(d, VBD_TOTAL_RSECT);
	case F_VBD_WSECT:
		return vbd_total(d, VBD_TOTAL_WSECT);
	default:
		return 0;
	}
}

static unsigned digits(uint64_t v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void table_init(struct table *t, const struct sample *cur, const struct sample *prev,
		bool full_names)
{
	static const enum field widening[] = { F_NETTX,	 F_NETRX,     F_VBD_RD,
					       F_VBD_WR, F_VBD_RSECT, F_VBD_WSECT };
	unsigned i, k;
	int j;

	t->cur = cur;
	t->prev = prev;
	t->full_names = full_names;
	for (i = 0; i < F_COUNT; i++)
		t->width[i] = fields[i].width;
	for (j = 0; j < cur->n; j++) {
		const struct domain_stats *d = &cur->doms[j];

		if (full_names && strlen(d->name) > t->width[F_NAME])
			t->width[F_NAME] = (unsigned)strlen(d->name);
		/* xentop measures value + 1, so a column widens one digit early. */
		for (k = 0; k < ARRAY_SIZE(widening); k++) {
			unsigned w = digits(counter(d, widening[k]) + 1);

			if (w > t->width[widening[k]])
				t->width[widening[k]] = w;
		}
	}
}

static double pct_of_host(const struct table *t, uint64_t kb)
{
	return t->cur->host.total_kb ? (double)kb / (double)t->cur->host.total_kb * 100 : 0.0;
}

void table_cell(const struct table *t, const struct domain_stats *d, enum field f, char *buf,
		size_t len)
{
	int w = (int)t->width[f];

	switch (f) {
	case F_NAME:
		if (t->full_names)
			snprintf(buf, len, "%*s", w, d->name);
		else
			snprintf(buf, len, "%10.10s", d->name);
		break;
	case F_STATE:
		snprintf(buf, len, "%s", d->state);
		break;
	case F_CPU:
		snprintf(buf, len, "%10llu", (unsigned long long)(d->cpu_ns / 1000000000ULL));
		break;
	case F_CPU_PCT:
		snprintf(buf, len, "%6.1f", cpu_pct(t->cur, t->prev, d));
		break;
	case F_MEM:
		snprintf(buf, len, "%10llu", (unsigned long long)d->mem_kb);
		break;
	case F_MEM_PCT:
		snprintf(buf, len, "%6.1f", pct_of_host(t, d->mem_kb));
		break;
	case F_MAXMEM:
		if (d->maxmem_kb == UINT64_MAX)
			snprintf(buf, len, "%10s", "no limit");
		else
			snprintf(buf, len, "%10llu", (unsigned long long)d->maxmem_kb);
		break;
	case F_MAXMEM_PCT:
		if (d->maxmem_kb == UINT64_MAX)
			snprintf(buf, len, "%9s", "n/a");
		else
			snprintf(buf, len, "%9.1f", pct_of_host(t, d->maxmem_kb));
		break;
	case F_VCPUS:
		snprintf(buf, len, "%5u", d->nvcpus);
		break;
	case F_NETS:
		snprintf(buf, len, "%4u", d->nnets);
		break;
	case F_VBDS:
		snprintf(buf, len, "%4u", d->nvbds);
		break;
	case F_SSID:
		snprintf(buf, len, "%4u", d->ssid);
		break;
	default:
		snprintf(buf, len, "%*llu", w, (unsigned long long)counter(d, f));
	}
}

void table_header_line(const struct table *t, struct strbuf *sb)
{
	unsigned f;

	for (f = 0; f < F_COUNT; f++)
		sb_addf(sb, "%s%*s", f ? " " : "", (int)t->width[f], fields[f].header);
	sb_addc(sb, '\n');
}

void table_row_line(const struct table *t, const struct domain_stats *d, struct strbuf *sb)
{
	char cell[128];
	unsigned f;

	for (f = 0; f < F_COUNT; f++) {
		table_cell(t, d, (enum field)f, cell, sizeof(cell));
		sb_addf(sb, "%s%s", f ? " " : "", cell);
	}
	sb_addc(sb, '\n');
}

void table_vcpus(const struct domain_stats *d, struct strbuf *sb)
{
	unsigned i;

	sb_adds(sb, "VCPUs(sec): ");
	for (i = 0; i < d->nvcpus; i++) {
		if (i && !(i % 5))
			sb_adds(sb, "\n        ");
		sb_addf(sb, " %2u: %10llus", i,
			(unsigned long long)(d->vcpu_ns[i] / 1000000000ULL));
	}
	sb_addc(sb, '\n');
}

void table_nets(const struct domain_stats *d, struct strbuf *sb)
{
	unsigned i;

	for (i = 0; i < d->nnets; i++) {
		const struct net_stats *n = &d->nets[i];

		sb_addf(sb, "Net%u RX: %8llubytes %8llupkts %8lluerr %8lludrop  ", i,
			(unsigned long long)n->rx_bytes, (unsigned long long)n->rx_packets,
			(unsigned long long)n->rx_errors, (unsigned long long)n->rx_drops);
		sb_addf(sb, "TX: %8llubytes %8llupkts %8lluerr %8lludrop\n",
			(unsigned long long)n->tx_bytes, (unsigned long long)n->tx_packets,
			(unsigned long long)n->tx_errors, (unsigned long long)n->tx_drops);
	}
}

void table_vbds(const struct domain_stats *d, struct strbuf *sb)
{
	unsigned i;

	for (i = 0; i < d->nvbds; i++) {
		const struct vbd_stats *v = &d->vbds[i];

		/* Xen's [major:minor] is the vdev's number: 202 for xvd, 8 for sd, 3 for hd. */
		sb_addf(sb,
			"VBD BlkBack %4lu [%2lx:%2lx]  OO: %8llu   RD: %8llu   WR: %8llu   "
			"RSECT: %10llu   WSECT: %10llu\n",
			v->devnum, v->devnum >> 8, v->devnum & 0xff, (unsigned long long)v->oo_req,
			(unsigned long long)v->rd_req, (unsigned long long)v->wr_req,
			(unsigned long long)v->rd_sect, (unsigned long long)v->wr_sect);
	}
}

static const struct table *sort_table;
static enum field sort_field;

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0; /* descending */
}

/* Two domains by the sort column alone: 0 when they tie on it. */
static int compare_field(const struct domain_stats *a, const struct domain_stats *b)
{
	double x, y;

	switch (sort_field) {
	case F_NAME:
		return strcasecmp(a->name, b->name);
	case F_STATE:
		return -strcmp(a->state, b->state); /* letters first, in xentop's order */
	case F_CPU:
		return cmp_u64(a->cpu_ns, b->cpu_ns);
	case F_CPU_PCT:
		x = cpu_pct(sort_table->cur, sort_table->prev, a);
		y = cpu_pct(sort_table->cur, sort_table->prev, b);
		return x < y ? 1 : x > y ? -1 : 0;
	case F_MEM:
	case F_MEM_PCT:
		return cmp_u64(a->mem_kb, b->mem_kb);
	case F_MAXMEM:
	case F_MAXMEM_PCT:
		return cmp_u64(a->maxmem_kb, b->maxmem_kb);
	case F_VCPUS:
		return cmp_u64(a->nvcpus, b->nvcpus);
	case F_NETS:
		return cmp_u64(a->nnets, b->nnets);
	case F_VBDS:
		return cmp_u64(a->nvbds, b->nvbds);
	case F_SSID:
		return -cmp_u64(a->ssid, b->ssid);
	default:
		return cmp_u64(counter(a, sort_field), counter(b, sort_field));
	}
}

/*
 * Ties on the sort column go by name, then by id: a total order, so that
 * rows that tie (idle guests at 0.0 %, guests of one size) read in name
 * order and keep their places from one refresh to the next, whatever order
 * the backend listed them in and whatever qsort does with equal elements.
 */
static int compare(const void *pa, const void *pb)
{
	const struct domain_stats *a = *(const struct domain_stats *const *)pa;
	const struct domain_stats *b = *(const struct domain_stats *const *)pb;
	int c = compare_field(a, b);

	if (!c)
		c = strcasecmp(a->name, b->name);
	if (!c)
		c = strcmp(a->name, b->name); /* names that differ only in case */
	if (!c)
		c = a->domid < b->domid ? -1 : a->domid > b->domid;
	return c;
}

void table_sort(struct table *t, struct domain_stats **order, int n, enum field f)
{
	sort_table = t;
	sort_field = f;
	qsort(order, (size_t)n, sizeof(*order), compare);
}
