/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The supervisor: the domain's process for its whole life, across reboots.
 * It claims the name and id in the run directory, holds what needs
 * privilege (host.h), writes the logs, answers the control socket (ctl.h)
 * and starts one confined guest process (guest.h) per boot, doing what the
 * config's on_* keys say when one ends. It never touches guest memory: what
 * it learns of the guest comes through the link, the shared page and /proc.
 */
#ifndef XLC_KVM_SUPERVISOR_H
#define XLC_KVM_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/rundir.h"
#include "backends/kvm/vmm/guest.h"
#include "backends/kvm/vmm/host.h"
#include "backends/kvm/vmm/logfile.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "backends/kvm/vmm_spec.h"

#define MAX_CLIENTS 32
#define GUEST_START_TIMEOUT_MS 60000 /* building a machine: loading kernel and ramdisk */
#define GUEST_REPLY_TIMEOUT_MS 2000  /* a request to a running guest process */

enum dom_state { ST_RUNNING, ST_PAUSED, ST_SHUTDOWN };

struct client {
	int fd;
	char line[CTL_LINE_MAX];
	size_t len;
	bool waiter;   /* "wait": closed when the domain is gone */
	bool awaiting; /* its request went to the guest process */
	uint32_t seq;  /* under this number */
	enum ctl_command cmd;
	long long deadline; /* ms, CLOCK_MONOTONIC: dropped (or answered) by then */
	int passed_fd;	    /* the fd its line came with (save's stream), or -1 */
};

/* The guest process of the current boot. */
struct boot {
	pid_t pid; /* 0: none */
	int pidfd, link_fd, console_out_fd, console_in_fd, log_fd;
	bool ready;
	int ended;   /* what GUEST_ENDED said, or VM_RUNNING */
	int flags;   /* the sandbox flags it reported */
	bool killed; /* by us: destroy */
};

/* How much console output waits for a client: the newest 64 KiB. */
#define CONSOLE_BACKLOG_BYTES 65536

struct supervisor {
	struct vmm_spec *spec;
	const char *name; /* the domain's (rename and rename-restart's keeper change it) */
	char *name_buf;	  /* name, when it is no longer the spec's */
	int domid;	  /* the current boot's: each reboot takes a new one, as on Xen */
	int first_domid;  /* the created-with id, held for the taps and cgroup named for it */
	struct rundir rd;
	int listen_fd;
	int ready_fd;	/* the creating xlc waits for "ok" or "error ..." here */
	int restore_fd; /* restore: the stream the first boot loads; -1 once it has */
	struct host host;
	struct logfile log, console_log;
	struct guest_shared *shared;
	struct boot boot;
	enum dom_state state;
	int last_reason; /* enum vm_exit_reason of the last boot */
	int final_code;	 /* the reason code for the waiters once all is gone, or -1 */
	char *crash_reason;
	time_t start_time;
	unsigned boots;
	uint64_t ended_cpu_ns; /* the last ended boot's CPU time: Time(s) of a preserved guest */
	uint64_t target_kib;   /* mem-set's: the guest's RAM less what its balloon holds */
	uint64_t max_kib;      /* mem-max's: the most mem-set may ask, at most the RAM */
	struct client clients[MAX_CLIENTS];
	int nclients;
	int console_fd; /* the attached `xlc console`, or -1 */
	/* Output no console client has seen yet (the newest kept), as xenconsoled keeps it. */
	char backlog[CONSOLE_BACKLOG_BYTES];
	size_t backlog_len;
	int signal_fd;
	bool quit;
	uint32_t save_seq; /* the save under way (its request's number), or 0 */
	enum guest_save_after save_after;
};

/*
 * Attaches a console client: it gets the output no client has seen (what
 * the guest printed before `create -F` or `console` attached) first.
 */
void sv_console_attach(struct supervisor *sv, int fd);

/*
 * Runs the domain until it is gone; returns the process's exit status.
 * restore_fd: the machine stream its first boot continues from, or -1.
 */
int supervisor_run(struct vmm_spec *spec, int ready_fd, int restore_fd);

/* Messages for the VMM log (and the terminal under create -F). */
void sv_log(struct supervisor *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* control.c: the control socket's clients. */
void control_accept(struct supervisor *sv);
void control_readable(struct supervisor *sv, int i);
void control_drop(struct supervisor *sv, int i);
/* The guest process answered request seq (0 ok, or -1). */
void control_guest_done(struct supervisor *sv, uint32_t seq, int result, const char *why);
/* Drops clients past their deadline and answers requests the guest process never did. */
void control_timeouts(struct supervisor *sv, long long now);
long long control_next_deadline(const struct supervisor *sv);
/* The guest shut down (xl's reason code): said to the "wait" clients, which stay. */
void control_shut_down(struct supervisor *sv, int code);
/*
 * Ends the connections of the "wait" clients (waiters true: the domain they
 * watched is gone, as a rebooted Xen domain is) or of all the others.
 */
void control_drop_clients(struct supervisor *sv, bool waiters);
/* The guest process ended: requests waiting for it are answered. */
void control_guest_gone(struct supervisor *sv);

/* supervisor.c, for control.c. */
long long now_ms(void);
/*
 * Sends a request to the guest process, with an argument, a size and an fd
 * (-1: none; the guest process gets a copy); its number, or 0 if it could
 * not be sent.
 */
uint32_t sv_send_guest(struct supervisor *sv, enum guest_msg_type type, int32_t arg, uint64_t size,
		       int fd);
/* The balloon's target in pages: the RAM (maxmem) less mem-set's target. */
uint32_t sv_balloon_pages(const struct supervisor *sv);
void sv_destroy(struct supervisor *sv);
/* rename: the run directory, the process's name, the config; -1 with *err. */
int sv_rename(struct supervisor *sv, const char *new_name, char **err);
char *sv_info_json(struct supervisor *sv);

#endif
