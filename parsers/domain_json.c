// SPDX-License-Identifier: GPL-2.0
/*
 * Field names and order follow libxl_types.idl (Xen 4.17), so that the
 * output parses to the same object as xl's for every key xlc supports.
 */
#include "parsers/domain_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/cpulist.h"
#include "lib/util.h"

#define KEY(g, k) yajl_gen_string(g, (const unsigned char *)(k), strlen(k))

static void gen_str(yajl_gen g, const char *key, const char *value)
{
	if (!value)
		return;
	KEY(g, key);
	yajl_gen_string(g, (const unsigned char *)value, strlen(value));
}

static void gen_int(yajl_gen g, const char *key, long long value)
{
	KEY(g, key);
	yajl_gen_integer(g, value);
}

static void gen_empty_object(yajl_gen g, const char *key)
{
	KEY(g, key);
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
}

static void gen_tristate(yajl_gen g, const char *key, enum tristate t)
{
	if (t != TRI_DEFAULT)
		gen_str(g, key, t == TRI_TRUE ? "True" : "False");
}

static void gen_c_info(yajl_gen g, const struct domain_config *dc)
{
	char uuid[37];

	KEY(g, "c_info");
	yajl_gen_map_open(g);
	gen_str(g, "type", domain_type_name(dc->type));
	gen_str(g, "name", dc->name);
	uuid_format(dc->uuid, uuid);
	gen_str(g, "uuid", uuid);
	yajl_gen_map_close(g);
}

static void gen_cpumap(yajl_gen g, const char *list)
{
	struct cpumap map;
	char *err = NULL;
	unsigned cpu;

	cpumap_init_host(&map);
	if (!cpulist_parse(list, &map, &err))
		free(err); /* checked when the config was read; the host may lack a node */
	yajl_gen_array_open(g);
	for (cpu = 0; cpu < map.nbits; cpu++)
		if (cpumap_test(&map, cpu))
			yajl_gen_integer(g, cpu);
	yajl_gen_array_close(g);
	cpumap_free(&map);
}

/*
 * cpus= as xl stores it: one bitmap per vCPU up to max_vcpus, the string's
 * for all of them or the list's item by item.
 */
static void gen_hard_affinity(yajl_gen g, const struct domain_config *dc)
{
	int max = domain_config_resolve(dc, NULL).max_vcpus, i;

	if (!dc->cpus && !dc->ncpus_per_vcpu)
		return;
	if (dc->cpus_per_vcpu && (int)dc->ncpus_per_vcpu < max)
		max = (int)dc->ncpus_per_vcpu;
	KEY(g, "vcpu_hard_affinity");
	yajl_gen_array_open(g);
	for (i = 0; i < max; i++)
		gen_cpumap(g, dc->cpus ? dc->cpus : dc->cpus_per_vcpu[i]);
	yajl_gen_array_close(g);
}

/* xl turns libxl's automatic NUMA placement off for a map per vCPU, or a vnode's pnode. */
static void gen_numa_placement(yajl_gen g, const struct domain_config *dc)
{
	if (dc->ncpus_per_vcpu || dc->vnuma.nnodes)
		gen_str(g, "numa_placement", "False");
}

static void gen_uint_array(yajl_gen g, const char *key, const unsigned *v, unsigned n)
{
	unsigned i;

	KEY(g, key);
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		yajl_gen_integer(g, v[i]);
	yajl_gen_array_close(g);
}

