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
