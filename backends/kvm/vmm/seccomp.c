// SPDX-License-Identifier: GPL-2.0
/*
 * The guest process's system-call filters (libseccomp). A process-wide
 * filter, loaded once the machine is built and before any of its threads
 * starts, allows what the threads and their start need; then every thread
 * narrows itself to its kind's list before it touches guest data. Filters
 * only ever narrow, so a thread ends with exactly its own list.
 *
 * What a guest-controlled thread cannot do at all: open or create files,
 * sockets or processes, exec, map executable memory, ptrace, change its
 * credentials, or signal anything but the VMM's own vCPU threads.
 */
#include "backends/kvm/vmm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/util.h"

/* A rule: the call, and optionally one argument that must equal a value. */
struct rule {
	int nr;
	int arg;      /* -1: any arguments */
	uint64_t val; /* arg must equal this */
};

#define ANY(name)                                                                                  \
	{                                                                                          \
		SCMP_SYS(name), -1, 0                                                              \
	}
#define ARG(name, n, v)                                                                            \
	{                                                                                          \
		SCMP_SYS(name), n, (uint64_t)(v)                                                   \
	}

/* Every thread, for locks, memory, time, its log lines and its end. */
static const struct rule common[] = {
	ANY(futex),	      ANY(exit),
	ANY(exit_group),      ANY(rt_sigreturn),
	ANY(rt_sigprocmask),  ANY(madvise),
	ANY(munmap),	      ANY(brk),
	ANY(clock_gettime),   ANY(clock_nanosleep),
	ANY(nanosleep),	      ANY(gettid),
	ANY(getpid),	      ANY(sched_yield),
	ANY(restart_syscall), ANY(write),
	ANY(fstat),	      ARG(newfstatat, 3, AT_EMPTY_PATH),
};

/*
 * A build with AddressSanitizer: its runtime sets up signal stacks and maps
 * shadow memory on threads' behalf; the rest of the lists is the same.
 */
static const struct rule sanitizer[] = {
#if defined(__SANITIZE_ADDRESS__)
	ANY(sigaltstack), ANY(rt_sigaction), ANY(getrlimit), ANY(prlimit64), ANY(sched_getaffinity),
#endif
	ANY(getpid), /* never empty */
};

/* Giving a NIC's rings to vhost-net and taking them back (at DRIVER_OK, reset, a save). */
#define VHOST_RING_RULES                                                                           \
	ARG(ioctl, 1, VHOST_SET_FEATURES), ARG(ioctl, 1, VHOST_SET_VRING_NUM),                     \
		ARG(ioctl, 1, VHOST_SET_VRING_BASE), ARG(ioctl, 1, VHOST_GET_VRING_BASE),          \
		ARG(ioctl, 1, VHOST_SET_VRING_ADDR), ARG(ioctl, 1, VHOST_SET_VRING_KICK),          \
		ARG(ioctl, 1, VHOST_SET_VRING_CALL), ARG(ioctl, 1, VHOST_NET_SET_BACKEND)

/*
 * A vCPU: runs the guest, and serves its port and MMIO exits; a NIC's
 * DRIVER_OK and reset start and stop its vhost-net rings.
 */
static const struct rule vcpu[] = {
	ARG(ioctl, 1, KVM_RUN),
	ARG(ioctl, 1, KVM_IRQ_LINE),
	ARG(ioctl, 1, TUNSETOFFLOAD),
	VHOST_RING_RULES,
	ANY(epoll_ctl),
	ANY(getrusage),
};

/* The I/O thread: the virtqueues' kicks, the taps, the rate timers, the entropy. */
static const struct rule io[] = {
	ANY(epoll_wait),
	ANY(epoll_pwait),
	ANY(epoll_ctl),
	ANY(read),
	ANY(readv),
	ANY(writev),
	ANY(timerfd_settime),
	ANY(getrandom),
	ARG(ioctl, 1, KVM_IRQ_LINE),
};

/* A disk worker: the image's fd only ever sees these. */
static const struct rule disk[] = {
	ANY(preadv),
	ANY(pwritev),
	ANY(pread64),
	ANY(pwrite64),
	ANY(fdatasync),
	ANY(fallocate),
	ARG(ioctl, 1, KVM_IRQ_LINE),
};