/* libxl_vnode_info, which leaves out a pnode of 0 and an empty vCPU map. */
static void gen_vnuma_nodes(yajl_gen g, const struct vnuma *v)
{
	unsigned i;

	if (!v->nnodes)
		return;
	KEY(g, "vnuma_nodes");
	yajl_gen_array_open(g);
	for (i = 0; i < v->nnodes; i++) {
		const struct vnode *node = &v->nodes[i];

		yajl_gen_map_open(g);
		gen_int(g, "memkb", (long long)node->size_mib * 1024);
		gen_uint_array(g, "distances", node->distances, v->nnodes);
		if (node->pnode)
			gen_int(g, "pnode", node->pnode);
		if (node->nvcpus)
			gen_uint_array(g, "vcpus", node->vcpus, node->nvcpus);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

/* b_info's keyed union: libxl emits HVM's nested structs even when empty. */
static void gen_type_union(yajl_gen g, enum domain_type type)
{
	static const char *const hvm_members[] = { "rdm", "sdl", "spice", "vga", "vnc" };
	unsigned i;

	KEY(g, type == DOMAIN_TYPE_HVM	 ? "type.hvm"
	       : type == DOMAIN_TYPE_PVH ? "type.pvh"
					 : "type.pv");
	yajl_gen_map_open(g);
	for (i = 0; type == DOMAIN_TYPE_HVM && i < ARRAY_SIZE(hvm_members); i++)
		gen_empty_object(g, hvm_members[i]);
	yajl_gen_map_close(g);
}

/*
 * bootloader and bootloader_args, as xl puts them: the args a list, or a
 * string (deprecated) split at blanks. Both backends honour them.
 */
static void gen_bootloader(yajl_gen g, const struct domain_config *dc)
{
	const struct xen_setting *bl = domain_config_setting(dc, "bootloader");
	const struct xen_setting *args = domain_config_setting(dc, "bootloader_args");
	char **split = args && args->value ? strv_split_blanks(args->value) : NULL;
	char *const *v = split ? split : args ? args->items : NULL;

	if (bl && bl->value)
		gen_str(g, "bootloader", bl->value);
	if (v && v[0]) {
		KEY(g, "bootloader_args");
		yajl_gen_array_open(g);
		for (; *v; v++)
			yajl_gen_string(g, (const unsigned char *)*v, strlen(*v));
		yajl_gen_array_close(g);
	}
	strv_free(split);
}

static void gen_b_info(yajl_gen g, const struct domain_config *dc)
{
	struct domain_sizes r = domain_config_resolve(dc, NULL); /* xl's JSON: no defaults */
	int i;

	KEY(g, "b_info");
	yajl_gen_map_open(g);
	if (r.max_vcpus)
		gen_int(g, "max_vcpus", r.max_vcpus);
	if (r.vcpus) {
		KEY(g, "avail_vcpus");
		yajl_gen_array_open(g);
		for (i = 0; i < r.vcpus; i++)
			yajl_gen_integer(g, i);
		yajl_gen_array_close(g);
	}
	gen_hard_affinity(g, dc);
	gen_numa_placement(g, dc);
	if (r.maxmem_mib)
		gen_int(g, "max_memkb", r.maxmem_mib * 1024LL);
	if (r.memory_mib)
		gen_int(g, "target_memkb", r.memory_mib * 1024LL);
	gen_vnuma_nodes(g, &dc->vnuma);
	gen_empty_object(g, "sched_params");
	gen_str(g, "kernel", dc->kernel);
	gen_str(g, "cmdline", dc->cmdline);
	gen_str(g, "ramdisk", dc->ramdisk);
	gen_bootloader(g, dc);
	gen_type_union(g, dc->type);
	gen_empty_object(g, "arch_arm");
	gen_empty_object(g, "arch_x86");
	yajl_gen_map_close(g);
}

static void gen_disk(yajl_gen g, const struct disk_spec *d)
{
	yajl_gen_map_open(g);
	gen_str(g, "backend_domname", d->backend_domname);
	gen_str(g, "pdev_path", d->target);
	gen_str(g, "vdev", d->vdev);
	if (d->backendtype != DISK_BACKEND_UNKNOWN)
		gen_str(g, "backend", disk_backendtype_name(d->backendtype));
	gen_str(g, "format", disk_format_name(d->format));
	gen_str(g, "script", d->script);
	if (d->removable)
		gen_int(g, "removable", 1);
	if (d->readwrite)
		gen_int(g, "readwrite", 1);
	if (d->is_cdrom)
		gen_int(g, "is_cdrom", 1);
	if (d->direct_io_safe) {
		KEY(g, "direct_io_safe");
		yajl_gen_bool(g, 1);
	}
	gen_tristate(g, "discard_enable", d->discard);
	if (d->specification_virtio)
		gen_str(g, "specification", "virtio");
	gen_tristate(g, "colo_enable", d->colo);
	gen_str(g, "colo_host", d->colo_host);
	if (d->colo_port)
		gen_int(g, "colo_port", d->colo_port);
	gen_str(g, "colo_export", d->colo_export);
	gen_str(g, "active_disk", d->active_disk);
	gen_str(g, "hidden_disk", d->hidden_disk);
	gen_tristate(g, "trusted", d->trusted);
	yajl_gen_map_close(g);
}

static void gen_nic(yajl_gen g, const struct vif_spec *v)
{
	char mac[18];

	yajl_gen_map_open(g);
	gen_str(g, "backend_domname", v->backend_domname);
	gen_int(g, "devid", v->devid);
	if (v->mtu)
		gen_int(g, "mtu", (long long)v->mtu);
	gen_str(g, "model", v->model);
	if (v->mac_set) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1],
			 v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
		gen_str(g, "mac", mac);
	}
	gen_str(g, "ip", v->ip);
	gen_str(g, "bridge", v->bridge);
	gen_str(g, "ifname", v->vifname);
	gen_str(g, "script", v->script);
	if (v->type != NIC_TYPE_UNKNOWN)
		gen_str(g, "nictype", v->type == NIC_TYPE_VIF ? "vif" : "vif_ioemu");
	if (v->rate_interval_usecs) {
		gen_int(g, "rate_bytes_per_interval", (long long)v->rate_bytes_per_interval);
		gen_int(g, "rate_interval_usecs", v->rate_interval_usecs);
	}
	gen_str(g, "gatewaydev", v->gatewaydev);
	if (v->trusted >= 0)
		gen_str(g, "trusted", v->trusted ? "True" : "False");
	yajl_gen_map_close(g);
}

/* libxl leaves an action out when it is its default, destroy. */
static void gen_action(yajl_gen g, const char *key, enum shutdown_action a)
{
	if (a != ACTION_DESTROY)
		gen_str(g, key, shutdown_action_json_name(a));
}

bool domain_config_gen_json(yajl_gen g, const struct domain_config *dc)
{
	unsigned i;

	yajl_gen_map_open(g);
	gen_c_info(g, dc);
	gen_b_info(g, dc);
	if (dc->ndisks) {
		KEY(g, "disks");
		yajl_gen_array_open(g);
		for (i = 0; i < dc->ndisks; i++)
			gen_disk(g, &dc->disks[i]);
		yajl_gen_array_close(g);
	}
	if (dc->nvifs) {
		KEY(g, "nics");
		yajl_gen_array_open(g);
		for (i = 0; i < dc->nvifs; i++)
			gen_nic(g, &dc->vifs[i]);
		yajl_gen_array_close(g);
	}
	gen_action(g, "on_poweroff", dc->on_poweroff);
	gen_action(g, "on_reboot", dc->on_reboot);
	gen_action(g, "on_watchdog", dc->on_watchdog);
	gen_action(g, "on_crash", dc->on_crash);
	gen_action(g, "on_soft_reset", dc->on_soft_reset);
	return yajl_gen_map_close(g) == yajl_gen_status_ok;
}

char *domain_config_to_json(const struct domain_config *dc)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char *out = NULL;
	size_t len;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (domain_config_gen_json(g, dc) && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}
