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
	  "  -f, --defconfig FILE  The config file, as an operand would give it (xl's -f).\n"
	  "Several files, a directory of *.cfg files, or --auto make a batch:\n"
	  "      --parallel N Create N guests at a time (default: twice the host's CPUs).\n"
	  "      --all-or-nothing  If any config is invalid or any create fails, destroy\n"
	  "                   the guests this batch started.\n"
	  "      --force      Start even if the batch asks for more memory than is free.\n"
	  "      --json       Print the batch's summary as JSON.\n"
	  "      --auto       The configs in /etc/xlc/auto/ (xlc-guests.service starts them at "
	  "boot).\n"
	  "      --unknown-keys warn|error  What a key xlc does not know does (default:\n"
	  "                   xlc.conf's unknown_keys, else error; xm-era keys xl ignores\n"
	  "                   are always only warned about).\n"
	  "A configfile without '/' is also looked for in /etc/xlc/ and /etc/xen/.\n"
	  "Each key=value is a later assignment in xl.cfg syntax: the last one wins.\n" },
	{ "list", main_list, false, "List the domains", "[-l|--json] [domain]",
	  "  -l, --long       The domains' configurations as JSON (xl's list -l).\n"
	  "      --json       Everything xlc knows of each domain, as JSON.\n" },
	{ "destroy", main_destroy, false, "Terminate a domain immediately", "[-a [-f]] <domain>",
	  "  -a               Every domain (asks first on a terminal).\n"
	  "  -f               With -a: do not ask.\n" },
	{ "shutdown", main_shutdown, false, "Ask a domain to shut down (ACPI power button)",
	  "[-a] [-w[w] [--timeout=S]] [-F] <domain>",
	  "  -a, --all        Every domain but Domain-0.\n"
	  "  -w, --wait       Wait until each domain has shut down; twice, until it is gone.\n"
	  "  --timeout=S      Give up waiting after S seconds: exit 1 naming those still up.\n"
	  "  -F               xl's ACPI fallback (kvm: the power button is ACPI already).\n" },
	{ "reboot", main_reboot, false, "Reboot a domain",
	  "[-a] [-w[w] [--timeout=S]] [-F] <domain>",
	  "  -a, --all        Every domain but Domain-0.\n"
	  "  -w, --wait       As shutdown -w: until each has shut down; twice, until it is gone.\n"
	  "  --timeout=S      Give up waiting after S seconds: exit 1 naming those not done.\n"
	  "  -F               Reset at once, without asking the guest (kvm: Ctrl-Alt-Del).\n" },
	{ "pause", main_pause, false, "Pause a domain's vCPUs", "<domain>", NULL },
	{ "unpause", main_unpause, false, "Unpause a paused domain", "<domain>", NULL },
	{ "rename", main_rename, false, "Rename a domain", "<domain> <new-name>", NULL },
	{ "mem-set", main_mem_set, false, "Set the memory a domain has (its balloon's target)",
	  "<domain> <size>", NULL },
	{ "mem-max", main_mem_max, false, "Set the most memory mem-set may give a domain",
	  "<domain> <size>", NULL },
	{ "vcpu-pin", main_vcpu_pin, false, "Set which host CPUs a domain's vCPUs may run on",
	  "[-f] <domain> <vcpu|all> <hard|-> [soft|-]",
	  "  -f, --force      Accepted for xl's sake: xlc's pins are never temporary.\n"
	  "  -i, --ignore-global-affinity-masks  Xen: ignore xl.conf's global affinity masks.\n" },
	{ "vcpu-set", main_vcpu_set, false, "Set how many of a domain's vCPUs are online",
	  "[-i] <domain> <vcpus>",
	  "  -i, --ignore-host  Allow more vCPUs online than the host has CPUs.\n" },
	{ "block-attach", main_block_attach, false, "Attach a disk to a running domain",
	  "<domain> <disk-spec-component(s)>...",
	  "The disk spec is the config file's (xl-disk-configuration(5)): e.g.\n"
	  "  xlc block-attach vm1 format=raw,vdev=xvdb,access=rw,target=/srv/data.img\n" },
	{ "block-list", main_block_list, false, "List a domain's disks", "<domain>...", NULL },
	{ "block-detach", main_block_detach, false, "Detach a disk from a domain",
	  "[-f] <domain> <devid|vdev>",
	  "  -f, --force      Do not wait for the guest to release the disk.\n" },
	{ "network-attach", main_network_attach, false, "Attach a NIC to a running domain",
	  "<domain> [mac=..] [bridge=..] [ip=..] [script=..] [model=..] [vifname=..] [rate=..]",
	  "The tokens are those of a vif= entry in the config file "
	  "(xl-network-configuration(5)).\n" },
	{ "network-list", main_network_list, false, "List a domain's NICs", "<domain>...", NULL },
	{ "network-detach", main_network_detach, false, "Detach a NIC from a domain",
	  "<domain> <devid|mac>", NULL },
	{ "cd-insert", main_cd_insert, false, "Insert a medium into a domain's cdrom drive",
	  "<domain> <virtual-device> <target>", NULL },
	{ "cd-eject", main_cd_eject, false, "Eject the medium from a domain's cdrom drive",
	  "<domain> <virtual-device>", NULL },
	{ "save", main_save, false, "Save a domain's state to a file, to restore it later",
	  "[-c] [-p] [-D] <domain> <checkpointfile> [configfile]",
	  "  -c               Leave the domain running once it is saved (a checkpoint).\n"
	  "  -p               Leave the domain paused once it is saved.\n"
	  "  -D               Keep the domain's id: restore gives it the same one.\n"
	  "A configfile is kept in the file instead of the domain's own config.\n" },
	{ "restore", main_restore, false, "Restore a domain from a saved state",
	  "[-p] [-e] [-d] [-F] [-c] [configfile] <checkpointfile>",
	  "  -p               Leave the domain paused once it is restored.\n"
	  "  -e               Leave no monitor behind to act on the domain's shutdown.\n"
	  "  -F               Stay in the foreground, as the domain's monitor.\n"
	  "  -c               Attach to the console once the domain runs.\n"
	  "  -d               Accepted for xl's sake (its debug output).\n"
	  "  -V, --vncviewer, -A, --vncviewer-autopass\n"
	  "                   Accepted for xl's sake: xlc starts no VNC viewer.\n"
	  "A configfile is used instead of the config the save file holds.\n" },
	{ "migrate", main_migrate, false, "Move a running domain to another host, live",
	  "[options] <domain> <host>",
	  "  -C CONFIG        Send this config instead of the domain's own.\n"
	  "  -s SSHCMD        The command that reaches host (default ssh): it runs\n"
	  "                   \"SSHCMD HOST xlc migrate-receive\"; \"\" runs HOST itself.\n"
	  "  -e               The receiver leaves no monitor behind.\n"
	  "  -F               As -e, as xl has it.\n"
	  "  -p               The domain stays paused at the other end.\n"
	  "  -D               Keep the domain's id at the other end.\n"
	  "      --debug      libxl's checks of the memory sent.\n"
	  "      --live       Accepted for xm's sake: migration is always live.\n" },
	{ "migrate-receive", main_migrate_receive, false,
	  "Receive a migrating domain on stdin and stdout (migrate runs it)", "[-F] [-e] [-d] [-p]",
	  "  -F               Stay in the foreground as the domain's monitor.\n"
	  "  -e               Leave no monitor behind.\n"
	  "  -p               Leave the domain paused.\n"
	  "  -d               Accepted for xl's sake (its debug output).\n"
	  "  -r               Remus's stream: refused, xlc has no Remus.\n" },
	{ "console", main_console, false, "Attach to a domain's console",
	  "[-e escape] [-t pv|serial|vuart] [-n N] <domain>",
	  "  -e ESC           The escape character: ^X or one character (default ^]).\n"
	  "  -t TYPE          pv, serial or vuart (kvm: every type is the serial console).\n"
	  "  -n N             The console's number: 0, the one xlc attaches.\n" },
	{ "uptime", main_uptime, false, "Print the domains' uptime", "[-s] [domain...]",
	  "  -s               Short form, like uptime(1).\n" },
	{ "domid", main_domid, false, "Convert a domain name to a domain id", "<name>", NULL },
	{ "domname", main_domname, false, "Convert a domain id to a domain name", "<id>", NULL },
	{ "vcpu-list", main_vcpu_list, false, "List the domains' vCPUs", "[domain...]", NULL },
	{ "info", main_info, false, "Print information about the host", "[-n] [field]",
	  "  -n, --numa       The NUMA topology too.\n"
	  "  FIELD            Only the values of the lines that start with FIELD.\n" },
	{ "top", main_top, false, "Monitor the domains' CPU, memory, network and disks (xentop)",
	  "[-b] [-i N] [-d SECONDS] [-f] [-n] [-x] [-v] [-r] [-z] [-o|--sort COLUMN] "
	  "[--csv|--json]",
	  "  -b, --batch      xentop's batch output: a header and a row per domain, each time.\n"
	  "  -i, --iterations N  Stop after N samples.\n"
	  "  -d, --delay SECONDS  Seconds between samples (default 3; fractions allowed).\n"
	  "  -f, --full-name  Full names (the default when output is not a terminal).\n"
	  "  -n, --networks, -x, --vbds, -v, --vcpus\n"
	  "                   Detail lines for networks, virtual disks, vCPUs.\n"
	  "  -r, --repeat-header  Repeat the header before each domain.\n"
	  "  -z, --dom0-first Domain-0 first (on Xen it is anyway; kvm has none).\n"
	  "  -o, --sort COL   Sort by a column (NAME, CPU(%), MEM(k)...; a prefix will do).\n"
	  "      --csv        One CSV row per domain per sample, with a header row.\n"
	  "      --json       One JSON object per domain per sample, one per line.\n"
	  "Keys: D delay, N networks, B disks, V vCPUs, R repeat header, S next sort column,\n"
	  "O sort column by name, F or / filter by name, arrows scroll, Ctrl-L repaint, Q "
	  "quit.\n" },
	{ "metrics", main_metrics, false, "Print top's figures in Prometheus' text format",
	  "[-o FILE | --http]",
	  "  -o, --output F   Write file F atomically (a temporary file beside it, renamed\n"
	  "                   over it): node_exporter's textfile collector never reads half.\n"
	  "      --http       Read one HTTP request on stdin, answer it on stdout (GET\n"
	  "                   /metrics), for a socket unit with Accept=yes.\n"
	  "Without them the metrics go to stdout, in Prometheus' text format 0.0.4.\n" },
	{ "help", main_help, false, "Show help for xlc or one of its commands", "[command]", NULL },
};

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

void print_command_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "Usage: %s [-v%s] %s %s\n\n%s.\n", xlc_progname, cmd->can_dryrun ? "N" : "",
		cmd->name, cmd->usage, cmd->summary);
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
		/* As xl: on stdout, and not an error (scripts probe commands this way). */
		printf("command \"%s\" not implemented\n", argv[optind]);
		free(err);
		return EXIT_OK;
	}
	print_command_help(stdout, cmd);
	return EXIT_OK;
}
