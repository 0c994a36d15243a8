// SPDX-License-Identifier: GPL-2.0
/*
 * One sample of top as Prometheus text (exposition format 0.0.4). Each
 * metric family is written whole, its # HELP and # TYPE lines before its
 * samples, because the format forbids a family's samples to be split; a
 * family without samples (no guest has a vif) is left out.
 */
#include "top/prom.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct family {
	const char *name;
	struct strbuf lines; /* its samples */
};

/* A metric of each domain: emit() adds the domain's samples to f. */
struct domain_metric {
	const char *name, *type, *help;
	void (*emit)(struct family *f, const struct domain_metric *m, const char *labels,
		     const struct domain_stats *d);
	size_t offset; /* a vif's or vbd's counter: where it is in net_stats or vbd_stats */
	uint64_t unit; /* and its unit in bytes (a sector is 512), or 1 */
};

void prom_escape_label(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			sb_adds(out, "\\\\");
		else if (*v == '"')
			sb_adds(out, "\\\"");
		else if (*v == '\n')
			sb_adds(out, "\\n");
		else
			sb_addc(out, *v);
	}
}

/* HELP text escapes backslash and newline only (a quote stays as it is). */
static void escape_help(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			sb_adds(out, "\\\\");
		else if (*v == '\n')
			sb_adds(out, "\\n");
		else
			sb_addc(out, *v);
	}
}

/* One sample: name{labels} value; labels "" for none. */
static void add_sample(struct family *f, const char *labels, const char *value)
{
	if (*labels)
		sb_addf(&f->lines, "%s{%s} %s\n", f->name, labels, value);
	else
		sb_addf(&f->lines, "%s %s\n", f->name, value);
}

static void add_u64(struct family *f, const char *labels, uint64_t n)
{
	char value[24];

	snprintf(value, sizeof(value), "%llu", (unsigned long long)n);
	add_sample(f, labels, value);
}

/* Nanoseconds as seconds, exactly: no binary fraction in between. */
static void add_seconds(struct family *f, const char *labels, uint64_t ns)
{
	char value[32];

	snprintf(value, sizeof(value), "%llu.%09llu", (unsigned long long)(ns / 1000000000),
		 (unsigned long long)(ns % 1000000000));
	add_sample(f, labels, value);
}

/* base plus one more label, its value escaped. */
static char *more_labels(const char *base, const char *key, const char *value)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "%s%s%s=\"", base, *base ? "," : "", key);
	prom_escape_label(&sb, value);
	sb_addc(&sb, '"');
	return sb_detach(&sb);
}

static void add_u64_with(struct family *f, const char *labels, const char *key, const char *value,
			 uint64_t n)
{
	char *all = more_labels(labels, key, value);

	add_u64(f, all, n);
	free(all);
}

static void family_write(struct strbuf *out, struct family *f, const char *type, const char *help)
{
	if (f->lines.len) {
		sb_addf(out, "# HELP %s ", f->name);
		escape_help(out, help);
		sb_addf(out, "\n# TYPE %s %s\n", f->name, type);
		sb_addn(out, f->lines.buf, f->lines.len);
	}
	sb_free(&f->lines);
}

static void host_metric(struct strbuf *out, const char *name, const char *help, uint64_t n)
{
	struct family f = { name };

	sb_init(&f.lines);
	add_u64(&f, "", n);
	family_write(out, &f, "gauge", help);
}

static void host_info(struct strbuf *out, const struct sample *s, const char *backend)
{
	struct family f = { "xlc_host_info" };
	char *labels = more_labels("", "backend", backend), *all;

	all = more_labels(labels, "version", s->host.version);
	sb_init(&f.lines);
	add_u64(&f, all, 1);
	family_write(out, &f, "gauge",
		     "The backend xlc samples through and its version, as top's title shows "
		     "them; always 1.");
	free(all);
	free(labels);
}

static void host_domains_by_state(struct strbuf *out, const struct sample *s)
{
	unsigned count[SUMMARY_NONE + 1] = { 0 };
	struct family f = { "xlc_host_domains_by_state" };
	int i;

	for (i = 0; i < s->n; i++)
		count[summary_state(&s->doms[i])]++;
	sb_init(&f.lines);
	for (i = 0; i < SUMMARY_NONE; i++)
		add_u64_with(&f, "", "state", summary_state_names[i], count[i]);
	family_write(out, &f, "gauge",
		     "Domains in each state as top's summary line counts them: each once, "
		     "running before blocked, paused, shutdown, crashed and dying.");
}

