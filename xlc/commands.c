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

/* clang-format off */
static const struct cli_option create_options[] = {
	{ 'n', "dryrun", NULL, "Parse and check the config, print it as JSON, create nothing." },
	{ 'c', NULL, NULL, "Attach to the console once the domain runs." },
	{ 'p', NULL, NULL, "Leave the domain paused after it is created." },
	{ 'F', NULL, NULL, "Stay in the foreground until the domain ends." },
	{ 'q', "quiet", NULL, "Do not print \"Parsing config from ...\"." },
	{ 'f', "defconfig", "FILE", "The config file, as an operand would give it (xl's -f)." },
	CLI_TEXT("Several files, a directory of *.cfg files, or --auto make a batch:"),
	{ 0, "parallel", "N", "Create N guests at a time (default: twice the host's CPUs).",
	  CREATE_OPT_PARALLEL },
	{ 0, "all-or-nothing", NULL, "If any config is invalid or any create fails, destroy\n"
	  "the guests this batch started.", CREATE_OPT_ALL_OR_NOTHING },
	{ 0, "force", NULL, "Start even if the batch asks for more memory than is free.",
	  CREATE_OPT_FORCE },
	{ 0, "json", NULL, "Print the batch's summary as JSON.", CREATE_OPT_JSON },
	{ 0, "auto", NULL, "The configs in /etc/xlc/auto/ (xlc-guests.service starts them at boot).",
	  CREATE_OPT_AUTO },
	{ 0, "unknown-keys", "warn|error", "What a key xlc does not know does (default:\n"
	  "xlc.conf's unknown_keys, else error; xm-era keys xl ignores\n"
	  "are always only warned about).", CREATE_OPT_UNKNOWN_KEYS },
	{ 0 },
};

static const struct cli_option list_options[] = {
	{ 'l', "long", NULL, "The domains' configurations as JSON (xl's list -l)." },
	{ 0, "json", NULL, "Everything xlc knows of each domain, as JSON.", LIST_OPT_JSON },
	{ 0 },
};

static const struct cli_option destroy_options[] = {
	{ 'a', NULL, NULL, "Every domain (asks first on a terminal)." },
	{ 'f', NULL, NULL, "With -a: do not ask." },
	{ 0 },
};

static const struct cli_option shutdown_options[] = {
	{ 'a', "all", NULL, "Every domain but Domain-0." },
	{ 'w', "wait", NULL, "Wait until each domain has shut down; twice, until it is gone." },
	{ 0, "timeout", "=S", "Give up waiting after S seconds: exit 1 naming those still up.",
	  POWER_OPT_TIMEOUT },
	{ 'F', NULL, NULL, "xl's ACPI fallback (kvm: the power button is ACPI already)." },
	{ 0 },
};

static const struct cli_option reboot_options[] = {
	{ 'a', "all", NULL, "Every domain but Domain-0." },
	{ 'w', "wait", NULL, "As shutdown -w: until each has shut down; twice, until it is gone." },
	{ 0, "timeout", "=S", "Give up waiting after S seconds: exit 1 naming those not done.",
	  POWER_OPT_TIMEOUT },
	{ 'F', NULL, NULL, "Reset at once, without asking the guest (kvm: Ctrl-Alt-Del)." },
	{ 0 },
};

static const struct cli_option vcpu_pin_options[] = {
	{ 'f', "force", NULL, "Accepted for xl's sake: xlc's pins are never temporary." },
	{ 'i', "ignore-global-affinity-masks", NULL, "Xen: ignore xl.conf's global affinity masks." },
	{ 0 },
};

static const struct cli_option vcpu_set_options[] = {
	{ 'i', "ignore-host", NULL, "Allow more vCPUs online than the host has CPUs." },
	{ 0 },
};

static const struct cli_option block_detach_options[] = {
	{ 'f', "force", NULL, "Do not wait for the guest to release the disk." },
	{ 0 },
};

