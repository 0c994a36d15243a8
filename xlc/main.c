// SPDX-License-Identifier: GPL-2.0
/*
 * xlc: an xl-compatible toolstack for KVM (its own VMM) and Xen (libxl).
 *
 *   xlc [-v] [-N] [-f] [-t] [-T] [-b kvm|xen] <command> [args]
 *   xlc --help | --version
 *
 * Exit status, as xl's: 0 success; 1 failure, and an unknown, ambiguous or
 * missing command or global option; 2 a command's usage error. Run as "xl"
 * (a link named so), it says "xl:" in its messages.
 */
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "lib/util.h"
#include "lib/version.h"
#include "xlc/xlc.h"

enum { OPT_VERSION = 256 };

/* As xl: a bad global option is a failure (exit 1), not a usage error. */
static int global_option_error(int opt, char *const *argv)
{
	if (opt)
		xlc_warn("unknown global option '-%c'; see '%s help'", opt, xlc_progname);
	else
		xlc_warn("unknown global option '%s'; see '%s help'", argv[optind - 1],
			 xlc_progname);
	return EXIT_FAIL;
}

static void print_version(void)
{
	printf("xlc %s\nbackends: kvm%s\n", xlc_version,
#ifdef XLC_WITH_XEN
	       " xen"
#else
	       " (built without xen)"
#endif
	);
}

/* Parses the global options; returns -1 to go on, else the exit status. */
static int global_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+vNftTb:h", longopts, NULL)) != -1) {
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
		case 'f': /* force, progress with \r, timestamps: xl's; no-ops here */
		case 't':
		case 'T':
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			print_version();
			return EXIT_OK;
		default:
			return global_option_error(optopt, argv);
		}
	}
	if (optind >= argc) {
		print_usage(stdout); /* as xl: the list on stdout, and a failure */
		return EXIT_FAIL;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	char *err = NULL;
	int ret;

	/* A VMM that closes its socket early is an error to report, never a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 0 && !strcmp(basename(argv[0]), "xl"))
		xlc_progname = "xl";
#ifdef XLC_WITH_XEN
	if (argc == 3 && !strcmp(argv[1], XEN_MONITOR_ARG)) {
		if (xlc_conf_load(&xlc_config, &err)) {
			xlc_warn("%s", err);
			free(err);
			return EXIT_FAIL;
		}
		ret = xen_monitor_main(&xlc_config, argv[2]);
		xlc_conf_free(&xlc_config);
		return ret;
	}
#endif
	ret = global_options(argc, argv);
	if (ret >= 0)
		return ret;
	cmd = command_find(argv[optind], &err);
	if (!cmd) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	if (global.dryrun && !cmd->can_dryrun) {
		xlc_warn("'%s' does not implement -N (dry run)", cmd->name);
		return EXIT_FAIL;
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
