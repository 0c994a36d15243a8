// SPDX-License-Identifier: GPL-2.0
/*
 * The command table: one line of facts per command, and the lookup xl
 * uses (an exact name, else an unambiguous prefix: `xlc cr` is create).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "xlc/xlc.h"

struct global_options global;
struct xlc_conf xlc_config;

const struct command commands[] = {
	{ "create", main_create, true, "Create a domain from a config file, or many",
	  "[options] [configfile|directory ...] [key=value ...]",
	  "  -n, --dryrun     Parse and check the config, print it as JSON, create nothing.\n"
	  "  -c               Attach to the console once the domain runs.\n"
	  "  -p               Leave the domain paused after it is created.\n"
	  "  -F               Stay in the foreground until the domain ends.\n"
	  "  -q, --quiet      Do not print \"Parsing config from ...\".\n"
	  "Several files, a directory of *.cfg files, or --auto make a batch:\n"
	  "      --parallel N Create N guests at a time (default: twice the host's CPUs).\n"
	  "      --all-or-nothing  If any config is invalid or any create fails, destroy\n"
	  "                   the guests this batch started.\n"
	  "      --force      Start even if the batch asks for more memory than is free.\n"
	  "      --json       Print the batch's summary as JSON.\n"
	  "      --auto       The configs in /etc/xlc/auto/ (see examples/xlc-auto.service).\n"
	  "A configfile without '/' is also looked for in /etc/xlc/ and /etc/xen/.\n"
	  "Each key=value is a later assignment in xl.cfg syntax: the last one wins.\n" },
	{ "list", main_list, false, "List the domains", "[-l|--json] [domain]",
	  "  -l, --long       The domains' configurations as JSON (xl's list -l).\n"
	  "      --json       Everything xlc knows of each domain, as JSON.\n" },
	{ "destroy", main_destroy, false, "Terminate a domain immediately", "[-a [-f]] <domain>",
	  "  -a               Every domain (asks first on a terminal).\n"
	  "  -f               With -a: do not ask.\n" },
	{ "shutdown", main_shutdown, false, "Ask a domain to shut down (ACPI power button)",
	  "[-a] [-w] <domain>",
	  "  -a               Every domain.\n"
	  "  -w               Wait until the domain is gone.\n" },
	{ "reboot", main_reboot, false, "Reboot a domain", "[-a] [-w] [-F] <domain>",
	  "  -a               Every domain.\n"
	  "  -w               Wait until each domain has rebooted.\n"
	  "  -F               Reset at once, without asking the guest (kvm: Ctrl-Alt-Del).\n" },
	{ "pause", main_pause, false, "Pause a domain's vCPUs", "<domain>", NULL },
	{ "unpause", main_unpause, false, "Unpause a paused domain", "<domain>", NULL },
	{ "console", main_console, false, "Attach to a domain's console", "[-e escape] <domain>",
	  "  -e ESC           The escape character: ^X or one character (default ^]).\n" },
	{ "uptime", main_uptime, false, "Print the domains' uptime", "[-s] [domain...]",
	  "  -s               Short form, like uptime(1).\n" },
	{ "domid", main_domid, false, "Convert a domain name to a domain id", "<name>", NULL },
	{ "domname", main_domname, false, "Convert a domain id to a domain name", "<id>", NULL },
	{ "vcpu-list", main_vcpu_list, false, "List the domains' vCPUs", "[domain...]", NULL },
	{ "info", main_info, false, "Print information about the host", "", NULL },
	{ "top", main_top, false, "Monitor the domains' CPU, memory, network and disks (xentop)",
	  "[-b] [-i N] [-d SECONDS] [-f] [-n] [-x] [-v] [-r] [--sort COLUMN] [--csv|--json]",
	  "  -b, --batch      xentop's batch output: a header and a row per domain, each time.\n"
	  "  -i N             Stop after N samples.\n"
	  "  -d SECONDS       Seconds between samples (default 3; fractions allowed).\n"
	  "  -f, --full-name  Full names (the default when output is not a terminal).\n"
	  "  -n, -x, -v       Detail lines for networks, virtual disks, vCPUs.\n"
	  "  -r               Repeat the header before each domain.\n"
	  "      --sort COL   Sort by a column (NAME, CPU(%), MEM(k)...; a prefix will do).\n"
	  "      --csv        One CSV row per domain per sample, with a header row.\n"
	  "      --json       One JSON object per domain per sample, one per line.\n"
	  "Keys: D delay, N networks, B disks, V vCPUs, R repeat header, S next sort column,\n"
	  "O sort column by name, F or / filter by name, arrows scroll, Ctrl-L repaint, Q "
	  "quit.\n" },
	{ "help", main_help, false, "Show help for xlc or one of its commands", "[command]", NULL },
};

const unsigned ncommands = ARRAY_SIZE(commands);

const struct command *command_lookup(const struct command *table, unsigned ntable, const char *name,
				     char **err)
{
	const struct command *match = NULL;
	struct strbuf candidates;
	unsigned i, n = 0;

	for (i = 0; i < ntable; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	sb_init(&candidates);
	for (i = 0; *name && i < ntable; i++) {
		if (strncmp(table[i].name, name, strlen(name)))
			continue;
		sb_addf(&candidates, "%s%s", n ? ", " : "", table[i].name);
		match = &table[i];
		n++;
	}
	if (n == 1) {
		sb_free(&candidates);
		return match;
	}
	if (n > 1)
		*err = xasprintf("'%s' is ambiguous: %s", name, candidates.buf);
	else
		*err = xasprintf("unknown command '%s'; see 'xlc help'", name);
	sb_free(&candidates);
	return NULL;
}

const struct command *command_find(const char *name, char **err)
{
	return command_lookup(commands, ncommands, name, err);
}

void print_usage(FILE *out)
{
	unsigned i;

	fprintf(out, "Usage: xlc [-v] [-N] [-b kvm|xen] <command> [args]\n\n"
		     "Commands (any unambiguous prefix works):\n");
	for (i = 0; i < ncommands; i++)
		fprintf(out, " %-19s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nGlobal options:\n"
		     "  -v               Verbose: say what xlc does (repeat for more).\n"
		     "  -N               Dry run, for commands that support it.\n"
		     "  -b kvm|xen       Choose the backend (default: $XLC_BACKEND, then\n"
		     "                   backend= in /etc/xlc/xlc.conf, then xen on a dom0, "
		     "else kvm).\n");
}

void print_command_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "Usage: xlc [-v%s] %s %s\n\n%s.\n", cmd->can_dryrun ? "N" : "", cmd->name,
		cmd->usage, cmd->summary);
	if (cmd->options)
		fprintf(out, "\nOptions:\n  -h, --help       Show this help.\n%s", cmd->options);
}

int main_help(int argc, char **argv)
{
	const struct command *cmd;
	char *err = NULL;

	while (command_getopt(argc, argv, "", NULL, command_find("help", &err), 0) != -1)
		;
	if (optind >= argc) {
		print_usage(stdout);
		return EXIT_OK;
	}
	cmd = command_find(argv[optind], &err);
	if (!cmd) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_USAGE;
	}
	print_command_help(stdout, cmd);
	return EXIT_OK;
}
