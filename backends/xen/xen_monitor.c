// SPDX-License-Identifier: GPL-2.0
/*
 * The per-domain monitor, as xl's create leaves one behind: it waits for the
 * domain to shut down and applies on_poweroff, on_reboot or on_crash
 * (destroy, restart, rename-restart, preserve, coredump-*), then waits again
 * for the restarted domain, until the domain is gone.
 *
 * xl forks its monitor off the process that has just built the domain. xlc
 * re-executes itself instead (posix_spawn: no copy of the parent's memory)
 * and hands over the domain's libxl config as JSON on standard input. By then
 * libxl's xenstore reader thread is running, and a fork of a multithreaded
 * process is where dom0 under QEMU TCG handed the child corrupt memory (the
 * monitor died of SIGSEGV in libc, or of a failed symbol lookup, right after
 * the fork); a fresh image has nothing of the parent's but its environment.
 * A fresh image has died there too, now and then (free() of a bad pointer in
 * libc before main's work began), so the spawner waits until the monitor
 * says it watches the domain (a byte on fd MONITOR_READY_FD) and starts it
 * once more if it died first; a crash leaves its backtrace in the log.
 */
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/xen/xen.h"
#include "lib/util.h"

#define NO_DOMID ((uint32_t)INVALID_DOMID)

static libxl_action_on_shutdown action_for(const libxl_domain_config *d,
					   libxl_shutdown_reason reason)
{
	switch (reason) {
	case LIBXL_SHUTDOWN_REASON_POWEROFF:
		return d->on_poweroff;
	case LIBXL_SHUTDOWN_REASON_REBOOT:
		return d->on_reboot;
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return d->on_crash;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return d->on_watchdog;
	case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
		return d->on_soft_reset;
	default:
		return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	}
}

static void say(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const char *name, const char *fmt, ...)
{
	va_list ap;
	char when[32];
	time_t t = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s xlc-monitor: %s: ", when, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* rename-restart, as xl: the old domain stays, as <name>-YYYYMMDDTHHMMZ with a new uuid. */
static void rename_old(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *d)
{
	char suffix[24];
	time_t now = time(NULL);
	struct tm tm;
	libxl_uuid uuid;

	strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
	libxl_uuid_generate(&uuid);
	if (libxl_domain_preserve(ctx, domid, &d->c_info, suffix, uuid))
		say(d->c_info.name, "could not keep the old domain %u", domid);
	else
		say(d->c_info.name, "the old domain %u stays as %s%s", domid, d->c_info.name,
		    suffix);
}

/* Where xl writes a domain's core for on_crash = "coredump-*" (Xen's XEN_DUMP_DIR). */
#define XEN_DUMP_DIR "/var/lib/xen/dump"

/* coredump-destroy and coredump-restart: the domain's memory to XEN_DUMP_DIR/<name>, as xl. */
static void dump_core(libxl_ctx *ctx, uint32_t domid, const char *name)
{
	char *file = xasprintf("%s/%s", XEN_DUMP_DIR, name);

	/* xl expects the directory to exist; its absence is no reason to lose the dump. */
	mkdir(XEN_DUMP_DIR, 0700);
	say(name, "dumping core to %s", file);
	/* A failed dump does not stop the action, as in xl. */
	if (libxl_domain_core_dump(ctx, domid, file, NULL))
		say(name, "core dump of domain %u failed; see the libxl log", domid);
	free(file);
}

/* What a shutdown leaves to do: watch on (preserve), stop, or create anew from d. */
enum after_shutdown { KEEP_WATCHING, DONE, RESTART };

/*
 * As xl's reload_domain_config: the configuration libxl has for the domain
 * now (the disks and NICs attached since, its memory target) is the one it
 * restarts with; its first one if libxl cannot say.
 */
static void reload_config(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *d)
{
	libxl_domain_config now;

	libxl_domain_config_init(&now);
	if (libxl_retrieve_domain_configuration(ctx, domid, &now, NULL)) {
		say(d->c_info.name,
		    "cannot read domain %u's configuration; it restarts with its first", domid);
		libxl_domain_config_dispose(&now);
		return;
	}
	libxl_domain_config_dispose(d);
	*d = now; /* d owns what libxl allocated for now */
}

static enum after_shutdown apply(libxl_ctx *ctx, libxl_domain_config *d, uint32_t domid,
				 libxl_shutdown_reason reason)
{
	libxl_action_on_shutdown a = action_for(d, reason);

	say(d->c_info.name, "domain %u shut down (%s); action: %s", domid,
	    libxl_shutdown_reason_to_string(reason), libxl_action_on_shutdown_to_string(a));
	if (a == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ||
	    a == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART)
		dump_core(ctx, domid, d->c_info.name);
	switch (a) {
	case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
		return KEEP_WATCHING; /* destroy ends it */
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
		reload_config(ctx, domid, d);
		rename_old(ctx, domid, d);
		return RESTART;
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
	case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
	case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
		reload_config(ctx, domid, d);
		libxl_domain_destroy(ctx, domid, NULL);
		return RESTART;
	default:
		libxl_domain_destroy(ctx, domid, NULL);
		return DONE;
	}
}

/* Creates the domain again from d; its new id, or NO_DOMID. */
static uint32_t restart(libxl_ctx *ctx, libxl_domain_config *d)
{
	libxl_event *ev;
	uint32_t next = NO_DOMID;

	/* What the old domain's end left queued says nothing of the new one (as xl). */
	while (!libxl_event_check(ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL))
		libxl_event_free(ctx, ev);
	/* xl pauses 2 s here: without it, its comment says, re-creation sometimes fails. */
	sleep(2);
	if (libxl_domain_create_new(ctx, d, &next, NULL, NULL)) {
		say(d->c_info.name, "restart failed; see the libxl log");
		return NO_DOMID;
	}
	libxl_domain_unpause(ctx, next, NULL);
	say(d->c_info.name, "restarted as domain %u", next);
	return next;
}

/*
 * A suspend is save's or migrate's, and their command destroys the domain
 * or resumes it (save -c, -p). xl's monitor leaves at the suspend; this one
 * waits to see which, so that a domain that runs on keeps its on_* actions.
 * libxl reports a shutdown once per watch: the caller watches anew after.
 * Returns whether the domain runs again.
 */
static bool runs_again_after_suspend(libxl_ctx *ctx, const char *name, uint32_t domid)
{
	unsigned pause_ms = 200;
	libxl_dominfo info;
	bool shut_down, dying, suspended;
	int rc;

	say(name, "domain %u has suspended (save or migration)", domid);
	for (;;) {
		libxl_dominfo_init(&info);
		rc = libxl_domain_info(ctx, &info, domid);
		shut_down = info.shutdown;
		dying = info.dying;
		suspended = info.shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND;
		libxl_dominfo_dispose(&info);
		if (rc == ERROR_DOMAIN_NOTFOUND || (!rc && dying)) {
			say(name, "domain %u is gone", domid);
			return false;
		}
		/* Resumed, or shut down anew (the new watch reports that). */
		if (!rc && (!shut_down || !suspended)) {
			say(name, "domain %u runs again", domid);
			return true;
		}
		/* A domain left suspended (a failed handshake) is looked at less and less. */
		usleep(pause_ms * 1000);
		if (pause_ms < 5000)
			pause_ms *= 2;
	}
}

#define MONITOR_READY_FD 3
#define MONITOR_READY_WAIT_MS 60000 /* a monitor slower than this is left to it */

/* The spawner's end of "watching": written once the first watch is on. */
static int ready_fd = -1;

static void say_ready(void)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "1", 1) < 0) {
		/* the spawner gave up waiting: nothing to tell */
	}
	close(ready_fd);
	ready_fd = -1;
}

