// SPDX-License-Identifier: GPL-2.0
/*
 * save and restore on kvm (kvm.h). A save file is xl's header (savefile.h)
 * with the VMM's spec as its config, then the machine stream the guest
 * process writes (vmm/snapshot/FORMAT.md). save hands the VMM a pipe and
 * copies what comes out of it to the file; restore starts a VMM with the
 * file on its fd 5, where it continues the guest instead of booting it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/kvm.h"
#include "backends/kvm/kvm_spec.h"
#include "backends/kvm/rundir.h"
#include "lib/savefile.h"
#include "lib/util.h"

/* The VMM sends nothing for this long: the save is given up (it then runs on). */
#define SAVE_STALL_S 120
/* Once the stream has ended, the VMM's answer comes within this. */
#define SAVE_ANSWER_S 60
/* A save that ends the guest: it is gone (its name free) within this. */
#define SAVE_GONE_S 60

/* The config the file carries: the running spec, or (save DOM FILE CONFIG) the given one's. */
char *kvm_saved_spec(const struct xlc_conf *conf, const char *name, const struct save_opts *opts,
		     char **err)
{
	struct create_opts none = { 0 };
	struct vmm_spec *spec;
	char *json = NULL;

	if (!opts->config)
		return kvm_request(conf, name, ctl_command_name(CTL_SPEC), &json, err) ? NULL
										       : json;
	spec = kvm_spec_from_config(opts->config, &none, conf, err);
	if (spec)
		json = vmm_spec_to_json(spec);
	vmm_spec_free(spec);
	return json;
}

static int write_header(int fd, const char *file, const char *json, char **err)
{
	if (!savefile_write_header(fd, file, json))
		return 0;
	*err = xasprintf("cannot write %s: %s", file, strerror(errno));
	return -1;
}

/* "save MODE\n" to the VMM, with the stream's fd. */
static int send_save(int sock, const char *mode, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char *line = xasprintf("%s %s\n", ctl_command_name(CTL_SAVE), mode);
	struct iovec iov = { .iov_base = line, .iov_len = strlen(line) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	free(line);
	return n == (ssize_t)iov.iov_len ? 0 : -1;
}

/* A terminal's line of MiB sent, redrawn once a second (who: NULL for none). */
struct progress {
	const char *who;
	long long start_ms, shown_ms;
};

static void progress_show(struct progress *pg, uint64_t copied, bool last)
{
	long long now;
	double mib = (double)copied / (1 << 20);

	if (!pg->who)
		return; /* a file, or no terminal: not even the clock is read */
	now = mono_ms();
	if (!last && now - pg->shown_ms < 1000)
		return;
	if (last && !pg->shown_ms)
		return; /* done within a second: the summary says it all */
	pg->shown_ms = now;
	fprintf(stderr, "\r%s: %.1f MiB sent, %.1f MiB/s%s", pg->who, mib,
		now > pg->start_ms ? mib * 1e3 / (double)(now - pg->start_ms) : 0.0,
		last ? "\n" : "");
}

/* The stream, from the pipe to the file, until the VMM closes it. */
static int copy_stream(int from, int to, const char *file, struct progress *pg, uint64_t *copied,
		       char **err)
{
	size_t size = 1 << 20;
	char *buf = xmalloc(size);
	int r = -1;

	for (;;) {
		struct pollfd p = { .fd = from, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, SAVE_STALL_S * 1000) == 0) {
			*err = xasprintf("the VMM sent nothing for %d s; the save is given up",
					 SAVE_STALL_S);
			break;
		}
		n = read(from, buf, size);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == 0) {
			r = 0;
			break;
		}
		if (n < 0) {
			*err = xasprintf("cannot read the VMM's stream: %s", strerror(errno));
			break;
		}
		if (write_all(to, buf, (size_t)n)) {
			*err = xasprintf("cannot write %s: %s", file, strerror(errno));
			break;
		}
		*copied += (uint64_t)n;
		progress_show(pg, *copied, false);
	}
	progress_show(pg, *copied, true);
	free(buf);
	return r;
}

/* The VMM's answer to the save: 0 ("ok"), or -1 with its reason. */
static int read_answer(int sock, char **err)
{
	char buf[1024];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, SAVE_ANSWER_S * 1000) == 0)
			break;
		n = read(sock, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "ok"))
		return 0;
	*err = xstrdup(!strncmp(buf, "error ", 6) ? buf + 6 : "the VMM did not answer the save");
	return -1;
}

/* The save itself, once the file has its header: the VMM writes, this copies. */
int kvm_stream_to(const struct xlc_conf *conf, const char *name, const char *mode, int fd,
		  const char *file, const char *progress_who, uint64_t *bytes, char **err)
{
	struct progress pg = { .who = isatty(STDERR_FILENO) ? progress_who : NULL,
			       .start_ms = mono_ms() };
	uint64_t copied = 0;
	struct rundir rd = { .lock_fd = -1 };
	int p[2] = { -1, -1 }, sock = -1, r = -1;

	if (rundir_open(&rd, conf->run_dir, err))
		return -1;
	sock = rundir_connect(&rd, name);
	if (sock < 0) {
		*err = xasprintf("%s: its VMM does not answer", name);
		goto out;
	}
	/* The VMM's end non-blocking: it gives up on this end if it stops reading. */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) || fcntl(p[0], F_SETFL, 0) ||
	    send_save(sock, mode, p[1])) {
		*err = xasprintf("cannot ask %s's VMM to save: %s", name, strerror(errno));
		goto out;
	}
	close(p[1]);
	p[1] = -1;
	if (copy_stream(p[0], fd, file, &pg, &copied, err)) {
		char *ignored = NULL;

		close(p[0]); /* the VMM's next write fails: it gives up and runs on */
		p[0] = -1;
		read_answer(sock, &ignored);
		free(ignored);
		goto out;
	}
	r = read_answer(sock, err);
	if (bytes)
		*bytes = copied;
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (sock >= 0)
		close(sock);
	rundir_close(&rd);
	return r;
}