static const struct cli_option save_options[] = {
	{ 'c', NULL, NULL, "Leave the domain running once it is saved (a checkpoint)." },
	{ 'p', NULL, NULL, "Leave the domain paused once it is saved." },
	{ 'D', NULL, NULL, "Keep the domain's id: restore gives it the same one." },
	{ 0 },
};

static const struct cli_option restore_options[] = {
	{ 'p', NULL, NULL, "Leave the domain paused once it is restored." },
	{ 'e', NULL, NULL, "Leave no monitor behind to act on the domain's shutdown." },
	{ 'F', NULL, NULL, "Stay in the foreground, as the domain's monitor." },
	{ 'c', NULL, NULL, "Attach to the console once the domain runs." },
	{ 'd', NULL, NULL, "Accepted for xl's sake (its debug output)." },
	{ 'V', "vncviewer", NULL, NULL },
	{ 'A', "vncviewer-autopass", NULL, "Accepted for xl's sake: xlc starts no VNC viewer." },
	{ 0 },
};

static const struct cli_option migrate_options[] = {
	{ 'C', NULL, "CONFIG", "Send this config instead of the domain's own." },
	{ 's', NULL, "SSHCMD", "The command that reaches host (default ssh): it runs\n"
	  "\"SSHCMD HOST xlc migrate-receive\"; \"\" runs HOST itself." },
	{ 'e', NULL, NULL, "The receiver leaves no monitor behind." },
	{ 'F', NULL, NULL, "As -e, as xl has it." },
	{ 'p', NULL, NULL, "The domain stays paused at the other end." },
	{ 'D', NULL, NULL, "Keep the domain's id at the other end." },
	{ 0, "debug", NULL, "libxl's checks of the memory sent.", MIGRATE_OPT_DEBUG },
	{ 0, "live", NULL, "Accepted for xm's sake: migration is always live.", MIGRATE_OPT_LIVE },
	{ 0, "json", NULL, "The outcome as one JSON object on stdout: the time,\n"
	  "the bytes sent, how long the guest was paused, the rounds.", MIGRATE_OPT_JSON },
	{ 0 },
};

static const struct cli_option migrate_receive_options[] = {
	{ 'F', NULL, NULL, "Stay in the foreground as the domain's monitor." },
	{ 'e', NULL, NULL, "Leave no monitor behind." },
	{ 'p', NULL, NULL, "Leave the domain paused." },
	{ 'd', NULL, NULL, "Accepted for xl's sake (its debug output)." },
	{ 'r', NULL, NULL, "Remus's stream: refused, xlc has no Remus." },
	{ 0 },
};

static const struct cli_option console_options[] = {
	{ 'e', NULL, "ESC", "The escape character: ^X or one character (default ^])." },
	{ 't', NULL, "TYPE", "pv, serial or vuart (kvm: every type is the serial console)." },
	{ 'n', NULL, "N", "The console's number: 0, the one xlc attaches." },
	{ 0 },
};

static const struct cli_option uptime_options[] = {
	{ 's', NULL, NULL, "Short form, like uptime(1)." },
	{ 0 },
};

static const struct cli_option info_options[] = {
	{ 'n', "numa", NULL, "Accepted for xl's sake: every line, and no NUMA topology." },
	CLI_TEXT("  FIELD            Only the values of the lines that start with FIELD."),
	{ 0 },
};

static const struct cli_option top_options[] = {
	{ 'b', "batch", NULL, "xentop's batch output: a header and a row per domain, each time." },
	{ 'i', "iterations", "N", "Stop after N samples." },
	{ 'd', "delay", "SECONDS", "Seconds between samples (default 3; fractions allowed)." },
	{ 'f', "full-name", NULL, "Full names (the default when output is not a terminal)." },
	{ 'n', "networks", NULL, NULL },
	{ 'x', "vbds", NULL, NULL },
	{ 'v', "vcpus", NULL, "Detail lines for networks, virtual disks, vCPUs." },
	{ 'r', "repeat-header", NULL, "Repeat the header before each domain." },
	{ 'z', "dom0-first", NULL, "Domain-0 first (on Xen it is anyway; kvm has none)." },
	{ 'o', "sort", "COL", "Sort by a column (NAME, CPU(%), MEM(k)...; a prefix will do)." },
	{ 0, "csv", NULL, "One CSV row per domain per sample, with a header row.", TOP_OPT_CSV },
	{ 0, "json", NULL, "One JSON object per domain per sample, one per line.", TOP_OPT_JSON },
	{ 0 },
};

