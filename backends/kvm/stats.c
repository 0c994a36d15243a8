// SPDX-License-Identifier: GPL-2.0
/*
 * top's sample on the kvm backend. Each VMM's info record (what list --json
 * prints) carries its vCPU times and its devices' counters; the host's
 * memory and CPUs come from /proc.
 */
#include "backends/kvm/stats.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "backends/kvm/ctl.h"
#include "lib/util.h"

static yajl_val get(yajl_val v, const char *key, yajl_type t)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(v, path, t);
}

static uint64_t num(yajl_val v, const char *key)
{
	yajl_val x = get(v, key, yajl_t_number);

	return x && YAJL_IS_INTEGER(x) && YAJL_GET_INTEGER(x) > 0 ? (uint64_t)YAJL_GET_INTEGER(x)
								  : 0;
}

static const char *str(yajl_val v, const char *key)
{
	yajl_val x = get(v, key, yajl_t_string);

	return x ? YAJL_GET_STRING(x) : "";
}

/* xentop's letters, d s b c p r, are xl's (r b p s <reason> d) in another order. */
static void xentop_letters(const char xl[7], char out[7])
{
	static const struct {
		unsigned from;
		char letter;
	} order[6] = { { 5, 'd' }, { 3, 's' }, { 1, 'b' }, { 4, 'c' }, { 2, 'p' }, { 0, 'r' } };
	unsigned i;

	for (i = 0; i < 6; i++)
		out[i] = xl[order[i].from] == order[i].letter ? order[i].letter : '-';
	out[6] = '\0';
}

static void add_device(struct domain_stats *d, yajl_val dev)
{
	const char *kind = str(dev, "kind");

	if (!strcmp(kind, "vif")) {
		struct net_stats *s;

		d->nets = xreallocarray(d->nets, d->nnets + 1, sizeof(*d->nets));
		s = &d->nets[d->nnets++];
		*s = (struct net_stats){
			.rx_bytes = num(dev, "rx_bytes"),
			.rx_packets = num(dev, "rx_packets"),
			.rx_drops = num(dev, "rx_drops"),
			.tx_bytes = num(dev, "tx_bytes"),
			.tx_packets = num(dev, "tx_packets"),
			.tx_drops = num(dev, "tx_drops"),
		};
	} else if (!strcmp(kind, "vbd")) {
		struct vbd_stats *s;
		unsigned index;

		d->vbds = xreallocarray(d->vbds, d->nvbds + 1, sizeof(*d->vbds));
		s = &d->vbds[d->nvbds++];
		*s = (struct vbd_stats){
			.oo_req = num(dev, "oo_req"),
			.rd_req = num(dev, "rd_req"),
			.wr_req = num(dev, "wr_req"),
			.rd_sect = num(dev, "rd_sect"),
			.wr_sect = num(dev, "wr_sect"),
		};
		if (!vdev_decode(str(dev, "name"), &s->devnum, &index))
			s->devnum = 0;
	}
}

/* What list already read, plus the counters only top wants from the record. */
static int parse_record(const struct domain_info *info, struct domain_stats *d)
{
	char errbuf[128];
	yajl_val v = yajl_tree_parse(info->json, errbuf, sizeof(errbuf)), a;
	size_t i;

	if (!v)
		return -1;
	d->domid = info->domid;
	d->name = xstrdup(info->name);
	xentop_letters(info->state, d->state);
	d->cpu_ns = num(v, "cpu_time_ns");
	d->mem_kb = (uint64_t)info->memory_mib * 1024;
	d->maxmem_kb = (uint64_t)info->maxmem_mib * 1024;
	a = get(v, "vcpu_time_ns", yajl_t_array);
	d->nvcpus = (unsigned)info->vcpus;
	d->vcpu_ns = xcalloc(d->nvcpus + 1, sizeof(*d->vcpu_ns));
	for (i = 0; a && i < a->u.array.len && i < d->nvcpus; i++)
		if (YAJL_IS_INTEGER(a->u.array.values[i]))
			d->vcpu_ns[i] = (uint64_t)YAJL_GET_INTEGER(a->u.array.values[i]);
	a = get(v, "devices", yajl_t_array);
	for (i = 0; a && i < a->u.array.len; i++)
		add_device(d, a->u.array.values[i]);
	yajl_tree_free(v);
	return 0;
}

