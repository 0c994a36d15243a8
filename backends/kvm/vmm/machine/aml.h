/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small builder for ACPI Machine Language (ACPI 6.4, chapter 20): just the
 * terms xlc's DSDT uses. Packages (Scope, Device, Method, If, Buffer,
 * Package, Field) are opened and closed; closing writes their PkgLength.
 */
#ifndef XLC_KVM_AML_H
#define XLC_KVM_AML_H

#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t len, cap;
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);
void aml_byte(struct aml *a, uint8_t b);
void aml_bytes(struct aml *a, const void *p, size_t n);

/* A name such as "_S5_", "PWRB", "\\_SB_.PWRB" (segments padded with '_'). */
void aml_name(struct aml *a, const char *path);
void aml_integer(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
/* EisaId("PNP0C0C") as its 32-bit compressed form. */
void aml_eisaid(struct aml *a, const char *id);

/* Opens a package-length term: op bytes, then (later) its PkgLength. */
size_t aml_open(struct aml *a, const uint8_t *op, size_t oplen);
void aml_close(struct aml *a, size_t mark);

/* Name(name, ...) opens nothing: follow it with one data object. */
void aml_name_decl(struct aml *a, const char *name);
size_t aml_scope(struct aml *a, const char *name);
size_t aml_device(struct aml *a, const char *name);
size_t aml_method(struct aml *a, const char *name, unsigned args, int serialized);
size_t aml_package(struct aml *a, unsigned elements);
size_t aml_buffer(struct aml *a); /* close with aml_close_buffer() */
void aml_close_buffer(struct aml *a, size_t mark);

/* Resource descriptors, for a _CRS buffer; end it with aml_end_tag(). */
void aml_io(struct aml *a, uint16_t base, uint8_t len);
void aml_irq_noflags(struct aml *a, unsigned isa_irq);
void aml_memory32_fixed(struct aml *a, uint32_t base, uint32_t len);
void aml_interrupt(struct aml *a, uint32_t gsi, int level_triggered);
void aml_end_tag(struct aml *a);

#endif
