// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/child.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

void child_unblock_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int child_wait_bounded(pid_t pid, int timeout_ms, bool *timed_out)
{
	int pidfd = pidfd_open(pid, 0), status = -1;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	*timed_out = false;
	if (pidfd >= 0 && poll(&p, 1, timeout_ms) == 0) {
		*timed_out = true;
		kill(pid, SIGKILL);
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}
