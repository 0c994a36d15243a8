// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/rundir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"

#define MAX_DOMID 32767

static int mkdir_p(const char *path, mode_t mode)
{
	char *copy = xstrdup(path), *p;
	int ret = 0;

	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) && errno != EEXIST)
			ret = -1;
		*p = '/';
	}
	if (mkdir(copy, mode) && errno != EEXIST)
		ret = -1;
	free(copy);
	return ret;
}

int rundir_open(struct rundir *rd, const char *path, char **err)
{
	char *lock;

	rd->path = xstrdup(path);
	rd->lock_fd = -1;
	if (mkdir_p(path, 0700) || chmod(path, 0700)) {
		*err = xasprintf("cannot create the run directory %s: %s", path, strerror(errno));
		goto fail;
	}
	lock = xasprintf("%s/.lock", path);
	rd->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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

/* A fresh stream socket, with sa set to path; -1 if path is too long or no socket. */
static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	if (sockaddr_for(path, sa))
		return -1;
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* 1 if something listens on path, 0 if it is a ghost or missing. */
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

static char *id_path(const struct rundir *rd, int domid)
{
	return xasprintf("%s/id-%d", rd->path, domid);
}

static char *id_target(const struct rundir *rd, int domid)
{
	char *path = id_path(rd, domid), buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	free(path);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
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
		} else if (ids && !strncmp(e->d_name, "id-", 3)) {
			char *name = id_target(rd, atoi(e->d_name + 3)), *sock;

			path = xasprintf("%s/%s", rd->path, e->d_name);
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

void rundir_clean(struct rundir *rd)
{
	clean_pass(rd, false);
	clean_pass(rd, true);
}

int rundir_claim_id(struct rundir *rd, const char *name)
{
	int domid;

	for (domid = 1; domid <= MAX_DOMID; domid++) {
		char *path = id_path(rd, domid);
		int r = symlink(name, path);

		free(path);
		if (!r)
			return domid;
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

	unlink(sock);
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

		if (strncmp(e->d_name, "id-", 3) || !isdigit((unsigned char)e->d_name[3]))
			continue;
		name = id_target(rd, atoi(e->d_name + 3));
		if (!name)
			continue;
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		(*out)[n].name = name;
		(*out)[n].domid = atoi(e->d_name + 3);
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
	int fd = unix_socket(path, &sa);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (errno == ECONNREFUSED) {
			rundir_lock(rd);
			rundir_clean(rd);
			rundir_unlock(rd);
		}
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

int rundir_request(struct rundir *rd, const char *name, const char *cmd, char **reply, char **err)
{
	int fd = rundir_connect(rd, name);
	struct strbuf sb;
	char buf[4096];
	ssize_t n;

	*reply = NULL;
	if (fd < 0) {
		*err = xasprintf("domain %s is not running", name);
		return -1;
	}
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) || write(fd, "\n", 1) != 1) {
		*err = xasprintf("cannot talk to %s's VMM: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	sb_init(&sb);
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sb_addn(&sb, buf, (size_t)n);
	close(fd);
	if (!strncmp(sb.buf, "error ", 6)) {
		sb.buf[strcspn(sb.buf, "\n")] = '\0';
		*err = xstrdup(sb.buf + 6);
		sb_free(&sb);
		return -1;
	}
	*reply = sb_detach(&sb);
	return 0;
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
	ret = 0;
out:
	rundir_unlock(rd);
	free(sock);
	return ret;
}
