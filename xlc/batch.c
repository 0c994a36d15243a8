// SPDX-License-Identifier: GPL-2.0
/*
 * xlc create with many config files (or directories of *.cfg, or --auto):
 * parse and check every file first, refuse name collisions and a batch
 * bigger than the host's free memory up front, then create the guests N at
 * a time, each in a child process whose error text is kept for the summary.
 * With --all-or-nothing a failure anywhere leaves no guest of the batch.
 */
#include "xlc/batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/util.h"
#include "xlc/xlc.h"

enum item_state { IT_PARSED, IT_INVALID, IT_STARTING, IT_RUNNING, IT_FAILED, IT_UNDONE };

static const char *const state_names[] = {
	[IT_PARSED] = "waiting",  [IT_INVALID] = "invalid", [IT_STARTING] = "starting",
	[IT_RUNNING] = "running", [IT_FAILED] = "failed",   [IT_UNDONE] = "destroyed",
};

struct item {
	char *path;
	struct domain_config *dc;
	enum item_state state;
	char *error;
	int domid;
	double started, seconds;
	pid_t pid;
	int err_fd;
	struct strbuf err_text;
};

struct batch {
	const struct batch_args *args;
	const struct backend_ops *be;
	struct item *items;
	unsigned n;
	bool tty;
	unsigned drawn; /* progress lines on screen */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *item_name(const struct item *it)
{
	const char *slash;

	if (it->dc && it->dc->name)
		return it->dc->name;
	slash = strrchr(it->path, '/');
	return slash ? slash + 1 : it->path;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.cfg files of a directory, sorted, appended to the batch. */
static int add_directory(struct batch *b, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **paths = NULL;
	unsigned n = 0, i;

	if (!d) {
		xlc_warn("cannot read directory %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".cfg") && e->d_name[0] != '.') {
			paths = xreallocarray(paths, n + 1, sizeof(*paths));
			paths[n++] = xasprintf("%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (n) /* qsort must not see the NULL of an empty directory */
		qsort(paths, n, sizeof(*paths), by_path);
	b->items = xreallocarray(b->items, b->n + n + 1, sizeof(*b->items));
	for (i = 0; i < n; i++)
		b->items[b->n++] = (struct item){ .path = paths[i], .domid = -1, .err_fd = -1 };
	free(paths);
	return 0;
}

static int collect(struct batch *b)
{
	unsigned i;

	for (i = 0; i < b->args->nfiles; i++) {
		const char *p = b->args->files[i];
		struct stat st;

		if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
			if (add_directory(b, p))
				return -1;
			continue;
		}
		b->items = xreallocarray(b->items, b->n + 2, sizeof(*b->items));
		b->items[b->n++] = (struct item){ .path = xstrdup(p), .domid = -1, .err_fd = -1 };
	}
	return 0;
}

static void parse_all(struct batch *b)
{
	struct domain_defaults defaults = { xlc_config.vif_bridge, xlc_config.vif_script,
					    xlc_config.unknown_keys_warn };
	unsigned i;

	for (i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];
		size_t len = 0;
		char *err = NULL, *text = read_config_file(it->path, CONFIG_FILE_MAX, &len, &err);

		if (!text) {
			it->state = IT_INVALID;
			it->error = err;
			continue;
		}
		it->dc = domain_config_load(it->path, text, len, b->args->overrides,
					    b->args->noverrides, &defaults, &err);
		free(text);
		if (!it->dc) {
			it->state = IT_INVALID;
			it->error = err;
		}
	}
}

/* Two guests of one name, in the batch or already running: refused up front. */
static void check_names(struct batch *b)
{
	struct domain_info *running = NULL;
	char *err = NULL;
	int nrunning = 0, k;
	unsigned i, j;

	if (b->be->list && b->be->list(&xlc_config, false, &running, &nrunning, &err)) {
		free(err);
		nrunning = 0;
	}
	for (i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];

		if (it->state != IT_PARSED)
			continue;
		for (k = 0; k < nrunning; k++)
			if (!strcmp(running[k].name, it->dc->name))
				it->error = xasprintf("%s: a domain named %s is already running "
						      "(id %d)",
						      it->path, it->dc->name, running[k].domid);
		for (j = 0; j < i && !it->error; j++)
			if (b->items[j].dc && !strcmp(b->items[j].dc->name, it->dc->name))
				it->error = xasprintf("%s: name %s is also used by %s", it->path,
						      it->dc->name, b->items[j].path);
		if (it->error)
			it->state = IT_INVALID;
	}
	domain_info_free(running, nrunning);
}

/* The memory the batch asks for against what the host has free. */
static int check_memory(struct batch *b)
{
	struct domain_stats *doms = NULL;
	struct host_stats host = { 0 };
	struct domain_sizes sizes;
	uint64_t want = 0;
	char *err = NULL;
	int nd = 0;
	unsigned i;

	if (b->args->force || !b->be->stats)
		return 0;
	if (b->be->stats(&xlc_config, &host, &doms, &nd, &err)) {
		free(err);
		return 0; /* nothing to compare with: the creates will tell */
	}
	domain_stats_free(doms, nd);
	for (i = 0; i < b->n; i++) {
		if (b->items[i].state != IT_PARSED)
			continue;
		sizes = domain_config_resolve(b->items[i].dc, b->be->size_defaults);
		want += (uint64_t)sizes.memory_mib;
	}
	if (want <= host.free_kb / 1024)
		return 0;
	xlc_warn("the batch asks for %llu MiB of memory and the host has %llu MiB free; "
		 "nothing was started (--force starts it anyway)",
		 (unsigned long long)want, (unsigned long long)(host.free_kb / 1024));
	return -1;
}

static void report_event(struct batch *b, const struct item *it)
{
	if (b->tty || b->args->json)
		return;
	if (it->state == IT_RUNNING)
		fprintf(stderr, "%s: running (id %d, %.2f s)\n", item_name(it), it->domid,
			it->seconds);
	else if (it->state == IT_FAILED || it->state == IT_INVALID)
		fprintf(stderr, "%s: %s: %s\n", item_name(it), state_names[it->state], it->error);
	else
		fprintf(stderr, "%s: %s\n", item_name(it), state_names[it->state]);
}

/* The terminal's size (24x80 if it will not say). */
static void term_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* Which guests get a line when not all fit: in flight, then failed, then the rest. */
static int line_rank(const struct item *it)
{
	if (it->state == IT_STARTING)
		return 0;
	return it->state == IT_FAILED || it->state == IT_INVALID ? 1 : 2;
}

/* One guest's line, clipped to the width: a line that wraps breaks the redraw. */
static void draw_item(const struct item *it, unsigned cols)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "  %-24.24s %-9s", item_name(it),
			 state_names[it->state]);

