// SPDX-License-Identifier: GPL-2.0
/*
 * migrate and migrate-receive on kvm (kvm.h), with xl's protocol
 * (lib/xl_migration.h), carrying the same header and machine stream as a
 * save file. The guest is copied while it is stopped: the source saves it
 * with "save handover" (its vCPUs stay paused, its disk images' locks go,
 * for the target to take) and keeps it until the target has it running; a
 * failure before the go gives it its disks back and leaves it running at
 * the source. No pre-copy rounds yet: the guest is paused for as
 * long as its memory takes to cross.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/kvm.h"
#include "backends/kvm/kvm_spec.h"
#include "lib/savefile.h"
#include "lib/util.h"
#include "lib/xl_migration.h"

/* How long the target waits for the source to let go of the disk images. */
#define DISK_LOCK_WAIT_S 60

/* One command to a domain's VMM, whose answer is only ok or not. */
static int tell(const struct xlc_conf *conf, const char *name, const char *line)
{
	char *err = NULL;
	int r = kvm_request(conf, name, line, NULL, &err);

	if (r)
		fprintf(stderr, "migration: %s: %s: %s\n", name, line, err);
	free(err);
	return r;
}

static int rename_to(const struct xlc_conf *conf, const char *name, const char *new_name)
{
	char *line = xasprintf("%s %s", ctl_command_name(CTL_RENAME), new_name);
	int r = tell(conf, name, line);

	free(line);
	return r;
}

/*
 * The source takes its disk images back and runs on (if it ran). An image
 * another took meanwhile keeps it paused: two guests must never write one.
 */
static void resume_here(const struct xlc_conf *conf, const char *name, bool was_paused)
{
	if (tell(conf, name, ctl_command_name(CTL_RELOCK))) {
		fprintf(stderr, "migration sender: %s stays paused: its disks are not its own\n",
			name);
		return;
	}
	if (!was_paused && !tell(conf, name, ctl_command_name(CTL_UNPAUSE)))
		fprintf(stderr, "migration sender: Resumed OK.\n");
}

/* The sender's ending after its go: 0 if the target runs the domain. */
static int after_go(const struct xlc_conf *conf, const char *name, const char *away,
		    bool was_paused, int recv_fd, const char *rune)
{
	int report = migration_sender_report(recv_fd, rune);

	if (report > 0) {
		rename_to(conf, away, name);
		resume_here(conf, name, was_paused);
		fprintf(stderr, "Migration failed due to problems at target.\n");
	}
	if (report)
		return -1;
	tell(conf, away, ctl_command_name(CTL_DESTROY));
	kvm_wait_gone(conf, away, 60);
	fprintf(stderr, "Migration successful.\n");
	return 0;
}

/* The header and the stream; the guest then waits, paused, at the source. */
static int send_domain(const struct xlc_conf *conf, const char *name, int send_fd, const char *json,
		       const struct save_opts *opts, uint64_t *bytes, char **err)
{
	if (savefile_write_header(send_fd, "migration stream", json)) {
		*err = xasprintf("Migration failed: cannot send to the receiver: %s; the domain "
				 "runs on here",
				 strerror(errno));
		return -1;
	}
	if (!kvm_stream_to(conf, name, CTL_SAVE_HANDOVER, send_fd, "the migration stream",
			   opts->progress ? "migration sender" : NULL, bytes, err))
		return 0;
	fprintf(stderr, "migration sender: the save failed: %s\n", *err);
	free(*err);
	*err = xstrdup("Migration failed, resuming at sender.");
	return -1;
}

int kvm_migrate_send(const struct xlc_conf *conf, const char *name, int send_fd, int recv_fd,
		     const char *rune, const struct save_opts *opts, bool debug,
		     struct migrate_stats *stats, char **err)
{
	char *json = kvm_saved_spec(conf, name, opts, err), *away = NULL;
	bool was_paused = kvm_is_paused(conf, name);
	long long start, sent;
	uint64_t bytes = 0;
	int r = -1;

