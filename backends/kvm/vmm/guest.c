// SPDX-License-Identifier: GPL-2.0
/*
 * The guest process (guest.h): confine, build the machine from the fds the
 * supervisor opened, start it, then serve the supervisor's link and the
 * console until the guest ends. It never tears anything down: when the
 * guest ends it says why and exits, and the kernel frees the rest.
 */
#include "backends/kvm/vmm/guest.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/machine/machine.h"
#include "backends/kvm/vmm/sandbox.h"
#include "backends/kvm/vmm/snapshot/machine.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "lib/util.h"

/*
 * The console's way out: vCPUs append the guest's bytes here (no system
 * call per byte, and never a wait on the supervisor), and the main thread
 * writes them to the supervisor in chunks. When the supervisor falls behind
 * by more than the ring, the guest's newest bytes are dropped and counted.
 */
#define CONSOLE_RING (64 * 1024)

struct console_ring {
	pthread_mutex_t lock;
	uint8_t buf[CONSOLE_RING];
	size_t head, len;
	int wake_fd; /* eventfd: the ring went from empty to not */
	_Atomic uint64_t *dropped;
};

struct guest {
	const struct guest_boot *b;
	struct vm *vm;
	struct console_ring console;
	enum vmm_seccomp_mode seccomp;
};

static void console_sink(void *opaque, const uint8_t *data, size_t len)
{
	struct console_ring *r = opaque;
	size_t room, take, at, first;
	bool was_empty;
	uint64_t one = 1;

	pthread_mutex_lock(&r->lock);
	was_empty = !r->len;
	room = CONSOLE_RING - r->len;
	take = len < room ? len : room;
	at = (r->head + r->len) % CONSOLE_RING;
	first = take < CONSOLE_RING - at ? take : CONSOLE_RING - at;
	memcpy(r->buf + at, data, first);
	memcpy(r->buf, data + first, take - first);
	r->len += take;
	pthread_mutex_unlock(&r->lock);
	if (take < len)
		atomic_fetch_add(r->dropped, len - take);
	if (was_empty && take && write(r->wake_fd, &one, sizeof(one)) < 0) {
		/* saturated: the main thread is awake anyway */
	}
}

/* Writes what the ring holds to fd (non-blocking); true if it is now empty. */
static bool console_flush(struct console_ring *r, int fd)
{
	bool empty;

	pthread_mutex_lock(&r->lock);
	while (r->len) {
		size_t chunk = r->len < CONSOLE_RING - r->head ? r->len : CONSOLE_RING - r->head;
		ssize_t n = write(fd, r->buf + r->head, chunk);

		if (n <= 0)
			break;
		r->head = (r->head + (size_t)n) % CONSOLE_RING;
		r->len -= (size_t)n;
	}
	empty = !r->len;
	pthread_mutex_unlock(&r->lock);
	return empty;
}

static void send_msg(int fd, enum guest_msg_type type, int arg, uint32_t seq, const char *text)
{
	struct guest_msg m = { .type = type, .arg = arg, .seq = seq };

	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) < 0) {
		/* the supervisor is gone: the death signal ends us */
	}
}

static void __attribute__((noreturn)) fail(const struct guest_boot *b, char *err)
{
	send_msg(b->link_fd, GUEST_FAILED, 0, 0, err);
	fprintf(stderr, "xlc-vmm: %s: %s\n", b->spec->name, err);
	free(err);
	_exit(1);
}

/* Every thread of the machine narrows its system calls to its kind's first thing. */
static void thread_hook(struct vm *vm, enum vm_thread_kind kind, int index)
{
	static const enum sandbox_thread as[] = {
		[VM_THREAD_VCPU] = SANDBOX_VCPU,
		[VM_THREAD_IO] = SANDBOX_IO,
		[VM_THREAD_DISK] = SANDBOX_DISK,
	};
	struct guest *g = vm->owner;
	char *err = NULL;

	if (kind == VM_THREAD_VCPU && index >= 0 && index < VMM_SPEC_MAX_VCPUS)
		atomic_store(&g->b->shared->vcpu_tid[index], (int32_t)gettid());
	if (sandbox_seccomp_thread(g->seccomp, as[kind], &err)) {
		fprintf(stderr, "xlc-vmm: %s: %s\n", g->b->spec->name, err);
		_exit(1);
	}
}

/* The largest image the guest may write: RLIMIT_FSIZE keeps every write inside it. */
static unsigned long long largest_writable(const struct guest_boot *b)
{
	unsigned long long max = 0;
	unsigned i;

	for (i = 0; i < b->spec->ndisks; i++)
		if (!b->spec->disks[i].readonly && b->host->disks[i].bytes > max)
			max = b->host->disks[i].bytes;
	return max;
}

