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

/* An option's key: what command_getopt returns for it. */
static int option_key(const struct cli_option *o)
{
	return o->key ? o->key : o->letter;
}

/*
 * With XLC_LIST_OPTIONS set, a command lists the options its parser takes,
 * one per line, and exits before doing anything: cli.bats holds them to the
 * help and the man page.
 */
static void list_options(const struct command *cmd)
{
	const struct cli_option *o;

	for (o = cmd->options; cli_option_more(o); o++)
		if (o->letter)
			printf("-%c\n", o->letter);
	for (o = cmd->options; cli_option_more(o); o++)
		if (o->name)
			printf("--%s\n", o->name);
	exit(EXIT_OK);
}

/* getopt's forms of the table: "+:h" and the letters, and the long options. */
struct getopt_forms {
	char shorts[64];
	struct option longs[32];
};

static void getopt_forms(const struct command *cmd, struct getopt_forms *f)
{
	const struct cli_option *o;
	size_t s = 0, n = 0;

	/* '+': stop at the first operand, so key=value and names stay operands. */
	s += (size_t)snprintf(f->shorts, sizeof(f->shorts), "+:h");
	for (o = cmd->options; cli_option_more(o); o++) {
		if (s + 3 >= sizeof(f->shorts) || n + 2 >= ARRAY_SIZE(f->longs)) {
			/* A table this long is a mistake in commands.c, not the user's. */
			fprintf(stderr, "%s: %s has more options than its parser holds\n",
				xlc_progname, cmd->name);
			abort();
		}
		if (o->letter) {
			f->shorts[s++] = o->letter;
			if (o->arg)
				f->shorts[s++] = ':';
		}
		if (o->name)
			f->longs[n++] =
				(struct option){ o->name, o->arg ? required_argument : no_argument,
						 NULL, option_key(o) };
	}
	f->shorts[s] = '\0';
	f->longs[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	f->longs[n] = (struct option){ 0 };
}

int command_getopt(int argc, char **argv, const struct command *cmd)
{
	struct getopt_forms f;
	int opt;

	if (getenv("XLC_LIST_OPTIONS"))
		list_options(cmd);
	getopt_forms(cmd, &f);
	opterr = 0;
	opt = getopt_long(argc, argv, f.shorts, f.longs, NULL);
	switch (opt) {
	case 'h':
		print_command_help(stdout, cmd);
		exit(EXIT_OK);
	case '?':
		/* --name=VALUE for an option that takes none: getopt gives its key. */
		if (optopt && !strncmp(argv[optind - 1], "--", 2))
			exit(usage_error(cmd, "option %.*s takes no value",
					 (int)strcspn(argv[optind - 1], "="), argv[optind - 1]));
		if (optopt)
			exit(usage_error(cmd, "option -%c is not supported by '%s'", optopt,
					 cmd->name));
		exit(usage_error(cmd, "option %s is not supported by '%s'", argv[optind - 1],
				 cmd->name));
	case ':':
		if (!strncmp(argv[optind - 1], "--", 2))
			exit(usage_error(cmd, "option %s needs a value", argv[optind - 1]));
		exit(usage_error(cmd, "option -%c needs a value", optopt));
	case -1:
		if (argc - optind < cmd->min_args)
			exit(usage_error(cmd, "'%s %s' needs at least %d argument%s", xlc_progname,
					 cmd->name, cmd->min_args, cmd->min_args == 1 ? "" : "s"));
		return -1;
	default:
		return opt;
	}
}
