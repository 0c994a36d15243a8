// SPDX-License-Identifier: GPL-2.0
#include "console/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/kvm/ctl.h"
#include "lib/util.h"

int console_parse_escape(const char *arg)
{
	if (arg[0] == '^' && arg[1] && !arg[2])
		return arg[1] & 0x1f;
	if (arg[0] && !arg[1])
		return (unsigned char)arg[0];
	return -1;
}

int console_relay(int fd, const char *name, int escape)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios saved, raw;
	char buf[4096];
	int status = EXIT_OK;

	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "Connected to %s. Escape character is ^%c\r\n", name,
			(char)(escape + '@'));
	} else {
		tty = false;
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break; /* the guest is gone */
			if (write_all(STDOUT_FILENO, buf, (size_t)n))
				break;
		}
		if (p[1].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				p[1].fd = -1;
				break; /* end of input: detach */
			}
			if (n == 1 && buf[0] == escape)
				break;
			if (write_all(fd, buf, (size_t)n)) {
				status = EXIT_FAIL;
				break;
			}
		}
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fputc('\n', stderr);
	}
	return status;
}

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
