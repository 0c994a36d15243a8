// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor's side of the control protocol (ctl.h). No client can stall
 * it: sockets are non-blocking, a client has CTL_CLIENT_TIMEOUT_MS to send
 * its line, at most MAX_CLIENTS are served at once, and a request that needs
 * the guest process is answered within GUEST_REPLY_TIMEOUT_MS whatever that
 * process does.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kvm/vmm/supervisor.h"
#include "parsers/cpulist.h"
#include "lib/util.h"

static void reply(int fd, const char *text)
{
	if (send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* the client is gone, or not reading: it loses the answer */
	}
}

void control_drop(struct supervisor *sv, int i)
{
	if (sv->clients[i].fd >= 0)
		close(sv->clients[i].fd);
	if (sv->clients[i].passed_fd >= 0)
		close(sv->clients[i].passed_fd);
	sv->clients[i] = sv->clients[--sv->nclients];
}

void control_accept(struct supervisor *sv)
{
	int fd = accept4(sv->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (sv->nclients == MAX_CLIENTS) {
		reply(fd, "error too many clients; try again\n");
		close(fd);
		return;
	}
	sv->clients[sv->nclients++] = (struct client){
		.fd = fd,
		.deadline = now_ms() + CTL_CLIENT_TIMEOUT_MS,
		.passed_fd = -1,
	};
}

static bool guest_running(struct supervisor *sv, struct client *c)
{
	if (sv->boot.pid && sv->boot.ready)
		return true;
	reply(c->fd, sv->state == ST_SHUTDOWN
			     ? "error the guest is shut down (preserved); destroy it\n"
			     : "error the guest is between boots; try again\n");
	return false;
}

static const enum guest_msg_type to_guest[CTL_NCOMMANDS] = {
	[CTL_SHUTDOWN] = GUEST_POWER_BUTTON, [CTL_REBOOT] = GUEST_CTRL_ALT_DEL,
	[CTL_RESET] = GUEST_RESET,	     [CTL_PAUSE] = GUEST_PAUSE,
	[CTL_UNPAUSE] = GUEST_UNPAUSE,	     [CTL_DEBUG_SYSCALL] = GUEST_FORBIDDEN_SYSCALL,
};

static void reply_error(int fd, char *msg)
{
	char *line = xasprintf("error %s\n", msg);

	reply(fd, line);
	free(line);
	free(msg);
}

/*
 * A change that the guest process must take too: refused while one is
 * starting (it was built from the old values and is not listening yet).
 * Between boots or preserved there is none: the next boot takes the change.
 */
static bool guest_starting(struct supervisor *sv, struct client *c)
{
	if (!sv->boot.pid || sv->boot.ready)
		return false;
	reply(c->fd, "error the guest is starting; try again\n");
	return true;
}

/*
 * Sends a request on to the guest process (with a size and an fd, or 0 and
 * -1); the client waits for its answer, within GUEST_REPLY_TIMEOUT_MS.
 * Returns true: the client's connection stays open.
 */
static bool forward(struct supervisor *sv, struct client *c, enum ctl_command cmd,
		    enum guest_msg_type type, int32_t arg, uint64_t size, int fd)
{
	c->seq = sv_send_guest(sv, type, arg, size, fd);
	if (!c->seq) {
		reply(c->fd, "error the VMM's guest process does not answer\n");
		return false;
	}
	c->awaiting = true;
	c->cmd = cmd;
	c->deadline = now_ms() + GUEST_REPLY_TIMEOUT_MS;
	return true;
}

/* A size in KiB from the client: digits only, 1 KiB up to the machine's RAM. */
static bool parse_kib(const char *arg, uint64_t *kib)
{
	char *end;

	if (!arg || *arg < '0' || *arg > '9')
		return false;
	errno = 0;
	*kib = strtoull(arg, &end, 10);
	return !errno && !*end && *kib > 0;
}

/*
 * mem-max: the ceiling of mem-set. The machine's RAM (maxmem at boot) is the
 * most it can be: a KVM guest cannot grow past the memory it booted with.
 */
static void mem_max(struct supervisor *sv, struct client *c, const char *arg)
{
	uint64_t kib, ram_kib = sv->spec->maxmem_mib << 10;

	if (!parse_kib(arg, &kib))
		return reply_error(c->fd, xstrdup("mem-max needs a size in KiB"));
	if (kib > ram_kib)
		return reply_error(
			c->fd,
			xasprintf("%llu MiB is more than the guest's RAM (%llu MiB, its maxmem "
				  "at boot); a KVM guest cannot grow past it",
				  (unsigned long long)(kib >> 10),
				  (unsigned long long)(ram_kib >> 10)));
	sv->max_kib = kib;
	reply(c->fd, "ok\n");
}

/*
 * mem-set: the balloon's new target, which the guest follows when its
 * driver does. Kept for the next boot too, as Xen keeps a domain's target.
 */
static bool mem_set(struct supervisor *sv, struct client *c, const char *arg)
{
	uint64_t kib;

	if (!parse_kib(arg, &kib)) {
		reply_error(c->fd, xstrdup("mem-set needs a size in KiB"));
		return false;
	}
	if (guest_starting(sv, c))
		return false;
	if (kib > sv->max_kib) {
		reply_error(c->fd, xasprintf("%llu MiB is more than the domain's maximum, %llu MiB "
					     "(mem-max)",
					     (unsigned long long)(kib >> 10),
					     (unsigned long long)(sv->max_kib >> 10)));
		return false;
	}
	sv->target_kib = kib;
	if (!sv->boot.pid || !sv->boot.ready) {
		reply(c->fd, "ok\n"); /* between boots or preserved: the next boot takes it */
		return false;
	}
	return forward(sv, c, CTL_MEM_SET, GUEST_BALLOON, (int32_t)sv_balloon_pages(sv), 0, -1);
}

/*
 * vcpu-set N: vCPUs 0..N-1 present, the others removed (ACPI CPU hotplug:
 * the guest onlines what comes and offlines what goes). Kept for the next
 * boot too, as libxl keeps a domain's online vCPUs.
 */
static bool vcpu_set(struct supervisor *sv, struct client *c, const char *arg)
{
	unsigned long n;
	char *end;

	if (!arg || *arg < '0' || *arg > '9' || (n = strtoul(arg, &end, 10), *end)) {
		reply_error(c->fd, xstrdup("vcpu-set needs a number of vCPUs"));
		return false;
	}
	if (n < 1 || n > (unsigned long)sv->spec->max_vcpus) {
		reply_error(c->fd, xasprintf("%s has 1 to %d vCPUs (its maxvcpus), not %s",
					     sv->spec->name, sv->spec->max_vcpus, arg));
		return false;
	}
	if (guest_starting(sv, c))
		return false;
	sv->spec->vcpus = (int)n;
	if (!sv->boot.pid || !sv->boot.ready) {
		reply(c->fd, "ok\n"); /* between boots or preserved: the next boot takes it */
		return false;
	}
	return forward(sv, c, CTL_VCPU_SET, GUEST_VCPUS, (int32_t)n, 0, -1);
}

/*
 * medium VDEV [PATH]: a cdrom drive's new medium, or none. The image is
 * opened and locked here; the guest process gets its fd and tells the
 * guest (a config change). Kept for the next boot too.
 */
static bool change_medium(struct supervisor *sv, struct client *c, const char *arg)
{
	const char *path = arg ? strchr(arg, ' ') : NULL;
	size_t len = path ? (size_t)(path - arg) : arg ? strlen(arg) : 0;
	struct vmm_disk *d = NULL;
	char *err = NULL;
	unsigned i;

	for (i = 0; arg && i < sv->spec->ndisks; i++)
		if (strlen(sv->spec->disks[i].vdev) == len &&
		    !strncmp(sv->spec->disks[i].vdev, arg, len))
			d = &sv->spec->disks[i];
	if (!d) {
		reply_error(c->fd, xasprintf("%.*s: %s has no such disk", (int)len, arg ? arg : "",
					     sv->spec->name));
		return false;
	}
	if (!d->cdrom) {
		reply_error(c->fd, xasprintf("%s is not a cdrom drive (devtype=cdrom): its medium "
					     "cannot change",
					     d->vdev));
		return false;
	}
	path = path ? path + 1 : NULL;
	if (path && *path != '/') {
		reply_error(c->fd, xstrdup("medium needs an absolute path"));
		return false;
	}
	if (guest_starting(sv, c))
		return false;
	i = (unsigned)(d - sv->spec->disks);
	if (host_change_medium(&sv->host, i, path, &err)) {
		reply_error(c->fd, err);
		return false;
	}
	free(d->path);
	d->path = path ? xstrdup(path) : NULL;
	if (!sv->boot.pid || !sv->boot.ready) {
		reply(c->fd, "ok\n"); /* between boots or preserved: the next boot takes it */
		return false;
	}
	return forward(sv, c, CTL_MEDIUM, GUEST_MEDIUM, (int32_t)i, sv->host.disks[i].bytes,
		       sv->host.disks[i].fd);
}

/*
 * Pins one vCPU thread. Its tid comes from the shared page, which the guest
 * process writes: it is used only if /proc says it is a thread of that
 * process, so a hostile guest cannot have another host thread pinned.
 */
static int pin_thread(const struct supervisor *sv, unsigned vcpu, const cpu_set_t *set)
{
	pid_t tid = atomic_load(&sv->shared->vcpu_tid[vcpu]);
	char path[64];
	struct stat st;

	if (!sv->boot.pid || tid <= 0)
		return 0; /* not started (or between boots): the next boot takes the pin */
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)sv->boot.pid, (int)tid);
	if (stat(path, &st))
		return -1;
	return sched_setaffinity(tid, sizeof(*set), set);
}

