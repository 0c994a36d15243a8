/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The partitions of a guest's disk, as pygrub looks for them: an MBR's
 * primary partitions and the logical ones in its extended partition, or a
 * GPT's entries. Every number in the tables is the guest's: partitions that
 * do not fit the disk are skipped, and the chains and entry counts are
 * bounded.
 */
#ifndef XLC_KVM_BOOTLOADER_PARTITIONS_H
#define XLC_KVM_BOOTLOADER_PARTITIONS_H

#include <stddef.h>
#include <stdint.h>

#define PARTITIONS_MAX 128 /* a GPT's usual entry count */
#define SECTOR_BYTES 512

struct partition {
	uint64_t offset, bytes;
	unsigned number; /* as Linux numbers it: 1-4 primary, 5 on logical; a GPT's entry from 1 */
};

/* Reads len bytes at off of the disk into buf; 0, or -1 (short or failed). */
typedef int (*disk_read_fn)(void *opaque, uint64_t off, void *buf, size_t len);

/*
 * Fills out[] with the partitions of a disk of disk_bytes, in pygrub's
 * order (a GPT's in table order; else the MBR's bootable primary, its other
 * primaries, then its logical partitions); returns
 * how many. A disk with neither table is one filesystem: out[0] is the
 * whole disk, numbered 1.
 */
unsigned partitions_find(disk_read_fn rd, void *opaque, uint64_t disk_bytes, struct partition *out);

#endif
