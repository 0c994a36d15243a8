// SPDX-License-Identifier: GPL-2.0
#include "parsers/xlc_conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parsers/cfg_reader.h"
#include "lib/util.h"

#define XL(n)                                                                                      \
	{                                                                                          \
		n, KEY_STRING, KEY_XEN_ONLY, NULL                                                  \
	}

/* clang-format off */
static const struct cfg_key xlc_conf_keys[] = {
	{ "backend", KEY_STRING, 0, "kvm or xen" },
	{ "run_dir", KEY_STRING, 0, NULL },
	{ "log_dir", KEY_STRING, 0, NULL },
	{ "vif.default.bridge", KEY_STRING, 0, NULL },
	{ "vif.default.script", KEY_STRING, 0, NULL },
	{ "defaultbridge", KEY_STRING, 0, "deprecated: use vif.default.bridge" },
	{ "vifscript", KEY_STRING, 0, "deprecated: use vif.default.script" },
	{ "vmm_uid_base", KEY_INT, 0, "the VMM of domain N runs as uid and gid vmm_uid_base + N" },
	{ "vmm_cgroup", KEY_STRING, 0, "the cgroup v2 folder for the guests' cgroups" },
	{ "vmm_memory_overhead", KEY_INT, 0, "MiB a guest's cgroup allows above its RAM" },
	{ "vmm_seccomp", KEY_STRING, 0, "kill, trap, log or off" },
	{ "log_max_size", KEY_INT, 0, "KiB before a log is rotated to .1" },
	{ "console_log_max_size", KEY_INT, 0, "KiB before a console log is rotated to .1" },
	{ "console_timestamps", KEY_INT, 0, "0: console logs without timestamps" },
	{ "vmm_vhost_net", KEY_INT, 0, "0: NICs always on the VMM's own virtio-net path" },
	{ "unknown_keys", KEY_STRING, 0, "error or warn: what a domain config's unknown key does" },
	/* The rest of xl.conf(5), so that a copy of /etc/xen/xl.conf loads. */
	XL("autoballoon"), XL("blkdev_start"), XL("claim_mode"), XL("colo.default.proxyscript"),
	XL("domid_policy"), XL("lockfile"), XL("max_grant_frames"), XL("max_grant_version"),
	XL("max_maptrack_frames"), XL("output_format"), XL("remus.default.netbufscript"),
	XL("run_hotplug_scripts"), XL("vif.default.backend"), XL("vif.default.gatewaydev"),
	XL("vm.cpumask"), XL("vm.hvm.cpumask"), XL("vm.pv.cpumask"),
	{ NULL, 0, 0, NULL },
};
/* clang-format on */

static char *pick(const struct cfg_doc *doc, const char *key, const char *fallback_key,
		  const char *env, const char *def)
{
	const char *v = env ? getenv(env) : NULL;

	if (v && *v)
		return xstrdup(v);
	if (doc && cfg_doc_str(doc, key))
		return xstrdup(cfg_doc_str(doc, key));
	if (doc && fallback_key && cfg_doc_str(doc, fallback_key))
		return xstrdup(cfg_doc_str(doc, fallback_key));
	return def ? xstrdup(def) : NULL;
}

