// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/machine/aml.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define NAME_OP 0x08
#define SCOPE_OP 0x10
#define BUFFER_OP 0x11
#define PACKAGE_OP 0x12
#define METHOD_OP 0x14
#define DUAL_NAME_PREFIX 0x2e
#define MULTI_NAME_PREFIX 0x2f
#define ROOT_CHAR 0x5c
#define EXT_OP 0x5b
#define DEVICE_OP 0x82

void aml_init(struct aml *a)
{
	a->cap = 1024;
	a->len = 0;
	a->buf = xmalloc(a->cap);
}

void aml_free(struct aml *a)
{
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
}

static void reserve(struct aml *a, size_t n)
{
	while (a->len + n > a->cap)
		a->cap *= 2;
	a->buf = xrealloc(a->buf, a->cap);
}

void aml_byte(struct aml *a, uint8_t b)
{
	reserve(a, 1);
	a->buf[a->len++] = b;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	reserve(a, n);
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void name_seg(struct aml *a, const char *seg, size_t n)
{
	char s[4] = { '_', '_', '_', '_' };

	memcpy(s, seg, n > 4 ? 4 : n);
	aml_bytes(a, s, 4);
}

void aml_name(struct aml *a, const char *path)
{
	const char *p;
	unsigned segs = 1;

	if (*path == '\\') {
		aml_byte(a, ROOT_CHAR);
		path++;
	}
	for (p = path; *p; p++)
		segs += *p == '.';
	if (segs == 2)
		aml_byte(a, DUAL_NAME_PREFIX);
	else if (segs > 2) {
		aml_byte(a, MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)segs);
	}
	while (*path) {
		size_t n = strcspn(path, ".");

		name_seg(a, path, n);
		path += n + (path[n] == '.');
	}
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, 0x00); /* ZeroOp */
	} else if (v == 1) {
		aml_byte(a, 0x01); /* OneOp */
	} else if (v <= 0xff) {
		aml_byte(a, 0x0a);
		aml_byte(a, (uint8_t)v);
	} else if (v <= 0xffff) {
		aml_byte(a, 0x0b);
		aml_bytes(a, &(uint16_t){ (uint16_t)v }, 2);
	} else if (v <= 0xffffffff) {
		aml_byte(a, 0x0c);
		aml_bytes(a, &(uint32_t){ (uint32_t)v }, 4);
	} else {
		aml_byte(a, 0x0e);
		aml_bytes(a, &v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, 0x0d);
	aml_bytes(a, s, strlen(s) + 1);
}

/* Three letters (5 bits each) and four hex digits, stored big-endian. */
void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = (uint32_t)((id[0] - '@') & 0x1f) << 26 |
		     (uint32_t)((id[1] - '@') & 0x1f) << 21 |
		     (uint32_t)((id[2] - '@') & 0x1f) << 16 | (uint32_t)strtoul(id + 3, NULL, 16);

	aml_byte(a, 0x0c);
	aml_byte(a, (uint8_t)(v >> 24));
	aml_byte(a, (uint8_t)(v >> 16));
	aml_byte(a, (uint8_t)(v >> 8));
	aml_byte(a, (uint8_t)v);
}

size_t aml_open(struct aml *a, const uint8_t *op, size_t oplen)
{
	aml_bytes(a, op, oplen);
	return a->len;
}

/* Inserts the PkgLength of everything since mark: it counts its own bytes. */
void aml_close(struct aml *a, size_t mark)
{
	size_t body = a->len - mark, n, total;
	uint8_t enc[4];

	if (body + 1 < 0x40) {
		n = 1;
		enc[0] = (uint8_t)(body + 1);
	} else {
		for (n = 2; n < 4 && body + n >= (1ULL << (4 + 8 * (n - 1))); n++)
			;
		total = body + n;
		enc[0] = (uint8_t)((n - 1) << 6 | (total & 0x0f));
		enc[1] = (uint8_t)(total >> 4);
		enc[2] = (uint8_t)(total >> 12);
		enc[3] = (uint8_t)(total >> 20);
	}
	reserve(a, n);
	memmove(a->buf + mark + n, a->buf + mark, body);
	memcpy(a->buf + mark, enc, n);
	a->len += n;
}

void aml_name_decl(struct aml *a, const char *name)
{
	aml_byte(a, NAME_OP);
	aml_name(a, name);
}

size_t aml_scope(struct aml *a, const char *name)
{
	size_t mark = aml_open(a, (const uint8_t[]){ SCOPE_OP }, 1);

	aml_name(a, name);
	return mark;
}

size_t aml_device(struct aml *a, const char *name)
{
	size_t mark = aml_open(a, (const uint8_t[]){ EXT_OP, DEVICE_OP }, 2);

	aml_name(a, name);
	return mark;
}

size_t aml_method(struct aml *a, const char *name, unsigned args, int serialized)
{
	size_t mark = aml_open(a, (const uint8_t[]){ METHOD_OP }, 1);

	aml_name(a, name);
	aml_byte(a, (uint8_t)((args & 7) | (serialized ? 0x08 : 0)));
	return mark;
}

size_t aml_package(struct aml *a, unsigned elements)
{
	size_t mark = aml_open(a, (const uint8_t[]){ PACKAGE_OP }, 1);

	aml_byte(a, (uint8_t)elements);
	return mark;
}

/* A buffer's size must precede its bytes, so the bytes are built first. */
size_t aml_buffer(struct aml *a)
{
	return aml_open(a, (const uint8_t[]){ BUFFER_OP }, 1);
}

void aml_close_buffer(struct aml *a, size_t mark)
{
	size_t body = a->len - mark;
	struct aml size;

	aml_init(&size);
	aml_integer(&size, body);
	reserve(a, size.len);
	memmove(a->buf + mark + size.len, a->buf + mark, body);
	memcpy(a->buf + mark, size.buf, size.len);
	a->len += size.len;
	aml_free(&size);
	aml_close(a, mark);
}

void aml_io(struct aml *a, uint16_t base, uint8_t len)
{
	const uint8_t d[] = { 0x47,	     0x01,
			      (uint8_t)base, (uint8_t)(base >> 8),
			      (uint8_t)base, (uint8_t)(base >> 8),
			      0x01,	     len };

	aml_bytes(a, d, sizeof(d));
}

/* A legacy ISA interrupt: edge-triggered, active high. */
void aml_irq_noflags(struct aml *a, unsigned isa_irq)
{
	uint16_t mask = (uint16_t)(1u << (isa_irq & 15));
	const uint8_t d[] = { 0x22, (uint8_t)mask, (uint8_t)(mask >> 8) };

	aml_bytes(a, d, sizeof(d));
}

void aml_memory32_fixed(struct aml *a, uint32_t base, uint32_t len)
{
	const uint8_t d[] = { 0x86, 9, 0, 0x01 /* read-write */ };

	aml_bytes(a, d, sizeof(d));
	aml_bytes(a, &base, 4);
	aml_bytes(a, &len, 4);
}

/* Extended Interrupt: consumer, exclusive, active-high, edge or level. */
void aml_interrupt(struct aml *a, uint32_t gsi, int level_triggered)
{
	const uint8_t d[] = { 0x89, 6, 0, (uint8_t)(0x01 | (level_triggered ? 0 : 0x02)), 1 };

	aml_bytes(a, d, sizeof(d));
	aml_bytes(a, &gsi, 4);
}

void aml_end_tag(struct aml *a)
{
	aml_byte(a, 0x79);
	aml_byte(a, 0x00);
}
