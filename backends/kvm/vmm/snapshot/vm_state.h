/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM-wide state KVM keeps in the kernel, as stream records (FORMAT.md):
 * the interrupt controllers (both PICs and the IOAPIC: "irqchip"), the PIT
 * ("pit"), and kvmclock ("clock"). Saved from a VM whose vCPUs are stopped;
 * loaded into a VM made with the same in-kernel irqchip and PIT, before its
 * vCPUs run.
 */
#ifndef XLC_KVM_SNAPSHOT_VM_STATE_H
#define XLC_KVM_SNAPSHOT_VM_STATE_H

#include "backends/kvm/vmm/snapshot/stream.h"

/* Writes the irqchip, pit and clock records: 0, or -1 with *err. */
int snap_vm_save(int vm_fd, struct snap_writer *w, char **err);
/* Loads one of those records (rec->type says which): 0, or -1 with *err. */
int snap_vm_load(int vm_fd, const struct snap_record *rec, char **err);

#endif
