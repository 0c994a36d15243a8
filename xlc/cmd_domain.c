// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that act on running domains: list, destroy, shutdown,
 * reboot, pause, unpause, uptime, domid, domname, vcpu-list, console and
 * info. Output formats are xl's (anchors: xl_info.c, xl_vcpu.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "backends/backend.h"
#include "console/console.h"
#include "lib/util.h"
#include "xlc/xlc.h"

static const struct backend_ops *backend(void)
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

static void need(const struct backend_ops *be, const void *op, const char *what)
{
	if (!op) {
		xlc_warn("the %s backend cannot %s in this build of xlc", be->name, what);
		exit(EXIT_FAIL);
	}
}

/* A domain argument (name or id) to its name and id; exits 1 if unknown. */
static char *resolve(const struct backend_ops *be, const char *dom, int *domid)
{
	char *name = NULL, *err = NULL;

	need(be, be->resolve, "find domains");
	if (be->resolve(&xlc_config, dom, &name, domid, &err)) {
		xlc_warn("%s", err);
		free(err);
		exit(EXIT_FAIL);
	}
	return name;
}

static const struct command *cmd(const char *name)
{
	char *err = NULL;
	const struct command *c = command_find(name, &err);

	free(err);
	return c;
}

static struct domain_info *list_domains(const struct backend_ops *be, int *n)
{
	struct domain_info *d = NULL;
	char *err = NULL;

