// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm machine stream (stream.h, FORMAT.md): records with a bounded
 * length and a CRC, guest pages with the zero ones left out.
 */
#include "backends/kvm/vmm/snapshot/stream.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/util.h"

#define HEAD_SIZE 16
#define PREAMBLE_SIZE 16
#define PAGES_HEAD 12 /* u64 gpa, u32 count */

static const char *const type_names[SNAP_TYPE_COUNT] = {
	[SNAP_END] = "end",	[SNAP_MACHINE] = "machine", [SNAP_PAGES] = "pages",
	[SNAP_VCPU] = "vcpu",	[SNAP_IRQCHIP] = "irqchip", [SNAP_PIT] = "pit",
	[SNAP_CLOCK] = "clock", [SNAP_DEVICE] = "device",   [SNAP_ROUND] = "round",
	[SNAP_ZERO] = "zero",
};

static uint32_t crc_of(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	/* zlib's length is a uInt: feed it in pieces a uInt holds. */
	while (n) {
		uInt piece = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = (uint32_t)crc32(crc, b, piece);
		b += piece;
		n -= piece;
	}
	return crc;
}

/*
 * A non-blocking fd (a pipe or socket to a migration's far end) that cannot
 * take or give bytes: waits for it, at most SNAP_STALL_MS. 0 when it can.
 */
static int stalled(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, SNAP_STALL_MS);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -1;
}

/* ---- writing ---- */

