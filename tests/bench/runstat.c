// SPDX-License-Identifier: GPL-2.0
/*
 * runstat [-m PATTERN] CMD [ARGS...]: runs a command and prints, on stderr,
 * its wall time in seconds, its peak RSS in MiB (the largest of it and its
 * waited-for children) and its exit status; with -m, also when a line of
 * its standard output first contained PATTERN (the output is passed on):
 *   runstat wall=0.041 marker=0.030 rss_mib=2.3 status=0
 * The benchmarks' stopwatch: no shell or GNU time between the VMM and us.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Passes the child's output on, noting when PATTERN first shows. */
static double watch(int fd, const char *pattern, const struct timespec *t0)
{
	char line[4096];
	double marker = -1;
	FILE *in = fdopen(fd, "r");

	while (in && fgets(line, sizeof(line), in)) {
		if (marker < 0 && strstr(line, pattern))
			marker = since(t0);
		fputs(line, stdout);
	}
	fflush(stdout);
	if (in)
		fclose(in);
	return marker;
}

int main(int argc, char **argv)
{
	const char *pattern = NULL;
	struct timespec t0;
	struct rusage ru;
	double marker = -1, wall;
	int status, first = 1, out[2] = { -1, -1 };
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-m")) {
		pattern = argv[2];
		first = 3;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: runstat [-m PATTERN] CMD [ARGS...]\n");
		return 2;
	}
	if (pattern && pipe(out)) {
		perror("pipe");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		if (pattern) {
			dup2(out[1], STDOUT_FILENO);
			close(out[0]);
			close(out[1]);
		}
		execvp(argv[first], argv + first);
		perror(argv[first]);
		_exit(127);
	}
	if (pattern) {
		close(out[1]);
		marker = watch(out[0], pattern, &t0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat");
		return 1;
	}
	wall = since(&t0);
	fprintf(stderr, "runstat wall=%.4f", wall);
	if (pattern && marker >= 0)
		fprintf(stderr, " marker=%.4f", marker);
	fprintf(stderr, " rss_mib=%.1f status=%d\n", (double)ru.ru_maxrss / 1024.0,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}