/* The spec's pin of a vCPU (what vcpu-list shows and the next boot applies). */
static void set_pin(struct vmm_pin *pin, const char *list, const struct cpumap *map)
{
	unsigned c;

	free(pin->text);
	free(pin->cpus);
	*pin = (struct vmm_pin){ 0 };
	if (!strcmp(list, "all"))
		return; /* unpinned, as a vCPU of a config without cpus= */
	pin->text = xstrdup(list);
	pin->cpus = xcalloc(map->nbits + 1, sizeof(*pin->cpus));
	for (c = 0; c < map->nbits; c++)
		if (cpumap_test(map, c))
			pin->cpus[pin->ncpus++] = (uint16_t)c;
}

/* vcpu-pin N|all LIST: the hard affinity of one vCPU or all of them. */
static void pin_vcpus(struct supervisor *sv, struct client *c, const char *arg)
{
	const char *list = arg ? strchr(arg, ' ') : NULL;
	unsigned first, last, v, cpu;
	char vcpu[16], *err = NULL;
	struct cpumap map;
	cpu_set_t set;

	/* The list is the rest of the line, however long: never cut short. */
	if (!list || !list[1] || (size_t)(list - arg) >= sizeof(vcpu))
		return reply_error(c->fd, xstrdup("vcpu-pin needs a vCPU and a CPU list"));
	memcpy(vcpu, arg, (size_t)(list - arg));
	vcpu[list - arg] = '\0';
	list++;
	if (!strcmp(vcpu, "all")) {
		first = 0;
		last = (unsigned)sv->spec->max_vcpus - 1;
	} else if (sscanf(vcpu, "%u", &first) == 1 && first < (unsigned)sv->spec->max_vcpus) {
		last = first;
	} else {
		return reply_error(c->fd, xasprintf("vCPU %s does not exist: the domain has %d",
						    vcpu, sv->spec->max_vcpus));
	}
	cpumap_init_host(&map);
	if (!cpulist_parse(list, &map, &err)) {
		cpumap_free(&map);
		return reply_error(c->fd, err);
	}
	CPU_ZERO(&set);
	for (cpu = 0; cpu < map.nbits && cpu < CPU_SETSIZE; cpu++)
		if (cpumap_test(&map, cpu))
			CPU_SET(cpu, &set);
	for (v = first; v <= last; v++) {
		if (pin_thread(sv, v, &set)) {
			cpumap_free(&map);
			return reply_error(c->fd,
					   errno == EINVAL
						   ? xasprintf("vCPU %u: none of the CPUs %s is "
							       "online on this host",
							       v, list)
						   : xasprintf("vCPU %u: cannot pin it: %s", v,
							       strerror(errno)));
		}
		set_pin(&sv->spec->pins[v], list, &map);
	}
	cpumap_free(&map);
	reply(c->fd, "ok\n");
}

