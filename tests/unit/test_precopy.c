// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/precopy.c: rounds of a live
 * migration sent from bitmaps, read back into a second RAM that must end
 * up the same; which records each round holds (page runs, zero runs, a
 * never-sent zero page skipped), and the bitmaps afterwards.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/dirty.h"
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

/* ---- the round loop, on a machine without KVM: the devices' marks only ---- */

static struct vm *vm;
static _Atomic bool writer_stop;
static pthread_t writer;
static bool writer_running;
static int stops, idles;

/* A device writing all along: 256 pages in turn, each a new value, marked after. */
static void *write_all_along(void *unused)
{
	uint64_t i;

	(void)unused;
	for (i = 1; !atomic_load(&writer_stop); i++) {
		uint8_t *page = guest + (i % 256) * PG;

		memcpy(page + 8 * (i % 32), &i, sizeof(i));
		vm_mark_dirty(vm, page, PG);
	}
	return NULL;
}

static bool count_idle(void *opaque)
{
	(void)opaque;
	idles++;
	return true;
}

/* A guest that writes the same 64 pages during every round. */
static bool same_writes(void *opaque)
{
	unsigned i;

	(void)opaque;
	idles++;
	for (i = 0; i < 64; i++) {
		guest[(400 + i) * PG] = (uint8_t)idles;
		vm_mark_dirty(vm, guest + (400 + i) * PG, PG);
	}
	return true;
}

/* A guest that writes 64 pages during round 1, 32 during round 2, ..., then none. */
static bool halving_writes(void *opaque)
{
	unsigned n = 64 >> idles, i;

	(void)opaque;
	idles++;
	for (i = 0; i < n && idles < 8; i++) {
		guest[(300 + i) * PG + idles] = (uint8_t)idles;
		vm_mark_dirty(vm, guest + (300 + i) * PG, PG);
	}
	return true;
}

static bool guest_ends(void *opaque)
{
	(void)opaque;
	return false;
}

/* The machine stops: the writer ends, and a device's last write lands (page 5). */
static int stop_machine(void *opaque, char **err)
{
	(void)opaque;
	(void)err;
	stops++;
	if (writer_running) {
		atomic_store(&writer_stop, true);
		pthread_join(writer, NULL);
		writer_running = false;
	}
	guest[5 * PG] = 0x77;
	vm_mark_dirty(vm, guest + 5 * PG, 1);
	return 0;
}

/* The rounds into a memfd and back into the second RAM; their result. */
static int rounds_trip(const struct precopy_opts *o, const struct precopy_hooks *h,
		       struct precopy_result *res, char **err)
{
	struct snap_writer w;
	struct snap_reader r;
	struct snap_record rec;
	/* A detached machine's RAM starts at guest address 0. */
	struct snap_ram into = { 0, PAGES * PG, back, true };
	int fd = memfd_create("rounds", MFD_CLOEXEC), rc;

	memset(back, 0, PAGES * PG);
	rc = snap_write_start(&w, fd, err) || snap_precopy_rounds(vm, &w, o, h, res, err) ||
	     snap_write_end(&w, err);
	if (!rc && !lseek(fd, 0, SEEK_SET) && !snap_read_start(&r, fd, err)) {
		while (!snap_read_record(&r, &rec, err) && rec.type != SNAP_END)
			if ((rec.type == SNAP_PAGES && snap_apply_pages(&r, &rec, &into, 1, err)) ||
			    (rec.type == SNAP_ZERO && snap_apply_zero(&r, &rec, &into, 1, err)))
				break;
		rc = *err ? -1 : snap_check_end(&r, &rec, err);
		snap_read_finish(&r);
	}
	close(fd);
	return rc ? -1 : 0;
}

static void round_loop(void)
{
	struct precopy_opts quick = { 0, 5, 60000 };
	struct precopy_hooks h = { count_idle, stop_machine, NULL };
	struct precopy_result res;
	char *err = NULL;
	int rc;

	vm = vm_create_detached(guest, PAGES * PG);
	memset(guest, 0, PAGES * PG);
	memset(guest + 100 * PG, 3, 50 * PG);

	/* A quiet guest: round 1 leaves nothing to do; the final round has page 5. */
	stops = idles = 0;
	is_int(rounds_trip(&quick, &h, &res, &err), 0, "a quiet guest's rounds read back");
	is_int(res.rounds, 2, "  round 1, then the final round");
	is_int(stops, 1, "  the machine was stopped once");
	ok(res.stopped && res.last_pages == 1,
	   "  the final round has what was written at the stop");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is the same");
	ok(!atomic_load(&vm->dirty.on), "  the dirty log is off again");

	/* Fewer writes each round: the rounds shrink until one has nothing left. */
	struct precopy_opts patient = { 0, 30, 600000 };
	struct precopy_hooks halving = { halving_writes, stop_machine, NULL };

	stops = idles = 0;
	is_int(rounds_trip(&patient, &halving, &res, &err), 0, "a guest writing less each round");
	is_int(res.rounds, 9, "  8 live rounds (64, 32, ... 1 page written, then none), the final");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is the same");

	/* As much written each round: three rounds that do not shrink end the live part. */
	struct precopy_hooks same = { same_writes, stop_machine, NULL };

	stops = idles = 0;
	is_int(rounds_trip(&patient, &same, &res, &err), 0, "a guest writing as much each round");
	is_int(res.rounds, 5, "  round 1, three that do not shrink, the final one");
	ok(!memcmp(guest, back, PAGES * PG), "  the receiver's RAM is the same");

	/* A device writing all along: never converges, so the round bound ends it. */
	stops = idles = 0;
	atomic_store(&writer_stop, false);
	writer_running = !pthread_create(&writer, NULL, write_all_along, NULL);
	ok(writer_running, "a device writes all along");
	rc = rounds_trip(&quick, &h, &res, &err);
	ok(!rc, "its rounds read back%s%s", err ? ": " : "", err ? err : "");
	ok(res.rounds >= 2 && res.rounds <= 5, "  in 2 to 5 rounds (%u)", res.rounds);
	is_int(idles, (long long)res.rounds - 1, "  idle after each live round");
	ok(!memcmp(guest, back, PAGES * PG),
	   "  the receiver's RAM is the same: no write was lost between rounds");
	free(err);
	err = NULL;

	/* The guest ends between rounds: the migration stops, the guest was never stopped. */
	h.idle = guest_ends;
	stops = 0;
	atomic_store(&writer_stop, false);
	writer_running = !pthread_create(&writer, NULL, write_all_along, NULL);
	rc = rounds_trip(&quick, &h, &res, &err);
	ok(rc && err && strstr(err, "the guest is ending"),
	   "a guest that ends between rounds ends the migration: %s", err);
	ok(!res.stopped && !stops && !atomic_load(&vm->dirty.on), "  without a stop, the log off");
	atomic_store(&writer_stop, true);
	pthread_join(writer, NULL);
	writer_running = false;
	free(err);
	vm_destroy(vm);
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
	round_loop();
	munmap(guest, PAGES * PG);
	munmap(back, PAGES * PG);
	return done_testing();
}
