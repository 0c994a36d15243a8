// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: xlc's own VMM over /dev/kvm, one process per guest.
 * `create` claims the name and a domain id in the run directory, forks the
 * guest's VMM (named xlc-<name>, detached, logging to <log_dir>) and waits
 * until the guest runs or the VMM says why it cannot. Every other command
 * talks to that process over its control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "backends/backend.h"
#include "backends/kvm/vmm/monitor.h"
#include "backends/kvm/rundir.h"
#include "backends/kvm/stats.h"
#include "parsers/domain_json.h"
#include "console/console.h"
#include "lib/util.h"

static int open_rundir(const struct xlc_conf *conf, struct rundir *rd, char **err)
{
	return rundir_open(rd, conf->run_dir, err);
}

static int open_log(const char *dir, const char *fmt, const char *name)
{
	char *path;
	int fd;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	path = xasprintf(fmt, dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	free(path);
	return fd;
}

/* Under the run directory's lock: the name, a domain id and the socket. */
static void become_daemon(const char *name, int log_fd)
{
	char comm[16];
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	if (log_fd >= 0) {
		dup2(log_fd, STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
	}
	snprintf(comm, sizeof(comm), "xlc-%s", name);
	prctl(PR_SET_NAME, comm);
	if (chdir("/")) {
		/* stays where it was: nothing depends on the working directory */
	}
}

/* Waits for the VMM's "ok" or its reason for failing. */
static int wait_ready(int fd, pid_t pid, const char *name)
{
	char buf[1024];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	if (!strncmp(buf, "ok\n", 3))
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	waitpid(pid, NULL, 0); /* it has removed its socket and id before exiting */
	xlc_warn("%s: %s", name,
		 !strncmp(buf, "error ", 6) ? buf + 6 : "the VMM died while starting; see its log");
	return -1;
}

/* The VMM runs from "/" and reloads the kernel on every reboot: absolute paths. */
static char *absolute(const char *path)
{
	char *abs;

	if (!path || path[0] == '/')
		return path ? xstrdup(path) : NULL;
	abs = realpath(path, NULL);
	return abs ? abs : xstrdup(path);
}

/*
 * The VMM's own copy of what the config leaves open: absolute paths, and a
 * random MAC (in Xen's 00:16:3e range) for each vif without one, drawn once
 * so that it survives the guest's reboots. Frees nothing of config's.
 */
static void resolve_config(struct domain_config *copy, const struct domain_config *config)
{
	unsigned i;

	copy->kernel = absolute(config->kernel);
	copy->ramdisk = absolute(config->ramdisk);
	copy->disks = xcalloc(config->ndisks + 1, sizeof(*copy->disks));
	for (i = 0; i < config->ndisks; i++) {
		copy->disks[i] = config->disks[i];
		copy->disks[i].target = absolute(config->disks[i].target);
	}
	copy->vifs = xcalloc(config->nvifs + 1, sizeof(*copy->vifs));
	for (i = 0; i < config->nvifs; i++) {
		copy->vifs[i] = config->vifs[i];
		if (!copy->vifs[i].mac_set) {
			vif_random_mac(copy->vifs[i].mac);
			copy->vifs[i].mac_set = true;
		}
	}
}

static void free_resolved(struct domain_config *copy)
{
	unsigned i;

	free(copy->kernel);
	free(copy->ramdisk);
	for (i = 0; i < copy->ndisks; i++)
		free(copy->disks[i].target);
	free(copy->disks);
	free(copy->vifs);
}

static int kvm_create(const struct domain_config *config, const struct create_opts *opts,
		      const struct xlc_conf *conf)
{
	struct domain_config copy = *config, *dc = &copy;
	struct monitor_params mp = {
		.dc = dc, .paused = opts->paused, .console_log = -1, .ready_fd = -1
	};
	struct rundir rd = { 0 };
	int ready[2], status = EXIT_FAIL, log_fd;
	char *err = NULL, *console_dir;
	pid_t pid;

	resolve_config(&copy, config);
	if (open_rundir(conf, &rd, &err) ||
	    rundir_claim(&rd, dc->name, &mp.domid, &mp.listen_fd, &err)) {
		xlc_warn("%s", err);
		goto out;
	}
	mp.rundir = &rd;
	console_dir = xasprintf("%s/console", conf->log_dir);
	mkdir(conf->log_dir, 0755);
	mp.console_log = open_log(console_dir, "%s/%s.log", dc->name);
	free(console_dir);
	if (opts->foreground) {
		mp.echo = stdout; /* -F: the console is this terminal */
		status = monitor_run(&mp);
		goto out;
	}
	log_fd = open_log(conf->log_dir, "%s/xlc-%s.log", dc->name);
	if (pipe2(ready, O_CLOEXEC)) {
		xlc_warn("pipe: %s", strerror(errno));
		rundir_release(&rd, dc->name, mp.domid);
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		mp.ready_fd = ready[1];
		become_daemon(dc->name, log_fd);
		_exit(monitor_run(&mp));
	}
	close(ready[1]);
	close(mp.listen_fd);
	if (log_fd >= 0)
		close(log_fd);
	if (pid < 0) {
		xlc_warn("fork: %s", strerror(errno));
		close(ready[0]);
		rundir_release(&rd, dc->name, mp.domid);
		goto out;
	}
	if (wait_ready(ready[0], pid, dc->name))
		goto out;
	status = EXIT_OK;
	if (opts->console)
		status = console_attach(&rd, dc->name, CONSOLE_DEFAULT_ESCAPE);
out:
	if (mp.console_log >= 0)
		close(mp.console_log);
	free_resolved(&copy);
	free(err);
	rundir_close(&rd);
	return status;
}

static long long jint(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_number);

	return x && YAJL_IS_INTEGER(x) ? YAJL_GET_INTEGER(x) : 0;
}

static const char *jstr(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);

	return x ? YAJL_GET_STRING(x) : "";
}