	(void)debug; /* xl's --debug checks memory twice; the stream has its CRCs */
	if (!json)
		return -1;
	if (migration_expect(recv_fd, migration_banner, MIGRATION_BANNER_LEN, "banner", rune)) {
		*err = xstrdup("Migration failed: the receiver did not start; the domain runs on "
			       "here");
		goto out;
	}
	start = mono_ms();
	if (send_domain(conf, name, send_fd, json, opts, &bytes, err))
		goto out;
	sent = mono_ms();
	if (migration_expect(recv_fd, migration_ready, MIGRATION_READY_LEN, "ready message",
			     rune)) {
		resume_here(conf, name, was_paused);
		*err = xstrdup("Migration failed, resuming at sender.");
		goto out;
	}
	fprintf(stderr, "migration sender: Target has acknowledged transfer.\n");
	away = xasprintf("%s--migratedaway", name);
	if (rename_to(conf, name, away)) {
		resume_here(conf, name, was_paused);
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
	r = after_go(conf, name, away, was_paused, recv_fd, rune);
	if (r) {
		*err = xstrdup("Migration failed");
	} else { /* not live yet: the guest stood still from the first byte to the target's start */
		stats->bytes_sent = (long long)bytes;
		stats->transfer_ms = sent - start;
		stats->paused_ms = mono_ms() - start;
		stats->rounds = 1;
	}
out:
	free(away);
	free(json);
	return r;
}

/* The receiver's ending: the report, and on failure its copy destroyed. */
static int report_back(const struct xlc_conf *conf, const char *incoming, int send_fd, int failed)
{
	char status = (char)(failed ? 1 : 0);

	if (write_all(send_fd, migration_report, MIGRATION_REPORT_LEN) ||
	    write_all(send_fd, &status, 1))
		return -1;
	if (!failed)
		return 0;
	fprintf(stderr, "migration target: Failure, destroying our copy.\n");
	if (tell(conf, incoming, ctl_command_name(CTL_DESTROY))) {
		fprintf(stderr, "migration target: Failed to destroy our copy.\n");
		return -1;
	}
	kvm_wait_gone(conf, incoming, 60);
	fprintf(stderr, "migration target: Cleanup OK, granting sender permission to resume.\n");
	write_all(send_fd, migration_permission_to_go, MIGRATION_GO_LEN);
	return -1;
}

/* The incoming spec, made this host's, named NAME--incoming; NULL with *err. */
static struct vmm_spec *incoming_spec(int recv_fd, const struct xlc_conf *conf, char **name,
				      char **err)
{
	struct create_opts paused = { .paused = true, .quiet = true };
	struct vmm_spec *spec;
	char *json = NULL;

	if (savefile_read_header(recv_fd, "<incoming migration stream>", &json, err) < 0)
		return NULL;
	spec = json ? vmm_spec_from_json(json, strlen(json), err) : NULL;
	if (!json)
		*err = xstrdup("the migration stream holds no config");
	free(json);
	if (!spec)
		return NULL;
	kvm_spec_localize(spec, &paused, conf);
	spec->restore = true;
	spec->disk_lock_wait_s = DISK_LOCK_WAIT_S;
	*name = spec->name;
	spec->name = xasprintf("%s--incoming", *name);
	return spec;
}

int kvm_migrate_receive(const struct xlc_conf *conf, int recv_fd, int send_fd,
			const struct create_opts *opts)
{
	struct create_opts paused = { .paused = true, .quiet = true };
	struct vmm_spec *spec = NULL;
	char *err = NULL, *name = NULL;
	const char *ours;
	int failed;

	signal(SIGPIPE, SIG_IGN); /* a dead transport is an error to handle, not death */
	fprintf(stderr, "migration target: Ready to receive domain.\n");
	if (write_all(send_fd, migration_banner, MIGRATION_BANNER_LEN)) {
		err = xasprintf("cannot answer the sender: %s", strerror(errno));
		goto fail;
	}
	spec = incoming_spec(recv_fd, conf, &name, &err);
	if (!spec)
		goto fail;
	if (kvm_launch(spec, &paused, conf, recv_fd)) {
		err = xstrdup("migration target: Domain creation failed");
		goto fail;
	}
	fprintf(stderr,
		"migration target: Transfer complete, requesting permission to start domain.\n");
	if (write_all(send_fd, migration_ready, MIGRATION_READY_LEN)) {
		tell(conf, spec->name, ctl_command_name(CTL_DESTROY));
		err = xstrdup("migration target: the sender is gone; our copy is destroyed");
		goto fail;
	}
	if (migration_expect(recv_fd, migration_permission_to_go, MIGRATION_GO_LEN, "GO message",
			     NULL)) {
		report_back(conf, spec->name, send_fd, 1);
		err = xstrdup("migration target: no permission to start; our copy is destroyed");
		goto fail;
	}
	fprintf(stderr, "migration target: Got permission, starting domain.\n");
	failed = rename_to(conf, spec->name, name);
	ours = failed ? spec->name : name;
	if (!failed && !opts->paused)
		failed = tell(conf, name, ctl_command_name(CTL_UNPAUSE));
	if (!failed)
		fprintf(stderr, "migration target: Domain started successsfully.\n");
	if (report_back(conf, ours, send_fd, failed) && failed) {
		err = xstrdup("migration target: the domain did not start here");
		goto fail;
	}
	vmm_spec_free(spec);
	free(name);
	return EXIT_OK;
fail:
	xlc_warn("%s", err);
	free(err);
	vmm_spec_free(spec);
	free(name);
	return EXIT_FAIL;
}
