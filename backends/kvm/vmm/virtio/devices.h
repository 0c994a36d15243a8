/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio devices a guest gets from its config: disks (virtio_blk.c),
 * network interfaces on taps (virtio_net.c, tap.c) and an entropy source
 * (virtio_rng.c), each on its own virtio-mmio slot.
 */
#ifndef XLC_KVM_DEVICES_H
#define XLC_KVM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "backends/kvm/vmm/machine/vm.h"
#include "parsers/disk_spec.h"
#include "parsers/vif_spec.h"
#include "lib/json.h"

/* Where a virtio device sits: its register window and interrupt. */
struct virtio_slot {
	uint64_t base;
	unsigned gsi;
	bool inline_io; /* no threads: requests are served inside the kick (fuzzing) */
};

/* The slots, in DSDT order (which is the guest's probe order). */
#define VIRTIO_SLOTS 15
bool virtio_slot_get(unsigned index, struct virtio_slot *slot);

struct virtio_dev;
struct virtio_dev_ops;
/*
 * A new device of this kind on the VM (which frees it from now on); the
 * caller fills in its config and features, then calls virtio_mmio_init().
 */
struct virtio_dev *virtio_dev_new(struct vm *vm, const struct virtio_dev_ops *ops, const char *kind,
				  const char *name, uint32_t device_id, unsigned nqueues,
				  void *priv, const struct virtio_slot *slot);

int virtio_blk_create(struct vm *vm, const struct disk_spec *d, const struct virtio_slot *slot,
		      char **err);

/* Who the guest is, for tap names (vif<domid>.<devid>) and vif scripts. */
struct vif_owner {
	int domid;
	const char *domname;
	const char *default_bridge;
};
/* A tap-backed fd may be given (the fuzzer's socket); -1 opens the real tap. */
int virtio_net_create(struct vm *vm, const struct vif_spec *vif, const struct vif_owner *owner,
		      const struct virtio_slot *slot, int fd, char **err);

/* Delivers what the tap holds, as the I/O thread would (the fuzzer's pump). */
struct virtio_dev;
void virtio_net_poll(struct virtio_dev *dev);

int virtio_rng_create(struct vm *vm, const struct virtio_slot *slot, char **err);

/* Every device with its counters, as a JSON array (for list --json and top). */
void virtio_devices_json(struct vm *vm, yajl_gen g);

#endif
