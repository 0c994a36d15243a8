/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/xlc/xlc.conf: xl.conf(5) syntax and keys, plus xlc's own (backend,
 * run_dir, log_dir). A missing file is not an error.
 */
#ifndef XLC_XLC_CONF_H
#define XLC_XLC_CONF_H

struct xlc_conf {
	char *path;	   /* the file read, or NULL */
	char *backend;	   /* "kvm" or "xen", or NULL */
	char *run_dir;	   /* control sockets (default /run/xlc) */
	char *log_dir;	   /* guest and VMM logs (default /var/log/xlc) */
	char *vif_bridge;  /* vif.default.bridge */
	char *vif_script;  /* vif.default.script */
	char *sysconf_dir; /* where xlc/ and xen/ config directories live */
};

/*
 * Reads the configuration: $XLC_SYSCONFDIR (default /etc) locates
 * xlc/xlc.conf, and XLC_RUN_DIR / XLC_LOG_DIR override the directories.
 * Returns 0, or 1 with a message in *err.
 */
int xlc_conf_load(struct xlc_conf *conf, char **err);
void xlc_conf_free(struct xlc_conf *conf);

#endif