static const struct cli_option metrics_options[] = {
	{ 'o', "output", "F", "Write file F atomically (a temporary file beside it, renamed\n"
	  "over it): node_exporter's textfile collector never reads half." },
	{ 0, "http", NULL, "Read one HTTP request on stdin, answer it on stdout (GET\n"
	  "/metrics), for a socket unit with Accept=yes.", METRICS_OPT_HTTP },
	{ 0 },
};

const struct command commands[] = {
	{ "create", main_create, true, 0, "Create a domain from a config file, or many",
	  "[options] [configfile|directory ...] [key=value ...]", create_options,
	  "A configfile without '/' is also looked for in /etc/xlc/ and /etc/xen/.\n"
	  "Each key=value is a later assignment in xl.cfg syntax: the last one wins.\n" },
	{ "list", main_list, false, 0, "List the domains", "[-l|--json] [domain]", list_options,
	  NULL },
	{ "destroy", main_destroy, false, 0, "Terminate a domain immediately", "[-a [-f]] <domain>",
	  destroy_options, NULL },
	{ "shutdown", main_shutdown, false, 0, "Ask a domain to shut down (ACPI power button)",
	  "[-a] [-w[w] [--timeout=S]] [-F] <domain>", shutdown_options, NULL },
	{ "reboot", main_reboot, false, 0, "Reboot a domain",
	  "[-a] [-w[w] [--timeout=S]] [-F] <domain>", reboot_options, NULL },
	{ "pause", main_pause, false, 1, "Pause a domain's vCPUs", "<domain>", NULL, NULL },
	{ "unpause", main_unpause, false, 1, "Unpause a paused domain", "<domain>", NULL, NULL },
	{ "rename", main_rename, false, 2, "Rename a domain", "<domain> <new-name>", NULL, NULL },
	{ "mem-set", main_mem_set, false, 2, "Set the memory a domain has (its balloon's target)",
	  "<domain> <size>", NULL, NULL },
	{ "mem-max", main_mem_max, false, 2, "Set the most memory mem-set may give a domain",
	  "<domain> <size>", NULL, NULL },
	{ "vcpu-pin", main_vcpu_pin, false, 3, "Set which host CPUs a domain's vCPUs may run on",
	  "[-f] <domain> <vcpu|all> <hard|-> [soft|-]", vcpu_pin_options, NULL },
	{ "vcpu-set", main_vcpu_set, false, 2, "Set how many of a domain's vCPUs are online",
	  "[-i] <domain> <vcpus>", vcpu_set_options, NULL },
	{ "block-attach", main_block_attach, false, 2, "Attach a disk to a running domain",
	  "<domain> <disk-spec-component(s)>...", NULL,
	  "The disk spec is the config file's (xl-disk-configuration(5)): e.g.\n"
	  "  xlc block-attach vm1 format=raw,vdev=xvdb,access=rw,target=/srv/data.img\n" },
	{ "block-list", main_block_list, false, 1, "List a domain's disks", "<domain>...", NULL,
	  NULL },
	{ "block-detach", main_block_detach, false, 2, "Detach a disk from a domain",
	  "[-f] <domain> <devid|vdev>", block_detach_options, NULL },
	{ "network-attach", main_network_attach, false, 1, "Attach a NIC to a running domain",
	  "<domain> [mac=..] [bridge=..] [ip=..] [script=..] [model=..] [vifname=..] [rate=..]",
	  NULL,
	  "The tokens are those of a vif= entry in the config file "
	  "(xl-network-configuration(5)).\n" },
	{ "network-list", main_network_list, false, 1, "List a domain's NICs", "<domain>...", NULL,
	  NULL },
	{ "network-detach", main_network_detach, false, 2, "Detach a NIC from a domain",
	  "<domain> <devid|mac>", NULL, NULL },
	{ "cd-insert", main_cd_insert, false, 3, "Insert a medium into a domain's cdrom drive",
	  "<domain> <virtual-device> <target>", NULL, NULL },
	{ "cd-eject", main_cd_eject, false, 2, "Eject the medium from a domain's cdrom drive",
	  "<domain> <virtual-device>", NULL, NULL },
	{ "save", main_save, false, 2, "Save a domain's state to a file, to restore it later",
	  "[-c] [-p] [-D] <domain> <checkpointfile> [configfile]", save_options,
	  "A configfile is kept in the file instead of the domain's own config.\n" },
	{ "restore", main_restore, false, 1, "Restore a domain from a saved state",
	  "[-p] [-e] [-d] [-F] [-c] [configfile] <checkpointfile>", restore_options,
	  "A configfile is used instead of the config the save file holds.\n" },
	{ "migrate", main_migrate, false, 2, "Move a running domain to another host, live",
	  "[options] <domain> <host>", migrate_options, NULL },
	{ "migrate-receive", main_migrate_receive, false, 0,
	  "Receive a migrating domain on stdin and stdout (migrate runs it)", "[-F] [-e] [-d] [-p]",
	  migrate_receive_options, NULL },
	{ "console", main_console, false, 1, "Attach to a domain's console",
	  "[-e escape] [-t pv|serial|vuart] [-n N] <domain>", console_options, NULL },
	{ "uptime", main_uptime, false, 0, "Print the domains' uptime", "[-s] [domain...]",
	  uptime_options, NULL },
	{ "domid", main_domid, false, 1, "Convert a domain name to a domain id", "<name>", NULL,
	  NULL },
	{ "domname", main_domname, false, 1, "Convert a domain id to a domain name", "<id>", NULL,
	  NULL },
	{ "vcpu-list", main_vcpu_list, false, 0, "List the domains' vCPUs", "[domain...]", NULL,
	  NULL },
	{ "info", main_info, false, 0, "Print information about the host", "[-n] [field]",
	  info_options, NULL },
	{ "top", main_top, false, 0, "Monitor the domains' CPU, memory, network and disks (xentop)",
	  "[-b] [-i N] [-d SECONDS] [-f] [-n] [-x] [-v] [-r] [-z] [-o|--sort COLUMN] "
	  "[--csv|--json]", top_options,
	  "Keys: D delay, N networks, B disks, V vCPUs, R repeat header, S next sort column,\n"
	  "O sort column by name, F or / filter by name, arrows scroll, Ctrl-L repaint, Q "
	  "quit.\n" },
	{ "metrics", main_metrics, false, 0, "Print top's figures in Prometheus' text format",
	  "[-o FILE | --http]", metrics_options,
	  "Without them the metrics go to stdout, in Prometheus' text format 0.0.4.\n" },
	{ "help", main_help, false, 0, "Show help for xlc or one of its commands", "[command]", NULL,
	  NULL },
};
/* clang-format on */