/*
 * The main thread: the supervisor's link, the console, pausing the vCPUs;
 * and a save: reading the machine's state (KVM's GET calls), taking a NIC's
 * rings back from vhost and giving them again, writing the stream.
 */
static const struct rule control[] = {
	ANY(poll),
	ANY(ppoll),
	ANY(read),
	ANY(writev),
	ANY(sendto),
	ANY(recvfrom),
	ANY(recvmsg), /* the link: a cdrom's new medium comes as an fd */
	ANY(close),   /* the medium it replaces */
	ARG(ioctl, 1, KVM_IRQ_LINE),
	ARG(tgkill, 2, SIGUSR1),
	ARG(ioctl, 1, KVM_GET_MSR_INDEX_LIST),
	ARG(ioctl, 1, KVM_GET_REGS),
	ARG(ioctl, 1, KVM_GET_SREGS),
	ARG(ioctl, 1, KVM_GET_XSAVE),
	ARG(ioctl, 1, KVM_GET_XCRS),
	ARG(ioctl, 1, KVM_GET_MSRS),
	ARG(ioctl, 1, KVM_GET_LAPIC),
	ARG(ioctl, 1, KVM_GET_VCPU_EVENTS),
	ARG(ioctl, 1, KVM_GET_DEBUGREGS),
	ARG(ioctl, 1, KVM_GET_MP_STATE),
	ARG(ioctl, 1, KVM_GET_IRQCHIP),
	ARG(ioctl, 1, KVM_GET_PIT2),
	ARG(ioctl, 1, KVM_GET_CLOCK),
	VHOST_RING_RULES,
};

/* Only while the threads start: what pthread_create and the threads' first steps use. */
static const struct rule starting[] = {
	ANY(clone),
	ANY(clone3),
	ANY(set_robust_list),
	ANY(rseq),
	ANY(prctl),
	ANY(sched_setaffinity),
	ANY(sched_getaffinity),
	ANY(sigaltstack),
	ANY(getrlimit),
	ANY(prlimit64),
	ANY(rt_sigaction),
	ANY(seccomp),
};

/*
 * The process that reads a guest's disk for its boot menu (bootloader.c):
 * memory, time, its end, and (sandbox_seccomp_reader) reading its disk and
 * writing its results, each only on its own fds. Not one of the guest
 * process's kinds: it is a process of its own, filtered once.
 */
static const struct rule reader[] = {
	ANY(futex),
	ANY(exit),
	ANY(exit_group),
	ANY(rt_sigreturn),
	ANY(rt_sigprocmask),
	ANY(madvise),
	ANY(munmap),
	ANY(mremap),
	ANY(brk),
	ANY(clock_gettime),
	ANY(getpid),
	ANY(gettid),
	ANY(fstat),
	ARG(newfstatat, 3, AT_EMPTY_PATH),
	ANY(close),
};

struct kind_rules {
	const struct rule *rules;
	unsigned n;
};

static const struct kind_rules kinds[] = {
	[SANDBOX_VCPU] = { vcpu, ARRAY_SIZE(vcpu) },
	[SANDBOX_IO] = { io, ARRAY_SIZE(io) },
	[SANDBOX_DISK] = { disk, ARRAY_SIZE(disk) },
	[SANDBOX_CONTROL] = { control, ARRAY_SIZE(control) },
};

static uint32_t default_action(enum vmm_seccomp_mode mode)
{
	switch (mode) {
	case VMM_SECCOMP_TRAP:
		return SCMP_ACT_TRAP;
	case VMM_SECCOMP_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

static int add_rules(scmp_filter_ctx ctx, const struct rule *r, unsigned n)
{
	unsigned i;
	int e;

	for (i = 0; i < n; i++) {
		if (r[i].arg < 0)
			e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r[i].nr, 0);
		else
			e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r[i].nr, 1,
					     SCMP_CMP((unsigned)r[i].arg, SCMP_CMP_EQ, r[i].val));
		/* -EEXIST: the same call with another argument, already allowed outright */
		if (e && e != -EEXIST)
			return e;
	}
	return 0;
}

/* Memory may be mapped and protected, never executable. */
static int add_memory_rules(scmp_filter_ctx ctx)
{
	int e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				 SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));

	return e ? e
		 : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* Loads the filter ctx holds unless e says building it failed; releases it. */
