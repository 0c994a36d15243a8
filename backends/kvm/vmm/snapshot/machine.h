/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whole machine as a stream (FORMAT.md): its shape, its RAM, every vCPU,
 * the in-kernel interrupt controllers, PIT and clock, every device, the end.
 * What save and migration send and restore reads; the callers stop the
 * machine first (vCPUs paused, the I/O thread idle, requests finished).
 */
#ifndef XLC_KVM_SNAPSHOT_MACHINE_H
#define XLC_KVM_SNAPSHOT_MACHINE_H

#include "backends/kvm/vmm/machine/vm.h"
#include "backends/kvm/vmm/snapshot/stream.h"

/*
 * vm's whole state into fd, the preamble and end included: 0, or -1 with
 * *err. *w has the counts (records, pages, bytes) afterwards.
 */
int snap_machine_save(struct vm *vm, int fd, struct snap_writer *w, char **err);
/*
 * The same in parts, for a live migration, which sends RAM in rounds
 * between them (precopy.h): the preamble and the machine's shape; then,
 * with the machine stopped, every vCPU, the chips, the devices and the end.
 */
int snap_machine_save_begin(struct vm *vm, int fd, struct snap_writer *w, char **err);
int snap_machine_save_state(struct vm *vm, struct snap_writer *w, char **err);
/* vm's RAM regions (vm->nmem of them) as the stream sees them. */
void snap_machine_ram(const struct vm *vm, struct snap_ram *ram);
/*
 * A stream from fd into vm: a VM built from the same config, vCPUs created
 * and not yet run, devices registered. 0, or -1 with *err, which names what
 * differs (vCPUs, memory, a device) or what is wrong with the stream.
 */
int snap_machine_load(struct vm *vm, int fd, char **err);

#endif
