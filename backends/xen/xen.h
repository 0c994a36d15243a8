/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xen backend: libxenlight (libxl) on a Xen dom0. xen.c is the backend
 * table, xen_config.c turns a domain_config into libxl's (xen_keys.c: the
 * keys only Xen honours), xen_monitor.c is
 * the per-domain process that carries out on_poweroff/on_reboot/on_crash,
 * as xl's does.
 */
#ifndef XLC_XEN_H
#define XLC_XEN_H

#define LIBXL_API_VERSION 0x041300
#include <libxl.h>
#include <libxl_utils.h>

#include "backends/backend.h"

/* Fills d (which the caller disposes of); -1 with *err. */
int xen_config_build(const struct domain_config *dc, libxl_domain_config *d, char **err);
/* A config's disk or vif entry as libxl's device (which the caller disposes of). */
void xen_disk_from_spec(const struct disk_spec *s, libxl_device_disk *d);
void xen_nic_from_spec(const struct vif_spec *v, libxl_device_nic *n);
/* The keys only Xen honours (dc->xen_only), as xl hands them to libxl. */
int xen_keys_apply(const struct domain_config *dc, libxl_domain_config *d, char **err);
/*
 * The lists of further devices and host resources (channel, vtpm, p9,
 * pvcalls, usbctrl, usbdev, vkb, dtdev, ioports, irqs, iomem) and rdm, as
 * xl passes them (xen_keys_devices.c); -1 with *err.
 */
int xen_keys_devices(const struct domain_config *dc, libxl_domain_config *d, char **err);
int xen_keys_rdm(const struct domain_config *dc, libxl_domain_config *d, char **err);
/* The vfb list: a framebuffer and its keyboard per item. */
int xen_keys_vfbs(const struct domain_config *dc, libxl_domain_config *d, char **err);
/* A CPU list (xl.cfg's cpus= syntax) as a libxl bitmap of host CPUs; -1 with *err. */
int cpu_bitmap(const char *list, libxl_bitmap *out, char **err);
/* cpus / cpus_soft: one CPU list for every vCPU, or one per vCPU. */
int xen_vcpu_affinity(libxl_domain_build_info *b, const char *all, char *const *per_vcpu,
		      unsigned n, bool hard, char **err);
/* libxl's own JSON of the config, as `xl -N create` prints it. */
char *xen_config_json(const struct domain_config *dc, char **err);

/* A libxl context whose log goes to the libxl log file (and stderr with -v). */
libxl_ctx *xen_ctx(const struct xlc_conf *conf, char **err);
void xen_ctx_free(void);
/* A domain's id by name: 0, or -1 with xl's words in *err. */
int xen_domid_of(libxl_ctx *c, const char *name, uint32_t *domid, char **err);
/* *err = what, libxl's error code and where its log is; returns -1. */
int xen_fail(char **err, const char *what, int rc);

/* The device operations (xen_devices.c): vcpu-set, block-*, network-*, cd-*. */
int xen_set_vcpus(const struct xlc_conf *conf, const char *name, unsigned n, bool check_host,
		  char **err);
int xen_disk_attach(const struct xlc_conf *conf, const char *name, const struct disk_spec *disk,
		    char **err);
int xen_disk_detach(const struct xlc_conf *conf, const char *name, const char *vdev, bool force,
		    char **err);
int xen_nic_attach(const struct xlc_conf *conf, const char *name, const struct vif_spec *vif,
		   char **err);
int xen_nic_detach(const struct xlc_conf *conf, const char *name, const char *devid_or_mac,
		   char **err);
int xen_device_list(const struct xlc_conf *conf, const char *name, bool nics,
		    struct device_info **out, int *n, char **err);
int xen_cd_change(const struct xlc_conf *conf, const char *name, const struct disk_spec *cd,
		  char **err);

/*
 * A domain libxl has just built (create, restore): unpaused unless
 * opts->paused, then watched by a monitor (its own process, or this one
 * with -F; none with no_monitor), with -c the console. Returns an exit status.
 */
int xen_started(libxl_ctx *c, const struct xlc_conf *conf, libxl_domain_config *d, uint32_t domid,
		const struct create_opts *opts);
/* save and restore, in xl's save-file format (xen_save.c). */
int xen_save(const struct xlc_conf *conf, const char *name, const char *file,
	     const struct save_opts *opts, char **err);
int xen_restore(const struct xlc_conf *conf, const char *file, const struct domain_config *config,
		const struct create_opts *opts);
/* The config a save or migration carries: opts' own, or the domain's as libxl keeps it. */
int xen_config_to_keep(libxl_ctx *c, uint32_t domid, const struct save_opts *opts,
		       libxl_domain_config *d, char **err);
/* migrate and migrate-receive, xl's protocol over the transport's fds (xen_migrate.c). */
int xen_migrate_send(const struct xlc_conf *conf, const char *name, int send_fd, int recv_fd,
		     const char *rune, const struct save_opts *opts, bool debug,
		     struct migrate_stats *stats, char **err);
int xen_migrate_receive(const struct xlc_conf *conf, int recv_fd, int send_fd,
			const struct create_opts *opts);

/* Where libxl's detailed log is written, for error messages. */
const char *xen_log_path(void);

/*
 * Waits for the domain's shutdown and death events and applies its on_*
 * actions until it is gone for good: in create -F's own process, or in the
 * detached monitor xen_monitor_spawn starts.
 */
int xen_monitor(libxl_ctx *ctx, libxl_domain_config *d, uint32_t domid);
/* Starts the detached monitor of a created domain; -1 with *err. */
int xen_monitor_spawn(libxl_ctx *ctx, const struct xlc_conf *conf, libxl_domain_config *d,
		      uint32_t domid, char **err);

#endif
