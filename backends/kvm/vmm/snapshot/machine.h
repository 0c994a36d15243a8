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
 * A stream from fd into vm: a VM built from the same config, vCPUs created
 * and not yet run, devices registered. 0, or -1 with *err, which names what
 * differs (vCPUs, memory, a device) or what is wrong with the stream.
 */
int snap_machine_load(struct vm *vm, int fd, char **err);

#endif
