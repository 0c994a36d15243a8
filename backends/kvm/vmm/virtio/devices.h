/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio devices a guest gets from its config: disks (blk.c), network
 * interfaces on taps (net.c) and an entropy source (rng.c), each on its own
 * virtio-mmio slot. What they stand on in the host (an image's fd, a tap's
 * fd) was opened by the VMM's privileged part and is handed in: a device
 * never opens a file or creates a network interface itself.
 */
#ifndef XLC_KVM_DEVICES_H
#define XLC_KVM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/kvm/vmm/machine/vm.h"

struct virtio_stats;

/* Where a virtio device sits: its register window, interrupt and counters. */
struct virtio_slot {
	uint64_t base;
	unsigned gsi;
	bool inline_io;		    /* no threads: requests are served inside the kick (fuzzing) */
	struct virtio_stats *stats; /* where its state and counters go; NULL: its own */
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

/* A disk: an image (or block device) the caller opened, locked and keeps open. */
struct blk_backing {
	const char *name; /* the vdev, "xvda" */
	int fd;
	uint64_t bytes;
	bool readonly;
	bool discard; /* holes may be punched (a regular file, discard allowed) */
};
int virtio_blk_create(struct vm *vm, const struct blk_backing *b, const struct virtio_slot *slot,
		      char **err);
/*
 * cd-insert / cd-eject: a read-only disk's medium becomes fd (bytes long;
 * -1 and 0: none), which the device now owns; the old one is closed once no
 * worker uses it. -1 if dev is not a read-only virtio-blk disk.
 */
int virtio_blk_change_medium(struct virtio_dev *dev, int fd, uint64_t bytes);

/* A NIC: a tap the caller created, brought up and attached, and keeps open. */
struct net_backing {
	const char *ifname;
	int fd;
	uint8_t mac[6];
	unsigned long mtu;
	uint64_t rate_bytes; /* per interval; 0: no limit */
	uint32_t rate_interval_us;
	int vhost_fd; /* /dev/vhost-net, which the device then owns, or -1 */
};
int virtio_net_create(struct vm *vm, const struct net_backing *n, const struct virtio_slot *slot,
		      char **err);

/* Delivers what the tap holds, as the I/O thread would (the fuzzer's pump). */
void virtio_net_poll(struct virtio_dev *dev);

int virtio_rng_create(struct vm *vm, const struct virtio_slot *slot, char **err);

/*
 * The memory balloon: target_pages (4 KiB each) is what the guest should
 * hand back from the start (maxmem above memory); *out is the device, for
 * virtio_balloon_set_target(), which mem-set calls from any thread.
 */
int virtio_balloon_create(struct vm *vm, uint32_t target_pages, const struct virtio_slot *slot,
			  struct virtio_dev **out, char **err);
void virtio_balloon_set_target(struct virtio_dev *dev, uint32_t pages);

#endif
