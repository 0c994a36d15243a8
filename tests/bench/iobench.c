// SPDX-License-Identifier: GPL-2.0
/*
 * iobench DEVICE MIB SECONDS: runs inside a benchmark guest (a static binary
 * on a disk the guest mounts). With O_DIRECT, so the guest's page cache does
 * not answer for the disk: a sequential write of MIB MiB in 1 MiB requests,
 * the same read back, then 4 KiB reads at random offsets for SECONDS.
 * Prints one line: "XLC-IO seq_write_mbs=.. seq_read_mbs=.. rand_read_iops=..".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double sequential(int fd, char *buf, long mib, int write)
{
	double t0 = now();
	long i;

	for (i = 0; i < mib; i++) {
		ssize_t r = write ? pwrite(fd, buf, 1 << 20, (off_t)i << 20)
				  : pread(fd, buf, 1 << 20, (off_t)i << 20);

		if (r != 1 << 20) {
			perror(write ? "write" : "read");
			exit(1);
		}
	}
	if (write)
		fdatasync(fd);
	return (double)mib / (now() - t0);
}

static double random_reads(int fd, char *buf, long mib, double seconds)
{
	long blocks = mib * 256, n = 0;
	double t0 = now(), t;
	unsigned seed = 12345;

	do {
		off_t off = (off_t)(rand_r(&seed) % blocks) * 4096;

		if (pread(fd, buf, 4096, off) != 4096) {
			perror("read");
			exit(1);
		}
		n++;
		t = now();
	} while (t - t0 < seconds);
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	char *buf;
	long mib;
	double w, r, iops;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: iobench DEVICE MIB SECONDS\n");
		return 2;
	}
	mib = atol(argv[2]);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, 4096, 1 << 20)) {
		perror(argv[1]);
		return 1;
	}
	memset(buf, 0x5a, 1 << 20);
	w = sequential(fd, buf, mib, 1);
	r = sequential(fd, buf, mib, 0);
	iops = random_reads(fd, buf, mib, atof(argv[3]));
	printf("XLC-IO seq_write_mbs=%.1f seq_read_mbs=%.1f rand_read_iops=%.0f\n", w, r, iops);
	return 0;
}