/* xl's state letters: r b p s <shutdown reason> d. */
static void state_letters(const char *state, const char *reason, bool blocked, char out[7])
{
	memcpy(out, "------", 7);
	if (!strcmp(state, "running"))
		out[blocked ? 1 : 0] = blocked ? 'b' : 'r';
	else if (!strcmp(state, "paused"))
		out[2] = 'p';
	else if (!strcmp(state, "shutdown")) {
		out[3] = 's';
		out[4] = !strcmp(reason, "reboot") ? 'r' : !strcmp(reason, "crash") ? 'c' : '-';
	}
}

static int parse_info(const char *json, struct domain_info *d)
{
	char errbuf[128];
	yajl_val v = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	const char *cfg_path[] = { "config", NULL };
	yajl_val cfg;

	if (!v)
		return -1;
	d->domid = (int)jint(v, "domid");
	d->name = xstrdup(jstr(v, "name"));
	d->pid = (long)jint(v, "pid");
	state_letters(jstr(v, "state"), jstr(v, "shutdown_reason"), jint(v, "blocked") != 0,
		      d->state);
	d->memory_mib = (long)jint(v, "memory_mib");
	d->maxmem_mib = (long)jint(v, "maxmem_mib");
	d->vcpus = (int)jint(v, "vcpus");
	d->max_vcpus = (int)jint(v, "max_vcpus");
	d->cpu_time = (double)jint(v, "cpu_time_ns") / 1e9;
	d->start_time = jint(v, "start_time");
	d->boots = (unsigned)jint(v, "boots");
	d->json = xstrdup(json);
	cfg = yajl_tree_get(v, cfg_path, yajl_t_object);
	if (cfg)
		d->config = json_value_to_string(cfg);
	yajl_tree_free(v);
	return 0;
}

static int kvm_list(const struct xlc_conf *conf, struct domain_info **out, int *n, char **err)
{
	struct rundir rd = { 0 };
	struct rundir_entry *e;
	int ne, i;

	*out = NULL;
	*n = 0;
	if (open_rundir(conf, &rd, err))
		return -1;
	ne = rundir_list(&rd, &e);
	for (i = 0; i < ne; i++) {
		char *reply = NULL, *why = NULL;

		/* A guest that ends between the scan and the query just drops out. */
		if (rundir_request(&rd, e[i].name, "info", &reply, &why)) {
			free(why);
			continue;
		}
		*out = xreallocarray(*out, (size_t)*n + 1, sizeof(**out));
		memset(&(*out)[*n], 0, sizeof(**out));
		if (parse_info(reply, &(*out)[*n]) == 0)
			(*n)++;
		free(reply);
	}
	rundir_entries_free(e, ne);
	rundir_close(&rd);
	return 0;
}

static int kvm_resolve(const struct xlc_conf *conf, const char *dom, char **name, int *domid,
		       char **err)
{
	struct rundir rd = { 0 };
	int r;

	if (open_rundir(conf, &rd, err))
		return -1;
	r = rundir_resolve(&rd, dom, name, domid, err);
	rundir_close(&rd);
	return r;
}

