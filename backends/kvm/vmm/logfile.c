// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

static int open_append(const char *path, uint64_t *size, char **err)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		      0640);

	if (fd < 0) {
		*err = xasprintf("cannot open the log %s: %s%s", path, strerror(errno),
				 errno == ELOOP ? " (it is a symbolic link)" : "");
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*err = xasprintf("the log %s is not a regular file", path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int logfile_open(struct logfile *lf, const char *path, uint64_t max, bool timestamps, char **err)
{
	memset(lf, 0, sizeof(*lf));
	lf->echo_fd = -1;
	lf->fd = open_append(path, &lf->size, err);
	if (lf->fd < 0)
		return -1;
	lf->path = xstrdup(path);
	lf->max = max;
	lf->timestamps = timestamps;
	return 0;
}

void logfile_init_echo_only(struct logfile *lf, int echo_fd)
{
	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	lf->echo_fd = echo_fd;
}

void logfile_reopen(struct logfile *lf)
{
	char *err = NULL;
	int fd;

	if (!lf->path)
		return;
	fd = open_append(lf->path, &lf->size, &err);
	free(err);
	if (fd < 0)
		return; /* keep writing where we were */
	close(lf->fd);
	lf->fd = fd;
}

/* The cap: the full file becomes <file>.1 and a new one starts. */
static void rotate(struct logfile *lf)
{
	char *old = xasprintf("%s.1", lf->path);

	if (!rename(lf->path, old))
		logfile_reopen(lf);
	free(old);
}

/* To the file only: the timestamps are the log's, not the terminal's. */
static void put_file(struct logfile *lf, const void *data, size_t len)
{
	ssize_t n;

	if (lf->fd < 0)
		return;
	if (lf->max && lf->size && lf->size + len > lf->max)
		rotate(lf);
	n = write(lf->fd, data, len);
	if (n > 0)
		lf->size += (uint64_t)n;
}

static void put(struct logfile *lf, const void *data, size_t len)
{
	if (lf->echo_fd >= 0 && write(lf->echo_fd, data, len) < 0) {
		/* a closed terminal must not stop the guest */
	}
	put_file(lf, data, len);
}

static void stamp(struct logfile *lf)
{
	char buf[40];
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%03ld ", ts.tv_nsec / 1000000);
	put_file(lf, buf, n);
}

void logfile_write(struct logfile *lf, const void *data, size_t len)
{
	const char *p = data, *nl;

	if (!lf->timestamps) {
		put(lf, p, len);
		if (len)
			lf->mid_line = p[len - 1] != '\n';
		return;
	}
	while (len) {
		size_t line;

		if (!lf->mid_line)
			stamp(lf);
		nl = memchr(p, '\n', len);
		line = nl ? (size_t)(nl - p) + 1 : len;
		put(lf, p, line);
		lf->mid_line = !nl;
		p += line;
		len -= line;
	}
}

void logfile_vprintf(struct logfile *lf, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	logfile_write(lf, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void logfile_printf(struct logfile *lf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logfile_vprintf(lf, fmt, ap);
	va_end(ap);
}

void logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	free(lf->path);
	lf->path = NULL;
	lf->fd = -1;
}