static void save_done(struct supervisor *sv, int result);

/*
 * The fd a save writes to: a pipe or socket the VMM cannot block on (it
 * gives up on one that takes nothing for SNAP_STALL_MS): a reader that
 * never reads must not freeze the guest for ever. Not a file: the guest
 * process may write no file larger than its largest disk (RLIMIT_FSIZE).
 */
static const char *unfit_stream(int fd)
{
	struct stat st;
	int flags = fcntl(fd, F_GETFL);

	if (fstat(fd, &st) || flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
		return "the stream's fd cannot be written";
	if ((S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) && (flags & O_NONBLOCK))
		return NULL;
	return "the stream's fd must be a non-blocking pipe or socket";
}

/*
 * save MODE, with the stream's fd: the guest process writes the machine's
 * state there. What follows (save_done()) is the supervisor's to apply,
 * whether or not the client is still there to hear it; one save at a time.
 */
static bool save(struct supervisor *sv, struct client *c, const char *arg)
{
	static const char *const modes[] = { [GUEST_SAVE_STOPS] = CTL_SAVE_STOP,
					     [GUEST_SAVE_PAUSES] = CTL_SAVE_PAUSE,
					     [GUEST_SAVE_RUNS] = CTL_SAVE_RUN,
					     [GUEST_SAVE_HANDS_OVER] = CTL_SAVE_HANDOVER };
	const char *unfit;
	unsigned mode;
	bool ok;

	for (mode = 0; mode < ARRAY_SIZE(modes); mode++)
		if (arg && !strcmp(arg, modes[mode]))
			break;
	if (mode == ARRAY_SIZE(modes) || c->passed_fd < 0) {
		reply(c->fd,
		      "error save needs stop, pause, run or handover, and the stream's fd\n");
		return false;
	}
	unfit = unfit_stream(c->passed_fd);
	if (unfit) {
		reply_error(c->fd, xstrdup(unfit));
		return false;
	}
	if (sv->save_seq) {
		reply(c->fd,
		      "error a save of this guest is under way; try again when it is done\n");
		return false;
	}
	if (!guest_running(sv, c))
		return false;
	sv->save_after = (enum guest_save_after)mode;
	/*
	 * A migration's target opens the images as the stream starts, and takes
	 * them once their locks go: from here on. It writes nothing before the
	 * source has stopped and said go; a failed save takes them back.
	 */
	if (sv->save_after == GUEST_SAVE_HANDS_OVER)
		host_unlock_disks(&sv->host, sv->spec);
	ok = forward(sv, c, CTL_SAVE, GUEST_SAVE, (int32_t)mode, 0, c->passed_fd);
	close(c->passed_fd); /* the guest process has it, or nobody will write it */
	c->passed_fd = -1;
	if (!ok) {
		save_done(sv, -1);
		return false;
	}
	sv->save_seq = c->seq;
	c->deadline = now_ms() + CTL_SAVE_TIMEOUT_MS;
	return true;
}

/* Runs one command; returns true if the client's connection stays open. */
static bool command(struct supervisor *sv, struct client *c, enum ctl_command cmd, const char *arg)
{
	char *json, *err = NULL;

	switch (cmd) {
	case CTL_INFO:
		json = sv_info_json(sv);
		reply(c->fd, json);
		free(json);
		return false;
	case CTL_WAIT:
		c->waiter = true;
		return true;
	case CTL_DESTROY:
		sv_destroy(sv);
		reply(c->fd, "ok\n");
		return false;
	case CTL_CONSOLE:
		if (sv->console_fd >= 0) {
			reply(c->fd, "error the console is already attached elsewhere\n");
			return false;
		}
		reply(c->fd, "ok\n");
		sv_console_attach(sv, c->fd);
		c->fd = -1; /* now the console's */
		return false;
	case CTL_RENAME:
		if (!arg || sv_rename(sv, arg, &err)) {
			reply_error(c->fd, err ? err : xstrdup("rename needs a new name"));
		} else {
			reply(c->fd, "ok\n");
		}
		return false;
	case CTL_MEM_MAX:
		mem_max(sv, c, arg);
		return false;
	case CTL_MEM_SET:
		return mem_set(sv, c, arg);
	case CTL_VCPU_PIN:
		pin_vcpus(sv, c, arg);
		return false;
	case CTL_VCPU_SET:
		return vcpu_set(sv, c, arg);
	case CTL_MEDIUM:
		return change_medium(sv, c, arg);
	case CTL_SPEC: { /* as it runs now: renamed, perhaps */
		char *start_name = sv->spec->name;

		sv->spec->name = (char *)sv->name;
		json = vmm_spec_to_json(sv->spec);
		sv->spec->name = start_name;
		reply(c->fd, json);
		free(json);
		return false;
	}
	case CTL_SAVE:
		return save(sv, c, arg);
	case CTL_RELOCK:
		if (host_relock_disks(&sv->host, sv->spec, &err))
			reply_error(c->fd, err);
		else
			reply(c->fd, "ok\n");
		return false;
	case CTL_DEBUG_SYSCALL:
		if (!sv->spec->limits.test_hooks) {
			reply(c->fd, "error unknown command\n");
			return false;
		}
		/* fall through */
	case CTL_SHUTDOWN:
	case CTL_REBOOT:
	case CTL_RESET:
	case CTL_PAUSE:
	case CTL_UNPAUSE:
		if (!guest_running(sv, c))
			return false;
		return forward(sv, c, cmd, to_guest[cmd], 0, 0, -1);
	default:
		reply(c->fd, "error unknown command\n");
		return false;
	}
}

/* A line: printable bytes up to a newline, within CTL_LINE_MAX. */
static bool line_ok(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return false;
	return true;
}

/* Keeps the first fd a client sends (save's stream); closes every other. */
static void take_fds(struct client *c, struct msghdr *msg)
{
	struct cmsghdr *cm;
	size_t n, k;
	int fd;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < n; k++) {
			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			if (c->passed_fd < 0)
				c->passed_fd = fd;
			else
				close(fd);
		}
	}
}

