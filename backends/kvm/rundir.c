// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/rundir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backends/kvm/ctl.h"
#include "lib/safe_dir.h"
#include "lib/util.h"

/* Xen's ids for guests: from DOMID_FIRST_RESERVED (0x7FF0) on, ids mean something else. */
#define MAX_DOMID 32751

int rundir_open(struct rundir *rd, const char *path, char **err)
{
	char *lock;

	rd->path = xstrdup(path);
	rd->lock_fd = -1;
	if (safe_dir(path, 0700, "the run directory", err))
		goto fail;
	if (chmod(path, 0700)) {
		*err = xasprintf("cannot create the run directory %s: %s", path, strerror(errno));
		goto fail;
	}
	lock = xasprintf("%s/.lock", path);
	rd->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(lock);
	if (rd->lock_fd < 0) {
		*err = xasprintf("cannot open %s/.lock: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	rundir_close(rd); /* callers need not close what did not open */
	return -1;
}

void rundir_close(struct rundir *rd)
{
	if (rd->lock_fd >= 0)
		close(rd->lock_fd);
	free(rd->path);
	rd->path = NULL;
	rd->lock_fd = -1;
}

void rundir_lock(struct rundir *rd)
{
	while (flock(rd->lock_fd, LOCK_EX) && errno == EINTR)
		;
}

void rundir_unlock(struct rundir *rd)
{
	flock(rd->lock_fd, LOCK_UN);
}

char *rundir_socket(const struct rundir *rd, const char *name)
{
	return xasprintf("%s/%s.sock", rd->path, name);
}

static int sockaddr_for(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/*
 * A fresh non-blocking stream socket, with sa set to path; -1 if path is too
 * long or no socket. Non-blocking, so that connecting to a VMM whose backlog
 * is full fails at once (EAGAIN) instead of waiting for it.
 */
static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	if (sockaddr_for(path, sa))
		return -1;
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

/* 1 if something listens on path (a full backlog counts), 0 if it is a ghost or missing. */
static int alive(const char *path)
{
	struct sockaddr_un sa;
	int fd, ok;

	fd = unix_socket(path, &sa);
	if (fd < 0)
		return errno == ENAMETOOLONG ? 0 : 1; /* no socket: cannot tell, keep it */
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EAGAIN;
	close(fd);
	return ok;
}

static char *pid_path(const struct rundir *rd, const char *name)
{
	return xasprintf("%s/%s.pid", rd->path, name);
}

static char *id_path(const struct rundir *rd, int domid)
{
	return xasprintf("%s/id-%d", rd->path, domid);
}

/*
 * .held-N: the id a domain was created with, which its taps (vifN.M) and
 * cgroup (guest-N) keep across reboots; no other domain may take it while
 * the domain lives, though list shows the domain under its current id.
 */
static char *held_path(const struct rundir *rd, int domid)
{
	return xasprintf("%s/.held-%d", rd->path, domid);
}

static char *link_target(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static char *id_target(const struct rundir *rd, int domid)
{
	char *path = id_path(rd, domid), *name = link_target(path);

	free(path);
	return name;
}

/* The id in a directory entry named prefix + digits ("id-12"), or -1 for any other name. */
static int entry_id(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	long id;

	if (strncmp(name, prefix, n) || !name[n] ||
	    strspn(name + n, "0123456789") != strlen(name + n) || strlen(name + n) > 5)
		return -1;
	id = strtol(name + n, NULL, 10);
	return id >= 1 && id <= MAX_DOMID ? (int)id : -1;
}

/* Sockets first, then ids: an id is stale once its name's socket is gone. */
static void clean_pass(struct rundir *rd, bool ids)
{
	DIR *d = opendir(rd->path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path;

		if (!ids && n > 5 && !strcmp(e->d_name + n - 5, ".sock")) {
			path = xasprintf("%s/%s", rd->path, e->d_name);
			if (!alive(path))
				unlink(path);
			free(path);
		} else if (ids && n > 4 && !strcmp(e->d_name + n - 4, ".pid")) {
			char *sock = xasprintf("%s/%.*s.sock", rd->path, (int)(n - 4), e->d_name);

			path = xasprintf("%s/%s", rd->path, e->d_name);
			if (access(sock, F_OK))
				unlink(path);
			free(sock);
			free(path);
		} else if (ids &&
			   (entry_id(e->d_name, "id-") > 0 || entry_id(e->d_name, ".held-") > 0)) {
			char *name, *sock;

			path = xasprintf("%s/%s", rd->path, e->d_name);
			name = link_target(path);
			sock = name ? rundir_socket(rd, name) : NULL;
			if (!sock || access(sock, F_OK))
				unlink(path);
			free(sock);
			free(name);
			free(path);
		}
	}
	closedir(d);
}

/* The id in "disk-<id>-<vdev>", or -1. */
static int export_id(const char *name)
{
	char digits[8];
	size_t n;

	if (strncmp(name, "disk-", 5))
		return -1;
	n = strspn(name + 5, "0123456789");
	if (!n || n >= sizeof(digits) || name[5 + n] != '-')
		return -1;
	snprintf(digits, sizeof(digits), "id-%.*s", (int)n, name + 5);
	return entry_id(digits, "id-");
}

/*
 * A qcow2 (...) image's raw view, disk-<id>-<vdev>, left mounted by a
 * qemu-storage-daemon whose VMM was killed: gone once its domain id is
 * neither live (id-<id>) nor held by a rebooted guest (.held-<id>).
 */
static void clean_exports(struct rundir *rd)
{
	DIR *d = opendir(rd->path);
	struct dirent *e;
	char *path, *id_link, *held;
	struct stat st;
	int id;

	if (!d)
		return;
	while ((e = readdir(d))) {
		id = export_id(e->d_name);
		if (id < 0)
			continue;
		id_link = xasprintf("%s/id-%d", rd->path, id);
		held = xasprintf("%s/.held-%d", rd->path, id);
		/* The links name a guest (not a file): their own existence counts. */
		if (lstat(id_link, &st) && lstat(held, &st)) {
			path = xasprintf("%s/%s", rd->path, e->d_name);
			umount2(path, MNT_DETACH);
			unlink(path);
			free(path);
		}
		free(id_link);
		free(held);
	}
	closedir(d);
}

void rundir_clean(struct rundir *rd)
{
	clean_pass(rd, false);
	clean_pass(rd, true);
	clean_exports(rd);
}

/*
 * The id to try first, kept in the lock file (which the lock guards): ids go
 * up as Xen's do, so a dead domain's id is not reused at once.
 */
static int next_id(const struct rundir *rd)
{
	char buf[16] = "";
	int id = 1;

	if (pread(rd->lock_fd, buf, sizeof(buf) - 1, 0) > 0)
		id = atoi(buf);
	return id >= 1 && id <= MAX_DOMID ? id : 1;
}

static void set_next_id(const struct rundir *rd, int id)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%-10d\n", id); /* fixed width: no truncate needed */

	if (pwrite(rd->lock_fd, buf, (size_t)n, 0) != n) {
		/* ids then start again from the lowest free one: still unique */
	}
}

int rundir_claim_id(struct rundir *rd, const char *name)
{
	int start = next_id(rd), i;

	for (i = 0; i < MAX_DOMID; i++) {
		int domid = (start - 1 + i) % MAX_DOMID + 1;
		char *path = id_path(rd, domid), *held = held_path(rd, domid);
		int r = -1;

		struct stat st;

		errno = EEXIST;
		if (lstat(held, &st)) /* held by a domain created with it (a link to its name) */
			r = symlink(name, path);
		free(held);
		free(path);
		if (!r) {
			set_next_id(rd, domid % MAX_DOMID + 1);
			return domid;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = ENOSPC;
	return -1;
}

int rundir_listen(struct rundir *rd, const char *name)
{
	char *path = rundir_socket(rd, name);
	struct sockaddr_un sa;
	int fd = unix_socket(path, &sa);

	if (fd < 0)
		goto out;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) || listen(fd, 16)) {
		int saved = errno;

		close(fd);
		fd = -1;
		errno = saved;
	}
out:
	free(path);
	return fd;
}

void rundir_release(struct rundir *rd, const char *name, int domid)
{
	char *sock = rundir_socket(rd, name), *owner = domid > 0 ? id_target(rd, domid) : NULL;
	char *pid = pid_path(rd, name);

	unlink(sock);
	unlink(pid);
	free(pid);
	if (owner && !strcmp(owner, name)) {
		char *path = id_path(rd, domid);

		unlink(path);
		free(path);
	}
	free(owner);
	free(sock);
}

static int by_domid(const void *a, const void *b)
{
	return ((const struct rundir_entry *)a)->domid - ((const struct rundir_entry *)b)->domid;
}

int rundir_list(struct rundir *rd, struct rundir_entry **out)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	*out = NULL;
	rundir_lock(rd);
	rundir_clean(rd);
	rundir_unlock(rd);
	d = opendir(rd->path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *name;
		int domid = entry_id(e->d_name, "id-");

		if (domid < 0 || !(name = id_target(rd, domid)))
			continue;
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		(*out)[n].name = name;
		(*out)[n].domid = domid;
		n++;
	}
	closedir(d);
	if (n)
		qsort(*out, (size_t)n, sizeof(**out), by_domid);
	return n;
}

void rundir_entries_free(struct rundir_entry *e, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

int rundir_resolve(struct rundir *rd, const char *arg, char **name, int *domid, char **err)
{
	struct rundir_entry *e;
	int n = rundir_list(rd, &e), i;
	unsigned long id = 0;
	bool numeric = parse_ulong(arg, 10, &id);

	for (i = 0; i < n; i++) {
		if ((numeric && e[i].domid == (int)id) || !strcmp(e[i].name, arg)) {
			*name = xstrdup(e[i].name);
			*domid = e[i].domid;
			rundir_entries_free(e, n);
			return 0;
		}
	}
	rundir_entries_free(e, n);
	*err = xasprintf("%s is an invalid domain identifier", arg);
	return -1;
}

int rundir_connect(struct rundir *rd, const char *name)
{
	char *path = rundir_socket(rd, name);
	struct sockaddr_un sa;
	int fd = unix_socket(path, &sa), r = -1;

	free(path);
	if (fd < 0)
		return RUNDIR_GONE;
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fd;
	if (errno == EAGAIN) {
		r = RUNDIR_SILENT; /* its backlog is full: it does not accept */
	} else if (errno == ECONNREFUSED) {
		rundir_lock(rd);
		rundir_clean(rd);
		rundir_unlock(rd);
		r = RUNDIR_GONE;
	} else {
		r = RUNDIR_GONE;
	}
	close(fd);
	return r;
}

/* One request in flight: the socket, what is left to send, what came back. */
struct exchange {
	int fd;
	const char *out;
	size_t out_len;
	struct strbuf in;
	int status; /* RUNDIR_OK once EOF came, else RUNDIR_SILENT or RUNDIR_GONE */
	bool done;
};

static void exchange_step(struct exchange *x, short revents)
{
	char buf[16384];
	ssize_t n;

	if ((revents & POLLOUT) && x->out_len) {
		n = send(x->fd, x->out, x->out_len, MSG_NOSIGNAL);
		if (n > 0) {
			x->out += n;
			x->out_len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN) {
			x->out_len = 0; /* it hung up first: what it said before is still to read */
		}
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(x->fd, buf, sizeof(buf));
	if (n > 0 && x->in.len + (size_t)n <= CTL_REPLY_MAX) {
		sb_addn(&x->in, buf, (size_t)n);
	} else if (n == 0) {
		x->done = true;
		x->status = RUNDIR_OK;
	} else if (n > 0 || errno != EAGAIN) {
		/*
		 * Too long a reply, or reset: it hung up without reading our
		 * request (a VMM with every client slot taken does). It is
		 * there, but it did not answer.
		 */
		x->done = true;
		x->status = RUNDIR_SILENT;
	}
}

void rundir_exchange(struct rundir *rd, const char *const *names, int n, const char *cmd,
		     int timeout_ms, char **replies, int *status)
{
	struct exchange *x = xcalloc((size_t)n + 1, sizeof(*x));
	struct pollfd *p = xcalloc((size_t)n + 1, sizeof(*p));
	char *line = xasprintf("%s\n", cmd);
	struct timespec t0, t;
	int i, left = 0, elapsed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		sb_init(&x[i].in);
		x[i].fd = rundir_connect(rd, names[i]);
		x[i].out = line;
		x[i].out_len = strlen(line);
		x[i].status = x[i].fd == RUNDIR_SILENT ? RUNDIR_SILENT : RUNDIR_GONE;
		x[i].done = x[i].fd < 0;
		left += !x[i].done;
	}
	while (left) {
		for (i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = x[i].done ? -1 : x[i].fd,
						.events = (short)(POLLIN |
								  (x[i].out_len ? POLLOUT : 0)) };
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (elapsed >= timeout_ms ||
		    (poll(p, (nfds_t)n, timeout_ms - elapsed) < 0 && errno != EINTR))
			break;
		for (i = 0; i < n; i++) {
			if (x[i].done || !p[i].revents)
				continue;
			exchange_step(&x[i], p[i].revents);
			left -= x[i].done;
		}
	}
	for (i = 0; i < n; i++) {
		if (x[i].fd >= 0)
			close(x[i].fd);
		if (!x[i].done)
			x[i].status = RUNDIR_SILENT; /* the time ran out */
		status[i] = x[i].status;
		replies[i] = x[i].status == RUNDIR_OK ? sb_detach(&x[i].in) : NULL;
		if (x[i].status != RUNDIR_OK)
			sb_free(&x[i].in);
	}
	free(line);
	free(p);
	free(x);
}

int rundir_request(struct rundir *rd, const char *name, const char *cmd, char **reply, char **err)
{
	const char *names[1] = { name };
	int status;

	rundir_exchange(rd, names, 1, cmd, CTL_REPLY_TIMEOUT_MS, reply, &status);
	if (status == RUNDIR_GONE) {
		*err = xasprintf("domain %s is not running", name);
		return RUNDIR_GONE;
	}
	if (status == RUNDIR_SILENT) {
		*err = xasprintf("domain %s's VMM does not answer (it may be stopped or hung); "
				 "xlc destroy ends it",
				 name);
		return RUNDIR_SILENT;
	}
	if (!strncmp(*reply, "error ", 6)) {
		(*reply)[strcspn(*reply, "\n")] = '\0';
		*err = xstrdup(*reply + 6);
		free(*reply);
		*reply = NULL;
		return -1;
	}
	return RUNDIR_OK;
}

/* ---- the VMM's pid, for a VMM that does not answer ---- */

void rundir_set_pid(struct rundir *rd, const char *name, pid_t pid)
{
	char *path = pid_path(rd, name), *tmp = xasprintf("%s.new", path), buf[24];
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	if (fd >= 0) {
		if (write(fd, buf, (size_t)n) == n)
			rename(tmp, path);
		close(fd);
	}
	unlink(tmp);
	free(tmp);
	free(path);
}

/*
 * The pid in <name>.pid, if that process is still the domain's VMM: its
 * comm must be "xlc-<name>" (as far as the kernel keeps it), so that a
 * recycled pid is never taken for it.
 */
pid_t rundir_get_pid(const struct rundir *rd, const char *name)
{
	char *path = pid_path(rd, name), *text = read_file(path, NULL), *comm, want[16];
	unsigned long pid = 0;
	pid_t ret = 0;

	free(path);
	if (!text)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (parse_ulong(text, 10, &pid) && pid > 1 && pid < 1u << 22) {
		path = xasprintf("/proc/%lu/comm", pid);
		comm = read_file(path, NULL);
		free(path);
		snprintf(want, sizeof(want), "xlc-%s", name);
		if (comm && !strncmp(comm, want, strlen(want)) && comm[strlen(want)] == '\n')
			ret = (pid_t)pid;
		free(comm);
	}
	free(text);
	return ret;
}

bool rundir_name_ok(const char *name)
{
	const char *p;

	if (!*name || strlen(name) > RUNDIR_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* Points id-N at name, replacing what it said (a symlink cannot be rewritten in place). */
static int set_id(struct rundir *rd, int domid, const char *name)
{
	char *path = id_path(rd, domid), *tmp = xasprintf("%s.new", path);
	int r;

	unlink(tmp);
	r = symlink(name, tmp) || rename(tmp, path) ? -1 : 0;
	unlink(tmp);
	free(tmp);
	free(path);
	return r;
}

/* Points the holds that name a domain at its new name (a rename). */
static void retarget_holds(struct rundir *rd, const char *name, const char *new_name)
{
	DIR *d = opendir(rd->path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		int domid = entry_id(e->d_name, ".held-");
		char *path, *target, *tmp;

		if (domid < 0)
			continue;
		path = held_path(rd, domid);
		target = link_target(path);
		tmp = xasprintf("%s.new", path);
		if (target && !strcmp(target, name) && !symlink(new_name, tmp))
			rename(tmp, path);
		unlink(tmp);
		free(tmp);
		free(target);
		free(path);
	}
	if (d)
		closedir(d);
}

int rundir_rename(struct rundir *rd, const char *name, const char *new_name, int domid, char **err)
{
	char *from = rundir_socket(rd, name), *to = rundir_socket(rd, new_name);
	char *pid_from = pid_path(rd, name), *pid_to = pid_path(rd, new_name);
	struct sockaddr_un sa;
	int ret = -1;

	if (!rundir_name_ok(new_name) || sockaddr_for(to, &sa)) {
		*err = xasprintf("'%s' is not a name for a domain here%s", new_name,
				 rundir_name_ok(new_name) ? " (too long for a socket path)" : "");
		goto out;
	}
	if (!strcmp(name, new_name)) {
		ret = 0;
		goto out;
	}
	rundir_lock(rd);
	rundir_clean(rd);
	/* NOREPLACE: a socket that appeared meanwhile is never overwritten. */
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE)) {
		*err = errno == EEXIST
			       ? xasprintf("domain with name \"%s\" already exists", new_name)
			       : xasprintf("cannot rename %s: %s", from, strerror(errno));
	} else if (set_id(rd, domid, new_name)) {
		*err = xasprintf("cannot point id %d at %s: %s", domid, new_name, strerror(errno));
		rename(to, from); /* as it was: the id still names the old name */
	} else {
		rename(pid_from, pid_to);
		retarget_holds(rd, name, new_name);
		ret = 0;
	}
	rundir_unlock(rd);
out:
	free(from);
	free(to);
	free(pid_from);
	free(pid_to);
	return ret;
}

int rundir_renew_id(struct rundir *rd, const char *name, int old_domid)
{
	int domid;

	rundir_lock(rd);
	domid = rundir_claim_id(rd, name);
	if (domid >= 0) {
		char *owner = id_target(rd, old_domid);

		if (owner && !strcmp(owner, name)) {
			char *path = id_path(rd, old_domid);

			unlink(path);
			free(path);
		}
		free(owner);
	}
	rundir_unlock(rd);
	return domid;
}

int rundir_claim_with_id(struct rundir *rd, const char *name, int domid, int *listen_fd, char **err)
{
	char *sock = rundir_socket(rd, name);
	int ret = -1;

	rundir_lock(rd);
	rundir_clean(rd);
	if (!access(sock, F_OK)) {
		*err = xasprintf("domain '%s' already exists", name);
		goto out;
	}
	*listen_fd = rundir_listen(rd, name);
	if (*listen_fd < 0) {
		*err = xasprintf("cannot listen on %s: %s", sock, strerror(errno));
		goto out;
	}
	if (set_id(rd, domid, name)) {
		*err = xasprintf("cannot give id %d to %s: %s", domid, name, strerror(errno));
		close(*listen_fd);
		unlink(sock);
		goto out;
	}
	ret = 0;
out:
	rundir_unlock(rd);
	free(sock);
	return ret;
}

/* The created-with id stays the domain's (see held_path); a ghost's hold is cleaned. */
static void hold_id(struct rundir *rd, int domid, const char *name)
{
	char *path = held_path(rd, domid);

	unlink(path);
	if (symlink(name, path)) {
		/* without it the id may go to another domain after 32751 more */
	}
	free(path);
}

void rundir_release_hold(struct rundir *rd, int domid, const char *name)
{
	char *path = held_path(rd, domid), *target = link_target(path);

	if (target && !strcmp(target, name))
		unlink(path);
	free(target);
	free(path);
}

int rundir_claim(struct rundir *rd, const char *name, int *domid, int *listen_fd, char **err)
{
	char *sock = rundir_socket(rd, name);
	int ret = -1;

	rundir_lock(rd);
	rundir_clean(rd);
	if (!access(sock, F_OK)) {
		*err = xasprintf("domain '%s' already exists; choose another name", name);
		goto out;
	}
	*domid = rundir_claim_id(rd, name);
	if (*domid < 0) {
		*err = xasprintf("no free domain id in %s: %s", rd->path, strerror(errno));
		goto out;
	}
	*listen_fd = rundir_listen(rd, name);
	if (*listen_fd < 0) {
		*err = xasprintf("cannot listen on %s: %s", sock, strerror(errno));
		rundir_release(rd, name, *domid);
		goto out;
	}
	rundir_set_pid(rd, name, getpid());
	hold_id(rd, *domid, name);
	ret = 0;
out:
	rundir_unlock(rd);
	free(sock);
	return ret;
}
