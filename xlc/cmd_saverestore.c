// SPDX-License-Identifier: GPL-2.0
/*
 * save and restore, with xl's options and messages (anchor: xl_saverestore.c
 * of Xen 4.17): save [-c] [-p] [-D] DOMAIN FILE [CONFIG], restore [-p] [-e]
 * [-d] [-F] [-c] [CONFIG] FILE.
 */
#include <stdlib.h>

#include "backends/backend.h"
#include "lib/util.h"
#include "xlc/xlc.h"

void start_option(int opt, struct create_opts *opts)
{
	opts->console |= opt == 'c';
	opts->paused |= opt == 'p';
	opts->foreground |= opt == 'F';
	opts->no_monitor |= opt == 'e';
}

int main_save(int argc, char **argv)
{
	const struct command *cmd = cli_command("save");
	struct save_opts opts = { 0 };
	struct domain_config *dc = NULL;
	const struct backend_ops *be;
	char *name, *err = NULL;
	int opt, domid, ret = EXIT_OK;

	while ((opt = command_getopt(argc, argv, cmd)) != -1) {
		opts.checkpoint |= opt == 'c';
		opts.leave_paused |= opt == 'p';
		opts.preserve_domid |= opt == 'D';
	}
	if (argc - optind > 3)
		return usage_error(cmd, "'xlc save' takes a domain, a file and at most a config");
	be = cli_backend();
	cli_need(be, be->save, "save domains");
	name = cli_resolve(be, argv[optind], &domid);
	if (argc - optind == 3 && !(dc = cli_load_config(argv[optind + 2]))) {
		free(name);
		return EXIT_FAIL;
	}
	opts.config = dc;
	if (be->save(&xlc_config, name, argv[optind + 1], &opts, &err)) {
		xlc_warn("%s", err);
		ret = EXIT_FAIL;
	}
	if (dc)
		domain_config_free(dc);
	free(err);
	free(name);
	return ret;
}

int main_restore(int argc, char **argv)
{
	const struct command *cmd = cli_command("restore");
	struct create_opts opts = { .quiet = true };
	struct domain_config *dc = NULL;
	const struct backend_ops *be;
	const char *file;
	int opt, ret;

	/* -d: xl's debug output; -V, -A: no VNC viewer here. */
	while ((opt = command_getopt(argc, argv, cmd)) != -1)
		start_option(opt, &opts);
	if (argc - optind > 2)
		return usage_error(cmd, "'xlc restore' takes a save file, and a config before it");
	file = argv[argc - 1];
	be = cli_backend();
	cli_need(be, be->restore, "restore domains");
	if (argc - optind == 2 && !(dc = cli_load_config(argv[optind])))
		return EXIT_FAIL;
	ret = be->restore(&xlc_config, file, dc, &opts);
	if (dc)
		domain_config_free(dc);
	return ret;
}
