// SPDX-License-Identifier: GPL-2.0
/*
 * `xlc top`: xentop for both backends. -b prints xentop's batch output
 * (header, then one row per domain, each iteration); --csv and --json print
 * one record per domain per sample for machines; without them it is an
 * ncurses screen (screen.c).
 */
#include "top/top.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "top/sample.h"
#include "lib/json.h"
#include "lib/util.h"
#include "xlc/xlc.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool top_sleep(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !stop_requested;
}

int top_order(struct table *t, const struct top_opts *o, struct domain_stats ***order)
{
	const struct sample *s = t->cur;
	int i, n = 0;

	*order = xcalloc((size_t)s->n + 1, sizeof(**order));
	for (i = 0; i < s->n; i++)
		if (!o->filter || strcasestr(s->doms[i].name, o->filter))
			(*order)[n++] = &s->doms[i];
	table_sort(t, *order, n, o->sort);
	return n;
}

/* xentop -b: the header, then each domain with its detail lines. */
static void print_batch(const struct top_opts *o, const struct sample *cur,
			const struct sample *prev)
{
	struct strbuf sb;
	struct domain_stats **order;
	struct table t;
	int i, n;

	table_init(&t, cur, prev, o->full_names);
	n = top_order(&t, o, &order);
	sb_init(&sb);
	for (i = 0; i < n || (i == 0 && n == 0); i++) {
		if (i == 0 || o->repeat_header)
			table_header_line(&t, &sb);
		if (i == n)
			break;
		table_row_line(&t, order[i], &sb);
		if (o->vcpus)
			table_vcpus(order[i], &sb);
		if (o->networks)
			table_nets(order[i], &sb);
		if (o->vbds)
			table_vbds(order[i], &sb);
	}
	fputs(sb.buf ? sb.buf : "", stdout);
	fflush(stdout);
	sb_free(&sb);
	free(order);
}

static const char *const csv_columns =
	"timestamp,interval,domid,name,state,cpu_sec,cpu_pct,mem_k,mem_pct,maxmem_k,vcpus,"
	"nets,nettx_k,netrx_k,vbds,vbd_oo,vbd_rd,vbd_wr,vbd_rsect,vbd_wsect";

static void iso_time(time_t t, char buf[32])
{
	struct tm tm;

	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S%z", localtime_r(&t, &tm));
}

static void print_csv(const struct top_opts *o, const struct sample *cur, const struct sample *prev)
{
	struct domain_stats **order;
	struct table t;
	char when[32];
	int i, n;

	table_init(&t, cur, prev, true);
	n = top_order(&t, o, &order);
	iso_time(cur->wall, when);
	for (i = 0; i < n; i++) {
		const struct domain_stats *d = order[i];

		/* Names are xl names: no commas or quotes can appear in them. */
		printf("%s,%.3f,%d,%s,%s,%.3f,%.1f,%llu,%.1f,%llu,%u,%u,%llu,%llu,%u,%llu,%llu,%"
		       "llu,"
		       "%llu,%llu\n",
		       when, cur->t - prev->t, d->domid, d->name, d->state, (double)d->cpu_ns / 1e9,
		       cpu_pct(cur, prev, d), (unsigned long long)d->mem_kb,
		       cur->host.total_kb ? (double)d->mem_kb * 100 / (double)cur->host.total_kb
					  : 0,
		       (unsigned long long)d->maxmem_kb, d->nvcpus, d->nnets,
		       (unsigned long long)net_total(d, false) / 1024,
		       (unsigned long long)net_total(d, true) / 1024, d->nvbds,
		       (unsigned long long)vbd_total(d, VBD_TOTAL_OO),
		       (unsigned long long)vbd_total(d, VBD_TOTAL_RD),
		       (unsigned long long)vbd_total(d, VBD_TOTAL_WR),
		       (unsigned long long)vbd_total(d, VBD_TOTAL_RSECT),
		       (unsigned long long)vbd_total(d, VBD_TOTAL_WSECT));
	}
	fflush(stdout);
	free(order);
}

