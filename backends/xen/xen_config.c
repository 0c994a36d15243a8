// SPDX-License-Identifier: GPL-2.0
/*
 * struct domain_config -> libxl_domain_config, with the defaults xl's
 * parse_config_data applies on the common path (type, name, uuid, memory,
 * vCPUs and their hard affinity, vNUMA, kernel, ramdisk, cmdline, disks,
 * vifs and the on_* actions). The JSON libxl generates from the result is what
 * `xl -N create` prints; tests compare the two.
 */
#include "backends/xen/xen.h"

#include <stdlib.h>
#include <string.h>

#include <libxl_json.h>
#include <yajl/yajl_gen.h>

#include "parsers/cpulist.h"
#include "lib/util.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void set_defbool(libxl_defbool *b, enum tristate t)
{
	if (t != TRI_DEFAULT)
		libxl_defbool_set(b, t == TRI_TRUE);
}

/* A cpus= list as a libxl bitmap of host CPUs. */
int cpu_bitmap(const char *list, libxl_bitmap *out, char **err)
{
	struct cpumap map;
	unsigned cpu;

	cpumap_init_host(&map);
	if (!cpulist_parse(list, &map, err)) {
		cpumap_free(&map);
		return -1;
	}
	libxl_bitmap_init(out);
	out->size = (uint32_t)((map.nbits + 7) / 8);
	out->map = xcalloc(out->size ? out->size : 1, 1);
	for (cpu = 0; cpu < map.nbits; cpu++)
		if (cpumap_test(&map, cpu))
			libxl_bitmap_set(out, (int)cpu);
	cpumap_free(&map);
	return 0;
}

int xen_vcpu_affinity(libxl_domain_build_info *b, const char *all, char *const *per_vcpu,
		      unsigned n, bool hard, char **err)
{
	libxl_bitmap **maps = hard ? &b->vcpu_hard_affinity : &b->vcpu_soft_affinity;
	int *count = hard ? &b->num_vcpu_hard_affinity : &b->num_vcpu_soft_affinity;
	int max = b->max_vcpus, i;

	if (!all && !per_vcpu)
		return 0;
	if (all && max == 0) {
		/* No vCPUs given: no map to fill, but xl still rejects a bad list. */
		libxl_bitmap check;

		if (cpu_bitmap(all, &check, err))
			return -1;
		libxl_bitmap_dispose(&check);
	} else {
		if (!all && (int)n < max)
			max = (int)n;
		*maps = xcalloc((size_t)max + 1, sizeof(**maps));
		*count = max;
		for (i = 0; i < max; i++)
			if (cpu_bitmap(all ? all : per_vcpu[i], &(*maps)[i], err))
				return -1;
	}
	/* a map per vCPU, or any soft affinity: xl turns automatic NUMA placement off */
	if (!all || !hard)
		libxl_defbool_set(&b->numa_placement, false);
	return 0;
}

static void sizes(const struct domain_config *dc, libxl_domain_build_info *b)
{
	struct domain_sizes r = domain_config_resolve(dc, NULL); /* libxl fills in the rest */
	int i;

	if (r.memory_mib)
		b->target_memkb = (uint64_t)r.memory_mib * 1024;
	if (r.maxmem_mib)
		b->max_memkb = (uint64_t)r.maxmem_mib * 1024;
	b->max_vcpus = r.max_vcpus;
	if (r.vcpus) {
		libxl_bitmap_init(&b->avail_vcpus);
		b->avail_vcpus.size = (uint32_t)((r.vcpus + 7) / 8);
		b->avail_vcpus.map = xcalloc(b->avail_vcpus.size, 1);
		for (i = 0; i < r.vcpus; i++)
			libxl_bitmap_set(&b->avail_vcpus, i);
	}
}

/* A bitmap of bits bits, none set, as libxl_cpu_bitmap_alloc sizes one. */
static void bitmap_alloc(libxl_bitmap *map, unsigned bits)
{
	libxl_bitmap_init(map);
	map->size = (bits + 7) / 8;
	map->map = xcalloc(map->size ? map->size : 1, 1);
}

/*
 * vnuma as xl's parse_vnuma_config hands it to libxl: one libxl_vnode_info
 * per vnode, its vCPUs in a map of max_vcpus bits, and automatic NUMA
 * placement off (each vnode names its pnode).
 */
static void vnuma_nodes(const struct vnuma *v, libxl_domain_build_info *b)
{
	unsigned i, j;

	if (!v->nnodes)
		return;
	b->vnuma_nodes = xcalloc(v->nnodes, sizeof(*b->vnuma_nodes));
	b->num_vnuma_nodes = (int)v->nnodes;
	for (i = 0; i < v->nnodes; i++) {
		const struct vnode *node = &v->nodes[i];
		libxl_vnode_info *p = &b->vnuma_nodes[i];

		libxl_vnode_info_init(p);
		p->memkb = (uint64_t)node->size_mib * 1024;
		p->distances = xcalloc(v->nnodes, sizeof(*p->distances));
		p->num_distances = (int)v->nnodes;
		for (j = 0; j < v->nnodes; j++)
			p->distances[j] = node->distances[j];
		p->pnode = node->pnode;
		bitmap_alloc(&p->vcpus, (unsigned)b->max_vcpus);
		for (j = 0; j < node->nvcpus; j++)
			libxl_bitmap_set(&p->vcpus, (int)node->vcpus[j]);
	}
	libxl_defbool_set(&b->numa_placement, false);
}