int xen_monitor(libxl_ctx *ctx, libxl_domain_config *d, uint32_t domid)
{
	libxl_evgen_domain_death *death = NULL;

	/* d->c_info.name, never a copy of the pointer: a restart replaces d's contents. */
	say(d->c_info.name, "watching domain %u", domid);
	for (;;) {
		libxl_event *ev = NULL;
		enum after_shutdown after;

		if (!death && libxl_evenable_domain_death(ctx, domid, 0, &death)) {
			say(d->c_info.name, "cannot watch domain %u", domid);
			return 1;
		}
		say_ready();
		if (libxl_event_wait(ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL))
			return 1;
		if (ev->domid != (libxl_domid)domid) {
			libxl_event_free(ctx, ev);
			continue;
		}
		if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
			say(d->c_info.name, "domain %u is gone", domid);
			libxl_event_free(ctx, ev);
			return 0;
		}
		if (ev->type != LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
			libxl_event_free(ctx, ev);
			continue;
		}
		if (ev->u.domain_shutdown.shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
			libxl_event_free(ctx, ev);
			libxl_evdisable_domain_death(ctx, death);
			death = NULL;
			if (runs_again_after_suspend(ctx, d->c_info.name, domid))
				continue;
			return 0;
		}
		after = apply(ctx, d, domid, ev->u.domain_shutdown.shutdown_reason);
		libxl_event_free(ctx, ev);
		if (after == KEEP_WATCHING)
			continue; /* preserved: the death event ends us */
		libxl_evdisable_domain_death(ctx, death);
		death = NULL;
		if (after == DONE)
			return 0;
		domid = restart(ctx, d);
		if (domid == NO_DOMID)
			return 0;
	}
}

