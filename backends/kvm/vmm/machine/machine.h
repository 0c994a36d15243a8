/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One boot of a guest: the machine built from what the VMM's privileged part
 * opened for it (/dev/kvm, the kernel, images, taps), and its threads.
 * Building touches no file by name and starts no thread; starting runs the
 * threads, each of which confines itself first (thread_hook).
 */
#ifndef XLC_KVM_MACHINE_H
#define XLC_KVM_MACHINE_H

#include <stdbool.h>

#include "backends/kvm/vmm/devices/serial.h"
#include "backends/kvm/vmm/machine/boot.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm_spec.h"

struct virtio_stats;

struct machine_config {
	int kvm_fd; /* the machine owns it from now on */
	uint64_t ram_bytes;
	int vcpus, max_vcpus;
	const struct vmm_pin *pins;	 /* max_vcpus entries */
	struct boot_file kernel, initrd; /* initrd.fd -1: none */
	const char *cmdline;
	bool from_stream; /* a restore: no kernel, the stream sets memory and registers */
	const struct blk_backing *disks; /* in the guest's order */
	unsigned ndisks;
	const struct net_backing *nics;
	unsigned nnics;
	struct virtio_stats *stats; /* one per virtio device in slot order, or NULL */
	uint32_t balloon_pages;	    /* the balloon's first target: RAM the guest hands back */
	serial_sink sink;
	void *sink_opaque;
	vm_thread_hook thread_hook;
	void *owner; /* vm->owner, for the hook */
};

/* Every virtio device a config makes: its disks, its NICs, the entropy device, the balloon. */
static inline unsigned machine_virtio_count(unsigned ndisks, unsigned nnics)
{
	return ndisks + nnics + 2;
}

/* Builds the machine and loads the guest; NULL with *err if it cannot. */
struct vm *machine_build(const struct machine_config *mc, char **err);

/* Starts the I/O thread, the devices' threads and the vCPUs (parked if paused). */
int machine_start(struct vm *vm, const struct machine_config *mc, bool paused, char **err);

/*
 * A save's stillness: the vCPUs paused, the I/O thread parked, every device
 * quiet (disk requests done, vhost's rings taken back), so that nothing
 * writes guest memory or changes a device while its state is read.
 * *running: whether the vCPUs were running, for machine_thaw(), which undoes
 * it (running them again if asked) and is called whatever this returns:
 * 0, or -1 if a device could not be quiet in time (the save fails).
 */
int machine_freeze(struct vm *vm, bool *running);
void machine_thaw(struct vm *vm, bool run_vcpus);

/* Stops the vCPUs and frees the machine; returns why the guest ended. */
enum vm_exit_reason machine_finish(struct vm *vm);

#endif
