// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration through libxl with xl's protocol (lib/xl_migration.h),
 * so that either end may be xl.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/savefile.h"
#include "lib/xl_migration.h"
#include "backends/xen/xen.h"
#include "lib/util.h"

#define NO_DOMID ((uint32_t)INVALID_DOMID)

/* The sender's ending after its go: 0 if the target runs the domain. */
static int after_go(libxl_ctx *c, uint32_t domid, const char *name, const char *away, int recv_fd,
		    const char *rune)
{
	int report = migration_sender_report(recv_fd, rune);

	if (report > 0) {
		libxl_domain_rename(c, domid, away, name);
		if (!libxl_domain_resume(c, domid, 1, NULL))
			fprintf(stderr, "migration sender: Resumed OK.\n");
		fprintf(stderr, "Migration failed due to problems at target.\n");
	}
	if (report)
		return -1;
	libxl_domain_destroy(c, domid, NULL);
	fprintf(stderr, "Migration successful.\n");
	return 0;
}

int xen_migrate_send(const struct xlc_conf *conf, const char *name, int send_fd, int recv_fd,
		     const char *rune, const struct save_opts *opts, bool debug,
		     struct migrate_stats *stats, char **err)
{
	libxl_domain_config d;
	libxl_ctx *c = xen_ctx(conf, err);
	char *json = NULL, *away = NULL;
	uint32_t domid;
	int rc = -1;

	(void)stats; /* libxl writes the stream: its bytes and pauses are its own */
	libxl_domain_config_init(&d);
	if (!c || xen_domid_of(c, name, &domid, err))
		goto out;
	if (xen_config_to_keep(c, domid, opts, &d, err))
		goto out;
	json = libxl_domain_config_to_json(c, &d);
	if (!json) {
		*err = xstrdup("No config file stored for running domain and none supplied - "
			       "cannot migrate.");
		goto out;
	}
	if (migration_expect(recv_fd, migration_banner, MIGRATION_BANNER_LEN, "banner", rune)) {
		*err = xstrdup("Migration failed: the receiver did not start; the domain runs on "
			       "here");
		goto out;
	}
	if (savefile_write_header(send_fd, "migration stream", json)) {
		*err = xasprintf("Migration failed: cannot send to the receiver: %s",
				 strerror(errno));
		goto out;
	}
	rc = libxl_domain_suspend(c, domid, send_fd,
				  LIBXL_SUSPEND_LIVE | (debug ? LIBXL_SUSPEND_DEBUG : 0), NULL);
	if (rc) {
		fprintf(stderr, "migration sender: libxl_domain_suspend failed (rc=%d)\n", rc);
		if (rc == ERROR_GUEST_TIMEDOUT) {
			*err = xstrdup("Migration failed, failed to suspend at sender.");
		} else {
			libxl_domain_resume(c, domid, 1, NULL);
			*err = xstrdup("Migration failed, resuming at sender.");
		}
		rc = -1;
		goto out;
	}
	rc = -1;
	if (migration_expect(recv_fd, migration_ready, MIGRATION_READY_LEN, "ready message",
			     rune)) {
		libxl_domain_resume(c, domid, 1, NULL);
		*err = xstrdup("Migration failed, resuming at sender.");
		goto out;
	}
	fprintf(stderr, "migration sender: Target has acknowledged transfer.\n");
	away = xasprintf("%s--migratedaway", name);
	if (libxl_domain_rename(c, domid, name, away)) {
		libxl_domain_resume(c, domid, 1, NULL);
		*err = xstrdup("Migration failed, resuming at sender.");
		goto out;
	}
	/* The point of no return: once go is said, only the target may run it. */
	fprintf(stderr, "migration sender: Giving target permission to start.\n");
	if (write_all(send_fd, migration_permission_to_go, MIGRATION_GO_LEN)) {
		migration_failed_badly();
		*err = xstrdup("Migration failed during final handshake");
		goto out;
	}
	rc = after_go(c, domid, name, away, recv_fd, rune);
	if (rc)
		*err = xstrdup("Migration failed");
out:
	free(away);
	free(json);
	libxl_domain_config_dispose(&d);
	return rc;
}

/* The receiver's ending: the report, and on failure its copy destroyed. */
static int report_back(libxl_ctx *c, uint32_t domid, int send_fd, int rc)
{
	char status = (char)(rc ? (-rc > 0 && -rc < 128 ? -rc : 1) : 0);

	if (write_all(send_fd, migration_report, MIGRATION_REPORT_LEN) ||
	    write_all(send_fd, &status, 1))
		return -1;
	if (!rc)
		return 0;
	fprintf(stderr, "migration target: Failure, destroying our copy.\n");
	if (libxl_domain_destroy(c, domid, NULL)) {
		fprintf(stderr, "migration target: Failed to destroy our copy.\n");
		return -1;
	}
	fprintf(stderr, "migration target: Cleanup OK, granting sender permission to resume.\n");
	write_all(send_fd, migration_permission_to_go, MIGRATION_GO_LEN);
	return -1;
}

