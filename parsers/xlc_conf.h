/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/xlc/xlc.conf: xl.conf(5) syntax and keys, plus xlc's own (backend,
 * run_dir, log_dir). A missing file is not an error.
 */
#ifndef XLC_XLC_CONF_H
#define XLC_XLC_CONF_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The kvm backend's VMM of domain N runs as uid and gid 0x78000000 + N: a
 * range that neither Debian nor systemd hands out (systemd's container
 * ranges end at 0x6fffffff), one uid per guest so that guests cannot touch
 * each other's processes.
 */
#define XLC_DEFAULT_VMM_UID_BASE 0x78000000u
#define XLC_DEFAULT_VMM_OVERHEAD_MIB 256 /* the VMM and KVM beside guest RAM, in its cgroup */
#define XLC_DEFAULT_LOG_MAX_KIB 10240	 /* 10 MiB, then .1 */

struct xlc_conf {
	char *path;	   /* the file read, or NULL */
	char *backend;	   /* "kvm" or "xen", or NULL */
	char *run_dir;	   /* control sockets (default /run/xlc) */
	char *log_dir;	   /* guest and VMM logs (default /var/log/xlc) */
	char *vif_bridge;  /* vif.default.bridge */
	char *vif_script;  /* vif.default.script */
	char *sysconf_dir; /* where xlc/ and xen/ config directories live */
	/* The kvm backend's VMM: how it is confined, and its logs. */
	uint32_t vmm_uid_base;
	char *vmm_cgroup; /* relative to the cgroup v2 root; "" for none */
	uint64_t vmm_memory_overhead_mib;
	char *vmm_seccomp; /* kill, trap, log, off */
	uint64_t log_max_bytes, console_log_max_bytes;
	bool console_timestamps;
	bool vmm_vhost_net;	/* NICs without rate= on /dev/vhost-net where it exists */
	bool unknown_keys_warn; /* unknown_keys = "warn" */
};

/*
 * Reads the configuration: $XLC_SYSCONFDIR (default /etc) locates
 * xlc/xlc.conf, and XLC_RUN_DIR / XLC_LOG_DIR override the directories.
 * Returns 0, or 1 with a message in *err.
 */
int xlc_conf_load(struct xlc_conf *conf, char **err);
void xlc_conf_free(struct xlc_conf *conf);

#endif
