// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/bootloader/partitions.h"

#include <stdbool.h>
#include <string.h>

#define MBR_ENTRIES 446
#define MBR_TYPE_GPT 0xee
#define EBR_CHAIN_MAX 64 /* logical partitions followed, at most */
#define GPT_ENTRIES_MAX 128
#define GPT_ENTRY_MAX_BYTES 4096

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

struct found {
	struct partition *out;
	unsigned n;
	uint64_t disk_bytes;
	unsigned next_logical; /* Linux numbers logical partitions from 5 */
};

/* Sectors from the guest's table: kept only if they lie inside the disk. */
static void add(struct found *f, unsigned number, uint64_t first_lba, uint64_t sectors)
{
	uint64_t max_lba = f->disk_bytes / SECTOR_BYTES;

	if (f->n == PARTITIONS_MAX || !sectors || first_lba >= max_lba ||
	    sectors > max_lba - first_lba)
		return;
	f->out[f->n++] =
		(struct partition){ first_lba * SECTOR_BYTES, sectors * SECTOR_BYTES, number };
}

static int read_sector(disk_read_fn rd, void *opaque, uint64_t lba, uint8_t *buf)
{
	return rd(opaque, lba * SECTOR_BYTES, buf, SECTOR_BYTES);
}

static bool is_mbr(const uint8_t *s)
{
	return s[510] == 0x55 && s[511] == 0xaa;
}

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* An extended partition's chain of EBRs, each naming one logical partition and the next EBR. */
static void logical_partitions(struct found *f, disk_read_fn rd, void *opaque, uint64_t ext_lba)
{
	uint64_t ebr = ext_lba;
	uint8_t s[SECTOR_BYTES];
	unsigned i;

	for (i = 0; i < EBR_CHAIN_MAX; i++) {
		const uint8_t *e0 = s + MBR_ENTRIES, *e1 = e0 + 16;

		if (read_sector(rd, opaque, ebr, s) || !is_mbr(s))
			return;
		if (e0[4])
			add(f, f->next_logical++, ebr + le32(e0 + 8), le32(e0 + 12));
		if (!is_extended(e1[4]) || !le32(e1 + 8))
			return;
		ebr = ext_lba + le32(e1 + 8);
	}
}

/* A GPT disk's MBR says so with a partition of type 0xee. */
static bool protective_mbr(const uint8_t *mbr)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (mbr[MBR_ENTRIES + 16 * i + 4] == MBR_TYPE_GPT)
			return true;
	return false;
}

static bool gpt_entry_used(const uint8_t *e)
{
	static const uint8_t zero[16];

	return memcmp(e, zero, sizeof(zero)) != 0;
}

static bool gpt_partitions(struct found *f, disk_read_fn rd, void *opaque)
{
	uint8_t h[SECTOR_BYTES], e[GPT_ENTRY_MAX_BYTES];
	uint64_t lba;
	uint32_t count, size, i;

	if (read_sector(rd, opaque, 1, h) || memcmp(h, "EFI PART", 8))
		return false;
	lba = le64(h + 72);
	count = le32(h + 80);
	size = le32(h + 84);
	if (size < 128 || size > GPT_ENTRY_MAX_BYTES || size % 8 || lba > f->disk_bytes)
		return false;
	if (count > GPT_ENTRIES_MAX)
		count = GPT_ENTRIES_MAX;
	if (lba * SECTOR_BYTES > f->disk_bytes)
		return true;
	for (i = 0; i < count; i++) {
		/* both terms below 2^41 once lba is inside the disk: no wrap */
		uint64_t off = lba * SECTOR_BYTES + (uint64_t)i * size, first, last;

		if (off > f->disk_bytes || rd(opaque, off, e, size))
			break;
		first = le64(e + 32);
		last = le64(e + 40);
		if (gpt_entry_used(e) && last >= first)
			add(f, i + 1, first, last - first + 1);
	}
	return true;
}

unsigned partitions_find(disk_read_fn rd, void *opaque, uint64_t disk_bytes, struct partition *out)
{
	struct found f = { .out = out, .disk_bytes = disk_bytes, .next_logical = 5 };
	uint8_t mbr[SECTOR_BYTES];
	unsigned i;

	if (read_sector(rd, opaque, 0, mbr) || !is_mbr(mbr))
		goto whole;
	if (protective_mbr(mbr) && gpt_partitions(&f, rd, opaque))
		goto done;
	/* pygrub's order: the bootable (active) primary first, then the others */
	for (i = 0; i < 8; i++) {
		const uint8_t *e = mbr + MBR_ENTRIES + 16 * (i % 4);
		bool bootable = e[0] == 0x80;

		if (e[4] && !is_extended(e[4]) && bootable == (i < 4))
			add(&f, i % 4 + 1, le32(e + 8), le32(e + 12));
	}
	for (i = 0; i < 4; i++) {
		const uint8_t *e = mbr + MBR_ENTRIES + 16 * i;

		if (is_extended(e[4]))
			logical_partitions(&f, rd, opaque, le32(e + 8));
	}
done:
	if (f.n)
		return f.n;
whole:
	out[0] = (struct partition){ 0, disk_bytes, 1 };
	return 1;
}