	need(be, be->list, "list domains");
	if (be->list(&xlc_config, &d, n, &err)) {
		xlc_warn("%s", err);
		free(err);
		exit(EXIT_FAIL);
	}
	return d;
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

/* list -l: [{ "domid": N, "config": {...} }], as xl prints it. */
static void print_list_long(const struct domain_info *d, int n, bool full)
{
	int i;

	printf("[\n");
	for (i = 0; i < n; i++) {
		if (full)
			printf("    %s%s\n", d[i].json, i + 1 < n ? "," : "");
		else
			printf("    {\n        \"domid\": %d,\n        \"config\": %s\n    }%s\n",
			       d[i].domid, d[i].config ? d[i].config : "{}", i + 1 < n ? "," : "");
	}
	printf("]\n");
}

int main_list(int argc, char **argv)
{
	static const struct option longopts[] = { { "long", no_argument, NULL, 'l' },
						  { "json", no_argument, NULL, 'j' },
						  { NULL, 0, NULL, 0 } };
	const struct backend_ops *be;
	struct domain_info *d;
	int opt, n, i, shown, mode = 0;
	const char *only = NULL;

	while ((opt = command_getopt(argc, argv, "l", longopts, cmd("list"), 0)) != -1)
		mode = opt;
	if (argc - optind > 1)
		return usage_error(cmd("list"), "'xlc list' takes at most one domain");
	if (optind < argc)
		only = argv[optind];
	be = backend();
	d = list_domains(be, &n);
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
		print_list_long(d, shown, false);
	else if (mode == 'j')
		print_list_long(d, shown, true);
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

	while (command_getopt(argc, argv, "", NULL, cmd(cname), 1) != -1)
		;
	be = backend();
	name = resolve(be, argv[optind], &domid);
	need(be, be->op, cname);
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

	while ((opt = command_getopt(argc, argv, "af", NULL, cmd("destroy"), 0)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'f')
			force = true;
	}
	if (!all && optind >= argc)
		return usage_error(cmd("destroy"), "a domain, or -a for every domain");
	be = backend();
	need(be, be->op, "destroy");
	if (!all) {
		name = resolve(be, argv[optind], &domid);
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

/* How many times the domain has booted, or 0 once it is gone. */
static unsigned boots_of(const struct backend_ops *be, const char *name)
{
	struct domain_info *d = NULL;
	unsigned boots = 0;
	char *err = NULL;
	int n = 0, i;

	if (be->list(&xlc_config, &d, &n, &err) == 0)
		for (i = 0; i < n; i++)
			if (!strcmp(d[i].name, name))
				boots = d[i].boots ? d[i].boots : 1;
	free(err);
	domain_info_free(d, n);
	return boots;
}

/* reboot -w: until each domain booted again (or, on_reboot=destroy, ended). */
static void wait_rebooted(const struct backend_ops *be, const struct domain_info *d, int n,
			  const unsigned *before)
{
	int i;

	fprintf(stderr, "Waiting for %d domains\n", n);
	for (i = 0; i < n; i++) {
		unsigned now;

		while ((now = boots_of(be, d[i].name)) == before[i])
			usleep(100 * 1000);
		if (now)
			fprintf(stderr, "Domain %d has been rebooted\n", d[i].domid);
		else
			fprintf(stderr, "Domain %d has been shut down\n", d[i].domid);
	}
}

/*
 * shutdown and reboot: -a for all, -w to wait until each is gone (or has
 * rebooted), -F for reboot: reset at once, without asking the guest.
 */
static int power_op(int argc, char **argv, const char *cname, enum domain_op op, const char *verb)
{
	const struct backend_ops *be;
	struct domain_info *d = NULL;
	bool all = false, wait = false;
	int opt, n = 0, i, ret = EXIT_OK;
	unsigned *boots;

	while ((opt = command_getopt(argc, argv, "awF", NULL, cmd(cname), 0)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'w')
			wait = true;
		else if (opt == 'F' && op == DOM_REBOOT)
			op = DOM_RESET;
	}
	if (!all && optind >= argc) {
		xlc_warn("You must specify -a or a domain id.");
		return EXIT_USAGE;
	}
	be = backend();
	need(be, be->op, cname);
	if (all) {
		d = list_guests(be, &n);
	} else {
		d = xcalloc(1, sizeof(*d));
		d->name = resolve(be, argv[optind], &d->domid);
		n = 1;
	}
	boots = xcalloc((size_t)n + 1, sizeof(*boots));
	for (i = 0; i < n; i++) {
		char *err = NULL;

		if (wait && op != DOM_SHUTDOWN)
			boots[i] = boots_of(be, d[i].name);
		fprintf(stderr, "%s domain %d\n", verb, d[i].domid);
		if (be->op(&xlc_config, d[i].name, op, &err)) {
			xlc_warn("%s %s failed: %s", cname, d[i].name, err);
			ret = EXIT_FAIL;
		}
		free(err);
	}
	if (wait && ret == EXIT_OK && op == DOM_SHUTDOWN && be->wait_gone) {
		fprintf(stderr, "Waiting for %d domains\n", n);
		for (i = 0; i < n; i++) {
			if (be->wait_gone(&xlc_config, d[i].name, -1) == 0)
				fprintf(stderr, "Domain %d has been shut down\n", d[i].domid);
		}
	} else if (wait && ret == EXIT_OK) {
		wait_rebooted(be, d, n, boots);
	}
	free(boots);
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
	int opt, escape = CONSOLE_DEFAULT_ESCAPE, domid, status;
	char *name;

	while ((opt = command_getopt(argc, argv, "e:t:n:", NULL, cmd("console"), 1)) != -1) {
		if (opt == 'e') {
			escape = console_parse_escape(optarg);
			if (escape < 0)
				return usage_error(cmd("console"),
						   "invalid escape '%s': use ^X or one character",
						   optarg);
		}
	}
	be = backend();
	name = resolve(be, argv[optind], &domid);
	need(be, be->console, "attach consoles");
	status = be->console(&xlc_config, name, escape);
	free(name);
	return status;
}

int main_domid(int argc, char **argv)
{
	const struct backend_ops *be;
	int domid;

	while (command_getopt(argc, argv, "", NULL, cmd("domid"), 1) != -1)
		;
	be = backend();
	free(resolve(be, argv[optind], &domid));
	printf("%d\n", domid);
	return EXIT_OK;
}

int main_domname(int argc, char **argv)
{
	const struct backend_ops *be;
	unsigned long id;
	int domid;
	char *name;

	while (command_getopt(argc, argv, "", NULL, cmd("domname"), 1) != -1)
		;
	if (!parse_ulong(argv[optind], 10, &id)) {
		xlc_warn("%s is not a domain id", argv[optind]);
		return EXIT_FAIL;
	}
	be = backend();
	name = resolve(be, argv[optind], &domid);
	printf("%s\n", name);
	free(name);
	return EXIT_OK;
}

/* Whether the operands (names or ids) name this domain; no operands: all. */
static bool selected(const struct domain_info *d, int argc, char **argv)
{
	int j;

	for (j = optind; j < argc; j++)
		if (is_domain(d, argv[j]))
			return true;
	return optind >= argc;
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

int main_uptime(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	bool shortform = false;
	int opt, n, i;
	time_t now = time(NULL);
	char up[64], clock[16];

	while ((opt = command_getopt(argc, argv, "s", NULL, cmd("uptime"), 0)) != -1)
		shortform = true;
	be = backend();
	d = list_domains(be, &n);
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	if (!shortform)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (i = 0; i < n; i++) {
		if (!selected(&d[i], argc, argv))
			continue;
		format_uptime(now - d[i].start_time, shortform, up, sizeof(up));
		if (shortform)
			printf(" %s up %s, %s (%d)\n", clock, up, d[i].name, d[i].domid);
		else
			printf("%-33s %4d %s\n", d[i].name, d[i].domid, up);
	}
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

int main_vcpu_list(int argc, char **argv)
{
	const struct backend_ops *be;
	struct domain_info *d;
	int n, i, v;

	while (command_getopt(argc, argv, "", NULL, cmd("vcpu-list"), 0) != -1)
		;
	be = backend();
	d = list_domains(be, &n);
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
	       "Affinity (Hard / Soft)");
	for (i = 0; i < n; i++) {
		char errbuf[64];
		yajl_val info;

		if (!selected(&d[i], argc, argv))
			continue;
		info = yajl_tree_parse(d[i].json, errbuf, sizeof(errbuf));
		for (v = 0; info && v < d[i].vcpus; v++) {
			long long cpu = json_index(info, "vcpu_host_cpu", (unsigned)v);
			bool running = json_index(info, "vcpu_running", (unsigned)v) == 1;
			const char *state = d[i].state[2] == 'p' ? "--p" : running ? "r--" : "-b-";

			printf("%-32.32s %5d %5d", d[i].name, d[i].domid, v);
			if (cpu >= 0)
				printf("%5lld", cpu);
			else
				printf("%5s", "-");
			printf(" %5s %9.1f  %s / all\n", state,
			       (double)json_index(info, "vcpu_time_ns", (unsigned)v) / 1e9,
			       json_string(info, "vcpu_affinity", (unsigned)v));
		}
		yajl_tree_free(info);
	}
	domain_info_free(d, n);
	return EXIT_OK;
}

int main_info(int argc, char **argv)
{
	const struct backend_ops *be;

	while (command_getopt(argc, argv, "", NULL, cmd("info"), 0) != -1)
		;
	be = backend();
	need(be, be->host_info, "describe the host");
	return be->host_info(&xlc_config, stdout);
}