static int confine(const struct guest_boot *b, char **err)
{
	int keep[8 + VMM_SPEC_MAX_DISKS + 2 * VMM_SPEC_MAX_NICS];
	unsigned n = host_fds(b->host, keep, ARRAY_SIZE(keep) - 4);
	const struct vmm_spec *s = b->spec;
	struct sandbox_plan plan = {
		.uid = s->limits.uid_base + (uint32_t)b->domid,
		.gid = s->limits.uid_base + (uint32_t)b->domid,
		.mount_at = b->empty_root_at,
		.cgroup_procs_fd = b->host->cgroup_procs_fd,
		/* the machine's fds: vCPUs, 2 eventfds per queue, irqfds, epoll, timers */
		.nofile = 64 + (unsigned long)s->max_vcpus + 8 * VIRTIO_MAX_DEVICES,
		.fsize = largest_writable(b),
		/*
		 * its threads: vCPUs, I/O, disk workers, main; the kernel counts them
		 * all, and on newer kernels each NIC's vhost worker too
		 */
		.nproc = (unsigned long)s->max_vcpus + 4 * s->ndisks + s->nnics + 8,
		.keep_fds = keep,
	};

	keep[n++] = b->link_fd;
	keep[n++] = b->console_out_fd;
	keep[n++] = b->console_in_fd;
	if (b->restore_fd >= 0)
		keep[n++] = b->restore_fd;
	plan.nkeep = n;
	return sandbox_enter(&plan, err);
}

static void fill_backings(const struct guest_boot *b, struct blk_backing *disks,
			  struct net_backing *nics)
{
	const struct vmm_spec *s = b->spec;
	unsigned i;

	for (i = 0; i < s->ndisks; i++)
		disks[i] = (struct blk_backing){
			.name = s->disks[i].vdev,
			.fd = b->host->disks[i].fd,
			.bytes = b->host->disks[i].bytes,
			.readonly = s->disks[i].readonly,
			.discard = b->host->disks[i].discard,
		};
	for (i = 0; i < s->nnics; i++) {
		nics[i] = (struct net_backing){
			.ifname = b->host->nics[i].ifname,
			.fd = b->host->nics[i].fd,
			.mtu = s->nics[i].mtu,
			.rate_bytes = s->nics[i].rate_bytes,
			.rate_interval_us = s->nics[i].rate_interval_us,
			.vhost_fd = b->host->nics[i].vhost_fd,
		};
		memcpy(nics[i].mac, s->nics[i].mac, 6);
	}
}

/*
 * restore: the machine as built is replaced by the stream's. Its RAM starts
 * empty (the stream leaves out zero pages, and the boot just loaded a
 * kernel there); every register, device and page then comes from the
 * stream, which is checked record by record (snapshot/machine.h).
 */
static int restore(struct vm *vm, int fd, char **err)
{
	char *why = NULL;
	unsigned i;

	for (i = 0; i < vm->nmem; i++)
		if (madvise(vm->mem[i].hva, vm->mem[i].size, MADV_DONTNEED)) {
			*err = xasprintf("restore: cannot empty the guest's RAM: %s",
					 strerror(errno));
			return -1;
		}
	if (!snap_machine_load(vm, fd, &why)) {
		close(fd); /* a migration's transport: the rest of it is the receiver's */
		return 0;
	}
	*err = xasprintf("restore: %s", why);
	free(why);
	return -1;
}

static struct vm *build(struct guest *g, char **err)
{
	const struct guest_boot *b = g->b;
	const struct vmm_spec *s = b->spec;
	struct blk_backing disks[VMM_SPEC_MAX_DISKS];
	struct net_backing nics[VMM_SPEC_MAX_NICS];
	struct machine_config mc = {
		.kvm_fd = b->host->kvm_fd,
		.ram_bytes = s->maxmem_mib << 20, /* memory below it: the balloon holds the rest */
		.vcpus = s->vcpus,
		.max_vcpus = s->max_vcpus,
		.pins = s->pins,
		.kernel = { b->host->kernel_fd, s->bootloader ? b->host->boot_what : s->kernel },
		.initrd = { b->host->initrd_fd, s->bootloader ? "the chosen initrd" : s->ramdisk },
		.cmdline = s->bootloader ? b->host->boot_cmdline : s->cmdline,
		.from_stream = b->restore_fd >= 0,
		.disks = disks,
		.ndisks = s->ndisks,
		.nics = nics,
		.nnics = s->nnics,
		.stats = b->shared->dev,
		.balloon_pages = b->balloon_pages,
		.sink = console_sink,
		.sink_opaque = &g->console,
		.thread_hook = thread_hook,
		.owner = g,
	};
	struct vm *vm;