static int kvm_op(const struct xlc_conf *conf, const char *name, enum domain_op op, char **err)
{
	static const char *const cmds[] = {
		[DOM_DESTROY] = "destroy", [DOM_SHUTDOWN] = "shutdown", [DOM_REBOOT] = "reboot",
		[DOM_RESET] = "reset",	   [DOM_PAUSE] = "pause",	[DOM_UNPAUSE] = "unpause"
	};
	struct rundir rd = { 0 };
	char *reply = NULL;
	int r;

	if (open_rundir(conf, &rd, err))
		return -1;
	r = rundir_request(&rd, name, cmds[op], &reply, err);
	free(reply);
	rundir_close(&rd);
	return r;
}

/* Holds a "wait" connection open: the VMM closes it when the domain is gone. */
static int kvm_wait_gone(const struct xlc_conf *conf, const char *name, int timeout)
{
	struct rundir rd = { 0 };
	char *err = NULL;
	int fd, r = -1;
	struct pollfd p;

	if (open_rundir(conf, &rd, &err)) {
		free(err);
		return -1;
	}
	fd = rundir_connect(&rd, name);
	if (fd < 0) {
		r = 0; /* already gone */
		goto out;
	}
	if (write(fd, "wait\n", 5) == 5) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, timeout < 0 ? -1 : timeout * 1000) == 1)
			r = 0;
	}
	close(fd);
out:
	rundir_close(&rd);
	return r;
}

static int kvm_console(const struct xlc_conf *conf, const char *name, int escape)
{
	struct rundir rd = { 0 };
	char *err = NULL;
	int status;

	if (open_rundir(conf, &rd, &err)) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	status = console_attach(&rd, name, escape);
	rundir_close(&rd);
	return status;
}

/* The KVM capabilities xlc relies on or would use, as this host reports them. */
static void print_kvm_caps(FILE *out, int kvm)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_IRQCHIP, "irqchip" },
		{ KVM_CAP_PIT2, "pit2" },
		{ KVM_CAP_USER_MEMORY, "user_memory" },
		{ KVM_CAP_EXT_CPUID, "ext_cpuid" },
		{ KVM_CAP_IMMEDIATE_EXIT, "immediate_exit" },
		{ KVM_CAP_IRQFD, "irqfd" },
		{ KVM_CAP_IOEVENTFD, "ioeventfd" },
		{ KVM_CAP_X2APIC_API, "x2apic_api" },
		{ KVM_CAP_TSC_DEADLINE_TIMER, "tsc_deadline" },
	};
	unsigned i;

	fprintf(out, "%-23s:", "kvm_capabilities");
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (ioctl(kvm, KVM_CHECK_EXTENSION, caps[i].cap) > 0)
			fprintf(out, " %s", caps[i].name);
	fprintf(out, "\n%-23s: %d\n", "kvm_max_vcpus",
		ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
}

static int kvm_host_info(const struct xlc_conf *conf, FILE *out)
{
	struct utsname u;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), api = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	(void)conf;
	uname(&u);
	if (kvm >= 0)
		api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	fprintf(out, "%-23s: %s\n", "host", u.nodename);
	fprintf(out, "%-23s: %s\n", "release", u.release);
	fprintf(out, "%-23s: %s\n", "version", u.version);
	fprintf(out, "%-23s: %s\n", "machine", u.machine);
	fprintf(out, "%-23s: %ld\n", "nr_cpus", cpus);
	fprintf(out, "%-23s: %ld\n", "max_cpu_id", cpus - 1);
	fprintf(out, "%-23s: %ld\n", "total_memory", meminfo_kib("MemTotal:") / 1024);
	fprintf(out, "%-23s: %ld\n", "free_memory", meminfo_kib("MemAvailable:") / 1024);
	fprintf(out, "%-23s: %s\n", "backend", "kvm");
	if (api >= 0) {
		fprintf(out, "%-23s: %d\n", "kvm_api_version", api);
		print_kvm_caps(out, kvm);
	} else {
		fprintf(out, "%-23s: %s\n", "kvm_api_version", "unavailable (no /dev/kvm)");
	}
	if (kvm >= 0)
		close(kvm);
	fprintf(out, "%-23s: %s\n", "xlc_run_dir", conf->run_dir);
	return EXIT_OK;
}

const struct backend_ops kvm_backend = {
	.name = "kvm",
	.honours_xen_only_keys = false,
	.create = kvm_create,
	.list = kvm_list,
	.resolve = kvm_resolve,
	.op = kvm_op,
	.wait_gone = kvm_wait_gone,
	.console = kvm_console,
	.host_info = kvm_host_info,
	.stats = kvm_stats,
};