/*
 * Reads what the client sent, and the fd it may come with. Room for a few:
 * the kernel installs every fd that fits, and those are closed here; a
 * message with more than fit (MSG_CTRUNC) is refused.
 */
static ssize_t receive(struct client *c)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = c->line + c->len,
			     .iov_len = sizeof(c->line) - 1 - c->len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);

	if (n < 0)
		return n;
	take_fds(c, &msg);
	if (msg.msg_flags & MSG_CTRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

void control_readable(struct supervisor *sv, int i)
{
	struct client *c = &sv->clients[i];
	ssize_t n = receive(c);
	enum ctl_command cmd;
	const char *arg;
	char *nl;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		control_drop(sv, i);
		return;
	}
	if (n < 0 || c->waiter || c->awaiting)
		return; /* nothing more is read from these */
	c->len += (size_t)n;
	c->line[c->len] = '\0';
	nl = memchr(c->line, '\n', c->len);
	if (!nl) {
		if (c->len == sizeof(c->line) - 1 || !line_ok(c->line, c->len)) {
			reply(c->fd, "error not a command line\n");
			control_drop(sv, i);
		}
		return;
	}
	*nl = '\0';
	if (!line_ok(c->line, (size_t)(nl - c->line))) {
		reply(c->fd, "error not a command line\n");
		control_drop(sv, i);
		return;
	}
	cmd = ctl_command_parse(c->line, &arg); /* before arg is read */
	if (!command(sv, c, cmd, arg))
		control_drop(sv, i);
}

