// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's logs (backends/kvm/vmm/logfile.c): capped and rotated to .1,
 * timestamped line by line, reopened after logrotate; and the rate limit
 * that keeps a guest from filling them with one message.
 */
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kvm/vmm/logfile.h"
#include "lib/util.h"
#include "tap.h"

static char dir[] = "/tmp/xlc-logfile-XXXXXX";

static char *path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static long long size_of(const char *name)
{
	char *p = path(name);
	struct stat st;
	long long n = stat(p, &st) ? -1 : (long long)st.st_size;

	free(p);
	return n;
}

static void capped(void)
{
	char *p = path("cap.log"), *err = NULL, line[100];
	struct logfile lf;
	int i;

	ok(logfile_open(&lf, p, 1000, false, &err) == 0, "a log opens");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < 1000; i++) /* 100 KB into a 1000-byte cap */
		logfile_write(&lf, line, sizeof(line));
	ok(size_of("cap.log") <= 1000 && size_of("cap.log") > 0, "the log stays within its cap");
	is_int(size_of("cap.log.1"), 1000, "the full one became .1");
	is_int(size_of("cap.log.2"), -1, "and only one old file is kept");
	logfile_close(&lf);
	free(p);
}

static void timestamps(void)
{
	char *p = path("ts.log"), *err = NULL, *text;
	struct logfile lf;
	regex_t re;

	char *echo_path = path("echo.out"), *echoed;
	int echo_fd = open(echo_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	logfile_open(&lf, p, 0, true, &err);
	lf.echo_fd = echo_fd; /* create -F off a terminal: the console on stdout */
	logfile_write(&lf, "one\ntw", 6);
	logfile_write(&lf, "o\nthree\n", 8);
	logfile_close(&lf);
	close(echo_fd);
	echoed = read_file(echo_path, NULL);
	is_str(echoed, "one\ntwo\nthree\n", "the echo has the guest's bytes, no stamps");
	free(echoed);
	free(echo_path);
	text = read_file(p, NULL);
	regcomp(&re,
		"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} one\n"
		"[0-9-]{10} [0-9:.]{12} two\n[0-9-]{10} [0-9:.]{12} three\n$",
		REG_EXTENDED);
	if (!ok(text && !regexec(&re, text, 0, NULL, 0),
		"a stamp at each line, a line split in two writes included"))
		fprintf(stderr, "# %s\n", text ? text : "");
	regfree(&re);
	free(text);
	free(p);
}

static void refused(void)
{
	char *p = path("link.log"), *err = NULL;
	struct logfile lf;
	int r;

	if (symlink("/etc/passwd", p))
		return;
	r = logfile_open(&lf, p, 0, false, &err);
	ok(r == -1 && err && strstr(err, "symbolic link"), "a symlinked log is refused: %s",
	   err ? err : "opened");
	free(err);
	free(p);
	p = path("fifo.log");
	err = NULL;
	mkfifo(p, 0600);
	r = logfile_open(&lf, p, 0, false, &err); /* O_NONBLOCK: ENXIO, never a wait for a reader */
	ok(r == -1 && err && strstr(err, "cannot open the log"), "a FIFO is refused at once: %s",
	   err ? err : "opened");
	free(err);
	free(p);
}

static void reopened(void)
{
	char *p = path("rot.log"), *moved = path("rot.log.old"), *err = NULL;
	struct logfile lf;

	logfile_open(&lf, p, 0, false, &err);
	logfile_write(&lf, "before\n", 7);
	rename(p, moved);
	logfile_reopen(&lf);
	logfile_write(&lf, "after\n", 6);
	logfile_close(&lf);
	is_int(size_of("rot.log.old"), 7, "the moved file kept what came before");
	is_int(size_of("rot.log"), 6, "and a new one took what came after");
	free(p);
	free(moved);
}

static void rate_limit(void)
{
	struct ratelimit rl = { 0 };
	unsigned held = 0, passed = 0, i;

	for (i = 0; i < 1000; i++)
		passed += ratelimit_pass(&rl, 5, 60, &held);
	is_int(passed, 5, "5 of 1000 events pass in a minute");
	is_int(rl.held_back, 995, "the rest are counted");
	rl.window_start -= 60; /* a minute later */
	ok(ratelimit_pass(&rl, 5, 60, &held) && held == 995,
	   "the next one to pass learns how many were held back (%u)", held);
}

static void cleanup(void)
{
	static const char *const names[] = { "cap.log",	 "cap.log.1", "ts.log",	    "link.log",
					     "fifo.log", "rot.log",   "rot.log.old" };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = path(names[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	capped();
	timestamps();
	refused();
	reopened();
	rate_limit();
	cleanup();
	return done_testing();
}
