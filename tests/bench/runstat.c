// SPDX-License-Identifier: GPL-2.0
/*
 * runstat CMD [ARGS...]: runs a command and prints, on stderr, its wall time
 * in seconds, its peak RSS in MiB (the largest of it and its waited-for
 * children) and its exit status:  "runstat wall=0.041 rss_mib=2.3 status=0".
 * The benchmarks' stopwatch: no shell or GNU time between the VMM and us.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: runstat CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "runstat wall=%.4f rss_mib=%.1f status=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)ru.ru_maxrss / 1024.0, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}