const unsigned ncommands = ARRAY_SIZE(commands);

/*
 * xl's whole command table (Xen 4.17, x86), in its order. A prefix is judged
 * against it, as xl judges it: `xlc re` is ambiguous (reboot, restore,
 * rename, remus) even where xlc has fewer commands, so a script meets the
 * same refusals under xlc as under xl.
 */
/* clang-format off */
static const char *const xl_names[] = {
	"create", "config-update", "list", "destroy", "shutdown", "reboot", "pci-attach",
	"pci-detach", "pci-list", "pci-assignable-add", "pci-assignable-remove",
	"pci-assignable-list", "pause", "unpause", "console", "vncviewer", "save", "migrate",
	"restore", "migrate-receive", "dump-core", "cd-insert", "cd-eject", "mem-max",
	"mem-set", "button-press", "vcpu-list", "vcpu-pin", "vcpu-set", "vm-list", "info",
	"sharing", "sched-credit", "sched-credit2", "sched-rtds", "domid", "domname", "rename",
	"trigger", "sysrq", "debug-keys", "set-parameters", "dmesg", "top", "network-attach",
	"network-list", "network-detach", "channel-list", "block-attach", "block-list",
	"block-detach", "vtpm-attach", "vtpm-list", "vtpm-detach", "vkb-attach", "vkb-list",
	"vkb-detach", "vdispl-attach", "vdispl-list", "vdispl-detach", "vsnd-attach",
	"vsnd-list", "vsnd-detach", "uptime", "claims", "cpupool-create", "cpupool-list",
	"cpupool-destroy", "cpupool-rename", "cpupool-cpu-add", "cpupool-cpu-remove",
	"cpupool-migrate", "cpupool-numa-split", "getenforce", "setenforce", "loadpolicy",
	"remus", "devd", "psr-hwinfo", "psr-cmt-attach", "psr-cmt-detach", "psr-cmt-show",
	"psr-cat-set", "psr-cat-show", "psr-mba-set", "psr-mba-show", "usbctrl-attach",
	"usbctrl-detach", "usbdev-attach", "usbdev-detach", "usb-list", "qemu-monitor-command",
};
/* clang-format on */

