// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that act on running domains: list, destroy, shutdown,
 * reboot, pause, unpause, uptime, domid, domname, vcpu-list, console and
 * info. Output formats are xl's (anchors: xl_info.c, xl_vcpu.c).
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "backends/backend.h"
#include "console/console.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/version.h"
#include "parsers/cpulist.h"
#include "xlc/xlc.h"

/* The running domains; their configs too only if with_config (list -l). */
static struct domain_info *list_domains_as(const struct backend_ops *be, bool with_config, int *n)
{
	struct domain_info *d = NULL;
	char *err = NULL;

	cli_need(be, be->list, "list domains");
	if (be->list(&xlc_config, with_config, &d, n, &err)) {
		xlc_warn("%s", err);
		free(err);
		exit(EXIT_FAIL);
	}
	return d;
}

static struct domain_info *list_domains(const struct backend_ops *be, int *n)
{
	return list_domains_as(be, false, n);
}

/* dom names the domain, or is its id: all digits (atoi("g1") is Domain-0's 0). */
static bool is_domain(const struct domain_info *d, const char *dom)
{
	char *end;
	long id;

	if (!strcmp(dom, d->name))
		return true;
	id = strtol(dom, &end, 10);
	return *dom >= '0' && *dom <= '9' && !*end && id == d->domid;
}

/*
 * The domains -a acts on: every one but Domain-0 (the host itself, on Xen),
 * as xl's shutdown -a and destroy -a skip it.
 */
static struct domain_info *list_guests(const struct backend_ops *be, int *n)
{
	struct domain_info *d = list_domains(be, n);
	int i, kept = 0;

	for (i = 0; i < *n; i++) {
		if (d[i].domid == 0) {
			domain_info_free_one(&d[i]);
			continue;
		}
		d[kept++] = d[i];
	}
	*n = kept;
	return d;
}

