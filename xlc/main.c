// SPDX-License-Identifier: GPL-2.0
/*
 * xlc: an xl-compatible toolstack for KVM (its own VMM) and Xen (libxl).
 *
 *   xlc [-v] [-N] [-b kvm|xen] <command> [args]
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "lib/util.h"
#include "xlc/xlc.h"

static int global_usage_error(const char *fmt, const char *arg)
{
	fputs("xlc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	print_usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	char *err = NULL;
	int opt, ret;

	/* A VMM that closes its socket early is an error to report, never a silent death. */
	signal(SIGPIPE, SIG_IGN);
#ifdef XLC_WITH_XEN
	if (argc == 3 && !strcmp(argv[1], XEN_MONITOR_ARG)) {
		if (xlc_conf_load(&xlc_config, &err)) {
			xlc_warn("%s", err);
			free(err);
			return EXIT_FAIL;
		}
		ret = xen_monitor_main(argv[2]);
		xlc_conf_free(&xlc_config);
		return ret;
	}
#endif
	opterr = 0;
	while ((opt = getopt(argc, argv, "+vNb:h")) != -1) {
		switch (opt) {
		case 'v':
			xlc_verbosity++;
			break;
		case 'N':
			global.dryrun = true;
			break;
		case 'b':
			global.backend = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			return global_usage_error("unknown global option '-%s'",
						  (char[2]){ (char)optopt, 0 });
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = command_find(argv[optind], &err);
	if (!cmd) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_USAGE;
	}
	if (global.dryrun && !cmd->can_dryrun) {
		xlc_warn("'%s' does not implement -N (dry run)", cmd->name);
		return EXIT_USAGE;
	}
	if (xlc_conf_load(&xlc_config, &err)) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	argv += optind;
	argc -= optind;
	optind = 0; /* a full getopt reset for the command's own options */
	ret = cmd->main(argc, argv);
	xlc_conf_free(&xlc_config);
	return ret;
}
