// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/supervisor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm/vmm/sandbox.h"
#include "lib/json.h"
#include "lib/safe_dir.h"
#include "lib/util.h"

static const char *const reason_names[] = {
	[VM_RUNNING] = "",    [VM_POWEROFF] = "poweroff", [VM_REBOOT] = "reboot",
	[VM_CRASH] = "crash", [VM_DESTROY] = "destroy",
};

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sv_log(struct supervisor *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logfile_vprintf(&sv->log, fmt, ap);
	va_end(ap);
}

static void report_ready(struct supervisor *sv, const char *err)
{
	char *msg;

	if (err)
		sv_log(sv, "xlc-vmm: %s: %s\n", sv->name, err);
	if (sv->ready_fd < 0)
		return;
	msg = err ? xasprintf("error %s\n", err) : xstrdup("ok\n");
	if (write(sv->ready_fd, msg, strlen(msg)) < 0) {
		/* the creator is gone; nothing to tell */
	}
	free(msg);
	close(sv->ready_fd);
	sv->ready_fd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the guest's output: its console and its log lines ---- */

/* Keeps the newest CONSOLE_BACKLOG_BYTES of output while no client is attached. */
static void backlog_append(struct supervisor *sv, const char *buf, size_t n)
{
	size_t keep;

	if (n > sizeof(sv->backlog)) { /* only its newest bytes can be kept */
		buf += n - sizeof(sv->backlog);
		n = sizeof(sv->backlog);
	}
	keep = sv->backlog_len;
	if (keep > sizeof(sv->backlog) - n)
		keep = sizeof(sv->backlog) - n;
	memmove(sv->backlog, sv->backlog + sv->backlog_len - keep, keep);
	memcpy(sv->backlog + keep, buf, n);
	sv->backlog_len = keep + n;
}

void sv_console_attach(struct supervisor *sv, int fd)
{
	if (sv->backlog_len &&
	    send(fd, sv->backlog, sv->backlog_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* a client that cannot take it loses it, as it would lose live output */
	}
	sv->backlog_len = 0;
	sv->console_fd = fd;
}

static void console_output(struct supervisor *sv)
{
	char buf[16384];
	ssize_t n = read(sv->boot.console_out_fd, buf, sizeof(buf));

	if (n <= 0)
		return;
	logfile_write(&sv->console_log, buf, (size_t)n);
	if (sv->console_fd < 0)
		backlog_append(sv, buf, (size_t)n);
	/* Non-blocking: a slow console client loses output, the guest never waits. */
	if (sv->console_fd >= 0 &&
	    send(sv->console_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN) {
		/* the client went away; the main loop notices */
	}
}

/* The guest process's stderr, as text fit for a log: control bytes become '?'. */
static void guest_log_lines(struct supervisor *sv)
{
	char buf[4096];
	ssize_t n = read(sv->boot.log_fd, buf, sizeof(buf)), i;

	for (i = 0; i < n; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\t') ||
		    buf[i] == 0x7f)
			buf[i] = '?';
	if (n > 0)
		logfile_write(&sv->log, buf, (size_t)n);
}

/* ---- one boot ---- */

static void boot_close(struct boot *b)
{
	close_fd(&b->pidfd);
	close_fd(&b->link_fd);
	close_fd(&b->console_out_fd);
	close_fd(&b->console_in_fd);
	close_fd(&b->log_fd);
	b->pid = 0;
}

static int make_pipes(int link[2], int out[2], int in[2], int log[2])
{
	link[0] = link[1] = out[0] = out[1] = in[0] = in[1] = log[0] = log[1] = -1;
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, link) ||
	       pipe2(out, O_CLOEXEC | O_NONBLOCK) || pipe2(in, O_CLOEXEC | O_NONBLOCK) ||
	       pipe2(log, O_CLOEXEC | O_NONBLOCK);
}

static void close_pair(int p[2])
{
	close_fd(&p[0]);
	close_fd(&p[1]);
}

/* Forks the guest process; 0 with sv->boot set, or -1 with *err. */
static int fork_guest(struct supervisor *sv, bool paused, char **err)
{
	int link[2], out[2], in[2], log[2];
	struct guest_boot gb;
	pid_t pid;

	if (make_pipes(link, out, in, log)) {
		*err = xasprintf("cannot make the guest process's pipes: %s", strerror(errno));
		goto fail;
	}
	memset(sv->shared, 0, sizeof(*sv->shared));
	gb = (struct guest_boot){
		.spec = sv->spec,
		.host = &sv->host,
		.domid = sv->domid,
		.paused = paused,
		.balloon_pages = sv_balloon_pages(sv),
		.shared = sv->shared,
		.link_fd = link[1],
		.console_out_fd = out[1],
		.console_in_fd = in[0],
		.log_fd = log[1],
		.empty_root_at = sv->spec->run_dir,
		.restore_fd = sv->boots ? -1 : sv->restore_fd,
	};
	pid = fork();
	if (pid == 0)
		guest_main(&gb);
	if (pid < 0) {
		*err = xasprintf("cannot start the guest process: %s", strerror(errno));
		goto fail;
	}
	sv->boot = (struct boot){
		.pid = pid,
		.pidfd = pidfd_open(pid, 0),
		.link_fd = link[0],
		.console_out_fd = out[0],
		.console_in_fd = in[1],
		.log_fd = log[0],
		.ended = VM_RUNNING,
	};
	close(link[1]);
	close(out[1]);
	close(in[0]);
	close(log[1]);
	return 0;
fail:
	close_pair(link);
	close_pair(out);
	close_pair(in);
	close_pair(log);
	return -1;
}

static bool valid_msg(const struct guest_msg *m)
{
	return m->type >= GUEST_READY && m->type <= GUEST_DONE;
}

/* Text from the guest process: printable, and ends within the buffer. */
static void clean_text(struct guest_msg *m)
{
	size_t i;

	m->text[GUEST_TEXT_MAX - 1] = '\0';
	for (i = 0; m->text[i]; i++)
		if ((unsigned char)m->text[i] < 0x20 || m->text[i] == 0x7f)
			m->text[i] = '?';
}

/* Reads one message; false if the link is closed or the message is not one. */
static bool read_msg(struct supervisor *sv, struct guest_msg *m)
{
	ssize_t n = recv(sv->boot.link_fd, m, sizeof(*m), MSG_DONTWAIT);

	if (n != sizeof(*m) || !valid_msg(m))
		return false;
	clean_text(m);
	return true;
}

/* Waits for the new guest process's READY; -1 with *err if it failed or died. */
static int await_ready(struct supervisor *sv, char **err)
{
	/* A restore reads the guest's memory first: 10 s more per GiB (100 MiB/s). */
	long long deadline = now_ms() + GUEST_START_TIMEOUT_MS +
			     (sv->restore_fd >= 0 ? (long long)sv->spec->maxmem_mib * 10 : 0);
	struct guest_msg m;

	for (;;) {
		struct pollfd p[2] = { { .fd = sv->boot.link_fd, .events = POLLIN },
				       { .fd = sv->boot.log_fd, .events = POLLIN } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			*err = xstrdup("the guest process did not start in time");
			return -1;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			continue;
		if (p[1].revents & POLLIN)
			guest_log_lines(sv);
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (!read_msg(sv, &m)) {
			*err = xstrdup("the guest process died while starting; see the VMM log");
			return -1;
		}
		if (m.type == GUEST_FAILED) {
			*err = xstrdup(m.text);
			return -1;
		}
		if (m.type == GUEST_READY) {
			sv->boot.ready = true;
			sv->boot.flags = m.arg;
			return 0;
		}
	}
}

/* Ends a guest process that is not needed any more, and reaps it. */
static void kill_guest(struct supervisor *sv)
{
	if (!sv->boot.pid)
		return;
	pidfd_send_signal(sv->boot.pidfd, SIGKILL, NULL, 0);
	waitpid(sv->boot.pid, NULL, 0);
	boot_close(&sv->boot);
}

/* bootloader = "pygrub": this boot's kernel, as libxl runs pygrub before each build. */
static int read_boot_disk(struct supervisor *sv, char **err)
{
	if (host_read_boot_disk(&sv->host, sv->spec, sv->domid, err))
		return -1;
	sv_log(sv, "xlc-vmm: %s: bootloader: %s\n", sv->name, sv->host.boot_what);
	return 0;
}

/*
 * This boot's kernel: none for a restore (the stream holds the guest's
 * memory, its kernel in it), the disk's for a bootloader, else the file.
 */
static int prepare_kernel(struct supervisor *sv, bool restoring, char **err)
{
	if (restoring)
		return 0;
	if (sv->spec->bootloader)
		return read_boot_disk(sv, err);
	return host_open_kernel(&sv->host, sv->spec, err);
}

static void note_tap_counters(struct supervisor *sv);

static int boot(struct supervisor *sv)
{
	bool first = sv->boots == 0;
	bool paused = first && sv->spec->paused;
	char *err = NULL;
	int r = -1;

	if (!prepare_kernel(sv, first && sv->restore_fd >= 0, &err)) {
		host_vhost_open(&sv->host, sv->spec);
		r = fork_guest(sv, paused, &err);
		host_vhost_close(&sv->host); /* the guest process has them */
		if (!r)
			note_tap_counters(sv);
	}
	r = r || await_ready(sv, &err);
	close_fd(&sv->restore_fd); /* a restore is the first boot; the next ones boot afresh */
	if (r) {
		kill_guest(sv);
		if (first)
			report_ready(sv, err);
		else
			sv_log(sv, "xlc-vmm: %s: %s\n", sv->name, err);
		free(err);
		return -1;
	}
	if (sv->spec->bootloader) { /* the guest has its copy; the next boot reads the disk again */
		close_fd(&sv->host.kernel_fd);
		close_fd(&sv->host.initrd_fd);
	}
	sv->boots++;
	sv->start_time = time(NULL);
	sv->state = paused ? ST_PAUSED : ST_RUNNING;
	if (first)
		report_ready(sv, NULL);
	return 0;
}

uint32_t sv_balloon_pages(const struct supervisor *sv)
{
	uint64_t ram_kib = sv->spec->maxmem_mib << 10;

	return sv->target_kib < ram_kib ? (uint32_t)((ram_kib - sv->target_kib) / 4) : 0;
}

uint32_t sv_send_guest(struct supervisor *sv, enum guest_msg_type type, int32_t arg, uint64_t size,
		       int fd)
{
	static uint32_t seq;
	struct guest_msg m = { .type = type, .arg = arg, .size = size };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (!sv->boot.pid || !sv->boot.ready)
		return 0;
	m.seq = ++seq ? seq : ++seq;
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sv->boot.link_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) != sizeof(m))
		return 0;
	return m.seq;
}

/* destroy: the guest process is killed at once; nothing waits for its I/O. */
void sv_destroy(struct supervisor *sv)
{
	if (!sv->boot.pid) {
		sv->quit = true;
		return;
	}
	sv->boot.killed = true;
	pidfd_send_signal(sv->boot.pidfd, SIGKILL, NULL, 0);
}

static void set_comm(const char *name)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "xlc-%s", name);
	prctl(PR_SET_NAME, comm);
}

