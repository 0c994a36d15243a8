/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct domain_config: one guest's configuration, resolved from an xl.cfg
 * file (and command-line key=value overrides). Backends consume it as is;
 * nothing after this point reads the file again.
 */
#ifndef XLC_DOMAIN_CONFIG_H
#define XLC_DOMAIN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "parsers/cfg_reader.h"
#include "parsers/disk_spec.h"
#include "parsers/vif_spec.h"
#include "parsers/vnuma_spec.h"

enum domain_type { DOMAIN_TYPE_PV, DOMAIN_TYPE_PVH, DOMAIN_TYPE_HVM };

/* The on_* actions, in libxl's numbering. */
enum shutdown_action {
	ACTION_DESTROY = 1,
	ACTION_RESTART,
	ACTION_RESTART_RENAME,
	ACTION_PRESERVE,
	ACTION_COREDUMP_DESTROY,
	ACTION_COREDUMP_RESTART,
	ACTION_SOFT_RESET,
};

/*
 * A key only Xen honours (vnc, pae, pci...), kept as written: the xen backend
 * hands it to libxl as xl would, the kvm backend names it in a warning.
 */
struct xen_setting {
	const char *key;
	char *source; /* file and line of the assignment, for messages */
	int line;
	char *value;  /* a scalar's decoded value, or NULL for a list */
	char **items; /* a list's items, NULL-terminated; none for a list of lists */
	unsigned nitems;
	char ***lists; /* a list of lists' (vsnd): each inner list's items, NULL-terminated */
	unsigned nlists;
	bool kvm_honours; /* a key every backend reads (serial): no warning */
};

struct domain_config {
	char *source; /* the file it came from, for messages */
	char *name;
	uint8_t uuid[16];
	bool uuid_set;
	enum domain_type type;
	long memory_mib;      /* 0: not given (the backend's default) */
	long maxmem_mib;      /* 0: not given (= memory); with vnuma, its vnodes' sizes */
	int vcpus;	      /* 0: not given (1) */
	int maxvcpus;	      /* 0: not given (= vcpus); with vnuma, its vnodes' vCPUs */
	char *cpus;	      /* hard affinity for all vCPUs ("0-3"), or NULL */
	char **cpus_per_vcpu; /* cpus = [ "0", "1" ]: one per vCPU */
	unsigned ncpus_per_vcpu;
	char *kernel;
	char *ramdisk;
	char *cmdline;
	struct disk_spec *disks;
	unsigned ndisks;
	struct vif_spec *vifs;
	unsigned nvifs;
	enum shutdown_action on_poweroff, on_reboot, on_crash, on_watchdog, on_soft_reset;
	struct vnuma vnuma;	      /* vnuma = [ [...], ... ]; no nodes when not given */
	bool maxvcpus_from_vnuma;     /* maxvcpus came from vnuma: xl checks it against the host */
	struct xen_setting *xen_only; /* keys given that only the xen backend honours */
	unsigned nxen_only;
};

/* Settings from xlc.conf that change how a domain config is read. */
struct domain_defaults {
	const char *vif_bridge; /* vif.default.bridge */
	const char *vif_script; /* vif.default.script */
	bool unknown_keys_warn; /* unknown_keys = "warn": a key xlc does not know is ignored */
};

extern const struct cfg_key domain_keys[];

/*
 * Builds a domain_config from an xl.cfg text plus "key=value" overrides
 * (later assignments in the same grammar). On error returns NULL with a
 * one-line "file:line: key = value: message" in *err.
 */
struct domain_config *domain_config_load(const char *source, const char *text, size_t len,
					 char *const *overrides, unsigned noverrides,
					 const struct domain_defaults *defaults, char **err);
void domain_config_free(struct domain_config *dc);
/* The setting of a key the xen backend needs (xen_only), or NULL when the config has none. */
const struct xen_setting *domain_config_setting(const struct domain_config *dc, const char *key);

/* What a backend gives a config that leaves a size out. */
struct domain_size_defaults {
	long memory_mib;
	int vcpus;
};

/* A domain's sizes once every default is applied; 0: still unset. */
struct domain_sizes {
	long memory_mib, maxmem_mib;
	int vcpus, max_vcpus;
};

/*
 * The one place a config's sizes get their defaults. Always xl's rules:
 * maxmem is memory unless given, maxvcpus is vcpus unless given. Then, with
 * a backend's defaults, libxl's: memory is maxmem unless given (libxl's
 * target follows its max), and what is still missing is the backend's.
 * Without (NULL), the rest stays unset, as xl leaves it to libxl.
 */
struct domain_sizes domain_config_resolve(const struct domain_config *dc,
					  const struct domain_size_defaults *defaults);

/* The CPU list vCPU i is pinned to by cpus=, or NULL if it floats. */
const char *domain_vcpu_cpus(const struct domain_config *dc, int vcpu);

const char *shutdown_action_name(enum shutdown_action a);      /* "rename-restart" */
const char *shutdown_action_json_name(enum shutdown_action a); /* "restart_rename" */
const char *domain_type_name(enum domain_type t);

/* Formats the uuid as 8-4-4-4-12 hex into buf (37 bytes). */
void uuid_format(const uint8_t uuid[16], char buf[37]);
/* A domain name: 1 to 64 letters, digits or '-_.+@', and not only digits. */
bool domain_name_valid(const char *name);
bool domain_uuid_parse(const char *s, uint8_t uuid[16]);

#endif