	if (it->state == IT_RUNNING)
		snprintf(line + n, sizeof(line) - (size_t)n, " %6.2f s", it->seconds);
	else if (it->error)
		snprintf(line + n, sizeof(line) - (size_t)n, " %s", it->error);
	fprintf(stderr, "\033[2K%.*s\n", (int)(cols > 1 ? cols - 1 : 1), line);
}

/*
 * On a terminal: a line per guest, redrawn in place, and a bar; never more
 * lines than the terminal has (the cursor cannot go up past its top, and
 * the rest would pile up in the scrollback).
 */
static void draw_progress(struct batch *b)
{
	unsigned i, running = 0, failed = 0, done = 0, width = 30, fill, rows, cols, room,
		    shown = 0;
	char bar[128];
	int rank;

	if (!b->tty || b->args->json)
		return;
	term_size(&rows, &cols);
	if (b->drawn)
		fprintf(stderr, "\033[%uA", b->drawn);
	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		running += it->state == IT_RUNNING;
		failed += it->state == IT_FAILED || it->state == IT_INVALID;
		done += it->state != IT_PARSED && it->state != IT_STARTING;
	}
	room = rows > 2 ? rows - 2 : 0; /* the bar, and the line the cursor ends on */
	for (rank = b->n <= room ? 2 : 0; rank <= 2; rank++)
		for (i = 0; i < b->n && shown < room; i++)
			if (b->n <= room || line_rank(&b->items[i]) == rank) {
				draw_item(&b->items[i], cols);
				shown++;
			}
	fill = b->n ? done * width / b->n : width;
	snprintf(bar, sizeof(bar), "  [%.*s%*s] %u/%u done, %u running, %u failed", (int)fill,
		 "##############################", (int)(width - fill), "", done, b->n, running,
		 failed);
	fprintf(stderr, "\033[2K%.*s\n", (int)(cols > 1 ? cols - 1 : 1), bar);
	/* A shorter list than last time: clear what is left below. */
	for (i = shown + 1; i < b->drawn; i++)
		fprintf(stderr, "\033[2K\n");
	if (b->drawn > shown + 1)
		fprintf(stderr, "\033[%uA", b->drawn - shown - 1);
	b->drawn = shown + 1;
	fflush(stderr);
}