/* The oldest request sent to the guest process; -1 if none. */
static int oldest_awaiting(const struct supervisor *sv)
{
	int i, best = -1;

	for (i = 0; i < sv->nclients; i++)
		if (sv->clients[i].awaiting &&
		    (best < 0 || sv->clients[i].deadline < sv->clients[best].deadline))
			best = i;
	return best;
}

/*
 * A save's end (result 0: written): the guest ends, stays paused or runs on
 * as its mode says; a failed handover takes the disk images back (if nobody
 * took them meanwhile: then the guest stays paused, and the log says why).
 */
static void save_done(struct supervisor *sv, int result)
{
	enum guest_save_after after = sv->save_after;
	char *err = NULL;

	sv->save_seq = 0;
	if (result) {
		if (after == GUEST_SAVE_HANDS_OVER &&
		    host_relock_disks(&sv->host, sv->spec, &err)) {
			sv_log(sv, "xlc-vmm: %s: after a failed migration: %s\n", sv->name, err);
			free(err);
		}
		return;
	}
	sv_log(sv, "xlc-vmm: %s: saved (%s)\n", sv->name,
	       after == GUEST_SAVE_HANDS_OVER ? "handed over: paused, its disks unlocked"
	       : after == GUEST_SAVE_STOPS    ? "the guest ends"
	       : after == GUEST_SAVE_PAUSES   ? "the guest stays paused"
					      : "the guest runs on");
	if (after == GUEST_SAVE_STOPS)
		sv_destroy(sv);
	else if (after != GUEST_SAVE_RUNS)
		sv->state = ST_PAUSED;
}

