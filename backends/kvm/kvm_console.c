// SPDX-License-Identifier: GPL-2.0
/* `xlc console` on kvm: the VMM's control socket becomes the console stream. */
#include "backends/kvm/kvm_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/kvm/ctl.h"
#include "console/console.h"
#include "lib/util.h"

/* Reads the VMM's one-line answer, a byte at a time, within CTL_REPLY_TIMEOUT_MS. */
static void read_ack(int fd, char *ack, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	while (len < size - 1 && poll(&p, 1, CTL_REPLY_TIMEOUT_MS) == 1 &&
	       read(fd, ack + len, 1) == 1 && ack[len] != '\n')
		len++;
	ack[len] = '\0';
}

int console_attach(struct rundir *rd, const char *name, int escape)
{
	int fd = rundir_connect(rd, name), status, flags;
	char ack[64], line[32];

	if (fd < 0) {
		xlc_warn(fd == RUNDIR_SILENT ? "%s's VMM does not answer: cannot attach its console"
					     : "%s is not running: cannot attach its console",
			 name);
		return EXIT_FAIL;
	}
	snprintf(line, sizeof(line), "%s\n", ctl_command_name(CTL_CONSOLE));
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) != (ssize_t)strlen(line)) {
		close(fd);
		xlc_warn("cannot attach %s's console: %s", name, strerror(errno));
		return EXIT_FAIL;
	}
	/* The VMM answers "ok\n" (then the stream is the console) or "error ...". */
	read_ack(fd, ack, sizeof(ack));
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK); /* the relay waits in poll() */
	if (strcmp(ack, "ok")) {
		xlc_warn("cannot attach %s's console: %s", name,
			 !strncmp(ack, "error ", 6) ? ack + 6 : "the VMM did not answer");
		close(fd);
		return EXIT_FAIL;
	}
	status = console_relay(fd, name, escape);
	close(fd);
	return status;
}
