// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/precopy.c: rounds of a live
 * migration sent from bitmaps, read back into a second RAM that must end
 * up the same; which records each round holds (page runs, zero runs, a
 * never-sent zero page skipped), and the bitmaps afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/precopy.h"
#include "tap.h"

#define PG SNAP_PAGE_SIZE
#define PAGES 2048 /* two full page records' worth */
#define WORDS (PAGES / 64)

static uint8_t *guest, *back;
static struct snap_ram ram, ram_back;
static uint64_t todo[WORDS], sent[WORDS];

/* The records of one round, as "P1+3 Z2+1" (pages or zeros, first page, count). */
static char records[512];

static void set(uint64_t *bits, unsigned p)
{
	bits[p / 64] |= 1ULL << (p % 64);
}

static bool any(const uint64_t *bits)
{
	unsigned i;

	for (i = 0; i < WORDS; i++)
		if (bits[i])
			return true;
	return false;
}

/* Pages set in sent, as "1 3 " (the first 64 pages). */
static const char *sent_list(void)
{
	static char out[256];
	size_t n = 0;
	unsigned p;

	out[0] = '\0';
	for (p = 0; p < 64; p++)
		if (sent[0] >> p & 1)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%u ", p);
	return out;
}

/* One round: todo sent into a memfd, then read into back; its records listed. */
static int round_trip(void)
{
	struct snap_writer w;
	struct snap_reader r;
	struct snap_record rec;
	char *err = NULL;
	size_t n = 0;
	int fd = memfd_create("round", MFD_CLOEXEC), rc = -1;

	records[0] = '\0';
	if (snap_write_start(&w, fd, &err) || snap_precopy_send(&w, &ram, todo, sent, &err) ||
	    snap_write_end(&w, &err) || lseek(fd, 0, SEEK_SET) || snap_read_start(&r, fd, &err))
		goto out;
	while (!snap_read_record(&r, &rec, &err) && rec.type != SNAP_END) {
		uint64_t gpa;
		uint32_t count;

		memcpy(&gpa, rec.data, 8);
		memcpy(&count, rec.data + 8, 4);
		n += (size_t)snprintf(records + n, sizeof(records) - n, "%s%c%llu+%u", n ? " " : "",
				      rec.type == SNAP_ZERO ? 'Z' : 'P',
				      (unsigned long long)((gpa - ram.gpa) / PG), count);
		if ((rec.type == SNAP_PAGES && snap_apply_pages(&r, &rec, &ram_back, 1, &err)) ||
		    (rec.type == SNAP_ZERO && snap_apply_zero(&r, &rec, &ram_back, 1, &err)))
			break;
	}
	rc = err ? -1 : snap_check_end(&r, &rec, &err);
	snap_read_finish(&r);
out:
	if (err)
		printf("# %s\n", err);
	free(err);
	close(fd);
	return rc;
}

int main(void)
{
	unsigned p;

	guest = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	back = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ram = (struct snap_ram){ 0x100000, PAGES * PG, guest, true };
	ram_back = (struct snap_ram){ 0x100000, PAGES * PG, back, true };

	/* Round 1: everything to do; pages 1-3 and 10 hold data. */
	memset(todo, 0xff, sizeof(todo));
	memset(guest + PG, 1, 3 * PG);
	guest[10 * PG + 100] = 7;
	is_int(round_trip(), 0, "round 1 is sent and read back");
	is_str(records, "P1+3 P10+1", "  the pages that are not zero, in runs");
	is_str(sent_list(), "1 2 3 10 ", "  and they are marked sent");
	ok(!any(todo), "  todo is empty afterwards");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is the same");

	/* Round 2: page 2 zeroed, page 3 rewritten, page 20 written with zeros (never sent). */
	memset(guest + 2 * PG, 0, PG);
	memset(guest + 3 * PG, 9, PG);
	set(todo, 2);
	set(todo, 3);
	set(todo, 20);
	is_int(round_trip(), 0, "round 2 is sent and read back");
	is_str(records, "Z2+1 P3+1", "  a zero run for the page sent before, page 3 again, not 20");
	is_str(sent_list(), "1 3 10 ", "  page 2 is no longer marked sent");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is the same");

	/* Round 3: every page holds data: runs are cut at a page record's bound. */
	for (p = 0; p < PAGES; p++)
		guest[p * PG] = 1;
	memset(todo, 0xff, sizeof(todo));
	is_int(round_trip(), 0, "round 3 is sent and read back");
	is_str(records, "P0+1024 P1024+1024", "  in runs of at most 1024 pages");
	/* Round 4: all zero again: one zero run, every sent bit cleared. */
	memset(guest, 0, PAGES * PG);
	memset(todo, 0xff, sizeof(todo));
	is_int(round_trip(), 0, "round 4 is sent and read back");
	is_str(records, "Z0+2048", "  a single zero run");
	ok(!any(sent), "  nothing is marked sent");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is all zeros");

	/* Nothing to do: no record at all. */
	is_int(round_trip(), 0, "an empty round");
	is_str(records, "", "  sends nothing");
	munmap(guest, PAGES * PG);
	munmap(back, PAGES * PG);
	return done_testing();
}
