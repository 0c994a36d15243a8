// SPDX-License-Identifier: GPL-2.0
/*
 * What the commands on running domains share: the backend they talk to,
 * the refusal when it lacks an operation, the domain argument, and a config
 * file given instead of a domain's own (save, restore, migrate -C).
 */
#include <stdlib.h>

#include "backends/backend.h"
#include "lib/util.h"
#include "xlc/xlc.h"

const struct backend_ops *cli_backend(void)
{
	const char *why;
	char *err = NULL;
	const struct backend_ops *be = backend_select(global.backend, &xlc_config, &why, &err);

	if (!be) {
		xlc_warn("%s", err);
		free(err);
		exit(EXIT_FAIL);
	}
	xlc_info("using the %s backend (chosen by %s)", be->name, why);
	return be;
}

void cli_need(const struct backend_ops *be, const void *op, const char *what)
{
	if (!op) {
		xlc_warn("the %s backend cannot %s in this version of xlc", be->name, what);
		exit(EXIT_FAIL);
	}
}

char *cli_resolve(const struct backend_ops *be, const char *dom, int *domid)
{
	char *name = NULL, *err = NULL;

	cli_need(be, be->resolve, "find domains");
	if (be->resolve(&xlc_config, dom, &name, domid, &err)) {
		xlc_warn("%s", err);
		free(err);
		exit(EXIT_FAIL);
	}
	return name;
}

struct domain_config *cli_load_config(const char *path)
{
	struct domain_defaults defaults = { xlc_config.vif_bridge, xlc_config.vif_script,
					    xlc_config.unknown_keys_warn };
	struct domain_config *dc;
	char *text, *err = NULL;
	size_t len = 0;

	text = read_config_file(path, CONFIG_FILE_MAX, &len, &err);
	if (!text) {
		xlc_warn("%s", err);
		free(err);
		return NULL;
	}
	fprintf(stderr, "Parsing config from %s\n", path);
	dc = domain_config_load(path, text, len, NULL, 0, &defaults, &err);
	if (!dc) {
		xlc_warn("%s", err);
		free(err);
	}
	free(text);
	return dc;
}

const struct command *cli_command(const char *name)
{
	char *err = NULL;
	const struct command *c = command_find(name, &err);

	free(err);
	return c;
}
