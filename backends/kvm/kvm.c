// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: xlc's own VMM over /dev/kvm, one process per guest.
 * `create` turns the config into the VMM's spec (kvm_spec.c), starts the VMM
 * program (xlc-vmm, beside this binary or in ../lib/xlc/) with it, and waits
 * until the guest runs or the VMM says why it cannot. The VMM claims the
 * name and a domain id in the run directory; every other command talks to
 * it over its control socket (ctl.h), and never waits on it for more than
 * CTL_REPLY_TIMEOUT_MS.
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <linux/kvm.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "backends/backend.h"
#include "backends/kvm/cgroup.h"
#include "backends/kvm/ctl.h"
#include "backends/kvm/kvm.h"
#include "backends/kvm/kvm_spec.h"
#include "backends/kvm/rundir.h"
#include "backends/kvm/stats.h"
#include "backends/kvm/kvm_console.h"
#include "console/console.h"
#include "lib/json.h"
#include "lib/safe_dir.h"
#include "lib/util.h"

static int open_rundir(const struct xlc_conf *conf, struct rundir *rd, char **err)
{
	return rundir_open(rd, conf->run_dir, err);
}

/*
 * The VMM program: $XLC_VMM, else xlc-vmm beside this binary (the build
 * tree), else ../lib/xlc/xlc-vmm from it (an installed tree, wherever its
 * prefix is).
 */
static char *vmm_program(void)
{
	const char *env = getenv("XLC_VMM");
	char self[PATH_MAX], *dir, *path;
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return xstrdup("/usr/lib/xlc/xlc-vmm");
	self[n] = '\0';
	dir = dirname(self);
	path = xasprintf("%s/xlc-vmm", dir);
	if (!access(path, X_OK))
		return path;
	free(path);
	return xasprintf("%s/../lib/xlc/xlc-vmm", dir);
}