/* The config as JSON in an unlinked in-memory file, read from its start. */
static int config_memfd(libxl_ctx *ctx, libxl_domain_config *d, char **err)
{
	char *json = libxl_domain_config_to_json(ctx, d);
	size_t len = json ? strlen(json) : 0;
	int fd = json ? memfd_create("xlc-monitor-config", MFD_CLOEXEC) : -1;

	if (fd < 0 || dprintf(fd, "%s", json) != (int)len || lseek(fd, 0, SEEK_SET)) {
		*err = xasprintf("cannot hand its config to the monitor: %s",
				 json ? strerror(errno) : "libxl could not write it as JSON");
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(json);
	return fd;
}

/*
 * One monitor started, its "watching" awaited: 0 it watches (or is slow to
 * say so), 1 it died before it did, -1 it could not be started (*err).
 */
static int spawn_once(libxl_ctx *ctx, const char *log, libxl_domain_config *d, uint32_t domid,
		      char **err)
{
	char domid_arg[16];
	char *argv[] = { "xlc", XEN_MONITOR_ARG, domid_arg, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	struct pollfd ready = { .events = POLLIN };
	int fd, pipe_fds[2], rc = -1;
	char byte;
	pid_t pid;

	fd = config_memfd(ctx, d, err);
	if (fd < 0)
		return -1;
	if (pipe2(pipe_fds, O_CLOEXEC)) {
		*err = xasprintf("cannot start its monitor: %s", strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(domid_arg, sizeof(domid_arg), "%u", domid);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, STDIN_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND,
					 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], MONITOR_READY_FD);
	posix_spawnattr_init(&attr);
	/* Its own session, no blocked signals, and no signal ignored because we ignore it. */
	sigemptyset(&none);
	sigfillset(&defaults);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	errno = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, environ);
	if (errno)
		*err = xasprintf("cannot start its monitor: %s", strerror(errno));
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	close(pipe_fds[1]);
	if (!*err) {
		ready.fd = pipe_fds[0];
		/* A byte: it watches; the end of the pipe without one: it died. */
		rc = poll(&ready, 1, MONITOR_READY_WAIT_MS) == 1 &&
		     read(pipe_fds[0], &byte, 1) == 0;
	}
	close(pipe_fds[0]);
	return rc;
}

int xen_monitor_spawn(libxl_ctx *ctx, const struct xlc_conf *conf, libxl_domain_config *d,
		      uint32_t domid, char **err)
{
	char *log = xasprintf("%s/xlc-%s.log", conf->log_dir, d->c_info.name);
	int rc = spawn_once(ctx, log, d, domid, err);

	if (rc == 1) /* it died before it watched: its log says how; once more */
		rc = spawn_once(ctx, log, d, domid, err);
	if (rc == 1)
		*err = xasprintf("its monitor died twice before it could watch it; see %s", log);
	free(log);
	return rc ? -1 : 0;
}

/* A crash says where, in the monitor's log, before the process dies of it. */
static void on_crash(int sig)
{
	void *frames[32];
	char line[64];
	int n = snprintf(line, sizeof(line), "xlc-monitor: signal %d; backtrace:\n", sig);

	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
	backtrace_symbols_fd(frames, backtrace(frames, 32), STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(void)
{
	void *frame;

	backtrace(&frame, 1); /* loads what backtrace() needs now, not in the handler */
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
}

int xen_monitor_main(const struct xlc_conf *conf, const char *domid_arg)
{
	libxl_domain_config d;
	unsigned long domid;
	char comm[16], *json, *err = NULL;
	libxl_ctx *ctx;
	int null, ret = 1;

	catch_crashes();
	/* The spawner's pipe, if it gave one: not for anything this monitor starts. */
	if (fcntl(MONITOR_READY_FD, F_SETFD, FD_CLOEXEC) == 0)
		ready_fd = MONITOR_READY_FD;
	libxl_domain_config_init(&d);
	json = read_fd(STDIN_FILENO, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != STDIN_FILENO) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	if (chdir("/")) {
		/* nothing depends on it */
	}
	if (!parse_ulong(domid_arg, 10, &domid) || !json) {
		xlc_warn("%s: needs a domain id and its libxl config (JSON) on stdin",
			 XEN_MONITOR_ARG);
		goto out;
	}
	ctx = xen_ctx(conf, &err);
	if (!ctx) {
		xlc_warn("%s", err);
		goto out;
	}
	if (libxl_domain_config_from_json(ctx, &d, json)) {
		xlc_warn("domain %lu: its config is not libxl's JSON; nobody watches it", domid);
		goto out;
	}
	snprintf(comm, sizeof(comm), "xlc-%s", d.c_info.name);
	prctl(PR_SET_NAME, comm);
	ret = xen_monitor(ctx, &d, (uint32_t)domid);
out:
	libxl_domain_config_dispose(&d);
	free(json);
	free(err);
	xen_ctx_free();
	return ret;
}