static void answer(struct supervisor *sv, int i, int result, const char *why)
{
	struct client *c = &sv->clients[i];

	if (!result) {
		if (c->cmd == CTL_PAUSE)
			sv->state = ST_PAUSED;
		else if (c->cmd == CTL_UNPAUSE)
			sv->state = ST_RUNNING;
		reply(c->fd, "ok\n");
	} else if (c->cmd == CTL_SAVE) {
		reply_error(c->fd, xasprintf("the save failed, and the guest runs on as before: %s",
					     why && *why ? why : "see the VMM log"));
	} else if (c->cmd == CTL_REBOOT) {
		reply(c->fd, "error the guest has no keyboard driver to take Ctrl-Alt-Del; "
			     "reboot -F resets it\n");
	} else {
		reply(c->fd, "error the guest process refused\n");
	}
	control_drop(sv, i);
}

void control_guest_done(struct supervisor *sv, uint32_t seq, int result, const char *why)
{
	int i;

	if (sv->save_seq && seq == sv->save_seq)
		save_done(sv, result);

	for (i = 0; i < sv->nclients; i++) {
		if (sv->clients[i].awaiting && sv->clients[i].seq == seq) {
			answer(sv, i, result, why);
			return;
		}
	}
}

void control_guest_gone(struct supervisor *sv)
{
	int i;

	if (sv->save_seq)
		save_done(sv, -1);

	while ((i = oldest_awaiting(sv)) >= 0) {
		reply(sv->clients[i].fd,
		      sv->clients[i].cmd == CTL_SAVE
			      ? "error the guest ended while it was being saved\n"
		      : sv->clients[i].cmd == CTL_PAUSE || sv->clients[i].cmd == CTL_UNPAUSE
			      ? "error the guest ended\n"
			      : "ok\n");
		control_drop(sv, i);
	}
}

void control_timeouts(struct supervisor *sv, long long now)
{
	int i;

	for (i = sv->nclients - 1; i >= 0; i--) {
		struct client *c = &sv->clients[i];

		if (c->waiter || c->deadline > now)
			continue;
		if (c->awaiting)
			reply(c->fd, "error the VMM's guest process does not answer\n");
		control_drop(sv, i);
	}
}

void control_shut_down(struct supervisor *sv, int code)
{
	char line[32];
	int i;

	snprintf(line, sizeof(line), "shutdown %d\n", code);
	for (i = 0; i < sv->nclients; i++)
		if (sv->clients[i].waiter)
			reply(sv->clients[i].fd, line);
}

void control_drop_clients(struct supervisor *sv, bool waiters)
{
	int i;

	for (i = sv->nclients - 1; i >= 0; i--)
		if (sv->clients[i].waiter == waiters)
			control_drop(sv, i);
}

long long control_next_deadline(const struct supervisor *sv)
{
	long long next = -1;
	int i;

	for (i = 0; i < sv->nclients; i++)
		if (!sv->clients[i].waiter && (next < 0 || sv->clients[i].deadline < next))
			next = sv->clients[i].deadline;
	return next;
}
