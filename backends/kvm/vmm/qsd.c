// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/qsd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm/vmm/child.h"
#include "lib/util.h"

/* QEMU's option syntax: a comma inside a value is written twice. */
static char *qemu_escape(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == ',')
			*o++ = ',';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* An exported file is a mount of its own: its device is not its folder's. */
static bool exported(const char *mountpoint)
{
	char *dir = xstrdup(mountpoint), *slash = strrchr(dir, '/');
	struct stat file, folder;
	bool yes;

	if (slash)
		*slash = '\0';
	yes = !stat(mountpoint, &file) && !stat(slash ? dir : ".", &folder) &&
	      file.st_dev != folder.st_dev;
	free(dir);
	return yes;
}

/* A mountpoint left by a daemon that died with its supervisor is cleared first. */
static void clear_mountpoint(const char *mountpoint)
{
	umount2(mountpoint, MNT_DETACH);
	unlink(mountpoint);
}

/*
 * What root keeps across exec is its bounding set: the daemon may mount its
 * export (CAP_SYS_ADMIN) and open images that other users own
 * (CAP_DAC_OVERRIDE), nothing else.
 */
static int keep_only_needed_caps(void)
{
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (cap != CAP_SYS_ADMIN && cap != CAP_DAC_OVERRIDE &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -1;
	return 0;
}

static void exec_daemon(char **argv, int err_fd)
{
	int null = open("/dev/null", O_RDWR);

	child_unblock_signals();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* A closed stderr later must not kill it: SIG_IGN survives exec. */
	signal(SIGPIPE, SIG_IGN);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(err_fd, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0) {
		_exit(126);
	}
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "cannot give it a network namespace: %s\n", strerror(errno));
		_exit(126);
	}
	if (keep_only_needed_caps()) {
		fprintf(stderr, "cannot drop its capabilities: %s\n", strerror(errno));
		_exit(126);
	}
	closefrom(STDERR_FILENO + 1);
	execvp(argv[0], argv);
	if (errno == ENOENT)
		fprintf(stderr, "%s not found: install Debian's qemu-system-common\n", argv[0]);
	else
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Keeps the daemon's output (its newest 4 KiB), for the error: it has QEMU's reason. */
static void read_output(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t n;

	if (*len >= size - 1) { /* keep the newer half */
		memmove(buf, buf + size / 2, *len - size / 2);
		*len -= size / 2;
	}
	n = read(fd, buf + *len, size - 1 - *len);
	if (n > 0)
		*len += (size_t)n;
	buf[*len] = '\0';
}

/*
 * QEMU's reason, one line: its lines joined with "; ", each without the
 * program's name and the option it was reading ("--blockdev ...: ").
 */
static char *qemu_reason(const char *out)
{
	char *copy = xstrdup(out), *save = NULL, *line;
	struct strbuf reason;

	sb_init(&reason);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "qemu-storage-daemon: ", 21))
			line += 21;
		if (!strncmp(line, "--", 2) && strstr(line, ": "))
			line = strstr(line, ": ") + 2;
		if (!*line)
			continue;
		if (reason.len)
			sb_adds(&reason, "; ");
		sb_adds(&reason, line);
	}
	free(copy);
	return sb_detach(&reason);
}

/* Until the image is exported (0), the daemon exits or the bound passes (-1, *err). */
static int wait_exported(struct qsd *q, int out_fd, const char *image, char **err)
{
	long long deadline = mono_ms() + QSD_START_TIMEOUT_MS;
	char buf[4096] = "", *reason;
	size_t len = 0;
	int status;

	for (;;) {
		struct pollfd p = { .fd = out_fd, .events = POLLIN };

		if (exported(q->mountpoint))
			return 0;
		if (waitpid(q->pid, &status, WNOHANG) == q->pid) {
			q->pid = 0;
			while (poll(&p, 1, 0) > 0 && len < sizeof(buf) - 1 && (p.revents & POLLIN))
				read_output(out_fd, buf, sizeof(buf), &len);
			reason = qemu_reason(buf);
			*err = xasprintf("disk %s: qemu-storage-daemon: %s", image,
					 reason && *reason ? reason : "exited before exporting it");
			free(reason);
			return -1;
		}
		if (mono_ms() > deadline) {
			*err = xasprintf("disk %s: qemu-storage-daemon did not export it within "
					 "%d s; it was stopped",
					 image, QSD_START_TIMEOUT_MS / 1000);
			return -1;
		}
		if (poll(&p, 1, 20) > 0 && (p.revents & POLLIN))
			read_output(out_fd, buf, sizeof(buf), &len);
	}
}

int qsd_start(struct qsd *q, const char *image, const char *driver, bool readonly, bool discard,
	      const char *mountpoint, char **err)
{
	const char *ro = readonly ? "on" : "off", *unmap = discard ? "unmap" : "ignore";
	char *file = qemu_escape(image), *mp = qemu_escape(mountpoint);
	char *argv[] = {
		"qemu-storage-daemon",
		"--blockdev",
		xasprintf("driver=file,node-name=file,filename=%s,read-only=%s,discard=%s", file,
			  ro, unmap),
		"--blockdev",
		xasprintf("driver=%s,node-name=disk,file=file,read-only=%s,discard=%s", driver, ro,
			  unmap),
		"--export",
		xasprintf("type=fuse,id=export,node-name=disk,mountpoint=%s,writable=%s", mp,
			  readonly ? "off" : "on"),
		NULL,
	};
	int out[2] = { -1, -1 }, fd, ret = -1;

	q->pid = 0;
	q->mountpoint = xstrdup(mountpoint);
	clear_mountpoint(mountpoint);
	fd = open(mountpoint, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) || pipe2(out, O_CLOEXEC)) {
		*err = xasprintf("disk %s: cannot make its mountpoint %s: %s", image, mountpoint,
				 strerror(errno));
		goto out;
	}
	q->pid = fork();
	if (q->pid < 0) {
		q->pid = 0;
		*err = xasprintf("disk %s: cannot start qemu-storage-daemon: %s", image,
				 strerror(errno));
		goto out;
	}
	if (!q->pid)
		exec_daemon(argv, out[1]);
	close(out[1]);
	out[1] = -1;
	ret = wait_exported(q, out[0], image, err);
out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (ret)
		qsd_stop(q);
	free(argv[2]);
	free(argv[4]);
	free(argv[6]);
	free(file);
	free(mp);
	return ret;
}

void qsd_stop(struct qsd *q)
{
	bool timed_out;

	if (q->pid > 0) {
		kill(q->pid, SIGTERM);
		child_wait_bounded(q->pid, QSD_STOP_TIMEOUT_MS, &timed_out);
	}
	q->pid = 0;
	if (q->mountpoint)
		clear_mountpoint(q->mountpoint);
	free(q->mountpoint);
	q->mountpoint = NULL;
}