/* One JSON object per domain per sample, one per line. */
static void print_json(const struct top_opts *o, const struct sample *cur,
		       const struct sample *prev)
{
	struct domain_stats **order;
	struct table t;
	char when[32];
	int i, n;
	unsigned k;

	table_init(&t, cur, prev, true);
	n = top_order(&t, o, &order);
	iso_time(cur->wall, when);
	for (i = 0; i < n; i++) {
		const struct domain_stats *d = order[i];
		yajl_gen g = yajl_gen_alloc(NULL);
		const unsigned char *buf;
		size_t len;

		yajl_gen_map_open(g);
		json_key_str(g, "timestamp", when);
		json_key_fixed(g, "interval", cur->t - prev->t, "%.3f");
		json_key_u64(g, "domid", (uint64_t)d->domid);
		json_key_str(g, "name", d->name);
		json_key_str(g, "state", d->state);
		json_key_fixed(g, "cpu_sec", (double)d->cpu_ns / 1e9, "%.3f");
		json_key_fixed(g, "cpu_pct", cpu_pct(cur, prev, d), "%.1f");
		json_key_u64(g, "mem_k", d->mem_kb);
		json_key_u64(g, "maxmem_k", d->maxmem_kb);
		json_key_u64(g, "vcpus", d->nvcpus);
		json_key(g, "nets");
		yajl_gen_array_open(g);
		for (k = 0; k < d->nnets; k++) {
			yajl_gen_map_open(g);
			json_key_u64(g, "tx_bytes", d->nets[k].tx_bytes);
			json_key_u64(g, "tx_packets", d->nets[k].tx_packets);
			json_key_u64(g, "tx_drops", d->nets[k].tx_drops);
			json_key_u64(g, "rx_bytes", d->nets[k].rx_bytes);
			json_key_u64(g, "rx_packets", d->nets[k].rx_packets);
			json_key_u64(g, "rx_drops", d->nets[k].rx_drops);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		json_key(g, "vbds");
		yajl_gen_array_open(g);
		for (k = 0; k < d->nvbds; k++) {
			yajl_gen_map_open(g);
			json_key_u64(g, "devnum", d->vbds[k].devnum);
			json_key_u64(g, "oo_req", d->vbds[k].oo_req);
			json_key_u64(g, "rd_req", d->vbds[k].rd_req);
			json_key_u64(g, "wr_req", d->vbds[k].wr_req);
			json_key_u64(g, "rd_sect", d->vbds[k].rd_sect);
			json_key_u64(g, "wr_sect", d->vbds[k].wr_sect);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		yajl_gen_get_buf(g, &buf, &len);
		fwrite(buf, 1, len, stdout);
		putchar('\n');
		yajl_gen_free(g);
	}
	fflush(stdout);
	free(order);
}

/* Batch and export modes: sample, print, sleep, until the iterations run out. */
static int run_plain(const struct sampler *src, const struct top_opts *o)
{
	struct sample prev = { 0 }, cur = { 0 };
	char *err = NULL;
	long done = 0;

	/* Machines get a right CPU(%) from the first record: a priming sample. */
	if (o->mode != TOP_BATCH) {
		if (sample_take(src, &prev, &err))
			goto fail;
		if (!top_sleep(o->delay < 1 ? o->delay : 1))
			goto out;
	}
	if (o->mode == TOP_CSV)
		printf("%s\n", csv_columns);
	for (;;) {
		if (sample_take(src, &cur, &err))
			goto fail;
		if (o->mode == TOP_BATCH)
			print_batch(o, &cur, &prev);
		else if (o->mode == TOP_CSV)
			print_csv(o, &cur, &prev);
		else
			print_json(o, &cur, &prev);
		sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		if (o->iterations && ++done >= o->iterations)
			break;
		if (!top_sleep(o->delay))
			break;
	}
out:
	sample_free(&prev);
	sample_free(&cur);
	return EXIT_OK;
fail:
	xlc_warn("top: %s", err);
	free(err);
	sample_free(&prev);
	return EXIT_FAIL;
}

static bool parse_delay(const char *s, double *out)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end || !(d > 0) || d > 86400)
		return false;
	*out = d;
	return true;
}

int main_top(int argc, char **argv)
{
	char *cerr = NULL;
	const struct command *c = command_find("top", &cerr);
	struct top_opts o = { .mode = TOP_SCREEN, .delay = 3, .sort = F_NAME };
	struct sampler src;
	char *err = NULL;
	unsigned long iters;
	int opt, f;

	free(cerr);
	o.full_names = !isatty(STDOUT_FILENO);
	while ((opt = command_getopt(argc, argv, c)) != -1) {
		switch (opt) {
		case 'b':
			o.mode = TOP_BATCH;
			break;
		case TOP_OPT_CSV:
			o.mode = TOP_CSV;
			break;
		case TOP_OPT_JSON:
			o.mode = TOP_JSON;
			break;
		case 'd':
			if (!parse_delay(optarg, &o.delay))
				return usage_error(c, "-d %s: the delay is a number of seconds > 0",
						   optarg);
			break;
		case 'i':
			if (!parse_ulong(optarg, 10, &iters) || !iters)
				return usage_error(c, "-i %s: the iterations are a number > 0",
						   optarg);
			o.iterations = (long)iters;
			break;
		case 'f':
			o.full_names = true;
			break;
		case 'n':
			o.networks = true;
			break;
		case 'x':
			o.vbds = true;
			break;
		case 'v':
			o.vcpus = true;
			break;
		case 'r':
			o.repeat_header = true;
			break;
		case 'z':
			break; /* Domain-0 first: there is none on kvm; Xen lists it first anyway */
		case 'o':
			f = field_by_name(optarg);
			if (f < 0)
				return usage_error(
					c, "--sort %s: not a column (NAME, CPU(%%), MEM(k)...)",
					optarg);
			o.sort = (enum field)f;
			break;
		}
	}
	if (optind < argc)
		return usage_error(c, "unexpected argument '%s'", argv[optind]);
	if (sampler_init(&src, global.backend, &xlc_config, &err)) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Into a pipe or a file, a screen would be noise: xentop's batch output instead. */
	if (o.mode == TOP_SCREEN && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		o.mode = TOP_BATCH;
	if (o.mode == TOP_SCREEN)
		return top_screen(&src, &o);
	return run_plain(&src, &o);
}