static void host_metrics(struct strbuf *out, const struct sample *s, const char *backend)
{
	const struct host_stats *h = &s->host;

	host_info(out, s, backend);
	host_metric(out, "xlc_host_memory_total_bytes", "The host's memory (top: Mem total).",
		    h->total_kb * 1024);
	host_metric(out, "xlc_host_memory_free_bytes",
		    "The host's free memory (top: Mem free; on kvm, MemAvailable).",
		    h->free_kb * 1024);
	host_metric(out, "xlc_host_cpus", "The host's CPUs (top: CPUs).", h->cpus);
	if (h->mhz) /* unknown: no sample rather than a made-up 0 */
		host_metric(out, "xlc_host_cpu_frequency_hertz",
			    "The clock of the host's CPUs (top: CPUs @ MHz).",
			    (uint64_t)h->mhz * 1000000);
	host_metric(out, "xlc_host_domains", "Domains on the host (top: N domains).",
		    (uint64_t)s->n);
	host_domains_by_state(out, s);
}

/* xentop's state letters, in their order in domain_stats.state. */
static const char *const letter_states[6] = { "dying",	 "shutdown", "blocked",
					      "crashed", "paused",   "running" };

static void emit_state(struct family *f, const struct domain_metric *m, const char *labels,
		       const struct domain_stats *d)
{
	unsigned i;

	(void)m;
	for (i = 0; i < 6; i++)
		add_u64_with(f, labels, "state", letter_states[i], d->state[i] != '-');
}

static void emit_cpu(struct family *f, const struct domain_metric *m, const char *labels,
		     const struct domain_stats *d)
{
	(void)m;
	add_seconds(f, labels, d->cpu_ns);
}

static void emit_vcpu_time(struct family *f, const struct domain_metric *m, const char *labels,
			   const struct domain_stats *d)
{
	char index[16], *all;
	unsigned i;

	(void)m;
	for (i = 0; i < d->nvcpus; i++) {
		snprintf(index, sizeof(index), "%u", i);
		all = more_labels(labels, "vcpu", index);
		add_seconds(f, all, d->vcpu_ns[i]);
		free(all);
	}
}

static void emit_vcpus(struct family *f, const struct domain_metric *m, const char *labels,
		       const struct domain_stats *d)
{
	(void)m;
	add_u64(f, labels, d->nvcpus);
}

static void emit_memory(struct family *f, const struct domain_metric *m, const char *labels,
			const struct domain_stats *d)
{
	(void)m;
	add_u64(f, labels, d->mem_kb * 1024);
}

static void emit_maxmem(struct family *f, const struct domain_metric *m, const char *labels,
			const struct domain_stats *d)
{
	(void)m;
	if (d->maxmem_kb == UINT64_MAX) /* top's "no limit" */
		add_sample(f, labels, "+Inf");
	else
		add_u64(f, labels, d->maxmem_kb * 1024);
}

static uint64_t counter_at(const void *stats, const struct domain_metric *m)
{
	return *(const uint64_t *)((const char *)stats + m->offset) * m->unit;
}

/* A vif is labelled with its index, as top -n names it (Net0, Net1...). */
static void emit_vif(struct family *f, const struct domain_metric *m, const char *labels,
		     const struct domain_stats *d)
{
	char index[16];
	unsigned i;

	for (i = 0; i < d->nnets; i++) {
		snprintf(index, sizeof(index), "%u", i);
		add_u64_with(f, labels, "vif", index, counter_at(&d->nets[i], m));
	}
}

/* A vbd is labelled with Xen's device number, as top -x shows it (51712 is xvda). */
static void emit_vbd(struct family *f, const struct domain_metric *m, const char *labels,
		     const struct domain_stats *d)
{
	char devnum[24];
	unsigned i;

	for (i = 0; i < d->nvbds; i++) {
		snprintf(devnum, sizeof(devnum), "%lu", d->vbds[i].devnum);
		add_u64_with(f, labels, "vbd", devnum, counter_at(&d->vbds[i], m));
	}
}

