// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's state, saved and loaded (vcpu_state.h). The payload is a list of
 * parts, each u16 tag, u32 length, then KVM's own structure for it (x86's
 * KVM ABI, stable across kernels); the MSRs are u32 count, then count
 * (u32 index, u64 value) pairs. A loader refuses a part of the wrong size,
 * a missing part, and a part twice, before it sets anything.
 */
#include "backends/kvm/vmm/snapshot/vcpu_state.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"

/* MSRs a loader accepts at most: KVM's list is a few hundred. */
#define MSRS_MAX 4096u

enum part {
	PART_REGS,
	PART_SREGS,
	PART_XSAVE,
	PART_XCRS,
	PART_MSRS,
	PART_LAPIC,
	PART_EVENTS,
	PART_DEBUGREGS,
	PART_MP_STATE,
	PART_COUNT
};

/* Each part: its KVM get and set requests, and its size (0: the MSRs). */
static const struct part_info {
	const char *name;
	unsigned long get, set;
	size_t size;
} parts[PART_COUNT] = {
	[PART_REGS] = { "regs", KVM_GET_REGS, KVM_SET_REGS, sizeof(struct kvm_regs) },
	[PART_SREGS] = { "sregs", KVM_GET_SREGS, KVM_SET_SREGS, sizeof(struct kvm_sregs) },
	[PART_XSAVE] = { "xsave", KVM_GET_XSAVE, KVM_SET_XSAVE, sizeof(struct kvm_xsave) },
	[PART_XCRS] = { "xcrs", KVM_GET_XCRS, KVM_SET_XCRS, sizeof(struct kvm_xcrs) },
	[PART_MSRS] = { "msrs", KVM_GET_MSRS, KVM_SET_MSRS, 0 },
	[PART_LAPIC] = { "lapic", KVM_GET_LAPIC, KVM_SET_LAPIC, sizeof(struct kvm_lapic_state) },
	[PART_EVENTS] = { "events", KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS,
			  sizeof(struct kvm_vcpu_events) },
	[PART_DEBUGREGS] = { "debugregs", KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS,
			     sizeof(struct kvm_debugregs) },
	[PART_MP_STATE] = { "mp_state", KVM_GET_MP_STATE, KVM_SET_MP_STATE,
			    sizeof(struct kvm_mp_state) },
};

/*
 * The order of loading: MSRs (IA32_APIC_BASE among them) before the APIC's
 * registers, the run state after the APIC, pending events last, as KVM
 * checks each against what is already set.
 */
static const enum part load_order[PART_COUNT] = {
	PART_SREGS, PART_REGS,	   PART_XSAVE,	   PART_XCRS,	PART_MSRS,
	PART_LAPIC, PART_MP_STATE, PART_DEBUGREGS, PART_EVENTS,
};

int snap_msr_list_get(int kvm_fd, struct snap_msr_list *list, char **err)
{
	struct kvm_msr_list probe = { 0 }, *l;

	*list = (struct snap_msr_list){ 0 };
	/* E2BIG, with the count filled in */
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG) {
		*err = xasprintf("KVM_GET_MSR_INDEX_LIST: %s", strerror(errno));
		return -1;
	}
	l = xcalloc(1, sizeof(*l) + probe.nmsrs * sizeof(l->indices[0]));
	l->nmsrs = probe.nmsrs;
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, l) < 0) {
		*err = xasprintf("KVM_GET_MSR_INDEX_LIST: %s", strerror(errno));
		free(l);
		return -1;
	}
	list->n = l->nmsrs;
	list->index = xmalloc((l->nmsrs ? l->nmsrs : 1) * sizeof(uint32_t));
	memcpy(list->index, l->indices, l->nmsrs * sizeof(uint32_t));
	free(l);
	return 0;
}

void snap_msr_list_free(struct snap_msr_list *list)
{
	free(list->index);
	*list = (struct snap_msr_list){ 0 };
}

static struct kvm_msrs *msrs_alloc(unsigned n)
{
	struct kvm_msrs *m = xcalloc(1, sizeof(*m) + n * sizeof(m->entries[0]));

	m->nmsrs = n;
	return m;
}

/*
 * The MSRs of the list this vCPU can read. KVM_GET_MSRS stops at the first
 * one it cannot (some depend on CPUID): that one is left out and the rest
 * read again.
 */
static int save_msrs(int fd, const struct snap_msr_list *list, struct snap_out *o, char **err)
{
	struct kvm_msr_entry *have = xcalloc(list->n ? list->n : 1, sizeof(*have));
	struct kvm_msrs *ask = msrs_alloc(list->n);
	unsigned i, nhave = 0, from = 0;

	while (from < list->n) {
		int got;

		ask->nmsrs = list->n - from;
		for (i = 0; i < ask->nmsrs; i++)
			ask->entries[i] = (struct kvm_msr_entry){ .index = list->index[from + i] };
		got = ioctl(fd, KVM_GET_MSRS, ask);
		if (got < 0) {
			*err = xasprintf("KVM_GET_MSRS: %s", strerror(errno));
			free(ask);
			free(have);
			return -1;
		}
		memcpy(have + nhave, ask->entries, (size_t)got * sizeof(*have));
		nhave += (unsigned)got;
		from += (unsigned)got + 1; /* past the one it could not read */
	}
	snap_put_u16(o, PART_MSRS);
	snap_put_u32(o, 4 + nhave * 12);
	snap_put_u32(o, nhave);
	for (i = 0; i < nhave; i++) {
		snap_put_u32(o, have[i].index);
		snap_put_u64(o, have[i].data);
	}
	free(ask);
	free(have);
	return 0;
}