static const struct command *implemented(const struct command *table, unsigned ntable,
					 const char *name)
{
	unsigned i;

	for (i = 0; i < ntable; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* Adds name to the candidates unless it is there already. */
static void candidate(const char **c, unsigned *n, const char *name)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (!strcmp(c[i], name))
			return;
	c[(*n)++] = name;
}

const struct command *command_lookup(const struct command *table, unsigned ntable, const char *name,
				     char **err)
{
	const char *c[ARRAY_SIZE(xl_names) + 64];
	const struct command *exact = implemented(table, ntable, name);
	size_t len = strlen(name);
	struct strbuf list;
	unsigned i, n = 0;
	bool exact_in_xl;

	if (exact)
		return exact;
	/* An exact name wins over the longer names it prefixes (migrate, migrate-receive). */
	for (i = 0; i < ARRAY_SIZE(xl_names); i++)
		if (!strcmp(xl_names[i], name))
			candidate(c, &n, xl_names[i]);
	exact_in_xl = n;
	/* Prefixes: xl's table and xlc's own commands ("help" is never a prefix, as in xl). */
	for (i = 0; !exact_in_xl && len && i < ARRAY_SIZE(xl_names); i++)
		if (!strncmp(xl_names[i], name, len))
			candidate(c, &n, xl_names[i]);
	for (i = 0; !exact_in_xl && len && i < ntable && n < ARRAY_SIZE(c); i++)
		if (strcmp(table[i].name, "help") && !strncmp(table[i].name, name, len))
			candidate(c, &n, table[i].name);
	if (n == 1 && (exact = implemented(table, ntable, c[0])))
		return exact;
	if (n == 1) {
		*err = xasprintf("'%s' is xl's %s, which xlc does not implement", name, c[0]);
		return NULL;
	}
	if (!n) {
		*err = xasprintf("unknown command '%s'; see '%s help'", name, xlc_progname);
		return NULL;
	}
	sb_init(&list);
	for (i = 0; i < n; i++)
		sb_addf(&list, "%s%s", i ? ", " : "", c[i]);
	*err = xasprintf("'%s' is ambiguous: %s", name, list.buf);
	sb_free(&list);
	return NULL;
}

const struct command *command_find(const char *name, char **err)
{
	return command_lookup(commands, ncommands, name, err);
}

void print_usage(FILE *out)
{
	unsigned i;

	fprintf(out,
		"Usage: %s [-v] [-N] [-b kvm|xen] <command> [args]\n\n"
		"Commands (a prefix that names one of xl's commands alone works too):\n",
		xlc_progname);
	for (i = 0; i < ncommands; i++)
		fprintf(out, " %-19s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nGlobal options:\n"
		     "  -v               Verbose: say what xlc does (repeat for more).\n"
		     "  -N               Dry run, for commands that support it.\n"
		     "  -f, -t, -T       Accepted for xl's sake; they change nothing in xlc.\n"
		     "  -b kvm|xen       Choose the backend (default: $XLC_BACKEND, then\n"
		     "                   backend= in /etc/xlc/xlc.conf, then xen on a dom0, "
		     "else kvm).\n"
		     "  -h, --help       This list.\n"
		     "  --version        Print xlc's version and backends.\n");
}

#define HELP_COLUMN 19 /* where an option's help starts */

/* "-x, --name ARG": an option as its help line names it. */
static void option_label(struct strbuf *sb, const struct cli_option *o)
{
	const char *arg = o->arg ? o->arg : "";
	const char *gap = o->arg && o->arg[0] != '=' ? " " : "";

	if (sb->len)
		sb_adds(sb, ", ");
	if (o->letter && o->name)
		sb_addf(sb, "-%c, --%s%s%s", o->letter, o->name, gap, arg);
	else if (o->letter)
		sb_addf(sb, "-%c%s%s", o->letter, gap, arg);
	else
		sb_addf(sb, "%s--%s%s%s", sb->len ? "" : "    ", o->name, gap, arg);
}

/* Help text, its later lines indented to the help column. */
static void print_indented(FILE *out, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		fprintf(out, "%.*s\n%*s", (int)(nl - text), text, HELP_COLUMN, "");
		text = nl + 1;
	}
	fprintf(out, "%s\n", text);
}

