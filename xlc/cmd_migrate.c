// SPDX-License-Identifier: GPL-2.0
/*
 * migrate and migrate-receive, with xl's options (anchor: xl_migrate.c of
 * Xen 4.17). migrate runs "exec SSHCMD HOST xl migrate-receive" (xlc when
 * called as xlc; -s "" runs HOST itself as the command) with a pipe each
 * way, and the backend speaks xl's protocol over them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "lib/json.h"
#include "lib/util.h"
#include "xlc/xlc.h"

extern char **environ;

/* How long the transport may take to end once the migration is over. */
#define TRANSPORT_EXIT_SECONDS 10

struct transport {
	pid_t pid;
	int send_fd; /* to its stdin */
	int recv_fd; /* from its stdout */
};

/*
 * Starts sh -c rune with a pipe to its stdin and one from its stdout; -1 if
 * it cannot. Spawned, not forked (libxl's threads may run), with SIGPIPE as
 * the shell expects it, whatever this process does with it.
 */
static int transport_start(const char *rune, struct transport *t)
{
	char *argv[] = { "sh", "-c", (char *)rune, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t pipe_default;
	int to[2], from[2], rc;

	if (pipe2(to, O_CLOEXEC))
		return -1;
	if (pipe2(from, O_CLOEXEC)) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, from[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigemptyset(&pipe_default);
	sigaddset(&pipe_default, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &pipe_default);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&t->pid, "sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	if (rc) {
		close(to[1]);
		close(from[0]);
		errno = rc;
		return -1;
	}
	t->send_fd = to[1];
	t->recv_fd = from[0];
	return 0;
}

/* waitpid for at most seconds; the pid, or 0 if it still runs. */
static pid_t wait_bounded(pid_t pid, int *status, unsigned seconds)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	unsigned i;
	pid_t r = 0;

	for (i = 0; i < seconds * 20 && !r; i++) {
		r = waitpid(pid, status, WNOHANG);
		if (!r)
			nanosleep(&tick, NULL);
	}
	return r;
}

/* Closes our ends and reaps the transport, ending it (by its pid) if it lingers. */
static void transport_end(struct transport *t)
{
	int status = 0;
	pid_t r;

	close(t->send_fd);
	close(t->recv_fd);
	r = wait_bounded(t->pid, &status, TRANSPORT_EXIT_SECONDS);
	if (!r) {
		fprintf(stderr, "migration transport process [%ld] not exiting; ended\n",
			(long)t->pid);
		kill(t->pid, SIGTERM);
		r = wait_bounded(t->pid, &status, 2);
		if (!r) {
			kill(t->pid, SIGKILL);
			r = waitpid(t->pid, &status, 0);
		}
	}
	if (r == t->pid && WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr,
			"%s: migration transport process [%ld]: exited with error status %d\n",
			xlc_progname, (long)t->pid, WEXITSTATUS(status));
	else if (r == t->pid && WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM &&
		 WTERMSIG(status) != SIGKILL)
		fprintf(stderr,
			"%s: migration transport process [%ld]: died due to fatal signal %s\n",
			xlc_progname, (long)t->pid, strsignal(WTERMSIG(status)));
}

/* A figure the backend could see, or null (-1): a count, or milliseconds as seconds. */
static void json_key_figure(yajl_gen g, const char *key, long long v, bool ms_as_seconds)
{
	if (v < 0) {
		json_key(g, key);
		yajl_gen_null(g);
	} else if (ms_as_seconds) {
		json_key_fixed(g, key, (double)v / 1e3, "%.3f");
	} else {
		json_key_int(g, key, v);
	}
}

/* migrate --json: the outcome, for scripts; unknown figures are null. */
static void print_outcome_json(const char *name, const struct migrate_stats *s, long long total_ms,
			       const char *error)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	char *text;

	yajl_gen_map_open(g);
	json_key_str(g, "domain", name);
	json_key_str(g, "result", error ? "failed" : "ok");
	if (error)
		json_key_str(g, "error", error);
	json_key_figure(g, "total_s", total_ms, true);
	json_key_figure(g, "transfer_s", s->transfer_ms, true);
	json_key_figure(g, "downtime_s", s->paused_ms, true);
	json_key_figure(g, "bytes_sent", s->bytes_sent, false);
	json_key_figure(g, "rounds", s->rounds, false);
	yajl_gen_map_close(g);
	text = json_gen_finish(g);
	puts(text);
	free(text);
}