int snap_vcpu_save(int vcpu_fd, const struct snap_msr_list *msrs, struct snap_out *o, char **err)
{
	union {
		struct kvm_regs regs;
		struct kvm_sregs sregs;
		struct kvm_xsave xsave;
		struct kvm_xcrs xcrs;
		struct kvm_lapic_state lapic;
		struct kvm_vcpu_events events;
		struct kvm_debugregs debugregs;
		struct kvm_mp_state mp_state;
	} *u = xmalloc(sizeof(*u));
	unsigned p;

	for (p = 0; p < PART_COUNT; p++) {
		if (p == PART_MSRS) {
			if (save_msrs(vcpu_fd, msrs, o, err))
				goto fail;
			continue;
		}
		memset(u, 0, sizeof(*u));
		if (ioctl(vcpu_fd, parts[p].get, u) < 0) {
			*err = xasprintf("cannot read the vCPU's %s: %s", parts[p].name,
					 strerror(errno));
			goto fail;
		}
		snap_put_u16(o, (uint16_t)p);
		snap_put_u32(o, (uint32_t)parts[p].size);
		snap_put_bytes(o, u, parts[p].size);
	}
	free(u);
	return 0;
fail:
	free(u);
	return -1;
}

static bool listed(const struct snap_msr_list *list, uint32_t index)
{
	unsigned i;

	for (i = 0; i < list->n; i++)
		if (list->index[i] == index)
			return true;
	return false;
}

/* The MSRs part: its pairs, bounded by the part's own length, each one KVM's. */
static struct kvm_msrs *parse_msrs(const struct snap_msr_list *list, const uint8_t *data,
				   size_t len, char **err)
{
	struct snap_in in = { data, len, 0, false };
	uint32_t n = snap_get_u32(&in), i;
	struct kvm_msrs *m;

	if (in.short_read || n > MSRS_MAX || len != 4 + (size_t)n * 12) {
		*err = xasprintf("the vCPU's msrs part is malformed (%u MSRs in %zu bytes)", n,
				 len);
		return NULL;
	}
	m = msrs_alloc(n);
	for (i = 0; i < n; i++) {
		m->entries[i].index = snap_get_u32(&in);
		m->entries[i].data = snap_get_u64(&in);
		if (!listed(list, m->entries[i].index)) {
			*err = xasprintf(
				"the saved vCPU has MSR %#x, which KVM does not save for a "
				"guest",
				m->entries[i].index);
			free(m);
			return NULL;
		}
	}
	return m;
}

static int set_msrs(int fd, struct kvm_msrs *m, char **err)
{
	int r = ioctl(fd, KVM_SET_MSRS, m);

	if (r >= 0 && (unsigned)r < m->nmsrs)
		*err = xasprintf("this host's KVM refuses MSR 0x%x of the saved vCPU "
				 "(a CPU unlike the one it was saved on?)",
				 m->entries[r].index);
	else if (r < 0)
		*err = xasprintf("KVM_SET_MSRS: %s", strerror(errno));
	return r >= 0 && (unsigned)r == m->nmsrs ? 0 : -1;
}

/* One part into the vCPU; the MSRs come parsed (m). */
static int load_part(int fd, struct kvm_msrs *m, enum part p, const uint8_t *data, size_t len,
		     char **err)
{
	void *copy;
	int r;

	if (p == PART_MSRS)
		return set_msrs(fd, m, err);
	/* KVM's structures want their own alignment; the payload has none. */
	copy = xmalloc(len);
	memcpy(copy, data, len);
	r = ioctl(fd, parts[p].set, copy);
	free(copy);
	if (r < 0) {
		*err = xasprintf("this host's KVM refuses the saved vCPU's %s: %s", parts[p].name,
				 strerror(errno));
		return -1;
	}
	return 0;
}

int snap_vcpu_load(int vcpu_fd, const struct snap_msr_list *msrs, const uint8_t *data, size_t len,
		   char **err)
{
	struct snap_in in = { data, len, 0, false };
	const uint8_t *at[PART_COUNT] = { 0 };
	size_t size[PART_COUNT] = { 0 };
	struct kvm_msrs *m;
	unsigned p;

	/* All parts found and checked, the MSRs parsed, before anything is set. */
	while (in.off < in.len) {
		uint16_t tag = snap_get_u16(&in);
		uint32_t n = snap_get_u32(&in);

		if (in.short_read || tag >= PART_COUNT || at[tag] || n > in.len - in.off ||
		    (parts[tag].size && n != parts[tag].size)) {
			*err = xasprintf(
				"the saved vCPU is malformed (part %u, %u bytes, at byte %zu)", tag,
				n, in.off);
			return -1;
		}
		at[tag] = in.p + in.off;
		size[tag] = n;
		in.off += n;
	}
	for (p = 0; p < PART_COUNT; p++)
		if (!at[p]) {
			*err = xasprintf("the saved vCPU has no %s", parts[p].name);
			return -1;
		}
	m = parse_msrs(msrs, at[PART_MSRS], size[PART_MSRS], err);
	if (!m)
		return -1;
	for (p = 0; p < PART_COUNT; p++)
		if (load_part(vcpu_fd, m, load_order[p], at[load_order[p]], size[load_order[p]],
			      err))
			break;
	free(m);
	return p == PART_COUNT ? 0 : -1;
}