/* The child: the backend's create, its messages into the pipe. */
static void start(struct batch *b, struct item *it)
{
	struct create_opts opts = { .quiet = true };
	int fds[2];

	if (pipe2(fds, O_CLOEXEC)) {
		it->state = IT_FAILED;
		it->error = xasprintf("pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	it->started = now();
	it->pid = fork();
	if (it->pid == 0) {
		unsigned i;

		/* Siblings' pipes must not live on in this guest's VMM: they would never end. */
		for (i = 0; i < b->n; i++)
			if (b->items[i].err_fd >= 0)
				close(b->items[i].err_fd);
		dup2(fds[1], STDERR_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		_exit(b->be->create(it->dc, &opts, &xlc_config));
	}
	close(fds[1]);
	if (it->pid < 0) {
		close(fds[0]);
		it->state = IT_FAILED;
		it->error = xasprintf("fork: %s", strerror(errno));
		return;
	}
	it->err_fd = fds[0];
	sb_init(&it->err_text);
	it->state = IT_STARTING;
}

/* The child's last line, without "xlc: " and "<name>: ": the reason. */
static char *reason(struct item *it)
{
	char *text = it->err_text.buf ? it->err_text.buf : "", *line, *end;
	size_t len = strlen(text);
	char *prefix;

	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	line = strrchr(text, '\n');
	line = line ? line + 1 : text;
	if (!strncmp(line, "xlc: ", 5))
		line += 5;
	prefix = xasprintf("%s: ", it->dc->name);
	if (!strncmp(line, prefix, strlen(prefix)))
		line += strlen(prefix);
	free(prefix);
	end = line + strlen(line);
	return *line ? xstrndup(line, (size_t)(end - line)) : xstrdup("the create failed");
}

static void finish(struct batch *b, struct item *it, int status)
{
	char *name = NULL, *err = NULL;

	close(it->err_fd);
	it->err_fd = -1;
	it->seconds = now() - it->started;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		it->state = IT_RUNNING;
		if (b->be->resolve &&
		    !b->be->resolve(&xlc_config, it->dc->name, &name, &it->domid, &err))
			free(name);
		free(err);
	} else {
		it->state = IT_FAILED;
		it->error = reason(it);
	}
	sb_free(&it->err_text);
	report_event(b, it);
	draw_progress(b);
}

/* Reads what children say; reaps the ones that ended. */
static void wait_some(struct batch *b)
{
	struct pollfd pfd[256];
	struct item *who[256];
	unsigned i, n = 0;
	char buf[4096];

	for (i = 0; i < b->n && n < ARRAY_SIZE(pfd); i++) {
		if (b->items[i].state != IT_STARTING)
			continue;
		pfd[n] = (struct pollfd){ .fd = b->items[i].err_fd, .events = POLLIN };
		who[n++] = &b->items[i];
	}
	if (poll(pfd, n, 1000) < 0 && errno != EINTR)
		return;
	for (i = 0; i < n; i++) {
		ssize_t r;
		int status;

		if (!pfd[i].revents)
			continue;
		r = read(pfd[i].fd, buf, sizeof(buf));
		if (r > 0) {
			sb_addn(&who[i]->err_text, buf, (size_t)r);
			continue;
		}
		/* EOF: the child (and any VMM it forked) closed the pipe; reap the child. */
		while (waitpid(who[i]->pid, &status, 0) < 0 && errno == EINTR)
			;
		finish(b, who[i], status);
	}
}

static unsigned count(const struct batch *b, enum item_state s)
{
	unsigned i, c = 0;

	for (i = 0; i < b->n; i++)
		c += b->items[i].state == s;
	return c;
}

static void run(struct batch *b)
{
	unsigned next = 0, active = 0;

	draw_progress(b);
	while (next < b->n || active) {
		while (next < b->n && active < b->args->parallel) {
			struct item *it = &b->items[next++];

			if (it->state != IT_PARSED)
				continue;
			start(b, it);
			report_event(b, it);
			active += it->state == IT_STARTING;
		}
		draw_progress(b);
		if (!active)
			continue;
		wait_some(b);
		active = count(b, IT_STARTING);
	}
}

/* --all-or-nothing: the guests this batch started go again. */
static void undo(struct batch *b)
{
	unsigned i;

	for (i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];
		char *err = NULL;

		if (it->state != IT_RUNNING)
			continue;
		if (b->be->op(&xlc_config, it->dc->name, DOM_DESTROY, &err) == 0) {
			if (b->be->wait_gone)
				b->be->wait_gone(&xlc_config, it->dc->name, 30);
			it->state = IT_UNDONE;
		}
		free(err);
	}
}

/* The last line, for people and scripts alike: how many of each result. */
static void summary_totals(const struct batch *b)
{
	unsigned count[IT_UNDONE + 1] = { 0 }, i;

	for (i = 0; i < b->n; i++)
		count[b->items[i].state]++;
	printf("%u of %u running, %u failed, %u invalid, %u destroyed, %u not started\n",
	       count[IT_RUNNING], b->n, count[IT_FAILED], count[IT_INVALID], count[IT_UNDONE],
	       count[IT_PARSED] + count[IT_STARTING]);
}

static void summary_table(const struct batch *b)
{
	unsigned i;

	printf("%-24s %5s  %-9s %8s  %s\n", "Name", "ID", "Result", "Time(s)", "Error");
	fflush(stdout);
	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];
		char id[16] = "-", t[16] = "-";

		if (it->state == IT_RUNNING)
			snprintf(id, sizeof(id), "%d", it->domid);
		if (it->state == IT_RUNNING || it->state == IT_FAILED || it->state == IT_UNDONE)
			snprintf(t, sizeof(t), "%.2f", it->seconds);
		printf("%-24s %5s  %-9s %8s%s%s\n", item_name(it), id, state_names[it->state], t,
		       it->error ? "  " : "", it->error ? it->error : "");
	}
	summary_totals(b);
}