/* The sender's summary line, when the backend saw the stream (kvm). */
static void print_summary(const struct migrate_stats *s)
{
	if (s->bytes_sent < 0)
		return; /* xen: libxl wrote the stream, xl says nothing more */
	fprintf(stderr,
		"migration sender: %.1f MiB sent in %.1f s; the guest was paused for %.1f s\n",
		(double)s->bytes_sent / (1 << 20), (double)s->transfer_ms / 1e3,
		(double)s->paused_ms / 1e3);
}

/* Runs the backend's sender over a started transport: an exit status. */
static int send_over(const struct backend_ops *be, const char *name, struct transport *t,
		     const char *rune, const struct save_opts *opts, bool debug, bool json)
{
	struct migrate_stats stats = { -1, -1, -1, -1 };
	long long start = mono_ms();
	char *err = NULL;
	int r = be->migrate_send(&xlc_config, name, t->send_fd, t->recv_fd, rune, opts, debug,
				 &stats, &err);

	if (r) {
		xlc_warn("%s", err);
		stats = (struct migrate_stats){ -1, -1, -1, -1 };
	} else {
		print_summary(&stats);
	}
	if (json)
		print_outcome_json(name, &stats, mono_ms() - start, r ? err : NULL);
	free(err);
	return r ? EXIT_FAIL : EXIT_OK;
}

/*
 * migrate [-C config] [-s sshcmd] [-e] [-p] [-D] [-F] [--debug] [--live]
 * [--json] DOMAIN HOST
 */
int main_migrate(int argc, char **argv)
{
	const struct command *cmd = cli_command("migrate");
	const char *ssh = "ssh", *config_file = NULL, *host;
	bool no_monitor = false, paused = false, debug = false, json = false;
	struct save_opts opts = { 0 };
	struct domain_config *dc = NULL;
	const struct backend_ops *be;
	struct transport t;
	char *name, *rune;
	int opt, domid, ret = EXIT_OK;

	while ((opt = command_getopt(argc, argv, cmd)) != -1) {
		switch (opt) {
		case 'C':
			config_file = optarg;
			break;
		case 's':
			ssh = optarg;
			break;
		case 'F': /* as xl: the receiver is told -e for -F as well */
		case 'e':
			no_monitor = true;
			break;
		case 'p':
			paused = true;
			break;
		case 'D':
			opts.preserve_domid = true;
			break;
		case MIGRATE_OPT_DEBUG:
			debug = true;
			break;
		case MIGRATE_OPT_JSON:
			json = true;
			break;
		default: /* --live: xm's; migration is always live */
			break;
		}
	}
	be = cli_backend();
	cli_need(be, be->migrate_send, "migrate domains");
	name = cli_resolve(be, argv[optind], &domid);
	host = argv[optind + 1];
	if (config_file && !(dc = cli_load_config(config_file))) {
		free(name);
		return EXIT_FAIL;
	}
	opts.config = dc;
	opts.progress = true; /* shown only on a terminal */
	rune = *ssh ? xasprintf("exec %s %s %s migrate-receive%s%s%s", ssh, host, xlc_progname,
				no_monitor ? " -e" : "", debug ? " -d" : "", paused ? " -p" : "")
		    : xstrdup(host);
	/* A receiver that dies is an error to report, not our death. */
	signal(SIGPIPE, SIG_IGN);
	if (transport_start(rune, &t)) {
		xlc_warn("cannot start the migration transport (%s): %s", rune, strerror(errno));
		ret = EXIT_FAIL;
	} else {
		ret = send_over(be, name, &t, rune, &opts, debug, json);
		transport_end(&t);
	}
	if (dc)
		domain_config_free(dc);
	free(rune);
	free(name);
	return ret;
}

/* migrate-receive [-F] [-e] [-d] [-p]: the far end, on stdin and stdout. */
int main_migrate_receive(int argc, char **argv)
{
	const struct command *cmd = cli_command("migrate-receive");
	struct create_opts opts = { .quiet = true };
	const struct backend_ops *be;
	int opt;

	while ((opt = command_getopt(argc, argv, cmd)) != -1) {
		if (opt == 'r') {
			xlc_warn("migrate-receive -r: Remus is not supported by xlc");
			return EXIT_FAIL;
		}
		start_option(opt, &opts); /* -d: xl's debug output */
	}
	if (argc - optind)
		return usage_error(cmd, "'xlc migrate-receive' takes no operands");
	be = cli_backend();
	cli_need(be, be->migrate_receive, "receive migrating domains");
	return be->migrate_receive(&xlc_config, STDIN_FILENO, STDOUT_FILENO, &opts);
}
