// SPDX-License-Identifier: GPL-2.0
#include "backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* A Xen dom0 says "control_d" in /proc/xen/capabilities. */
static bool running_on_xen_dom0(void)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");
	bool dom0;

	if (!f)
		return false;
	dom0 = fgets(buf, sizeof(buf), f) && strstr(buf, "control_d");
	fclose(f);
	return dom0;
}

static const struct backend_ops *by_name(const char *name, char **err)
{
	if (!strcmp(name, "kvm"))
		return &kvm_backend;
	if (!strcmp(name, "xen")) {
#ifdef XLC_WITH_XEN
		return &xen_backend;
#else
		*err = xstrdup("this xlc was built without Xen support (libxenlight); "
			       "rebuild it with libxen-dev installed, or use -b kvm");
		return NULL;
#endif
	}
	*err = xasprintf("unknown backend '%s'; use kvm or xen", name);
	return NULL;
}

const struct backend_ops *backend_select(const char *cli_choice, const struct xlc_conf *conf,
					 const char **why, char **err)
{
	const char *env = getenv("XLC_BACKEND");

	if (cli_choice) {
		*why = "-b";
		return by_name(cli_choice, err);
	}
	if (env && *env) {
		*why = "XLC_BACKEND";
		return by_name(env, err);
	}
	if (conf->backend) {
		*why = "xlc.conf";
		return by_name(conf->backend, err);
	}
#ifdef XLC_WITH_XEN
	if (running_on_xen_dom0()) {
		*why = "this host is a Xen dom0";
		return &xen_backend;
	}
#else
	(void)running_on_xen_dom0;
#endif
	*why = "the default";
	return &kvm_backend;
}

void domain_info_free_one(struct domain_info *d)
{
	free(d->name);
	free(d->json);
	free(d->config);
}

void domain_info_free(struct domain_info *d, int n)
{
	int i;

	for (i = 0; i < n; i++)
		domain_info_free_one(&d[i]);
	free(d);
}

void domain_stats_free(struct domain_stats *d, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].vcpu_ns);
		free(d[i].nets);
		free(d[i].vbds);
	}
	free(d);
}

void device_info_free(struct device_info *d, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(d[i].backend_path);
	free(d);
}
