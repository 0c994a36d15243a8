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

/* Without a pidfd (a kernel before 5.3): polled every 10 ms. True when it has ended. */
static bool ended_within(pid_t pid, int timeout_ms)
{
	siginfo_t si;
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid)
			return true;
		usleep(10000);
	}
	return false;
}

int child_wait_bounded(pid_t pid, int timeout_ms, bool *timed_out)
{
	int pidfd = pidfd_open(pid, 0), status = -1, n;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd >= 0) {
		do
			n = poll(&p, 1, timeout_ms);
		while (n < 0 && errno == EINTR); /* a signal restarts the wait: a bound still */
		*timed_out = n == 0;
		close(pidfd);
	} else {
		*timed_out = !ended_within(pid, timeout_ms);
	}
	if (*timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}
