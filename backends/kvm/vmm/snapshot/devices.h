/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every device's part of a saved machine: one "device" record per device
 * the VM registered (vm_register_state), named as registered. Called while
 * nothing else runs in the machine (the vCPUs and the I/O thread stopped).
 */
#ifndef XLC_KVM_SNAPSHOT_DEVICES_H
#define XLC_KVM_SNAPSHOT_DEVICES_H

#include <stdbool.h>

#include "backends/kvm/vmm/machine/vm.h"
#include "backends/kvm/vmm/snapshot/stream.h"

/* A restore's progress: which of the VM's devices have had their state. */
struct snap_devices_loaded {
	bool done[VM_STATE_DEVICES];
};

int snap_devices_save(struct vm *vm, struct snap_writer *w, char **err);
/* One "device" record into the device of its name: 0, or -1 with *err. */
int snap_device_load(struct vm *vm, const struct snap_record *rec,
		     struct snap_devices_loaded *loaded, char **err);
/* At the stream's end: -1 with *err naming a device the stream left out. */
int snap_devices_check(const struct vm *vm, const struct snap_devices_loaded *loaded, char **err);

#endif