/* A number key, bounded; def if absent. */
static int pick_num(const struct cfg_doc *doc, const char *key, long long def, long long max,
		    long long *out, char **err)
{
	long v;

	*out = def;
	if (!doc || !cfg_doc_has(doc, key))
		return 0;
	v = cfg_doc_int(doc, key);
	if (v < 0 || v > max) {
		*err = cfg_doc_error(doc, key, "out of range (0 to %lld)", max);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * $XLC_VMM_UID_BASE overrides vmm_uid_base: test suites that share a host
 * give each run its own uids, so two runs' domain 1 never share a uid and
 * its process limit.
 */
static int uid_base_from_env(struct xlc_conf *conf, char **err)
{
	const char *v = getenv("XLC_VMM_UID_BASE");
	unsigned long long n;
	char *end;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || v[0] == '-' || n == 0 || n > 4294967295ULL - 65536) {
		*err = xasprintf("XLC_VMM_UID_BASE=%s: use a uid from 1 to %llu", v,
				 4294967295ULL - 65536);
		return -1;
	}
	conf->vmm_uid_base = (uint32_t)n;
	return 0;
}

static int vmm_settings(struct xlc_conf *conf, const struct cfg_doc *doc, char **err)
{
	static const char *const modes[] = { "kill", "trap", "log", "off" };
	long long v;
	unsigned i;

	if (pick_num(doc, "vmm_uid_base", XLC_DEFAULT_VMM_UID_BASE, 4294967295LL - 65536, &v, err))
		return -1;
	conf->vmm_uid_base = (uint32_t)v;
	if (uid_base_from_env(conf, err))
		return -1;
	if (pick_num(doc, "vmm_memory_overhead", XLC_DEFAULT_VMM_OVERHEAD_MIB, 1 << 20, &v, err))
		return -1;
	conf->vmm_memory_overhead_mib = (uint64_t)v;
	if (pick_num(doc, "log_max_size", XLC_DEFAULT_LOG_MAX_KIB, 1LL << 30, &v, err))
		return -1;
	conf->log_max_bytes = (uint64_t)v << 10;
	if (pick_num(doc, "console_log_max_size", XLC_DEFAULT_LOG_MAX_KIB, 1LL << 30, &v, err))
		return -1;
	conf->console_log_max_bytes = (uint64_t)v << 10;
	/* On by default: every line of every log says when it was written. */
	if (pick_num(doc, "console_timestamps", 1, 1, &v, err))
		return -1;
	conf->console_timestamps = v;
	/* On by default: frames move in the host kernel where it has vhost-net. */
	if (pick_num(doc, "vmm_vhost_net", 1, 1, &v, err))
		return -1;
	conf->vmm_vhost_net = v;
	conf->vmm_cgroup = pick(doc, "vmm_cgroup", NULL, NULL, "xlc");
	conf->vmm_seccomp = pick(doc, "vmm_seccomp", NULL, "XLC_VMM_SECCOMP", "kill");
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(conf->vmm_seccomp, modes[i]))
			return 0;
	*err = doc && cfg_doc_has(doc, "vmm_seccomp")
		       ? cfg_doc_error(doc, "vmm_seccomp", "use kill, trap, log or off")
		       : xasprintf("XLC_VMM_SECCOMP=%s: use kill, trap, log or off",
				   conf->vmm_seccomp);
	return -1;
}

/* unknown_keys = "error" (the default) or "warn", for configs with keys of their own. */
static int unknown_keys_setting(struct xlc_conf *conf, const struct cfg_doc *doc, char **err)
{
	const char *v = doc ? cfg_doc_str(doc, "unknown_keys") : NULL;

	if (!v || !strcmp(v, "error"))
		return 0;
	if (!strcmp(v, "warn")) {
		conf->unknown_keys_warn = true;
		return 0;
	}
	*err = cfg_doc_error(doc, "unknown_keys", "use error or warn");
	return -1;
}

int xlc_conf_load(struct xlc_conf *conf, char **err)
{
	const char *sysconf = getenv("XLC_SYSCONFDIR");
	struct cfg_doc *doc = NULL;
	struct cfg_chunk chunk;
	size_t len = 0;
	char *text;

	memset(conf, 0, sizeof(*conf));
	conf->sysconf_dir = xstrdup(sysconf && *sysconf ? sysconf : "/etc");
	conf->path = xasprintf("%s/xlc/xlc.conf", conf->sysconf_dir);
	text = access(conf->path, F_OK) ? NULL
					: read_config_file(conf->path, CONFIG_FILE_MAX, &len, err);
	if (!text && *err)
		return 1;
	if (text) {
		chunk = (struct cfg_chunk){ conf->path, text, len };
		doc = cfg_doc_parse(&chunk, 1, xlc_conf_keys, 0, err);
		free(text);
		if (!doc)
			return 1;
	} else {
		free(conf->path);
		conf->path = NULL;
	}
	conf->backend = pick(doc, "backend", NULL, NULL, NULL);
	if (conf->backend && strcmp(conf->backend, "kvm") && strcmp(conf->backend, "xen")) {
		*err = cfg_doc_error(doc, "backend", "unknown backend; use kvm or xen");
		cfg_doc_free(doc);
		return 1;
	}
	conf->run_dir = pick(doc, "run_dir", NULL, "XLC_RUN_DIR", "/run/xlc");
	conf->log_dir = pick(doc, "log_dir", NULL, "XLC_LOG_DIR", "/var/log/xlc");
	conf->vif_bridge = pick(doc, "vif.default.bridge", "defaultbridge", NULL, NULL);
	conf->vif_script = pick(doc, "vif.default.script", "vifscript", NULL, NULL);
	if (unknown_keys_setting(conf, doc, err) || vmm_settings(conf, doc, err)) {
		cfg_doc_free(doc);
		return 1;
	}
	cfg_doc_free(doc);
	return 0;
}

void xlc_conf_free(struct xlc_conf *conf)
{
	free(conf->path);
	free(conf->backend);
	free(conf->run_dir);
	free(conf->log_dir);
	free(conf->vif_bridge);
	free(conf->vif_script);
	free(conf->sysconf_dir);
	free(conf->vmm_cgroup);
	free(conf->vmm_seccomp);
	memset(conf, 0, sizeof(*conf));
}
