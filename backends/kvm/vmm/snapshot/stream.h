/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm machine stream: what `save` writes after xl's save-file header and
 * what `restore` and `migrate-receive` read (FORMAT.md beside this file is
 * its specification). It is a preamble, then records, then an end record:
 *
 *   preamble  8 bytes "XLCKVMST", u32 version, u32 flags (0)
 *   record    u32 type, u32 flags, u64 length, length bytes, u32 CRC-32
 *             (zlib's, over the 16-byte head and the payload)
 *
 * All numbers little-endian. A record whose type this version does not
 * know is refused unless its flags say SNAP_REC_OPTIONAL. The stream comes
 * from a file or a pipe someone else controls: every length is bounded
 * before anything is allocated, every CRC is checked before a payload is
 * used, and the page records can only write into the RAM regions the
 * caller names.
 */
#ifndef XLC_KVM_SNAPSHOT_STREAM_H
#define XLC_KVM_SNAPSHOT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC "XLCKVMST"
#define SNAP_VERSION 1
#define SNAP_PAGE_SIZE 4096u
/* A page record: u64 guest address, u32 count, then count pages. */
#define SNAP_PAGES_MAX 1024u
/* Every other record: far above a machine's registers or a device's state. */
#define SNAP_RECORD_MAX (1u << 20)
/* A non-blocking stream's far end may pause, but not for longer than this. */
#define SNAP_STALL_MS 60000

enum snap_record_type {
	SNAP_END = 0,	  /* u64 records before it, u64 pages sent */
	SNAP_MACHINE = 1, /* the machine's shape: vCPUs, RAM regions */
	SNAP_PAGES = 2,	  /* a run of guest pages; zero pages are never sent */
	SNAP_VCPU = 3,	  /* one vCPU's registers and KVM state */
	SNAP_IRQCHIP = 4, /* the in-kernel PIC and IOAPIC */
	SNAP_PIT = 5,	  /* the in-kernel PIT */
	SNAP_CLOCK = 6,	  /* kvmclock */
	SNAP_DEVICE = 7,  /* one device's state: its name, then its fields */
	SNAP_ROUND = 8,	  /* a pre-copy round begins (always optional): struct snap_round */
	SNAP_ZERO = 9,	  /* u64 guest address, u32 count: pages sent before, all zeros now */
	SNAP_TYPE_COUNT
};

#define SNAP_REC_OPTIONAL (1u << 0) /* a reader that does not know it skips it */

/* A zero record's pages at most (1 GiB). */
#define SNAP_ZERO_MAX (1u << 18)

/*
 * A round record: while the guest runs, each round sends the pages it wrote
 * during the one before (round 1: all of them). The last round, FINAL,
 * comes with the machine stopped. Only progress and figures: a reader
 * that skips it loads the same machine.
 */
#define SNAP_ROUND_FINAL (1u << 0)
#define SNAP_ROUND_MAX 64 /* bytes: room for fields a newer writer adds */
struct snap_round {
	uint32_t round;	     /* 1, 2, ... */
	uint32_t flags;	     /* SNAP_ROUND_FINAL */
	uint64_t pages;	     /* what this round will send */
	uint64_t dirty_rate; /* pages the guest wrote per second in the round before */
};

/* A region of guest RAM: where page records may land. */
struct snap_ram {
	uint64_t gpa;
	uint64_t size;
	void *hva;
	bool discard; /* private anonymous memory: zero records give it back to the host */
};

/* Writing: buffered into the caller's fd (a file or a pipe). */
struct snap_writer {
	int fd;
	uint64_t records;
	uint64_t pages;
	uint64_t bytes; /* written so far, the preamble included */
};

int snap_write_start(struct snap_writer *w, int fd, char **err);
int snap_write_record(struct snap_writer *w, uint32_t type, const void *data, size_t len,
		      char **err);
/* True if the page at p (SNAP_PAGE_SIZE bytes) is all zeros. */
bool snap_page_is_zero(const void *p);
/* Every page of ram that is not all zeros, in page records. */
int snap_write_ram(struct snap_writer *w, const struct snap_ram *ram, unsigned nram, char **err);
/* count (1..SNAP_PAGES_MAX) pages from p, guest address gpa, in one page record. */
int snap_write_pages(struct snap_writer *w, uint64_t gpa, const void *p, uint32_t count,
		     char **err);
/* count (1..SNAP_ZERO_MAX) pages from gpa are zeros now: a zero record. */
int snap_write_zero(struct snap_writer *w, uint64_t gpa, uint32_t count, char **err);
int snap_write_round(struct snap_writer *w, const struct snap_round *round, char **err);
int snap_write_end(struct snap_writer *w, char **err);

/* Reading: one record at a time; rec's data lives until the next read. */
struct snap_reader {
	int fd;
	uint32_t version;
	uint64_t records;
	uint64_t pages;
	uint64_t offset; /* bytes read, for messages */
	uint8_t *buf;
	size_t cap;
};

struct snap_record {
	uint32_t type;
	uint32_t flags;
	const uint8_t *data;
	size_t len;
};

int snap_read_start(struct snap_reader *r, int fd, char **err);
/* 0 and *rec; -1 and *err (truncated, corrupted, too long, unknown type). */
int snap_read_record(struct snap_reader *r, struct snap_record *rec, char **err);
/* A SNAP_PAGES record into ram: -1 and *err if any page falls outside it. */
int snap_apply_pages(struct snap_reader *r, const struct snap_record *rec,
		     const struct snap_ram *ram, unsigned nram, char **err);
/* A SNAP_ZERO record: its pages zeroed, or -1 and *err if any falls outside ram. */
int snap_apply_zero(struct snap_reader *r, const struct snap_record *rec,
		    const struct snap_ram *ram, unsigned nram, char **err);
/* A SNAP_ROUND record's fields (later fields a newer writer adds are ignored). */
int snap_read_round(const struct snap_record *rec, struct snap_round *round, char **err);
/* A SNAP_END record: -1 and *err unless its counts are what was read. */
int snap_check_end(const struct snap_reader *r, const struct snap_record *rec, char **err);
void snap_read_finish(struct snap_reader *r);

/* Fields inside a record: a growing buffer out, a bounded cursor in. */
struct snap_out {
	uint8_t *p;
	size_t len, cap;
};

void snap_put_u8(struct snap_out *o, uint8_t v);
void snap_put_u16(struct snap_out *o, uint16_t v);
void snap_put_u32(struct snap_out *o, uint32_t v);
void snap_put_u64(struct snap_out *o, uint64_t v);
void snap_put_bytes(struct snap_out *o, const void *p, size_t n);
void snap_put_str(struct snap_out *o, const char *s); /* u16 length, the bytes */
/* A ring buffer's count bytes from head on, oldest first: u16 count, the bytes. */
void snap_put_ring(struct snap_out *o, const uint8_t *ring, unsigned size, unsigned head,
		   unsigned count);
void snap_out_free(struct snap_out *o);

/* Reads past the end give zeros and set short_read; check once at the end. */
struct snap_in {
	const uint8_t *p;
	size_t len, off;
	bool short_read;
};

uint8_t snap_get_u8(struct snap_in *in);
uint16_t snap_get_u16(struct snap_in *in);
uint32_t snap_get_u32(struct snap_in *in);
uint64_t snap_get_u64(struct snap_in *in);
void snap_get_bytes(struct snap_in *in, void *p, size_t n);
/* Into buf (size > 0), NUL-terminated; a longer or NUL-holding string is short_read. */
void snap_get_str(struct snap_in *in, char *buf, size_t size);
/* A ring snap_put_ring wrote, oldest first from buf[0]: its count (short_read past cap). */
unsigned snap_get_ring(struct snap_in *in, uint8_t *buf, unsigned cap);
/* True if the fields were all there and nothing is left over. */
bool snap_in_complete(const struct snap_in *in);
/*
 * A device's load: 0 if the fields were complete and valid (ok), else -1
 * with *err naming the device.
 */
int snap_in_finish(const struct snap_in *in, bool ok, const char *device, char **err);

#endif