	fill_backings(b, disks, nics);
	vm = machine_build(&mc, err);
	if (!vm || (b->restore_fd >= 0 && restore(vm, b->restore_fd, err)))
		return NULL;
	if (g->seccomp != VMM_SECCOMP_OFF && sandbox_seccomp_process(g->seccomp, err))
		return NULL;
	if (machine_start(vm, &mc, b->paused, err) ||
	    sandbox_seccomp_thread(g->seccomp, SANDBOX_CONTROL, err))
		return NULL;
	return vm;
}

/* The tests' proof that the filter holds: a call no thread of ours may make. */
static int forbidden_syscall(const struct guest *g)
{
	if (!g->b->spec->limits.test_hooks)
		return -1;
	fprintf(stderr, "xlc-vmm: %s: test hook: opening a network socket\n", g->b->spec->name);
	return (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
}

/* cd-insert, cd-eject: the disk's device takes the medium (fd: -1 for none). */
static int change_medium(struct guest *g, const struct guest_msg *m, int fd)
{
	const struct guest_boot *b = g->b;

	if (fd == -2 || m->arg < 0 || (unsigned)m->arg >= b->spec->ndisks ||
	    !b->spec->disks[m->arg].cdrom || (unsigned)m->arg >= g->vm->nvirtio)
		return -1; /* -2: the medium's fd was lost on the way; never an eject */
	return virtio_blk_change_medium(g->vm->virtio[m->arg], fd, fd >= 0 ? m->size : 0);
}

/*
 * save: the machine, frozen, into the stream on fd; then as after says. A
 * failed save leaves it as it was. 0, or -1 with *why.
 */
static int save(struct guest *g, enum guest_save_after after, int fd, char **why)
{
	struct snap_writer w;
	bool was_running;
	int r;

	if (fd < 0) {
		*why = xstrdup("the stream's fd was lost on the way");
		return -1;
	}
	if (machine_freeze(g->vm, &was_running)) {
		*why = xasprintf("the guest's devices did not finish their work within %d s",
				 VIRTIO_QUIESCE_MS / 1000);
		r = -1;
	} else if (g->vm->exit_reason != VM_RUNNING) { /* it was ending: reset, power-off */
		*why = xstrdup("the guest was ending as the save began");
		r = -1;
	} else {
		r = snap_machine_save(g->vm, fd, &w, why);
	}
	if (r)
		fprintf(stderr, "xlc-vmm: %s: save: %s\n", g->b->spec->name, *why);
	else
		fprintf(stderr, "xlc-vmm: %s: saved %llu MiB of machine state\n", g->b->spec->name,
			(unsigned long long)(w.bytes >> 20));
	if (r || after != GUEST_SAVE_STOPS)
		machine_thaw(g->vm, was_running && (r || after == GUEST_SAVE_RUNS));
	return r;
}

/* Serves one message; fd (or -1) came with it, and is used or closed. */
static void serve(struct guest *g, const struct guest_msg *m, int fd)
{
	char *why = NULL;
	int r = 0;

	switch (m->type) {
	case GUEST_PAUSE:
		vcpus_pause(g->vm, true);
		break;
	case GUEST_UNPAUSE:
		vcpus_pause(g->vm, false);
		break;
	case GUEST_POWER_BUTTON:
		acpi_power_button(g->vm);
		break;
	case GUEST_CTRL_ALT_DEL:
		r = i8042_ctrl_alt_del(g->vm);
		break;
	case GUEST_RESET:
		vm_request_exit(g->vm, VM_REBOOT);
		break;
	case GUEST_BALLOON:
		if (m->arg < 0 || !g->vm->balloon)
			r = -1;
		else
			virtio_balloon_set_target(g->vm->balloon, (uint32_t)m->arg);
		break;
	case GUEST_VCPUS:
		r = cpu_hotplug_set(g->vm, m->arg);
		break;
	case GUEST_MEDIUM:
		r = change_medium(g, m, fd);
		if (!r)
			fd = -1; /* the disk's now */
		break;
	case GUEST_FORBIDDEN_SYSCALL:
		r = forbidden_syscall(g);
		break;
	case GUEST_SAVE:
		r = save(g, (enum guest_save_after)m->arg, fd, &why);
		break;
	default:
		r = -1;
	}
	if (fd >= 0)
		close(fd); /* a save's reader sees the stream end before the answer */
	send_msg(g->b->link_fd, GUEST_DONE, r, m->seq, why);
	free(why);
}

/*
 * One message from the supervisor, and the fd it may carry (else -1); false
 * if none. An fd that could not be taken (no room for it) is -2.
 */
static bool receive(int link_fd, struct guest_msg *m, int *fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c;

	*fd = -1;
	if (recvmsg(link_fd, &msg, MSG_CMSG_CLOEXEC) != sizeof(*m))
		return false;
	if (msg.msg_flags & MSG_CTRUNC) {
		*fd = -2;
		return true;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return true;
}

static void console_input(struct guest *g)
{
	uint8_t buf[512];
	ssize_t n = read(g->b->console_in_fd, buf, sizeof(buf));

	if (n > 0)
		serial_input(g->vm->serial, buf, (size_t)n);
}

static void __attribute__((noreturn)) ended(struct guest *g)
{
	struct pollfd p = { .fd = g->b->console_out_fd, .events = POLLOUT };
	int tries;

	/* The guest's last words, if the supervisor takes them within a second. */
	for (tries = 0; tries < 10 && !console_flush(&g->console, g->b->console_out_fd); tries++)
		poll(&p, 1, 100);
	send_msg(g->b->link_fd, GUEST_ENDED, g->vm->exit_reason, 0, NULL);
	_exit(0);
}

static void __attribute__((noreturn)) run(struct guest *g)
{
	const struct guest_boot *b = g->b;
	bool pending = false;

	for (;;) {
		struct pollfd p[4] = {
			{ .fd = b->link_fd, .events = POLLIN },
			{ .fd = g->vm->event_fd, .events = POLLIN },
			{ .fd = g->console.wake_fd, .events = POLLIN },
			{ .fd = b->console_in_fd, .events = POLLIN },
		};
		struct guest_msg m;
		uint64_t v;
		int fd;

		if (pending) /* the supervisor's pipe was full: wait until it is not */
			p[2] = (struct pollfd){ .fd = b->console_out_fd, .events = POLLOUT };
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			_exit(1);
		if (g->vm->exit_reason != VM_RUNNING)
			ended(g);
		if (p[1].revents && read(g->vm->event_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			_exit(1);
		if (p[2].revents) {
			if (!pending && read(g->console.wake_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				_exit(1);
			pending = !console_flush(&g->console, b->console_out_fd);
		}
		if (p[3].revents & POLLIN)
			console_input(g);
		if (p[0].revents & (POLLHUP | POLLERR))
			_exit(1); /* the supervisor is gone */
		if (p[0].revents & POLLIN) {
			if (!receive(b->link_fd, &m, &fd))
				_exit(1);
			serve(g, &m, fd);
		}
	}
}

void guest_main(const struct guest_boot *b)
{
	static struct guest g;
	char comm[16], *err = NULL;
	int flags;

	g.b = b;
	g.seccomp = b->spec->limits.seccomp;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setsid(); /* the terminal's ^C is the supervisor's to handle */
	snprintf(comm, sizeof(comm), "vmm-%s", b->spec->name);
	prctl(PR_SET_NAME, comm);
	if (dup2(b->log_fd, STDOUT_FILENO) < 0 || dup2(b->log_fd, STDERR_FILENO) < 0)
		_exit(1);
	pthread_mutex_init(&g.console.lock, NULL);
	g.console.dropped = &b->shared->console_dropped;
	/* libc reads the time zone once, at the first time conversion: before the root is gone. */
	tzset();
	/*
	 * One malloc arena for every thread: libc would read /sys for the CPU
	 * count when a ninth thread wanted an arena of its own (a file the
	 * filter forbids), and the guest process allocates little anyway.
	 */
	mallopt(M_ARENA_MAX, 1);
	flags = confine(b, &err);
	if (flags < 0)
		fail(b, err);
	g.console.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g.console.wake_fd < 0)
		fail(b, xasprintf("eventfd: %s", strerror(errno)));
	g.vm = build(&g, &err);
	if (!g.vm)
		fail(b, err);
	/* In guest memory now: a pygrub boot's memfds are freed with the last fd. */
	if (b->host->kernel_fd >= 0) /* none for a restore */
		close(b->host->kernel_fd);
	if (b->host->initrd_fd >= 0)
		close(b->host->initrd_fd);
	if (g.seccomp != VMM_SECCOMP_OFF)
		flags |= SANDBOX_SECCOMP;
	send_msg(b->link_fd, GUEST_READY, flags, 0, NULL);
	run(&g);
}