static int snap_write_iov(struct snap_writer *w, struct iovec *iov, int n, char **err)
{
	while (n > 0) {
		ssize_t done = writev(w->fd, iov, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0 && errno == EAGAIN && !stalled(w->fd, POLLOUT))
			continue;
		if (done < 0 && errno == EAGAIN) {
			*err = xasprintf("the stream's reader took nothing for %d s",
					 SNAP_STALL_MS / 1000);
			return -1;
		}
		if (done <= 0) {
			*err = xasprintf("cannot write the stream: %s",
					 done < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		w->bytes += (uint64_t)done;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

int snap_write_start(struct snap_writer *w, int fd, char **err)
{
	uint8_t pre[PREAMBLE_SIZE];
	uint32_t version = htole32(SNAP_VERSION), flags = 0;
	struct iovec iov = { pre, sizeof(pre) };

	*w = (struct snap_writer){ .fd = fd };
	memcpy(pre, SNAP_MAGIC, 8);
	memcpy(pre + 8, &version, 4);
	memcpy(pre + 12, &flags, 4);
	return snap_write_iov(w, &iov, 1, err);
}

/* A record whose payload is head2 (may be empty) followed by data. */
static int write_record3(struct snap_writer *w, uint32_t type, uint32_t rec_flags,
			 const void *head2, size_t len2, const void *data, size_t len, char **err)
{
	uint8_t head[HEAD_SIZE];
	uint32_t t = htole32(type), flags = htole32(rec_flags), crc;
	uint64_t total = htole64((uint64_t)len2 + len);
	struct iovec iov[4];

	memcpy(head, &t, 4);
	memcpy(head + 4, &flags, 4);
	memcpy(head + 8, &total, 8);
	crc = crc_of(crc_of(crc_of(0, head, HEAD_SIZE), head2, len2), data, len);
	crc = htole32(crc);
	iov[0] = (struct iovec){ head, HEAD_SIZE };
	iov[1] = (struct iovec){ (void *)head2, len2 };
	iov[2] = (struct iovec){ (void *)data, len };
	iov[3] = (struct iovec){ &crc, 4 };
	if (snap_write_iov(w, iov, 4, err))
		return -1;
	w->records++;
	return 0;
}

static int write_record2(struct snap_writer *w, uint32_t type, const void *head2, size_t len2,
			 const void *data, size_t len, char **err)
{
	return write_record3(w, type, 0, head2, len2, data, len, err);
}

int snap_write_record(struct snap_writer *w, uint32_t type, const void *data, size_t len,
		      char **err)
{
	if (type == SNAP_PAGES || type == SNAP_ZERO || len > SNAP_RECORD_MAX) {
		*err = xasprintf("a %zu-byte record of type %u cannot be written", len, type);
		return -1;
	}
	return write_record2(w, type, NULL, 0, data, len, err);
}

bool snap_page_is_zero(const void *p)
{
	static const uint8_t zeros[SNAP_PAGE_SIZE];

	return !memcmp(p, zeros, SNAP_PAGE_SIZE);
}

/* A page or zero record's head: u64 guest address, u32 count. */
static void run_head(uint8_t *head, uint64_t gpa, uint32_t count)
{
	uint64_t g = htole64(gpa);
	uint32_t c = htole32(count);

	memcpy(head, &g, 8);
	memcpy(head + 8, &c, 4);
}

static bool run_ok(uint64_t gpa, uint32_t count, uint32_t max, char **err)
{
	if (count && count <= max && !(gpa % SNAP_PAGE_SIZE))
		return true;
	*err = xasprintf("a run of %u pages at 0x%llx cannot be written", count,
			 (unsigned long long)gpa);
	return false;
}

int snap_write_pages(struct snap_writer *w, uint64_t gpa, const void *p, uint32_t count, char **err)
{
	uint8_t head[PAGES_HEAD];

	if (!run_ok(gpa, count, SNAP_PAGES_MAX, err))
		return -1;
	run_head(head, gpa, count);
	if (write_record2(w, SNAP_PAGES, head, sizeof(head), p, (size_t)count * SNAP_PAGE_SIZE,
			  err))
		return -1;
	w->pages += count;
	return 0;
}

/* Zeros are a record, not pages: end's page count is of pages carried. */
int snap_write_zero(struct snap_writer *w, uint64_t gpa, uint32_t count, char **err)
{
	uint8_t head[PAGES_HEAD];

	if (!run_ok(gpa, count, SNAP_ZERO_MAX, err))
		return -1;
	run_head(head, gpa, count);
	return write_record2(w, SNAP_ZERO, NULL, 0, head, sizeof(head), err);
}

int snap_write_round(struct snap_writer *w, const struct snap_round *round, char **err)
{
	struct snap_out o = { 0 };
	int r;

	snap_put_u32(&o, round->round);
	snap_put_u32(&o, round->flags);
	snap_put_u64(&o, round->pages);
	snap_put_u64(&o, round->dirty_rate);
	r = write_record3(w, SNAP_ROUND, SNAP_REC_OPTIONAL, NULL, 0, o.p, o.len, err);
	snap_out_free(&o);
	return r;
}

int snap_write_ram(struct snap_writer *w, const struct snap_ram *ram, unsigned nram, char **err)
{
	unsigned i;

	for (i = 0; i < nram; i++) {
		const uint8_t *base = ram[i].hva;
		uint64_t npages = ram[i].size / SNAP_PAGE_SIZE, pg = 0;

		while (pg < npages) {
			uint32_t run = 0;

			if (snap_page_is_zero(base + pg * SNAP_PAGE_SIZE)) {
				pg++;
				continue;
			}
			while (pg + run < npages && run < SNAP_PAGES_MAX &&
			       !snap_page_is_zero(base + (pg + run) * SNAP_PAGE_SIZE))
				run++;
			if (snap_write_pages(w, ram[i].gpa + pg * SNAP_PAGE_SIZE,
					     base + pg * SNAP_PAGE_SIZE, run, err))
				return -1;
			pg += run;
		}
	}
	return 0;
}

int snap_write_end(struct snap_writer *w, char **err)
{
	uint8_t end[16];
	uint64_t records = htole64(w->records), pages = htole64(w->pages);

	memcpy(end, &records, 8);
	memcpy(end + 8, &pages, 8);
	return write_record2(w, SNAP_END, NULL, 0, end, sizeof(end), err);
}

/* ---- reading ---- */

/* 0, or -1 with *err: the stream ended or failed before n bytes. */
static int snap_read_exact(struct snap_reader *r, void *buf, size_t n, const char *what, char **err)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t got = read(r->fd, p, n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN && !stalled(r->fd, POLLIN))
			continue;
		if (got < 0 && errno == EAGAIN) {
			*err = xasprintf("the stream stalled at byte %llu: nothing came for %d s",
					 (unsigned long long)r->offset, SNAP_STALL_MS / 1000);
			return -1;
		}
		if (got <= 0) {
			*err = got < 0 ? xasprintf("cannot read the stream at byte %llu: %s",
						   (unsigned long long)r->offset, strerror(errno))
				       : xasprintf("the stream ends at byte %llu, inside %s "
						   "(truncated: the sender stopped or the file is "
						   "cut)",
						   (unsigned long long)r->offset, what);
			return -1;
		}
		p += got;
		n -= (size_t)got;
		r->offset += (uint64_t)got;
	}
	return 0;
}

int snap_read_start(struct snap_reader *r, int fd, char **err)
{
	uint8_t pre[PREAMBLE_SIZE];
	uint32_t flags;

	*r = (struct snap_reader){ .fd = fd };
	if (snap_read_exact(r, pre, sizeof(pre), "its preamble", err))
		return -1;
	if (memcmp(pre, SNAP_MAGIC, 8)) {
		*err = xstrdup("not a kvm machine stream (its magic is not XLCKVMST)");
		return -1;
	}
	memcpy(&r->version, pre + 8, 4);
	memcpy(&flags, pre + 12, 4);
	r->version = le32toh(r->version);
	if (r->version != SNAP_VERSION) {
		*err = xasprintf("the stream is version %u; this xlc reads version %u%s",
				 r->version, SNAP_VERSION,
				 r->version > SNAP_VERSION ? " (it came from a newer xlc)" : "");
		return -1;
	}
	if (flags) {
		*err = xasprintf("the stream has flags 0x%x this xlc does not know",
				 le32toh(flags));
		return -1;
	}
	return 0;
}

static const char *type_name(uint32_t type)
{
	return type < SNAP_TYPE_COUNT ? type_names[type] : "unknown";
}

static uint64_t max_length(uint32_t type)
{
	switch (type) {
	case SNAP_PAGES:
		return PAGES_HEAD + (uint64_t)SNAP_PAGES_MAX * SNAP_PAGE_SIZE;
	case SNAP_ZERO:
		return PAGES_HEAD;
	case SNAP_ROUND:
		return SNAP_ROUND_MAX;
	default:
		return SNAP_RECORD_MAX;
	}
}

/* The payload of one record into r->buf, its CRC checked. */
static int read_payload(struct snap_reader *r, const uint8_t *head, struct snap_record *rec,
			uint64_t len, char **err)
{
	uint32_t crc;

	if (len > r->cap) {
		free(r->buf);
		r->buf = xmalloc(len ? len : 1);
		r->cap = len;
	}
	if (snap_read_exact(r, r->buf, len, "a record", err) ||
	    snap_read_exact(r, &crc, 4, "a CRC", err))
		return -1;
	if (le32toh(crc) != crc_of(crc_of(0, head, HEAD_SIZE), r->buf, len)) {
		*err = xasprintf("record %llu (%s) is corrupted: its CRC does not match",
				 (unsigned long long)r->records + 1, type_name(rec->type));
		return -1;
	}
	rec->data = r->buf;
	rec->len = len;
	return 0;
}

int snap_read_record(struct snap_reader *r, struct snap_record *rec, char **err)
{
	uint8_t head[HEAD_SIZE];
	uint64_t len;

	for (;;) {
		if (snap_read_exact(r, head, HEAD_SIZE, "a record's head", err))
			return -1;
		memcpy(&rec->type, head, 4);
		memcpy(&rec->flags, head + 4, 4);
		memcpy(&len, head + 8, 8);
		rec->type = le32toh(rec->type);
		rec->flags = le32toh(rec->flags);
		len = le64toh(len);
		if (rec->flags & ~SNAP_REC_OPTIONAL) {
			*err = xasprintf("record %llu has flags 0x%x this xlc does not know",
					 (unsigned long long)r->records + 1, rec->flags);
			return -1;
		}
		if (rec->type >= SNAP_TYPE_COUNT && !(rec->flags & SNAP_REC_OPTIONAL)) {
			*err = xasprintf("record %llu has type %u, which this xlc does not know "
					 "(a stream from a newer xlc?)",
					 (unsigned long long)r->records + 1, rec->type);
			return -1;
		}
		if (len > max_length(rec->type)) {
			*err = xasprintf("record %llu (%s) says it is %llu bytes long; at most "
					 "%llu are allowed",
					 (unsigned long long)r->records + 1, type_name(rec->type),
					 (unsigned long long)len,
					 (unsigned long long)max_length(rec->type));
			return -1;
		}
		if (read_payload(r, head, rec, len, err))
			return -1;
		if (rec->type != SNAP_END)
			r->records++;
		if (rec->type < SNAP_TYPE_COUNT)
			return 0;
		/* optional and unknown: skipped, as the format promises */
	}
}

/* The region that holds all of [gpa, gpa + len), or NULL. */
static const struct snap_ram *region_of(const struct snap_ram *ram, unsigned nram, uint64_t gpa,
					uint64_t len)
{
	unsigned i;

	for (i = 0; i < nram; i++)
		if (gpa >= ram[i].gpa && gpa - ram[i].gpa <= ram[i].size &&
		    len <= ram[i].size - (gpa - ram[i].gpa))
			return &ram[i];
	return NULL;
}

/*
 * A page or zero record's run: its head read and checked (1 to max pages,
 * page-aligned, the payload exactly the head and, for pages, the pages),
 * and the region that holds all of it; NULL with *err otherwise.
 */
static const struct snap_ram *run_region(const struct snap_reader *r, const struct snap_record *rec,
					 bool with_pages, const struct snap_ram *ram, unsigned nram,
					 uint64_t *gpa, uint32_t *count, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	const char *kind = with_pages ? "page" : "zero";
	uint32_t max = with_pages ? SNAP_PAGES_MAX : SNAP_ZERO_MAX;
	const struct snap_ram *region;
	uint64_t bytes;

	*gpa = snap_get_u64(&in);
	*count = snap_get_u32(&in);
	bytes = (uint64_t)*count * SNAP_PAGE_SIZE;
	if (in.short_read || !*count || *count > max || *gpa % SNAP_PAGE_SIZE ||
	    rec->len - PAGES_HEAD != (with_pages ? bytes : 0)) {
		*err = xasprintf("%s record %llu is malformed (%u pages at 0x%llx in %zu bytes)",
				 kind, (unsigned long long)r->records, *count,
				 (unsigned long long)*gpa, rec->len);
		return NULL;
	}
	region = region_of(ram, nram, *gpa, bytes);
	if (!region)
		*err = xasprintf("%s record %llu %s 0x%llx-0x%llx, outside the guest's RAM", kind,
				 (unsigned long long)r->records, with_pages ? "writes" : "clears",
				 (unsigned long long)*gpa, (unsigned long long)(*gpa + bytes - 1));
	return region;
}

int snap_apply_pages(struct snap_reader *r, const struct snap_record *rec,
		     const struct snap_ram *ram, unsigned nram, char **err)
{
	const struct snap_ram *region;
	uint64_t gpa;
	uint32_t count;

	region = run_region(r, rec, true, ram, nram, &gpa, &count, err);
	if (!region)
		return -1;
	memcpy((uint8_t *)region->hva + (gpa - region->gpa), rec->data + PAGES_HEAD,
	       (size_t)count * SNAP_PAGE_SIZE);
	r->pages += count;
	return 0;
}

int snap_apply_zero(struct snap_reader *r, const struct snap_record *rec,
		    const struct snap_ram *ram, unsigned nram, char **err)
{
	const struct snap_ram *region;
	uint64_t gpa, bytes;
	uint32_t count;
	uint8_t *dst;

	region = run_region(r, rec, false, ram, nram, &gpa, &count, err);
	if (!region)
		return -1;
	dst = (uint8_t *)region->hva + (gpa - region->gpa);
	bytes = (uint64_t)count * SNAP_PAGE_SIZE;
	/* Unbacked again, as the balloon left them at the source; else written over. */
	if (!region->discard || (uintptr_t)dst % SNAP_PAGE_SIZE ||
	    madvise(dst, bytes, MADV_DONTNEED))
		memset(dst, 0, bytes);
	return 0;
}

int snap_read_round(const struct snap_record *rec, struct snap_round *round, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };

	round->round = snap_get_u32(&in);
	round->flags = snap_get_u32(&in);
	round->pages = snap_get_u64(&in);
	round->dirty_rate = snap_get_u64(&in);
	if (in.short_read || !round->round) {
		*err = xstrdup("a round record is malformed");
		return -1;
	}
	return 0;
}

int snap_check_end(const struct snap_reader *r, const struct snap_record *rec, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	uint64_t records = snap_get_u64(&in), pages = snap_get_u64(&in);

	if (!snap_in_complete(&in) || records != r->records || pages != r->pages) {
		*err = xasprintf("the stream's end counts %llu records and %llu pages; %llu and "
				 "%llu arrived",
				 (unsigned long long)records, (unsigned long long)pages,
				 (unsigned long long)r->records, (unsigned long long)r->pages);
		return -1;
	}
	return 0;
}

void snap_read_finish(struct snap_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

/* ---- fields ---- */

void snap_put_bytes(struct snap_out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2 + 64;
		o->p = xrealloc(o->p, o->cap);
	}
	if (n)
		memcpy(o->p + o->len, p, n);
	o->len += n;
}

void snap_put_u8(struct snap_out *o, uint8_t v)
{
	snap_put_bytes(o, &v, 1);
}

void snap_put_u16(struct snap_out *o, uint16_t v)
{
	v = htole16(v);
	snap_put_bytes(o, &v, 2);
}

void snap_put_u32(struct snap_out *o, uint32_t v)
{
	v = htole32(v);
	snap_put_bytes(o, &v, 4);
}

void snap_put_u64(struct snap_out *o, uint64_t v)
{
	v = htole64(v);
	snap_put_bytes(o, &v, 8);
}

void snap_put_str(struct snap_out *o, const char *s)
{
	size_t n = strnlen(s, UINT16_MAX);

	snap_put_u16(o, (uint16_t)n);
	snap_put_bytes(o, s, n);
}

void snap_put_ring(struct snap_out *o, const uint8_t *ring, unsigned size, unsigned head,
		   unsigned count)
{
	unsigned first = count < size - head ? count : size - head;

	snap_put_u16(o, (uint16_t)count);
	snap_put_bytes(o, ring + head, first);
	snap_put_bytes(o, ring, count - first);
}

void snap_out_free(struct snap_out *o)
{
	free(o->p);
	*o = (struct snap_out){ 0 };
}

void snap_get_bytes(struct snap_in *in, void *p, size_t n)
{
	if (in->short_read || n > in->len - in->off) {
		in->short_read = true;
		memset(p, 0, n);
		return;
	}
	memcpy(p, in->p + in->off, n);
	in->off += n;
}

uint8_t snap_get_u8(struct snap_in *in)
{
	uint8_t v;

	snap_get_bytes(in, &v, 1);
	return v;
}

uint16_t snap_get_u16(struct snap_in *in)
{
	uint16_t v;

	snap_get_bytes(in, &v, 2);
	return le16toh(v);
}

uint32_t snap_get_u32(struct snap_in *in)
{
	uint32_t v;

	snap_get_bytes(in, &v, 4);
	return le32toh(v);
}

uint64_t snap_get_u64(struct snap_in *in)
{
	uint64_t v;

	snap_get_bytes(in, &v, 8);
	return le64toh(v);
}

void snap_get_str(struct snap_in *in, char *buf, size_t size)
{
	uint16_t n = snap_get_u16(in);

	buf[0] = '\0';
	if (in->short_read || n >= size || n > in->len - in->off ||
	    memchr(in->p + in->off, '\0', n)) {
		in->short_read = true;
		return;
	}
	memcpy(buf, in->p + in->off, n);
	buf[n] = '\0';
	in->off += n;
}

unsigned snap_get_ring(struct snap_in *in, uint8_t *buf, unsigned cap)
{
	unsigned count = snap_get_u16(in);

	if (count > cap) {
		in->short_read = true;
		return 0;
	}
	snap_get_bytes(in, buf, count);
	return in->short_read ? 0 : count;
}

bool snap_in_complete(const struct snap_in *in)
{
	return !in->short_read && in->off == in->len;
}

int snap_in_finish(const struct snap_in *in, bool ok, const char *device, char **err)
{
	if (ok && snap_in_complete(in))
		return 0;
	*err = xasprintf("the stream's %s state is %s", device,
			 snap_in_complete(in) ? "out of range" : "malformed");
	return -1;
}