static void print_list(const struct domain_info *d, int n, const char *only)
{
	int i;

	printf("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
	for (i = 0; i < n; i++) {
		if (only && !is_domain(&d[i], only))
			continue;
		printf("%-40s %5d %5ld %5d     %s  %8.1f\n", d[i].name, d[i].domid, d[i].memory_mib,
		       d[i].vcpus, d[i].state, d[i].cpu_time);
	}
}

/*
 * list -l: [{ "domid": N, "config": {...} }], as xl prints it: yajl's
 * beautified JSON (4 spaces), then a blank line. Scripts such as xendomains
 * read the name from the indented "name" line of each config.
 */
static void print_list_long(const struct domain_info *d, int n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	char *text;
	int i;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		if (!d[i].config)
			continue; /* as xl skips a domain whose config it cannot read */
		yajl_gen_map_open(g);
		json_key_int(g, "domid", d[i].domid);
		json_key(g, "config");
		if (!json_gen_text(g, d[i].config))
			yajl_gen_null(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	text = json_gen_finish(g);
	puts(text);
	free(text);
}

/* list --json: every record as the backend gave it, one per line. */
static void print_list_json(const struct domain_info *d, int n)
{
	int i;

	printf("[\n");
	for (i = 0; i < n; i++)
		printf("    %s%s\n", d[i].json, i + 1 < n ? "," : "");
	printf("]\n");
}

int main_list(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	int opt, n, i, shown, mode = 0;
	const char *only = NULL;

	while ((opt = command_getopt(argc, argv, cli_command("list"))) != -1)
		mode = opt;
	if (argc - optind > 1)
		return usage_error(cli_command("list"), "'xlc list' takes at most one domain");
	if (optind < argc)
		only = argv[optind];
	be = cli_backend();
	d = list_domains_as(be, mode == 'l', &n);
	shown = n;
	if (only) {
		for (i = 0; i < n && !is_domain(&d[i], only); i++)
			;
		if (i == n) {
			xlc_warn("%s is an invalid domain identifier", only);
			domain_info_free(d, n);
			return EXIT_FAIL;
		}
		if (mode) { /* the one asked for first, alone */
			struct domain_info t = d[0];

			d[0] = d[i];
			d[i] = t;
			shown = 1;
		}
	}
	if (mode == 'l')
		print_list_long(d, shown);
	else if (mode == LIST_OPT_JSON)
		print_list_json(d, shown);
	else
		print_list(d, n, only);
	domain_info_free(d, n);
	return EXIT_OK;
}

/* The simple one-domain operations share their shape. */
static int one_domain_op(int argc, char **argv, const char *cname, enum domain_op op,
			 const char *say)
{
	const struct backend_ops *be;
	char *name, *err = NULL;
	int domid, ret = EXIT_OK;

	while (command_getopt(argc, argv, cli_command(cname)) != -1)
		;
	be = cli_backend();
	name = cli_resolve(be, argv[optind], &domid);
	cli_need(be, be->op, cname);
	if (say)
		fprintf(stderr, say, domid);
	if (be->op(&xlc_config, name, op, &err)) {
		xlc_warn("%s %s failed: %s", cname, name, err);
		ret = EXIT_FAIL;
	}
	free(err);
	free(name);
	return ret;
}

static int destroy_one(const struct backend_ops *be, const char *name)
{
	char *err = NULL;
	int ret = EXIT_OK;

	if (be->op(&xlc_config, name, DOM_DESTROY, &err)) {
		xlc_warn("destroy %s failed: %s", name, err);
		ret = EXIT_FAIL;
	} else if (be->wait_gone && be->wait_gone(&xlc_config, name, 30)) {
		xlc_warn("destroy failed: %s is still there after 30 seconds", name);
		ret = EXIT_FAIL;
	}
	free(err);
	return ret;
}

/* destroy -a: asks first on a terminal; elsewhere it needs -f. */
static bool confirm_all(int n, bool force)
{
	char answer[16] = "";

	if (force)
		return true;
	if (!isatty(STDIN_FILENO)) {
		xlc_warn("destroy -a ends every domain: add -f to confirm when not on a terminal");
		return false;
	}
	fprintf(stderr, "Destroy all %d domains? [y/N] ", n);
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

int main_destroy(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	bool all = false, force = false;
	int opt, domid, n = 0, i, ret = EXIT_OK;
	char *name;

	while ((opt = command_getopt(argc, argv, cli_command("destroy"))) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'f')
			force = true;
	}
	if (!all && optind >= argc)
		return usage_error(cli_command("destroy"), "a domain, or -a for every domain");
	be = cli_backend();
	cli_need(be, be->op, "destroy");
	if (!all) {
		name = cli_resolve(be, argv[optind], &domid);
		ret = destroy_one(be, name);
		free(name);
		return ret;
	}
	d = list_guests(be, &n);
	if (n && !confirm_all(n, force)) {
		domain_info_free(d, n);
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		if (destroy_one(be, d[i].name))
			ret = EXIT_FAIL;
	domain_info_free(d, n);
	return ret;
}

int main_pause(int argc, char **argv)
{
	return one_domain_op(argc, argv, "pause", DOM_PAUSE, NULL);
}

int main_unpause(int argc, char **argv)
{
	return one_domain_op(argc, argv, "unpause", DOM_UNPAUSE, NULL);
}

/* rename DOMAIN NEW: as xl, the domain keeps its id, and the name as typed is in the error. */
int main_rename(int argc, char **argv)
{
	const struct backend_ops *be;
	const char *dom, *new_name;
	char *name, *err = NULL;
	int domid, ret = EXIT_OK;

	while (command_getopt(argc, argv, cli_command("rename")) != -1)
		;
	dom = argv[optind];
	new_name = argv[optind + 1];
	be = cli_backend();
	cli_need(be, be->rename, "rename domains");
	name = cli_resolve(be, dom, &domid);
	if (!domain_name_valid(new_name))
		err = xasprintf("'%s' is not a domain name: 1 to 64 letters, digits or '-_.+@', "
				"and not only digits",
				new_name);
	if (err || be->rename(&xlc_config, name, new_name, &err)) {
		xlc_warn("%s", err);
		fprintf(stderr, "Can't rename domain '%s'.\n", dom);
		ret = EXIT_FAIL;
	}
	free(err);
	free(name);
	return ret;
}

/*
 * A memory size as xl reads it: a number and at most one unit letter, b k m
 * g or t, MiB without one. KiB, or -1 if it is not a size (or not above 0).
 */
int64_t parse_mem_size_kb(const char *mem)
{
	static const char units[] = "bkmgt";
	char *end;
	const char *u;
	long long n;

	errno = 0;
	n = strtoll(mem, &end, 10);
	if (errno || end == mem || n <= 0 || strlen(end) > 1)
		return -1;
	u = *end ? strchr(units, tolower((unsigned char)*end)) : strchr(units, 'm');
	if (!u || !*u)
		return -1;
	if (*u == 'b')
		return n >> 10;
	for (; *u != 'k'; u--) {
		if (n > INT64_MAX >> 10)
			return -1;
		n <<= 10;
	}
	return n;
}

/* mem-set and mem-max DOMAIN SIZE, with xl's messages. */
static int set_memory(int argc, char **argv, const char *cname, bool max)
{
	const struct backend_ops *be;
	const char *mem;
	char *name, *err = NULL;
	int64_t kib;
	int domid, ret = EXIT_OK;

	while (command_getopt(argc, argv, cli_command(cname)) != -1)
		;
	be = cli_backend();
	cli_need(be, be->set_memory, cname);
	name = cli_resolve(be, argv[optind], &domid);
	mem = argv[optind + 1];
	kib = parse_mem_size_kb(mem);
	if (kib < 0) {
		fprintf(stderr, "invalid memory size: %s\n", mem);
		free(name);
		return EXIT_FAIL;
	}
	if (be->set_memory(&xlc_config, name, (uint64_t)kib, max, &err)) {
		xlc_warn("%s", err);
		fprintf(stderr, "cannot set domid %d %s max memory to : %s\n", domid,
			max ? "static" : "dynamic", mem);
		ret = EXIT_FAIL;
	}
	free(err);
	free(name);
	return ret;
}

/*
 * vcpu-pin [-f] DOMAIN VCPU|all HARD [SOFT], as xl: '-' leaves an affinity
 * as it is; the lists are xl.cfg's cpus= syntax.
 */
int main_vcpu_pin(int argc, char **argv)
{
	const struct backend_ops *be;
	const char *vcpu, *hard, *soft;
	char *name, *end, *err = NULL;
	int domid, ret = EXIT_OK, opt;
	bool force = false;
	long id;

	while ((opt = command_getopt(argc, argv, cli_command("vcpu-pin"))) != -1)
		force |= opt == 'f';
	vcpu = argv[optind + 1];
	hard = strcmp(argv[optind + 2], "-") ? argv[optind + 2] : NULL;
	soft = optind + 3 < argc && strcmp(argv[optind + 3], "-") ? argv[optind + 3] : NULL;
	id = strtol(vcpu, &end, 10);
	if (end == vcpu || *end || id < 0) {
		if (strcmp(vcpu, "all")) {
			fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", vcpu);
			return EXIT_FAIL;
		}
		if (force) {
			fprintf(stderr, "Error: --force and 'all' as VCPU not allowed.\n");
			return EXIT_FAIL;
		}
		id = -1;
	}
	if ((hard && !cpulist_valid(hard, &err)) || (soft && !cpulist_valid(soft, &err))) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	be = cli_backend();
	cli_need(be, be->vcpu_pin, "pin vCPUs");
	name = cli_resolve(be, argv[optind], &domid);
	if (be->vcpu_pin(&xlc_config, name, (int)id, hard, soft, &err)) {
		xlc_warn("%s", err);
		if (id >= 0)
			fprintf(stderr, "Could not set affinity for vcpu `%ld'.\n", id);
		else
			fprintf(stderr, "Could not set affinity.\n");
		ret = EXIT_FAIL;
	}
	free(err);
	free(name);
	return ret;
}

int main_mem_set(int argc, char **argv)
{
	return set_memory(argc, argv, "mem-set", false);
}

int main_mem_max(int argc, char **argv)
{
	return set_memory(argc, argv, "mem-max", true);
}

/* -ww: a shutdown on the way to the domain's end, said as xl says it. */
static void continue_waiting(int reason, void *arg)
{
	int domid = *(const int *)arg;

	fprintf(stderr, "Domain %d has been shut down, reason code %d\n", domid, reason);
	fprintf(stderr, "Domain %d continue waiting for death\n", domid);
}

/*
 * --timeout: the domains are waited for one after the other (as xl does), so
 * when the time is up the wait is left (SIGALRM jumps out of it) and a fresh
 * list says which of those not yet seen are still up: each is named, and
 * the command fails. One that shut down meanwhile is not late.
 */
static sigjmp_buf wait_expired;
static volatile sig_atomic_t waited_for = -1;	    /* the domain being waited for */
static struct domain_watch **volatile live_watches; /* power_op's, kept reachable (see there) */

static void on_wait_timeout(int sig)
{
	(void)sig;
	siglongjmp(wait_expired, 1);
}

static void arm_wait_timeout(unsigned seconds)
{
	struct sigaction sa = { .sa_handler = on_wait_timeout };

	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

static int report_late(const struct backend_ops *be, const struct domain_info *d, int n,
		       const char *cname, unsigned seconds)
{
	struct domain_info *now;
	int m, i, j, late = 0;

	now = list_domains(be, &m);
	for (i = waited_for; i < n; i++) {
		for (j = 0; j < m && now[j].domid != d[i].domid; j++)
			;
		if (j == m || strchr(now[j].state, 's'))
			continue; /* gone, or shut down: in time */
		fprintf(stderr, "%s: domain %s (%d) did not %s within %u seconds\n", xlc_progname,
			d[i].name, d[i].domid, strcmp(cname, "reboot") ? "shut down" : "reboot",
			seconds);
		late++;
	}
	domain_info_free(now, m);
	return late ? EXIT_FAIL : EXIT_OK;
}

/*
 * shutdown and reboot -w, as xl: once, until each domain has shut down (or
 * is gone); twice (-ww), until each is gone. A reboot ends the domain: the
 * guest boots again as a new one, with a new id.
 */
static void wait_shut_down(const struct backend_ops *be, const struct domain_info *d, int n,
			   struct domain_watch **watches, int level)
{
	int i, reason;

	fprintf(stderr, "Waiting for %d domains\n", n);
	for (i = 0; i < n; i++) {
		waited_for = i;
		int r = be->watch_wait(watches[i], level > 1, continue_waiting, (void *)&d[i].domid,
				       &reason);

		watches[i] = NULL; /* watch_wait freed it */
		if (r)
			continue;
		if (level == 1 && reason >= 0)
			fprintf(stderr, "Domain %d has been shut down, reason code %d\n",
				d[i].domid, reason);
		else
			fprintf(stderr, "Domain %d has been destroyed\n", d[i].domid);
	}
}

/* wait_shut_down, within timeout seconds if not 0 (see report_late). */
static int wait_bounded(const struct backend_ops *be, const struct domain_info *d, int n,
			struct domain_watch **watches, int level, const char *cname,
			unsigned timeout)
{
	if (!timeout) {
		wait_shut_down(be, d, n, watches, level);
		return EXIT_OK;
	}
	if (sigsetjmp(wait_expired, 1))
		return report_late(be, d, n, cname, timeout);
	arm_wait_timeout(timeout);
	wait_shut_down(be, d, n, watches, level);
	alarm(0);
	return EXIT_OK;
}

#define SECONDS_MAX 86400u

/* A whole number of seconds, 1 to SECONDS_MAX; 0, or -1 if it is not one. */
static int parse_seconds(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > SECONDS_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/*
 * shutdown and reboot: -a for all, -w to wait (see wait_shut_down), -F for
 * reboot: reset at once, without asking the guest; for shutdown, xl's ACPI
 * fallback, which the kvm backend's power button already is.
 */
static int power_op(int argc, char **argv, const char *cname, enum domain_op op, const char *verb)
{
	const struct backend_ops *be;
	struct domain_info *d = NULL;
	bool all = false;
	int opt, n = 0, i, ret = EXIT_OK, wait = 0;
	unsigned timeout = 0;
	struct domain_watch **watches;

	while ((opt = command_getopt(argc, argv, cli_command(cname))) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'w')
			wait++;
		else if (opt == 'F' && op == DOM_REBOOT)
			op = DOM_RESET;
		else if (opt == POWER_OPT_TIMEOUT && parse_seconds(optarg, &timeout))
			return usage_error(cli_command(cname),
					   "--timeout %s: give whole seconds, 1 to %u", optarg,
					   SECONDS_MAX);
	}
	if (timeout && !wait)
		return usage_error(cli_command(cname),
				   "--timeout bounds the wait of -w; give -w too");
	if (!all && optind >= argc) {
		xlc_warn("You must specify -a or a domain id.");
		return EXIT_FAIL;
	}
	be = cli_backend();
	cli_need(be, be->op, cname);
	if (all) {
		d = list_guests(be, &n);
	} else {
		d = xcalloc(1, sizeof(*d));
		d->name = cli_resolve(be, argv[optind], &d->domid);
		n = 1;
	}
	watches = xcalloc((size_t)n + 1, sizeof(*watches));
	live_watches = watches;
	waited_for = -1;
	if (wait)
		cli_need(be, be->watch, "wait for domains");
	for (i = 0; i < n; i++) {
		char *err = NULL;

		/* Watched before it is asked, so that a quick shutdown is not missed. */
		if (wait)
			watches[i] = be->watch(&xlc_config, d[i].name, &err);
		if (err) {
			xlc_warn("%s %s failed: %s", cname, d[i].name, err);
			free(err);
			ret = EXIT_FAIL;
			continue;
		}
		fprintf(stderr, "%s domain %d\n", verb, d[i].domid);
		if (be->op(&xlc_config, d[i].name, op, &err)) {
			xlc_warn("%s %s failed: %s", cname, d[i].name, err);
			ret = EXIT_FAIL;
		}
		free(err);
	}
	if (wait && ret == EXIT_OK)
		ret = wait_bounded(be, d, n, watches, wait, cname, timeout);
	/*
	 * The watches never waited on (after a failure, or --timeout) are freed;
	 * the one --timeout jumped out of may be half freed already: it stays,
	 * reachable from live_watches, until the command exits.
	 */
	for (i = 0; i < n; i++)
		if (watches[i] && i != waited_for && be->watch_free)
			be->watch_free(watches[i]);
	if (waited_for < 0 || !watches[waited_for])
		free(watches);
	domain_info_free(d, n);
	return ret;
}

int main_shutdown(int argc, char **argv)
{
	return power_op(argc, argv, "shutdown", DOM_SHUTDOWN, "Shutting down");
}

int main_reboot(int argc, char **argv)
{
	return power_op(argc, argv, "reboot", DOM_REBOOT, "Rebooting");
}

int main_console(int argc, char **argv)
{
	const struct backend_ops *be;
	int opt, escape = CONSOLE_DEFAULT_ESCAPE, domid, status, num = 0;
	char *name;

	while ((opt = command_getopt(argc, argv, cli_command("console"))) != -1) {
		if (opt == 'n')
			num = atoi(optarg); /* as xl reads it */
		if (opt == 'e') {
			escape = console_parse_escape(optarg);
			if (escape < 0)
				return usage_error(cli_command("console"),
						   "invalid escape '%s': use ^X or one character",
						   optarg);
		}
		/* xl's console types; on kvm the one console is the serial port. */
		if (opt == 't' && strcmp(optarg, "pv") && strcmp(optarg, "serial") &&
		    strcmp(optarg, "vuart")) {
			xlc_warn("console type supported are: pv, serial, vuart");
			return EXIT_FAIL;
		}
	}
	be = cli_backend();
	name = cli_resolve(be, argv[optind], &domid);
	cli_need(be, be->console, "attach consoles");
	if (num != 0) { /* xlc attaches the one console a guest has: its first */
		fprintf(stderr, "Unable to attach console\n");
		free(name);
		return EXIT_FAIL;
	}
	status = be->console(&xlc_config, name, escape);
	free(name);
	return status;
}

int main_domid(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	int n, i;

	while (command_getopt(argc, argv, cli_command("domid")) != -1)
		;
	be = cli_backend();
	/* A name only, as xl: "5" is the domain named 5, not domain 5. */
	d = list_domains(be, &n);
	for (i = 0; i < n && strcmp(d[i].name, argv[optind]); i++)
		;
	if (i == n) {
		fprintf(stderr,
			"Can't get domid of domain name '%s', maybe this domain does not exist.\n",
			argv[optind]);
		domain_info_free(d, n);
		return EXIT_FAIL;
	}
	printf("%d\n", d[i].domid);
	domain_info_free(d, n);
	return EXIT_OK;
}

int main_domname(int argc, char **argv)
{
	const struct backend_ops *be;
	unsigned long id;
	int domid;
	char *name;

	while (command_getopt(argc, argv, cli_command("domname")) != -1)
		;
	if (!parse_ulong(argv[optind], 10, &id)) {
		xlc_warn("%s is not a domain id", argv[optind]);
		return EXIT_FAIL;
	}
	be = cli_backend();
	name = cli_resolve(be, argv[optind], &domid);
	printf("%s\n", name);
	free(name);
	return EXIT_OK;
}

/*
 * The first operand that names no domain: said as xl says it, true. An id
 * (all digits) of no domain is not an error, as in xl: it shows nothing.
 */
static bool unknown_operand(const struct domain_info *d, int n, int argc, char **argv, int from)
{
	int i, j;

	for (j = from; j < argc; j++) {
		bool numeric = argv[j][0] && strspn(argv[j], "0123456789") == strlen(argv[j]);

		for (i = 0; i < n && !is_domain(&d[i], argv[j]); i++)
			;
		if (i == n && !numeric) {
			xlc_warn("%s is an invalid domain identifier", argv[j]);
			return true;
		}
	}
	return false;
}

/* "H:MM:SS", or "N day(s), H:MM:SS"; short drops the seconds, as xl does. */
static void format_uptime(long long secs, bool shortform, char *buf, size_t len)
{
	long long days = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
	int n = 0;

	if (days)
		n = snprintf(buf, len, "%lld day%s, ", days, days == 1 ? "" : "s");
	if (shortform)
		snprintf(buf + n, len - (size_t)n, "%2lld:%02lld", h, m);
	else
		snprintf(buf + n, len - (size_t)n, "%2lld:%02lld:%02lld", h, m, s);
}

static void print_uptime(const struct domain_info *d, bool shortform, const char *clock, time_t now)
{
	char up[64];

	format_uptime(now - d->start_time, shortform, up, sizeof(up));
	if (shortform)
		printf(" %s up %s, %s (%d)\n", clock, up, d->name, d->domid);
	else
		printf("%-33s %4d %s\n", d->name, d->domid, up);
}

int main_uptime(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	bool shortform = false;
	int opt, n, i, j;
	time_t now = time(NULL);
	char clock[16];

	while ((opt = command_getopt(argc, argv, cli_command("uptime"))) != -1)
		shortform = true;
	be = cli_backend();
	d = list_domains(be, &n);
	/* As xl: every domain named is looked up before anything is printed. */
	if (unknown_operand(d, n, argc, argv, optind)) {
		domain_info_free(d, n);
		return EXIT_FAIL;
	}
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	if (!shortform)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	/* Every domain, or those named in the order named (twice if named twice), as xl. */
	for (i = 0; optind >= argc && i < n; i++)
		print_uptime(&d[i], shortform, clock, now);
	for (j = optind; j < argc; j++)
		for (i = 0; i < n; i++)
			if (is_domain(&d[i], argv[j]))
				print_uptime(&d[i], shortform, clock, now);
	domain_info_free(d, n);
	return EXIT_OK;
}

static long long json_index(yajl_val v, const char *key, unsigned i)
{
	const char *path[] = { key, NULL };
	yajl_val a = yajl_tree_get(v, path, yajl_t_array);

	if (!a || i >= YAJL_GET_ARRAY(a)->len)
		return -1;
	a = YAJL_GET_ARRAY(a)->values[i];
	if (YAJL_IS_TRUE(a))
		return 1;
	return YAJL_IS_INTEGER(a) ? YAJL_GET_INTEGER(a) : 0;
}

static const char *json_string(yajl_val v, const char *key, unsigned i)
{
	const char *path[] = { key, NULL };
	yajl_val a = yajl_tree_get(v, path, yajl_t_array);

	if (!a || i >= YAJL_GET_ARRAY(a)->len || !YAJL_IS_STRING(YAJL_GET_ARRAY(a)->values[i]))
		return "all";
	return YAJL_GET_STRING(YAJL_GET_ARRAY(a)->values[i]);
}

/*
 * A vCPU's three letters as xl prints them: r running, b blocked, p offline
 * (not "paused": a paused domain's vCPUs are neither running nor blocked).
 * On kvm the vCPUs past vcpus= are offline until the guest brings them up.
 */
static const char *vcpu_state(const struct domain_info *d, yajl_val info, int v)
{
	if (v >= d->vcpus)
		return "--p";
	if (d->state[2] == 'p' || d->state[3] == 's')
		return "---";
	return json_index(info, "vcpu_running", (unsigned)v) == 1 ? "r--" : "-b-";
}

static void print_vcpus(const struct domain_info *d)
{
	char errbuf[64];
	yajl_val info = yajl_tree_parse(d->json, errbuf, sizeof(errbuf));
	int v;

	for (v = 0; info && v < d->max_vcpus; v++) {
		long long cpu = json_index(info, "vcpu_host_cpu", (unsigned)v);
		const char *state = vcpu_state(d, info, v);

		printf("%-32s %5d %5d", d->name, d->domid, v);
		if (cpu >= 0 && state[2] != 'p')
			printf("%5lld", cpu);
		else
			printf("%5s", "-");
		printf(" %5s %9.1f  %s / all\n", state,
		       (double)json_index(info, "vcpu_time_ns", (unsigned)v) / 1e9,
		       json_string(info, "vcpu_affinity", (unsigned)v));
	}
	yajl_tree_free(info);
}

int main_vcpu_list(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	int n, i, j;

	while (command_getopt(argc, argv, cli_command("vcpu-list")) != -1)
		;
	be = cli_backend();
	d = list_domains(be, &n);
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
	       "Affinity (Hard / Soft)");
	if (optind >= argc)
		for (i = 0; i < n; i++)
			print_vcpus(&d[i]);
	/* As xl: each domain in the order named; an unknown name ends it, after the header. */
	for (j = optind; j < argc; j++) {
		fflush(stdout);
		if (unknown_operand(d, n, j + 1, argv, j)) {
			domain_info_free(d, n);
			return EXIT_FAIL;
		}
		for (i = 0; i < n; i++)
			if (is_domain(&d[i], argv[j]))
				print_vcpus(&d[i]);
	}
	domain_info_free(d, n);
	return EXIT_OK;
}

/*
 * info [FIELD]: with a field, only the value of each line it is a prefix of
 * (`info free` gives free_memory and free_cpus), as xl does.
 */
static void print_field(const char *text, const char *field)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n'), *colon = strchr(line, ':');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);

		if (!strncmp(line, field, strlen(field)) && colon && colon < line + len &&
		    colon[1] == ' ')
			fwrite(colon + 2, 1, len - (size_t)(colon + 2 - line), stdout);
		line += len;
	}
}

int main_info(int argc, char **argv)
{
	const struct backend_ops *be;
	bool numa = false;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int opt, ret;

	while ((opt = command_getopt(argc, argv, cli_command("info"))) != -1)
		numa = true;
	be = cli_backend();
	cli_need(be, be->host_info, "describe the host");
	out = open_memstream(&text, &len);
	ret = be->host_info(&xlc_config, out);
	fprintf(out, "%-23s: %s\n", "xlc_version", xlc_version);
	fclose(out);
	if (numa || optind >= argc)
		fputs(text, stdout);
	else
		print_field(text, argv[optind]);
	free(text);
	return ret;
}