static unsigned cpu_mhz(void)
{
	char *text = read_file("/proc/cpuinfo", NULL), *p;
	unsigned mhz = 0;

	p = text ? strstr(text, "cpu MHz") : NULL;
	if (p && (p = strchr(p, ':')))
		mhz = (unsigned)strtod(p + 1, NULL);
	free(text);
	return mhz;
}

static void host_facts(struct host_stats *host)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), api = -1;

	host->total_kb = (uint64_t)meminfo_kib("MemTotal:");
	host->free_kb = (uint64_t)meminfo_kib("MemAvailable:");
	host->cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	host->mhz = cpu_mhz();
	if (kvm >= 0) {
		api = ioctl(kvm, KVM_GET_API_VERSION, 0);
		close(kvm);
	}
	snprintf(host->version, sizeof(host->version), "kvm (API %d)", api);
}

int kvm_stats(const struct xlc_conf *conf, struct host_stats *host, struct domain_stats **doms,
	      int *n, char **err)
{
	struct domain_info *d = NULL;
	int nd = 0, i;

	*doms = NULL;
	*n = 0;
	if (kvm_backend.list(conf, false, &d, &nd, err))
		return -1;
	host_facts(host);
	*doms = xcalloc((size_t)nd + 1, sizeof(**doms));
	for (i = 0; i < nd; i++)
		if (d[i].json && parse_record(&d[i], &(*doms)[*n]) == 0)
			(*n)++;
	domain_info_free(d, nd);
	return 0;
}

/* A device of the record as a row of block-list or network-list. */
static void device_row(yajl_val dev, int domid, int index, struct device_info *row)
{
	const char *name = str(dev, "name"), *mac = str(dev, "mac");
	unsigned long devnum = 0;
	unsigned disk_index;
	unsigned m[6] = { 0 };
	int i;

	*row = (struct device_info){
		.devid = index,
		.backend_id = 0,
		.frontend_id = domid,
		/* XenbusState's numbers: 4 connected, 1 initialising. */
		.state = !strcmp(str(dev, "state"), "running") ? 4 : 1,
		.evtch = -1,
		.ring_ref = { -1, -1 },
	};
	if (!strcmp(str(dev, "kind"), "vbd")) {
		if (vdev_decode(name, &devnum, &disk_index))
			row->devid = (int)devnum;
		row->backend_path = xstrdup(str(dev, CTL_KEY_DEV_PATH));
		return;
	}
	row->backend_path = xstrdup(name); /* the tap */
	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6)
		for (i = 0; i < 6; i++)
			row->mac[i] = (unsigned char)m[i];
}

int kvm_device_list(const struct xlc_conf *conf, const char *name, bool nics,
		    struct device_info **out, int *n, char **err)
{
	struct domain_info *d = NULL;
	yajl_val v = NULL, a;
	int nd = 0, i, index = 0;
	size_t j;

	*out = NULL;
	*n = 0;
	if (kvm_backend.list(conf, false, &d, &nd, err))
		return -1;
	for (i = 0; i < nd && strcmp(d[i].name, name); i++)
		;
	if (i == nd || !d[i].json || !(v = yajl_tree_parse(d[i].json, NULL, 0))) {
		*err = xasprintf("%s: its VMM did not say what devices it has", name);
		domain_info_free(d, nd);
		return -1;
	}
	a = get(v, "devices", yajl_t_array);
	*out = xcalloc((a ? a->u.array.len : 0) + 1, sizeof(**out));
	for (j = 0; a && j < a->u.array.len; j++) {
		yajl_val dev = a->u.array.values[j];

		if (strcmp(str(dev, "kind"), nics ? "vif" : "vbd"))
			continue;
		device_row(dev, d[i].domid, index++, &(*out)[(*n)++]);
	}
	yajl_tree_free(v);
	domain_info_free(d, nd);
	return 0;
}
