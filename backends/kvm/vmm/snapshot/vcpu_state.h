/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One vCPU's complete KVM state as a stream record's payload (FORMAT.md,
 * "vcpu"): its general and special registers, FPU/SSE/AVX state (XSAVE),
 * XCRs, every MSR KVM lets it read (the TSC among them), its local APIC,
 * pending events, debug registers and run state. Saving reads a stopped
 * vCPU; loading writes them into a new vCPU that has its CPUID already,
 * in the order KVM needs (the APIC base MSR before the APIC's registers,
 * events last).
 */
#ifndef XLC_KVM_SNAPSHOT_VCPU_STATE_H
#define XLC_KVM_SNAPSHOT_VCPU_STATE_H

#include <stdint.h>

#include "backends/kvm/vmm/snapshot/stream.h"

/* The MSRs KVM saves and restores for a guest (KVM_GET_MSR_INDEX_LIST). */
struct snap_msr_list {
	uint32_t *index;
	unsigned n;
};

int snap_msr_list_get(int kvm_fd, struct snap_msr_list *list, char **err);
void snap_msr_list_free(struct snap_msr_list *list);

/* Appends vcpu_fd's state (a stopped vCPU's) to o: 0, or -1 with *err. */
int snap_vcpu_save(int vcpu_fd, const struct snap_msr_list *msrs, struct snap_out *o, char **err);
/*
 * Sets vcpu_fd from a payload snap_vcpu_save wrote: 0, or -1 with *err. Only
 * MSRs of msrs (KVM's list: the ones it saves for a guest) are taken; a
 * feature MSR or any other index is refused before anything is set.
 */
int snap_vcpu_load(int vcpu_fd, const struct snap_msr_list *msrs, const uint8_t *data, size_t len,
		   char **err);

#endif
