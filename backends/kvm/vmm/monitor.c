// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/machine/machine.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/devices/legacy.h"
#include "parsers/domain_json.h"
#include "lib/util.h"

#define MAX_CLIENTS 32

enum dom_state { ST_RUNNING, ST_PAUSED, ST_SHUTDOWN };

struct client {
	int fd;
	char line[128];
	size_t len;
	bool waiter; /* "wait": answered by closing when the domain is gone */
};

struct monitor {
	struct monitor_params *p;
	struct vm *vm;
	enum dom_state state;
	enum vm_exit_reason last_reason;
	time_t start_time;
	unsigned boots;
	uint64_t cpu_ns_before; /* vCPU time of earlier boots */
	struct client clients[MAX_CLIENTS];
	int nclients;
	int console_fd;
	pthread_mutex_t out_lock;
	int signal_fd;
	bool quit;
};

static const char *const reason_names[] = {
	[VM_RUNNING] = "",    [VM_POWEROFF] = "poweroff", [VM_REBOOT] = "reboot",
	[VM_CRASH] = "crash", [VM_DESTROY] = "destroy",
};

/* The guest's console output: called by a vCPU thread, under the I/O bus lock. */
static void console_sink(void *opaque, const uint8_t *data, size_t len)
{
	struct monitor *m = opaque;

	if (m->p->console_log >= 0 && write(m->p->console_log, data, len) < 0) {
		/* a full disk must not stop the guest */
	}
	if (m->p->echo) {
		fwrite(data, 1, len, m->p->echo);
		fflush(m->p->echo);
	}
	pthread_mutex_lock(&m->out_lock);
	/* Non-blocking: a slow console client loses output, the guest never waits. */
	if (m->console_fd >= 0 && send(m->console_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN) {
		/* the client went away; the main loop notices */
	}
	pthread_mutex_unlock(&m->out_lock);
}

static void report_ready(struct monitor *m, const char *err)
{
	char *msg;

	if (m->p->ready_fd < 0)
		return;
	msg = err ? xasprintf("error %s\n", err) : xstrdup("ok\n");
	if (write(m->p->ready_fd, msg, strlen(msg)) < 0) {
		/* the creator is gone; nothing to tell */
	}
	free(msg);
	close(m->p->ready_fd);
	m->p->ready_fd = -1;
}

static int boot(struct monitor *m)
{
	bool first = m->boots == 0;
	char *err = NULL;

	m->vm = vmm_build(m->p->dc, m->p->domid, console_sink, m, &err);
	if (m->vm && vmm_start(m->vm, m->p->dc, first && m->p->paused, &err)) {
		vmm_finish(m->vm);
		m->vm = NULL;
	}
	if (!m->vm) {
		fprintf(stderr, "xlc-vmm: %s: %s\n", m->p->dc->name, err);
		if (first)
			report_ready(m, err);
		free(err);
		return -1;
	}
	m->boots++;
	m->start_time = time(NULL);
	m->state = first && m->p->paused ? ST_PAUSED : ST_RUNNING;
	if (first)
		report_ready(m, NULL);
	return 0;
}

static uint64_t vcpu_ns(const struct vcpu *cpu)
{
	clockid_t cid;
	struct timespec ts;

	if (!cpu->started || pthread_getcpuclockid(cpu->thread, &cid) || clock_gettime(cid, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t total_cpu_ns(const struct monitor *m)
{
	uint64_t ns = m->cpu_ns_before;
	int i;

	for (i = 0; m->vm && i < m->vm->nvcpus; i++)
		ns += vcpu_ns(&m->vm->vcpus[i]);
	return ns;
}

static void loop(struct monitor *m);

/*
 * rename-restart, as xl does it: the ended guest stays listed, shut down, as
 * <name>-YYYYMMDDTHHMMZ (a child process keeps that entry and answers for it
 * until it is destroyed), and the guest boots again under its own name.
 */
static void keep_renamed(struct monitor *m)
{
	struct domain_config renamed = *m->p->dc;
	struct monitor_params p = *m->p;
	char suffix[24], *err = NULL;
	time_t now = time(NULL);
	struct tm tm;
	pid_t pid;
	int i;

	strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
	renamed.name = xasprintf("%s%s", m->p->dc->name, suffix);
	if (rundir_claim(m->p->rundir, renamed.name, &p.domid, &p.listen_fd, &err)) {
		fprintf(stderr, "xlc-vmm: %s: cannot keep the old guest: %s\n", m->p->dc->name,
			err);
		goto out;
	}
	fprintf(stderr, "xlc-vmm: %s: the old guest stays as %s (id %d)\n", m->p->dc->name,
		renamed.name, p.domid);
	/* Twice forked: the keeper belongs to init, which reaps it when it ends. */
	pid = fork();
	if (pid == 0 && fork() != 0)
		_exit(EXIT_OK);
	if (pid == 0) {
		close(m->p->listen_fd);
		for (i = 0; i < m->nclients; i++)
			close(m->clients[i].fd);
		if (m->console_fd >= 0)
			close(m->console_fd);
		p.dc = &renamed;
		p.echo = NULL;
		p.ready_fd = -1;
		m->p = &p;
		m->nclients = 0;
		m->console_fd = -1;
		m->state = ST_SHUTDOWN;
		loop(m);
		rundir_release(p.rundir, renamed.name, p.domid);
		close(p.listen_fd);
		_exit(EXIT_OK);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(p.listen_fd);
out:
	free(err);
	free(renamed.name);
}

/* The guest ended: do what its on_* key says. */
static void guest_ended(struct monitor *m)
{
	enum vm_exit_reason why;
	enum shutdown_action act;
	const struct domain_config *dc = m->p->dc;

	m->cpu_ns_before = total_cpu_ns(m);
	why = vmm_finish(m->vm);
	m->vm = NULL;
	m->last_reason = why;
	act = why == VM_POWEROFF ? dc->on_poweroff
	      : why == VM_REBOOT ? dc->on_reboot
	      : why == VM_CRASH	 ? dc->on_crash
				 : ACTION_DESTROY;
	fprintf(stderr, "xlc-vmm: %s: the guest ended (%s); action: %s\n", dc->name,
		reason_names[why], shutdown_action_name(act));
	if (act == ACTION_RESTART_RENAME && why != VM_DESTROY)
		keep_renamed(m);
	switch (act) {
	case ACTION_RESTART:
	case ACTION_RESTART_RENAME:
	case ACTION_COREDUMP_RESTART:
	case ACTION_SOFT_RESET:
		if (why != VM_DESTROY && boot(m) == 0)
			return;
		m->quit = true;
		return;
	case ACTION_PRESERVE:
		if (why != VM_DESTROY) {
			m->state = ST_SHUTDOWN; /* kept in `xlc list` until destroyed */
			return;
		}
		m->quit = true;
		return;
	default:
		m->quit = true;
	}
}

/* A vCPU thread's scheduler state letter and the host CPU it last ran on. */
static char vcpu_sched(const struct vcpu *cpu, int *host_cpu)
{
	char path[64], *stat, *p, *save = NULL, *tok, state = '?';
	int field = 3;

	*host_cpu = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", cpu->tid);
	stat = read_file(path, NULL);
	p = stat ? strrchr(stat, ')') : NULL;
	/* After "pid (comm)": field 3 is the state, field 39 the last CPU. */
	for (tok = p ? strtok_r(p + 1, " ", &save) : NULL; tok;
	     tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 3)
			state = tok[0];
		if (field == 39) {
			*host_cpu = atoi(tok);
			break;
		}
	}
	free(stat);
	return state;
}

static const char *state_name(const struct monitor *m)
{
	return m->state == ST_PAUSED ? "paused" : m->state == ST_SHUTDOWN ? "shutdown" : "running";
}

/* What /proc says of each vCPU thread, read once per info request. */
struct vcpu_facts {
	uint64_t ns;
	int host_cpu;
	char sched; /* R running, S sleeping (HLT), ... */
};

static void gen_vcpus(yajl_gen g, const struct monitor *m, const struct vcpu_facts *f, int n)
{
	bool running = m->state == ST_RUNNING, blocked = running && n > 0;
	struct json_vcpu *v = xcalloc((size_t)n + 1, sizeof(*v));
	int i;

	for (i = 0; i < n; i++) {
		const char *list = domain_vcpu_cpus(m->p->dc, i);

		blocked = blocked && f[i].sched == 'S';
		v[i] = (struct json_vcpu){ .time_ns = (long long)f[i].ns,
					   .host_cpu = f[i].host_cpu,
					   .running = running && f[i].sched == 'R',
					   .affinity = list ? list : "all" };
	}
	json_key_int(g, "blocked", blocked); /* every vCPU halted: xl's "b" */
	json_vcpu_arrays(g, v, n);
	free(v);
}

static char *info_json(struct monitor *m)
{
	const struct domain_config *dc = m->p->dc;
	int i, n = m->vm ? m->vm->nvcpus : 0;
	struct vcpu_facts *f = xcalloc((size_t)n, sizeof(*f));
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out;

	for (i = 0; i < n; i++) {
		f[i].ns = vcpu_ns(&m->vm->vcpus[i]);
		f[i].sched = vcpu_sched(&m->vm->vcpus[i], &f[i].host_cpu);
	}
	yajl_gen_map_open(g);
	json_key_int(g, "domid", m->p->domid);
	json_key_str(g, "name", dc->name);
	json_key_int(g, "pid", getpid());
	json_key_str(g, "state", state_name(m));
	json_key_str(g, "shutdown_reason",
		     m->state == ST_SHUTDOWN ? reason_names[m->last_reason] : "");
	json_key_int(g, "memory_mib", dc->memory_mib ? dc->memory_mib : KVM_DEFAULT_MEMORY_MIB);
	json_key_int(g, "maxmem_mib",
		     dc->maxmem_mib   ? dc->maxmem_mib
		     : dc->memory_mib ? dc->memory_mib
				      : KVM_DEFAULT_MEMORY_MIB);
	/* Online at boot; the rest of max_vcpus wait offline (maxcpus=). */
	json_key_int(g, "vcpus", dc->vcpus ? dc->vcpus : 1);
	json_key_int(g, "max_vcpus", dc->maxvcpus ? dc->maxvcpus : dc->vcpus ? dc->vcpus : 1);
	json_key_int(g, "cpu_time_ns", (long long)total_cpu_ns(m));
	gen_vcpus(g, m, f, n);
	free(f);
	json_key_int(g, "start_time", (long long)m->start_time);
	json_key_int(g, "boots", m->boots);
	json_key(g, "devices");
	virtio_devices_json(m->vm, g);
	json_key(g, "config");
	domain_config_gen_json(g, dc);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

static void reply(int fd, const char *text)
{
	if (send(fd, text, strlen(text), MSG_NOSIGNAL) < 0) {
		/* the client is gone */
	}
}

static void drop_client(struct monitor *m, int i)
{
	close(m->clients[i].fd);
	m->clients[i] = m->clients[--m->nclients];
}

/* Runs one command; returns true if the client's connection stays open. */
static bool command(struct monitor *m, struct client *c, const char *cmd)
{
	if (!strcmp(cmd, "info")) {
		char *json = info_json(m);

		reply(c->fd, json);
		free(json);
	} else if (!strcmp(cmd, "wait")) {
		c->waiter = true;
		return true;
	} else if (!strcmp(cmd, "destroy")) {
		if (m->vm)
			vm_request_exit(m->vm, VM_DESTROY);
		else
			m->quit = true;
		reply(c->fd, "ok\n");
	} else if (!m->vm) {
		reply(c->fd, "error the guest is shut down (preserved); destroy it\n");
	} else if (!strcmp(cmd, "shutdown")) {
		acpi_power_button(m->vm);
		reply(c->fd, "ok\n");
	} else if (!strcmp(cmd, "reboot")) {
		if (i8042_ctrl_alt_del(m->vm))
			reply(c->fd, "error the guest has no keyboard driver to take Ctrl-Alt-Del; "
				     "reboot -F resets it\n");
		else
			reply(c->fd, "ok\n");
	} else if (!strcmp(cmd, "reset")) {
		vm_request_exit(m->vm, VM_REBOOT);
		reply(c->fd, "ok\n");
	} else if (!strcmp(cmd, "pause")) {
		vcpus_pause(m->vm, true);
		m->state = ST_PAUSED;
		reply(c->fd, "ok\n");
	} else if (!strcmp(cmd, "unpause")) {
		vcpus_pause(m->vm, false);
		m->state = ST_RUNNING;
		reply(c->fd, "ok\n");
	} else if (!strcmp(cmd, "console")) {
		if (m->console_fd >= 0) {
			reply(c->fd, "error the console is already attached elsewhere\n");
		} else {
			reply(c->fd, "ok\n");
			pthread_mutex_lock(&m->out_lock);
			m->console_fd = c->fd;
			pthread_mutex_unlock(&m->out_lock);
			c->fd = -1; /* now the console's */
		}
	} else {
		reply(c->fd, "error unknown command\n");
	}
	return false;
}

static void client_readable(struct monitor *m, int i)
{
	struct client *c = &m->clients[i];
	ssize_t n = read(c->fd, c->line + c->len, sizeof(c->line) - 1 - c->len);
	char *nl;

	if (n <= 0) {
		drop_client(m, i);
		return;
	}
	if (c->waiter)
		return;
	c->len += (size_t)n;
	c->line[c->len] = '\0';
	nl = strchr(c->line, '\n');
	if (!nl) {
		if (c->len == sizeof(c->line) - 1)
			drop_client(m, i);
		return;
	}
	*nl = '\0';
	if (!command(m, c, c->line)) {
		if (c->fd >= 0)
			close(c->fd);
		m->clients[i] = m->clients[--m->nclients];
	}
}

static void accept_client(struct monitor *m)
{
	int fd = accept4(m->p->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (m->nclients == MAX_CLIENTS) {
		reply(fd, "error too many clients\n");
		close(fd);
		return;
	}
	m->clients[m->nclients++] = (struct client){ .fd = fd };
}

static void console_readable(struct monitor *m)
{
	uint8_t buf[512];
	ssize_t n = read(m->console_fd, buf, sizeof(buf));

	if (n <= 0) {
		pthread_mutex_lock(&m->out_lock);
		close(m->console_fd);
		m->console_fd = -1;
		pthread_mutex_unlock(&m->out_lock);
		return;
	}
	if (m->vm)
		serial_input(m->vm->serial, buf, (size_t)n);
}

static int setup_signals(struct monitor *m)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	m->signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
	return m->signal_fd < 0 ? -1 : 0;
}

static void loop(struct monitor *m)
{
	struct pollfd fds[MAX_CLIENTS + 4];
	int i, n, nfds;

	while (!m->quit) {
		nfds = 0;
		fds[nfds++] = (struct pollfd){ .fd = m->p->listen_fd, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = m->signal_fd, .events = POLLIN };
		fds[nfds++] =
			(struct pollfd){ .fd = m->vm ? m->vm->event_fd : -1, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = m->console_fd, .events = POLLIN };
		for (i = 0; i < m->nclients; i++)
			fds[nfds++] = (struct pollfd){ .fd = m->clients[i].fd, .events = POLLIN };
		n = poll(fds, (nfds_t)nfds, -1);
		if (n < 0 && errno != EINTR)
			break;
		if (fds[1].revents) {
			struct signalfd_siginfo si;

			if (read(m->signal_fd, &si, sizeof(si)) > 0 && m->vm)
				vm_request_exit(m->vm, VM_DESTROY);
			else
				m->quit = true;
		}
		if (m->vm && m->vm->exit_reason != VM_RUNNING)
			guest_ended(m);
		if (fds[3].revents && m->console_fd >= 0)
			console_readable(m);
		for (i = m->nclients - 1; i >= 0; i--)
			if (fds[4 + i].revents)
				client_readable(m, i);
		if (fds[0].revents)
			accept_client(m);
	}
}

int monitor_run(struct monitor_params *p)
{
	struct monitor m = { .p = p, .console_fd = -1, .signal_fd = -1 };
	int i, status = EXIT_OK;

	pthread_mutex_init(&m.out_lock, NULL);
	if (setup_signals(&m) || boot(&m)) {
		report_ready(&m, "the VMM could not start");
		status = EXIT_FAIL;
	} else {
		loop(&m);
		if (m.vm)
			vmm_finish(m.vm);
	}
	/*
	 * Gone: nothing of this domain may remain in the run directory. The name
	 * goes first, while the socket still answers: once it stops answering, a
	 * new guest may take the name, and a late unlink would remove its socket.
	 */
	rundir_release(p->rundir, p->dc->name, p->domid);
	close(p->listen_fd);
	for (i = 0; i < m.nclients; i++)
		close(m.clients[i].fd);
	if (m.console_fd >= 0)
		close(m.console_fd);
	if (m.signal_fd >= 0)
		close(m.signal_fd);
	return status;
}
