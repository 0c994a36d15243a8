/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm backend's only state: the run directory (default /run/xlc, mode
 * 0700). A running guest is its VMM process, listening on <name>.sock (mode
 * 0600); id-<N> is a symlink to the name holding domain id N. Names and ids
 * are claimed under an flock on .lock, so concurrent creates cannot take the
 * same one; a socket nobody listens on (its VMM died) is a ghost, removed by
 * whoever finds it.
 */
#ifndef XLC_KVM_RUNDIR_H
#define XLC_KVM_RUNDIR_H

#include <stdbool.h>
#include <sys/types.h>

struct rundir {
	char *path;
	int lock_fd;
};

int rundir_open(struct rundir *rd, const char *path, char **err);
void rundir_close(struct rundir *rd);
void rundir_lock(struct rundir *rd);
void rundir_unlock(struct rundir *rd);

char *rundir_socket(const struct rundir *rd, const char *name);

/* Removes ghosts: sockets without a listener and ids whose name is gone. */
void rundir_clean(struct rundir *rd);

/*
 * Under the lock: a free domain id for name, or -1: the ids go up from 1, as
 * Xen's do, and wrap; the next to try is kept in the lock file.
 */
int rundir_claim_id(struct rundir *rd, const char *name);
/* Binds and listens on name's socket; -1 with errno EADDRINUSE if taken. */
int rundir_listen(struct rundir *rd, const char *name);
/* Takes a name (refused if taken), an id and a listening socket, under the lock. */
int rundir_claim(struct rundir *rd, const char *name, int *domid, int *listen_fd, char **err);
/*
 * A rebooted domain's new id, as Xen's reboot makes a new domain: the old id
 * is freed unless it names another domain by now. The new id, or -1.
 */
int rundir_renew_id(struct rundir *rd, const char *name, int old_domid);
/*
 * rename-restart's old guest: takes name (refused if taken) with a
 * listening socket and the id domid, which it keeps as Xen's does.
 */
int rundir_claim_with_id(struct rundir *rd, const char *name, int domid, int *listen_fd,
			 char **err);
/*
 * Renames a domain, under the lock: its socket, pid file and id; -1 with
 * *err if the new name is taken or not a name.
 */
int rundir_rename(struct rundir *rd, const char *name, const char *new_name, int domid, char **err);
/*
 * A name xlc can keep in the run directory and send in a request: 1 to
 * RUNDIR_NAME_MAX printable characters, no blank or '/', not . or ..
 * (a config's name is stricter: parsers/domain_config.c).
 */
#define RUNDIR_NAME_MAX 100 /* "rename NAME" fits in CTL_LINE_MAX */
bool rundir_name_ok(const char *name);
/* Forgets a domain: its socket and its id (if the id still names it). */
void rundir_release(struct rundir *rd, const char *name, int domid);
/*
 * rundir_claim also holds the id a domain is created with (its taps and
 * cgroup are named for it) for the domain's whole life, even once reboots
 * gave it others; this lets it go.
 */
void rundir_release_hold(struct rundir *rd, int domid, const char *name);

struct rundir_entry {
	char *name;
	int domid;
};

/* Every domain that has an id, sorted by id; frees with rundir_entries_free. */
int rundir_list(struct rundir *rd, struct rundir_entry **out);
void rundir_entries_free(struct rundir_entry *e, int n);

/* A domain by name or id; 0, or -1 with "X is an invalid domain identifier". */
int rundir_resolve(struct rundir *rd, const char *arg, char **name, int *domid, char **err);

/* How a request to a domain's VMM went. */
enum rundir_status {
	RUNDIR_OK = 0,
	RUNDIR_GONE = -2,   /* nothing listens: the domain is not running (a ghost is removed) */
	RUNDIR_SILENT = -3, /* it listens but does not answer: stopped, hung, or swamped */
};

/* A non-blocking connection to a domain's VMM, or RUNDIR_GONE / RUNDIR_SILENT. */
int rundir_connect(struct rundir *rd, const char *name);

/*
 * Sends one command line to a domain's VMM and reads its reply up to EOF,
 * within CTL_REPLY_TIMEOUT_MS. Returns RUNDIR_OK, -1 if the VMM answered
 * "error ..." (the text in *err), or RUNDIR_GONE / RUNDIR_SILENT with *err.
 */
int rundir_request(struct rundir *rd, const char *name, const char *cmd, char **reply, char **err);

/*
 * The same command to n domains at once, all within timeout_ms: replies[i]
 * (or NULL) and status[i] (RUNDIR_OK, RUNDIR_GONE or RUNDIR_SILENT).
 */
void rundir_exchange(struct rundir *rd, const char *const *names, int n, const char *cmd,
		     int timeout_ms, char **replies, int *status);

/* <name>.pid: the VMM that holds the name (written at claim, removed at release). */
void rundir_set_pid(struct rundir *rd, const char *name, pid_t pid);
/* That pid, if the process is still that domain's VMM; else 0. */
pid_t rundir_get_pid(const struct rundir *rd, const char *name);

#endif