/*
 * One line per option: "  -x, --name ARG   what it does". Aliases (help
 * NULL) share the next option's line; their help starts on a line of its own.
 */
static void print_options(FILE *out, const struct cli_option *o)
{
	struct strbuf label;
	bool aliases = false;

	sb_init(&label);
	for (; cli_option_more(o); o++) {
		if (!o->letter && !o->name) {
			fprintf(out, "%s\n", o->help);
			continue;
		}
		aliases |= label.len > 0;
		option_label(&label, o);
		if (!o->help)
			continue;
		if (aliases)
			fprintf(out, "  %s\n%*s", label.buf, HELP_COLUMN, "");
		else if (label.len < HELP_COLUMN - 2)
			fprintf(out, "  %-*s", HELP_COLUMN - 2, label.buf);
		else
			fprintf(out, "  %s  ", label.buf);
		print_indented(out, o->help);
		sb_free(&label);
		sb_init(&label);
		aliases = false;
	}
	sb_free(&label);
}

void print_command_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "Usage: %s [-v%s] %s %s\n\n%s.\n", xlc_progname, cmd->can_dryrun ? "N" : "",
		cmd->name, cmd->usage, cmd->summary);
	if (!cmd->options && !cmd->notes)
		return;
	fprintf(out, "\nOptions:\n  -h, --help       Show this help.\n");
	if (cmd->options)
		print_options(out, cmd->options);
	if (cmd->notes)
		fputs(cmd->notes, out);
}

int main_help(int argc, char **argv)
{
	const struct command *cmd;
	char *err = NULL;

	while (command_getopt(argc, argv, command_find("help", &err)) != -1)
		;
	if (optind >= argc) {
		print_usage(stdout);
		return EXIT_OK;
	}
	cmd = command_find(argv[optind], &err);
	if (!cmd) {
		/* As xl: on stdout, and not an error (scripts probe commands this way). */
		printf("command \"%s\" not implemented\n", argv[optind]);
		free(err);
		return EXIT_OK;
	}
	print_command_help(stdout, cmd);
	return EXIT_OK;
}
