// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

/* The first cgroup2 mount in /proc/self/mountinfo (field 5 the mount point, after "-" the type). */
static char *find_cgroup2(void)
{
	char *text = read_file("/proc/self/mountinfo", NULL), *line, *save = NULL, *found = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char mnt[512], type[64];
		const char *dash = strstr(line, " - ");

		if (dash && sscanf(dash, " - %63s", type) == 1 && !strcmp(type, "cgroup2") &&
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1)
			found = xstrdup(mnt);
	}
	free(text);
	return found;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

char *cgroup_v2_root(char **why)
{
	char *root = find_cgroup2(), *path, *controllers;

	if (!root) {
		*why = xstrdup("no cgroup v2 hierarchy is mounted");
		return NULL;
	}
	path = xasprintf("%s/cgroup.controllers", root);
	controllers = read_file(path, NULL);
	free(path);
	if (!controllers || !has_word(controllers, "memory") || !has_word(controllers, "pids")) {
		*why = xasprintf("the cgroup v2 hierarchy at %s lacks the memory or pids "
				 "controller (they are bound to cgroup v1)",
				 root);
		free(controllers);
		free(root);
		return NULL;
	}
	free(controllers);
	return root;
}

static int write_str(const char *dir, const char *file, const char *value)
{
	char *path = xasprintf("%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	free(path);
	if (fd < 0)
		return -1;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok ? 0 : -1;
}

/* Each folder from root down to leaf's parent hands memory and pids to its children. */
static int make_path(const char *root, const char *rel, char **why)
{
	char *copy = xstrdup(rel), *p, *dir;
	int ret = 0;

	dir = xstrdup(root);
	for (p = strtok(copy, "/"); p && !ret; p = strtok(NULL, "/")) {
		char *next = xasprintf("%s/%s", dir, p);

		if (write_str(dir, "cgroup.subtree_control", "+memory +pids") && errno != EBUSY) {
			*why = xasprintf("cannot enable the memory and pids controllers in %s: %s",
					 dir, strerror(errno));
			ret = -1;
		} else if (mkdir(next, 0755) && errno != EEXIST) {
			*why = xasprintf("cannot create %s: %s", next, strerror(errno));
			ret = -1;
		}
		free(dir);
		dir = next;
	}
	free(dir);
	free(copy);
	return ret;
}

char *cgroup_create(const char *path, const struct cgroup_limits *lim, int *procs_fd, char **why)
{
	char *root = cgroup_v2_root(why), *dir = NULL, *procs, value[32];

	*procs_fd = -1;
	if (!root)
		return NULL;
	if (make_path(root, path, why))
		goto out;
	dir = xasprintf("%s/%s", root, path);
	snprintf(value, sizeof(value), "%llu", (unsigned long long)lim->memory_max);
	if (write_str(dir, "memory.max", value)) {
		*why = xasprintf("cannot set %s/memory.max: %s", dir, strerror(errno));
		goto fail;
	}
	snprintf(value, sizeof(value), "%u", lim->pids_max);
	if (write_str(dir, "pids.max", value)) {
		*why = xasprintf("cannot set %s/pids.max: %s", dir, strerror(errno));
		goto fail;
	}
	procs = xasprintf("%s/cgroup.procs", dir);
	*procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
	free(procs);
	if (*procs_fd >= 0)
		goto out;
	*why = xasprintf("cannot open %s/cgroup.procs: %s", dir, strerror(errno));
fail:
	cgroup_remove(dir);
	free(dir);
	dir = NULL;
out:
	free(root);
	return dir;
}

/* A cgroup whose last task just exited may read as busy for a moment. */
void cgroup_remove(const char *dir)
{
	int tries;

	for (tries = 0; tries < 50 && rmdir(dir) && errno == EBUSY; tries++)
		usleep(10000);
}
