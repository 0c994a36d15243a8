// SPDX-License-Identifier: GPL-2.0
/*
 * A running domain's vCPUs and devices through libxl, as xl changes them:
 * vcpu-set (libxl_set_vcpuonline), block-attach/-detach/-list, network-
 * attach/-detach/-list and cd-insert/-eject. Before libxl is asked, the
 * mistakes an admin makes most (a vdev in use, a bridge that is not there)
 * are said in words; libxl's own refusals point to its log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/xen/xen.h"
#include "lib/util.h"
#include "parsers/disk_spec.h"

/* The context and the id of the named domain; NULL with *err. */
static libxl_ctx *domain_ctx(const struct xlc_conf *conf, const char *name, uint32_t *domid,
			     char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);

	if (!c || xen_domid_of(c, name, domid, err))
		return NULL;
	return c;
}

int xen_set_vcpus(const struct xlc_conf *conf, const char *name, unsigned n, bool check_host,
		  char **err)
{
	libxl_bitmap map;
	libxl_dominfo info;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	unsigned i, online, max;
	int rc, host;

	if (!c)
		return -1;
	libxl_dominfo_init(&info);
	if (libxl_domain_info(c, &info, domid)) {
		*err = xstrdup("cannot get the domain's information from libxl");
		return -1;
	}
	online = info.vcpu_online;
	max = info.vcpu_max_id + 1;
	libxl_dominfo_dispose(&info);
	host = libxl_get_max_cpus(c);
	if (check_host && n > online && host > 0 && n > (unsigned)host) {
		/* xl's words, its spelling included: scripts match them. */
		*err = xasprintf("You are overcommmitting! You have %d physical CPUs and want %u "
				 "vCPUs! Aborting, use --ignore-host to continue",
				 host, n);
		return -1;
	}
	if (n > max) {
		*err = xasprintf(
			"libxl_set_vcpuonline failed domid=%u max_vcpus=%u: %s has at most "
			"%u vCPUs (its maxvcpus)",
			domid, n, name, max);
		return -1;
	}
	libxl_bitmap_init(&map);
	if (libxl_cpu_bitmap_alloc(c, &map, (int)n)) {
		*err = xstrdup("cannot allocate a vCPU bitmap");
		return -1;
	}
	for (i = 0; i < n; i++)
		libxl_bitmap_set(&map, (int)i);
	rc = libxl_set_vcpuonline(c, domid, &map, NULL);
	libxl_bitmap_dispose(&map);
	if (rc == ERROR_DOMAIN_NOTFOUND) {
		*err = xasprintf("Domain %u does not exist.", domid);
		return -1;
	}
	if (rc) {
		*err = xasprintf(
			"libxl_set_vcpuonline failed domid=%u max_vcpus=%u, rc: %d; see %s", domid,
			n, rc, xen_log_path());
		return -1;
	}
	return 0;
}

/* Whether the domain has a disk at the vdev Xen numbers devnum. */
static bool vdev_in_use(libxl_ctx *c, uint32_t domid, unsigned long devnum)
{
	libxl_device_disk *disks;
	unsigned long other;
	unsigned index;
	bool used = false;
	int i, n;

	disks = libxl_device_disk_list(c, domid, &n);
	for (i = 0; i < n && !used; i++)
		used = disks[i].vdev && vdev_decode(disks[i].vdev, &other, &index) &&
		       other == devnum;
	if (disks)
		libxl_device_disk_list_free(disks, n);
	return used;
}

int xen_disk_attach(const struct xlc_conf *conf, const char *name, const struct disk_spec *disk,
		    char **err)
{
	libxl_device_disk d;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	int rc;

	if (!c)
		return -1;
	if (vdev_in_use(c, domid, disk->devnum)) {
		*err = xasprintf("%s: vdev %s is in use already; detach it first, or give another "
				 "vdev",
				 name, disk->vdev);
		return -1;
	}
	xen_disk_from_spec(disk, &d);
	rc = libxl_device_disk_add(c, domid, &d, NULL);
	libxl_device_disk_dispose(&d);
	return rc ? xen_fail(err, "libxl could not add the disk", rc) : 0;
}

int xen_disk_detach(const struct xlc_conf *conf, const char *name, const char *vdev, bool force,
		    char **err)
{
	libxl_device_disk d;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	int rc;

	if (!c)
		return -1;
	if (libxl_vdev_to_device_disk(c, domid, vdev, &d))
		return 1;
	if (d.specification == LIBXL_DISK_SPECIFICATION_VIRTIO) {
		libxl_device_disk_dispose(&d);
		*err = xstrdup("Hotunplug isn't supported for specification virtio");
		return -1;
	}
	rc = force ? libxl_device_disk_destroy(c, domid, &d, NULL)
		   : libxl_device_disk_safe_remove(c, domid, &d, NULL);
	libxl_device_disk_dispose(&d);
	return rc ? xen_fail(err, "libxl could not remove the disk", rc) : 0;
}

/*
 * libxl's vif-bridge script fails late, in its log, on a bridge that does
 * not exist; say it first. libxl's default bridge is xenbr0.
 */
