// SPDX-License-Identifier: GPL-2.0
#include "parsers/xlc_conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	text = read_file(conf->path, &len);
	if (!text && errno != ENOENT) {
		*err = xasprintf("%s: %s", conf->path, strerror(errno));
		return 1;
	}
	if (text) {
		chunk = (struct cfg_chunk){ conf->path, text, len };
		doc = cfg_doc_parse(&chunk, 1, xlc_conf_keys, err);
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
	memset(conf, 0, sizeof(*conf));
}