static void summary_json(const struct batch *b)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	unsigned i;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_array_open(g);
	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		yajl_gen_map_open(g);
		json_key_str(g, "name", item_name(it));
		json_key_str(g, "file", it->path);
		json_key(g, "domid");
		if (it->state == IT_RUNNING)
			yajl_gen_integer(g, it->domid);
		else
			yajl_gen_null(g);
		json_key_str(g, "result", state_names[it->state]);
		json_key(g, "seconds");
		if (it->state == IT_RUNNING || it->state == IT_FAILED || it->state == IT_UNDONE)
			yajl_gen_double(g, it->seconds);
		else
			yajl_gen_null(g);
		json_key_str(g, "error", it->error);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
}

static void free_batch(struct batch *b)
{
	unsigned i;

	for (i = 0; i < b->n; i++) {
		free(b->items[i].path);
		free(b->items[i].error);
		domain_config_free(b->items[i].dc);
	}
	free(b->items);
}

int batch_create(const struct batch_args *args, const struct backend_ops *be)
{
	struct batch b = { .args = args, .be = be, .tty = isatty(STDERR_FILENO) };
	int ret = EXIT_FAIL;
	unsigned invalid;

	if (collect(&b))
		goto out;
	if (!b.n) {
		fprintf(stderr, "Nothing to create: no config files%s\n",
			args->nfiles == 1 ? " in that directory" : "");
		ret = EXIT_OK;
		goto out;
	}
	parse_all(&b);
	check_names(&b);
	invalid = count(&b, IT_INVALID);
	if (invalid && args->all_or_nothing) {
		unsigned i;

		for (i = 0; i < b.n; i++)
			if (b.items[i].state == IT_INVALID)
				xlc_warn("%s", b.items[i].error);
		xlc_warn("%u of %u configs are invalid; nothing was started (--all-or-nothing)",
			 invalid, b.n);
		goto out;
	}
	if (check_memory(&b))
		goto out;
	run(&b);
	if (args->all_or_nothing && count(&b, IT_RUNNING) != b.n)
		undo(&b);
	if (args->json)
		summary_json(&b);
	else
		summary_table(&b);
	ret = count(&b, IT_RUNNING) == b.n ? EXIT_OK : EXIT_FAIL;
out:
	free_batch(&b);
	return ret;
}
