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
/* The keys only Xen honours (dc->xen_only), as xl hands them to libxl. */
int xen_keys_apply(const struct domain_config *dc, libxl_domain_config *d, char **err);
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
