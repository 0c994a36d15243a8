// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/stream.c: a stream written and
 * read back through a memfd, zero pages left out, and every way a broken
 * or hostile stream is refused (truncated, flipped bit, long record, page
 * outside RAM, newer version, unknown record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/stream.h"
#include "tap.h"

#define PG SNAP_PAGE_SIZE

static int memfd(void)
{
	return memfd_create("stream", MFD_CLOEXEC);
}

/* Reads the whole stream in fd into ram; the first error, or NULL. */
static char *read_stream(int fd, struct snap_ram *ram, unsigned nram, struct snap_reader *r,
			 unsigned *devices)
{
	struct snap_record rec;
	char *err = NULL;

	lseek(fd, 0, SEEK_SET);
	*devices = 0;
	if (snap_read_start(r, fd, &err))
		return err;
	for (;;) {
		if (snap_read_record(r, &rec, &err))
			break;
		if (rec.type == SNAP_PAGES && snap_apply_pages(r, &rec, ram, nram, &err))
			break;
		if (rec.type == SNAP_DEVICE)
			(*devices)++;
		if (rec.type == SNAP_END) {
			snap_check_end(r, &rec, &err);
			break;
		}
	}
	snap_read_finish(r);
	return err;
}

/* The stream of fd, rewritten by edit, then read: its error. */
static char *read_edited(int fd, void (*edit)(uint8_t *b, size_t *len), struct snap_ram *ram)
{
	off_t len = lseek(fd, 0, SEEK_END);
	uint8_t *b = malloc((size_t)len + 64);
	size_t n = (size_t)len;
	int copy = memfd();
	struct snap_reader r;
	unsigned devices;
	char *err;

	if (pread(fd, b, n, 0) != (ssize_t)n)
		abort();
	edit(b, &n);
	if (write(copy, b, n) != (ssize_t)n)
		abort();
	err = read_stream(copy, ram, 1, &r, &devices);
	close(copy);
	free(b);
	return err;
}

static void cut_short(uint8_t *b, size_t *len)
{
	(void)b;
	*len -= 5;
}

static void flip_a_page_bit(uint8_t *b, size_t *len)
{
	(void)len;
	b[16 + 16 + 12 + 100] ^= 0x10; /* preamble, first record's head, pages head */
}

static void version_two(uint8_t *b, size_t *len)
{
	(void)len;
	b[8] = 2;
}

static void huge_length(uint8_t *b, size_t *len)
{
	(void)len;
	b[16 + 8 + 5] = 0x7f; /* the first record's length: about 2^47 */
}

static void page_outside(uint8_t *b, size_t *len)
{
	(void)len;
	b[16 + 16 + 3] = 0x40; /* the first page's address: 1 GiB up */
}

static void unknown_type(uint8_t *b, size_t *len)
{
	(void)len;
	b[16] = 99;
}

int main(void)
{
	static uint8_t guest[8 * PG], back[8 * PG];
	struct snap_ram ram = { 0x100000, sizeof(guest), guest };
	struct snap_ram ram_back = { 0x100000, sizeof(back), back };
	struct snap_writer w;
	struct snap_reader r;
	struct snap_out o = { 0 };
	struct snap_in in;
	unsigned devices;
	char name[16], *err = NULL;
	int fd = memfd();

	/* Pages 0, 1 and 5 hold data; the rest are zero and must not be sent. */
	memset(guest, 0xa5, 2 * PG);
	guest[5 * PG + 17] = 1;
	snap_put_str(&o, "serial0");
	snap_put_u32(&o, 0xdeadbeef);
	snap_put_u64(&o, 1ULL << 40);
	ok(!snap_write_start(&w, fd, &err) && !snap_write_ram(&w, &ram, 1, &err) &&
		   !snap_write_record(&w, SNAP_DEVICE, o.p, o.len, &err) &&
		   !snap_write_end(&w, &err),
	   "a stream is written");
	is_int((long long)w.pages, 3, "  only the 3 pages that are not zero");
	is_int((long long)w.records, 4,
	       "  in 2 page records (two runs), then a device and the end");

	memset(back, 0, sizeof(back)); /* a restored guest's RAM starts zeroed */
	err = read_stream(fd, &ram_back, 1, &r, &devices);
	is_str(err, NULL, "it reads back to the end");
	ok(!memcmp(guest, back, sizeof(guest)), "  guest RAM is the same");
	is_int(devices, 1, "  with its device record");
	free(err);

	in = (struct snap_in){ o.p, o.len, 0, false };
	snap_get_str(&in, name, sizeof(name));
	is_str(name, "serial0", "fields: a string");
	is_int(snap_get_u32(&in), 0xdeadbeef, "fields: a u32");
	ok(snap_get_u64(&in) == 1ULL << 40, "fields: a u64");
	ok(snap_in_complete(&in), "fields: all read, none left");
	snap_get_u8(&in);
	ok(!snap_in_complete(&in) && in.short_read, "fields: one more is a short read");
	in = (struct snap_in){ o.p, o.len, 0, false };
	snap_get_str(&in, name, 4);
	ok(in.short_read && !name[0], "fields: a string longer than its buffer is refused");
	snap_out_free(&o);

	/* A ring that wraps: from head 6 of 8, four bytes, oldest first. */
	{
		const uint8_t ring[8] = { 'c', 'd', 0, 0, 0, 0, 'a', 'b' };
		uint8_t out[8] = { 0 };

		snap_put_ring(&o, ring, 8, 6, 4);
		in = (struct snap_in){ o.p, o.len, 0, false };
		ok(snap_get_ring(&in, out, 8) == 4 && !memcmp(out, "abcd", 4) &&
			   snap_in_complete(&in),
		   "fields: a wrapped ring comes back oldest first");
		in = (struct snap_in){ o.p, o.len, 0, false };
		ok(snap_get_ring(&in, out, 3) == 0 && in.short_read,
		   "fields: a ring longer than its buffer is refused");
		snap_out_free(&o);
	}

	err = read_edited(fd, cut_short, &ram_back);
	ok(err && strstr(err, "truncated"), "truncated: %s", err);
	free(err);
	err = read_edited(fd, flip_a_page_bit, &ram_back);
	ok(err && strstr(err, "corrupted"), "a flipped bit: %s", err);
	free(err);
	err = read_edited(fd, version_two, &ram_back);
	ok(err && strstr(err, "newer xlc"), "a newer version: %s", err);
	free(err);
	err = read_edited(fd, huge_length, &ram_back);
	ok(err && strstr(err, "at most"), "a record too long: %s", err);
	free(err);
	err = read_edited(fd, unknown_type, &ram_back);
	ok(err && strstr(err, "does not know"), "an unknown record: %s", err);
	free(err);

	/* A page outside RAM: the CRC must match, so the record is rewritten whole. */
	{
		int evil = memfd();
		static uint8_t page[PG];

		memset(page, 0xee, sizeof(page));
		snap_write_start(&w, evil, &err);
		snap_write_ram(&w, &(struct snap_ram){ 0x100000 + 8 * PG, PG, page }, 1, &err);
		snap_write_end(&w, &err);
		memset(back, 0, sizeof(back));
		err = read_stream(evil, &ram_back, 1, &r, &devices);
		ok(err && strstr(err, "outside the guest's RAM"), "a page past RAM's end: %s", err);
		free(err);
		close(evil);
		err = read_edited(fd, page_outside, &ram_back);
		ok(err && strstr(err, "corrupted"), "an address changed in transit: %s", err);
		free(err);
	}
	close(fd);
	return done_testing();
}
