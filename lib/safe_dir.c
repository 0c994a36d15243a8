// SPDX-License-Identifier: GPL-2.0
#include "lib/safe_dir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

static int mkdir_parents(const char *path)
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
	free(copy);
	return ret;
}

int safe_dir(const char *path, mode_t mode, const char *what, char **err)
{
	struct stat st;

	if (lstat(path, &st) && errno == ENOENT) {
		if ((mkdir_parents(path) || mkdir(path, mode)) && errno != EEXIST) {
			bool denied = errno == EACCES || errno == EPERM;

			*err = xasprintf("cannot create %s %s: %s%s", what, path, strerror(errno),
					 denied ? "; run xlc as root, or choose a folder you may "
						  "write to"
						: "");
			return -1;
		}
	}
	if (lstat(path, &st)) {
		*err = xasprintf("cannot create %s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s %s is %s, not a folder; remove it or choose another", what,
				 path, S_ISLNK(st.st_mode) ? "a symbolic link" : "a file");
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*err = xasprintf("%s %s belongs to uid %u, not to uid %u that runs xlc; chown it "
				 "or choose another",
				 what, path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*err = xasprintf("%s %s may be written by others (mode %03o); chmod go-w it", what,
				 path, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}
