// SPDX-License-Identifier: GPL-2.0
/*
 * xlc-vmm: the kvm backend's VMM program, one per running guest. `xlc
 * create` starts it with a clean environment and these fds:
 *   0, 1, 2  /dev/null (the terminal under create -F)
 *   3        the spec (vmm_spec.h), as JSON
 *   4        a pipe: "ok\n" once the guest runs, or "error <why>\n"
 *   5        restore only: the machine stream (snapshot/FORMAT.md), read
 *            instead of booting the guest
 * and the guest's name and run directory as arguments, for ps.
 * It links libc, yajl and libseccomp, nothing of Xen, ncurses or the config
 * parsers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "backends/kvm/vmm/supervisor.h"
#include "backends/kvm/vmm_spec.h"
#include "lib/util.h"

#define SPEC_FD 3
#define READY_FD 4
#define RESTORE_FD 5

static void say(int ready_fd, const char *err)
{
	char *msg = xasprintf("error %s\n", err);

	fprintf(stderr, "xlc-vmm: %s\n", err);
	if (ready_fd >= 0 && write(ready_fd, msg, strlen(msg)) < 0) {
		/* the creator is gone */
	}
	free(msg);
}

int main(int argc, char **argv)
{
	struct vmm_spec *spec;
	char *text, *err = NULL, comm[16];
	size_t len = 0;
	int status;

	(void)argv;
	/* argv: "xlc-vmm NAME RUN_DIR", for ps; the spec on fd 3 is what counts. */
	if (argc != 3) {
		fprintf(stderr,
			"xlc-vmm: started by xlc create, with its spec on fd %d; "
			"not for use by hand\n",
			SPEC_FD);
		return 2;
	}
	text = read_fd_max(SPEC_FD, VMM_SPEC_MAX_BYTES, &len);
	close(SPEC_FD);
	if (!text) {
		say(READY_FD, "cannot read the spec on fd 3");
		return 1;
	}
	spec = vmm_spec_from_json(text, len, &err);
	free(text);
	if (!spec) {
		say(READY_FD, err);
		free(err);
		return 1;
	}
	snprintf(comm, sizeof(comm), "xlc-%s", spec->name);
	prctl(PR_SET_NAME, comm);
	if (chdir("/")) {
		/* stays where it was: nothing depends on the working directory */
	}
	/* -F reports readiness only when xlc waits to relay the console. */
	status = supervisor_run(spec, spec->foreground && !spec->console_tty ? -1 : READY_FD,
				spec->restore ? RESTORE_FD : -1);
	vmm_spec_free(spec);
	return status;
}