/* The name inside the config list -l prints (c_info.name). */
static void rename_config(struct supervisor *sv, const char *new_name)
{
	const char *path[] = { "c_info", "name", NULL };
	yajl_val root =
		sv->spec->config_json ? yajl_tree_parse(sv->spec->config_json, NULL, 0) : NULL;
	yajl_val v = root ? yajl_tree_get(root, path, yajl_t_string) : NULL;

	if (v) {
		free(v->u.string);
		v->u.string = xstrdup(new_name);
		free(sv->spec->config_json);
		sv->spec->config_json = json_value_to_string(root);
	}
	yajl_tree_free(root);
}

int sv_rename(struct supervisor *sv, const char *new_name, char **err)
{
	if (rundir_rename(&sv->rd, sv->name, new_name, sv->domid, err))
		return -1;
	sv_log(sv, "xlc-vmm: %s: renamed to %s\n", sv->name, new_name);
	free(sv->name_buf);
	sv->name_buf = xstrdup(new_name);
	sv->name = sv->name_buf;
	set_comm(sv->name);
	rename_config(sv, new_name);
	return 0;
}

/* ---- a boot ended ---- */

static uint64_t rusage_ns(const struct rusage *ru)
{
	return (uint64_t)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000ULL +
	       (uint64_t)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000ULL;
}

