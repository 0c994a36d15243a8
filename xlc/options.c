// SPDX-License-Identifier: GPL-2.0
/*
 * One getopt wrapper for every command, so that -h, unknown options and
 * missing operands behave the same everywhere (xl's SWITCH_FOREACH_OPT).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "xlc/xlc.h"

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", xlc_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s %s %s\n", xlc_progname, cmd->name, cmd->usage);
	return EXIT_USAGE;
}

/*
 * With XLC_LIST_OPTIONS set, a command lists the options its parser takes,
 * one per line, and exits before doing anything: cli.bats holds each
 * command's help to them, so the two cannot drift apart unseen.
 */
static void list_options(const char *optstring, const struct option *longopts)
{
	const char *c;

	for (c = optstring; *c; c++)
		if (*c != ':' && *c != '+')
			printf("-%c\n", *c);
	for (; longopts && longopts->name; longopts++)
		printf("--%s\n", longopts->name);
	exit(EXIT_OK);
}

int command_getopt(int argc, char **argv, const char *optstring, const struct option *longopts,
		   const struct command *cmd, int min_args)
{
	static const struct option help = { "help", no_argument, NULL, 'h' };
	struct option all[32];
	char opts[64];
	unsigned n = 0;
	int opt;

	if (getenv("XLC_LIST_OPTIONS"))
		list_options(optstring, longopts);
	/* '+': stop at the first operand, so key=value and names stay operands. */
	snprintf(opts, sizeof(opts), "+:h%s", optstring);
	while (longopts && longopts[n].name && n < ARRAY_SIZE(all) - 2) {
		all[n] = longopts[n];
		n++;
	}
	all[n++] = help;
	memset(&all[n], 0, sizeof(all[n]));

	opterr = 0;
	opt = getopt_long(argc, argv, opts, all, NULL);
	switch (opt) {
	case 'h':
		print_command_help(stdout, cmd);
		exit(EXIT_OK);
	case '?':
		if (optopt)
			exit(usage_error(cmd, "option -%c is not supported by '%s'", optopt,
					 cmd->name));
		exit(usage_error(cmd, "option %s is not supported by '%s'", argv[optind - 1],
				 cmd->name));
	case ':':
		exit(usage_error(cmd, "option -%c needs a value", optopt));
	case -1:
		if (argc - optind < min_args)
			exit(usage_error(cmd, "'%s %s' needs at least %d argument%s", xlc_progname,
					 cmd->name, min_args, min_args == 1 ? "" : "s"));
		return -1;
	default:
		return opt;
	}
}