void xen_disk_from_spec(const struct disk_spec *s, libxl_device_disk *d)
{
	libxl_device_disk_init(d);
	d->backend_domname = dup_or_null(s->backend_domname);
	d->pdev_path = dup_or_null(s->target);
	d->vdev = dup_or_null(s->vdev);
	d->backend = (libxl_disk_backend)s->backendtype; /* the same numbering */
	d->format = (libxl_disk_format)s->format;
	d->script = dup_or_null(s->script);
	d->removable = s->removable;
	d->readwrite = s->readwrite;
	d->is_cdrom = s->is_cdrom;
	d->direct_io_safe = s->direct_io_safe;
	set_defbool(&d->discard_enable, s->discard);
	if (s->specification_virtio)
		d->specification = LIBXL_DISK_SPECIFICATION_VIRTIO;
	set_defbool(&d->colo_enable, s->colo);
	d->colo_host = dup_or_null(s->colo_host);
	d->colo_port = s->colo_port;
	d->colo_export = dup_or_null(s->colo_export);
	d->active_disk = dup_or_null(s->active_disk);
	d->hidden_disk = dup_or_null(s->hidden_disk);
	set_defbool(&d->trusted, s->trusted);
}

void xen_nic_from_spec(const struct vif_spec *v, libxl_device_nic *n)
{
	libxl_device_nic_init(n);
	n->backend_domname = dup_or_null(v->backend_domname);
	n->devid = v->devid;
	n->mtu = (int)v->mtu;
	n->model = dup_or_null(v->model);
	if (v->mac_set)
		memcpy(n->mac, v->mac, 6);
	n->ip = dup_or_null(v->ip);
	n->bridge = dup_or_null(v->bridge);
	n->ifname = dup_or_null(v->vifname);
	n->script = dup_or_null(v->script);
	n->nictype = v->type == NIC_TYPE_VIF	     ? LIBXL_NIC_TYPE_VIF
		     : v->type == NIC_TYPE_VIF_IOEMU ? LIBXL_NIC_TYPE_VIF_IOEMU
						     : LIBXL_NIC_TYPE_UNKNOWN;
	n->rate_bytes_per_interval = v->rate_bytes_per_interval;
	n->rate_interval_usecs = v->rate_interval_usecs;
	n->gatewaydev = dup_or_null(v->gatewaydev);
	if (v->trusted >= 0)
		libxl_defbool_set(&n->trusted, v->trusted);
}

int xen_config_build(const struct domain_config *dc, libxl_domain_config *d, char **err)
{
	static const libxl_domain_type types[] = {
		[DOMAIN_TYPE_PV] = LIBXL_DOMAIN_TYPE_PV,
		[DOMAIN_TYPE_PVH] = LIBXL_DOMAIN_TYPE_PVH,
		[DOMAIN_TYPE_HVM] = LIBXL_DOMAIN_TYPE_HVM,
	};
	unsigned i;

	libxl_domain_config_init(d);
	d->c_info.type = types[dc->type];
	d->c_info.name = xstrdup(dc->name);
	memcpy(libxl_uuid_bytearray(&d->c_info.uuid), dc->uuid, 16);
	/* xl's global defaults (xl.conf): hotplug scripts run by libxl, memory claims on. */
	libxl_defbool_set(&d->c_info.run_hotplug_scripts, true);
	libxl_domain_build_info_init_type(&d->b_info, d->c_info.type);
	libxl_defbool_set(&d->b_info.claim_mode, true);
	sizes(dc, &d->b_info);
	vnuma_nodes(&dc->vnuma, &d->b_info);
	if (xen_vcpu_affinity(&d->b_info, dc->cpus, dc->cpus_per_vcpu, dc->ncpus_per_vcpu, true,
			      err))
		return -1;
	d->b_info.kernel = dup_or_null(dc->kernel);
	d->b_info.ramdisk = dup_or_null(dc->ramdisk);
	d->b_info.cmdline = dup_or_null(dc->cmdline);
	d->disks = xcalloc(dc->ndisks + 1, sizeof(*d->disks));
	for (i = 0; i < dc->ndisks; i++)
		xen_disk_from_spec(&dc->disks[i], &d->disks[d->num_disks++]);
	d->nics = xcalloc(dc->nvifs + 1, sizeof(*d->nics));
	for (i = 0; i < dc->nvifs; i++)
		xen_nic_from_spec(&dc->vifs[i], &d->nics[d->num_nics++]);
	/* Our numbering is libxl's. */
	d->on_poweroff = (libxl_action_on_shutdown)dc->on_poweroff;
	d->on_reboot = (libxl_action_on_shutdown)dc->on_reboot;
	d->on_watchdog = (libxl_action_on_shutdown)dc->on_watchdog;
	d->on_crash = (libxl_action_on_shutdown)dc->on_crash;
	d->on_soft_reset = (libxl_action_on_shutdown)dc->on_soft_reset;
	return xen_keys_apply(dc, d, err);
}

char *xen_config_json(const struct domain_config *dc, char **err)
{
	libxl_domain_config d;
	yajl_gen g;
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (xen_config_build(dc, &d, err)) {
		libxl_domain_config_dispose(&d);
		return NULL;
	}
	g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	if (libxl_domain_config_gen_json(g, &d) == yajl_gen_status_ok &&
	    yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = xstrndup((const char *)buf, len);
	else
		*err = xstrdup("libxl could not write the config as JSON");
	yajl_gen_free(g);
	libxl_domain_config_dispose(&d);
	return out;
}
