// SPDX-License-Identifier: GPL-2.0
/* xl's migration protocol's messages (xl_migration.h). */
#include "lib/xl_migration.h"

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

const char migration_banner[] = "xl migration receiver ready, send binary domain data.\n";
const char migration_ready[] = "domain received, ready to unpause";
const char migration_permission_to_go[] = "domain is yours, you are cleared to unpause";
const char migration_report[] = "my copy unpause results are as follows";

_Static_assert(sizeof(migration_banner) - 1 == MIGRATION_BANNER_LEN, "banner");
_Static_assert(sizeof(migration_ready) == MIGRATION_READY_LEN, "ready");
_Static_assert(sizeof(migration_permission_to_go) == MIGRATION_GO_LEN, "go");
_Static_assert(sizeof(migration_report) == MIGRATION_REPORT_LEN, "report");

int migration_expect(int fd, const char *msg, size_t len, const char *what, const char *rune)
{
	char buf[128];

	if (len <= sizeof(buf) && read_all(fd, buf, len) == (ssize_t)len && !memcmp(buf, msg, len))
		return 0;
	fprintf(stderr, "%s contained unexpected data instead of %s\n",
		rune ? "migration receiver stream" : "migration stream", what);
	if (rune)
		fprintf(stderr, "(command run was: %s )\n", rune);
	return -1;
}

void migration_failed_badly(void)
{
	fprintf(stderr,
		"** Migration failed during final handshake **\n"
		"Domain state is now undefined !\n"
		"Please CHECK AT BOTH ENDS for running instances, before renaming and\n"
		" resuming at most one instance.  Two simultaneous instances of the domain\n"
		" would probably result in SEVERE DATA LOSS and it is now your\n"
		" responsibility to avoid that.  Sorry.\n");
}

int migration_sender_report(int recv_fd, const char *rune)
{
	char status;

	if (migration_expect(recv_fd, migration_report, MIGRATION_REPORT_LEN,
			     "success/failure report message", rune) ||
	    read_all(recv_fd, &status, 1) != 1) {
		migration_failed_badly();
		return -1;
	}
	if (!status) {
		fprintf(stderr, "migration sender: Target reports successful startup.\n");
		return 0;
	}
	fprintf(stderr, "migration sender: Target reports startup failure (status code %d).\n",
		status);
	if (migration_expect(recv_fd, migration_permission_to_go, MIGRATION_GO_LEN,
			     "permission for sender to resume", rune)) {
		migration_failed_badly();
		return -1;
	}
	fprintf(stderr, "migration sender: Trying to resume at our end.\n");
	return 1;
}