/* The spec, on a memfd the VMM reads from its start (fd 3). */
static int spec_memfd(const struct vmm_spec *spec)
{
	char *json = vmm_spec_to_json(spec);
	size_t len = strlen(json), done = 0;
	int fd = memfd_create("xlc-vmm-spec", MFD_CLOEXEC);
	ssize_t n = 0;

	while (fd >= 0 && done < len && (n = write(fd, json + done, len - done)) > 0)
		done += (size_t)n;
	free(json);
	if (fd >= 0 && (done < len || lseek(fd, 0, SEEK_SET))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * A clean start: fd 0 /dev/null (or the terminal under -F), 1 and 2 the
 * same, 3 the spec, 4 the ready pipe, 5 a restore's stream; nothing else of ours; default
 * signals; an environment of PATH (vif scripts) and the sanitizers' options.
 */
static pid_t spawn_vmm(const char *program, const struct vmm_spec *spec, int spec_fd, int ready_fd,
		       int restore_fd, char **err)
{
	bool foreground = spec->foreground;
	static const char *const pass[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
					    "XLC_BENCH_FIRST_RUN" };
	/* The name and run directory are for ps (and the tests' clean-up): the spec rules. */
	char *argv[] = { "xlc-vmm", spec->name, spec->run_dir, NULL }, *envp[ARRAY_SIZE(pass) + 2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	unsigned i, k = 0;
	pid_t pid = -1;
	int e, null;

	envp[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (i = 0; i < ARRAY_SIZE(pass); i++)
		if (getenv(pass[i]))
			envp[k++] = xasprintf("%s=%s", pass[i], getenv(pass[i]));
	envp[k] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						(foreground ? 0 : POSIX_SPAWN_SETSID));
	if (!foreground) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
		posix_spawn_file_actions_adddup2(&fa, 0, 1);
		posix_spawn_file_actions_adddup2(&fa, 0, 2);
	}
	posix_spawn_file_actions_adddup2(&fa, spec_fd, 3);
	if (ready_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, ready_fd, 4);
	else if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		posix_spawn_file_actions_adddup2(&fa, null, 4);
	if (restore_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, restore_fd, 5);
	posix_spawn_file_actions_addclosefrom_np(&fa, restore_fd >= 0 ? 6 : 5);
	e = posix_spawn(&pid, program, &fa, &attr, argv, envp);
	if (e) {
		*err = xasprintf("cannot start the VMM %s: %s%s", program, strerror(e),
				 e == ENOENT ? " (build it with make, or set XLC_VMM)" : "");
		pid = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	for (i = 1; i < k; i++)
		free(envp[i]);
	return pid;
}

/*
 * Waits for the VMM's one line, "ok" or its reason for failing, at most
 * READY_TIMEOUT_S (vif scripts and disk locks included): the line ends the
 * wait, not the pipe's end, which a process the VMM forked may still hold.
 */
#define READY_TIMEOUT_S 300

static int kvm_list(const struct xlc_conf *conf, bool with_config, struct domain_info **out, int *n,
		    char **err);

/*
 * The running guest with a disk that is the file st names: its VMM's own
 * record of its devices (a cdrom's medium changes), not the config.
 */
static const char *disk_user(const struct domain_info *d, int n, const struct stat *st, int *domid)
{
	const char *devices_path[] = { CTL_KEY_DEVICES, NULL },
		   *dev_path[] = { CTL_KEY_DEV_PATH, NULL };
	const char *found = NULL;
	int i;

	for (i = 0; i < n && !found; i++) {
		yajl_val info = d[i].json ? yajl_tree_parse(d[i].json, NULL, 0) : NULL;
		yajl_val devs = yajl_tree_get(info, devices_path, yajl_t_array);
		size_t j;

		for (j = 0; devs && j < YAJL_GET_ARRAY(devs)->len && !found; j++) {
			yajl_val p = yajl_tree_get(YAJL_GET_ARRAY(devs)->values[j], dev_path,
						   yajl_t_string);
			const char *target = p && *YAJL_GET_STRING(p) ? YAJL_GET_STRING(p) : NULL;
			struct stat other;

			if (target && !stat(target, &other) && other.st_dev == st->st_dev &&
			    other.st_ino == st->st_ino) {
				found = d[i].name;
				*domid = d[i].domid;
			}
		}
		yajl_tree_free(info);
	}
	return found;
}

/*
 * "disk X is in use by another guest (locked...)": the lock says only that,
 * so the guest is found among the running ones by its disks, and named.
 * True if the message was said that way.
 */
static bool name_lock_holder(const struct xlc_conf *conf, const char *name, const char *msg)
{
	static const char marker[] = " is in use by another guest ";
	const char *at = strstr(msg, marker), *holder;
	struct domain_info *d = NULL;
	char *path, *err = NULL;
	struct stat st;
	int n = 0, domid = -1;
	bool said = false;

	if (strncmp(msg, "disk ", 5) || !at)
		return false;
	path = xstrndup(msg + 5, (size_t)(at - msg - 5));
	if (!stat(path, &st) && !kvm_list(conf, false, &d, &n, &err)) {
		holder = disk_user(d, n, &st, &domid);
		if (holder) {
			xlc_warn("%s: disk %s is in use by guest %s (id %d) %s", name, path, holder,
				 domid, at + strlen(marker));
			said = true;
		}
	}
	domain_info_free(d, n);
	free(err);
	free(path);
	return said;
}

static int wait_ready(int fd, pid_t pid, const char *name, const struct xlc_conf *conf,
		      long long extra_s)
{
	long long deadline = mono_ms() + (READY_TIMEOUT_S + extra_s) * 1000LL;
	char buf[1024];
	size_t len = 0;
	ssize_t n = 1;

	while (len < sizeof(buf) - 1 && n != 0 && !memchr(buf, '\n', len)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - mono_ms();

		if (left <= 0 || (poll(&p, 1, (int)left) == 0)) {
			close(fd);
			/* The VMM we started, and what it started (a vif script): its session. */
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			xlc_warn("%s: the VMM did not report within %lld s; see its log", name,
				 READY_TIMEOUT_S + extra_s);
			return -1;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (n > 0)
			len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	if (!strncmp(buf, "ok\n", 3))
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	waitpid(pid, NULL, 0); /* it has removed its socket and id before exiting */
	if (!strncmp(buf, "error ", 6) && name_lock_holder(conf, name, buf + 6))
		return -1;
	xlc_warn("%s: %s", name,
		 !strncmp(buf, "error ", 6) ? buf + 6 : "the VMM died while starting; see its log");
	return -1;
}

/* create -F: the VMM runs in the foreground, its console this terminal. */
static int run_foreground(pid_t pid)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int status = 0;

	/* ^C reaches the VMM too, which destroys the guest; we wait for it. */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
}

/*
 * create -F on a terminal: the console as `console` gives it (typed input
 * reaches the guest, ^] ends the relay), then, -F's promise, xlc stays until
 * the guest has ended.
 */
static int foreground_console(struct rundir *rd, pid_t pid, int ready_fd, const char *name)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int;
	char buf[16];
	ssize_t n;
	int status;

	/* The VMM has said its error on this terminal already: only wait for it. */
	n = read(ready_fd, buf, sizeof(buf) - 1);
	close(ready_fd);
	if (n < 3 || strncmp(buf, "ok\n", 3)) {
		run_foreground(pid);
		return EXIT_FAIL;
	}
	sigaction(SIGINT, &ign, &old_int); /* raw mode sends ^C to the guest; this is for after */
	console_attach(rd, name, CONSOLE_DEFAULT_ESCAPE);
	sigaction(SIGINT, &old_int, NULL);
	if (waitpid(pid, &status, WNOHANG) == 0)
		fprintf(stderr,
			"%s: console detached; %s runs on and this create -F waits for it "
			"to end ('%s destroy %s' ends it)\n",
			xlc_progname, name, xlc_progname, name);
	else
		return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
	return run_foreground(pid);
}

/* The folders the VMM will use, checked here so that a mistake is said at once. */
static int check_dirs(const struct xlc_conf *conf, struct rundir *rd, char **err)
{
	char *console = xasprintf("%s/console", conf->log_dir);
	int r = open_rundir(conf, rd, err) ||
		safe_dir(conf->log_dir, 0755, "the log directory", err) ||
		safe_dir(console, 0755, "the console log directory", err);

	free(console);
	return r ? -1 : 0;
}

int kvm_launch(const struct vmm_spec *spec, const struct create_opts *opts,
	       const struct xlc_conf *conf, int restore_fd)
{
	struct rundir rd = { .lock_fd = -1 };
	int ready[2] = { -1, -1 }, status = EXIT_FAIL, spec_fd = -1;
	char *err = NULL, *program = vmm_program();
	pid_t pid;

	if (check_dirs(conf, &rd, &err)) {
		xlc_warn("%s", err);
		goto out;
	}
	spec_fd = spec_memfd(spec);
	if (spec_fd < 0 || ((!opts->foreground || spec->console_tty) && pipe2(ready, O_CLOEXEC))) {
		xlc_warn("cannot hand the VMM its spec: %s", strerror(errno));
		goto out;
	}
	/* Above the fds the child is given, so that none is overwritten before it is moved. */
	if (restore_fd >= 0 && (restore_fd = fcntl(restore_fd, F_DUPFD_CLOEXEC, 10)) < 0) {
		xlc_warn("cannot hand the VMM the save file: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = spawn_vmm(program, spec, spec_fd, ready[1], restore_fd, &err);
	if (restore_fd >= 0)
		close(restore_fd);
	if (ready[1] >= 0)
		close(ready[1]);
	if (pid < 0) {
		xlc_warn("%s", err);
		goto out;
	}
	if (opts->foreground) {
		status = spec->console_tty ? foreground_console(&rd, pid, ready[0], spec->name)
					   : run_foreground(pid);
		ready[0] = -1;
		goto out;
	}
	/* A restore's memory comes first: 10 s more per GiB, as the VMM allows itself. */
	status = wait_ready(ready[0], pid, spec->name, conf,
			    restore_fd >= 0 ? (long long)spec->maxmem_mib / 100 : 0);
	ready[0] = -1;
	if (status)
		goto out;
	status = opts->console ? console_attach(&rd, spec->name, CONSOLE_DEFAULT_ESCAPE) : EXIT_OK;
out:
	if (ready[0] >= 0)
		close(ready[0]);
	if (spec_fd >= 0)
		close(spec_fd);
	free(program);
	free(err);
	rundir_close(&rd);
	return status ? EXIT_FAIL : EXIT_OK;
}

static int kvm_create(const struct domain_config *config, const struct create_opts *opts,
		      const struct xlc_conf *conf)
{
	char *err = NULL;
	struct vmm_spec *spec = kvm_spec_from_config(config, opts, conf, &err);
	int status;

	if (!spec) {
		xlc_warn("%s: %s", config->name, err);
		free(err);
		return EXIT_FAIL;
	}
	status = kvm_launch(spec, opts, conf, -1);
	vmm_spec_free(spec);
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
	if (!strcmp(state, CTL_STATE_RUNNING))
		out[blocked ? 1 : 0] = blocked ? 'b' : 'r';
	else if (!strcmp(state, CTL_STATE_PAUSED))
		out[2] = 'p';
	else if (!strcmp(state, CTL_STATE_SHUTDOWN)) {
		out[3] = 's';
		out[4] = !strcmp(reason, "reboot") ? 'r' : !strcmp(reason, "crash") ? 'c' : '-';
	}
}

static int parse_info(const char *json, struct domain_info *d)
{
	char errbuf[128];
	yajl_val v = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	const char *cfg_path[] = { CTL_KEY_CONFIG, NULL };
	yajl_val cfg;

	if (!v)
		return -1;
	d->domid = (int)jint(v, CTL_KEY_DOMID);
	d->name = xstrdup(jstr(v, CTL_KEY_NAME));
	d->pid = (long)jint(v, CTL_KEY_PID);
	state_letters(jstr(v, CTL_KEY_STATE), jstr(v, CTL_KEY_SHUTDOWN_REASON),
		      jint(v, CTL_KEY_BLOCKED) != 0, d->state);
	d->memory_mib = (long)jint(v, CTL_KEY_MEMORY_MIB);
	d->maxmem_mib = (long)jint(v, CTL_KEY_MAXMEM_MIB);
	d->vcpus = (int)jint(v, CTL_KEY_VCPUS);
	d->max_vcpus = (int)jint(v, CTL_KEY_MAX_VCPUS);
	d->cpu_time = (double)jint(v, CTL_KEY_CPU_TIME_NS) / 1e9;
	d->start_time = jint(v, CTL_KEY_START_TIME);
	d->boots = (unsigned)jint(v, CTL_KEY_BOOTS);
	d->json = xstrdup(json);
	cfg = yajl_tree_get(v, cfg_path, yajl_t_object);
	if (cfg)
		d->config = json_value_to_string(cfg);
	yajl_tree_free(v);
	return 0;
}

/*
 * A domain whose VMM did not answer in time: listed with what the run
 * directory knows, its state "??????" ("unresponsive" in --json), so that
 * a stopped or hung VMM is seen and can be destroyed.
 */
static void unresponsive(struct rundir *rd, const struct rundir_entry *e, const char *reply,
			 struct domain_info *d)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	memset(d, 0, sizeof(*d));
	d->domid = e->domid;
	d->name = xstrdup(e->name);
	d->pid = rundir_get_pid(rd, e->name);
	memcpy(d->state, "??????", 7);
	yajl_gen_map_open(g);
	json_key_int(g, CTL_KEY_DOMID, d->domid);
	json_key_str(g, CTL_KEY_NAME, d->name);
	json_key_int(g, CTL_KEY_PID, d->pid);
	json_key_str(g, CTL_KEY_STATE, CTL_STATE_UNRESPONSIVE);
	yajl_gen_map_close(g);
	d->json = json_gen_finish(g);
	if (reply)
		xlc_warn("domain %s (id %d): its VMM says: %.*s", d->name, d->domid,
			 (int)strcspn(reply + 6, "\n"), reply + 6);
	else
		xlc_warn("domain %s (id %d): its VMM (pid %ld) does not answer; it may be stopped "
			 "or hung",
			 d->name, d->domid, d->pid);
}

/* Every domain's record, asked of all VMMs at once: a silent one costs one timeout, not one each.
 */
static int kvm_list(const struct xlc_conf *conf, bool with_config, struct domain_info **out, int *n,
		    char **err)
{
	struct rundir rd = { 0 };
	struct rundir_entry *e;
	const char **names;
	char **replies;
	int ne, i, *status;

	(void)with_config; /* each VMM's info carries its config anyway */
	*out = NULL;
	*n = 0;
	if (open_rundir(conf, &rd, err))
		return -1;
	ne = rundir_list(&rd, &e);
	names = xcalloc((size_t)ne + 1, sizeof(*names));
	replies = xcalloc((size_t)ne + 1, sizeof(*replies));
	status = xcalloc((size_t)ne + 1, sizeof(*status));
	for (i = 0; i < ne; i++)
		names[i] = e[i].name;
	rundir_exchange(&rd, names, ne, ctl_command_name(CTL_INFO), CTL_REPLY_TIMEOUT_MS, replies,
			status);
	*out = xcalloc((size_t)ne + 1, sizeof(**out));
	for (i = 0; i < ne; i++) {
		/* A guest that ends between the scan and the query just drops out. */
		if (status[i] == RUNDIR_SILENT)
			unresponsive(&rd, &e[i], NULL, &(*out)[(*n)++]);
		else if (status[i] == RUNDIR_OK && !strncmp(replies[i], "error ", 6))
			unresponsive(&rd, &e[i], replies[i], &(*out)[(*n)++]);
		else if (status[i] == RUNDIR_OK && parse_info(replies[i], &(*out)[*n]) == 0)
			(*n)++;
		free(replies[i]);
	}
	free(names);
	free(replies);
	free(status);
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

/*
 * destroy of a VMM that does not answer: SIGKILL to the process that holds
 * the name (its guest process dies with it), then the run directory's ghost
 * is cleaned. Never longer than the kill takes.
 */
static int kill_silent(struct rundir *rd, const char *name, char **err)
{
	pid_t pid = rundir_get_pid(rd, name);
	int pidfd = pid > 0 ? pidfd_open(pid, 0) : -1;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0 || pidfd_send_signal(pidfd, SIGKILL, NULL, 0)) {
		if (pidfd >= 0)
			close(pidfd);
		return -1;
	}
	poll(&p, 1, 2 * CTL_REPLY_TIMEOUT_MS);
	close(pidfd);
	rundir_lock(rd);
	rundir_clean(rd);
	rundir_unlock(rd);
	free(*err);
	*err = NULL;
	return 0;
}

static int kvm_op(const struct xlc_conf *conf, const char *name, enum domain_op op, char **err)
{
	static const enum ctl_command cmds[] = {
		[DOM_DESTROY] = CTL_DESTROY, [DOM_SHUTDOWN] = CTL_SHUTDOWN,
		[DOM_REBOOT] = CTL_REBOOT,   [DOM_RESET] = CTL_RESET,
		[DOM_PAUSE] = CTL_PAUSE,     [DOM_UNPAUSE] = CTL_UNPAUSE,
	};
	struct rundir rd = { 0 };
	char *reply = NULL;
	int r;

	if (open_rundir(conf, &rd, err))
		return -1;
	r = rundir_request(&rd, name, ctl_command_name(cmds[op]), &reply, err);
	/* A VMM that cannot take the request (silent, swamped) is ended by force. */
	if (r && r != RUNDIR_GONE && op == DOM_DESTROY)
		r = kill_silent(&rd, name, err);
	free(reply);
	rundir_close(&rd);
	return r ? -1 : 0;
}

/* One request to a domain's VMM; its reply (if reply) is the caller's. */
int kvm_request(const struct xlc_conf *conf, const char *name, const char *line, char **reply,
		char **err)
{
	struct rundir rd = { 0 };
	char *text = NULL;
	int r;

	if (open_rundir(conf, &rd, err))
		return -1;
	r = rundir_request(&rd, name, line, &text, err);
	rundir_close(&rd);
	if (reply && !r)
		*reply = text;
	else
		free(text);
	return r ? -1 : 0;
}

static int kvm_set_memory(const struct xlc_conf *conf, const char *name, uint64_t kib, bool max,
			  char **err)
{
	char *line = xasprintf("%s %llu", ctl_command_name(max ? CTL_MEM_MAX : CTL_MEM_SET),
			       (unsigned long long)kib);
	int r = kvm_request(conf, name, line, NULL, err);

	free(line);
	return r;
}

/*
 * vcpu-set: the VMM adds or removes vCPUs through ACPI CPU hotplug, and the
 * guest onlines or offlines them. More vCPUs than the host has CPUs is
 * refused, as by xl, unless -i.
 */
static int kvm_set_vcpus(const struct xlc_conf *conf, const char *name, unsigned n, bool check_host,
			 char **err)
{
	struct domain_info d = { 0 };
	long host = sysconf(_SC_NPROCESSORS_ONLN);
	char *line, *reply = NULL;
	int r;

	if (kvm_request(conf, name, ctl_command_name(CTL_INFO), &reply, err))
		return -1;
	r = parse_info(reply, &d);
	free(reply);
	if (r) {
		*err = xasprintf("%s's VMM gave an unreadable info record", name);
		return -1;
	}
	domain_info_free_one(&d);
	if (check_host && n > (unsigned)d.vcpus && host > 0 && n > (unsigned long)host) {
		/* xl's words, its spelling included: scripts match them. */
		*err = xasprintf("You are overcommmitting! You have %ld physical CPUs and want %u "
				 "vCPUs! Aborting, use --ignore-host to continue",
				 host, n);
		return -1;
	}
	line = xasprintf("%s %u", ctl_command_name(CTL_VCPU_SET), n);
	r = kvm_request(conf, name, line, NULL, err);
	free(line);
	return r;
}

/*
 * cd-insert / cd-eject: the VMM opens and locks the new medium, and the
 * guest sees a config change of the drive (virtio-blk's capacity).
 */
static int kvm_cd_change(const struct xlc_conf *conf, const char *name, const struct disk_spec *cd,
			 char **err)
{
	char *path = NULL, *line;
	int r;

	/* cd-insert's spec names no format: the image is read as it is (raw). */
	if (cd->target && *cd->target) {
		path = realpath(cd->target, NULL);
		if (!path) {
			*err = xasprintf("%s: %s", cd->target, strerror(errno));
			return -1;
		}
	}
	line = path ? xasprintf("%s %s %s", ctl_command_name(CTL_MEDIUM), cd->vdev, path)
		    : xasprintf("%s %s", ctl_command_name(CTL_MEDIUM), cd->vdev);
	free(path);
	if (strlen(line) + 2 > CTL_LINE_MAX /* the VMM takes the newline too */) {
		*err = xstrdup("the medium's path is too long for the kvm backend");
		free(line);
		return -1;
	}
	r = kvm_request(conf, name, line, NULL, err);
	free(line);
	return r;
}

/* The soft affinity is Xen's scheduler's: on kvm it is refused unless left alone. */
static int kvm_vcpu_pin(const struct xlc_conf *conf, const char *name, int vcpu, const char *hard,
			const char *soft, char **err)
{
	char *line, which[16] = "all";
	int r;

	if (soft && strcmp(soft, "all")) {
		*err = xstrdup("soft affinity is Xen's scheduler's; on kvm give '-' for it");
		return -1;
	}
	if (!hard)
		return 0;
	if (vcpu >= 0)
		snprintf(which, sizeof(which), "%d", vcpu);
	line = xasprintf("%s %s %s", ctl_command_name(CTL_VCPU_PIN), which, hard);
	if (strlen(line) + 2 > CTL_LINE_MAX /* the VMM takes the newline too */) {
		*err = xasprintf("the CPU list %s is too long for the kvm backend", hard);
		free(line);
		return -1;
	}
	r = kvm_request(conf, name, line, NULL, err);
	free(line);
	return r;
}

static int kvm_rename(const struct xlc_conf *conf, const char *name, const char *new_name,
		      char **err)
{
	char *line;
	int r;

	if (!rundir_name_ok(new_name)) {
		*err = xasprintf("'%s' is not a name for a domain", new_name);
		return -1;
	}
	line = xasprintf("%s %s", ctl_command_name(CTL_RENAME), new_name);
	r = kvm_request(conf, name, line, NULL, err);
	free(line);
	return r;
}

/* Holds a "wait" connection open: the VMM closes it when the domain is gone. */
int kvm_wait_gone(const struct xlc_conf *conf, const char *name, int timeout)
{
	struct rundir rd = { 0 };
	long long deadline = timeout < 0 ? -1 : (long long)time(NULL) + timeout;
	char *err = NULL, buf[64];
	int fd, r = -1;
	struct pollfd p;

	if (open_rundir(conf, &rd, &err)) {
		free(err);
		return -1;
	}
	/* A VMM too busy to accept is retried: only one that is gone has ended. */
	while ((fd = rundir_connect(&rd, name)) == RUNDIR_SILENT &&
	       (deadline < 0 || time(NULL) < deadline))
		usleep(100000);
	if (fd == RUNDIR_GONE) {
		r = 0;
		goto out;
	}
	if (fd >= 0 && send(fd, "wait\n", 5, MSG_NOSIGNAL) == 5) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		while (poll(&p, 1, timeout < 0 ? -1 : timeout * 1000) == 1) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n == 0 || (n < 0 && errno != EAGAIN)) {
				r = 0;
				break;
			}
		}
	}
	if (fd >= 0)
		close(fd);
out:
	rundir_close(&rd);
	return r;
}

/*
 * The VMM answers a "wait" with "shutdown <code>" lines when the guest shuts
 * down, and closes the connection when the domain is gone.
 */
struct domain_watch {
	int fd;
};

static void kvm_watch_free(struct domain_watch *w)
{
	close(w->fd);
	free(w);
}

static struct domain_watch *kvm_watch(const struct xlc_conf *conf, const char *name, char **err)
{
	struct rundir rd = { 0 };
	struct domain_watch *w;
	int fd, tries = 0;

	if (open_rundir(conf, &rd, err))
		return NULL;
	/* A full backlog clears in moments; a VMM silent for 10 s is stopped or hung. */
	while ((fd = rundir_connect(&rd, name)) == RUNDIR_SILENT && ++tries < 100)
		usleep(100000);
	rundir_close(&rd);
	if (fd == RUNDIR_SILENT)
		*err = xasprintf("domain %s's VMM does not answer (it may be stopped or hung); "
				 "not waiting for it",
				 name);
	if (fd < 0)
		return NULL;
	if (send(fd, "wait\n", 5, MSG_NOSIGNAL) != 5) {
		close(fd);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	return w;
}

static int kvm_watch_wait(struct domain_watch *w, bool until_gone,
			  void (*on_shutdown)(int reason, void *arg), void *arg, int *reason)
{
	char buf[256];
	size_t len = 0;

	*reason = -1;
	if (!w)
		return 0; /* gone before it was watched */
	for (;;) {
		struct pollfd p = { .fd = w->fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		n = read(w->fd, buf + len, sizeof(buf) - 1 - len);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break; /* gone */
		if (n < 0)
			continue;
		len += (size_t)n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			int code = -1;

			*nl = '\0';
			if (sscanf(buf, "shutdown %d", &code) == 1) {
				*reason = code;
				if (!until_gone)
					goto done;
				if (on_shutdown)
					on_shutdown(code, arg);
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			len = 0; /* not a line of the protocol: dropped */
	}
done:
	close(w->fd);
	free(w);
	return 0;
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

/* What confines each guest's VMM on this host (man xlc, SECURITY). */
static void print_confinement(FILE *out, const struct xlc_conf *conf)
{
	char *why = NULL, *root = cgroup_v2_root(&why);
	bool root_user = geteuid() == 0;

	fprintf(out, "%-23s: ", "vmm_confinement");
	if (root_user)
		fprintf(out, "uid %u+domid, no capabilities, empty root (mount namespace), ",
			(unsigned)conf->vmm_uid_base);
	fprintf(out, "no_new_privs, rlimits, seccomp (%s)\n", conf->vmm_seccomp);
	if (root && root_user && conf->vmm_cgroup && *conf->vmm_cgroup)
		fprintf(out, "%-23s: %s/%s (memory.max = RAM + %llu MiB, pids.max)\n", "vmm_cgroup",
			root, conf->vmm_cgroup, (unsigned long long)conf->vmm_memory_overhead_mib);
	else
		fprintf(out, "%-23s: none (%s)\n", "vmm_cgroup",
			!root	     ? why
			: !root_user ? "not root"
				     : "vmm_cgroup is empty in xlc.conf");
	free(root);
	free(why);
}

/* The host's topology and CPU, in xl info's terms (xl_info.c's physinfo lines). */
struct host_topology {
	long cpus, nodes, threads_per_core, cores_per_socket;
	unsigned cpu_khz;
	uint32_t hw_caps[8];
};

static long count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) &&
		    e->d_name[strlen(prefix)] >= '0' && e->d_name[strlen(prefix)] <= '9')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* A CPU list file ("0-1,4") as a count. */
static long cpus_in(const char *path)
{
	char *text = read_file(path, NULL), *p = text;
	long n = 0, a, b;

	while (p && *p) {
		a = strtol(p, &p, 10);
		b = *p == '-' ? strtol(p + 1, &p, 10) : a;
		n += b - a + 1;
		if (*p != ',')
			break;
		p++;
	}
	free(text);
	return n;
}

/* Xen's words: 1.EDX, 8000_0001.EDX, two Xen-defined (0), 1.ECX, VIA (0), 8000_0001.ECX, 7.EBX. */
static void read_hw_caps(uint32_t caps[8])
{
	unsigned a, b, c, d;

	memset(caps, 0, 8 * sizeof(caps[0]));
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		caps[0] = d;
		caps[4] = c;
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
		caps[1] = d;
		caps[6] = c;
	}
	if (__get_cpuid_max(0, NULL) >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		caps[7] = b;
	}
}

static void read_topology(struct host_topology *t)
{
	char *info = read_file("/proc/cpuinfo", NULL), *p;
	long per_socket;

	t->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	t->nodes = count_entries("/sys/devices/system/node", "node");
	if (t->nodes < 1)
		t->nodes = 1;
	t->threads_per_core = cpus_in("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
	per_socket = cpus_in("/sys/devices/system/cpu/cpu0/topology/core_siblings_list");
	if (t->threads_per_core < 1)
		t->threads_per_core = 1;
	t->cores_per_socket =
		per_socket >= t->threads_per_core ? per_socket / t->threads_per_core : 1;
	p = info ? strstr(info, "cpu MHz") : NULL;
	if (p && (p = strchr(p, ':')))
		t->cpu_khz = (unsigned)(strtod(p + 1, NULL) * 1000.0 + 0.5);
	free(info);
	read_hw_caps(t->hw_caps);
}

#define INFO(key, fmt, ...) fprintf(out, "%-23s: " fmt "\n", key, __VA_ARGS__)

static int kvm_host_info(const struct xlc_conf *conf, FILE *out)
{
	struct utsname u;
	struct host_topology t = { 0 };
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), api = -1;
	const uint32_t *c = t.hw_caps;

	uname(&u);
	read_topology(&t);
	if (kvm >= 0)
		api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	/* xl's lines, in xl's order and formats (scripts such as Ganeti parse them). */
	INFO("host", "%s", u.nodename);
	INFO("release", "%s", u.release);
	INFO("version", "%s", u.version);
	INFO("machine", "%s", u.machine);
	INFO("nr_cpus", "%ld", t.cpus);
	INFO("max_cpu_id", "%ld", t.cpus - 1);
	INFO("nr_nodes", "%ld", t.nodes);
	INFO("cores_per_socket", "%ld", t.cores_per_socket);
	INFO("threads_per_core", "%ld", t.threads_per_core);
	INFO("cpu_mhz", "%u.%03u", t.cpu_khz / 1000, t.cpu_khz % 1000);
	INFO("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", c[0], c[1], c[2], c[3], c[4],
	     c[5], c[6], c[7]);
	fprintf(out, "%-23s:%s\n", "virt_caps", api >= 0 ? " hvm" : "");
	INFO("total_memory", "%ld", meminfo_kib("MemTotal:") / 1024);
	INFO("free_memory", "%ld", meminfo_kib("MemAvailable:") / 1024);
	INFO("sharing_freed_memory", "%d", 0);
	INFO("sharing_used_memory", "%d", 0);
	INFO("outstanding_claims", "%d", 0);
	INFO("free_cpus", "%ld", t.cpus);
	INFO("xend_config_format", "%d", 4);
	/* xlc's own. */
	INFO("backend", "%s", "kvm");
	if (api >= 0) {
		INFO("kvm_api_version", "%d", api);
		print_kvm_caps(out, kvm);
	} else {
		INFO("kvm_api_version", "%s", "unavailable (no /dev/kvm)");
	}
	if (kvm >= 0)
		close(kvm);
	INFO("xlc_run_dir", "%s", conf->run_dir);
	print_confinement(out, conf);
	return EXIT_OK;
}

const struct backend_ops kvm_backend = {
	.name = "kvm",
	.honours_xen_only_keys = false,
	.size_defaults = &kvm_size_defaults,
	.create = kvm_create,
	.save = kvm_save,
	.restore = kvm_restore,
	.migrate_send = kvm_migrate_send,
	.migrate_receive = kvm_migrate_receive,
	.list = kvm_list,
	.resolve = kvm_resolve,
	.op = kvm_op,
	.rename = kvm_rename,
	.set_memory = kvm_set_memory,
	.vcpu_pin = kvm_vcpu_pin,
	.device_list = kvm_device_list,
	.set_vcpus = kvm_set_vcpus,
	.cd_change = kvm_cd_change,
	.wait_gone = kvm_wait_gone,
	.watch = kvm_watch,
	.watch_wait = kvm_watch_wait,
	.watch_free = kvm_watch_free,
	.console = kvm_console,
	.host_info = kvm_host_info,
	.stats = kvm_stats,
};