static int bridge_missing(const libxl_device_nic *n, char **err)
{
	const char *bridge = n->bridge ? n->bridge : "xenbr0";
	char path[300];

	if (n->script && !strstr(n->script, "vif-bridge"))
		return 0;
	if (strchr(bridge, '/') || strlen(bridge) > 64)
		return 0; /* libxl's concern: not a name we can look up */
	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", bridge);
	if (!access(path, F_OK))
		return 0;
	*err = xasprintf("bridge %s does not exist on this host; create it or give "
			 "bridge=<an existing one>",
			 bridge);
	return -1;
}

int xen_nic_attach(const struct xlc_conf *conf, const char *name, const struct vif_spec *vif,
		   char **err)
{
	libxl_device_nic n;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	int rc = -1;

	if (!c)
		return -1;
	xen_nic_from_spec(vif, &n);
	if (!bridge_missing(&n, err)) {
		rc = libxl_device_nic_add(c, domid, &n, NULL);
		if (rc)
			rc = xen_fail(err, "libxl could not add the NIC", rc);
	}
	libxl_device_nic_dispose(&n);
	return rc;
}

int xen_nic_detach(const struct xlc_conf *conf, const char *name, const char *devid_or_mac,
		   char **err)
{
	libxl_device_nic n;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	char *end;
	long devid;
	int rc;

	if (!c)
		return -1;
	if (strchr(devid_or_mac, ':')) {
		if (libxl_mac_to_device_nic(c, domid, devid_or_mac, &n))
			return 1;
	} else {
		devid = strtol(devid_or_mac, &end, 10);
		if (end == devid_or_mac || *end || devid < 0 || devid > INT32_MAX ||
		    libxl_devid_to_device_nic(c, domid, (int)devid, &n))
			return 1;
	}
	rc = libxl_device_nic_remove(c, domid, &n, NULL);
	libxl_device_nic_dispose(&n);
	return rc ? xen_fail(err, "libxl could not remove the NIC", rc) : 0;
}

static void disk_rows(libxl_ctx *c, uint32_t domid, struct device_info **out, int *n)
{
	libxl_device_disk *disks;
	libxl_diskinfo info;
	int i, nb;

	disks = libxl_device_disk_list(c, domid, &nb);
	*out = xcalloc((size_t)nb + 1, sizeof(**out));
	for (i = 0; i < nb; i++) {
		libxl_diskinfo_init(&info);
		if (libxl_device_disk_getinfo(c, domid, &disks[i], &info))
			continue;
		(*out)[*n] = (struct device_info){
			.devid = info.devid,
			.backend_id = (int)info.backend_id,
			.frontend_id = (int)info.frontend_id,
			.state = info.state,
			.evtch = info.evtch,
			.ring_ref = { info.rref, -1 },
			.backend_path = xstrdup(info.backend ? info.backend : ""),
		};
		(*n)++;
		libxl_diskinfo_dispose(&info);
	}
	if (disks)
		libxl_device_disk_list_free(disks, nb);
}

static void nic_rows(libxl_ctx *c, uint32_t domid, struct device_info **out, int *n)
{
	libxl_device_nic *nics;
	libxl_nicinfo info;
	int i, nb;

	nics = libxl_device_nic_list(c, domid, &nb);
	*out = xcalloc((size_t)nb + 1, sizeof(**out));
	for (i = 0; i < nb; i++) {
		libxl_nicinfo_init(&info);
		if (libxl_device_nic_getinfo(c, domid, &nics[i], &info))
			continue;
		(*out)[*n] = (struct device_info){
			.devid = info.devid,
			.backend_id = (int)info.backend_id,
			.frontend_id = (int)info.frontend_id,
			.state = info.state,
			.evtch = info.evtch,
			.ring_ref = { info.rref_tx, info.rref_rx },
			.backend_path = xstrdup(info.backend ? info.backend : ""),
		};
		memcpy((*out)[*n].mac, nics[i].mac, 6);
		(*n)++;
		libxl_nicinfo_dispose(&info);
	}
	if (nics)
		libxl_device_nic_list_free(nics, nb);
}

int xen_device_list(const struct xlc_conf *conf, const char *name, bool nics,
		    struct device_info **out, int *n, char **err)
{
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);

	if (!c)
		return -1;
	*n = 0;
	if (nics)
		nic_rows(c, domid, out, n);
	else
		disk_rows(c, domid, out, n);
	return 0;
}

int xen_cd_change(const struct xlc_conf *conf, const char *name, const struct disk_spec *cd,
		  char **err)
{
	libxl_device_disk d;
	libxl_dominfo info;
	uint32_t domid;
	libxl_ctx *c = domain_ctx(conf, name, &domid, err);
	bool hvm;
	int rc;

	if (!c)
		return -1;
	libxl_dominfo_init(&info);
	if (libxl_domain_info(c, &info, domid)) {
		*err = xstrdup("cannot get the domain's information from libxl");
		return -1;
	}
	hvm = info.domain_type == LIBXL_DOMAIN_TYPE_HVM;
	libxl_dominfo_dispose(&info);
	if (!hvm) {
		/* libxl refuses it too, but only in its log. */
		*err = xasprintf("%s is not an HVM domain: only HVM guests have cdrom drives whose "
				 "medium can change",
				 name);
		return -1;
	}
	xen_disk_from_spec(cd, &d);
	rc = libxl_cdrom_insert(c, domid, &d, NULL);
	libxl_device_disk_dispose(&d);
	return rc ? xen_fail(err, "libxl could not change the medium", rc) : 0;
}
