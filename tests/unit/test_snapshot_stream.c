// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/stream.c: a stream written and
 * read back through a memfd, zero pages left out, and every way a broken
 * or hostile stream is refused (truncated, flipped bit, long record, page
 * outside RAM, newer version, unknown record); a live migration's rounds,
 * where the last copy of a page wins and a zero record gives RAM back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "backends/kvm/vmm/snapshot/stream.h"
#include "tap.h"

#define PG SNAP_PAGE_SIZE

static int memfd(void)
{
	return memfd_create("stream", MFD_CLOEXEC);
}

/* The round records read_stream saw: their numbers, "F" after a final one. */
static char rounds_seen[64];

static int note_round(const struct snap_record *rec, char **err)
{
	struct snap_round round;
	size_t n = strlen(rounds_seen);

	if (snap_read_round(rec, &round, err))
		return -1;
	snprintf(rounds_seen + n, sizeof(rounds_seen) - n, "%u%s%s ", round.round,
		 round.flags & SNAP_ROUND_FINAL ? "F" : "",
		 rec->flags & SNAP_REC_OPTIONAL ? "" : "(required!)");
	return 0;
}

/* A record as a writer that breaks the rules would write it, its CRC right. */
static void raw_record(int fd, uint32_t type, uint32_t flags, const void *payload, uint64_t len)
{
	uint8_t head[16];
	uint32_t crc;

	memcpy(head, &type, 4);
	memcpy(head + 4, &flags, 4);
	memcpy(head + 8, &len, 8);
	crc = (uint32_t)crc32(crc32(0, head, 16), payload, (uInt)len);
	if (write(fd, head, 16) != 16 || write(fd, payload, len) != (ssize_t)len ||
	    write(fd, &crc, 4) != 4)
		abort();
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
		if (rec.type == SNAP_ZERO && snap_apply_zero(r, &rec, ram, nram, &err))
			break;
		if (rec.type == SNAP_ROUND && note_round(&rec, &err))
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

/* A stream of one raw record between a start and an end, read into ram: its error. */
static char *read_raw(uint32_t type, uint32_t flags, const void *payload, uint64_t len,
		      struct snap_ram *ram)
{
	struct snap_writer w;
	struct snap_reader r;
	unsigned devices;
	char *err = NULL;
	int fd = memfd();

	snap_write_start(&w, fd, &err);
	raw_record(fd, type, flags, payload, len);
	w.records++;
	snap_write_end(&w, &err);
	err = read_stream(fd, ram, 1, &r, &devices);
	close(fd);
	return err;
}

/* A zero record's payload: u64 gpa, u32 count (and 4 bytes too many, for one test). */
static uint8_t *zero_payload(uint64_t gpa, uint32_t count)
{
	static uint8_t b[16];

	memcpy(b, &gpa, 8);
	memcpy(b + 8, &count, 4);
	return b;
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

/*
 * A live migration's rounds: round 1 sends the pages, round 2 (final) sends
 * one the guest rewrote and clears one it zeroed; the receiver ends up with
 * the last copy of each, and RAM that a zero record cleared is unbacked.
 */
static void live_rounds(void)
{
	size_t size = 8 * PG;
	uint8_t *guest = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			      0),
		*back = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			     0);
	struct snap_ram ram = { 0x100000, size, guest, true },
			ram_back = { 0x100000, size, back, true };
	struct snap_round one = { 1, 0, 3, 0 }, two = { 2, SNAP_ROUND_FINAL, 2, 250 };
	unsigned char resident[8];
	struct snap_writer w;
	struct snap_reader r;
	unsigned devices;
	char *err = NULL;
	int fd = memfd(), rc;

	memset(guest, 0x11, 3 * PG);
	ok(!snap_write_start(&w, fd, &err) && !snap_write_round(&w, &one, &err) &&
		   !snap_write_ram(&w, &ram, 1, &err),
	   "round 1: every page that is not zero");
	memset(guest + PG, 0x22, PG);  /* rewritten */
	memset(guest + 2 * PG, 0, PG); /* zeroed */
	ok(!snap_write_round(&w, &two, &err) &&
		   !snap_write_pages(&w, 0x100000 + PG, guest + PG, 1, &err) &&
		   !snap_write_zero(&w, 0x100000 + 2 * PG, 1, &err) && !snap_write_end(&w, &err),
	   "round 2, final: the page rewritten, the page zeroed");
	is_int((long long)w.pages, 4, "  end counts the pages carried, 3 + 1");
	is_int((long long)w.records, 6, "  and the records: 2 rounds, 2 pages, 1 zero, the end");

	rounds_seen[0] = '\0';
	err = read_stream(fd, &ram_back, 1, &r, &devices);
	is_str(err, NULL, "the rounds read back to the end");
	/* Before anything reads it, which would map the zero page in. */
	ok(!mincore(back, size, resident) && (resident[0] & 1) && !(resident[2] & 1),
	   "  the zeroed page is given back to the host (not resident)");
	ok(!memcmp(guest, back, size), "  with the last copy of each page");
	is_str(rounds_seen, "1 2F ", "  the round records, optional, in order");
	free(err);
	close(fd);

	err = read_raw(SNAP_ZERO, 0, zero_payload(0x100000 + 7 * PG, 2), 12, &ram_back);
	ok(err && strstr(err, "outside the guest's RAM"), "zeros past RAM's end: %s", err);
	free(err);
	err = read_raw(SNAP_ZERO, 0, zero_payload(0x100000 + 8, 1), 12, &ram_back);
	ok(err && strstr(err, "malformed"), "zeros off a page boundary: %s", err);
	free(err);
	err = read_raw(SNAP_ZERO, 0, zero_payload(0x100000, 0), 12, &ram_back);
	ok(err && strstr(err, "malformed"), "zero zeros: %s", err);
	free(err);
	err = read_raw(SNAP_ZERO, 0, zero_payload(0x100000, 1), 16, &ram_back);
	ok(err && strstr(err, "at most"), "a zero record with more in it: %s", err);
	free(err);
	err = read_raw(SNAP_ROUND, SNAP_REC_OPTIONAL, "\1\0\0", 3, &ram_back);
	ok(err && strstr(err, "round record is malformed"), "a round record cut short: %s", err);
	free(err);
	err = read_raw(99, SNAP_REC_OPTIONAL, "later", 5, &ram_back);
	is_str(err, NULL, "an optional record of a type this xlc does not know is skipped");
	free(err);
	rc = snap_write_zero(&w, 0x100000, SNAP_ZERO_MAX + 1, &err);
	ok(rc && err, "the writer refuses more zeros than a record may hold: %s", err);
	free(err);
	munmap(guest, size);
	munmap(back, size);
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
	live_rounds();
	return done_testing();
}