#define NET(field) emit_vif, offsetof(struct net_stats, field), 1
#define VBD(field, unit) emit_vbd, offsetof(struct vbd_stats, field), unit

static const struct domain_metric domain_metrics[] = {
	{ "xlc_domain_state", "gauge",
	  "1 for each state letter top shows for the domain (d s b c p r: dying, shutdown, "
	  "blocked, crashed, paused, running), else 0.",
	  emit_state },
	{ "xlc_domain_cpu_seconds_total", "counter",
	  "CPU time of all the domain's vCPUs (top: CPU(sec)).", emit_cpu },
	{ "xlc_domain_vcpu_seconds_total", "counter", "CPU time of each vCPU (top -v: VCPUs(sec)).",
	  emit_vcpu_time },
	{ "xlc_domain_vcpus", "gauge", "The domain's vCPUs (top: VCPUS).", emit_vcpus },
	{ "xlc_domain_memory_bytes", "gauge", "The domain's memory (top: MEM(k)).", emit_memory },
	{ "xlc_domain_memory_max_bytes", "gauge",
	  "The domain's maximum memory (top: MAXMEM(k)); +Inf when it has no limit.", emit_maxmem },
	{ "xlc_domain_network_receive_bytes_total", "counter", "Bytes received (top -n: RX bytes).",
	  NET(rx_bytes) },
	{ "xlc_domain_network_receive_packets_total", "counter",
	  "Packets received (top -n: RX pkts).", NET(rx_packets) },
	{ "xlc_domain_network_receive_errors_total", "counter", "Receive errors (top -n: RX err).",
	  NET(rx_errors) },
	{ "xlc_domain_network_receive_drops_total", "counter",
	  "Received packets dropped (top -n: RX drop).", NET(rx_drops) },
	{ "xlc_domain_network_transmit_bytes_total", "counter",
	  "Bytes transmitted (top -n: TX bytes).", NET(tx_bytes) },
	{ "xlc_domain_network_transmit_packets_total", "counter",
	  "Packets transmitted (top -n: TX pkts).", NET(tx_packets) },
	{ "xlc_domain_network_transmit_errors_total", "counter",
	  "Transmit errors (top -n: TX err).", NET(tx_errors) },
	{ "xlc_domain_network_transmit_drops_total", "counter",
	  "Packets to transmit dropped (top -n: TX drop).", NET(tx_drops) },
	{ "xlc_domain_block_read_requests_total", "counter", "Read requests (top: VBD_RD).",
	  VBD(rd_req, 1) },
	{ "xlc_domain_block_write_requests_total", "counter", "Write requests (top: VBD_WR).",
	  VBD(wr_req, 1) },
	{ "xlc_domain_block_read_bytes_total", "counter",
	  "Bytes read (top: VBD_RSECT, 512-byte sectors).", VBD(rd_sect, 512) },
	{ "xlc_domain_block_write_bytes_total", "counter",
	  "Bytes written (top: VBD_WSECT, 512-byte sectors).", VBD(wr_sect, 512) },
	{ "xlc_domain_block_oo_requests_total", "counter",
	  "Requests that waited: on kvm for a free disk thread, on Xen for a free request "
	  "slot (top: VBD_OO).",
	  VBD(oo_req, 1) },
};

/* name="...",domid="..." of each domain, rendered once for every family. */
static char **domain_labels(const struct sample *s)
{
	char **labels = xcalloc((size_t)s->n + 1, sizeof(*labels));
	char domid[16], *name;
	int i;

	for (i = 0; i < s->n; i++) {
		snprintf(domid, sizeof(domid), "%d", s->doms[i].domid);
		name = more_labels("", "name", s->doms[i].name);
		labels[i] = more_labels(name, "domid", domid);
		free(name);
	}
	return labels;
}

void prom_render(const struct sample *s, const char *backend, struct strbuf *out)
{
	char **labels = domain_labels(s);
	unsigned k;
	int i;

	host_metrics(out, s, backend);
	for (k = 0; k < ARRAY_SIZE(domain_metrics); k++) {
		const struct domain_metric *m = &domain_metrics[k];
		struct family f = { m->name };

		sb_init(&f.lines);
		for (i = 0; i < s->n; i++)
			m->emit(&f, m, labels[i], &s->doms[i]);
		family_write(out, &f, m->type, m->help);
	}
	strv_free(labels);
}
