// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the kvm machine stream, which restore reads from a
 * file and migrate-receive from a pipe anyone at the far end controls. The
 * input, behind a valid preamble (so that the fuzzer spends its time on
 * records), is read to its end or its first error; page records land in a
 * small fake RAM, and device records are read field by field. Nothing may
 * crash, overrun or leak.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t ram_bytes[4 * SNAP_PAGE_SIZE];

static void fields(const struct snap_record *rec)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	char name[32];

	snap_get_str(&in, name, sizeof(name));
	while (!in.short_read && in.off < in.len)
		snap_get_u32(&in);
}

/*
 * With XLC_FUZZ_SEEDS=dir (tests/fuzz/run.sh sets it), writes a stream as
 * save does (a page run, a device, the end; no preamble) and exits, so the
 * fuzzer starts from records whose CRCs match.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("XLC_FUZZ_SEEDS");
	static uint8_t page[SNAP_PAGE_SIZE];
	struct snap_ram ram = { 0x1000, sizeof(page), page };
	struct snap_out o = { 0 };
	struct snap_writer w;
	char path[4096], *err = NULL;
	int fd;

	(void)argc;
	(void)argv;
	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/seed-stream", dir);
	memset(page, 0x5a, 64);
	snap_put_str(&o, "serial0");
	snap_put_u32(&o, 0x60);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = (struct snap_writer){ .fd = fd }; /* no preamble: the fuzzer adds it */
	if (fd < 0 || snap_write_ram(&w, &ram, 1, &err) ||
	    snap_write_record(&w, SNAP_DEVICE, o.p, o.len, &err) || snap_write_end(&w, &err))
		exit(1);
	close(fd);
	snap_out_free(&o);
	exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static const uint8_t preamble[16] = "XLCKVMST\1\0\0\0\0\0\0\0";
	/* Two regions with a hole between: a page may land in neither. */
	struct snap_ram ram[2] = {
		{ 0x1000, 2 * SNAP_PAGE_SIZE, ram_bytes },
		{ 0x10000, 2 * SNAP_PAGE_SIZE, ram_bytes + 2 * SNAP_PAGE_SIZE },
	};
	struct snap_reader r;
	struct snap_record rec;
	char *err = NULL;

	if (fd < 0)
		fd = memfd_create("fuzz_snapshot", 0);
	/* Inputs starting with '!' keep their own preamble. */
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) ||
	    (size && data[0] == '!'
		     ? write(fd, data + 1, size - 1) != (ssize_t)(size - 1)
		     : write(fd, preamble, 16) != 16 || write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET))
		abort();
	if (snap_read_start(&r, fd, &err) == 0) {
		while (!snap_read_record(&r, &rec, &err)) {
			if (rec.type == SNAP_PAGES && snap_apply_pages(&r, &rec, ram, 2, &err))
				break;
			if (rec.type == SNAP_DEVICE)
				fields(&rec);
			if (rec.type == SNAP_END) {
				snap_check_end(&r, &rec, &err);
				break;
			}
		}
	}
	snap_read_finish(&r);
	free(err);
	return 0;
}