bool kvm_is_paused(const struct xlc_conf *conf, const char *name)
{
	const char *path[] = { CTL_KEY_STATE, NULL };
	char *json = NULL, *err = NULL;
	const char *text;
	yajl_val v = NULL, state;
	bool paused;

	if (!kvm_request(conf, name, ctl_command_name(CTL_INFO), &json, &err))
		v = yajl_tree_parse(json, NULL, 0);
	state = v ? yajl_tree_get(v, path, yajl_t_string) : NULL;
	text = state ? YAJL_GET_STRING(state) : NULL;
	paused = text && !strcmp(text, CTL_STATE_PAUSED);
	yajl_tree_free(v);
	free(json);
	free(err);
	return paused;
}

/* The file is written and on disk (a pipe or terminal has no disk: EINVAL). */
static int finish_file(int fd, const char *file, char **err)
{
	if ((fsync(fd) && errno != EINVAL) || close(fd)) {
		*err = xasprintf("cannot write %s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * -c runs the guest on, -p (which wins, as in xl) leaves it paused; without
 * either it ends, but only once its file is safe: until then it waits,
 * paused, and a save that fails resumes it. The file holds the guest's
 * memory: its owner's alone (xl's too).
 */
int kvm_save(const struct xlc_conf *conf, const char *name, const char *file,
	     const struct save_opts *opts, char **err)
{
	bool ends = !opts->checkpoint && !opts->leave_paused;
	const char *mode = opts->checkpoint && !opts->leave_paused ? CTL_SAVE_RUN : CTL_SAVE_PAUSE;
	bool was_paused = kvm_is_paused(conf, name);
	char *json = kvm_saved_spec(conf, name, opts, err), *ignored = NULL;
	struct stat st;
	bool regular;
	int fd, r = -1;

	if (!json)
		return -1;
	if (opts->preserve_domid)
		xlc_warn("save -D: the kvm backend gives a restored guest a new id");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = xasprintf("Failed to open temp file %s for writing: %s", file,
				 strerror(errno));
		free(json);
		return -1;
	}
	regular = !fstat(fd, &st) && S_ISREG(st.st_mode);
	if (write_header(fd, file, json, err) ||
	    kvm_stream_to(conf, name, mode, fd, file, NULL, NULL, err)) {
		close(fd);
		goto out; /* the VMM let the guest go on as it was */
	}
	if (finish_file(fd, file, err)) {
		if (ends && !was_paused)
			kvm_request(conf, name, ctl_command_name(CTL_UNPAUSE), NULL, &ignored);
		goto out;
	}
	r = 0;
	if (ends && (kvm_request(conf, name, ctl_command_name(CTL_DESTROY), NULL, &ignored) ||
		     kvm_wait_gone(conf, name, SAVE_GONE_S)))
		xlc_warn("%s: saved, but still there; see its VMM log", name);
out:
	if (r && regular)
		unlink(file); /* a half-written save restores nothing */
	free(ignored);
	free(json);
	return r;
}

/* The spec to restore: the file's (made this host's), or one from the config given. */
static struct vmm_spec *restore_spec(const char *file, const char *json,
				     const struct domain_config *config,
				     const struct create_opts *opts, const struct xlc_conf *conf)
{
	struct vmm_spec *spec = NULL;
	char *err = NULL;

	if (config) {
		spec = kvm_spec_from_config(config, opts, conf, &err);
	} else if (!json) {
		err = xasprintf("holds no config: give the config file too (xlc restore CONFIG %s)",
				file);
	} else {
		spec = vmm_spec_from_json(json, strlen(json), &err);
		if (spec) {
			kvm_spec_localize(spec, opts, conf);
		} else {
			char *why = err;

			err = xasprintf("not a kvm guest's save file (one xl saved on Xen?): %s",
					why);
			free(why);
		}
	}
	if (!spec) {
		xlc_warn("%s: %s", config ? config->name : file, err);
		free(err);
	}
	return spec;
}

int kvm_restore(const struct xlc_conf *conf, const char *file, const struct domain_config *config,
		const struct create_opts *opts)
{
	struct vmm_spec *spec = NULL;
	char *json = NULL, *err = NULL;
	int fd, status = EXIT_FAIL;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		xlc_warn("Can't open restore file %s: %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	if (savefile_read_header(fd, file, &json, &err) < 0) {
		xlc_warn("%s", err);
		goto out;
	}
	spec = restore_spec(file, json, config, opts, conf);
	if (!spec)
		goto out;
	spec->restore = true;
	status = kvm_launch(spec, opts, conf, fd);
out:
	vmm_spec_free(spec);
	free(json);
	free(err);
	close(fd);
	return status;
}