/* Why a guest process that did not say the guest ended is gone. */
static char *death_reason(const struct supervisor *sv, int status)
{
	if (WIFEXITED(status))
		return xasprintf("the VMM's guest process exited with status %d",
				 WEXITSTATUS(status));
	if (WTERMSIG(status) == SIGSYS)
		return xstrdup("the VMM's guest process was killed by SIGSYS: a system call "
			       "outside its seccomp allow-list");
	if (WTERMSIG(status) == SIGKILL && sv->host.cgroup)
		return xasprintf(
			"the VMM's guest process was killed (SIGKILL): see %s/memory.events "
			"for the memory limit",
			sv->host.cgroup);
	return xasprintf("the VMM's guest process died of signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
}

/* Reaps the guest process; returns why the guest ended. */
static int reap(struct supervisor *sv)
{
	struct rusage ru = { 0 };
	int status = 0, why;
	struct guest_msg m;

	while (read_msg(sv, &m)) /* a GUEST_ENDED that came with the exit */
		if (m.type == GUEST_ENDED && m.arg > VM_RUNNING && m.arg <= VM_DESTROY)
			sv->boot.ended = m.arg;
	while (wait4(sv->boot.pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	sv->ended_cpu_ns = rusage_ns(&ru);
	console_output(sv);
	guest_log_lines(sv);
	free(sv->crash_reason);
	sv->crash_reason = NULL;
	if (sv->boot.killed) {
		why = VM_DESTROY;
	} else if (sv->boot.ended != VM_RUNNING && WIFEXITED(status) && !WEXITSTATUS(status)) {
		why = sv->boot.ended;
	} else {
		why = VM_CRASH;
		sv->crash_reason = death_reason(sv, status);
		sv_log(sv, "xlc-vmm: %s: %s\n", sv->name, sv->crash_reason);
	}
	boot_close(&sv->boot);
	control_guest_gone(sv);
	return why;
}

static enum vmm_action action_for(const struct vmm_spec *s, int why)
{
	return why == VM_POWEROFF ? s->on_poweroff
	       : why == VM_REBOOT ? s->on_reboot
	       : why == VM_CRASH  ? s->on_crash
				  : VMM_ACTION_DESTROY;
}

bool keep_renamed(struct supervisor *sv, int code);

/* The reason code xl's shutdown -w prints: Xen's 0 poweroff, 1 reboot, 3 crash. */
static int xen_reason_code(int why)
{
	return why == VM_POWEROFF ? 0 : why == VM_REBOOT ? 1 : 3;
}

/*
 * A restart is a new domain to anyone watching, as on Xen: a new id, Time(s)
 * from zero, and the watchers of the old one told it shut down, then gone.
 */
static void restart(struct supervisor *sv, int why, bool kept)
{
	int domid = rundir_renew_id(&sv->rd, sv->name, sv->domid);

	if (domid < 0)
		sv_log(sv, "xlc-vmm: %s: no new domain id (%s); it keeps %d\n", sv->name,
		       strerror(errno), sv->domid);
	else
		sv->domid = domid;
	if (boot(sv))
		sv->quit = true;
	if (!kept) {
		control_shut_down(sv, xen_reason_code(why));
		control_drop_clients(sv, true);
	}
}

static void guest_ended(struct supervisor *sv)
{
	int why = reap(sv);
	enum vmm_action act = action_for(sv->spec, why);

	sv->last_reason = why;
	sv_log(sv, "xlc-vmm: %s: the guest ended (%s); action: %s\n", sv->name, reason_names[why],
	       vmm_action_name(act));
	if (why == VM_DESTROY) {
		sv->quit = true;
		return;
	}
	switch (act) {
	case VMM_ACTION_RENAME_RESTART:
		restart(sv, why, keep_renamed(sv, xen_reason_code(why)));
		return;
	case VMM_ACTION_RESTART:
		restart(sv, why, false);
		return;
	case VMM_ACTION_PRESERVE:
		sv->state = ST_SHUTDOWN; /* kept in `xlc list` until destroyed */
		control_shut_down(sv, xen_reason_code(why));
		return;
	default: /* told once the domain is gone from the run directory */
		sv->final_code = xen_reason_code(why);
		sv->quit = true;
	}
}

/* ---- the loop ---- */

static void console_input(struct supervisor *sv)
{
	char buf[512];
	ssize_t n = read(sv->console_fd, buf, sizeof(buf));

	if (n <= 0) {
		close_fd(&sv->console_fd);
		return;
	}
	if (sv->boot.pid && write(sv->boot.console_in_fd, buf, (size_t)n) < 0) {
		/* the guest's input is full: typing faster than it reads loses keys */
	}
}

static void link_readable(struct supervisor *sv)
{
	struct guest_msg m;

	while (sv->boot.pid && read_msg(sv, &m)) {
		if (m.type == GUEST_ENDED && m.arg > VM_RUNNING && m.arg <= VM_DESTROY)
			sv->boot.ended = m.arg;
		else if (m.type == GUEST_DONE)
			control_guest_done(sv, m.seq, m.arg, m.text);
	}
}

static void signal_received(struct supervisor *sv)
{
	struct signalfd_siginfo si;

	if (read(sv->signal_fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		logfile_reopen(&sv->log);
		logfile_reopen(&sv->console_log);
	} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
		sv_destroy(sv);
	}
}

enum { PF_LISTEN, PF_SIGNAL, PF_GUEST, PF_LINK, PF_CONSOLE_OUT, PF_LOG, PF_CONSOLE, PF_CLIENTS };

static int poll_timeout(const struct supervisor *sv)
{
	long long next = control_next_deadline(sv), left;

	if (next < 0)
		return -1;
	left = next - now_ms();
	return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

static void loop(struct supervisor *sv)
{
	struct pollfd fds[PF_CLIENTS + MAX_CLIENTS];
	int i, n;

	while (!sv->quit) {
		fds[PF_LISTEN] = (struct pollfd){ .fd = sv->listen_fd, .events = POLLIN };
		fds[PF_SIGNAL] = (struct pollfd){ .fd = sv->signal_fd, .events = POLLIN };
		fds[PF_GUEST] = (struct pollfd){ .fd = sv->boot.pid ? sv->boot.pidfd : -1,
						 .events = POLLIN };
		fds[PF_LINK] = (struct pollfd){ .fd = sv->boot.pid ? sv->boot.link_fd : -1,
						.events = POLLIN };
		fds[PF_CONSOLE_OUT] =
			(struct pollfd){ .fd = sv->boot.pid ? sv->boot.console_out_fd : -1,
					 .events = POLLIN };
		fds[PF_LOG] = (struct pollfd){ .fd = sv->boot.pid ? sv->boot.log_fd : -1,
					       .events = POLLIN };
		fds[PF_CONSOLE] = (struct pollfd){ .fd = sv->console_fd, .events = POLLIN };
		n = sv->nclients;
		for (i = 0; i < n; i++)
			fds[PF_CLIENTS + i] =
				(struct pollfd){ .fd = sv->clients[i].fd, .events = POLLIN };
		if (poll(fds, (nfds_t)(PF_CLIENTS + n), poll_timeout(sv)) < 0 && errno != EINTR)
			break;
		if (fds[PF_SIGNAL].revents)
			signal_received(sv);
		if (fds[PF_CONSOLE_OUT].revents)
			console_output(sv);
		if (fds[PF_LOG].revents)
			guest_log_lines(sv);
		if (fds[PF_LINK].revents)
			link_readable(sv);
		if (fds[PF_GUEST].revents && sv->boot.pid)
			guest_ended(sv);
		if (fds[PF_CONSOLE].revents && sv->console_fd >= 0)
			console_input(sv);
		for (i = n - 1; i >= 0; i--)
			if (fds[PF_CLIENTS + i].revents && i < sv->nclients)
				control_readable(sv, i);
		control_timeouts(sv, now_ms());
		if (fds[PF_LISTEN].revents)
			control_accept(sv);
	}
}

/* ---- info ---- */

/* What /proc says of one vCPU thread of the guest process. */
struct vcpu_facts {
	uint64_t ns;
	int host_cpu;
	char sched; /* R running, S sleeping (HLT), ... */
};

/* The thread must be the guest process's own: its tid comes from the shared page. */
static void read_vcpu(pid_t pid, int tid, struct vcpu_facts *f)
{
	char path[64], *stat, *p, *save = NULL, *tok;
	int field = 3;

	*f = (struct vcpu_facts){ .host_cpu = -1, .sched = '?' };
	if (!pid || tid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, tid);
	stat = read_file(path, NULL);
	if (stat)
		f->ns = strtoull(stat, NULL, 10);
	free(stat);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	stat = read_file(path, NULL);
	p = stat ? strrchr(stat, ')') : NULL;
	/* After "pid (comm)": field 3 is the state, field 39 the last CPU. */
	for (tok = p ? strtok_r(p + 1, " ", &save) : NULL; tok;
	     tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 3)
			f->sched = tok[0];
		if (field == 39) {
			f->host_cpu = atoi(tok);
			break;
		}
	}
	free(stat);
}

static const char *state_name(const struct supervisor *sv)
{
	return sv->state == ST_PAUSED	  ? CTL_STATE_PAUSED
	       : sv->state == ST_SHUTDOWN ? CTL_STATE_SHUTDOWN
					  : CTL_STATE_RUNNING;
}

static uint64_t gen_vcpus(yajl_gen g, const struct supervisor *sv)
{
	int i, n = sv->boot.pid ? sv->spec->max_vcpus : 0;
	bool running = sv->state == ST_RUNNING, blocked = running && n > 0;
	struct json_vcpu *v = xcalloc((size_t)n + 1, sizeof(*v));
	uint64_t total = 0;

	for (i = 0; i < n; i++) {
		struct vcpu_facts f;

		read_vcpu(sv->boot.pid, atomic_load(&sv->shared->vcpu_tid[i]), &f);
		blocked = blocked && f.sched == 'S';
		total += f.ns;
		v[i] = (struct json_vcpu){ .time_ns = (long long)f.ns,
					   .host_cpu = f.host_cpu,
					   .running = running && f.sched == 'R',
					   .affinity = sv->spec->pins[i].text
							       ? sv->spec->pins[i].text
							       : "all" };
	}
	json_key_int(g, CTL_KEY_BLOCKED, blocked); /* every vCPU halted: xl's "b" */
	json_vcpu_arrays(g, v, n);
	free(v);
	return total;
}

/* Slot order: disks, NICs, the entropy device, the balloon. */
static unsigned balloon_slot(const struct vmm_spec *s)
{
	return s->ndisks + s->nnics + 1;
}

/*
 * Memory as xl shows it: what the guest has now (its RAM less the pages its
 * balloon holds), mem-set's target, and mem-max's ceiling.
 */
static void gen_memory(yajl_gen g, const struct supervisor *sv)
{
	const struct virtio_stats *b = &sv->shared->dev[balloon_slot(sv->spec)];
	uint64_t held = sv->boot.pid ? atomic_load(&b->counters[BALLOON_ACTUAL_PAGES]) : 0;
	uint64_t ram_kib = sv->spec->maxmem_mib << 10, held_kib = held * 4;

	json_key_int(g, CTL_KEY_MEMORY_MIB,
		     (long long)((held_kib < ram_kib ? ram_kib - held_kib : 0) >> 10));
	json_key_int(g, CTL_KEY_TARGET_MIB, (long long)(sv->target_kib >> 10));
	json_key_int(g, CTL_KEY_MAXMEM_MIB, (long long)(sv->max_kib >> 10));
	json_key_int(g, CTL_KEY_RAM_MIB, (long long)sv->spec->maxmem_mib);
}

static const char *const dev_states[] = {
	[VIRTIO_STATE_RESET] = "reset",
	[VIRTIO_STATE_STARTING] = "starting",
	[VIRTIO_STATE_RUNNING] = "running",
	[VIRTIO_STATE_NEEDS_RESET] = "needs-reset",
};

static void gen_counters(yajl_gen g, const struct virtio_stats *st, const char *const *keys,
			 unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		json_key_u64(g, keys[i], atomic_load(&st->counters[i]));
}

static void gen_device(yajl_gen g, const struct supervisor *sv, const char *kind, const char *name,
		       unsigned slot)
{
	const struct virtio_stats *st = &sv->shared->dev[slot];
	uint32_t state = atomic_load(&st->state);

	yajl_gen_map_open(g);
	json_key_str(g, CTL_KEY_DEV_KIND, kind);
	json_key_str(g, CTL_KEY_DEV_NAME, name);
	json_key_str(g, CTL_KEY_DEV_STATE,
		     state < ARRAY_SIZE(dev_states) && sv->boot.pid ? dev_states[state] : "reset");
}

/* A counter of the tap's, from sysfs: 0 if it cannot be read. */
static uint64_t tap_counter(const char *ifname, const char *name)
{
	char path[96], text[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, name);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(text, sizeof(text), f))
			text[0] = '\0';
		fclose(f);
	}
	return strtoull(text, NULL, 10);
}

/* The tap's name for each guest counter, turned round: what the tap receives, the guest sent. */
static const char *const tap_names[NET_NCOUNTERS] = {
	[NET_TX_BYTES] = "rx_bytes", [NET_TX_PACKETS] = "rx_packets", [NET_TX_DROPS] = "rx_dropped",
	[NET_RX_BYTES] = "tx_bytes", [NET_RX_PACKETS] = "tx_packets", [NET_RX_DROPS] = "tx_dropped",
};

/* A new boot's counters start from zero, as the VMM's own do. */
static void note_tap_counters(struct supervisor *sv)
{
	unsigned i, c;

	for (i = 0; i < sv->host.nnics; i++)
		for (c = 0; c < NET_NCOUNTERS; c++)
			sv->host.nics[i].tap_base[c] =
				tap_counter(sv->host.nics[i].ifname, tap_names[c]);
}

/* A NIC on vhost-net: the VMM never sees its frames, so its counters are the tap's. */
static void gen_tap_counters(yajl_gen g, const struct host_nic *hn)
{
	unsigned c;

	for (c = 0; c < NET_NCOUNTERS; c++) {
		uint64_t now = tap_counter(hn->ifname, tap_names[c]);

		json_key_u64(g, net_counter_keys[c],
			     now > hn->tap_base[c] ? now - hn->tap_base[c] : 0);
	}
}

/* The devices in slot order: disks, NICs, the entropy device; numbers from the shared page. */
static void gen_devices(yajl_gen g, const struct supervisor *sv)
{
	const struct vmm_spec *s = sv->spec;
	unsigned i, slot = 0;
	char mac[18];
	bool vhost;

	yajl_gen_array_open(g);
	for (i = 0; i < s->ndisks; i++, slot++) {
		gen_device(g, sv, "vbd", s->disks[i].vdev, slot);
		json_key_u64(g, CTL_KEY_DEV_SECTORS, sv->host.disks[i].bytes >> 9);
		json_key_bool(g, CTL_KEY_DEV_READONLY, s->disks[i].readonly);
		json_key_bool(g, CTL_KEY_DEV_CDROM, s->disks[i].cdrom);
		json_key_str(g, CTL_KEY_DEV_PATH, s->disks[i].path ? s->disks[i].path : "");
		gen_counters(g, &sv->shared->dev[slot], blk_counter_keys, BLK_NCOUNTERS);
		yajl_gen_map_close(g);
	}
	for (i = 0; i < s->nnics; i++, slot++) {
		const uint8_t *m = s->nics[i].mac;

		gen_device(g, sv, "vif", sv->host.nics[i].ifname, slot);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		json_key_str(g, CTL_KEY_DEV_MAC, mac);
		/* The guest process says which path it took; only these numbers depend on it. */
		vhost = sv->boot.pid &&
			(atomic_load(&sv->shared->dev[slot].flags) & VIRTIO_STATS_VHOST);
		json_key_str(g, CTL_KEY_DEV_PATH_NET, vhost ? "vhost-net" : "vmm");
		if (vhost)
			gen_tap_counters(g, &sv->host.nics[i]);
		else
			gen_counters(g, &sv->shared->dev[slot], net_counter_keys, NET_NCOUNTERS);
		yajl_gen_map_close(g);
	}
	gen_device(g, sv, "rng", "rng0", slot);
	gen_counters(g, &sv->shared->dev[slot], rng_counter_keys, RNG_NCOUNTERS);
	yajl_gen_map_close(g);
	slot++;
	gen_device(g, sv, "balloon", "balloon0", slot);
	gen_counters(g, &sv->shared->dev[slot], balloon_counter_keys, BALLOON_NCOUNTERS);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_confinement(yajl_gen g, const struct supervisor *sv)
{
	unsigned i;

	yajl_gen_map_open(g);
	json_key(g, "active");
	yajl_gen_array_open(g);
	for (i = 0; i < SANDBOX_NFLAGS; i++)
		if (sv->boot.flags & (1 << i))
			json_str(g, sandbox_flag_name(i));
	yajl_gen_array_close(g);
	json_key_u64(g, "uid", sv->spec->limits.uid_base + (uint32_t)sv->domid);
	json_key_str(g, "seccomp", vmm_seccomp_mode_name(sv->spec->limits.seccomp));
	json_key_str(g, "cgroup", sv->host.cgroup);
	if (!sv->host.cgroup)
		json_key_str(g, "no_cgroup", sv->host.cgroup_missing);
	yajl_gen_map_close(g);
}

char *sv_info_json(struct supervisor *sv)
{
	const struct vmm_spec *s = sv->spec;
	yajl_gen g = yajl_gen_alloc(NULL);
	uint64_t now_ns;

	yajl_gen_map_open(g);
	json_key_int(g, CTL_KEY_VERSION, CTL_VERSION);
	json_key_int(g, CTL_KEY_DOMID, sv->domid);
	json_key_str(g, CTL_KEY_NAME, sv->name);
	json_key_int(g, CTL_KEY_PID, getpid());
	json_key_int(g, CTL_KEY_VMM_PID, sv->boot.pid);
	json_key_str(g, CTL_KEY_STATE, state_name(sv));
	json_key_str(g, CTL_KEY_SHUTDOWN_REASON,
		     sv->state == ST_SHUTDOWN ? reason_names[sv->last_reason] : "");
	if (sv->crash_reason)
		json_key_str(g, CTL_KEY_CRASH_REASON, sv->crash_reason);
	gen_memory(g, sv);
	/* Online at boot; the rest of max_vcpus wait offline (maxcpus=). */
	json_key_int(g, CTL_KEY_VCPUS, s->vcpus);
	json_key_int(g, CTL_KEY_MAX_VCPUS, s->max_vcpus);
	now_ns = gen_vcpus(g, sv);
	json_key_int(g, CTL_KEY_CPU_TIME_NS, (long long)(sv->boot.pid ? now_ns : sv->ended_cpu_ns));
	json_key_int(g, CTL_KEY_START_TIME, (long long)sv->start_time);
	json_key_int(g, CTL_KEY_BOOTS, sv->boots);
	json_key(g, CTL_KEY_DEVICES);
	gen_devices(g, sv);
	json_key_u64(g, "console_dropped", atomic_load(&sv->shared->console_dropped));
	json_key(g, CTL_KEY_CONFINEMENT);
	gen_confinement(g, sv);
	json_key(g, CTL_KEY_CONFIG);
	if (!s->config_json || !json_gen_text(g, s->config_json))
		yajl_gen_null(g);
	yajl_gen_map_close(g);
	return json_gen_finish(g);
}

/* ---- rename-restart ---- */

/* The keeper holds none of the guest's resources: they stay with the restarted guest. */
static void forget_for_keeper(struct supervisor *sv)
{
	unsigned i;

	close_fd(&sv->listen_fd);
	control_drop_clients(sv, false); /* the old guest's watchers stay */
	close_fd(&sv->console_fd);
	close_fd(&sv->host.kvm_fd);
	close_fd(&sv->host.kernel_fd);
	close_fd(&sv->host.initrd_fd);
	close_fd(&sv->host.cgroup_procs_fd);
	for (i = 0; i < sv->host.ndisks; i++)
		close_fd(&sv->host.disks[i].fd);
	for (i = 0; i < sv->host.nnics; i++)
		close_fd(&sv->host.nics[i].fd);
	logfile_close(&sv->console_log);
	logfile_init_echo_only(&sv->console_log, -1);
	sv->ready_fd = -1;
	/* Its own zeroed page: the shared one now belongs to the restarted guest. */
	munmap(sv->shared, sizeof(*sv->shared));
	sv->shared = mmap(NULL, sizeof(*sv->shared), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sv->shared == MAP_FAILED)
		_exit(1);
}

/*
 * rename-restart, as xl does it: the ended guest stays listed, shut down, as
 * <name>-YYYYMMDDTHHMMZ with its id (a child process keeps that entry and
 * answers for it until it is destroyed), and the guest boots again under its
 * own name and a new id. The old guest's watchers go with it: they are told
 * it shut down and see it gone when it is destroyed. False if it could not
 * be kept.
 */
/* The keeper's life: the old guest's entry, answering until it is destroyed. */
static void __attribute__((noreturn))
be_keeper(struct supervisor *sv, char *renamed, int listen_fd, int code)
{
	char *path = xstrdup(sv->rd.path), *err = NULL;

	forget_for_keeper(sv);
	/* Its own open of the lock file: flock locks belong to an open file. */
	rundir_close(&sv->rd);
	if (rundir_open(&sv->rd, path, &err))
		_exit(1);
	free(path);
	sv->name = renamed;
	sv->listen_fd = listen_fd;
	sv->state = ST_SHUTDOWN;
	sv->host.cgroup = NULL; /* the restarted guest's */
	set_comm(renamed);
	rename_config(sv, renamed);
	rundir_set_pid(&sv->rd, renamed, getpid());
	control_shut_down(sv, code);
	loop(sv);
	rundir_release(&sv->rd, renamed, sv->domid);
	_exit(0);
}

bool keep_renamed(struct supervisor *sv, int code)
{
	char suffix[24], *renamed, *err = NULL;
	int listen_fd, status;
	time_t now = time(NULL);
	struct tm tm;
	pid_t pid;

	strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
	renamed = xasprintf("%s%s", sv->name, suffix);
	if (rundir_claim_with_id(&sv->rd, renamed, sv->domid, &listen_fd, &err)) {
		sv_log(sv, "xlc-vmm: %s: cannot keep the old guest: %s\n", sv->name, err);
		free(err);
		free(renamed);
		return false;
	}
	sv_log(sv, "xlc-vmm: %s: the old guest stays as %s (id %d)\n", sv->name, renamed,
	       sv->domid);
	/* Twice forked: the keeper belongs to init, which reaps it when it ends. */
	pid = fork();
	if (pid == 0) {
		pid_t keeper = fork();

		if (keeper != 0)
			_exit(keeper < 0 ? 1 : 0);
		be_keeper(sv, renamed, listen_fd, code);
	}
	close(listen_fd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		sv_log(sv, "xlc-vmm: %s: cannot fork the old guest's keeper\n", sv->name);
		rundir_release(&sv->rd, renamed, sv->domid); /* restart() takes a new id */
		free(renamed);
		return false;
	}
	control_drop_clients(sv, true); /* the keeper's now */
	free(renamed);
	return true;
}

/* ---- start and end ---- */

static int setup_signals(struct supervisor *sv)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sv->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return sv->signal_fd < 0 ? -1 : 0;
}

/* The VMM log (or the terminal under create -F) and the console log. */
static int open_logs(struct supervisor *sv, char **err)
{
	const struct vmm_spec *s = sv->spec;
	char *dir = xasprintf("%s/console", s->log_dir), *path;
	int r = -1;

	if (safe_dir(s->log_dir, 0755, "the log directory", err) ||
	    safe_dir(dir, 0755, "the console log directory", err))
		goto out;
	if (s->foreground) {
		logfile_init_echo_only(&sv->log, STDERR_FILENO);
	} else {
		path = xasprintf("%s/xlc-%s.log", s->log_dir, s->name);
		r = logfile_open(&sv->log, path, s->limits.vmm_log_max, true, err);
		free(path);
		if (r)
			goto out;
	}
	path = xasprintf("%s/%s.log", dir, s->name);
	r = logfile_open(&sv->console_log, path, s->limits.console_log_max,
			 s->limits.console_timestamps, err);
	free(path);
	if (!r && s->foreground && !s->console_tty)
		sv->console_log.echo_fd = STDOUT_FILENO; /* -F: the console is this terminal */
out:
	free(dir);
	return r;
}

static int claim(struct supervisor *sv, char **err)
{
	if (rundir_open(&sv->rd, sv->spec->run_dir, err) ||
	    rundir_claim(&sv->rd, sv->name, &sv->domid, &sv->listen_fd, err))
		return -1;
	sv->first_domid = sv->domid;
	return 0;
}

static int start(struct supervisor *sv, char **err)
{
	if (setup_signals(sv)) {
		*err = xasprintf("signalfd: %s", strerror(errno));
		return -1;
	}
	if (open_logs(sv, err) || claim(sv, err))
		return -1;
	sv->host.log_fd = sv->log.fd >= 0 ? sv->log.fd : STDERR_FILENO;
	if (host_open(&sv->host, sv->spec, sv->domid, err))
		return -1;
	if (!sv->host.cgroup)
		sv_log(sv, "xlc-vmm: %s: no cgroup: %s\n", sv->name, sv->host.cgroup_missing);
	sv->shared = mmap(NULL, sizeof(*sv->shared), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sv->shared == MAP_FAILED) {
		sv->shared = NULL;
		*err = xasprintf("cannot map the shared page: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int supervisor_run(struct vmm_spec *spec, int ready_fd, int restore_fd)
{
	struct supervisor sv = {
		.spec = spec,
		.name = spec->name,
		.ready_fd = ready_fd,
		.restore_fd = restore_fd,
		.listen_fd = -1,
		.console_fd = -1,
		.signal_fd = -1,
		.final_code = -1,
		.target_kib = spec->memory_mib << 10,
		.max_kib = spec->maxmem_mib << 10,
	};
	int status = 0, i;
	char *err = NULL;

	logfile_init_echo_only(&sv.log, STDERR_FILENO);
	logfile_init_echo_only(&sv.console_log, -1);
	host_init(&sv.host);
	if (start(&sv, &err)) {
		report_ready(&sv, err);
		free(err);
		status = 1;
	} else if (boot(&sv)) {
		status = 1;
	} else {
		loop(&sv);
		kill_guest(&sv);
	}
	/*
	 * Gone: nothing of this domain may remain in the run directory. The name
	 * goes first, while the socket still answers: once it stops answering, a
	 * new guest may take the name, and a late unlink would remove its socket.
	 */
	if (sv.listen_fd >= 0) {
		rundir_release(&sv.rd, sv.name, sv.domid);
		rundir_release_hold(&sv.rd, sv.first_domid, sv.name);
		close(sv.listen_fd);
	}
	host_close(&sv.host, spec);
	if (sv.final_code >= 0)
		control_shut_down(&sv, sv.final_code);
	for (i = 0; i < sv.nclients; i++)
		close_fd(&sv.clients[i].fd);
	close_fd(&sv.console_fd);
	close_fd(&sv.signal_fd);
	close_fd(&sv.restore_fd);
	rundir_close(&sv.rd);
	logfile_close(&sv.console_log);
	logfile_close(&sv.log);
	free(sv.crash_reason);
	free(sv.name_buf);
	return status;
}