int xen_migrate_receive(const struct xlc_conf *conf, int recv_fd, int send_fd,
			const struct create_opts *opts)
{
	libxl_domain_restore_params params;
	libxl_domain_config d;
	libxl_ctx *c;
	uint32_t domid = NO_DOMID, other;
	char *json = NULL, *err = NULL, *name = NULL, *incoming = NULL;
	int64_t flags;
	int rc;

	signal(SIGPIPE, SIG_IGN); /* a dead transport is an error to handle, not death */
	libxl_domain_config_init(&d);
	libxl_domain_restore_params_init(&params);
	c = xen_ctx(conf, &err);
	if (!c)
		goto fail;
	fprintf(stderr, "migration target: Ready to receive domain.\n");
	if (write_all(send_fd, migration_banner, MIGRATION_BANNER_LEN)) {
		err = xasprintf("cannot answer the sender: %s", strerror(errno));
		goto fail;
	}
	flags = savefile_read_header(recv_fd, "<incoming migration stream>", &json, &err);
	if (flags < 0)
		goto fail;
	if (!json || libxl_domain_config_from_json(c, &d, json) || !d.c_info.name ||
	    !*d.c_info.name) {
		err = xstrdup("the migration stream holds no config libxl can read, with a name");
		goto fail;
	}
	name = xstrdup(d.c_info.name);
	incoming = xasprintf("%s--incoming", name);
	if (!libxl_name_to_domid(c, incoming, &other)) {
		err = xasprintf("%s: a domain of that name already exists (id %u)", incoming,
				other);
		goto fail;
	}
	free(d.c_info.name);
	d.c_info.name = xstrdup(incoming);
	params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
	params.stream_version = (flags & SAVEFILE_FLAG_STREAMV2) ? 2 : 1;
	rc = libxl_domain_create_restore(c, &d, &domid, recv_fd, send_fd, &params, NULL, NULL);
	if (rc) {
		err = xasprintf("migration target: Domain creation failed (code %d); see %s", rc,
				xen_log_path());
		goto fail;
	}
	fprintf(stderr,
		"migration target: Transfer complete, requesting permission to start domain.\n");
	if (write_all(send_fd, migration_ready, MIGRATION_READY_LEN)) {
		libxl_domain_destroy(c, domid, NULL);
		err = xstrdup("migration target: the sender is gone; our copy is destroyed");
		goto fail;
	}
	if (migration_expect(recv_fd, migration_permission_to_go, MIGRATION_GO_LEN, "GO message",
			     NULL)) {
		/* No go: the sender keeps the domain; told as xl tells it. */
		report_back(c, domid, send_fd, ERROR_FAIL);
		err = xstrdup("migration target: no permission to start; our copy is destroyed");
		goto fail;
	}
	fprintf(stderr, "migration target: Got permission, starting domain.\n");
	rc = libxl_domain_rename(c, domid, incoming, name);
	free(d.c_info.name);
	d.c_info.name = xstrdup(name);
	if (!rc && !opts->paused)
		rc = libxl_domain_unpause(c, domid, NULL);
	if (!rc)
		fprintf(stderr, "migration target: Domain started successsfully.\n");
	if (report_back(c, domid, send_fd, rc)) {
		if (rc) {
			err = xstrdup("migration target: the domain did not start here");
			goto fail;
		}
		/* It runs here, and only here now: it keeps its monitor. */
		xlc_warn("%s: runs here, but the sender could not be told", name);
	}
	rc = EXIT_OK;
	if (opts->no_monitor)
		goto out;
	if (opts->foreground) {
		rc = xen_monitor(c, &d, domid) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	/* The sender's copy is gone: a missing monitor must not take this one too. */
	if (xen_monitor_spawn(c, conf, &d, domid, &err)) {
		xlc_warn("%s: %s; it runs without one (on_poweroff and the rest are not applied)",
			 name, err);
		rc = EXIT_FAIL;
	}
	goto out;
fail:
	xlc_warn("%s", err);
	rc = EXIT_FAIL;
out:
	free(err);
	free(json);
	free(name);
	free(incoming);
	libxl_domain_restore_params_dispose(&params);
	libxl_domain_config_dispose(&d);
	return rc;
}