static int finish(scmp_filter_ctx ctx, int e, char **err)
{
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	if (e) {
		*err = xasprintf("seccomp: cannot load the filter: %s", strerror(-e));
		return -1;
	}
	return 0;
}

/*
 * A filter with a process's base list, the sanitizer's calls and the
 * memory rules; *e says whether adding them worked. NULL with *err when
 * there is no filter at all.
 */
static scmp_filter_ctx start_filter(enum vmm_seccomp_mode mode, const struct rule *base,
				    unsigned nbase, int *e, char **err)
{
	scmp_filter_ctx ctx = seccomp_init(default_action(mode));

	if (!ctx) {
		*err = xstrdup("seccomp: cannot set up a filter");
		return NULL;
	}
	*e = add_rules(ctx, base, nbase);
	if (!*e)
		*e = add_rules(ctx, sanitizer, ARRAY_SIZE(sanitizer));
	if (!*e)
		*e = add_memory_rules(ctx);
	return ctx;
}

static int load(enum vmm_seccomp_mode mode, const struct kind_rules *lists, unsigned nlists,
		char **err)
{
	unsigned i;
	int e;
	scmp_filter_ctx ctx = start_filter(mode, common, ARRAY_SIZE(common), &e, err);

	if (!ctx)
		return -1;
	for (i = 0; !e && i < nlists; i++)
		e = add_rules(ctx, lists[i].rules, lists[i].n);
	return finish(ctx, e, err);
}

/* The call nr, only on fd (its first argument). */
static int add_fd_rule(scmp_filter_ctx ctx, int nr, int fd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, (unsigned)fd));
}

/* TRAP mode: name the call in the log, then die as KILL mode would have. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char buf[96];
	int n;

	(void)ctx;
	n = snprintf(buf, sizeof(buf), "xlc-vmm: seccomp: system call %d is not allowed here\n",
		     si->si_syscall);
	if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int catch_sigsys(enum vmm_seccomp_mode mode, char **err)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	if (mode == VMM_SECCOMP_TRAP && sigaction(SIGSYS, &sa, NULL)) {
		*err = xasprintf("seccomp: cannot catch SIGSYS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_seccomp_process(enum vmm_seccomp_mode mode, char **err)
{
	struct kind_rules all[ARRAY_SIZE(kinds) + 1];
	unsigned i;

	if (mode == VMM_SECCOMP_OFF)
		return 0;
	if (catch_sigsys(mode, err))
		return -1;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		all[i] = kinds[i];
	all[i] = (struct kind_rules){ starting, ARRAY_SIZE(starting) };
	return load(mode, all, ARRAY_SIZE(all), err);
}

int sandbox_seccomp_thread(enum vmm_seccomp_mode mode, enum sandbox_thread kind, char **err)
{
	if (mode == VMM_SECCOMP_OFF)
		return 0;
	if ((unsigned)kind >= ARRAY_SIZE(kinds)) {
		*err = xstrdup("seccomp: no such thread kind");
		return -1;
	}
	return load(mode, &kinds[kind], 1, err);
}

int sandbox_seccomp_reader(enum vmm_seccomp_mode mode, int disk_fd, const int *outputs,
			   unsigned noutputs, char **err)
{
	scmp_filter_ctx ctx;
	unsigned i;
	int e;

	if (mode == VMM_SECCOMP_OFF)
		return 0;
	if (catch_sigsys(mode, err))
		return -1;
	ctx = start_filter(mode, reader, ARRAY_SIZE(reader), &e, err);
	if (!ctx)
		return -1;
	if (!e)
		e = add_fd_rule(ctx, SCMP_SYS(pread64), disk_fd);
	if (!e)
		e = add_fd_rule(ctx, SCMP_SYS(read), disk_fd);
	for (i = 0; !e && i < noutputs; i++) {
		e = add_fd_rule(ctx, SCMP_SYS(write), outputs[i]);
		if (!e)
			e = add_fd_rule(ctx, SCMP_SYS(ftruncate), outputs[i]);
		if (!e)
			e = add_fd_rule(ctx, SCMP_SYS(lseek), outputs[i]);
	}
	return finish(ctx, e, err);
}
