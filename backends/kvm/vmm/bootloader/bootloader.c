// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/bootloader/bootloader.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm/vmm/child.h"
#include "backends/kvm/vmm/sandbox.h"
#include "lib/util.h"

/* The reader's address space: libext2fs's tables for a large filesystem, and a 1 MiB menu. */
#define READER_MEMORY (1ull << 30)

static int limit_memory(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0; /* AddressSanitizer reserves terabytes of shadow address space */
#else
	struct rlimit rl = { READER_MEMORY, READER_MEMORY };

	return setrlimit(RLIMIT_AS, &rl);
#endif
}

/*
 * The reader's stdio is /dev/null and it has a session of its own: under
 * create -F the supervisor's are the admin's terminal.
 */
static int detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), i;

	setsid();
	for (i = 0; fd >= 0 && i < 3; i++)
		if (dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void __attribute__((noreturn))
reader_main(int disk_fd, uint64_t disk_bytes, const struct boot_request *rq,
	    const struct bootloader_jail *jail, int kernel_fd, int initrd_fd, int report_fd,
	    pid_t parent)
{
	const int keep[] = { disk_fd, kernel_fd, initrd_fd, report_fd };
	const int outputs[] = { kernel_fd, initrd_fd, report_fd };
	struct sandbox_plan plan = {
		.uid = jail->uid,
		.gid = jail->gid,
		.mount_at = jail->mount_at,
		.cgroup_procs_fd = jail->cgroup_procs_fd,
		.nofile = 16,
		.fsize = BOOT_FILE_MAX,
		.nproc = 1,
		.keep_fds = keep,
		.nkeep = ARRAY_SIZE(keep),
	};
	static struct boot_report r;
	char *err = NULL;

	prctl(PR_SET_NAME, "xlc-pygrub");
	if (detach_stdio() || limit_memory() || sandbox_enter(&plan, &err) < 0 ||
	    /* the uid change cleared it: set again, and the supervisor may already be gone */
	    prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent ||
	    sandbox_seccomp_reader(jail->seccomp, disk_fd, outputs, ARRAY_SIZE(outputs), &err)) {
		snprintf(r.what, sizeof(r.what), "cannot confine the disk reader: %s",
			 err ? err : strerror(errno));
		write_all(report_fd, &r, sizeof(r));
		_exit(1);
	}
	boot_disk_read(disk_fd, disk_bytes, rq, kernel_fd, initrd_fd, &r);
	_exit(write_all(report_fd, &r, sizeof(r)) ? 1 : 0);
}

/* The reader's text reaches the log and the user: printable ASCII only. */
static char *clean_copy(char *s, size_t size)
{
	char *p;

	s[size - 1] = '\0';
	for (p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return xstrdup(s);
}

/* The whole report, or false (the reader died or said less). */
static bool read_report(int fd, struct boot_report *r)
{
	size_t done = 0;
	ssize_t n;

	while (done < sizeof(*r)) {
		n = read(fd, (char *)r + done, sizeof(*r) - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static int file_bytes(int fd, off_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	*bytes = st.st_size;
	return 0;
}

/* Checks what came back; the memfds move to *out. */
static int take_result(struct boot_report *r, int status, bool timed_out, int kernel_fd,
		       int initrd_fd, struct boot_files *out, char **err)
{
	off_t kernel_bytes = 0, initrd_bytes = 0;

	if (timed_out) {
		*err = xasprintf("reading the guest's disk took over %d s (bootloader = pygrub)",
				 BOOTLOADER_TIMEOUT_MS / 1000);
		return -1;
	}
	if (!r->ok) {
		char *why = clean_copy(r->what, sizeof(r->what));

		if (*why)
			*err = xasprintf("no kernel found on the guest's first disk: %s", why);
		else if (WIFSIGNALED(status))
			*err = xasprintf("the guest's disk reader was killed by signal %d (%s)",
					 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			*err = xasprintf("the guest's disk reader ended with status %d",
					 WEXITSTATUS(status));
		free(why);
		return -1;
	}
	if (file_bytes(kernel_fd, &kernel_bytes) || !kernel_bytes ||
	    file_bytes(initrd_fd, &initrd_bytes)) {
		*err = xstrdup("the guest's disk reader gave back no kernel");
		return -1;
	}
	out->kernel_fd = kernel_fd;
	out->initrd_fd = initrd_bytes ? initrd_fd : -1;
	if (!initrd_bytes)
		close(initrd_fd);
	out->cmdline = clean_copy(r->cmdline, sizeof(r->cmdline));
	out->what = clean_copy(r->what, sizeof(r->what));
	return 0;
}

int bootloader_run(int disk_fd, uint64_t disk_bytes, const struct boot_request *rq,
		   const struct bootloader_jail *jail, struct boot_files *out, char **err)
{
	static struct boot_report r;
	int kernel_fd = memfd_create("pygrub-kernel", MFD_CLOEXEC);
	int initrd_fd = memfd_create("pygrub-initrd", MFD_CLOEXEC);
	char path[32];
	int ro_fd, pipe_fd[2] = { -1, -1 }, status;
	bool timed_out;
	pid_t pid, parent = getpid();

	*out = (struct boot_files){ .kernel_fd = -1, .initrd_fd = -1 };
	snprintf(path, sizeof(path), "/proc/self/fd/%d", disk_fd);
	ro_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (kernel_fd < 0 || initrd_fd < 0 || ro_fd < 0 || pipe2(pipe_fd, O_CLOEXEC)) {
		*err = xasprintf("cannot set up the guest's disk reader: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		close(pipe_fd[0]);
		child_unblock_signals();
		reader_main(ro_fd, disk_bytes, rq, jail, kernel_fd, initrd_fd, pipe_fd[1], parent);
	}
	if (pid < 0) {
		*err = xasprintf("cannot start the guest's disk reader: %s", strerror(errno));
		goto fail;
	}
	close(pipe_fd[1]);
	pipe_fd[1] = -1;
	status = child_wait_bounded(pid, BOOTLOADER_TIMEOUT_MS, &timed_out);
	memset(&r, 0, sizeof(r));
	if (!read_report(pipe_fd[0], &r))
		memset(&r, 0, sizeof(r)); /* a reader that died says nothing */
	if (take_result(&r, status, timed_out, kernel_fd, initrd_fd, out, err))
		goto fail;
	close(ro_fd);
	close(pipe_fd[0]);
	return 0;
fail:
	if (kernel_fd >= 0)
		close(kernel_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	if (ro_fd >= 0)
		close(ro_fd);
	if (pipe_fd[0] >= 0)
		close(pipe_fd[0]);
	if (pipe_fd[1] >= 0)
		close(pipe_fd[1]);
	return -1;
}
